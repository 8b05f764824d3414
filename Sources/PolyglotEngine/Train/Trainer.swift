// Training loop: seeded data order, padded or packed batches, gradient accumulation, global-norm clipping, AdamW,
// warm-up + cosine schedule, cancellation between steps, and resumable optimizer state.
import Foundation

/// Hyper-parameters of a training run.
public struct TrainingConfig: Codable, Sendable, Equatable {
    public var learningRate: Float = 3e-4
    public var warmupSteps: Int = 0
    public var totalSteps: Int = 100
    public var minLearningRateRatio: Float = 0.1
    public var weightDecay: Float = 0.0
    public var beta1: Float = 0.9
    public var beta2: Float = 0.95
    public var epsilon: Float = 1e-8
    /// Global-norm clipping threshold (≤ 0 disables clipping).
    public var gradClip: Float = 1.0
    /// Sequences per micro-batch.
    public var batchSize: Int = 8
    /// Most positions per sequence; longer sequences are truncated. A batch is padded only to its own longest
    /// sequence (rounded up to a multiple of 8), so short chat examples do not pay for the longest one.
    public var sequenceLength: Int = 128
    /// Pack each micro-batch's sequences several to a row (`RowLayout.packed`): the same sequences, loss and
    /// gradients per step as padded rows, in fewer positions; each sequence's `documentStarts` are honoured.
    public var packing: Bool = false
    /// Micro-batches per optimizer step.
    public var accumulationSteps: Int = 1
    /// Parts each micro-batch is split into (by sequence, in order), each run on a lane of its own activations and
    /// gradients, side by side when there are cores for them; the lanes' gradients are added after the step. The
    /// parts, never the cores, fix the arithmetic: a run gives the same bits on one core or many. 1 by default: the
    /// built-in bases and every recording were trained so, and a grid runs two tunings at once with a core each,
    /// where halved products cost more than whole ones save; 2 pre-trains a base on 2 cores in 0.90 of the time
    /// (docs/perf.md). LoRA: one lane.
    public var lanes: Int = 1
    /// Seed of the data order.
    public var seed: UInt64 = 0

    public init() {}

    var schedule: LearningRateSchedule {
        LearningRateSchedule(
            peak: learningRate, warmupSteps: warmupSteps, totalSteps: totalSteps, minRatio: minLearningRateRatio)
    }
}

/// What one optimizer step did.
public struct StepReport: Sendable, Equatable {
    public var step: Int
    /// Mean cross-entropy over masked-in target tokens.
    public var loss: Double
    /// MoE load-balancing loss (mean over layers; 0 for dense), added to the objective × router_aux_loss_coef.
    public var auxLoss: Double
    /// Global gradient norm before clipping.
    public var gradNorm: Double
    public var learningRate: Float
    /// Non-padding tokens processed per second (forward + backward + update).
    public var tokensPerSecond: Double
    public var maskedTokens: Int
    /// Positions the step's batches computed (rows × row length), and how many of them were real tokens.
    public var positions: Int, validTokens: Int
}

/// Trains a model (full fine-tuning, or LoRA when the model has adapters) on a fixed set of sequences.
public final class Trainer {
    public let model: Transformer
    public let config: TrainingConfig
    let data: [TrainingSequence]
    let optimizer: AdamW
    /// Optimizer steps completed.
    public var step: Int { optimizer.step }

    /// Throws on an empty data set, bad hyper-parameters or sequences out of the vocabulary.
    public init(model: Transformer, data: [TrainingSequence], config: TrainingConfig) throws {
        guard !data.isEmpty else { throw EngineError.invalidInput("training needs at least one sequence") }
        guard config.batchSize > 0, config.accumulationSteps > 0, config.sequenceLength > 0, config.totalSteps > 0
        else {
            throw EngineError.invalidInput("batchSize, accumulationSteps, sequenceLength and totalSteps must be > 0")
        }
        guard config.sequenceLength <= model.config.maxPositionEmbeddings else {
            throw EngineError.invalidInput(
                "sequenceLength \(config.sequenceLength) exceeds max_position_embeddings \(model.config.maxPositionEmbeddings)"
            )
        }
        self.model = model; self.config = config; self.data = data
        if let lora = model.lora {
            optimizer = AdamW(
                count: lora.params.count, ranges: [0..<lora.params.count], decayMask: [true],
                beta1: config.beta1, beta2: config.beta2, eps: config.epsilon, weightDecay: config.weightDecay)
        } else {
            let specs = model.layout.specs.filter { !($0.name == "lm_head.weight" && model.config.tieWordEmbeddings) }
            optimizer = AdamW(
                count: model.layout.total, ranges: specs.map { $0.offset..<($0.offset + $0.count) },
                decayMask: specs.map(\.decays), beta1: config.beta1, beta2: config.beta2,
                eps: config.epsilon, weightDecay: config.weightDecay)
        }
    }

    /// Sequences of micro-batch `micro` of optimizer step `step`: a fresh seeded permutation per epoch.
    func microBatch(step: Int, micro: Int) -> [TrainingSequence] {
        let B = config.batchSize, first = (step * config.accumulationSteps + micro) * B
        var epochPerm: (epoch: Int, perm: [Int]) = (-1, [])
        return (first..<(first + B)).map { i in
            let epoch = i / data.count
            if epoch != epochPerm.epoch { epochPerm = (epoch, epochPermutation(epoch)) }
            return data[epochPerm.perm[i % data.count]]
        }
    }

    /// The order of the data in 0-based `epoch`: a function of the seed and the epoch only, so a resumed run
    /// needs no RNG state beyond the step.
    func epochPermutation(_ epoch: Int) -> [Int] {
        var rng = SeededRNG(seed: config.seed, stream: "data-epoch-\(epoch)")
        return Array(data.indices).shuffled(using: &rng)
    }

    /// Lanes of this run: `config.lanes`, at most one per sequence of a micro-batch; one under LoRA.
    var laneCount: Int { model.lora == nil ? max(1, min(config.lanes, config.batchSize)) : 1 }

    /// The sequences of each lane for micro-batch `micro` of step `step`: contiguous parts of the micro-batch.
    func laneParts(step: Int, micro: Int) -> [[TrainingSequence]] {
        let sequences = microBatch(step: step, micro: micro), n = sequences.count, k = laneCount
        return (0..<k).map { i in Array(sequences[(n * i / k)..<(n * (i + 1) / k)]) }
    }

    /// One optimizer step over `accumulationSteps` micro-batches, each in `laneCount` parts.
    @discardableResult
    public func trainStep() throws -> StepReport {
        let start = DispatchTime.now().uptimeNanoseconds
        let s = optimizer.step, lanes = laneCount, passes = config.accumulationSteps * lanes
        let batches = try (0..<config.accumulationSteps).map { micro in  // [micro][lane]
            try laneParts(step: s, micro: micro).map(batch)
        }
        // Normalise by the masked tokens of the whole step so the parts add up to one big batch.
        let masked = batches.joined().reduce(Float(0)) { $0 + $1.maskedTokens }
        let auxWeight = model.config.isMoE ? Float(model.config.routerAuxLossCoef) / Float(passes) : 0
        model.zeroGrad()
        model.ensureLanes(lanes)
        let results = try Parallel.sideBySide(lanes) { lane in
            try batches.map {
                try model.forwardBackward(
                    $0[lane], normalizer: masked, auxWeight: auxWeight, backward: true, lane: lane)
            }
        }
        var loss = 0.0, aux = 0.0, tokens = 0, positions = 0
        for micro in batches.indices {
            for lane in 0..<lanes {
                let r = results[lane][micro], batch = batches[micro][lane]
                loss += r.loss - Double(auxWeight) * r.aux
                aux += r.aux / Double(passes)
                tokens += batch.validTokens
                positions += batch.B * batch.T
            }
        }
        model.addLaneGradients(lanes)
        let (params, grads) = trainable
        let norm = globalNorm(grads, count: optimizer.m.count)
        let clip: Float = config.gradClip > 0 && norm > Double(config.gradClip) ? config.gradClip / Float(norm) : 1
        let lr = config.schedule.rate(at: s)
        optimizer.update(params: params, grads: grads, lr: lr, gradScale: clip)
        model.gradientsAreZero = true
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return StepReport(
            step: optimizer.step, loss: loss, auxLoss: aux, gradNorm: norm, learningRate: lr,
            tokensPerSecond: Double(tokens) / max(seconds, 1e-9), maskedTokens: Int(masked),
            positions: positions, validTokens: tokens)
    }

    /// A micro-batch in the run's row layout.
    func batch(_ sequences: [TrainingSequence]) throws -> Batch {
        try Batch(sequences, layout: layout(of: sequences, packing: config.packing), vocabSize: model.config.vocabSize)
    }

    /// Packed rows, or one sequence per row padded to the longest, each at most `sequenceLength`.
    func layout(of sequences: [TrainingSequence], packing: Bool) -> RowLayout {
        let lengths = sequences.map { $0.positions(limit: config.sequenceLength) }
        return packing
            ? .packed(lengths: lengths, maxLength: config.sequenceLength)
            : .padded(lengths: lengths, maxLength: config.sequenceLength)
    }

    /// Positions computed and real tokens among them over every micro-batch of the whole run, laid out packed or
    /// padded: what a run pads, known without running it (the layout is a function of the data order only).
    public func layoutTotals(packing: Bool) -> (positions: Int, tokens: Int) {
        var positions = 0, tokens = 0
        for step in 0..<config.totalSteps {
            for micro in 0..<config.accumulationSteps {
                for sequences in laneParts(step: step, micro: micro) {
                    positions += layout(of: sequences, packing: packing).positions
                    tokens += sequences.reduce(0) { $0 + $1.positions(limit: config.sequenceLength) }
                }
            }
        }
        return (positions, tokens)
    }

    /// Runs until `totalSteps`, polling `shouldCancel` between steps; returns the reports of the steps run.
    /// `onStep` runs between steps, where the model and optimizer state are whole (a checkpoint can be taken).
    public func train(
        shouldCancel: () -> Bool = { false },
        onStep: (StepReport) throws -> Void = { _ in }
    ) throws -> [StepReport] {
        var reports: [StepReport] = []
        while optimizer.step < config.totalSteps && !shouldCancel() {
            let r = try trainStep()
            reports.append(r)
            try onStep(r)
        }
        return reports
    }

    /// Training FLOPs per second assumed by `steps(ofWorkSeconds:)`: what the engine sustained pre-training
    /// builtin:dense (6 × 1.07 M parameters × 4.1 M tokens in 4 min 35 s ≈ 96 GFLOP/s, docs/perf.md). A fixed
    /// figure rather than a clock, so where checkpoints fall never depends on the machine's load.
    public static let nominalFlopsPerSecond = 96e9

    /// Optimizer steps that make about `seconds` of work at `nominalFlopsPerSecond` (at least 1): forward and
    /// backward cost 6 FLOPs per parameter and token (LoRA: 4, no weight gradients), over full-length batches.
    public func steps(ofWorkSeconds seconds: Double) -> Int {
        let active = model.config.activeParameters(of: model.parameterCount)
        let tokensPerStep = config.batchSize * config.accumulationSteps * config.sequenceLength
        let flopsPerStep = Double((model.lora == nil ? 6 : 4) * active * tokensPerStep)
        return max(1, Int((seconds * Self.nominalFlopsPerSecond / flopsPerStep).rounded()))
    }

    /// Mean masked cross-entropy of `sequences` (no gradients).
    public func evaluate(_ sequences: [TrainingSequence]) throws -> Double {
        try Self.evaluate(
            model: model, sequences, batchSize: config.batchSize, T: config.sequenceLength, packing: config.packing)
    }

    /// Mean masked cross-entropy of `sequences` under `model` (batches of `batchSize`, packed into rows of at most
    /// T or padded to T).
    public static func evaluate(
        model: Transformer, _ sequences: [TrainingSequence], batchSize: Int, T: Int, packing: Bool = false
    ) throws -> Double {
        try evaluate(model: model, sequences, batchSize: batchSize, T: T, packing: packing, routing: nil)
    }

    /// `evaluate`, also counting the routing of every valid row into `routing` when given (`Transformer.routing`).
    static func evaluate(
        model: Transformer, _ sequences: [TrainingSequence], batchSize: Int, T: Int, packing: Bool,
        routing: RoutingRecorder?
    ) throws -> Double {
        guard batchSize > 0 else { throw EngineError.invalidInput("batchSize must be > 0, got \(batchSize)") }
        var total = 0.0, count: Float = 0
        var i = 0
        while i < sequences.count {
            let part = Array(sequences[i..<min(i + batchSize, sequences.count)]), V = model.config.vocabSize
            let lengths = part.map { $0.positions(limit: T) }
            let batch =
                try packing
                ? Batch(part, layout: .packed(lengths: lengths, maxLength: T), vocabSize: V)
                : Batch(sequences: part, T: T, vocabSize: V)
            total += try model.forwardBackward(
                batch, normalizer: 1, auxWeight: 0, backward: false, routing: routing
            ).loss
            count += batch.maskedTokens
            i += batchSize
        }
        return count > 0 ? total / Double(count) : 0
    }

    private var trainable: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
        if let lora = model.lora { return (lora.params.ptr, lora.grads.ptr) }
        return (model.params.ptr, model.ensureGrads().ptr)
    }

    private func globalNorm(_ g: UnsafePointer<Float>, count: Int) -> Double {
        var s = 0.0, i = 0
        while i < count { let n = min(4096, count - i); s += Double(Vec.dot(g + i, g + i, n)); i += n }
        return s.squareRoot()
    }

    // MARK: Resumable state

    /// Saves optimizer moments and step (plus LoRA adapters), with the data-order and schedule position as metadata,
    /// to `url` (a safetensors file, written atomically).
    public func saveState(to url: URL) throws {
        try atomicWrite(try stateData(), to: url)
    }

    /// What `saveState` writes, as bytes (to ship inside a checkpoint folder written in one piece).
    public func stateData() throws -> Data {
        var tensors = [
            (name: "adamw.m", tensor: try Tensor(shape: [optimizer.m.count], data: optimizer.m.toArray())),
            (name: "adamw.v", tensor: try Tensor(shape: [optimizer.v.count], data: optimizer.v.toArray()))
        ]
        if let lora = model.lora {
            tensors.append(
                (name: "lora.params", tensor: try Tensor(shape: [lora.params.count], data: lora.params.toArray())))
        }
        return try SafeTensors.encode(tensors, metadata: position(atStep: optimizer.step))
    }

    /// Restores what `saveState` wrote; the model weights come from the checkpoint saved alongside.
    public func loadState(from url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EngineError.io("\(url.path): cannot read (\(error.localizedDescription))")
        }
        let file = try SafeTensors.File(data: data, source: url.path)
        guard let s = file.metadata["step"], let step = Int(s), step >= 0 else {
            throw EngineError.checkpoint("\(url.path): __metadata__ needs an integer \"step\"")
        }
        for (name, buf) in [("adamw.m", optimizer.m), ("adamw.v", optimizer.v)] {
            let t = try file.tensor(name)
            guard t.count == buf.count else {
                throw EngineError.checkpoint(
                    "\(url.path): tensor \"\(name)\" has \(t.count) values, expected \(buf.count)")
            }
            buf.copy(from: t.data)
        }
        if let lora = model.lora {
            let t = try file.tensor("lora.params")
            guard t.count == lora.params.count else {
                throw EngineError.checkpoint(
                    "\(url.path): tensor \"lora.params\" has \(t.count) values, expected \(lora.params.count)")
            }
            lora.params.copy(from: t.data)
        }
        // The data order and the schedule are recomputed from the step: check they are what the run had.
        for (key, now) in position(atStep: step) where key != "step" {
            if let saved = file.metadata[key], saved != now {
                throw EngineError.checkpoint(
                    "\(url.path): \(key) is \(saved) at step \(step), but this run computes \(now); "
                        + "expected the same data order and schedule (same data, seed and version)")
            }
        }
        optimizer.step = step
    }

    /// Where training stands before 0-based `step`: the data order (epoch, position in its permutation and a
    /// fingerprint of the permutation) and the schedule (the step's learning rate), as safetensors metadata.
    func position(atStep step: Int) -> [String: String] {
        let first = step * config.accumulationSteps * config.batchSize
        var permutation = FNV1a64()
        for i in epochPermutation(first / data.count) { permutation.combine(UInt64(i)) }
        return [
            "step": String(step), "data_epoch": String(first / data.count),
            "data_position": String(first % data.count),
            "data_permutation": "fnv1a64:" + String(permutation.value, radix: 16),
            "learning_rate": String(config.schedule.rate(at: step))
        ]
    }
}
