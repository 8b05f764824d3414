import XCTest
@testable import PolyglotLang

/// Integer and floating-point edge cases that trapped (crashed the REPL and lost the session) and are now
/// located errors or exact results. Found while fuzzing the interpreter (`polyglot fuzz run dsl-run`).
final class FuzzRegressionTests: XCTestCase {
    private let intMin = "(-9223372036854775807 - 1)"

    func testNegatingIntMinIsAnOverflowError() {
        let r = pg("let m = \(intMin)\n-m")
        XCTAssertEqual(r.error?.components(separatedBy: "\n").first, "t.pg:2:1: error: integer overflow in '-'")
    }

    func testRemainderNeverOverflows() {
        XCTAssertEqual(pg("\(intMin) % -1").output, ["0"])
        XCTAssertEqual(pg("9223372036854775806 % 9223372036854775807").output, ["9223372036854775806"])
        XCTAssertEqual(pg("-9223372036854775806 % 9223372036854775807").output, ["1"])
        XCTAssertEqual(pg("-7 % 3").output, ["2"], "the sign follows the divisor, as before")
        XCTAssertEqual(pg("7 % -3").output, ["-2"])
    }

    func testRangeWithExtremeBoundsIsTooLong() {
        let r = pg("range 9223372036854775807 (-9223372036854775807)")
        XCTAssertEqual(
            r.error?.components(separatedBy: "\n").first,
            "t.pg:1:7: error: range is too long (over 10 million)")
        XCTAssertEqual(pg("range \(intMin) 0 step: -1").error?.contains("range is too long"), true)
    }

    func testRoundingBeyondIntegersIsAnError() {
        for value in ["1e300", "-1e300", "1e309"] {
            let r = pg("round \(value)")
            let error = r.error ?? ""
            XCTAssertTrue(
                error.hasPrefix("t.pg:1:7: error: round ") && error.contains("does not fit an integer"),
                "\(value): \(r.error ?? "no error")")
        }
        XCTAssertEqual(pg("round 2.5").output, ["3"])
    }
}

extension FuzzRegressionTests {
    func testSplitWithAHugeCountIsAnError() {
        let r = pg("let d = load dataset builtin:lima-mini\nsplit d val: 1e300")
        XCTAssertEqual(
            r.error?.components(separatedBy: "\n").first,
            "t.pg:2:14: error: val must be a share or a count of items, got 1e+300")
    }
}
