// `polyglot bench …`: performance claims measured in one run, with ratios to a reference measured
// in the same run where one is available (PyTorch CPU for the engine).

import ArgumentParser
import Foundation
import PolyglotEngine
import PolyglotLab
import PolyglotLang
import PolyglotServe

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (engine, data, serve, study).",
        subcommands: [
            EngineBenchCommand.self, DataBenchCommand.self, ServeBenchCommand.self,
            StudyBenchCommand.self
        ])
}

struct EngineBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Training and generation tokens/s, sgemm GFLOP/s and peak memory of the presets, with PyTorch ratios."
    )

    @Flag(help: "One JSON object per line.") var json = false
    @Option(help: "Presets to run (comma-separated).") var presets = ModelConfig.presetNames.joined(separator: ",")
    @Option(help: "PyTorch reference script (run when python3 can import torch).")
    var torchScript = "../shared/bench/bench_torch.py"
    @Option(help: "Timed training steps per preset (the median step counts).") var trainSteps = 10
    @Flag(help: "Measure only training throughput (for profiling).") var trainingOnly = false
    @Option(
        help: ArgumentHelp(
            "OpenBLAS kernel set to measure: native (the CPU's best, as PyTorch's MKL uses), portable or auto.",
            discussion:
                "Default: $POLYGLOT_KERNELS if set, else native. Notebooks run with portable kernels unless POLYGLOT_KERNELS says otherwise."
        ))
    var kernels: String?

    func run() throws {
        // OpenBLAS reads the policy once, when the first BLAS call loads it: nothing has loaded it yet here.
        let env = ProcessInfo.processInfo.environment["POLYGLOT_KERNELS"].flatMap { $0.isEmpty ? nil : $0 }
        setenv("POLYGLOT_KERNELS", kernels ?? env ?? "native", 1)
        let names = presets.split(separator: ",").map(String.init)
        let records = try EngineBench.run(presets: names, trainSteps: trainSteps, trainingOnly: trainingOnly)
        var all = records.map { ($0.config, $0.metric, $0.value) }
        if !trainingOnly {
            let corpus = Builtins.world.corpus(sentences: 20_000).map(\.text).joined(separator: "\n")
            let tokenizer = try BPETokenizer.train(texts: [corpus], target: .merges(2_000))
            all.append(
                ("tiny-dense", "tokenizer_mb_per_s", tokenizer.encodingThroughput(of: corpus).megabytesPerSecond))
        }
        let reference = torchReference(names, modes: trainingOnly ? ["train"] : ["train", "gen"])
        if json {
            for (config, metric, value) in all {
                print(BenchRecord(config: config, metric: metric, value: value).jsonLine)
            }
            for (key, v) in reference.sorted(by: { $0.key < $1.key }) {
                print(BenchRecord(config: key.config, metric: "torch_\(key.metric)", value: v).jsonLine)
            }
            return
        }
        print(
            "OpenBLAS kernels: \(NumericsRevision.blasKernels) (\(NumericsRevision.kernelPolicy); bench engine --kernels portable|native|auto)"
        )
        print("config        metric                             polyglot      pytorch   ratio")
        for (config, metric, value) in all {
            let name = config.padding(toLength: 13, withPad: " ", startingAt: 0)
            let what = metric.padding(toLength: 32, withPad: " ", startingAt: 0)
            var line = name + " " + what + String(format: " %11.1f", value)
            if let ref = reference[RefKey(config: config, metric: Self.referenceMetric[metric] ?? metric)] {
                line += String(format: " %11.1f %6.2fx", ref, value / ref)
            } else {
                line += "           —       —"
            }
            print(line)
        }
        if reference.isEmpty {
            print("no PyTorch reference in this run (python3 with torch and \(torchScript) needed)")
        }
    }

    /// Rows measured against another row's reference: PyTorch trains one way, the engine's lanes are its own.
    static let referenceMetric = ["train_2lanes_tokens_per_s": "train_tokens_per_s"]

    struct RefKey: Hashable, Comparable {
        var config: String, metric: String
        static func < (a: RefKey, b: RefKey) -> Bool { (a.config, a.metric) < (b.config, b.metric) }
    }

    /// Runs the PyTorch versions of the same models in this run (2 threads), when available.
    func torchReference(_ names: [String], modes: [String]) -> [RefKey: Double] {
        guard FileManager.default.fileExists(atPath: torchScript) else { return [:] }
        var out: [RefKey: Double] = [:]
        let configs: [String: [String]] = [
            "tiny-dense": ["--config", "tiny"], "tiny-moe": ["--config", "tiny", "--moe"],
            "small-dense": ["--config", "small"]
        ]
        for name in names {
            guard let args = configs[name] else { continue }
            for (mode, metric) in [("train", "train_tokens_per_s"), ("gen", "generate_tokens_per_s")]
            where modes.contains(mode) {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                p.arguments = ["python3", torchScript, mode, "--threads", "2"] + args
                let pipe = Pipe()
                p.standardOutput = pipe
                p.standardError = FileHandle.nullDevice
                guard (try? p.run()) != nil else { return out }
                let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                guard p.terminationStatus == 0 else { return out }
                for line in text.split(separator: "\n") where line.hasPrefix("RESULT ") {
                    if let obj = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8))
                        as? [String: Any],
                        let v = obj["tokens_per_s"] as? Double
                    {
                        out[RefKey(config: name, metric: metric)] = v
                    }
                }
            }
        }
        return out
    }
}

struct DataBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Load a generated Bactrian-X-sized set (5 × 64K items, ~300 MB JSONL): seconds, MB/s, peak memory.")
    @Option(help: "Items per language.") var items = 64_000

    func run() throws {
        print(try DataBench.run(itemsPerLanguage: items).table.render())
    }
}

struct StudyBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract:
            "Seconds to tune a builtin base on builtin:lima-mini, to answer and judge builtin:bench, and the grid's time per seed."
    )
    @Option(help: "Bases to measure (comma-separated: dense, moe).") var bases = "dense,moe"
    @Flag(help: "One JSON object per line, as bench engine prints them (the estimate: grid seed_seconds).")
    var json = false

    func run() throws {
        let kinds = try bases.split(separator: ",").map { name -> PretrainRecipe.Kind in
            guard let k = PretrainRecipe.Kind(rawValue: String(name)) else {
                throw ValidationError("unknown base '\(name)'; expected dense or moe")
            }
            return k
        }
        let ms = try kinds.map { kind in
            try StudyBench.measure(base: kind) { FileHandle.standardError.write(Data(("… " + $0 + "\n").utf8)) }
        }
        if json {
            for r in StudyBench.records(ms) { print(r.jsonLine) }
        } else {
            print(StudyBench.table(ms).render())
        }
    }
}

struct ServeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Requests/s and p50/p99 latency of 16 concurrent clients against a served model.")
    @Option(help: "A checkpoint folder or builtin:dense.") var model = "builtin:dense"
    @Option(help: "Concurrent clients.") var clients = 16

    func run() throws {
        let generator = ModelGenerator(try loadModel(model))
        print(try ServeBenchmark.measure(generator: generator, clients: clients).table.render())
    }

    private func loadModel(_ reference: String) throws -> LabModel {
        if let name = Builtins.name(reference) {
            guard let recipe = BaseModels.recipe(named: name) else {
                throw ValidationError("no builtin model '\(name)'")
            }
            return try BaseModels.load(recipe, progress: ProgressReporter(show: Terminal.progress).pretraining).model
        }
        return try LabModel.load(from: URL(fileURLWithPath: reference))
    }
}
