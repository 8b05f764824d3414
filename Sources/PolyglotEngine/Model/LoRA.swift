// Dims legend: N rows, C input channels, OC output channels, r LoRA rank.
// LoRA: W' = W + s·B·A with A (r,C), B (OC,r), s = alpha/r. Only A and B train; B starts at zero so the
// adapted model starts equal to the base model.
import Foundation

/// Low-rank adapters on a model's projections, with their own flat parameter and gradient buffers.
public final class LoRAAdapters {
    /// Adapter rank r.
    public let rank: Int
    /// Scaling numerator: the update is (alpha / rank)·B·A.
    public let alpha: Float
    /// Projections that carry adapters (MoE experts are not adapted; gate/up/down apply to dense MLPs).
    public let targets: [Transformer.Projection]
    let scale: Float
    private var slots: [Int: (a: Int, b: Int, OC: Int, C: Int)] = [:]  // key layer·8 + projection index
    let params: FloatBuffer
    let grads: FloatBuffer
    private var scratch = FloatBuffer(count: 0)

    init(model: Transformer, rank: Int, alpha: Float, targets: [Transformer.Projection], seed: UInt64) throws {
        guard rank > 0 else { throw EngineError.invalidInput("LoRA rank must be > 0, got \(rank)") }
        guard !targets.isEmpty else { throw EngineError.invalidInput("LoRA needs at least one target projection") }
        self.rank = rank; self.alpha = alpha; self.targets = targets; scale = alpha / Float(rank)
        var total = 0
        let mlp: Set<Transformer.Projection> = [.gate, .up, .down]
        for l in 0..<model.config.numHiddenLayers {
            for p in targets where !(model.config.isMoE && mlp.contains(p)) {
                let (_, OC, C) = model.projection(l, p)
                slots[Self.key(l, p)] = (total, total + rank * C, OC, C)
                total += rank * C + OC * rank
            }
        }
        params = FloatBuffer(count: total); grads = FloatBuffer(count: total)
        for l in 0..<model.config.numHiddenLayers {
            for p in targets {
                guard let s = slots[Self.key(l, p)] else { continue }
                var rng = SeededRNG(seed: seed, stream: "lora:\(l).\(p.rawValue)")
                let bound = 1 / Float(s.C).squareRoot()  // PEFT: Kaiming-uniform A, zero B
                for i in 0..<(rank * s.C) { params.ptr[s.a + i] = bound * (2 * rng.nextFloat() - 1) }
            }
        }
    }

    private static func key(_ l: Int, _ p: Transformer.Projection) -> Int {
        l * 8 + Transformer.Projection.allCases.firstIndex(of: p)!
    }

    /// Number of trainable adapter parameters.
    public var parameterCount: Int { params.count }

    func has(_ l: Int, _ p: Transformer.Projection) -> Bool { slots[Self.key(l, p)] != nil }

    private func scratch(_ n: Int) -> UnsafeMutablePointer<Float> {
        if scratch.count < n { scratch = FloatBuffer(count: n) }
        return scratch.ptr
    }

    /// out(N,OC) += xs·Bᵀ with xs(N,r) = s·inp·Aᵀ (kept in `saved` for the backward pass when given).
    func forward(
        layer l: Int, _ p: Transformer.Projection, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
        N: Int, saved: FloatBuffer?
    ) {
        guard let s = slots[Self.key(l, p)] else { return }
        let xs = saved?.ptr ?? scratch(N * rank)
        linearForward(out: xs, inp: inp, weight: params.ptr + s.a, N: N, C: s.C, OC: rank)
        for i in 0..<(N * rank) { xs[i] *= scale }
        sgemm(
            transA: false, transB: true, M: N, N: s.OC, K: rank, A: xs, lda: rank, B: params.ptr + s.b, ldb: rank,
            C: out, ldc: s.OC, beta: 1)
    }

    /// Inverts `forward`: dB += doutᵀ·xs, dxs = dout·B, dA += s·dxsᵀ·inp, dinp += s·dxs·A.
    func backward(
        layer l: Int, _ p: Transformer.Projection, dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
        inp: UnsafePointer<Float>, xa xs: FloatBuffer, N: Int
    ) {
        guard let s = slots[Self.key(l, p)] else { return }
        let dxs = scratch(N * rank)
        dxs.update(repeating: 0, count: N * rank)
        linearBackward(
            dinp: dxs, dweight: grads.ptr + s.b, dout: dout, inp: xs.ptr, weight: params.ptr + s.b,
            N: N, C: rank, OC: s.OC)
        for i in 0..<(N * rank) { dxs[i] *= scale }
        linearBackward(
            dinp: dinp, dweight: grads.ptr + s.a, dout: dxs, inp: inp, weight: params.ptr + s.a,
            N: N, C: s.C, OC: rank)
    }

    /// W += s·B·A for every adapted projection of `model`.
    func merge(into model: Transformer) {
        for l in 0..<model.config.numHiddenLayers {
            for p in targets {
                guard let s = slots[Self.key(l, p)] else { continue }
                let (off, _, _) = model.projection(l, p)
                let delta = scratch(s.OC * s.C)
                sgemm(
                    transA: false, transB: false, M: s.OC, N: s.C, K: rank, A: params.ptr + s.b, lda: rank,
                    B: params.ptr + s.a, ldb: s.C, C: delta, ldc: s.C, beta: 0)
                Vec.axpy(scale, delta, model.params.ptr + off, s.OC * s.C)
            }
        }
    }
}

extension Transformer {
    /// Attaches fresh LoRA adapters (rank r, scale alpha/r) to the given projections; base weights freeze.
    public func enableLoRA(rank: Int, alpha: Float, targets: [Projection] = Projection.allCases, seed: UInt64) throws {
        lora = try LoRAAdapters(model: self, rank: rank, alpha: alpha, targets: targets, seed: seed)
        dropActivations()
        gradientsAreZero = false  // the trainable gradients are now the adapters'
    }

    /// Folds the adapters into the base weights (W += s·B·A) and removes them.
    public func mergeLoRA() {
        guard let lora else { return }
        lora.merge(into: self)
        self.lora = nil
        dropActivations()
        gradientsAreZero = false
    }

    /// A copy with the adapters folded in, leaving this model and its adapters as they are: a checkpoint taken in
    /// the middle of a LoRA run holds the weights `mergeLoRA()` would give, and training goes on unchanged.
    public func mergedCopy() throws -> Transformer {
        let copy = try Transformer(config: config, seed: 0)
        copy.params.ptr.update(from: params.ptr, count: params.count)
        lora?.merge(into: copy)
        return copy
    }
}
