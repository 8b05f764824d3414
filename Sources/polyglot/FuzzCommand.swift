// `polyglot fuzz …`: seeded mutation fuzzing of every input format. `run` is the driver; it starts
// `worker` processes (and `dump`/`replay` ones to reproduce a finding), so a crash or a hang in the
// code under test never takes the driver down.

import ArgumentParser
import Foundation
import PolyglotFuzz
import PolyglotLang

struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fuzz every input format with seeded mutations of real files (crash, hang and memory checks).",
        subcommands: [FuzzRun.self, FuzzWorkerCommand.self, FuzzDump.self, FuzzReplay.self],
        defaultSubcommand: FuzzRun.self)
}

/// Where targets find their seeds and scratch space, shared by every mode.
struct FuzzLocation: ParsableArguments {
    @Option(help: "The checkout with stdlib/, notebooks/ and Tests/Fixtures/fuzz/ (default: found from the binary).")
    var root: String?

    @Option(help: "MT-Bench-X folder used as extra seeds when present.")
    var mtBenchX = "../shared/data/mt-bench-x"

    @Option(
        help: ArgumentHelp(
            "The folder to make this process's scratch folder in (the driver's, which it removes).",
            visibility: .hidden))
    var scratch: String?

    /// The running binary (Linux: /proc/self/exe, immune to later `chdir`): the workers run the same build.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The checkout the seeds come from: the first folder holding Package.swift and stdlib/, walking up from the
    /// binary, then from the current folder.
    static func checkout() -> URL? {
        let fm = FileManager.default
        let starts = [
            URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent(),
            URL(fileURLWithPath: fm.currentDirectoryPath)
        ]
        for start in starts {
            var dir = start
            for _ in 0..<8 {
                if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
                    fm.fileExists(atPath: dir.appendingPathComponent("stdlib").path)
                {
                    return dir
                }
                dir.deleteLastPathComponent()
            }
        }
        return nil
    }

    /// Runs `body` with the targets' environment and a scratch folder of this process, removed when `body` returns.
    /// A driver's children make theirs inside the driver's folder, so the files of a child that crashed (the point of
    /// fuzzing) go when the driver removes its own.
    func withEnvironment<T>(_ body: (FuzzEnvironment) throws -> T) throws -> T {
        let found = root.map { URL(fileURLWithPath: $0) } ?? FuzzLocation.checkout()
        guard let rootURL = found else {
            throw ValidationError("cannot find the checkout (stdlib/ next to Package.swift); pass --root")
        }
        let shared = URL(fileURLWithPath: mtBenchX, relativeTo: rootURL).standardizedFileURL
        let parent = scratch.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        return try Self.withScratchFolder(in: parent) { work in
            try body(
                FuzzEnvironment(
                    root: rootURL.standardizedFileURL,
                    mtBenchX: FileManager.default.fileExists(atPath: shared.path) ? shared : nil, work: work))
        }
    }

    /// `parent/polyglot-fuzz-PID`, made for `body` and removed after it (also when it throws).
    static func withScratchFolder<T>(in parent: URL, _ body: (URL) throws -> T) throws -> T {
        let folder = parent.appendingPathComponent("polyglot-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }

    /// The same options for a child process.
    var arguments: [String] {
        (root.map { ["--root", $0] } ?? []) + ["--mt-bench-x", mtBenchX] + (scratch.map { ["--scratch", $0] } ?? [])
    }
}

struct FuzzRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run targets in worker processes; write a reproducer for every crash or hang; exit 1 if any.",
        discussion: "Targets: " + FuzzTargets.names.joined(separator: ", ") + ".")

    @Argument(help: "Targets to run (default: all).") var targets: [String] = []
    @Option(help: "Seed of the mutations: input i of a run depends only on (seed, i).") var seed: UInt64 = 1
    @Option(help: "Inputs per target.") var count = 100_000
    @Option(help: "Seconds one input may take before it counts as a hang.") var timeout = 2.0
    @Option(help: "Address-space limit of a worker, in MB: a runaway allocation fails there.") var memoryLimit = 4_096
    @Option(help: "Folder for reproducers.") var findings = "fuzz-findings"
    @Option(help: "Worker processes per target (default: one per core); the inputs and findings are the same.")
    var workers = ProcessInfo.processInfo.activeProcessorCount
    @Option(
        help: ArgumentHelp(
            "Driver self-check: make the worker crash or hang at one input (crash:N, hang:N).",
            visibility: .hidden))
    var inject: String?
    @OptionGroup var location: FuzzLocation

    func run() throws {
        try FuzzLocation.withScratchFolder(in: FileManager.default.temporaryDirectory) { try fuzz(scratch: $0) }
    }

    /// The run; every child makes its scratch folder inside `scratch`.
    private func fuzz(scratch: URL) throws {
        let names = targets.isEmpty ? FuzzTargets.names : targets
        if let unknown = names.first(where: { !FuzzTargets.names.contains($0) }) {
            let known = FuzzTargets.names.joined(separator: ", ")
            throw ValidationError("unknown fuzz target '\(unknown)'; expected one of: \(known)")
        }
        if let inject, FuzzInjection(inject) == nil { throw ValidationError("--inject expects crash:N or hang:N") }
        let findingsURL = URL(fileURLWithPath: findings).standardizedFileURL
        var children = location
        children.scratch = scratch.path
        let common = children.arguments + ["--memory-limit", String(memoryLimit)]
        let launcher = WorkerLauncher(
            executable: FuzzLocation.executablePath,
            work: { target, seed, range in
                [
                    "fuzz", "worker", target, "--seed", String(seed), "--from", String(range.lowerBound),
                    "--count", String(range.count)
                ] + common + (inject.map { ["--inject", $0] } ?? [])
            },
            dump: { target, seed, index, file in
                ["fuzz", "dump", target, "--seed", String(seed), "--index", String(index), "--to", file.path]
                    + children.arguments
            },
            replay: { target, file in ["fuzz", "replay", target, file.path] + common })
        var options = FuzzOptions(seed: seed, count: count, timeout: timeout, findings: findingsURL)
        options.shrinkSeconds = min(30, max(5, timeout * 10))
        options.workers = max(1, workers)
        let driver = FuzzDriver(launcher: launcher, options: options) {
            FileHandle.standardError.write(Data(($0 + "\n").utf8))
        }
        print(
            "fuzzing \(names.count) target(s), \(count) inputs each, seed \(seed), \(options.workers) worker(s) per target, "
                + "hang limit \(timeout) s, worker memory limit \(memoryLimit) MB")
        var reports: [FuzzTargetReport] = []
        for name in names {
            let report = try driver.run(target: name)
            print(report.line)
            reports.append(report)
        }
        let findingsCount = reports.reduce(0) { $0 + $1.findings.count }
        let seconds = reports.reduce(0) { $0 + $1.seconds }
        print(
            String(
                format: "total: %d inputs in %.1f s, %d finding(s)", reports.reduce(0) { $0 + $1.inputs }, seconds,
                findingsCount))
        for finding in reports.flatMap(\.findings) {
            let reproduced = finding.reproduced ? "reproduced" : "not reproduced"
            print("\(finding.target) input \(finding.index): \(finding.kind), \(reproduced)")
            if let file = finding.shrunk ?? finding.reproducer {
                print("  reproducer: \(file.path)  (replay: polyglot fuzz replay \(finding.target) \(file.path))")
            }
            if !finding.message.isEmpty { print("  \(finding.message)") }
        }
        if findingsCount > 0 || reports.contains(where: { $0.setupError != nil }) { throw ExitCode(1) }
    }
}

/// Options of the modes that run a target in this process.
struct FuzzInProcess: ParsableArguments {
    @Argument(help: "The target.") var target: String
    @Option(help: "Address-space limit in MB.") var memoryLimit = 4_096
    @OptionGroup var location: FuzzLocation

    /// Runs `body` with the target, made in this process's scratch folder (removed afterwards).
    func withTarget<T>(_ body: (any FuzzTarget) throws -> T) throws -> T {
        FuzzWorker.limitMemory(megabytes: memoryLimit)
        return try location.withEnvironment { environment in
            let made: any FuzzTarget
            do {
                made = try FuzzTargets.make(target, environment: environment)
            } catch let error as FuzzError {
                throw ValidationError(error.description)
            }
            return try body(made)
        }
    }
}

struct FuzzWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run a range of one target's inputs, reporting each index on stdout.",
        shouldDisplay: false)

    @OptionGroup var target: FuzzInProcess
    @Option var seed: UInt64 = 1
    @Option var from = 0
    @Option var count = 1
    @Option var inject: String?

    func run() throws {
        try target.withTarget { fuzzTarget in
            // Progress goes to the real stdout; anything the code under test prints goes nowhere.
            let progress = FileHandle(fileDescriptor: dup(1), closeOnDealloc: true)
            dup2(open("/dev/null", O_WRONLY), 1)
            try FuzzWorker.run(
                fuzzTarget, seed: seed, range: from..<(from + count), progress: progress,
                injection: inject.flatMap(FuzzInjection.init))
        }
    }
}

struct FuzzDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump", abstract: "Write input INDEX of a run to a file (to reproduce it).")

    @OptionGroup var target: FuzzInProcess
    @Option var seed: UInt64 = 1
    @Option var index: Int
    @Option var to: String

    func run() throws {
        try target.withTarget { fuzzTarget in
            let input = try FuzzWorker.mutator(for: fuzzTarget).input(seed: seed, index: index)
            try Data(input).write(to: URL(fileURLWithPath: to))
        }
    }
}

struct FuzzReplay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Run one input file through a target and print what it gave.")

    @OptionGroup var target: FuzzInProcess
    @Argument(help: "The input file (a reproducer).") var file: String

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read '\(file)'")
        }
        try target.withTarget { print($0.run(Array(data)).description) }
    }
}
