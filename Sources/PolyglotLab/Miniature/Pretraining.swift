// Pre-training the miniature world's base models from scratch: a byte-level BPE tokenizer learnt on
// the built-in corpus, the corpus packed into context-length windows, and next-token training of a
// dense or a mixture-of-experts decoder. Sizes follow the measured prototype (docs: miniature.md).

import Foundation
import PolyglotEngine

public struct PretrainRecipe: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case dense, moe }

    public var kind: Kind
    public var seed: UInt64 = 0
    /// World (data) seed; the corpus and the instruction sets derive from it.
    public var worldSeed: UInt64 = 0
    public var corpusSentences = 300_000
    public var merges = 2_000
    public var dModel = 128
    public var layers = 4
    public var heads = 4
    public var ffnHidden = 336
    public var context = 128
    public var experts = 8
    public var topK = 2
    public var steps = 1_000
    public var batchSize = 32
    public var learningRate = 2e-3
    public var warmupSteps = 100
    /// Attention per corpus document inside each window, positions restarting after every end token (windows
    /// are full, so packing pads nothing either way). nil is off, and leaves the cache key of the recipes before
    /// this option unchanged.
    public var packing: Bool?
    /// Share of the corpus's documents in English (the other four languages share the rest equally); nil is the
    /// balanced corpus (a fifth each) and leaves the cache key of the recipes before this option unchanged.
    public var englishShare: Double?
    /// Parts of each step's batch run side by side, one per core (`TrainingConfig.lanes`): on 2 cores 2 lanes
    /// pre-train a base in 0.90 of one lane's time, with other bits. nil is one lane, and leaves the cache key of
    /// the recipes before this option unchanged.
    public var lanes: Int?

    public init(kind: Kind) {
        self.kind = kind
        // The MoE mirrors the study's larger model through its experts (each the size of the dense FFN, top-2:
        // ≈1.6× the active and ≈4× the total parameters). It sees the dense base's tokens, not more: more steps
        // would take it over a base's 5-minute budget with the portable kernels (1,200 steps: 5 min 41 s).
    }

    /// The cache key: every field that changes the weights, and the engine's arithmetic (revision and kernel set).
    public var key: String {
        let data = (try? JSONEncoder.sorted.encode(self)) ?? Data()
        return "\(kind.rawValue)-\(NumericsRevision.tag)-\(String(FNV1a64.hash(data), radix: 16))"
    }

    func modelConfig(vocab: Int) -> ModelConfig {
        ModelConfig(
            vocabSize: vocab, hiddenSize: dModel, numHiddenLayers: layers, numAttentionHeads: heads,
            intermediateSize: ffnHidden, maxPositionEmbeddings: context, tieWordEmbeddings: true,
            experts: kind == .moe ? experts : 0, expertsPerToken: topK)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

/// Progress of pre-training, for the progress bar.
public struct PretrainProgress: Sendable {
    public var phase: String
    public var step: Int, totalSteps: Int
    public var loss: Double
    public var tokensPerSecond: Double
    public var secondsLeft: Double
}

public enum Pretraining {
    /// The corpus as training text, one document per string.
    public static func corpusTexts(_ recipe: PretrainRecipe) -> [String] {
        MiniatureWorld(seed: recipe.worldSeed).corpus(
            sentences: recipe.corpusSentences, englishShare: recipe.englishShare
        )
        .map(\.text)
    }

    public static func trainTokenizer(texts: [String], merges: Int) throws -> BPETokenizer {
        try BPETokenizer.train(texts: texts, target: .merges(merges))
    }

    /// Documents joined by the end token and cut into windows of context + 1 tokens; each window marks where a
    /// document begins after an end token (`documentStarts`), which packed training honours.
    public static func windows(texts: [String], tokenizer: BPETokenizer, context: Int) throws -> [TrainingSequence] {
        let end = try tokenizer.specialTokenId(SpecialToken.end)
        var stream: [Int] = []
        stream.reserveCapacity(texts.reduce(0) { $0 + $1.utf8.count } / 3)
        for t in texts {
            stream += tokenizer.encode(t)
            stream.append(end)
        }
        var out: [TrainingSequence] = []
        var i = 0
        while i + context + 1 <= stream.count {
            let starts = (1...context).filter { stream[i + $0 - 1] == end }
            out.append(try TrainingSequence(tokens: Array(stream[i..<(i + context + 1)]), documentStarts: starts))
            i += context
        }
        return out
    }

    /// Trains a base model from scratch; `tokenizer` lets the dense and MoE bases share one vocabulary.
    public static func pretrain(
        _ recipe: PretrainRecipe, texts: [String], tokenizer: BPETokenizer,
        name: String? = nil, shouldCancel: () -> Bool = { false },
        progress: (PretrainProgress) -> Void = { _ in }
    ) throws -> LabModel {
        let data = try windows(texts: texts, tokenizer: tokenizer, context: recipe.context)
        let transformer = try Transformer(config: recipe.modelConfig(vocab: tokenizer.vocabSize), seed: recipe.seed)
        var config = TrainingConfig()
        config.learningRate = Float(recipe.learningRate)
        config.warmupSteps = recipe.warmupSteps
        config.totalSteps = recipe.steps
        config.minLearningRateRatio = 0.1
        config.weightDecay = 0.1
        config.batchSize = recipe.batchSize
        config.sequenceLength = recipe.context
        config.seed = recipe.seed
        config.packing = recipe.packing ?? false
        config.lanes = recipe.lanes ?? 1
        let trainer = try Trainer(model: transformer, data: data, config: config)
        let started = Date()
        var history: [TrainingPoint] = []
        let name = name ?? "builtin:\(recipe.kind.rawValue)"
        _ = try trainer.train(shouldCancel: shouldCancel) { r in
            history.append(TrainingPoint(run: name, step: r.step, split: "train", loss: r.loss))
            let elapsed = Date().timeIntervalSince(started)
            progress(
                PretrainProgress(
                    phase: "pre-training \(name)", step: r.step, totalSteps: recipe.steps, loss: r.loss,
                    tokensPerSecond: r.tokensPerSecond,
                    secondsLeft: elapsed / Double(r.step) * Double(recipe.steps - r.step)))
        }
        guard trainer.step == recipe.steps else {
            throw LabError("pre-training was interrupted at step \(trainer.step)")
        }
        let tokens = data.count * recipe.context
        return try LabModel(
            name: name, transformer: transformer, tokenizer: tokenizer,
            provenance: [
                (
                    "base",
                    "pre-trained from scratch on builtin:corpus (\(recipe.corpusSentences) sentences, \(tokens) tokens, world seed \(recipe.worldSeed)"
                        + (recipe.englishShare.map { ", \(Int(($0 * 100).rounded())) % English" } ?? "") + ")"
                ),
                (
                    "recipe",
                    "\(recipe.steps) steps × \(recipe.batchSize) × \(recipe.context) tokens, AdamW \(recipe.learningRate), warm-up \(recipe.warmupSteps), cosine to 10 %"
                        + (recipe.packing == true ? ", attention per document" : "")
                        + (recipe.lanes.map { ", \($0) lanes" } ?? "")
                ),
                ("seed", String(recipe.seed))
            ], history: history)
    }
}
