// Independent tuning runs (a grid's cells) several at once: each run on a thread of its own with the engine's
// parallel loops limited to its share of the cores. A run's arithmetic never depends on how many cores it has, so
// the tuned weights are the same however the runs are spread.

import Foundation
import PolyglotEngine

/// One tuning run: `base.tuned(name:on:validation:options:dataProvenance:modelProvenance:saveTo:)`.
public struct TuneJob {
    public var base: LabModel
    public var name: String
    public var examples: [Example]
    public var validation: [Example]
    public var options: TuneOptions
    public var dataProvenance: String
    public var modelProvenance: ModelProvenance?
    public var saveTo: URL?

    public init(
        base: LabModel, name: String, examples: [Example], validation: [Example] = [], options: TuneOptions,
        dataProvenance: String, modelProvenance: ModelProvenance? = nil, saveTo: URL? = nil
    ) {
        self.base = base; self.name = name; self.examples = examples; self.validation = validation
        self.options = options; self.dataProvenance = dataProvenance; self.modelProvenance = modelProvenance
        self.saveTo = saveTo
    }
}

public enum ConcurrentTuning {
    /// Runs at once when the caller does not say: one per core. On 2 cores, two runs with one core each took 0.80
    /// of the wall time of one run at a time on both (release, idle; docs/perf.md, "A grid on every core"): the
    /// small matrices of a miniature model keep one core busier than two.
    public static var defaultRuns: Int { Parallel.cores }

    /// Tunes every job, `runs` at a time (each with cores / runs engine workers), and returns the results in job
    /// order. `progress` (serialised) gets a job's index and its progress; `started` when a job begins. Ctrl-C
    /// (`shouldCancel`) stops every running job early, as `tuned` does, and starts no more; the first error (in
    /// job order) is thrown once the running jobs have stopped.
    public static func run(
        _ jobs: [TuneJob], runs: Int, shouldCancel: @escaping () -> Bool = { false },
        started: (Int) -> Void = { _ in }, progress: (Int, TuneProgress) -> Void = { _, _ in }
    ) throws -> [(model: LabModel, completed: Bool)] {
        let runs = max(1, min(runs, jobs.count)), workers = max(1, Parallel.cores / runs)
        let lock = NSLock()
        var next = 0, failed = false
        var results = [Result<(model: LabModel, completed: Bool), Error>?](repeating: nil, count: jobs.count)
        // Calls from the running threads into the caller's closures, one at a time.
        func serialised<R>(_ body: () throws -> R) rethrows -> R {
            lock.lock()
            defer { lock.unlock() }
            return try body()
        }
        withoutActuallyEscaping(started) { started in
            withoutActuallyEscaping(progress) { progress in
                let worker = { (_: Int) in
                    while let i = serialised({ () -> Int? in
                        guard next < jobs.count, !failed, !shouldCancel() else { return nil }
                        defer { next += 1 }
                        started(next)
                        return next
                    }) {
                        let job = jobs[i]
                        let result = Result {
                            try Parallel.withWorkers(workers) {
                                try job.base.tuned(
                                    name: job.name, on: job.examples, validation: job.validation,
                                    options: job.options, dataProvenance: job.dataProvenance,
                                    modelProvenance: job.modelProvenance, saveTo: job.saveTo,
                                    shouldCancel: { serialised { failed } || shouldCancel() },
                                    progress: { p in serialised { progress(i, p) } })
                            }
                        }
                        serialised {
                            results[i] = result
                            if case .failure = result { failed = true }
                        }
                    }
                }
                if runs == 1 { worker(0) } else { DispatchQueue.concurrentPerform(iterations: runs, execute: worker) }
            }
        }
        var out: [(model: LabModel, completed: Bool)] = []
        for case let result? in results { out.append(try result.get()) }
        return out
    }
}
