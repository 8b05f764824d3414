import XCTest
@testable import PolyglotLang

final class InterpreterTests: XCTestCase {
    func testPrecedenceAndArithmetic() {
        XCTAssertEqual(
            pg("1 + 2 * 3\n(1 + 2) * 3\n7 / 2\n7 % 3\n-2 * 3\n2 - -1\n1 < 2 and not (2 < 1)").output,
            ["7", "9", "3.5", "1", "-6", "3", "true"])
        XCTAssertEqual(
            pg("\"a\" + \"b\"\n[1] + [2]\n1 == 1.0\n\"b\" > \"a\"").output, ["\"ab\"", "[1, 2]", "true", "true"])
    }

    func testValuesPrintAsSource() {
        XCTAssertEqual(
            pg("{name: \"x\", n: 3, xs: [1.5, none, true]}").output, ["{name: \"x\", n: 3, xs: [1.5, none, true]}"])
        XCTAssertEqual(pg("\"line\\nbreak {1 + 1} \\{literal}\"").output, ["\"line\\nbreak 2 \\{literal}\""])
    }

    func testFunctionsReturnTheirLastExpressionAndScopeLocals() {
        let out = pg(
            """
            let y = 10
            fn f(x) {
              let y = x + 1
              y * 2
            }
            f(1)
            y
            fn fact(n) { if n <= 1 { 1 } else { n * fact(n - 1) } }
            fact(10)
            """
        ).output
        XCTAssertEqual(out, ["4", "10", "3628800"])
    }

    func testLoopsConditionsAndAssignment() {
        XCTAssertEqual(pg("let t = 0\nfor i in range 5 { t = t + i }\nt").output, ["10"])
        XCTAssertEqual(pg("let r = {a: 1, b: 2}\nfor k in r { print k }").output, ["a", "b"])
        XCTAssertEqual(pg("if 1 > 2 { 1 } else if 2 > 1 { 2 } else { 3 }").output, ["2"])
        XCTAssertEqual(pg("let x = if false { 1 }\nx == none").output, ["true"])
    }

    func testCommandsNestAndTakeKeywords() {
        XCTAssertEqual(
            pg("print len [1, 2, 3]\nrange 10 2 step: 3\nlet n = sum [1, 2]\nn").output, ["3", "[2, 5, 8]", "3"])
        XCTAssertEqual(pg("len([1, 2]) + 1").output, ["3"])
        XCTAssertEqual(pg("print \"a\" \"b\", 3").output, ["a b 3"])
        XCTAssertEqual(pg("[min([3, 1, 2]), max([3, 1, 2])]").output, ["[1, 3]"])
    }

    func testIndexingAndFields() {
        XCTAssertEqual(
            pg("let xs = [1, 2, 3]\nxs[0]\nxs[-1]\nlet r = {a: {b: 5}}\nr.a.b\nr[\"a\"][\"b\"]\n\"héllo\"[1]").output,
            ["1", "3", "5", "5", "\"é\""])
    }

    func testSeedIsDeterministic() {
        let a = makeSession(), b = makeSession()
        _ = pg("seed 7", session: a)
        _ = pg("seed 7", session: b)
        XCTAssertEqual(a.nextSeed(), b.nextSeed())
        XCTAssertNotEqual(a.nextSeed(), makeSession().nextSeed())
    }

    func testInterruptStopsALoop() {
        let s = makeSession()
        s.echo = { _ in Interrupt.request() }
        let r = s.execute("for i in range 1000 { print i }", file: "t.pg")
        XCTAssertEqual(r.output.count, 1)
        XCTAssertEqual(r.error?.kind, .interrupted)
    }

    func testDeepRecursionIsAnErrorNotACrash() {
        let r = pg("fn f(n) { f(n + 1) }\nf(0)")
        XCTAssertTrue(r.error?.contains("too many nested calls") == true, r.error ?? "")
    }
}

final class ShadowingTests: XCTestCase {
    /// A parameter named like a command or function is a plain variable inside the function.
    func testParametersShadowCommandsAndFunctions() {
        XCTAssertEqual(pg("fn twice(x) { x * 2 }\nfn f(twice, len) { twice + len }\nf(1, 2)").output, ["3"])
        XCTAssertEqual(pg("fn g(mono) { mono * 10 }\ng(1.5)").output, ["15.0"])
    }
}

final class SubcommandTests: XCTestCase {
    /// Every sub-command word parses as a kind, never as another command (`load model …`).
    func testSubcommandWordsAreNotCommands() {
        let s = makeSession()
        for spec in s.registry.sorted where spec.name.contains(" ") {
            let word = String(spec.name.split(separator: " ")[1])
            XCTAssertFalse(s.isCallable(word), "'\(word)' of '\(spec.name)' is also a command")
        }
    }
}
