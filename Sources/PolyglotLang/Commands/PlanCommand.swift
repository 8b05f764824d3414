// `plan`: the study grid as a bundle for a GPU cluster (TRL + accelerate + DeepSpeed under Slurm), with its cost.

import Foundation
import PolyglotLab

extension CommandRegistry {
    static let plan = CommandSpec(
        "plan", category: "scale-out",
        summary:
            "Write the study grid as a bundle for a GPU cluster: data, one TRL config per cell, accelerate/DeepSpeed, Slurm jobs, README with GPU-hours.",
        keywords: [
            Parameter(
                "bases", .record, "base name → a Hugging Face hub id or a model folder, e.g. {dense: \"meta-llama/…\"}"),
            Parameter(
                "data", .record,
                "dataset name → its compositions by name, e.g. {lima: compositions(lima)} (the stdlib's nine)"),
            Parameter("comps", .stringList, "the compositions to tune, e.g. [\"EN\", \"ENDEFRITES\"]"),
            Parameter("to", .string, "the bundle folder (new, or an earlier bundle)"),
            Parameter("seeds", .listOf(.int), default: Value.none, "one cell per seed (default: [seed])")
        ] + recipeKeywords + [
            Parameter("gpus", .int, default: .int(8), "GPUs per node (0: the CPU, one process)"),
            Parameter("nodes", .int, default: .int(1), "nodes per tuning task"),
            Parameter("cpus", .int, default: .int(16), "CPU cores per task"),
            Parameter("hours", .int, default: .int(24), "time limit of a tuning task"),
            Parameter(
                "throughput", .either([.number, .record]), default: .float(3000),
                "training tokens per GPU-second, for the cost: a number, or one per base name"),
            Parameter(
                "bytes_per_token", .number, default: .float(3.5),
                "UTF-8 bytes per token, for bases whose tokenizer is not a local folder"),
            Parameter(
                "max_length", .int, default: Value.none,
                "tokens per conversation (default: a local base's context + 1, as tune cuts; else 2048)"),
            Parameter("bench", .string, default: .string("builtin:bench"), "the benchmark the answer job loads"),
            Parameter(
                "server", .choice(of: AnswerServer.self), default: .string("vllm"),
                "what serves the tuned models for answering"),
            Parameter("answer_tokens", .int, default: .int(1024), "longest answer per turn"),
            seedKeyword, .recipe
        ],
        example:
            "plan bases: {dense: \"meta-llama/Llama-2-7b-hf\"} data: {lima: compositions(lima)} comps: [\"EN\", \"ENDEFRITES\"] "
            + "seeds: [1, 2, 3] recipe: study_recipe to: \"bundle\"",
        details: """
            A cell is a base tuned on one composition with one seed, named as `grid` names it (dense·lima·EN). The
            bundle holds data/ (messages JSONL), configs/ (a TRL SFTConfig per cell, accelerate and DeepSpeed ZeRO-3),
            train.py, cells.tsv, jobs/tune.sbatch (a Slurm array, one accelerate launch per node), jobs/answer.sbatch
            (serve each tuned model, `answer llm(…)` through it) and a README saying how to run it, what differs
            from `tune`, and what it costs: GPU-hours from each cell's tokens and the stated throughput. The value is
            the table of cells with their cost.
            """
    ) { inv in
        var bases: [BundleBase] = []
        for (name, value) in inv.record("bases").fields {
            guard case .string(let path) = value, !path.isEmpty else {
                throw inv.error("base \(name) is \(value.typeName); expected a hub id or a folder", at: "bases")
            }
            // A folder that exists here is written as an absolute path: the jobs run in the bundle folder.
            let local = inv.session.resolve(path)
            bases.append(
                BundleBase(name: name, path: FileManager.default.fileExists(atPath: local.path) ? local.path : path))
        }
        let comps = inv.strings("comps")
        var data: [BundleData] = []
        for (name, value) in inv.record("data").fields {
            guard case .record(let sets) = value else {
                throw inv.error(
                    "data \(name) is \(value.typeName); expected its compositions, e.g. compositions(\(name))",
                    at: "data")
            }
            for comp in comps {
                guard case .object(let d as DatasetObject)? = sets[comp] else {
                    throw inv.error(
                        "data \(name) has no composition \(comp)", at: "comps",
                        notes: Suggest.note(for: comp, in: sets.fields.map(\.key)))
                }
                data.append(BundleData(dataset: name, composition: comp, data: d.dataset))
            }
        }
        let recipe = try inv.recipeOptions()
        // TRL seeds numpy, which takes seeds below 2^32: the session's next seed is drawn into that range.
        let trlSeeds: UInt64 = 1 << 32
        let seeds =
            try inv.ints(ifGiven: "seeds").map { list in
                try list.map {
                    guard $0 >= 0, UInt64($0) < trlSeeds else {
                        throw inv.error(
                            "seeds must be in 0 ..< 2^32 (TRL seeds numpy with them), got \($0)", at: "seeds")
                    }
                    return UInt64($0)
                }
            } ?? [try inv.seed() % trlSeeds]
        if let given = inv.int(ifGiven: "seed"), given >= trlSeeds {
            throw inv.error("seed must be below 2^32 (TRL seeds numpy with it), got \(given)", at: "seed")
        }
        var cluster = BundleCluster()
        cluster.gpusPerNode = inv.int("gpus")
        cluster.nodes = inv.int("nodes")
        cluster.cpusPerTask = inv.int("cpus")
        cluster.hours = inv.int("hours")
        cluster.server = inv.choice("server", as: AnswerServer.self)
        var cost = BundleCostModel()
        cost.bytesPerToken = inv.double("bytes_per_token")
        switch inv.value("throughput") {
        case .record(let perBase):
            for (name, value) in perBase.fields {
                guard let t = value.double, t > 0 else {
                    throw inv.error("throughput of \(name) must be a positive number", at: "throughput")
                }
                cost.throughput[name] = t
            }
            if let missing = bases.first(where: { cost.throughput[$0.name] == nil }) {
                throw inv.error("no throughput for base \(missing.name)", at: "throughput")
            }
        case let value:
            guard let t = value.double, t > 0 else {
                throw inv.error("throughput must be a positive number", at: "throughput")
            }
            cost.defaultThroughput = t
        }
        guard cost.bytesPerToken > 0 else { throw inv.error("bytes_per_token must be positive", at: "bytes_per_token") }
        var bundle = StudyBundle(
            bases: bases, data: data, seeds: seeds, recipe: recipe, cluster: cluster, cost: cost)
        bundle.maxLength = inv.int(ifGiven: "max_length")
        // The answer job runs its script from logs/: a benchmark folder is written as an absolute path.
        let bench = inv.string("bench")
        bundle.benchmark = bench == "builtin:bench" ? bench : inv.session.resolve(bench).path
        bundle.answerTokens = inv.int("answer_tokens")
        let to = inv.string("to")
        let written = try inv.lab { try bundle.write(to: inv.session.resolve(to)) }
        let rows: [[Table.Cell]] = written.cells.map { cell, cost in
            [
                .text(cell.id), .text(cell.modelName), .int(Int(cell.seed)), .int(cost.examples),
                .int(cost.tokensPerEpoch), .int(cost.steps), .number(cost.gpuHours)
            ]
        }
        inv.session.emit(
            "wrote \(written.files.count) files to \(to): \(written.cells.count) cells, "
                + String(format: "%.1f", written.totalGPUHours) + " GPU-hours estimated (README.md says how)")
        return .object(
            TableObject(
                Table(
                    title: "study bundle \(to): cells and their cost",
                    columns: ["id", "model", "seed", "conversations", "tokens_per_epoch", "steps", "gpu_hours"],
                    rows: rows)))
    }
}
