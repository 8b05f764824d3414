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
}
