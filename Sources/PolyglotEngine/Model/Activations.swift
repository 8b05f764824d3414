// Dims legend: B batch, T time, C channels, V vocab, L layers, H heads, Hkv kv-heads, D head dim, F ffn hidden,
// N = B·T rows, S key positions (a KV cache's capacity).
import Foundation

/// What `Transformer.forward` writes, for one (B,T). A training pass keeps every layer's activations for
/// `backward` (reused by later batches that fit: packed batches change shape every step); a decoding pass reuses
/// one set of buffers in every layer (each per-layer list holds the same buffer L times) and keeps its keys and
/// values in the KV cache.
final class Activations {
    /// The shape of the pass the buffers serve now (`use(B:T:)`); buffers are sized by the capacities below.
    private(set) var B: Int, T: Int
    /// Rows (B·T) and attention cells per head (B·T·T) the buffers hold at most.
    let rowCapacity: Int, cellCapacity: Int
    let resid: [FloatBuffer]  // L+1 × (N,C) residual stream entering each layer (last = final)
    let ln1: [FloatBuffer], ln2: [FloatBuffer]  // L × (N,C)
    let rstd1: [FloatBuffer], rstd2: [FloatBuffer]  // L × (N)
    let q: [FloatBuffer]  // L × (N,H·D) after RoPE
    let k: [FloatBuffer], v: [FloatBuffer]  // L × (N,Hkv·D), k after RoPE; decoding: empty (in the cache)
    let probs: [FloatBuffer]  // L × (B,H,T,T); decoding: (B,H,S) scratch
    let att: [FloatBuffer]  // L × (N,H·D)
    let residMid: [FloatBuffer]  // L × (N,C) after the attention residual
    let gate: [FloatBuffer], up: [FloatBuffer]  // L × (N,F), dense only
    let h: FloatBuffer  // (N,F) silu(gate)·up, recomputed in backward (saves L·N·F)
    let moe: [MoEActivations?]  // L, MoE only
    let lnf: FloatBuffer, rstdf: FloatBuffer  // (N,C) (N)
    let tmp: FloatBuffer  // (N,C) projection output before the residual add
    let loraXA: [[Transformer.Projection: FloatBuffer]]  // L × proj → (N, r), saved for backward; decoding: none
    let logits: FloatBuffer  // (chunkRows, V), reused per chunk of the loss head

    /// Rows per chunk of the loss head for N rows: a function of N alone, never of the capacity, so that the chunks
    /// (and the order of the head's weight-gradient sums) do not depend on earlier batches.
    static func chunkRows(N: Int, V: Int) -> Int { max(1, min(N, max(64, (1 << 19) / V))) }

    /// For a training (or batched evaluation) pass over (B,T): every layer's activations, kept for `backward`;
    /// at least as large as `previous` (which the caller drops first), so that alternating shapes settle.
    convenience init(training cfg: ModelConfig, B: Int, T: Int, lora: LoRAAdapters?, atLeast previous: (Int, Int)?) {
        let rows = max(B * T, previous?.0 ?? 0), cells = max(B * T * T, previous?.1 ?? 0)
        self.init(cfg, B: B, T: T, rows: rows, cells: cells, perLayer: true, keySpan: T, lora: lora)
    }

    /// For decoding T new rows (B = 1) against a KV cache of `capacity` positions.
    convenience init(decoding cfg: ModelConfig, T: Int, capacity: Int) {
        self.init(cfg, B: 1, T: T, rows: T, cells: T * capacity, perLayer: false, keySpan: capacity, lora: nil)
    }

    private init(
        _ cfg: ModelConfig, B: Int, T: Int, rows N: Int, cells: Int, perLayer: Bool, keySpan: Int,
        lora: LoRAAdapters?
    ) {
        self.B = B; self.T = T; rowCapacity = N; cellCapacity = cells
        let C = cfg.hiddenSize, L = cfg.numHiddenLayers, H = cfg.numAttentionHeads
        let qDim = H * cfg.headDim, kvDim = cfg.numKeyValueHeads * cfg.headDim
        let F = cfg.intermediateSize, V = cfg.vocabSize, dense = !cfg.isMoE
        /// n buffers of `count` floats: distinct when kept per layer, else one shared by all n entries.
        func layers(_ n: Int, _ count: Int) -> [FloatBuffer] {
            if perLayer { return (0..<n).map { _ in FloatBuffer(count: count) } }
            return [FloatBuffer](repeating: FloatBuffer(count: count), count: n)
        }
        resid = layers(L + 1, N * C); ln1 = layers(L, N * C); ln2 = layers(L, N * C)
        rstd1 = layers(L, N); rstd2 = layers(L, N)
        q = layers(L, N * qDim); k = layers(perLayer ? L : 0, N * kvDim); v = layers(perLayer ? L : 0, N * kvDim)
        probs = layers(L, perLayer ? H * cells : B * H * keySpan)
        att = layers(L, N * qDim); residMid = layers(L, N * C)
        gate = layers(dense ? L : 0, N * F); up = layers(dense ? L : 0, N * F)
        h = FloatBuffer(count: dense ? N * F : 0)
        func experts() -> MoEActivations? {
            cfg.isMoE ? MoEActivations(N: N, C: C, F: F, E: cfg.numLocalExperts, K: cfg.numExpertsPerTok) : nil
        }
        let sharedExperts = perLayer ? nil : experts()
        moe = (0..<L).map { _ in perLayer ? experts() : sharedExperts }
        lnf = FloatBuffer(count: N * C); rstdf = FloatBuffer(count: N); tmp = FloatBuffer(count: N * C)
        loraXA = (0..<L).map { l in
            var m: [Transformer.Projection: FloatBuffer] = [:]
            if let lora { for p in lora.targets where lora.has(l, p) { m[p] = FloatBuffer(count: N * lora.rank) } }
            return m
        }
        // Decoding computes only the logits it returns; training computes the loss head in chunks of rows.
        logits = FloatBuffer(count: perLayer ? Self.chunkRows(N: N, V: V) * V : 0)
    }

    /// Serves a training pass over (B,T) with these buffers when it fits; false (and unchanged) otherwise.
    func use(B: Int, T: Int) -> Bool {
        guard B * T <= rowCapacity, B * T * T <= cellCapacity else { return false }
        self.B = B; self.T = T
        return true
    }
}

/// Gradients of the activations (backward scratch) for up to `rowCapacity` rows: the residual stream's gradient
/// flows down through `dresid`; the rest is reused by every layer.
final class ActivationGrads {
    let rowCapacity: Int
    let dresid: FloatBuffer, dln: FloatBuffer, datt: FloatBuffer  // (N,C) (N,C) (N,H·D)
    let dq: FloatBuffer, dk: FloatBuffer, dv: FloatBuffer  // (N,H·D) (N,Hkv·D) (N,Hkv·D)
    let dgate: FloatBuffer, dup: FloatBuffer, dh: FloatBuffer  // (N,F), dense only
    let moe: MoEGradScratch?

    init(_ cfg: ModelConfig, rows N: Int) {
        rowCapacity = N
        let C = cfg.hiddenSize, F = cfg.intermediateSize, dense = !cfg.isMoE
        let qDim = cfg.numAttentionHeads * cfg.headDim, kvDim = cfg.numKeyValueHeads * cfg.headDim
        dresid = FloatBuffer(count: N * C); dln = FloatBuffer(count: N * C); datt = FloatBuffer(count: N * qDim)
        dq = FloatBuffer(count: N * qDim); dk = FloatBuffer(count: N * kvDim); dv = FloatBuffer(count: N * kvDim)
        dgate = FloatBuffer(count: dense ? N * F : 0); dup = FloatBuffer(count: dense ? N * F : 0)
        dh = FloatBuffer(count: dense ? N * F : 0)
        moe = cfg.isMoE ? MoEGradScratch(N: N, C: C, F: F, E: cfg.numLocalExperts, K: cfg.numExpertsPerTok) : nil
    }
}
