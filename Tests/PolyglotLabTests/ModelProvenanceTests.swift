import Foundation
import XCTest

@testable import PolyglotLab

/// A tuned model knows what it is: its provenance survives saving and loading, and travels with its answers and
/// their judgments through their files (an optional field; files without it load as before).
final class ModelProvenanceTests: XCTestCase {
    let provenance = ModelProvenance(
        base: "dense", dataset: "lima", composition: "ENDEFRITES-sampled", regime: .steps(189), seed: 2)

    func testTheRegimeAndTheCompositionReadAsTheGridWritesThem() {
        XCTAssertEqual(provenance.composition, "ENDEFRITES_sampled")
        XCTAssertEqual(provenance.description, "dense·lima·ENDEFRITES_sampled, steps 189, seed 2")
        XCTAssertEqual(TrainingRegime(parsing: "epochs 3"), .epochs(3))
        for bad in ["epochs", "epochs 0", "steps -2", "epoch 3", "steps 3 4"] {
            XCTAssertNil(TrainingRegime(parsing: bad), bad)
        }
        var options = TuneOptions()
        options.epochs = 3
        XCTAssertEqual(TrainingRegime(options), .epochs(3))
        options.steps = 40
        XCTAssertEqual(TrainingRegime(options), .steps(40))
    }

    /// A session-drawn seed uses all 64 bits; the JSONL round trip keeps every one of them.
    func testALargeSeedSurvivesTheJSONLRoundTrip() throws {
        var big = provenance
        big.seed = UInt64.max - 6
        let line = try JSONSerialization.data(withJSONObject: ["model_provenance": big.jsonObject])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: line) as? [String: Any])
        XCTAssertEqual(ModelProvenance(json: object["model_provenance"]!)?.seed, UInt64.max - 6)
    }

    /// Untagged, `tune` records the base's architecture (not its name: "tiny-base" here), and the composition's source
    /// dataset and its study name from the data's own provenance.
    func testAnUntaggedRunRecordsWhatItsDataSays() throws {
        let lima = try XCTUnwrap(Builtins.dataset("lima-mini"))
        var options = TuneOptions()
        options.seed = 4
        let sampled = try StudyComposition.defritesSampled.compose(lima, seed: 1)
        XCTAssertEqual(
            ModelProvenance(base: ModelTuningTests.base, data: sampled, options: options),
            ModelProvenance(
                base: "dense", dataset: lima.name, composition: "DEFRITES_sampled", regime: .epochs(2), seed: 4))
        let mono = try StudyComposition.mono(.de).compose(lima, seed: 1)
        XCTAssertEqual(ModelProvenance(base: ModelTuningTests.base, data: mono, options: options).composition, "DE")
        // Data that is no study composition is named as it is.
        XCTAssertEqual(
            ModelProvenance(base: ModelTuningTests.base, data: lima, options: options).composition, lima.name)
    }

    func testTuningRecordsItAndSaveAndLoadKeepIt() throws {
        let dir = temporaryDirectory()
        let examples = Array(Builtins.dataset("lima-mini")!.examples(in: .de).prefix(8))
        var options = TuneOptions()
        options.epochs = 1; options.batchSize = 8; options.learningRate = 1e-3
        let (tuned, _) = try ModelTuningTests.base.tuned(
            name: "t", on: examples, options: options, dataProvenance: "test", modelProvenance: provenance,
            saveTo: dir)
        XCTAssertEqual(tuned.modelProvenance, provenance)
        XCTAssertEqual(try LabModel.load(from: dir).modelProvenance, provenance)
        let meta = try String(contentsOf: dir.appendingPathComponent("polyglot.json"), encoding: .utf8)
        XCTAssertTrue(meta.contains("\"model_provenance\""), meta)
        XCTAssertTrue(meta.contains("\"regime\" : \"steps 189\""), meta)
        // A folder saved before provenance existed loads without one.
        let old = temporaryDirectory()
        let untagged = try tuned.copy(name: "old")
        untagged.modelProvenance = nil
        try untagged.save(to: old)
        XCTAssertNil(try LabModel.load(from: old).modelProvenance)
        // One this version cannot read is left out, and the rest of the metadata still loads.
        let metaFile = dir.appendingPathComponent("polyglot.json")
        try meta.replacingOccurrences(of: "\"steps 189\"", with: "\"steps many\"").write(
            to: metaFile, atomically: true, encoding: .utf8)
        let damaged = try LabModel.load(from: dir)
        XCTAssertNil(damaged.modelProvenance)
        XCTAssertEqual(damaged.name, "t")
        XCTAssertEqual(damaged.history.count, tuned.history.count)
    }

    func testAnswersAndJudgmentsCarryItThroughTheirFiles() throws {
        let bench = Builtins.benchmark().filtered(langs: [.de])
        var generator = AnswerGenerator(modelID: "any-name", seed: 1, maxTokens: 8) { _, _, _, _ in "Berlin" }
        generator.modelProvenance = provenance
        let answers = try generator.run(Array(bench.questions.prefix(2)))
        XCTAssertEqual(answers.map(\.modelProvenance), [provenance, provenance])
        let dir = temporaryDirectory()
        let answerFile = dir.appendingPathComponent("any-name.jsonl")
        try ModelAnswer.write(answers, to: answerFile)
        let loaded = try AnswerSet.load(answerFile.path, benchmark: bench)
        XCTAssertEqual(loaded.answers["any-name"]?.map(\.modelProvenance), [provenance, provenance])

        let judged = BuiltinJudge().judge(loaded)
        XCTAssertEqual(judged.single.count, 4)
        XCTAssertTrue(judged.single.allSatisfy { $0.modelProvenance == provenance })
        let judgmentFile = dir.appendingPathComponent("judgments.jsonl").path
        try judged.write(to: judgmentFile)
        let again = try JudgmentSet.load(judgmentFile, bench: bench)
        XCTAssertEqual(again.single.map(\.modelProvenance), judged.single.map(\.modelProvenance))
        XCTAssertTrue(again.warnings.isEmpty, "\(again.warnings)")
    }

    /// A line without the field loads as before; one whose field is not a provenance keeps its answer or judgment
    /// and says at file:line what was expected.
    func testOldLinesLoadAndABadProvenanceIsReportedAndDropped() throws {
        let dir = temporaryDirectory()
        let judge = #""judge": ["builtin", "single-v1"], "score": 7, "turn": 1"#
        let file = try EvalFixtures.write(
            [
                #"{"question_id": "81_DE", "model": "m", "# + judge + "}",
                #"{"question_id": "82_DE", "model": "m", "# + judge
                    + #", "model_provenance": {"base": "dense", "regime": "epochs three"}}"#
            ].joined(separator: "\n") + "\n", "j.jsonl", in: dir)
        let set = try JudgmentSet.load(file.path)
        XCTAssertEqual(set.single.count, 2)
        XCTAssertEqual(set.single.map(\.modelProvenance), [nil, nil])
        XCTAssertEqual(set.warnings.count, 1)
        let warning = try XCTUnwrap(set.warnings.first?.description)
        XCTAssertTrue(warning.hasPrefix(file.path + ":2:"), warning)
        XCTAssertTrue(warning.contains("expected `model_provenance` to be {\"base\": string"), warning)

        let answers = try EvalFixtures.write(
            #"{"question_id": "81_DE", "model_id": "m", "choices": [{"index": 0, "turns": ["a", "b"]}], "#
                + #""model_provenance": 3}"# + "\n", "m.jsonl", in: dir)
        var problems: [EvalError] = []
        let read = try ModelAnswer.read(answers, problems: &problems)
        XCTAssertEqual(read.count, 1)
        XCTAssertNil(read[0].modelProvenance)
        XCTAssertEqual(problems.count, 1)
    }
}
