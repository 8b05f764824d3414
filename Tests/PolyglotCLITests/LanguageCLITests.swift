import Foundation
import XCTest

/// The language's limits through the real binary: deep or long input piped to the REPL is an error, not a crash.
final class LanguageCLITests: XCTestCase {
    func testLongAndDeepExpressionsPipedToTheReplAreErrorsNotCrashes() throws {
        let ones = { (n: Int) in "1" + String(repeating: " + 1", count: n - 1) }
        let brackets = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        let minus = String(repeating: "- ", count: 100_000) + "1"
        let input = ["let z = \(ones(20_000))", "z", "let w = \(ones(100_000))", "w", "let b = \(brackets)",
                     "let m = \(minus)", "print \"still here\"", "let e = compse z"].joined(separator: "\n") + "\n"
        let r = try runPolyglot([], stdin: input)
        XCTAssertEqual(r.status, 1, "one failed cell, no signal: \(r.stderr.prefix(500))")
        XCTAssertEqual(r.stdout, "20000\n100000\nstill here\n")
        XCTAssertTrue(r.stderr.contains("<cell 5>:1:"), String(r.stderr.prefix(500)))
        XCTAssertEqual(r.stderr.components(separatedBy: "error: expression nested too deeply").count - 1, 2,
                       String(r.stderr.prefix(500)))
        XCTAssertTrue(r.stderr.contains("<cell 8>:1:9: error: unknown name 'compse' — did you mean the command 'compose'?"),
                      String(r.stderr.suffix(500)))
    }
}
