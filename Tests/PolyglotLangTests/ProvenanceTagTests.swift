import Foundation
import XCTest

@testable import PolyglotLab
@testable import PolyglotLang

/// `tune` records what a model is in a study grid; `tag:` sets it for a model tuned by hand, checked by the registry;
/// answers and judgments carry it to `findings`.
final class ProvenanceTagTests: XCTestCase {
    static let setup = """
        let base = pretrain builtin:corpus config: {sentences: 300, steps: 1, batch: 2} seed: 1
        let lima = sample((load dataset builtin:lima-mini), n: 8, seed: 1)
        let en = compose lima langs: ["en"]
        """

    func testTuneRecordsItAndTagOverridesIt() {
        let s = makeSession()
        XCTAssertNil(pg(Self.setup, session: s).error)
        let untagged = pg("let a = tune base on: en epochs: 1 batch: 8 seed: 3\nprint a.tag", session: s)
        XCTAssertNil(untagged.error)
        XCTAssertEqual(
            untagged.output.last,
            #"{base: "dense", dataset: "lima-mini/sample8", composition: "EN", regime: "epochs 1", seed: 3}"#)
        let tagged = pg(
            "let b = tune base on: en epochs: 1 batch: 8 seed: 3 name: \"anything\" "
                + "tag: {dataset: \"lima\", composition: \"endefrites-sampled\", regime: \"steps 40\"}\nprint b.tag",
            session: s)
        XCTAssertNil(tagged.error)
        XCTAssertEqual(
            tagged.output.last,
            #"{base: "dense", dataset: "lima", composition: "ENDEFRITES_sampled", regime: "steps 40", seed: 3}"#)
    }

    /// `tune_steps` counts what `tune` runs: ⌈conversations / batch⌉ × epochs, or steps:; a whole recipe (with its
    /// seed) is accepted, a non-positive batch is an error at its keyword.
    func testTuneStepsCountsTheRunsSteps() {
        let r = pg(
            "let lima = load dataset builtin:lima-mini\nlet en = compose lima langs: [\"en\"]\n"
                + "print tune_steps en recipe: study_recipe\nprint tune_steps en epochs: 1 batch: 7\n"
                + "print tune_steps en steps: 5\nlet tuned = tune_steps en batch: 0")
        XCTAssertEqual(r.output.suffix(3), ["189", "143", "5"])
        XCTAssertTrue(r.error?.contains("batch must be a positive number, got 0") == true, r.error ?? "no error")
    }

    /// A grid of both regimes tunes the EN run once: with equal steps it is the epochs run repeated, so tune_all
    /// copies it ("same run as"), each model tagged with its own regime; ENDEFRITES gets other steps and is tuned.
    func testAGridOfBothRegimesTunesARepeatedRunOnce() {
        let s = makeSession()
        XCTAssertNil(pg(Self.setup, session: s).error)
        let r = pg(
            """
            let models = grid({dense: base}, {lima: lima}, ["EN", "ENDEFRITES"], recipe: {epochs: 1, batch: 4,             seed: 2}, regimes: ["epochs", "steps"])
            for m in models { print "{m.name} {m.tag.regime}" }
            """, session: s)
        XCTAssertNil(r.error, r.error ?? "")
        XCTAssertEqual(
            r.output.filter { $0.hasPrefix("same run as") },
            ["same run as dense·lima·EN (its base, data, options and length): not tuned again"])
        XCTAssertEqual(
            r.output.suffix(4),
            [
                "dense·lima·EN epochs 1", "dense·lima·ENDEFRITES epochs 1", "dense·lima·EN·steps steps 2",
                "dense·lima·ENDEFRITES·steps steps 2"
            ])
        let bad = pg("tune_all [{model: base, on: en, steps: 0}]", session: s)
        XCTAssertTrue(bad.error?.contains("steps must be positive, got 0") == true, bad.error ?? "no error")
    }

    func testTagErrorsSayWhereAndWhatIsExpected() {
        let s = makeSession()
        XCTAssertNil(pg(Self.setup, session: s).error)
        let cases: [(String, String)] = [
            (
                "tune base on: en tag: {bse: \"dense\"}",
                """
                t.pg:1:23: error: tag of tune has no field 'bse'
                  1 | tune base on: en tag: {bse: "dense"}
                    |                       ^
                  did you mean 'base'?
                  expected a record {base?: a string, dataset?: a string, composition?: a string, regime?: a string, \
                seed?: an integer}
                """
            ),
            (
                "tune base on: en tag: {base: \"dense\", seed: \"one\"}",
                """
                t.pg:1:45: error: field 'seed' of tag of tune must be an integer, got string
                  1 | tune base on: en tag: {base: "dense", seed: "one"}
                    |                                             ^~~~~
                """
            ),
            (
                "tune base on: en tag: {regime: \"3 epochs\"}",
                """
                t.pg:1:23: error: field 'regime' of tag must be "epochs N" or "steps N" (N > 0), got "3 epochs"
                  1 | tune base on: en tag: {regime: "3 epochs"}
                    |                       ^
                """
            ),
            (
                "tune_all [{model: base, on: en, tag: {composition: 1}}]",
                """
                t.pg:1:52: error: field 'composition' of field 'tag' of item 0 of jobs of tune_all must be a string, \
                got integer
                  1 | tune_all [{model: base, on: en, tag: {composition: 1}}]
                    |                                                    ^
                """
            )
        ]
        for (source, expected) in cases {
            let error = pg(source, session: s).error ?? ""
            XCTAssertEqual(error.components(separatedBy: "\n  usage:")[0], expected, source)
        }
    }

    /// Judgments whose answers carry no provenance (a file written by another tool) stop findings with the model's
    /// name and the fix.
    func testFindingsNamesAModelWithoutProvenance() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg-tag-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("j.jsonl").path
        try
            (#"{"question_id": "81_DE", "model": "their-model", "judge": ["gpt-4", "single-v1"], "score": 7}"#
            + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let r = pg("let j = load judgments \"\(file)\"\nfindings [j]")
        let error = try XCTUnwrap(r.error)
        XCTAssertTrue(error.contains("run 1: model 'their-model' has no provenance"), error)
        XCTAssertTrue(error.contains("tune … tag:"), error)
    }

    /// grid draws a cell's sampled composition from the recipe's seed, so the dense and the MoE model of a cell are
    /// tuned on the same data (they drew the session's next seed each before), and tags each model with its cell.
    func testGridTunesEveryBaseOnTheSameDataAndTagsItsModels() throws {
        let s = makeSession()
        XCTAssertNil(pg(Self.setup, session: s).error)
        let r = pg(
            """
            let moe = pretrain builtin:corpus config: {kind: "moe", sentences: 300, steps: 1, batch: 2} seed: 1
            let ms = grid({dense: base, moe: moe}, {lima: lima}, ["DEFRITES_sampled"], \
            recipe: {epochs: 1, lr: 1e-3, batch: 8, seed: 4})
            print ms[0]
            print ms[1]
            print ms[1].tag
            """, session: s)
        XCTAssertNil(r.error)
        let data = r.output.flatMap { $0.split(separator: "\n") }.filter { $0.hasPrefix("  data ") }
        XCTAssertEqual(data.count, 2, "\(r.output)")
        XCTAssertEqual(data.first, data.last)
        XCTAssertTrue(data.first?.contains("seed=4") ?? false, "\(data)")
        XCTAssertEqual(
            r.output.last,
            #"{base: "moe", dataset: "lima", composition: "DEFRITES_sampled", regime: "epochs 1", seed: 4}"#)
    }

    /// A model tuned elsewhere (or served) joins a grid through `answer … tag:`, which then needs every field.
    func testAnswerTagsAModelWithoutProvenance() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg-tag-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let benchFile = dir.appendingPathComponent("question.jsonl"), file = dir.appendingPathComponent("a.jsonl")
        try (#"{"question_id": "1_DE", "category": "stem", "turns": ["Wie heißt die Hauptstadt?", "Warum?"]}"# + "\n")
            .write(to: benchFile, atomically: true, encoding: .utf8)
        let s = makeSession()
        XCTAssertNil(pg(Self.setup + "\nlet bench = load bench \"\(benchFile.path)\"", session: s).error)
        let partial = pg("answer base on: bench max_tokens: 1 tag: {base: \"dense\"}", session: s)
        XCTAssertTrue(
            partial.error?.contains("tag lacks 'dataset': this model has no provenance to take it from") ?? false,
            partial.error ?? "no error")
        let full = pg(
            "let a = answer base on: bench max_tokens: 1 to: \"\(file.path)\" "
                + "tag: {base: \"moe\", dataset: \"lima\", composition: \"DE\", regime: \"steps 9\", seed: 2}\n"
                + "findings [judge a] resamples: 10", session: s)
        XCTAssertNil(full.error)
        var problems: [EvalError] = []
        let written = try ModelAnswer.read(file, problems: &problems)
        XCTAssertEqual(
            written.map(\.modelProvenance),
            [ModelProvenance(base: "moe", dataset: "lima", composition: "DE", regime: .steps(9), seed: 2)])
    }
}
