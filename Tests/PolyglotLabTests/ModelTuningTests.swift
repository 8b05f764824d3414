import Foundation
import PolyglotEngine
import XCTest

@testable import PolyglotLab

final class ModelTuningTests: XCTestCase {
    static let base = TinyBases.pretrain(.dense, layers: 1, steps: 10, warmupSteps: 2, name: "tiny-base")

    let examples = Array(Builtins.dataset("lima-mini")!.examples(in: .de).prefix(40))

    func options(lora: (Int, Double)? = nil) -> TuneOptions {
        var o = TuneOptions()
        o.epochs = 2; o.batchSize = 8; o.learningRate = 1e-3; o.seed = 3; o.lora = lora
        return o
    }

    func weights(_ m: LabModel) throws -> [Float] {
        try m.transformer.parameterSpecs.flatMap { try m.transformer.parameter(named: $0.name).data }
    }

    func testTuningLowersTheLossAndLeavesTheBaseUntouched() throws {
        let before = try weights(Self.base)
        let (tuned, completed) = try Self.base.tuned(
            name: "t", on: examples, options: options(), dataProvenance: "test")
        XCTAssertTrue(completed)
        XCTAssertEqual(try weights(Self.base), before)
        let losses = tuned.history.filter { $0.split == "train" && $0.run == "t" }.map(\.loss)
        XCTAssertEqual(losses.count, 10)
        XCTAssertLessThan(losses.suffix(3).reduce(0, +), losses.prefix(3).reduce(0, +))
        XCTAssertTrue(tuned.provenance.contains { $0.key == "steps" && $0.value == "10 of 10" })
    }

    /// `steps:` gives every run the same number of updates whatever its data's size: 40 and 12 conversations both
    /// take 7 steps (the 12 cycle through fresh orders); with epochs they would take 10 and 4.
    func testStepsGiveEveryRunTheSameUpdatesWhateverItsDataSize() throws {
        var o = options()
        o.steps = 7
        for data in [examples, Array(examples.prefix(12))] {
            let tuned = try Self.base.tuned(name: "t", on: data, options: o, dataProvenance: "test").model
            XCTAssertEqual(tuned.history.filter { $0.split == "train" && $0.run == "t" }.count, 7)
            XCTAssertTrue(tuned.provenance.contains { $0.key == "steps" && $0.value == "7 of 7" })
            XCTAssertTrue(
                tuned.provenance.contains { $0.key == "hyper-parameters" && $0.value.hasPrefix("steps 7, lr") })
        }
        XCTAssertEqual(o.totalSteps(examples: 12), 7)
        o.steps = nil
        XCTAssertEqual(o.totalSteps(examples: 12), 4)
        o.steps = 0
        XCTAssertThrowsError(try Self.base.tuned(name: "t", on: examples, options: o, dataProvenance: "test"))
    }

    func testAStoppedRunResumesToTheWeightsOfAnUninterruptedOne() throws {
        for lora in [nil, (4, 8.0)] as [(Int, Double)?] {
            let full = try Self.base.tuned(
                name: "t", on: examples, options: options(lora: lora), dataProvenance: "test"
            ).model
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "polyglot-resume-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            var steps = 0
            let (partial, completed) = try Self.base.tuned(
                name: "t", on: examples, options: options(lora: lora), dataProvenance: "test",
                saveTo: dir, shouldCancel: { steps == 4 }, progress: { _ in steps += 1 })
            XCTAssertFalse(completed)
            XCTAssertNotEqual(try weights(partial), try weights(full))
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("tune-state.json").path))
            // A different call is refused, naming what differs.
            var other = options(lora: lora)
            other.learningRate = 5e-4
            XCTAssertThrowsError(
                try Self.base.tuned(name: "t", on: examples, options: other, dataProvenance: "test", resume: dir)
            ) {
                XCTAssertTrue("\($0)".contains("hyper-parameters"), "\($0)")
            }
            let (resumed, done) = try Self.base.tuned(
                name: "t", on: examples, options: options(lora: lora), dataProvenance: "test",
                resume: dir, saveTo: dir)
            XCTAssertTrue(done)
            XCTAssertEqual(try weights(resumed), try weights(full), "lora: \(String(describing: lora))")
            XCTAssertEqual(resumed.history.filter { $0.split == "train" && $0.run == "t" }.map(\.step), Array(1...10))
            let optimizerState = dir.appendingPathComponent("tune-optimizer.safetensors").path
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: optimizerState),
                "a finished run keeps no optimizer state")
            // Resuming a finished run (killed after its final save) returns it as it is.
            let (again, finished) = try Self.base.tuned(
                name: "t", on: examples, options: options(lora: lora),
                dataProvenance: "test", resume: dir
            ) { _ in
                XCTFail("a finished run trains no more")
            }
            XCTAssertTrue(finished)
            XCTAssertEqual(try weights(again), try weights(full))
        }
    }

    /// A kill at any step leaves the folder as it was after the last checkpoint: a copy of the folder taken after
    /// every step stands for the kill. Each copy resumes to the weights and loss history of an uninterrupted run.
    func testEveryCheckpointResumesToTheUninterruptedRun() throws {
        for lora in [nil, (4, 8.0)] as [(Int, Double)?] {
            var o = options(lora: lora)
            o.checkpointEvery = 3
            let full = try Self.base.tuned(name: "t", on: examples, options: o, dataProvenance: "test").model
            let root = FileManager.default.temporaryDirectory
                .appendingPathComponent("polyglot-ckpt-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let dir = root.appendingPathComponent("run")
            var copies: [(step: Int, folder: URL)] = []
            _ = try Self.base.tuned(name: "t", on: examples, options: o, dataProvenance: "test", saveTo: dir) { p in
                let copy = root.appendingPathComponent("after-\(p.step)")
                try! FileManager.default.copyItem(at: dir, to: copy)
                copies.append((p.step, copy))
            }
            // At the start, every 3 steps and at the end of each 5-step epoch (the final save comes after step 10's
            // progress report).
            let savedSteps = try copies.map { copy -> Int? in
                let state = try Data(contentsOf: copy.folder.appendingPathComponent("tune-state.json"))
                return (try JSONSerialization.jsonObject(with: state) as? [String: Any])?["step"] as? Int
            }
            XCTAssertEqual(savedSteps, [0, 0, 3, 3, 5, 6, 6, 6, 9, 9])
            // One copy per checkpoint: the copies after steps 2, 4, 7, 8 and 10 repeat one.
            for (step, folder) in copies where [1, 3, 5, 6, 9].contains(step) {
                let (resumed, done) = try Self.base.tuned(
                    name: "t", on: examples, options: o, dataProvenance: "test",
                    resume: folder)
                XCTAssertTrue(done)
                XCTAssertEqual(
                    try weights(resumed), try weights(full),
                    "killed after step \(step), lora: \(String(describing: lora))")
                XCTAssertEqual(resumed.history, full.history, "killed after step \(step)")
            }
        }
    }

    func testResumeWithoutAStoppedRunSaysWhatIsMissing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "polyglot-noresume-\(UUID().uuidString)")
        XCTAssertThrowsError(
            try Self.base.tuned(name: "t", on: examples, options: options(), dataProvenance: "test", resume: dir)
        ) {
            XCTAssertTrue("\($0)".contains("no tuning run to resume"), "\($0)")
        }
    }
}
