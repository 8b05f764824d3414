// Instruction tuning: chat-formatted examples → masked sequences (loss on the assistant's replies
// only) → AdamW with warm-up and cosine decay, full fine-tuning or LoRA. The base is never changed.

import Foundation
import PolyglotEngine

public struct TuneOptions: Sendable {
    public var epochs = 2
    public var learningRate = 3e-4
    public var batchSize = 16
    public var seed: UInt64 = 0
    /// LoRA rank and alpha; nil = full fine-tuning.
    public var lora: (rank: Int, alpha: Double)?
    /// Prepend the system prompt of each example's language (as the study's chat template does); nil = only when
    /// the context has room for it (≥ 512 tokens): in the miniature's 128 the prompt alone takes 68–80 tokens.
    public var systemPrompt: Bool?
    public var warmupFraction = 0.05
    public init() {}

    /// "epochs 3, lr 0.0002, batch 16, full fine-tuning, no system prompt": the model's provenance line.
    var hyperParameterSummary: String {
        "epochs \(epochs), lr \(learningRate), batch \(batchSize)"
            + (lora.map { ", LoRA rank \($0.rank) alpha \($0.alpha)" } ?? ", full fine-tuning")
            + (systemPrompt ?? true ? ", system prompt" : ", no system prompt")
    }
}

/// What the progress callback sees after every step.
public struct TuneProgress: Sendable {
    public var step: Int, totalSteps: Int, epoch: Int
    public var loss: Double, validationLoss: Double?
    public var tokensPerSecond: Double, secondsLeft: Double
}

extension LabModel {
    /// Encodes conversations for training; the tag of each sequence is its language (routing statistics).
    public func trainingSequences(_ examples: [Example], systemPrompt: Bool) throws -> [TrainingSequence] {
        try examples.map { ex in
            var messages = ex.conversation.messages
            if systemPrompt, messages.first?.role != .system {
                messages.insert(Message(role: .system, content: ex.lang.systemPrompt), at: 0)
            }
            let enc = try template.encodeForTraining(LabModel.chatMessages(messages), maxLength: config.maxPositionEmbeddings + 1)
            return try TrainingSequence(tokens: enc.ids, lossMask: enc.lossMask.map(Float.init),
                                        tag: Lang.allCases.firstIndex(of: ex.lang))
        }
    }

    /// A tuned copy named `name`; stops early (keeping what it learnt) when `shouldCancel` says so.
    /// With `saveTo`, the result is written there, and a run stopped early also leaves its optimizer state,
    /// so that `resume` (that folder) continues it to exactly the weights of an uninterrupted run.
    public func tuned(name: String, on examples: [Example], validation: [Example] = [], options: TuneOptions,
                      dataProvenance: String, resume: URL? = nil, saveTo: URL? = nil, shouldCancel: () -> Bool = { false },
                      progress: (TuneProgress) -> Void = { _ in }) throws -> (model: LabModel, completed: Bool) {
        guard options.epochs > 0, options.batchSize > 0, options.learningRate > 0 else {
            throw LabError("epochs, batch and lr must be positive")
        }
        var options = options
        options.systemPrompt = options.systemPrompt ?? (config.maxPositionEmbeddings >= 512)
        let train = try trainingSequences(examples, systemPrompt: options.systemPrompt!)
        let val = try trainingSequences(validation, systemPrompt: options.systemPrompt!)
        guard !train.isEmpty else { throw LabError("the training set is empty") }
        let run = TuneRunState(options: options, base: self.name, data: train)
        var resumed: (state: TuneRunState, saved: LabModel)?
        if let resume {
            let state = try TuneRunState.read(from: resume)
            try state.checkSameRun(as: run, folder: resume.path)
            resumed = (state, try LabModel.load(from: resume))
        }
        // Full fine-tuning resumes from the saved weights; LoRA from the base plus the saved adapters.
        let model = try (options.lora == nil ? resumed?.saved : nil)?.renamed(name) ?? copy(name: name)
        if let lora = options.lora {
            try model.transformer.enableLoRA(rank: lora.rank, alpha: Float(lora.alpha), seed: options.seed)
        }
        if let resumed { model.history = resumed.saved.history }
        model.usesSystemPrompt = options.systemPrompt!
        // Pad only as far as the longest sequence needs (to a multiple of 8), not to the full context.
        let longest = (train + val).map { $0.tokens.count - 1 }.max() ?? 1
        let stepsPerEpoch = (train.count + options.batchSize - 1) / options.batchSize
        var config = TrainingConfig()
        config.learningRate = Float(options.learningRate)
        config.totalSteps = stepsPerEpoch * options.epochs
        config.warmupSteps = max(1, Int((Double(config.totalSteps) * options.warmupFraction).rounded()))
        config.minLearningRateRatio = 0
        config.weightDecay = 0
        config.batchSize = options.batchSize
        config.sequenceLength = min(config.totalSteps > 0 ? (longest + 7) / 8 * 8 : 8, model.config.maxPositionEmbeddings)
        config.seed = options.seed
        let trainer = try Trainer(model: model.transformer, data: train, config: config)
        if let resume { try trainer.loadState(from: resume.appendingPathComponent(TuneRunState.optimizerFile)) }
        var valLoss: Double?
        let started = Date()
        _ = try trainer.train(shouldCancel: shouldCancel) { r in
            model.history.append(TrainingPoint(run: name, step: r.step, split: "train", loss: r.loss))
            if !val.isEmpty, r.step % stepsPerEpoch == 0 || r.step == config.totalSteps {
                if let v = try? trainer.evaluate(val) {
                    valLoss = v
                    model.history.append(TrainingPoint(run: name, step: r.step, split: "val", loss: v))
                }
            }
            let elapsed = Date().timeIntervalSince(started)
            progress(TuneProgress(step: r.step, totalSteps: config.totalSteps, epoch: (r.step - 1) / stepsPerEpoch + 1,
                                  loss: r.loss, validationLoss: valLoss, tokensPerSecond: r.tokensPerSecond,
                                  secondsLeft: elapsed / Double(r.step) * Double(config.totalSteps - r.step)))
        }
        let completed = trainer.step == config.totalSteps
        // Taken before the merge: the optimizer state of a LoRA run holds its adapters.
        let stopped: [String: Data] = saveTo == nil || completed ? [:]
            : [TuneRunState.optimizerFile: try trainer.stateData(), TuneRunState.stateFile: try JSONEncoder.sorted.encode(run)]
        model.transformer.mergeLoRA()
        model.provenance = [("base", self.name), ("data", dataProvenance),
                            ("hyper-parameters", options.hyperParameterSummary),
                            ("seed", String(options.seed)),
                            ("steps", "\(trainer.step) of \(config.totalSteps)" + (completed ? "" : " (stopped early)"))]
        if let saveTo { try model.save(to: saveTo, extraFiles: stopped) }
        return (model, completed)
    }

    func renamed(_ newName: String) -> LabModel {
        name = newName
        return self
    }
}

/// What a stopped tuning run leaves next to its partial model so that `resume:` can continue it:
/// the run's identity (base, hyper-parameters, a fingerprint of the tokenised data) and the optimizer state.
struct TuneRunState: Codable, Equatable {
    static let stateFile = "tune-state.json", optimizerFile = "tune-optimizer.safetensors"

    var base: String
    var hyperParameters: String
    var dataFingerprint: String

    init(options: TuneOptions, base: String, data: [TrainingSequence]) {
        self.base = base
        hyperParameters = options.hyperParameterSummary + ", seed \(options.seed)"
        var h = FNV1a64()
        for seq in data {
            for t in seq.tokens { h.combine(UInt64(truncatingIfNeeded: t)) }
            h.combine(0xFFFF_FFFF)  // sequence boundary
        }
        dataFingerprint = "\(data.count) sequences, fnv1a64:\(String(h.value, radix: 16))"
    }

    static func read(from dir: URL) throws -> TuneRunState {
        let url = dir.appendingPathComponent(stateFile)
        guard let data = try? Data(contentsOf: url) else {
            throw LabError("\(url.path): no stopped tuning run to resume here (a run stopped with Ctrl-C and save: leaves this file)")
        }
        do { return try JSONDecoder().decode(TuneRunState.self, from: data) } catch {
            throw LabError("\(url.path): not a tuning state (\(error.localizedDescription))")
        }
    }

    func checkSameRun(as other: TuneRunState, folder: String) throws {
        for (what, saved, now) in [("base", base, other.base), ("hyper-parameters", hyperParameters, other.hyperParameters),
                                   ("data", dataFingerprint, other.dataFingerprint)] where saved != now {
            throw LabError("resume: \(folder) was tuned with \(what) \(saved), but this call has \(now); expected the same tune call as the stopped run")
        }
    }

}
