import Foundation
import XCTest
@testable import PolyglotLang

/// Issue 16, defect 2: deep nesting is a located error in the parser and the interpreter, never a stack overflow,
/// on the main thread and on a 512 KiB secondary thread; a flat chain of operators is not nesting at all.
final class NestingTests: XCTestCase {
    static func nested(_ open: String, _ inner: String, _ close: String, _ n: Int) -> String {
        String(repeating: open, count: n) + inner + String(repeating: close, count: n)
    }

    /// Programs nested far beyond any limit: each must fail with a located "nested too deeply".
    static let tooDeep: [(name: String, source: String)] = [
        ("10,000 brackets", "let z = " + nested("(", "1", ")", 10_000)),
        ("10,000 lists", "let z = " + nested("[", "1", "]", 10_000)),
        ("10,000 records", "let z = " + nested("{a: ", "1", "}", 10_000)),
        ("100,000 unary minus", "let z = " + String(repeating: "- ", count: 100_000) + "1"),
        ("100,000 not", "let z = " + String(repeating: "not ", count: 100_000) + "true"),
        ("10,000 calls", "fn f(x) { x }\nlet z = " + nested("f(", "1", ")", 10_000)),
        ("10,000 command calls", "let z = " + String(repeating: "len ", count: 10_000) + "[1]"),
        ("100,000 indexings", "let xs = [1]\nlet z = xs" + String(repeating: "[0]", count: 100_000)),
        ("100,000 fields", "let r = {a: 1}\nlet z = r" + String(repeating: ".a", count: 100_000)),
        ("100,000 updates", "let z = {a: 1}" + String(repeating: " with {a: 1}", count: 100_000)),
        ("10,000 blocks", nested("if true { ", "1", " }", 10_000)),
        ("10,000 loops", nested("for i in [1] { ", "1", " }", 10_000)),
        ("10,000 functions", nested("fn f() { ", "1", " }", 10_000))
    ]

    /// Runs each deep program in one session and checks the error and that the session goes on.
    static func checkTooDeep(_ s: Session) -> [String] {
        var failures: [String] = []
        _ = s.execute("let keep = 42", file: "t.pg")
        for c in tooDeep {
            let r = s.execute(c.source, file: "t.pg")
            let message = r.error.map { s.render($0) } ?? "no error"
            if r.error?.message != "expression nested too deeply" || r.error?.span?.file != "t.pg" {
                failures.append("\(c.name): \(message.prefix(300))")
            }
        }
        if s.execute("keep", file: "t.pg").output.map(\.content) != ["42"] { failures.append("the session was lost") }
        return failures
    }

    func testDeepNestingIsALocatedErrorAndTheSessionGoesOn() {
        XCTAssertEqual(Self.checkTooDeep(makeSession()), [])
        let r = pg("let z = " + Self.nested("(", "1", ")", 10_000))
        XCTAssertTrue(r.error?.hasPrefix("t.pg:1:") == true, r.error ?? "")
        XCTAssertTrue(r.error?.contains("expected at most 1000 levels") == true, r.error ?? "")
    }

    func testRecursionOfFunctionsStopsWithAnError() {
        let r = pg("fn down(n) { if n == 0 { 0 } else { 1 + down(n - 1) } }\ndown(200)\ndown(100000)")
        XCTAssertEqual(r.output, ["200"])
        // 400 calls in a release build; a debug build's frames reach the stack check first.
        XCTAssertTrue(
            r.error?.contains("too many nested calls") == true
                || r.error?.contains("expression nested too deeply") == true, r.error ?? "")
    }

    /// The same programs on a thread with a 512 KiB stack (a secondary thread's usual size) and a long chain.
    func testSmallThreadStackGivesTheSameErrors() {
        final class Results: @unchecked Sendable {  // written by the thread, read after it signals
            var failures: [String] = [], chain: [String] = [], recursion: String?
        }
        let results = Results()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let s = makeSession()
            results.failures = Self.checkTooDeep(s)
            results.chain = s.execute("1" + String(repeating: " + 1", count: 99_999), file: "t.pg").output.map(
                \.content)
            let r = s.execute("fn down(n) { if n == 0 { 0 } else { 1 + down(n - 1) } }\ndown(100000)", file: "t.pg")
            results.recursion = r.error.map { s.render($0) }
            done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        done.wait()
        XCTAssertEqual(results.failures, [])
        XCTAssertEqual(results.chain, ["100000"])
        XCTAssertTrue(results.recursion?.contains("nested") == true, results.recursion ?? "no error")
    }
}
