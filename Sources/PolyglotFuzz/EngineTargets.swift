// Checkpoint files: `config.json`, `model.safetensors` (headers with huge or negative offsets, wrong
// dtypes, overlapping tensors) and `tokenizer.json`. Seeds are written by the engine's own writers
// from micro models (dense and MoE), so they are real files of the formats the loaders read.

import Foundation
import PolyglotEngine

/// Writes the seed checkpoints once per worker: micro dense and MoE models with a small tokenizer.
private enum MicroCheckpoints {
    static let configs = [
        ModelConfig(
            vocabSize: 64, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16,
            maxPositionEmbeddings: 16),
        ModelConfig(
            vocabSize: 64, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, numKeyValueHeads: 1,
            intermediateSize: 16, maxPositionEmbeddings: 16, tieWordEmbeddings: true, experts: 4,
            expertsPerToken: 2)
    ]

    /// One folder per config under `work/seed-checkpoints`.
    static func write(in work: URL) throws -> [URL] {
        try configs.enumerated().map { i, config in
            let dir = work.appendingPathComponent("seed-checkpoints/\(config.modelType)-\(i)")
            if !FileManager.default.fileExists(atPath: dir.path) {
                try Checkpoint.save(try Transformer(config: config, seed: 1), to: dir)
            }
            return dir
        }
    }
}

/// `load model PATH`: config.json or model.safetensors mutated, the other file of a micro checkpoint kept.
final class CheckpointTarget: FuzzTarget {
    enum Part { case config, safetensors }

    let part: Part
    let dialect: InputDialect
    private let env: FuzzEnvironment
    private let seedFolders: [URL]
    private let folder: URL
    /// Larger valid configs are read but not built: building allocates the model.
    static let largestBuiltModel = 1 << 20

    init(_ env: FuzzEnvironment, part: Part) throws {
        self.env = env
        self.part = part
        dialect = part == .config ? .json : .safetensors
        seedFolders = try MicroCheckpoints.write(in: env.work)
        folder = env.work.appendingPathComponent("checkpoint-\(part)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The file that is not fuzzed comes from the dense seed.
        let kept = part == .config ? "model.safetensors" : "config.json"
        let target = folder.appendingPathComponent(kept)
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: seedFolders[0].appendingPathComponent(kept), to: target)
    }

    var name: String { part == .config ? "config" : "safetensors" }
    var summary: String {
        part == .config
            ? "config.json of a checkpoint (read, validated, and the model built when small)"
            : "model.safetensors: header, offsets, dtypes, shapes, and loading into a model"
    }

    func seeds() throws -> [FuzzSeed] {
        let file = part == .config ? "config.json" : "model.safetensors"
        return try seedFolders.map { try FuzzSeed(file: $0.appendingPathComponent(file), root: env.work) }
    }

    func run(_ input: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            switch part {
            case .config:
                _ = try env.write(input, to: "checkpoint-config/config.json")
                let config = try Checkpoint.loadConfig(from: folder)
                guard let count = config.parameterCount, count <= Self.largestBuiltModel else {
                    let size = config.parameterCount.map(String.init) ?? "too many"
                    return "valid config of \(size) parameters (not built)"
                }
                return "loaded \(try Checkpoint.load(from: folder).parameterCount) parameters"
            case .safetensors:
                let file = try SafeTensors.File(data: Data(input), source: "fuzz.safetensors")
                var values = 0
                for name in file.entries.keys.sorted() { values += try file.tensor(name).count }
                _ = try env.write(input, to: "checkpoint-safetensors/model.safetensors")
                let loaded = try Checkpoint.load(from: folder).parameterCount
                return "\(file.entries.count) tensor(s), \(values) value(s), loaded \(loaded)"
            }
        }
    }
}

/// `tokenizer.json` (Hugging Face byte-level BPE), then encoding and decoding a multilingual text with it.
final class TokenizerTarget: FuzzTarget {
    let name = "tokenizer"
    let summary = "tokenizer.json reader (byte-level BPE), then encode and decode with the tokenizer read"
    let dialect = InputDialect.json
    private let env: FuzzEnvironment
    private static let sample = "Die Hauptstadt von Österreich ist Wien. ¿Qué hora es? 数字 🙂 <|user|>\n\t"

    init(_ env: FuzzEnvironment) { self.env = env }

    func seeds() throws -> [FuzzSeed] {
        let texts = [
            "the cat sat on the mat", "die Katze sitzt auf der Matte", "le chat est sur le tapis",
            "il gatto è sul tappeto", "el gato está en la alfombra"
        ]
        let trained = try BPETokenizer.train(texts: texts, target: .merges(40))
        return [
            FuzzSeed(
                origin: "tokenizer trained on five sentences (40 merges)",
                bytes: Array(trained.huggingFaceJSON()))
        ]
    }

    func run(_ input: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let tokenizer = try BPETokenizer(huggingFaceJSON: Data(input), path: "fuzz/tokenizer.json")
            let ids = tokenizer.encode(Self.sample, allowSpecial: true)
            let text = try tokenizer.decode(ids)
            return "\(tokenizer.vocabSize) tokens, \(ids.count) ids for the sample, round trip \(text == Self.sample)"
        }
    }
}
