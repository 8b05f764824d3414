// Dims legend: B batch, T time, C channels, V vocab, L layers, H heads, Hkv kv-heads, D head dim,
// F ffn hidden, E experts, K top-k, N = B·T rows.
// Pre-norm Llama/Mixtral decoder; dense and MoE share everything except the MLP block.
import Foundation

/// A decoder-only transformer with its parameters, gradients and training activations.
public final class Transformer {
    /// The model's hyper-parameters.
    public let config: ModelConfig
    let layout: ParamLayout
    let params: FloatBuffer              // all weights, `layout` order
    private(set) var grads: FloatBuffer? // same layout; allocated on first backward
    let rope: RopeTable
    var acts: Activations?
    /// Optional LoRA adapters; when set only they receive gradients.
    public internal(set) var lora: LoRAAdapters?
    /// Tokens routed to each expert, accumulated over forward passes (MoE only).
    public private(set) var routing: RoutingStats

    /// A freshly initialised model: N(0, 0.02) matrices (each tensor its own seeded stream), unit norm gains.
    public init(config: ModelConfig, seed: UInt64) throws {
        try config.validate()
        self.config = config
        layout = ParamLayout(config)
        params = FloatBuffer(count: layout.total)
        rope = RopeTable(maxPositions: config.maxPositionEmbeddings, headDim: config.headDim, theta: config.ropeTheta)
        routing = RoutingStats(layers: config.numHiddenLayers, experts: config.numLocalExperts)
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

    /// Clears the accumulated routing statistics.
    public func resetRoutingStats() { routing = RoutingStats(layers: config.numHiddenLayers, experts: config.numLocalExperts) }

    /// True while the trainable gradients are known to be zero (after `zeroGrad` or an optimizer update that
    /// cleared them); a backward pass makes it false.
    var gradientsAreZero = false

    func zeroGrad() {
        if gradientsAreZero { return }
        if let lora { lora.grads.zero() } else { ensureGrads().zero() }
        gradientsAreZero = true
    }

    @discardableResult
    func ensureGrads() -> FloatBuffer {
        if let grads { return grads }
        let g = FloatBuffer(count: layout.total)
        grads = g
        return g
    }

    // MARK: Training forward + backward

    /// Result of one forward(+backward) pass over a batch.
    struct PassResult { var loss: Double; var aux: Double; var maskedTokens: Float }

    /// Forward over a batch; with `backward` it also accumulates gradients (`+=`) for the whole pass.
    /// The loss is Σ mask·CE / `normalizer` plus `auxWeight`·(mean over layers of the MoE aux loss).
    func forwardBackward(_ batch: Batch, normalizer: Float, auxWeight: Float, backward: Bool,
                         collectRouting: Bool = false) throws -> PassResult {
        let cfg = config, B = batch.B, T = batch.T, N = B * T
        guard T <= cfg.maxPositionEmbeddings else {
            throw EngineError.invalidInput("sequence length \(T) exceeds max_position_embeddings \(cfg.maxPositionEmbeddings)")
        }
        if acts == nil || acts!.B != B || acts!.T != T { acts = Activations(cfg, B: B, T: T, lora: lora) }
        let a = acts!, P = params.ptr
        let C = cfg.hiddenSize, V = cfg.vocabSize, F = cfg.intermediateSize
        let H = cfg.numAttentionHeads, Hkv = cfg.numKeyValueHeads, D = cfg.headDim, eps = Float(cfg.rmsNormEps)
        let L = cfg.numHiddenLayers
        let posOf: (Int) -> Int = { $0 % T }
        let weights = batch.mask.map { $0 / max(normalizer, 1e-12) }
        var auxTotal: Double = 0
        let auxPerLayer = auxWeight / Float(L)

        batch.inputs.withUnsafeBufferPointer { tokBuf in
            batch.valid.withUnsafeBufferPointer { validBuf in
                let tokens = tokBuf.baseAddress!, valid = validBuf.baseAddress!
                embeddingForward(out: a.resid[0].ptr, tokens: tokens, table: P + layout.embed, N: N, C: C)
                for l in 0..<L {
                    let o = layout.layers[l], x = a.resid[l].ptr
                    rmsnormForward(out: a.ln1[l].ptr, rstd: a.rstd1[l].ptr, inp: x, weight: P + o.attnNorm, N: N, C: C, eps: eps)
                    linear(l, .q, out: a.q[l].ptr, inp: a.ln1[l].ptr, N: N)
                    linear(l, .k, out: a.k[l].ptr, inp: a.ln1[l].ptr, N: N)
                    linear(l, .v, out: a.v[l].ptr, inp: a.ln1[l].ptr, N: N)
                    ropeForward(x: a.q[l].ptr, rows: N, heads: H, headDim: D, position: posOf, table: rope)
                    ropeForward(x: a.k[l].ptr, rows: N, heads: Hkv, headDim: D, position: posOf, table: rope)
                    attentionForward(out: a.att[l].ptr, probs: a.probs[l].ptr, q: a.q[l].ptr, k: a.k[l].ptr, v: a.v[l].ptr,
                                     B: B, T: T, H: H, Hkv: Hkv, D: D)
                    linear(l, .o, out: a.tmp.ptr, inp: a.att[l].ptr, N: N)
                    add(a.residMid[l].ptr, x, a.tmp.ptr, N * C)
                    rmsnormForward(out: a.ln2[l].ptr, rstd: a.rstd2[l].ptr, inp: a.residMid[l].ptr, weight: P + o.mlpNorm, N: N, C: C, eps: eps)
                    if let moe = a.moe[l] {
                        auxTotal += Double(moeForward(out: a.tmp.ptr, acts: moe, inp: a.ln2[l].ptr,
                                                      weights: moeWeights(P, o), valid: valid, N: N)) / Double(L)
                        if collectRouting { routing.record(layer: l, acts: moe, valid: valid, tags: batch.tags, T: T, N: N) }
                    } else {
                        linear(l, .gate, out: a.gate[l].ptr, inp: a.ln2[l].ptr, N: N)
                        linear(l, .up, out: a.up[l].ptr, inp: a.ln2[l].ptr, N: N)
                        swigluForward(h: a.h.ptr, gate: a.gate[l].ptr, up: a.up[l].ptr, count: N * F)
                        linear(l, .down, out: a.tmp.ptr, inp: a.h.ptr, N: N)
                    }
                    add(a.resid[l + 1].ptr, a.residMid[l].ptr, a.tmp.ptr, N * C)
                }
                rmsnormForward(out: a.lnf.ptr, rstd: a.rstdf.ptr, inp: a.resid[L].ptr, weight: P + layout.finalNorm, N: N, C: C, eps: eps)
            }
        }

        // LM head + cross-entropy in row chunks; the logits gradient is consumed immediately (bounded memory).
        let G = backward ? (lora == nil ? ensureGrads().ptr : nil) : nil
        var loss: Double = 0
        let chunk = a.chunkRows
        weights.withUnsafeBufferPointer { wBuf in
            batch.targets.withUnsafeBufferPointer { tBuf in
                var r0 = 0
                while r0 < N {
                    let n = min(chunk, N - r0)
                    let lnf = a.lnf.ptr + r0 * C
                    linearForward(out: a.logits.ptr, inp: lnf, weight: P + layout.lmHead, N: n, C: C, OC: V)
                    loss += crossEntropyForwardBackward(dlogits: backward ? a.logits.ptr : nil, logits: a.logits.ptr,
                                                        targets: tBuf.baseAddress! + r0, weights: wBuf.baseAddress! + r0, N: n, V: V)
                    if backward {  // logits = lnf · Wlmᵀ
                        linearBackward(dinp: a.dresid.ptr + r0 * C, dweight: G.map { $0 + layout.lmHead },
                                       dout: a.logits.ptr, inp: lnf, weight: P + layout.lmHead, N: n, C: C, OC: V,
                                       accumulate: false)
                    }
                    r0 += n
                }
            }
        }
        let result = PassResult(loss: loss + Double(auxWeight) * auxTotal, aux: auxTotal, maskedTokens: batch.maskedTokens)
        if !backward { return result }
        gradientsAreZero = false

        // Backward: the forward list reversed. `dresid` carries d(residual stream) downwards.
        let dl = a.dresid.ptr
        a.dln.zero()
        rmsnormBackward(dinp: a.dln.ptr, dweight: G.map { $0 + layout.finalNorm }, dout: dl, inp: a.resid[L].ptr,
                        weight: P + layout.finalNorm, rstd: a.rstdf.ptr, N: N, C: C)
        dl.update(from: a.dln.ptr, count: N * C)
        batch.valid.withUnsafeBufferPointer { validBuf in
            for l in stride(from: L - 1, through: 0, by: -1) {
                let o = layout.layers[l], x = a.resid[l].ptr
                // resid[l+1] = residMid + mlp(ln2(residMid))
                if let moe = a.moe[l] {
                    a.dln.zero()
                    moeBackward(dinp: a.dln.ptr, dweights: G.map { moeWeights($0, o) }, scratch: a.moeScratch!, dout: dl,
                                acts: moe, inp: a.ln2[l].ptr, weights: moeWeights(P, o), valid: validBuf.baseAddress!,
                                auxScale: auxPerLayer, N: N)
                } else {
                    swigluForward(h: a.h.ptr, gate: a.gate[l].ptr, up: a.up[l].ptr, count: N * F)  // recompute
                    linearBack(l, .down, dinp: a.dh.ptr, dout: dl, inp: a.h.ptr, N: N, accumulate: false)
                    swigluBackward(dgate: a.dgate.ptr, dup: a.dup.ptr, dh: a.dh.ptr, gate: a.gate[l].ptr, up: a.up[l].ptr, count: N * F)
                    linearBack(l, .gate, dinp: a.dln.ptr, dout: a.dgate.ptr, inp: a.ln2[l].ptr, N: N, accumulate: false)
                    linearBack(l, .up, dinp: a.dln.ptr, dout: a.dup.ptr, inp: a.ln2[l].ptr, N: N)
                }
                rmsnormBackward(dinp: dl, dweight: G.map { $0 + o.mlpNorm }, dout: a.dln.ptr, inp: a.residMid[l].ptr,
                                weight: P + o.mlpNorm, rstd: a.rstd2[l].ptr, N: N, C: C)
                // residMid = x + o_proj(attention(rope(q), rope(k), v))
                linearBack(l, .o, dinp: a.datt.ptr, dout: dl, inp: a.att[l].ptr, N: N, accumulate: false)
                a.dq.zero(); a.dk.zero(); a.dv.zero()
                attentionBackward(dq: a.dq.ptr, dk: a.dk.ptr, dv: a.dv.ptr, dout: a.datt.ptr, q: a.q[l].ptr, k: a.k[l].ptr,
                                  v: a.v[l].ptr, probs: a.probs[l].ptr, B: B, T: T, H: H, Hkv: Hkv, D: D)
                ropeBackward(dx: a.dq.ptr, rows: N, heads: H, headDim: D, position: posOf, table: rope)
                ropeBackward(dx: a.dk.ptr, rows: N, heads: Hkv, headDim: D, position: posOf, table: rope)
                linearBack(l, .q, dinp: a.dln.ptr, dout: a.dq.ptr, inp: a.ln1[l].ptr, N: N, accumulate: false)
                linearBack(l, .k, dinp: a.dln.ptr, dout: a.dk.ptr, inp: a.ln1[l].ptr, N: N)
                linearBack(l, .v, dinp: a.dln.ptr, dout: a.dv.ptr, inp: a.ln1[l].ptr, N: N)
                rmsnormBackward(dinp: dl, dweight: G.map { $0 + o.attnNorm }, dout: a.dln.ptr, inp: x,
                                weight: P + o.attnNorm, rstd: a.rstd1[l].ptr, N: N, C: C)
            }
        }
        if let G {
            batch.inputs.withUnsafeBufferPointer { tokBuf in
                embeddingBackward(dtable: G + layout.embed, dout: dl, tokens: tokBuf.baseAddress!, N: N, C: C)
            }
        }
        return result
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

    /// out(N,OC) = inp·Wᵀ (+ s·(inp·Aᵀ)·Bᵀ with an adapter); saves inp·Aᵀ for the backward pass when training.
    func linear(_ l: Int, _ p: Projection, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, N: Int,
                training: Bool = true) {
        let (off, OC, C) = projection(l, p)
        linearForward(out: out, inp: inp, weight: params.ptr + off, N: N, C: C, OC: OC)
        lora?.forward(layer: l, p, out: out, inp: inp, N: N, saved: training ? acts?.loraXA[l][p] : nil)
    }

    /// Inverts `linear`: dinp += dout·W (= with `accumulate: false`), dW += doutᵀ·inp (full fine-tuning)
    /// or adapter grads (LoRA).
    func linearBack(_ l: Int, _ p: Projection, dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                    inp: UnsafePointer<Float>, N: Int, accumulate: Bool = true) {
        let (off, OC, C) = projection(l, p)
        let dW = lora == nil ? grads.map { $0.ptr + off } : nil
        linearBackward(dinp: dinp, dweight: dW, dout: dout, inp: inp, weight: params.ptr + off, N: N, C: C, OC: OC,
                       accumulate: accumulate)
        if let lora, let xa = acts?.loraXA[l][p] {
            lora.backward(layer: l, p, dinp: dinp, dout: dout, inp: inp, xa: xa, N: N)
        }
    }

    @inline(__always)
    private func add(_ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) {
        Parallel.ranges(n, minChunk: 1 << 15) { r in for i in r { out[i] = a[i] + b[i] } }
    }
}

/// Tokens routed to each expert, per layer and per language tag (tag nil = untagged).
public struct RoutingStats: Sendable, Equatable {
    public let layers: Int, experts: Int
    /// counts[tag][layer][expert]; every routed slot (top-k per token) counts once.
    public private(set) var counts: [Int?: [[Int]]] = [:]

    init(layers: Int, experts: Int) { self.layers = layers; self.experts = experts }

    /// One row per (tag, layer, expert), tags in ascending order (untagged first): ready for a results table.
    public var rows: [(tag: Int?, layer: Int, expert: Int, tokens: Int)] {
        counts.keys.sorted { ($0 ?? Int.min) < ($1 ?? Int.min) }.flatMap { tag in
            counts[tag]!.enumerated().flatMap { layer, perExpert in
                perExpert.enumerated().map { (tag: tag, layer: layer, expert: $0.offset, tokens: $0.element) }
            }
        }
    }

    mutating func record(layer: Int, acts: MoEActivations, valid: UnsafePointer<Float>, tags: [Int?], T: Int, N: Int) {
        let empty = [[Int]](repeating: [Int](repeating: 0, count: experts), count: layers)
        for n in 0..<N where valid[n] != 0 {
            for slot in 0..<acts.K { counts[tags[n / T], default: empty][layer][Int(acts.topIdx[n * acts.K + slot])] += 1 }
        }
    }
}
