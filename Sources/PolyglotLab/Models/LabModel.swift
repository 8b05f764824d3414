// A model as the study handles it: transformer weights, the tokenizer and chat template they were
// trained with, where the model came from (provenance) and its training history.

import Foundation
import PolyglotEngine

/// One point of a loss curve (for `plot … kind: "lines"`).
public struct TrainingPoint: Equatable, Sendable {
    public var run: String
    public var step: Int
    public var split: String  // "train" | "val"
    public var loss: Double
}

public final class LabModel {
    public var name: String
    public let transformer: Transformer
    public let tokenizer: BPETokenizer
    public let template: ChatTemplate
    /// Ordered facts about the model's origin: base, data provenance, hyper-parameters, seed.
    public var provenance: [(key: String, value: String)]
    /// What the model is in a study grid (base, dataset, composition, regime, seed): set by `tune`, or by hand.
    public var modelProvenance: ModelProvenance?
    public var history: [TrainingPoint]
    /// Whether conversations start with the language's system prompt (as in tuning); answer and chat follow it.
    public var usesSystemPrompt = true

    public init(
        name: String, transformer: Transformer, tokenizer: BPETokenizer,
        provenance: [(key: String, value: String)] = [], history: [TrainingPoint] = []
    ) throws {
        guard tokenizer.vocabSize <= transformer.config.vocabSize else {
            throw LabError(
                "tokenizer has \(tokenizer.vocabSize) tokens but the model only \(transformer.config.vocabSize)")
        }
        self.name = name
        self.transformer = transformer
        self.tokenizer = tokenizer
        template = try ChatTemplate(tokenizer: tokenizer)
        self.provenance = provenance
        self.history = history
    }

    public var config: ModelConfig { transformer.config }

    /// Total parameters and those active per token (MoE: only top-k of the experts).
    public var parameterCounts: (total: Int, active: Int) {
        let total = transformer.parameterCount
        return (total, config.activeParameters(of: total))
    }

    /// An independent copy (tuning never changes the base).
    public func copy(name: String) throws -> LabModel {
        let t = try Transformer(config: config, seed: 0)
        for spec in transformer.parameterSpecs {
            try t.setParameter(named: spec.name, try transformer.parameter(named: spec.name))
        }
        let copy = try LabModel(
            name: name, transformer: t, tokenizer: tokenizer, provenance: provenance, history: history)
        copy.usesSystemPrompt = usesSystemPrompt
        copy.modelProvenance = modelProvenance
        return copy
    }

    // MARK: - Checkpoints

    /// A freshly initialised model of an engine preset (`ModelConfig.presetNames`) with a byte-level tokenizer: the
    /// 256 bytes and the chat tokens, no merges, so it needs no corpus. The vocabulary is the tokenizer's (not the
    /// preset's), so every id the model can generate decodes.
    public static func fresh(preset: String, seed: UInt64, name: String) throws -> LabModel {
        let tokenizer = try BPETokenizer.train(texts: [], target: .merges(0))
        var config = try ModelConfig.preset(named: preset)
        let presetVocabulary = config.vocabSize
        config.vocabSize = tokenizer.vocabSize
        let tokenizerNote =
            "byte-level (256 bytes + \(SpecialToken.chat.count) chat tokens, no merges): vocabulary "
            + "\(tokenizer.vocabSize) instead of the preset's \(presetVocabulary)"
        return try LabModel(
            name: name, transformer: try Transformer(config: config, seed: seed), tokenizer: tokenizer,
            provenance: [
                ("initialised", "preset \(preset), seed \(seed)"),
                ("tokenizer", tokenizerNote)
            ])
    }

    /// The files `load` needs in a model folder, besides the weights: `model.safetensors`, or the shards of
    /// `model.safetensors.index.json` (as Hugging Face writes large models).
    public static let requiredFiles = ["config.json", "tokenizer.json"]

    /// A Hugging Face folder, loadable by `transformers` and TRL as it is: config.json, model.safetensors,
    /// tokenizer.json, tokenizer_config.json (the chat template in Jinja), and polyglot.json (name, provenance,
    /// history). `extraFiles` land in the same folder, written in the same atomic step.
    public func save(to dir: URL, extraFiles: [String: Data] = [:]) throws {
        let meta = ModelMetadata(
            name: name, provenance: provenance.map { [$0.key, $0.value] }, modelProvenance: modelProvenance,
            systemPrompt: usesSystemPrompt,
            history: history.map { .init(run: $0.run, step: $0.step, split: $0.split, loss: $0.loss) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let metaData = try encoder.encode(meta)
        let tokenizerFiles = [
            "tokenizer.json": tokenizer.huggingFaceJSON(), "polyglot.json": metaData,
            "tokenizer_config.json": ChatTemplate.huggingFaceTokenizerConfig(
                modelMaxLength: config.maxPositionEmbeddings)
        ]
        try Checkpoint.save(transformer, to: dir, extraFiles: extraFiles.merging(tokenizerFiles) { $1 })
    }

    /// Loads a folder written by `save`, or by Hugging Face `save_pretrained` (TRL's tuned models): weights
    /// sharded or not, and a chat template, if the folder declares one, that must be Polyglot's.
    public static func load(from dir: URL) throws -> LabModel {
        let fm = FileManager.default
        let expected = (requiredFiles + [Checkpoint.weightsFile]).joined(separator: ", ")
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: dir.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw LabError("\(dir.path): no such model folder (expected a folder with \(expected))")
        }
        let weights = [Checkpoint.weightsFile, Checkpoint.shardIndexFile]
        var missing = requiredFiles.filter { !fm.fileExists(atPath: dir.appendingPathComponent($0).path) }
        if !weights.contains(where: { fm.fileExists(atPath: dir.appendingPathComponent($0).path) }) {
            missing.append(weights.joined(separator: " or "))
        }
        guard missing.isEmpty else {
            throw LabError(
                "\(dir.path): incomplete model folder, missing \(missing.joined(separator: " and ")) "
                    + "(a model folder holds \(expected))")
        }
        if let declared = try ChatTemplate.declaredJinja(in: dir), declared.template != ChatTemplate.jinja {
            throw LabError(
                "\(declared.file): the chat template is not Polyglot's; expected the template of the model's "
                    + "tokenizer_config.json as Polyglot wrote it (<|user|>…<|end|><|assistant|>…<|end|>), "
                    + "which is the only one Polyglot renders")
        }
        let transformer = try Checkpoint.load(from: dir)
        let tokenizer = try BPETokenizer(
            huggingFaceJSON: try Checkpoint.extraFile(named: "tokenizer.json", in: dir),
            path: dir.appendingPathComponent("tokenizer.json").path)
        var name = dir.lastPathComponent
        var provenance: [(key: String, value: String)] = [("loaded from", dir.path)]
        var history: [TrainingPoint] = []
        var systemPrompt = true
        var modelProvenance: ModelProvenance?
        if let data = try? Checkpoint.extraFile(named: "polyglot.json", in: dir),
            let meta = try? JSONDecoder().decode(ModelMetadata.self, from: data)
        {
            name = meta.name ?? name
            systemPrompt = meta.systemPrompt ?? true
            modelProvenance = meta.modelProvenance
            if let p = meta.provenance { provenance = p.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil } }
            history = (meta.history ?? []).map {
                TrainingPoint(run: $0.run, step: $0.step, split: $0.split, loss: $0.loss)
            }
        }
        let model = try LabModel(
            name: name, transformer: transformer, tokenizer: tokenizer, provenance: provenance, history: history)
        model.usesSystemPrompt = systemPrompt
        model.modelProvenance = modelProvenance
        return model
    }

    // MARK: - Chat

    public static func chatMessages(_ messages: [Message]) -> [ChatMessage] {
        messages.map { m in
            let role: ChatRole =
                switch m.role {
                case .system: .system
                case .user: .user
                case .assistant: .assistant
                }
            return ChatMessage(role, m.content)
        }
    }

    /// The assistant's next reply to a conversation (greedy when temperature is 0).
    public func reply(
        to messages: [Message], temperature: Double = 0, topP: Double = 1, seed: UInt64 = 0,
        maxTokens: Int = 64
    ) throws -> (text: String, promptTokens: Int, completionTokens: Int, finished: Bool) {
        var prompt = try template.encodePrompt(LabModel.chatMessages(messages))
        let room = config.maxPositionEmbeddings - 1
        if prompt.count > room { prompt = Array(prompt.suffix(room)) }  // keep the end: the question and the cue
        let budget = max(1, min(maxTokens, config.maxPositionEmbeddings - prompt.count))
        let options = GenerationOptions(
            maxNewTokens: budget, temperature: Float(temperature), topP: Float(topP), seed: seed,
            stopTokens: [template.endId])
        let result = try transformer.generate(prompt: prompt, options: options)
        let text = try tokenizer.decode(result.tokens, skippingSpecial: true)
        return (text.trimmingCharacters(in: .whitespaces), prompt.count, result.tokens.count, result.stoppedBy != nil)
    }
}

/// `polyglot.json` in a model folder. Decoded with `JSONDecoder`, which reads every loss back to the same Double
/// (JSONSerialization goes through a decimal number and can change the last bit): a resumed run's loss history
/// must equal an uninterrupted run's.
struct ModelMetadata: Codable {
    struct Point: Codable {
        var run: String, step: Int, split: String, loss: Double
    }
    var name: String?
    var provenance: [[String]]?
    var modelProvenance: ModelProvenance?
    var systemPrompt: Bool?
    var history: [Point]?

    enum CodingKeys: String, CodingKey {
        case name, provenance, modelProvenance = "model_provenance", systemPrompt = "system_prompt", history
    }
}

extension ModelMetadata {
    /// A `model_provenance` this version cannot read is left out: it must not cost the name, prompt and history.
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        provenance = try c.decodeIfPresent([[String]].self, forKey: .provenance)
        modelProvenance = try? c.decodeIfPresent(ModelProvenance.self, forKey: .modelProvenance)
        systemPrompt = try c.decodeIfPresent(Bool.self, forKey: .systemPrompt)
        history = try c.decodeIfPresent([Point].self, forKey: .history)
    }
}

/// An error of the lab layer, shown to the user as is.
public struct LabError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ message: String) { description = message }
}
