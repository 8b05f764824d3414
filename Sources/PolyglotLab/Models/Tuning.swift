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
    /// Prepend the system prompt of each example's language (as the study's chat template does).
    public var systemPrompt = true
    public var warmupFraction = 0.05
    public init() {}
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
    public func tuned(name: String, on examples: [Example], validation: [Example] = [], options: TuneOptions,
                      dataProvenance: String, shouldCancel: () -> Bool = { false },
                      progress: (TuneProgress) -> Void = { _ in }) throws -> (model: LabModel, completed: Bool) {
        guard options.epochs > 0, options.batchSize > 0, options.learningRate > 0 else {
            throw LabError("epochs, batch and lr must be positive")
        }
        let train = try trainingSequences(examples, systemPrompt: options.systemPrompt)
        let val = try trainingSequences(validation, systemPrompt: options.systemPrompt)
        guard !train.isEmpty else { throw LabError("the training set is empty") }
        let model = try copy(name: name)
        if let lora = options.lora {
            try model.transformer.enableLoRA(rank: lora.rank, alpha: Float(lora.alpha), seed: options.seed)
        }
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
        model.transformer.mergeLoRA()
        let completed = trainer.step == config.totalSteps
        model.provenance = [("base", self.name), ("data", dataProvenance),
                            ("hyper-parameters", "epochs \(options.epochs), lr \(options.learningRate), batch \(options.batchSize)"
                                + (options.lora.map { ", LoRA rank \($0.rank) alpha \($0.alpha)" } ?? ", full fine-tuning")
                                + (options.systemPrompt ? ", system prompt" : "")),
                            ("seed", String(options.seed)),
                            ("steps", "\(trainer.step) of \(config.totalSteps)" + (completed ? "" : " (stopped early)"))]
        return (model, completed)
    }
}
