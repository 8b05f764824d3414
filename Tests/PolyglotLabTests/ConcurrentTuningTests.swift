import Foundation
import PolyglotEngine
import XCTest

@testable import PolyglotLab

/// Runs of a grid tuned several at once give the weights and losses of the same runs one after the other.
final class ConcurrentTuningTests: XCTestCase {
    func weights(_ m: LabModel) throws -> [Float] {
        try m.transformer.parameterSpecs.flatMap { try m.transformer.parameter(named: $0.name).data }
    }

    /// A two-cell grid (DE and FR of lima-mini) on the tiny base, both at once (one core each) and one at a time (all
    /// cores each): byte-identical weights, identical loss histories, results in job order.
    func testTwoRunsAtOnceEqualTwoRunsOneAfterTheOther() throws {
        let lima = Builtins.dataset("lima-mini")!
        var options = TuneOptions()
        options.epochs = 1; options.batchSize = 8; options.learningRate = 1e-3; options.seed = 3
        let jobs = [Lang.de, .fr].map { lang in
            TuneJob(
                base: ModelTuningTests.base, name: "tiny·\(lang.rawValue)",
                examples: Array(lima.examples(in: lang).prefix(24)), options: options, dataProvenance: "test")
        }
        var running = Set<Int>(), mostAtOnce = 0
        let together = try ConcurrentTuning.run(
            jobs, runs: 2,
            started: {
                running.insert($0); mostAtOnce = max(mostAtOnce, running.count)
            },
            progress: { job, p in if p.step == p.totalSteps { running.remove(job) } })
        let apart = try ConcurrentTuning.run(jobs, runs: 1)
        XCTAssertEqual(together.map(\.model.name), ["tiny·de", "tiny·fr"])
        XCTAssertEqual(apart.map(\.model.name), ["tiny·de", "tiny·fr"])
        if Parallel.cores > 1 { XCTAssertEqual(mostAtOnce, 2, "both runs were under way at once") }
        for (a, b) in zip(together, apart) {
            XCTAssertTrue(a.completed && b.completed)
            XCTAssertEqual(try weights(a.model), try weights(b.model), "\(a.model.name): same weights")
            XCTAssertEqual(a.model.history.map(\.loss), b.model.history.map(\.loss))
        }
        XCTAssertNotEqual(try weights(together[0].model), try weights(together[1].model))
    }

    /// An engine run's arithmetic does not depend on its workers: one worker and all cores give the same bits.
    func testATuningRunDoesNotDependOnItsWorkers() throws {
        var options = TuneOptions()
        options.epochs = 1; options.batchSize = 8; options.learningRate = 1e-3; options.seed = 4
        let examples = Array(Builtins.dataset("lima-mini")!.examples(in: .it).prefix(16))
        func tuned(workers: Int) throws -> [Float] {
            try Parallel.withWorkers(workers) {
                try weights(
                    ModelTuningTests.base.tuned(name: "t", on: examples, options: options, dataProvenance: "t").model)
            }
        }
        XCTAssertEqual(try tuned(workers: 1), try tuned(workers: Parallel.cores))
    }

    /// Equal steps repeat runs of equal epochs: 2 epochs of 20 examples in batches of 8 are 6 steps either way, and
    /// give the same weights (the data order and the schedule follow the step). tune_all tunes such a run once and
    /// gives the other job a copy under its own name, length and provenance; a run of other steps is tuned.
    func testARunRepeatedAsStepsIsTunedOnceAndCopied() throws {
        let examples = Array(Builtins.dataset("lima-mini")!.examples(in: .es).prefix(20))
        var epochs = TuneOptions()
        epochs.epochs = 2; epochs.batchSize = 8; epochs.learningRate = 1e-3; epochs.seed = 5
        var steps = epochs
        steps.steps = 6
        var longer = epochs
        longer.steps = 7
        let base = ModelTuningTests.base
        let alone = try base.tuned(name: "alone", on: examples, options: steps, dataProvenance: "t").model
        let jobs = [("epochs", epochs), ("steps", steps), ("longer", longer)].map { name, options in
            TuneJob(base: base, name: name, examples: examples, options: options, dataProvenance: "t")
        }
        var started: [Int] = []
        let results = try ConcurrentTuning.run(jobs, runs: 2, started: { started.append($0) })
        XCTAssertEqual(started.sorted(), [0, 2], "the steps job is the epochs job's run: not started")
        XCTAssertEqual(results.map(\.model.name), ["epochs", "steps", "longer"])
        let (first, copy, other) = (results[0].model, results[1].model, results[2].model)
        XCTAssertEqual(try weights(alone), try weights(first), "steps 6 tuned alone = epochs 2")
        XCTAssertEqual(try weights(copy), try weights(first))
        XCTAssertNotEqual(try weights(other), try weights(first))
        XCTAssertEqual(copy.history.map(\.loss), first.history.map(\.loss))
        XCTAssertEqual(copy.history.map(\.run), first.history.map { $0.run == "epochs" ? "steps" : $0.run })
        XCTAssertTrue(copy.history.contains { $0.run == "steps" })
        func value(_ m: LabModel, _ key: String) -> String? { m.provenance.last { $0.key == key }?.value }
        XCTAssertEqual(value(copy, "same run as"), "epochs")
        XCTAssertNil(value(first, "same run as"))
        XCTAssertEqual(value(copy, "hyper-parameters"), value(alone, "hyper-parameters"))
        XCTAssertTrue(value(copy, "hyper-parameters")?.hasPrefix("steps 6,") ?? false)
        XCTAssertTrue(value(first, "hyper-parameters")?.hasPrefix("epochs 2,") ?? false)
    }
}
