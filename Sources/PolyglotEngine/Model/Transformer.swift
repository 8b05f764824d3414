// Dims legend: B batch, T time, C channels, V vocab, L layers, H heads, Hkv kv-heads, D head dim,
// F ffn hidden, E experts, K top-k, N = B·T rows.
// Pre-norm Llama/Mixtral decoder; dense and MoE share everything except the MLP block.
import Foundation

/// A decoder-only transformer with its parameters, gradients and training activations.
public final class Transformer {
    /// The model's hyper-parameters.
    public let config: ModelConfig
    let layout: ParamLayout
    let params: FloatBuffer  // all weights, `layout` order
    let rope: RopeTable
    /// The training lanes (`TrainingLane`); lane 0's gradients are the model's, the rest are added to them.
    private(set) var lanes = [TrainingLane()]
    /// The model's parameter gradients (lane 0's): nil before the first backward pass, and under LoRA.
    var grads: FloatBuffer? { lanes[0].grads }
    /// Lane 0's activations, of its last training pass.
    var acts: Activations? { lanes[0].acts }
    /// Optional LoRA adapters; when set only they receive gradients.
    public internal(set) var lora: LoRAAdapters?

    /// A freshly initialised model: N(0, 0.02) matrices (each tensor its own seeded stream), unit norm gains.
    public init(config: ModelConfig, seed: UInt64) throws {
        try config.validate()
        self.config = config
        layout = ParamLayout(config)
        params = FloatBuffer(count: layout.total)
        rope = RopeTable(maxPositions: config.maxPositionEmbeddings, headDim: config.headDim, theta: config.ropeTheta)
        for spec in layout.specs {
            let p = params[spec.offset]
            if !spec.decays { p.update(repeating: 1, count: spec.count); continue }
            var rng = SeededRNG(seed: seed, stream: "init:" + spec.name)
            for i in 0..<spec.count { p[i] = 0.02 * rng.nextGaussian() }
        }
    }

    /// Names and shapes of all parameters, in storage order.
    public var parameterSpecs: [ParamSpec] { layout.specs }
    /// Total number of parameters.
    public var parameterCount: Int { layout.total }

    /// A copy of one parameter tensor by HF name.
    public func parameter(named name: String) throws -> Tensor {
        guard let s = layout.specs.first(where: { $0.name == name }) else {
            throw EngineError.checkpoint("no parameter named \"\(name)\"")
        }
        return try Tensor(shape: s.shape, data: params.toArray(offset: s.offset, count: s.count))
    }

    /// Overwrites one parameter tensor by HF name (shape must match).
    public func setParameter(named name: String, _ t: Tensor) throws {
        guard let s = layout.specs.first(where: { $0.name == name }) else {
            throw EngineError.checkpoint("no parameter named \"\(name)\"")
        }
        guard s.shape == t.shape else {
            throw EngineError.shapeMismatch("\(name): expected \(s.shape), got \(t.shape)")
        }
        params.copy(from: t.data, offset: s.offset)
    }

    /// True while the trainable gradients are known to be zero (after `zeroGrad` or an optimizer update that
    /// cleared them); a backward pass makes it false.
    var gradientsAreZero = false

    func zeroGrad() {
        if gradientsAreZero { return }
        if let lora { lora.grads.zero() } else { ensureGrads().zero() }
        gradientsAreZero = true
    }

    /// At least `count` lanes; called before lanes run side by side (which must not grow the list).
    func ensureLanes(_ count: Int) {
        while lanes.count < count { lanes.append(TrainingLane()) }
    }

    /// The parameter gradients of `lane` (lane 0: the model's), allocated zeroed on first use.
    @discardableResult
    func ensureGrads(lane: Int = 0) -> FloatBuffer {
        if let grads = lanes[lane].grads { return grads }
        let g = FloatBuffer(count: layout.total)
        lanes[lane].grads = g
        return g
    }

    /// Adds the parameter gradients of lanes 1..<count to lane 0's, in lane order, and zeroes theirs for the next
    /// step (full fine-tuning; LoRA trains on one lane).
    func addLaneGradients(_ count: Int) {
        guard let total = grads else { return }
        for lane in lanes[1..<min(count, lanes.count)] {
            guard let g = lane.grads else { continue }
            Parallel.ranges(layout.total, minChunk: 1 << 15) { r in
                Vec.axpy(1, g.ptr + r.lowerBound, total.ptr + r.lowerBound, r.count)
                (g.ptr + r.lowerBound).update(repeating: 0, count: r.count)
            }
        }
    }

    /// Drops every lane's activations (their shapes depend on the adapters).
    func dropActivations() {
        for lane in lanes { lane.acts = nil }
    }

    func moeWeights(_ base: UnsafeMutablePointer<Float>, _ o: LayerOffsets) -> MoEWeights {
        MoEWeights(router: base + o.router, w1: base + o.w1, w2: base + o.w2, w3: base + o.w3)
    }

    // MARK: Projections (LoRA-aware)

    /// The linear projections of a layer (the ones LoRA can adapt).
    public enum Projection: String, CaseIterable, Sendable { case q, k, v, o, gate, up, down }

    /// Weight offset and (OC, C) of a projection.
    func projection(_ l: Int, _ p: Projection) -> (offset: Int, OC: Int, C: Int) {
        let o = layout.layers[l], C = config.hiddenSize, F = config.intermediateSize
        let qDim = config.numAttentionHeads * config.headDim, kvDim = config.numKeyValueHeads * config.headDim
        switch p {
        case .q: return (o.q, qDim, C)
        case .k: return (o.k, kvDim, C)
        case .v: return (o.v, kvDim, C)
        case .o: return (o.o, C, qDim)
        case .gate: return (o.gate, F, C)
        case .up: return (o.up, F, C)
        case .down: return (o.down, C, F)
        }
    }

    /// out(N,OC) = inp·Wᵀ (+ s·(inp·Aᵀ)·Bᵀ with an adapter); inp·Aᵀ is saved in `acts` for the backward pass
    /// (training activations only).
    func linear(
        _ l: Int, _ p: Projection, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, N: Int,
        acts: Activations, parallel: Bool = true
    ) {
        let (off, OC, C) = projection(l, p)
        linearForward(out: out, inp: inp, weight: params.ptr + off, N: N, C: C, OC: OC, parallel: parallel)
        lora?.forward(layer: l, p, out: out, inp: inp, N: N, saved: acts.loraXA[l][p])
    }

    /// `linear` of two projections of one input (gate and up): side by side on the cores, each whole, when they
    /// are large and have no adapters (whose scratch they would share), as `linearBackward` runs its two products;
    /// else one after the other. Which way depends on the shapes and `Parallel.splits`, never on the workers.
    func linearPair(
        _ l: Int, _ first: (Projection, UnsafeMutablePointer<Float>),
        _ second: (Projection, UnsafeMutablePointer<Float>), inp: UnsafePointer<Float>, N: Int, acts: Activations
    ) {
        let (_, OC, C) = projection(l, first.0)
        guard lora == nil, Parallel.splits > 1, N * C * OC >= 1 << 18 else {
            linear(l, first.0, out: first.1, inp: inp, N: N, acts: acts)
            linear(l, second.0, out: second.1, inp: inp, N: N, acts: acts)
            return
        }
        Parallel.forEach(2) { i in
            let (p, out) = i == 0 ? first : second
            linear(l, p, out: out, inp: inp, N: N, acts: acts, parallel: Parallel.splits > 2)
        }
    }

    /// Inverts `linear`: dinp += dout·W (= with `accumulate: false`), dW += doutᵀ·inp into the parameter
    /// gradients `G` (full fine-tuning; nil under LoRA) or adapter grads (LoRA).
    func linearBack(
        _ l: Int, _ p: Projection, dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
        inp: UnsafePointer<Float>, N: Int, acts: Activations, G: UnsafeMutablePointer<Float>?,
        accumulate: Bool = true
    ) {
        let (off, OC, C) = projection(l, p)
        let dW = G.map { $0 + off }
        linearBackward(
            dinp: dinp, dweight: dW, dout: dout, inp: inp, weight: params.ptr + off, N: N, C: C, OC: OC,
            accumulate: accumulate)
        if let lora, let xa = acts.loraXA[l][p] {
            lora.backward(layer: l, p, dinp: dinp, dout: dout, inp: inp, xa: xa, N: N)
        }
    }
}

/// What a training pass needs of its own, so that parts of a step can run side by side: activations (reallocated
/// when a batch does not fit), their gradients, and a parameter-gradient buffer (full fine-tuning).
final class TrainingLane {
    var acts: Activations?
    var actGrads: ActivationGrads?
    var grads: FloatBuffer?
}
