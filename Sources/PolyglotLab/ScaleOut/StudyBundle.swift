// The study on a GPU cluster: a bundle of files that TRL (launched by accelerate under Slurm) and an
// OpenAI-compatible server read, made from the same grid a notebook tunes (bases × datasets × compositions × seeds,
// one recipe). Polyglot does not train there; it reads the tuned folders, answers and judgments back.

import Foundation
import PolyglotEngine

/// A base model of the grid: its short name in model names (`dense`) and where TRL loads it from (a Hugging Face
/// hub id or a folder).
public struct BundleBase: Sendable {
    public var name: String
    public var path: String
    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}

/// One composition of one dataset, as the grid names it (`lima`, `ENDEFRITES`).
public struct BundleData {
    public var dataset: String
    public var composition: String
    public var data: Dataset
    public init(dataset: String, composition: String, data: Dataset) {
        self.dataset = dataset
        self.composition = composition
        self.data = data
    }
}

/// Where the jobs run: nodes and GPUs per array task (0 GPUs: the CPU, one process), and the Slurm limits.
public struct BundleCluster: Sendable {
    public var gpusPerNode = 8
    public var nodes = 1
    public var cpusPerTask = 16
    /// Time limit of one tuning task, in hours.
    public var hours = 24
    /// The answering server: vLLM at scale, or `polyglot serve` for models a CPU runs.
    public var server = AnswerServer.vllm
    public init() {}

    var processes: Int { max(1, gpusPerNode) * nodes }
}

/// The OpenAI-compatible server `jobs/answer.sbatch` starts for each tuned model.
public enum AnswerServer: String, CaseIterable, Sendable {
    case vllm, polyglot
}

/// How the cost estimate counts: training tokens per GPU-second of each base (by name, else `defaultThroughput`),
/// and, for bases without a local tokenizer, UTF-8 bytes per token.
public struct BundleCostModel: Sendable {
    public var throughput: [String: Double] = [:]
    public var defaultThroughput = 3000.0
    public var bytesPerToken = 3.5
    public init() {}

    func throughput(of base: BundleBase) -> Double { throughput[base.name] ?? defaultThroughput }
}

/// One grid cell: a base tuned on one composition with one seed.
public struct BundleCell {
    public var base: BundleBase
    public var data: BundleData
    public var seed: UInt64

    /// The grid's model name (`dense·lima·EN`), as `grid` in the stdlib names a tuned model; answers carry it.
    public var modelName: String { "\(base.name)·\(data.dataset)·\(data.composition)" }
    /// The same in ASCII with the seed, for file names and Slurm (`dense-lima-EN-s1`).
    public var id: String { StudyBundle.fileSafe("\(base.name)-\(data.dataset)-\(data.composition)-s\(seed)") }
}

/// What one cell costs: examples, tokens per epoch (counted, or estimated from bytes), optimizer steps, GPU-hours.
public struct CellCost: Sendable {
    public var examples: Int
    public var tokensPerEpoch: Int
    public var tokensCounted: Bool
    public var steps: Int
    public var warmupSteps: Int
    public var gpuHours: Double
}

/// The study bundle: the grid, the recipe (tune's options; the seed is each cell's), the cluster and the benchmark.
public struct StudyBundle {
    public var bases: [BundleBase]
    public var data: [BundleData]
    public var seeds: [UInt64]
    public var recipe: TuneOptions
    public var cluster: BundleCluster
    public var cost: BundleCostModel
    /// Sequence length in tokens (TRL's `max_length`); nil: a local base's context + 1 (as `tune` cuts), else 2048.
    public var maxLength: Int?
    /// `builtin:bench`, or an MT-Bench-X folder as `load bench` reads it on the cluster.
    public var benchmark = "builtin:bench"
    /// Longest answer per turn (FastChat's 1024).
    public var answerTokens = 1024

    public init(
        bases: [BundleBase], data: [BundleData], seeds: [UInt64], recipe: TuneOptions, cluster: BundleCluster,
        cost: BundleCostModel
    ) {
        self.bases = bases
        self.data = data
        self.seeds = seeds
        self.recipe = recipe
        self.cluster = cluster
        self.cost = cost
    }

    /// Every cell, seeds outermost, then bases, datasets and compositions in the grid's order.
    public var cells: [BundleCell] {
        seeds.flatMap { seed in bases.flatMap { b in data.map { BundleCell(base: b, data: $0, seed: seed) } } }
    }

    /// Letters, digits, `-`, `_` and `.`; anything else becomes `_` (names may hold `·` or spaces).
    static func fileSafe(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
    }

    // MARK: - Per base

    /// A base's tokenizer and context, when it is a local Polyglot-readable folder (else nil: a hub id).
    struct LocalBase {
        var template: ChatTemplate
        var context: Int
    }

    func localBase(_ base: BundleBase) -> LocalBase? {
        let dir = URL(fileURLWithPath: base.path)
        guard let config = try? Checkpoint.loadConfig(from: dir),
            let json = try? Checkpoint.extraFile(named: "tokenizer.json", in: dir),
            let tokenizer = try? BPETokenizer(huggingFaceJSON: json, path: dir.path),
            let template = try? ChatTemplate(tokenizer: tokenizer)
        else { return nil }
        return LocalBase(template: template, context: config.maxPositionEmbeddings)
    }

    /// Whether a base's conversations start with the system prompt: the recipe's choice, else `tune`'s rule (a
    /// context of at least 512 tokens; a hub base, whose context is not known here, is taken to have one).
    func systemPrompt(_ local: LocalBase?) -> Bool {
        recipe.systemPrompt ?? ((local?.context ?? 4096) >= 512)
    }

    func maxLength(_ local: LocalBase?) -> Int { maxLength ?? local.map { $0.context + 1 } ?? 2048 }

    // MARK: - Cost

    /// Tokens, steps and GPU-hours of one cell: tokens counted with the base's tokenizer and template when the
    /// base is local (cut at `max_length`, as both trainers cut), else estimated from UTF-8 bytes.
    func cost(of cell: BundleCell, local: LocalBase?) throws -> CellCost {
        let examples = cell.data.data.trainingExamples(shuffleSeed: nil)
        let withSystem = systemPrompt(local), limit = maxLength(local)
        var tokens = 0
        for ex in examples {
            var messages = ex.conversation.messages
            if withSystem, messages.first?.role != .system {
                messages.insert(Message(role: .system, content: ex.lang.systemPrompt), at: 0)
            }
            if let local {
                let enc = try local.template.encodeForTraining(LabModel.chatMessages(messages), maxLength: limit)
                tokens += enc.ids.count
            } else {
                let bytes = messages.reduce(0) { $0 + $1.content.utf8.count }
                tokens += min(limit, Int((Double(bytes) / cost.bytesPerToken).rounded(.up)) + 2 * messages.count)
            }
        }
        let steps = recipe.totalSteps(examples: examples.count)
        let warmup = max(1, Int((Double(steps) * recipe.warmupFraction).rounded()))
        // Tokens of the whole run: an epoch's, times the epochs its steps make.
        let epochs = Double(steps) / Double(max(1, recipe.stepsPerEpoch(examples: examples.count)))
        let gpuSeconds = Double(tokens) * epochs / cost.throughput(of: cell.base)
        return CellCost(
            examples: examples.count, tokensPerEpoch: tokens, tokensCounted: local != nil, steps: steps,
            warmupSteps: warmup, gpuHours: gpuSeconds / 3600)
    }

    // MARK: - Writing

    /// What `write` produced: the files (relative paths) and each cell's cost, in `cells` order.
    public struct Written {
        public var files: [String]
        public var cells: [(cell: BundleCell, cost: CellCost)]
        public var totalGPUHours: Double { StudyBundle.totalGPUHours(cells) }
    }

    static func totalGPUHours(_ cells: [(cell: BundleCell, cost: CellCost)]) -> Double {
        cells.reduce(0) { $0 + $1.cost.gpuHours }
    }

    /// Writes the bundle into `dir` (created; an existing folder must be an earlier bundle, holding `cells.tsv`,
    /// so a typo cannot scatter files into another folder). Each file is written atomically; the jobs' outputs
    /// (`runs/`, `answers/`, `logs/`) are left alone.
    public func write(to dir: URL) throws -> Written {
        guard !bases.isEmpty, !data.isEmpty, !seeds.isEmpty else {
            throw LabError("a bundle needs at least one base, one composition and one seed")
        }
        try recipe.checkPositive()
        guard cluster.nodes > 0, cluster.gpusPerNode >= 0, cluster.hours > 0, cluster.cpusPerTask > 0 else {
            throw LabError("nodes, hours and cpus must be positive, gpus at least 0")
        }
        guard recipe.batchSize % cluster.processes == 0 else {
            throw LabError(
                "batch \(recipe.batchSize) is not a multiple of the \(cluster.processes) GPUs of a task; expected "
                    + "a batch that the GPUs share equally (the global batch is the recipe's)")
        }
        let fm = FileManager.default
        if let present = try? fm.contentsOfDirectory(atPath: dir.path), !present.isEmpty,
            !present.contains("cells.tsv")
        {
            throw LabError(
                "\(dir.path): exists and is not a study bundle (no cells.tsv); expected a new or bundle folder")
        }
        var files: [(String, Data)] = []
        var exported: [String: String] = [:]  // data file → provenance
        var costs: [(cell: BundleCell, cost: CellCost)] = []
        var locals: [String: LocalBase?] = [:]
        for b in bases { locals[b.name] = localBase(b) }
        for cell in cells {
            let local = locals[cell.base.name] ?? nil
            let withSystem = systemPrompt(local)
            let dataFile =
                "data/" + Self.fileSafe("\(cell.data.dataset)-\(cell.data.composition)")
                + (withSystem ? "-system" : "") + ".jsonl"
            if exported[dataFile] == nil {
                try DatasetExporter.export(
                    cell.data.data, to: dir.appendingPathComponent(dataFile).path, systemPrompt: withSystem)
                exported[dataFile] = cell.data.data.provenance.description
            }
            let cost = try cost(of: cell, local: local)
            costs.append((cell, cost))
            files.append(
                (
                    "configs/\(cell.id).yaml",
                    Data(
                        BundleFiles.trlConfig(
                            self, cell: cell, cost: cost, dataFile: dataFile, systemPrompt: withSystem,
                            maxLength: maxLength(local)
                        ).utf8)
                ))
        }
        files += [
            ("cells.tsv", Data(BundleFiles.cellTable(costs.map(\.cell)).utf8)),
            ("data/provenance.json", try BundleFiles.provenance(exported)),
            ("configs/chat_template.jinja", Data(ChatTemplate.jinja.utf8)),
            ("configs/accelerate-zero3.yaml", Data(BundleFiles.accelerateZeRO3.utf8)),
            ("configs/accelerate-single.yaml", Data(BundleFiles.accelerateSingle(cpu: cluster.gpusPerNode == 0).utf8)),
            ("configs/deepspeed-zero3.json", Data(BundleFiles.deepSpeedZeRO3.utf8)),
            ("train.py", Data(BundleFiles.trainScript.utf8)),
            ("jobs/tune.sbatch", Data(BundleFiles.tuneJob(self, cells: costs.count).utf8)),
            ("jobs/answer.sbatch", Data(BundleFiles.answerJob(self, cells: costs.count).utf8)),
            ("logs/README.md", Data("Slurm writes the jobs' output here (`#SBATCH --output`).\n".utf8)),
            ("README.md", Data(BundleFiles.readme(self, costs: costs).utf8))
        ]
        for (name, bytes) in files { try atomicWrite(bytes, to: dir.appendingPathComponent(name)) }
        return Written(files: (exported.keys + files.map(\.0)).sorted(), cells: costs)
    }
}
