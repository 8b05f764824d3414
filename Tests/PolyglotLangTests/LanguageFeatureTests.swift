import XCTest
@testable import PolyglotLang

/// Issue 17: keyword parameters with defaults, record update, none, continued lines, spacing, recipes.
final class LanguageFeatureTests: XCTestCase {
    /// Source → printed output, each in a fresh session.
    let outputs: [(source: String, expected: [String])] = [
        // Keyword parameters with defaults, by position or by name, in both call forms.
        (
            """
            fn evaluate(model, bench, langs: ["en", "de"], max_tokens: 48) { "{model} {bench} {langs} {max_tokens}" }
            print evaluate("m", "b")
            print evaluate("m", "b", max_tokens: 12)
            print evaluate "m" "b" max_tokens: 12 langs: ["fr"]
            print evaluate(bench: "b", model: "m")
            print evaluate("m", "b", ["it"], 1)
            """,
            [
                "m b [\"en\", \"de\"] 48", "m b [\"en\", \"de\"] 12", "m b [\"fr\"] 12", "m b [\"en\", \"de\"] 48",
                "m b [\"it\"] 1"
            ]
        ),
        // Defaults are evaluated at each call and see the globals and the earlier parameters.
        (
            "let n = 1\nfn f(x: n) { x }\nn = 5\nf()\nfn g(a, b: a * 2) { [a, b] }\ng(3)\ng(3, b: 0)",
            ["5", "[3, 6]", "[3, 0]"]
        ),
        ("fn f(a, b: 2) { a + b }\nvars", ["fn f(a, b: 2)"]),
        // Record update: a copy with fields replaced or added; the original is unchanged.
        (
            "let r = {epochs: 3, seed: 1}\nr with {seed: 2, lr: 0.1}\nr\nr with {a: 1} with {a: 2}",
            ["{epochs: 3, seed: 2, lr: 0.1}", "{epochs: 3, seed: 1}", "{epochs: 3, seed: 1, a: 2}"]
        ),
        (
            "let base = {a: {b: 1}}\nbase.a with {c: none}\nlet extra = {d: 4}\nbase.a with extra",
            ["{b: 1, c: none}", "{b: 1, d: 4}"]
        ),
        // none is a literal everywhere; pivot's mean: none drops the mean column.
        (
            """
            let long = table [{model: "a", lang: "en", mean: 6.0}, {model: "a", lang: "de", mean: 4.0}]
            pivot long rows: "model" columns: "lang" value: "mean" mean: none
            """, ["model    en    de", "─────  ────  ────", "a      6.00  4.00"]
        ),
        // A line ending with a comma, an operator or a keyword's colon goes on (comments and blank lines between).
        (
            "let total = 1 +\n  2 *\n  3\ntotal\nprint \"a\",  # first\n\n  \"b\"\nrange 10,\n  step: 3\nrange 10 step:\n  4",
            ["7", "a b", "[0, 3, 6, 9]", "[0, 4, 8]"]
        ),
        ("let ok = true and\n  not\n  false\nok\nlet r = {a: 1} with {a: 2}\nr.\n  a", ["true", "2"]),
        // Spacing never changes meaning: these pairs parse the same.
        (
            "let xs = [1, 2]\nxs [0]\nxs[0]\nprint 5 - 1\nprint 5-1\nprint -1\nprint - 1\nprint 5, -1\nprint [5 -1]",
            ["1", "1", "4", "4", "-1", "-1", "5 -1", "[4]"]
        ),
        (
            "len (range 3)\nlen(range 3) + 1\npivot (table [{m: \"x\", l: \"en\", v: 1}]) rows: \"m\" columns: \"l\" value: \"v\"",
            ["3", "4", "m  en   avg", "─  ──  ────", "x   1  1.00", "avg = unweighted mean of the row's l columns."]
        ),
        // Deep but legal nesting (a debug build's large frames stop brackets at about 430 levels on an 8 MiB
        // stack, before the count of 1,000), and flat chains of 100,000 and 50,000 terms.
        ("len " + String(repeating: "[", count: 300) + "7" + String(repeating: "]", count: 300), ["1"]),
        ("let z = 1" + String(repeating: " + 1", count: 99_999) + "\nz", ["100000"]),
        ("let t = true" + String(repeating: " and true", count: 50_000) + "\nt", ["true"])
    ]

    func testOutputs() {
        for c in outputs {
            let r = pg(c.source)
            XCTAssertNil(r.error, String(c.source.prefix(200)))
            XCTAssertEqual(r.output, c.expected, String(c.source.prefix(200)))
        }
    }

    /// Source → the full rendered diagnostic: location, source line, caret, notes.
    let errors: [(source: String, expected: String)] = [
        (
            "fn f(model, max_tokens: 48) { 1 }\nf(1, max_token: 2)",
            """
            t.pg:2:6: error: function 'f' has no parameter 'max_token:'
              2 | f(1, max_token: 2)
                |      ^~~~~~~~~
              did you mean 'max_tokens'?
              expected f(model, max_tokens: 48)
            """
        ),
        (
            "fn f(model, max_tokens: 48) { 1 }\nf(max_tokens: 2)",
            """
            t.pg:2:1: error: function 'f' needs its argument 'model'
              2 | f(max_tokens: 2)
                | ^
              expected f(model, max_tokens: 48)
            """
        ),
        (
            "fn f(model, max_tokens: 48) { 1 }\nf(1, model: 2)",
            """
            t.pg:2:6: error: argument 'model' of 'f' is given twice
              2 | f(1, model: 2)
                |      ^~~~~
              it is already given by position
              expected f(model, max_tokens: 48)
            """
        ),
        (
            "fn f(a) { a }\nf(1, a: 1, a: 2)",
            """
            t.pg:2:12: error: keyword 'a:' is given twice
              2 | f(1, a: 1, a: 2)
                |            ^
            """
        ),
        (
            "fn h(a: 1, b) { b }",
            """
            t.pg:1:12: error: parameter 'b' needs a default: it comes after 'a:'
              1 | fn h(a: 1, b) { b }
                |            ^
              expected the parameters without defaults first, e.g. fn f(a, b, c: 1)
            """
        ),
        (
            "let r = 1 with {a: 1}",
            """
            t.pg:1:9: error: 'with' updates a record, not integer
              1 | let r = 1 with {a: 1}
                |         ^
              expected a record on the left, e.g. recipe with {seed: 2}
            """
        ),
        (
            "{a: 1} with [1]",
            """
            t.pg:1:13: error: 'with' takes a record of fields, not list
              1 | {a: 1} with [1]
                |             ^
              expected e.g. recipe with {seed: 2}
            """
        ),
        (
            "pivot (table [{m: \"x\", l: \"en\", v: 1}]) rows: \"m\" columns: \"l\" value: \"v\" mean: \"\"",
            """
            t.pg:1:81: error: the mean column needs a name
              1 | pivot (table [{m: "x", l: "en", v: 1}]) rows: "m" columns: "l" value: "v" mean: ""
                |                                                                                 ^~
              expected mean: none for no mean column
            """
        ),
        (
            "let xs = [1]\nprint xs [0]",
            """
            t.pg:2:10: error: '[' after a space is ambiguous in a command's arguments
              2 | print xs [0]
                |          ^
              write 'xs[0]' (no space) to index, or 'xs, [0]' to pass the list as another argument
            """
        ),
        (
            "print 5 -1",
            """
            t.pg:1:9: error: '-' after a space but not before its operand is ambiguous here
              1 | print 5 -1
                |         ^
              write 'a - 1' to subtract, or 'a, -1' to pass -1 as another argument
            """
        ),
        (
            "len (range 3) + 1",
            """
            t.pg:1:5: error: a space between 'len' and '(' makes the rest of the line its argument
              1 | len (range 3) + 1
                |     ^
              write 'len(…) + …' to use the result, or 'len ((…) + …)' for one argument
            """
        )
    ]

    func testLocatedErrors() {
        for c in errors {
            XCTAssertEqual(pg(c.source).error, c.expected, "source: \(c.source)")
        }
    }

    func testTrailingOperatorAsksTheReplForMore() {
        XCTAssertTrue(Lexer.needsContinuation("let m = tune base on: mix,"))
        XCTAssertTrue(Lexer.needsContinuation("let x = 1 +  # more below"))
        XCTAssertTrue(Lexer.needsContinuation("range 10 step:"))
        XCTAssertFalse(Lexer.needsContinuation("let x = 1 + 2"))
        XCTAssertFalse(Lexer.needsContinuation("let x = [1, 2]"))
    }
}

/// `recipe:` spreads a record over a command's keywords, in the one argument binding.
final class RecipeTests: XCTestCase {
    func testRecipeFieldsAreKeywordsAndExplicitKeywordsWin() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("polyglot-recipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m1.jsonl").path
        let line =
            #"{"question_id": "111_EN", "answer_id": "x", "model_id": "m1", "choices": [{"index": 0, "#
            + #""turns": ["nothing", "nothing"]}], "tstamp": 0}"#
        try (line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let s = makeSession()
        XCTAssertNil(
            pg(
                "let a = load answers \"\(path)\" bench: builtin:bench\nlet lenient_judge = {with: lenient}",
                session: s
            ).error)
        XCTAssertEqual(
            pg("let j = judge a recipe: lenient_judge", session: s).output,
            ["judged 2 turns with the built-in judge (lenient: reads past language and form)"])
        XCTAssertEqual(
            pg("let j = judge a with: builtin recipe: lenient_judge", session: s).output,
            ["judged 2 turns with the built-in judge"])
        XCTAssertEqual(
            pg("judge a recipe: {wiht: builtin}", session: s).error,
            """
            t.pg:1:17: error: the recipe's field 'wiht' is not an option of judge
              1 | judge a recipe: {wiht: builtin}
                |                 ^
              did you mean 'with'?
              expected fields among: with, pairwise
            """)
        XCTAssertEqual(
            pg("judge a recipe: {pairwise: 3}", session: s).error,
            """
            t.pg:1:17: error: field 'pairwise' of the recipe: pairwise of judge must be a list of strings, got integer
              1 | judge a recipe: {pairwise: 3}
                |                 ^
              usage: judge ANSWERS [with: "builtin"] [pairwise: none] [recipe: none]
            """)
        XCTAssertTrue(pg("judge a recipe: 3", session: s).error?.contains("recipe of judge must be a record") == true)
    }

    func testTuneAnswerAndJudgeTakeARecipe() {
        let registry = CommandRegistry.standard()
        for name in ["tune", "answer", "judge"] {
            XCTAssertTrue(registry.commands[name]!.keywords.contains { $0.name == "recipe" }, name)
        }
    }
}

/// Issue 16, defect 1: a misspelt command in an expression is named as such.
final class UnknownNameTests: XCTestCase {
    func testMisspeltCommandOrFunctionSaysWhichItResembles() {
        XCTAssertEqual(
            pg("let e = compse d langs: [\"en\"]").error,
            """
            t.pg:1:9: error: unknown name 'compse' — did you mean the command 'compose'?
              1 | let e = compse d langs: ["en"]
                |         ^~~~~~
            """)
        XCTAssertEqual(
            pg("let j = evaluat models bench").error,
            """
            t.pg:1:9: error: unknown name 'evaluat' — did you mean the function 'evaluate'?
              1 | let j = evaluat models bench
                |         ^~~~~~~
            """)
        XCTAssertEqual(
            pg("let j = zzzzzz 3").error,
            """
            t.pg:1:9: error: unknown name 'zzzzzz'
              1 | let j = zzzzzz 3
                |         ^~~~~~
              expected a command or a function before its arguments
            """)
    }

    func testAVariableFollowedByMoreIsStillAnEndOfStatementError() {
        let error = pg("let compse = 1\nlet e = compse d").error ?? ""
        XCTAssertTrue(error.hasPrefix("t.pg:2:16: error: expected end of statement, found 'd'"), error)
        let global = makeSession()
        _ = pg("let compse = 1", session: global)
        XCTAssertTrue(pg("let e = compse d", session: global).error?.contains("expected end of statement") == true)
    }
}
