// Instruction tuning: chat-formatted examples → masked sequences (loss on the assistant's replies
// only) → AdamW with warm-up and cosine decay, full fine-tuning or LoRA. The base is never changed.

import Foundation
import PolyglotEngine

public struct TuneOptions: Sendable {
    public var epochs = 2
    /// Optimizer steps of the run, instead of `epochs` passes: every run then gets the same number of updates
    /// whatever the size of its data (the data cycles through fresh seeded orders); nil = epochs × steps per epoch.
    public var steps: Int?
    public var learningRate = 3e-4
    public var batchSize = 16
    public var seed: UInt64 = 0
    /// LoRA rank and alpha; nil = full fine-tuning.
    public var lora: (rank: Int, alpha: Double)?
    /// Prepend the system prompt of each example's language (as the study's chat template does); nil = only when
    /// the context has room for it (≥ 512 tokens): in the miniature's 128 the prompt alone takes 68–80 tokens.
    public var systemPrompt: Bool?
    public var warmupFraction = 0.05
    /// Pack each step's conversations several to a row (per-document attention, positions restarting): the same
    /// conversations, loss and gradients per step as one per row padded to the longest, in fewer positions.
    public var packing = true
    /// Optimizer steps between the checkpoints of a run that has a save folder; nil = about 30 s of work, counted
    /// in FLOPs (`Trainer.steps(ofWorkSeconds:)`), not on a clock. The end of every epoch is a checkpoint too.
    /// Checkpoints never change the result, so a resumed run may use another interval.
    public var checkpointEvery: Int?
    public init() {}

    /// Optimizer steps of one pass over `examples` conversations.
    public func stepsPerEpoch(examples: Int) -> Int { (examples + batchSize - 1) / batchSize }

    /// Optimizer steps of a run over `examples` conversations: `steps`, or every epoch's batches.
    public func totalSteps(examples: Int) -> Int { steps ?? stepsPerEpoch(examples: examples) * epochs }

    /// "epochs 3" or "steps 400": how long the run is, as the options say it.
    public var lengthSummary: String { steps.map { "steps \($0)" } ?? "epochs \(epochs)" }

    /// Throws unless the run's length, batch and learning rate are positive.
    public func checkPositive() throws {
        guard epochs > 0, steps ?? 1 > 0, batchSize > 0, learningRate > 0 else {
            throw LabError("epochs, steps, batch and lr must be positive")
        }
    }

    /// "epochs 3, lr 0.0002, batch 16, full fine-tuning, no system prompt": the model's provenance line.
    var hyperParameterSummary: String {
        "\(lengthSummary), lr \(learningRate), batch \(batchSize)"
            + (lora.map { ", LoRA rank \($0.rank) alpha \($0.alpha)" } ?? ", full fine-tuning")
            + (systemPrompt ?? true ? ", system prompt" : ", no system prompt") + (packing ? ", packed" : "")
    }
}

/// What the progress callback sees after every step.
public struct TuneProgress: Sendable {
    public var step: Int, totalSteps: Int, epoch: Int
    public var loss: Double, validationLoss: Double?
    public var tokensPerSecond: Double, secondsLeft: Double
    /// Real (non-padding) tokens trained on so far in this call.
    public var tokens: Int
}

extension LabModel {
    /// Encodes conversations for training; the tag of each sequence is its language (routing statistics).
    public func trainingSequences(_ examples: [Example], systemPrompt: Bool) throws -> [TrainingSequence] {
        try examples.map { ex in
            var messages = ex.conversation.messages
            if systemPrompt, messages.first?.role != .system {
                messages.insert(Message(role: .system, content: ex.lang.systemPrompt), at: 0)
            }
            let enc = try template.encodeForTraining(
                LabModel.chatMessages(messages), maxLength: config.maxPositionEmbeddings + 1)
            return try TrainingSequence(
                tokens: enc.ids, lossMask: enc.lossMask.map(Float.init),
                tag: Lang.allCases.firstIndex(of: ex.lang))
        }
    }

    /// A tuned copy named `name`, which is `modelProvenance` in a study grid; stops early (keeping what it learnt)
    /// when `shouldCancel` says so.
    /// With `saveTo`, the run is checkpointed there (at the start, every `checkpointEvery` steps, at the end of every
    /// epoch and when stopped) and the result written there at the end. `resume` (a folder holding a checkpoint)
    /// continues a stopped or killed run to exactly the weights and loss history of an uninterrupted one.
    public func tuned(
        name: String, on examples: [Example], validation: [Example] = [], options: TuneOptions,
        dataProvenance: String, modelProvenance: ModelProvenance? = nil, resume: URL? = nil, saveTo: URL? = nil,
        shouldCancel: () -> Bool = { false }, progress: (TuneProgress) -> Void = { _ in }
    ) throws -> (model: LabModel, completed: Bool) {
        try options.checkPositive()
        guard options.checkpointEvery ?? 1 > 0 else { throw LabError("checkpoint_every must be positive") }
        var options = options
        options.systemPrompt = options.systemPrompt ?? (config.maxPositionEmbeddings >= 512)
        let train = try trainingSequences(examples, systemPrompt: options.systemPrompt!)
        let val = try trainingSequences(validation, systemPrompt: options.systemPrompt!)
        guard !train.isEmpty else { throw LabError("the training set is empty") }
        let run = TuneRunState(options: options, base: self.name, data: train)
        var resumed: LabModel?
        if let resume {
            let state = try TuneRunState.read(from: resume)
            try state.checkSameRun(as: run, folder: resume.path)
            let saved = try LabModel.load(from: resume).renamed(name)
            saved.modelProvenance = modelProvenance
            if state.finished {  // killed after its final save: nothing is left to do
                if let saveTo, saveTo.standardizedFileURL != resume.standardizedFileURL {
                    try saved.save(
                        to: saveTo,
                        extraFiles: [TuneRunState.stateFile: try JSONEncoder.sorted.encode(state)])
                }
                return (saved, true)
            }
            resumed = saved
        }
        // Full fine-tuning resumes from the saved weights; LoRA from the base plus the saved adapters.
        let model = try (options.lora == nil ? resumed : nil) ?? copy(name: name)
        if let lora = options.lora {
            try model.transformer.enableLoRA(rank: lora.rank, alpha: Float(lora.alpha), seed: options.seed)
        }
        if let resumed { model.history = resumed.history }
        model.usesSystemPrompt = options.systemPrompt!
        model.modelProvenance = modelProvenance
        // Pad only as far as the longest sequence needs (to a multiple of 8), not to the full context.
        let longest = (train + val).map { $0.tokens.count - 1 }.max() ?? 1
        let stepsPerEpoch = options.stepsPerEpoch(examples: train.count)
        var config = TrainingConfig()
        config.learningRate = Float(options.learningRate)
        config.totalSteps = options.totalSteps(examples: train.count)
        config.warmupSteps = max(1, Int((Double(config.totalSteps) * options.warmupFraction).rounded()))
        config.minLearningRateRatio = 0
        config.weightDecay = 0
        config.batchSize = options.batchSize
        config.sequenceLength = min(
            config.totalSteps > 0 ? (longest + 7) / 8 * 8 : 8, model.config.maxPositionEmbeddings)
        config.seed = options.seed
        config.packing = options.packing
        let trainer = try Trainer(model: model.transformer, data: train, config: config)
        let padding = Self.paddingSummary(trainer, packing: options.packing)
        if let resume { try trainer.loadState(from: resume.appendingPathComponent(TuneRunState.optimizerFile)) }
        let checkpointEvery = options.checkpointEvery ?? trainer.steps(ofWorkSeconds: 30)

        func provenance(_ note: String) -> [(key: String, value: String)] {
            [
                ("base", self.name), ("data", dataProvenance), ("hyper-parameters", options.hyperParameterSummary),
                ("seed", String(options.seed)), ("steps", "\(trainer.step) of \(config.totalSteps)" + note),
                ("padding", padding)
            ]
        }
        func state() throws -> Data {
            var state = run
            state.step = trainer.step; state.totalSteps = config.totalSteps
            return try JSONEncoder.sorted.encode(state)
        }
        /// The run so far, written whole to `saveTo` (LoRA: merged into a copy, the adapters train on).
        func checkpoint(_ note: String) throws {
            guard let saveTo else { return }
            let weights = model.transformer.lora == nil ? model.transformer : try model.transformer.mergedCopy()
            let snapshot = try LabModel(
                name: name, transformer: weights, tokenizer: tokenizer,
                provenance: provenance(note), history: model.history)
            snapshot.usesSystemPrompt = model.usesSystemPrompt
            snapshot.modelProvenance = modelProvenance
            try snapshot.save(
                to: saveTo,
                extraFiles: [
                    TuneRunState.optimizerFile: try trainer.stateData(),
                    TuneRunState.stateFile: try state()
                ])
        }

        if saveTo != nil, saveTo?.standardizedFileURL != resume?.standardizedFileURL { try checkpoint(" (checkpoint)") }
        var valLoss: Double?
        let started = Date(), startStep = trainer.step
        var tokens = 0
        _ = try trainer.train(shouldCancel: shouldCancel) { r in
            tokens += r.validTokens
            model.history.append(TrainingPoint(run: name, step: r.step, split: "train", loss: r.loss))
            if !val.isEmpty, r.step % stepsPerEpoch == 0 || r.step == config.totalSteps {
                if let v = try? trainer.evaluate(val) {
                    valLoss = v
                    model.history.append(TrainingPoint(run: name, step: r.step, split: "val", loss: v))
                }
            }
            if r.step < config.totalSteps, r.step % checkpointEvery == 0 || r.step % stepsPerEpoch == 0 {
                try checkpoint(" (checkpoint)")
            }
            let elapsed = Date().timeIntervalSince(started)
            progress(
                TuneProgress(
                    step: r.step, totalSteps: config.totalSteps, epoch: (r.step - 1) / stepsPerEpoch + 1,
                    loss: r.loss, validationLoss: valLoss, tokensPerSecond: r.tokensPerSecond,
                    secondsLeft: elapsed / Double(r.step - startStep)
                        * Double(config.totalSteps - r.step), tokens: tokens))
        }
        let completed = trainer.step == config.totalSteps
        if !completed { try checkpoint(" (stopped early)") }
        model.transformer.mergeLoRA()
        model.provenance = provenance(completed ? "" : " (stopped early)")
        if let saveTo, completed { try model.save(to: saveTo, extraFiles: [TuneRunState.stateFile: try state()]) }
        return (model, completed)
    }

    /// The share of the run's positions that are padding, with its batches as laid out and the other way:
    /// "3.1 % of positions (packed; 41.7 % one per row)".
    static func paddingSummary(_ trainer: Trainer, packing: Bool) -> String {
        func share(_ packing: Bool) -> String {
            let t = trainer.layoutTotals(packing: packing)
            return String(format: "%.1f %%", 100 * Double(t.positions - t.tokens) / Double(max(1, t.positions)))
        }
        return "\(share(packing)) of positions (\(packing ? "packed" : "one per row"); "
            + "\(share(!packing)) \(packing ? "one per row" : "packed"))"
    }

    func renamed(_ newName: String) -> LabModel {
        name = newName
        return self
    }
}

/// What a tuning run keeps in its save folder next to the model: the run's identity (base, hyper-parameters, a
/// fingerprint of the tokenised data) and how far it got. A checkpoint also has the optimizer state (AdamW moments,
/// step, LoRA adapters, data order and schedule position: `Trainer.stateData`); a finished run has none.
struct TuneRunState: Codable, Equatable {
    static let stateFile = "tune-state.json", optimizerFile = "tune-optimizer.safetensors"

    var base: String
    var hyperParameters: String
    var dataFingerprint: String
    /// Optimizer steps done and planned (absent in runs stopped before checkpoints existed: never finished).
    var step: Int?
    var totalSteps: Int?

    var finished: Bool { step != nil && step == totalSteps }

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
            throw LabError(
                "\(url.path): no tuning run to resume here (tune … save: keeps its checkpoints in this file)")
        }
        do { return try JSONDecoder().decode(TuneRunState.self, from: data) } catch {
            throw LabError("\(url.path): not a tuning state (\(error.localizedDescription))")
        }
    }

    func checkSameRun(as other: TuneRunState, folder: String) throws {
        for (what, saved, now) in [
            ("base", base, other.base), ("hyper-parameters", hyperParameters, other.hyperParameters),
            ("data", dataFingerprint, other.dataFingerprint)
        ] where saved != now {
            throw LabError(
                "resume: \(folder) was tuned with \(what) \(saved), but this call has \(now); expected the same tune call as the stopped run"
            )
        }
    }

}
