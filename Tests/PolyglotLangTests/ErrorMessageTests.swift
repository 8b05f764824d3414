import XCTest
@testable import PolyglotLang

/// Exact diagnostics: location, source line, caret, what was expected, "did you mean".
final class ErrorMessageTests: XCTestCase {
    let cases: [(source: String, expected: String)] = [
        (
            "lett x = 1",
            """
            t.pg:1:1: error: unknown command 'lett'
              1 | lett x = 1
                | ^~~~
              did you mean 'let'?
              expected a command, 'let', 'fn', 'for', 'if' or an expression
            """
        ),
        (
            "let xs = [1, 2\nlen xs",
            """
            t.pg:2:1: error: expected ']' to close the list, found 'len'
              2 | len xs
                | ^~~
            """
        ),
        (
            "let langs = [\"en\"]\nlen lang",
            """
            t.pg:2:5: error: unknown variable 'lang'
              2 | len lang
                |     ^~~~
              did you mean 'langs'?
            """
        ),
        (
            "tune_all [{modle: 1, on: 2}]",
            """
            t.pg:1:11: error: item 0 of jobs of tune_all has no field 'modle'
              1 | tune_all [{modle: 1, on: 2}]
                |           ^
              did you mean 'model'?
              expected a record {model: a model, on: a dataset, name?: a string, tag?: a record {base?: a string, \
            dataset?: a string, composition?: a string, regime?: a string, seed?: an integer}, steps?: an integer}
            """
        ),
        (
            "tune_all [] steps: 0",
            """
            t.pg:1:20: error: steps must be a positive number, got 0
              1 | tune_all [] steps: 0
                |                    ^
            """
        ),
        (
            "range 3 stp: 2",
            """
            t.pg:1:9: error: range has no keyword 'stp:'
              1 | range 3 stp: 2
                |         ^~~
              did you mean 'step'?
              expected one of: step:
            """
        ),
        (
            "let t = table [{lang: \"en\", score: 6.1}]\nplot t kind: \"barz\"",
            """
            t.pg:2:14: error: plot has no kind: "barz"
              2 | plot t kind: "barz"
                |              ^~~~~~
              did you mean 'bars'?
              expected one of "bars", "paired", "diverging", "radar", "heatmap", "lines"
            """
        ),
        (
            "let d = load dataset builtin:lima-mini\ncompose d langs: [\"en\", \"fz\"]",
            """
            t.pg:2:25: error: compose has no langs: "fz"
              2 | compose d langs: ["en", "fz"]
                |                         ^~~~
              did you mean 'fr'?
              expected one of "en", "de", "fr", "it", "es"
            """
        ),
        (
            "findings [] notes: [\"seeds 1-3\", 2]",
            """
            t.pg:1:34: error: notes of findings must be a list of strings, item 1 is integer
              1 | findings [] notes: ["seeds 1-3", 2]
                |                                  ^
              usage: findings RUNS [to: none] [title: "Findings of the miniature study"] [notes: []] [figures: []] \
            [resamples: 1000] [min_effect: 0.2] [smaller: "dense"] [larger: "moe"] [curated: "lima"] \
            [synthetic_small: "bactrian_small"] [synthetic: "bactrian"] [seed: none]
            """
        ),
        (
            "load bench builtin:bench lang: \"dk\"",
            """
            t.pg:1:32: error: load bench has no lang: "dk"
              1 | load bench builtin:bench lang: "dk"
                |                                ^~~~
              did you mean 'de'?
              expected one of "en", "de", "fr", "it", "es"
            """
        ),
        (
            "range \"3\"",
            """
            t.pg:1:7: error: end of range must be an integer, got string
              1 | range "3"
                |       ^~~
              usage: range END [START] [step: 1]
            """
        ),
        (
            "1 + \"a\"",
            """
            t.pg:1:3: error: cannot apply '+' to integer and string
              1 | 1 + "a"
                |   ^
              expected two numbers, two strings, two lists, two answers or two judgments
            """
        ),
        (
            "let xs = [1]\nxs[3]",
            """
            t.pg:2:3: error: index 3 is out of range for a list of 1
              2 | xs[3]
                |   ^
              expected an index from -1 to 0
            """
        ),
        (
            "if 1 { 2 }",
            """
            t.pg:1:4: error: condition is integer, not a boolean
              1 | if 1 { 2 }
                |    ^
              expected true or false, e.g. 'len(xs) > 0'
            """
        ),
        (
            "let sum = 3",
            """
            t.pg:1:1: error: 'sum' is a command name and cannot be a variable
              1 | let sum = 3
                | ^~~~~~~
              expected another name, e.g. 'sum_1' or 'my_sum'
            """
        ),
        (
            "prnt \"x\"",
            """
            t.pg:1:1: error: unknown command 'prnt'
              1 | prnt "x"
                | ^~~~
              did you mean 'print'?
              expected a command, 'let', 'fn', 'for', 'if' or an expression
            """
        ),
        (
            "fn f(a) { a }\nf(1, 2)",
            """
            t.pg:2:1: error: function 'f' takes 1 argument(s), got 2
              2 | f(1, 2)
                | ^
              expected f(a)
            """
        ),
        (
            "print \"{x\"",
            """
            t.pg:1:8: error: expected '}' to close the interpolation
              1 | print "{x"
                |        ^
              write \\{ for a literal brace
            """
        )
    ]

    func testExactDiagnostics() {
        for c in cases {
            XCTAssertEqual(pg(c.source).error, c.expected, "source: \(c.source)")
        }
    }

    func testErrorsNeverLoseTheSession() {
        let s = makeSession()
        _ = pg("let keep = 42", session: s)
        XCTAssertNotNil(pg("nonsense(", session: s).error)
        XCTAssertNotNil(pg("1 / 0", session: s).error)
        XCTAssertEqual(pg("keep", session: s).output, ["42"])
    }
}
