// The driver of a fuzz run: runs each target's inputs in worker processes, and when a worker dies by a
// signal, exits abnormally, or reports no progress within the time limit, rebuilds the input from
// (seed, index), checks that it fails again in a fresh process, shrinks it, and writes the reproducer.

import Foundation

/// The command lines of the worker, replay and dump modes (the CLI's `polyglot fuzz …`).
public struct WorkerLauncher {
    public var executable: String
    public var work: (_ target: String, _ seed: UInt64, _ range: Range<Int>) -> [String]
    public var dump: (_ target: String, _ seed: UInt64, _ index: Int, _ file: URL) -> [String]
    public var replay: (_ target: String, _ file: URL) -> [String]

    public init(
        executable: String, work: @escaping (String, UInt64, Range<Int>) -> [String],
        dump: @escaping (String, UInt64, Int, URL) -> [String], replay: @escaping (String, URL) -> [String]
    ) {
        self.executable = executable
        self.work = work
        self.dump = dump
        self.replay = replay
    }
}

public struct FuzzOptions: Sendable {
    public var seed: UInt64
    public var count: Int
    /// Longest time one input may take before it counts as a hang.
    public var timeout: Double
    /// Reproducers (and the workers' stderr) go here.
    public var findings: URL
    /// A target stops after this many findings (they are usually the same defect).
    public var maxFindings = 5
    /// Time spent shrinking one crash reproducer.
    public var shrinkSeconds = 30.0
    /// Worker start-up (seed corpus, micro checkpoints, stdlib) may take this long.
    public var setupTimeout = 120.0
    /// Worker processes per target, each on a contiguous share of the inputs: input i is the same input whichever
    /// worker runs it, so the findings do not depend on this number.
    public var workers = 1

    public init(seed: UInt64, count: Int, timeout: Double, findings: URL) {
        self.seed = seed
        self.count = count
        self.timeout = timeout
        self.findings = findings
    }
}

/// One input that crashed, hung or made the worker exit abnormally.
public struct FuzzFinding: Sendable {
    public var target: String
    public var index: Int
    public var termination: WorkerTermination
    /// True when a fresh process failed the same way on the same input.
    public var reproduced: Bool
    /// The input that failed, and a smaller one that still fails (crashes only).
    public var reproducer: URL?
    public var shrunk: URL?
    /// The beginning of the worker's stderr (the trap message).
    public var stderrTail: String

    /// The line of stderr that says what went wrong.
    public var message: String {
        let lines = stderrTail.split(separator: "\n").map(String.init)
        return lines.first { $0.contains("Fatal error") || $0.contains("allocate") } ?? lines.last ?? ""
    }

    public var kind: String {
        switch termination {
        case .signaled(let s): "crash (signal \(s))"
        case .exited(let code): "abnormal exit \(code)"
        case .timedOut: "hang"
        }
    }
}

public struct FuzzTargetReport: Sendable {
    public var target: String
    public var inputs: Int
    public var seconds: Double
    public var findings: [FuzzFinding]
    public var peakRSSMegabytes: Double
    /// Why the target could not run at all (no seeds, a worker that failed before its first input).
    public var setupError: String?

    public var line: String {
        let crashes = findings.filter { if case .signaled = $0.termination { true } else { false } }.count
        let hangs = findings.filter { $0.termination == .timedOut }.count
        let other = findings.count - crashes - hangs
        var text =
            target.padding(toLength: 14, withPad: " ", startingAt: 0)
            + String(
                format: "%8d inputs %8.1f s %9.0f inputs/s   %d crash(es)  %d hang(s)", inputs, seconds,
                seconds > 0 ? Double(inputs) / seconds : 0, crashes, hangs)
        if other > 0 { text += "  \(other) abnormal exit(s)" }
        text += String(format: "   peak RSS %.0f MB", peakRSSMegabytes)
        if let setupError { text += "   SETUP FAILED: \(setupError)" }
        return text
    }
}

public final class FuzzDriver {
    private let launcher: WorkerLauncher
    private let options: FuzzOptions
    private let log: (String) -> Void

    public init(launcher: WorkerLauncher, options: FuzzOptions, log: @escaping (String) -> Void) {
        self.launcher = launcher
        self.options = options
        self.log = log
    }

    /// Runs every input of one target in `options.workers` workers at once, restarting a worker after each finding.
    public func run(target: String) throws -> FuzzTargetReport {
        try FileManager.default.createDirectory(at: options.findings, withIntermediateDirectories: true)
        let start = Date()
        let workers = max(1, min(options.workers, options.count))
        let shares = (0..<workers).map { w in (w * options.count / workers)..<((w + 1) * options.count / workers) }
        let results = ShareResults(count: shares.count)
        DispatchQueue.concurrentPerform(iterations: shares.count) { worker in
            results.set(
                worker,
                Result {
                    try runShare(
                        target: target, inputs: shares[worker], worker: worker,
                        results: results)
                })
        }
        var report = FuzzTargetReport(target: target, inputs: 0, seconds: 0, findings: [], peakRSSMegabytes: 0)
        for share in try results.all() {
            report.inputs += share.inputs
            report.findings += share.findings
            report.peakRSSMegabytes = max(report.peakRSSMegabytes, share.peakRSSMegabytes)
            report.setupError = report.setupError ?? share.setupError
        }
        report.findings.sort { $0.index < $1.index }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// One worker's share of the inputs; stops early when the target's findings (over all workers) reach the limit.
    private func runShare(
        target: String, inputs share: Range<Int>, worker: Int,
        results: ShareResults
    ) throws -> FuzzTargetReport {
        var report = FuzzTargetReport(target: target, inputs: 0, seconds: 0, findings: [], peakRSSMegabytes: 0)
        var next = share.lowerBound
        while next < share.upperBound, results.findings < options.maxFindings {
            let outcome = try runWorker(target: target, range: next..<share.upperBound, worker: worker)
            report.peakRSSMegabytes = max(report.peakRSSMegabytes, outcome.peakRSSMegabytes)
            guard let failed = outcome.lastStarted else {
                report.setupError =
                    "the worker ended (\(outcome.termination)) before its first input: "
                    + outcome.stderrTail
                return report
            }
            report.inputs = failed + 1 - share.lowerBound
            if outcome.termination == .exited(0) { break }
            let finding = investigate(
                target: target, index: failed, termination: outcome.termination,
                stderrTail: outcome.stderrTail, worker: worker)
            log(
                "  \(target): input \(failed): \(finding.kind), \(finding.reproduced ? "reproduced" : "NOT reproduced")"
                    + (finding.reproducer.map { " → \($0.path)" } ?? ""))
            report.findings.append(finding)
            if results.addFinding() >= options.maxFindings {
                log("  \(target): stopped after \(options.maxFindings) findings")
            }
            next = failed + 1
        }
        return report
    }

    // MARK: - One worker

    private struct WorkerOutcome {
        var termination: WorkerTermination
        var lastStarted: Int?
        var stderrTail: String
        var peakRSSMegabytes: Double
    }

    private func stderrFile(_ target: String, worker: Int) -> URL {
        options.findings.appendingPathComponent(".\(target)-\(worker).stderr")
    }

    private func runWorker(target: String, range: Range<Int>, worker: Int) throws -> WorkerOutcome {
        try runChild(launcher.work(target, options.seed, range), stderr: stderrFile(target, worker: worker))
    }

    /// Runs one child, following its progress lines, killing it when an input takes longer than the timeout.
    private func runChild(_ arguments: [String], stderr: URL) throws -> WorkerOutcome {
        let child = try WorkerProcess(executable: launcher.executable, arguments: arguments, stderrFile: stderr)
        var lastStarted: Int?
        var killed = false, finished = false
        while true {
            var timedOut = false
            // Start-up and exit (on a loaded machine, seconds) get the set-up allowance; each input the hang limit.
            let limit = lastStarted == nil || finished ? options.setupTimeout : options.timeout
            if let line = child.nextLine(within: limit, timedOut: &timedOut) {
                if let index = Int(line) { lastStarted = index }
                if line == FuzzWorker.finished { finished = true }
                continue
            }
            if timedOut {
                child.kill()
                killed = true
            }
            break
        }
        let termination = child.wait()
        // The trap message comes first; a stack trace may follow.
        let tail = (try? String(contentsOf: stderr, encoding: .utf8)).map { String($0.prefix(2_000)) } ?? ""
        return WorkerOutcome(
            termination: killed ? .timedOut : termination, lastStarted: lastStarted,
            stderrTail: tail.trimmingCharacters(in: .whitespacesAndNewlines),
            peakRSSMegabytes: Double(child.peakRSSKilobytes) / 1024)
    }

    // MARK: - Reproducing

    /// Replays the input in a fresh worker, writes it to the findings folder and shrinks a crash.
    private func investigate(
        target: String, index: Int, termination: WorkerTermination, stderrTail: String,
        worker: Int
    ) -> FuzzFinding {
        let stderr = stderrFile(target, worker: worker)
        var finding = FuzzFinding(
            target: target, index: index, termination: termination, reproduced: false,
            reproducer: nil, shrunk: nil, stderrTail: stderrTail)
        let again = try? runChild(launcher.work(target, options.seed, index..<(index + 1)), stderr: stderr)
        finding.reproduced = again.map { $0.termination == termination } ?? false
        let file = options.findings.appendingPathComponent("\(target)-seed\(options.seed)-input\(index).bin")
        guard let dumped = try? runChild(launcher.dump(target, options.seed, index, file), stderr: stderr),
            dumped.termination == .exited(0), let bytes = try? Data(contentsOf: file)
        else { return finding }
        finding.reproducer = file
        if case .signaled = termination, finding.reproduced {
            finding.shrunk = shrink(Array(bytes), target: target, like: termination, next: file, stderr: stderr)
        }
        return finding
    }

    /// Removes chunks (halving their size) while the input still fails the same way; nil when nothing could go.
    private func shrink(
        _ input: [UInt8], target: String, like termination: WorkerTermination, next file: URL,
        stderr: URL
    ) -> URL? {
        let candidateFile = file.deletingPathExtension().appendingPathExtension("candidate")
        defer { try? FileManager.default.removeItem(at: candidateFile) }
        let deadline = Date().addingTimeInterval(options.shrinkSeconds)
        var best = input
        var chunk = max(1, best.count / 2)
        while Date() < deadline {
            var removedAny = false
            var start = 0
            while start < best.count, Date() < deadline {
                var candidate = best
                candidate.removeSubrange(start..<min(best.count, start + chunk))
                if fails(candidate, target: target, like: termination, file: candidateFile, stderr: stderr) {
                    best = candidate
                    removedAny = true
                } else {
                    start += chunk
                }
            }
            if !removedAny {
                if chunk == 1 { break }
                chunk = max(1, chunk / 2)
            }
        }
        guard best.count < input.count else { return nil }
        let shrunk = file.deletingPathExtension().appendingPathExtension("min.bin")
        guard (try? Data(best).write(to: shrunk)) != nil else { return nil }
        return shrunk
    }

    private func fails(
        _ input: [UInt8], target: String, like termination: WorkerTermination, file: URL,
        stderr: URL
    ) -> Bool {
        guard (try? Data(input).write(to: file)) != nil,
            let outcome = try? runChild(launcher.replay(target, file), stderr: stderr)
        else {
            return false
        }
        return outcome.termination == termination
    }
}

/// The workers' reports of one target, and the count of findings they share (for the stopping rule).
private final class ShareResults: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [Result<FuzzTargetReport, any Error>?]
    private var findingCount = 0

    init(count: Int) { reports = Array(repeating: nil, count: count) }

    var findings: Int { lock.withLock { findingCount } }

    func addFinding() -> Int {
        lock.withLock {
            findingCount += 1; return findingCount
        }
    }

    func set(_ worker: Int, _ result: Result<FuzzTargetReport, any Error>) {
        lock.withLock { reports[worker] = result }
    }

    /// Every worker's report, or the first error one of them threw (called after concurrentPerform returned, when
    /// every worker has set its result).
    func all() throws -> [FuzzTargetReport] {
        try lock.withLock { reports }.map { result in
            guard let result else { throw FuzzError("a fuzz worker thread left no result") }
            return try result.get()
        }
    }
}
