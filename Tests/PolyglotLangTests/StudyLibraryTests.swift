import XCTest
import PolyglotLab
@testable import PolyglotLang

/// The tables and combinations the study's stdlib is built on (pivot, `+` of answers and judgments).
final class StudyLibraryTests: XCTestCase {
    func testPivotTurnsALongTableWideWithARowMean() {
        let out = pg(
            """
            let long = table [{model: "a", lang: "en", mean: 6.0}, {model: "a", lang: "de", mean: 4.0},
                              {model: "b", lang: "en", mean: 7.0}]
            pivot long rows: "model" columns: "lang" value: "mean"
            """
        ).output
        XCTAssertEqual(
            out,
            [
                "model    en    de   avg", "─────  ────  ────  ────", "a      6.00  4.00  5.00",
                "b      7.00        7.00",
                "avg = unweighted mean of the row's lang columns."
            ])
        let bad = pg("pivot (table [{a: 1}]) rows: \"model\" columns: \"a\" value: \"a\"")
        XCTAssertTrue(bad.error?.contains("the table has no column 'model'; columns: a") == true, bad.error ?? "")
        let twice = pg(
            "pivot (table [{m: \"x\", l: \"en\", v: 1}, {m: \"x\", l: \"en\", v: 2}]) rows: \"m\" columns: \"l\" value: \"v\""
        )
        XCTAssertTrue(twice.error?.contains("two rows give m 'x', l 'en'") == true, twice.error ?? "")
    }

    func testExistsLooksAtTheFileSystem() {
        XCTAssertEqual(pg("exists \"/\"\nexists(\"/no/such/polyglot/path\")").output, ["true", "false"])
    }

    func testJudgmentsAndAnswersOfSeveralModelsAdd() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("polyglot-add-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func answers(_ model: String, _ text: String) throws -> String {
            let path = dir.appendingPathComponent("\(model).jsonl").path
            let line =
                #"{"question_id": "111_EN", "answer_id": "x", "model_id": "\#(model)", "choices": [{"index": 0, "turns": ["\#(text)", "\#(text)"]}], "tstamp": 0}"#
            try (line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let a = try answers("m1", "nothing"), b = try answers("m2", "nothing at all")
        let out = pg(
            """
            let a = load answers "\(a)" bench: builtin:bench
            let b = load answers "\(b)" bench: builtin:bench
            (a + b).models
            let j = (judge a with: builtin) + (judge b with: builtin)
            j.count
            a + a
            """)
        XCTAssertEqual(out.output.first, "[\"m1\", \"m2\"]")
        XCTAssertEqual(out.output.last, "4", "two models × two turns of one question")
        XCTAssertTrue(
            out.error?.contains("cannot combine these answers: model 'm1' has answers in both") == true, out.error ?? ""
        )
        XCTAssertTrue(pg("let x = 1 + \"a\"").error?.contains("two answers or two judgments") == true)
    }

    /// `scores_of` keeps the score table (not rows rebuilt into a plain table), so `plot` finds its mean and 95% CI
    /// without being told: `plot (score j …) x: "lang" group: "model"` used to fail with "several columns fit value".
    func testScoreTablesPlotTheirMeanWithErrorBars() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("polyglot-scores-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func answers(_ model: String, _ text: String) throws -> String {
            let path = dir.appendingPathComponent("\(model).jsonl").path
            let lines = ["111_EN", "151_EN", "111_DE", "151_DE"].map { q in
                #"{"question_id": "\#(q)", "answer_id": "x", "model_id": "\#(model)", "#
                    + #""choices": [{"index": 0, "turns": ["\#(text)", "\#(q) \#(text)"]}], "tstamp": 0}"#
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let a = try answers("m1", "Paris"), b = try answers("m2", "eins zwei drei")
        let figure = dir.appendingPathComponent("scores.svg").path
        let out = pg(
            """
            let ja = judge (load answers "\(a)" bench: builtin:bench) with: builtin
            let j = ja + (judge (load answers "\(b)" bench: builtin:bench) with: builtin)
            let s = scores_of(j, ["m2", "m1"])
            s.rows[0].model
            s.title
            plot (score j by: ["model", "lang"]) kind: "bars" x: "lang" group: "model" to: "\(figure)"
            plot s kind: "paired" x: "lang" group: "model"
            """)
        XCTAssertNil(out.error)
        XCTAssertEqual(
            Array(out.output.dropFirst(2).prefix(2)), ["\"m2\"", "\"Scores by model, lang\""],
            "after the judges' two lines: select keeps the order asked for")
        XCTAssertTrue(out.output.contains { $0.hasPrefix("figure: \(figure) (fnv1a64:") }, "\(out.output)")
        let svg = try String(contentsOfFile: figure, encoding: .utf8)
        XCTAssertTrue(svg.contains(">Error bars: 95% CI (percentile bootstrap of the mean).</text>"), svg)
        XCTAssertTrue(svg.contains("chart of mean by lang"), "the mean is drawn")
        let terminal = out.output.last ?? ""
        XCTAssertTrue(terminal.contains("[low–high]: 95% CI (percentile bootstrap of the mean)"), terminal)

        let picked = pg(
            """
            let j = judge (load answers "\(a)" bench: builtin:bench) with: builtin
            select (score j by: ["model", "lang"]) column: "model" values: ["m1", "nobody"]
            select (score j by: ["model"]) column: "modle" values: ["m1"]
            """)
        XCTAssertTrue(picked.output.last?.hasSuffix("No rows with model nobody.") == true, "\(picked.output)")
        XCTAssertTrue(
            picked.error?.contains("the table has no column 'modle'; columns: model, mean") == true,
            picked.error ?? "")
    }

    /// `score … by: ["phrasing"]` (also spelt `form`) splits the built-in benchmark's turns into seen and held-out
    /// phrasings; 112 is a math question asked in held-out phrasings, 111 in those of the tuning sets.
    func testScoreByPhrasingAlsoSpeltForm() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("polyglot-form-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.jsonl").path
        let lines = ["111_EN", "112_EN"].map { q in
            #"{"question_id": "\#(q)", "answer_id": "x", "model_id": "m", "#
                + #""choices": [{"index": 0, "turns": ["Seven.", "Nine."]}], "tstamp": 0}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let out = pg(
            """
            let j = judge (load answers "\(path)" bench: builtin:bench) with: builtin
            let t = score j by: ["form"]
            t.title
            [t.rows[0].phrasing, t.rows[0].n, t.rows[1].phrasing, t.rows[1].n]
            score j by: ["phrasings"]
            """)
        XCTAssertEqual(Array(out.output.suffix(2)), ["\"Scores by phrasing\"", "[\"seen\", 2, \"unseen\", 2]"])
        XCTAssertTrue(out.error?.contains("score has no by: \"phrasings\"") == true, out.error ?? "no error")
    }

    /// `agreement J with: truth` (the built-in benchmark's ground truth) and `with:` another judge; a misspelt
    /// `truth` is a located error with its near miss.
    func testAgreementWithTheTruthAndWithAnotherJudge() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("polyglot-truth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bench = Builtins.benchmark()
        let german = Array(bench.questions.filter { $0.lang == .de && $0.reference.count == 2 }.prefix(2))
        // The first answered with its references (correct), the second with the first's (wrong facts).
        let lines = zip(german, [german[0], german[0]]).map { q, given in
            let turns = try! JSONSerialization.data(withJSONObject: given.reference)
            return #"{"question_id": "\#(q.id)", "answer_id": "x", "model_id": "m", "choices": [{"index": 0, "turns": "#
                + String(decoding: turns, as: UTF8.self) + #"}], "tstamp": 0}"#
        }
        let path = dir.appendingPathComponent("m.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let out = pg(
            """
            let a = load answers "\(path)" bench: builtin:bench
            let strict = judge a with: builtin
            let t = agreement strict with: truth
            t.rows[0].n
            t.rows[0].correct
            t.rows[0].pass_pass
            (agreement strict with: judge a with: lenient).rows[0].n
            [len(strict.rows), strict.rows[0].turn, strict.rows[0].fact, strict.rows[2].fact]
            agreement strict with: "truht"
            """)
        XCTAssertEqual(
            [out.output[1], out.output[2], out.output[3], out.output[5]], ["4", "0.5", "2", "4"], "\(out.output)")
        let error = out.error ?? ""
        XCTAssertEqual(out.output[6], #"[4, 1, "yes", "no"]"#, "the raw checks behind each score")
        XCTAssertTrue(error.hasPrefix("t.pg:9:"), error)
        XCTAssertTrue(error.contains("did you mean 'truth'?"), error)
    }
}
