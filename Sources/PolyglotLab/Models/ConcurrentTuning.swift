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

extension TuneJob {
    /// Whether `other` is this very run: the same base object, examples and options, the run's length said either
    /// way (epochs E, or steps E × steps per epoch: the data order and the schedule are functions of the step alone,
    /// so both give the same weights — `ConcurrentTuningTests`), with no validation or save folder (whose checkpoints
    /// fall at the ends of epochs).
    func isSameRun(as other: TuneJob) -> Bool {
        guard base === other.base, validation.isEmpty, other.validation.isEmpty, saveTo == nil, other.saveTo == nil,
            examples == other.examples
        else { return false }
        func normalised(_ o: TuneOptions) -> String {
            var o = o
            o.steps = o.totalSteps(examples: examples.count)
            return "\(o.hyperParameterSummary), seed \(o.seed), warm-up \(o.warmupFraction)"
        }
        return normalised(options) == normalised(other.options)
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
        // A job that is an earlier job's very run is not tuned again: it gets a copy of that run's model.
        let sameRunAs = jobs.indices.map { j in jobs[..<j].firstIndex { jobs[j].isSameRun(as: $0) } }
        let toRun = jobs.indices.filter { sameRunAs[$0] == nil }
        let runs = max(1, min(runs, toRun.count)), workers = max(1, Parallel.cores / runs)
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
                        guard next < toRun.count, !failed, !shouldCancel() else { return nil }
                        defer { next += 1 }
                        started(toRun[next])
                        return toRun[next]
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
        for (j, result) in results.enumerated() {
            if let i = sameRunAs[j], let original = results[i] {
                let (model, completed) = try original.get()
                out.append((try model.sameRun(as: jobs[j]), completed))
            } else if let result {
                out.append(try result.get())
            }
        }
        return out
    }
}

extension LabModel {
    /// This tuned model as `job`'s result, `job` being the same run (`TuneJob.isSameRun`): the same weights and
    /// loss history under the job's name, its provenance saying the run's length as the job says it and whose run
    /// it is.
    func sameRun(as job: TuneJob) throws -> LabModel {
        let twin = try copy(name: job.name)
        twin.modelProvenance = job.modelProvenance
        twin.history = history.map { p in
            var p = p
            if p.run == name { p.run = job.name }
            return p
        }
        var options = job.options
        options.systemPrompt = usesSystemPrompt  // as `tuned` resolved it for the same base
        twin.provenance = provenance.map { entry in
            entry.key == "hyper-parameters" ? (entry.key, options.hyperParameterSummary) : entry
        }
        twin.provenance.append(("same run as", name))
        return twin
    }
}
