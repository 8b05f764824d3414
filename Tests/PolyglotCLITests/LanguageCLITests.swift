import Foundation
import XCTest

/// The language's limits through the real binary: deep or long input piped to the REPL is an error, not a crash.
final class LanguageCLITests: XCTestCase {
    func testLongAndDeepExpressionsPipedToTheReplAreErrorsNotCrashes() throws {
        let ones = { (n: Int) in "1" + String(repeating: " + 1", count: n - 1) }
        let brackets = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        let minus = String(repeating: "- ", count: 100_000) + "1"
        let input =
            [
                "let z = \(ones(20_000))", "z", "let w = \(ones(100_000))", "w", "let b = \(brackets)",
                "let m = \(minus)", "print \"still here\"", "let e = compse z"
            ].joined(separator: "\n") + "\n"
        // Files, not pipes: the echoed 200,000-character lines of the errors would fill a pipe nobody reads yet.
        let dir = try temporaryDirectory("pg-deep")
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = ["in", "out", "err"].map { dir.appendingPathComponent($0) }
        try input.write(to: files[0], atomically: true, encoding: .utf8)
        for f in files.dropFirst() { FileManager.default.createFile(atPath: f.path, contents: nil) }
        let p = Process()
        p.executableURL = polyglotBinary
        p.standardInput = try FileHandle(forReadingFrom: files[0])
        p.standardOutput = try FileHandle(forWritingTo: files[1])
        p.standardError = try FileHandle(forWritingTo: files[2])
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, "no signal")
        let r = ProcessResult(
            status: p.terminationStatus, stdout: try String(contentsOf: files[1], encoding: .utf8),
            stderr: try String(contentsOf: files[2], encoding: .utf8))
        XCTAssertEqual(r.status, 1, "one failed cell, no signal: \(r.stderr.prefix(500))")
        XCTAssertEqual(r.stdout, "20000\n100000\nstill here\n")
        XCTAssertTrue(r.stderr.contains("<cell 5>:1:"), String(r.stderr.prefix(500)))
        XCTAssertEqual(
            r.stderr.components(separatedBy: "error: expression nested too deeply").count - 1, 2,
            String(r.stderr.prefix(500)))
        XCTAssertTrue(
            r.stderr.contains("<cell 8>:1:9: error: unknown name 'compse' — did you mean the command 'compose'?"),
            String(r.stderr.suffix(500)))
    }
}
