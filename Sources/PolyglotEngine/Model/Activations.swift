// Dims legend: B batch, T time, C channels, V vocab, H heads, Hkv kv-heads, D head dim, F ffn hidden, N = B·T.
import Foundation

/// Saved forward activations and backward scratch for one (B,T); reallocated when B or T change.
final class Activations {
    let B: Int, T: Int
    let resid: [FloatBuffer]      // L+1 × (N,C) residual stream entering each layer (last = final)
    let ln1: [FloatBuffer], ln2: [FloatBuffer]            // L × (N,C)
    let rstd1: [FloatBuffer], rstd2: [FloatBuffer]        // L × (N)
    let q: [FloatBuffer]                                  // L × (N,H·D) after RoPE
    let k: [FloatBuffer], v: [FloatBuffer]                // L × (N,Hkv·D), k after RoPE
    let probs: [FloatBuffer]                              // L × (B,H,T,T)
    let att: [FloatBuffer]                                // L × (N,H·D)
    let residMid: [FloatBuffer]                           // L × (N,C) after the attention residual
    let gate: [FloatBuffer], up: [FloatBuffer]            // L × (N,F), dense only
    let h: FloatBuffer                                    // (N,F) silu(gate)·up, recomputed in backward (saves L·N·F)
    let moe: [MoEActivations?]                            // L, MoE only
    let lnf: FloatBuffer, rstdf: FloatBuffer              // (N,C) (N)
    let chunkRows: Int
    let logits: FloatBuffer                               // (chunkRows, V), reused per chunk
    let tmp: FloatBuffer                                  // (N,C) projection output before the residual add
    // Backward scratch.
    let dresid: FloatBuffer, dln: FloatBuffer, datt: FloatBuffer       // (N,C) (N,C) (N,H·D)
    let dq: FloatBuffer, dk: FloatBuffer, dv: FloatBuffer               // (N,H·D) (N,Hkv·D) (N,Hkv·D)
    let dgate: FloatBuffer, dup: FloatBuffer, dh: FloatBuffer           // (N,F), dense only
    let moeScratch: MoEGradScratch?
    let loraXA: [[Transformer.Projection: FloatBuffer]]                 // L × proj → (N, r)

    init(_ cfg: ModelConfig, B: Int, T: Int, lora: LoRAAdapters?) {
        self.B = B; self.T = T
        let N = B * T, C = cfg.hiddenSize, L = cfg.numHiddenLayers, H = cfg.numAttentionHeads
        let qDim = H * cfg.headDim, kvDim = cfg.numKeyValueHeads * cfg.headDim
        let F = cfg.intermediateSize, V = cfg.vocabSize, dense = !cfg.isMoE
        func many(_ n: Int, _ count: Int) -> [FloatBuffer] { (0..<n).map { _ in FloatBuffer(count: count) } }
        resid = many(L + 1, N * C); ln1 = many(L, N * C); ln2 = many(L, N * C)
        rstd1 = many(L, N); rstd2 = many(L, N)
        q = many(L, N * qDim); k = many(L, N * kvDim); v = many(L, N * kvDim)
        probs = many(L, B * H * T * T); att = many(L, N * qDim); residMid = many(L, N * C)
        gate = many(dense ? L : 0, N * F); up = many(dense ? L : 0, N * F); h = FloatBuffer(count: dense ? N * F : 0)
        moe = (0..<L).map { _ in
            cfg.isMoE ? MoEActivations(N: N, C: C, F: F, E: cfg.numLocalExperts, K: cfg.numExpertsPerTok) : nil
        }
        lnf = FloatBuffer(count: N * C); rstdf = FloatBuffer(count: N)
        chunkRows = max(1, min(N, max(64, (1 << 19) / V)))
        logits = FloatBuffer(count: chunkRows * V); tmp = FloatBuffer(count: N * C)
        dresid = FloatBuffer(count: N * C); dln = FloatBuffer(count: N * C); datt = FloatBuffer(count: N * qDim)
        dq = FloatBuffer(count: N * qDim); dk = FloatBuffer(count: N * kvDim); dv = FloatBuffer(count: N * kvDim)
        dgate = FloatBuffer(count: dense ? N * F : 0); dup = FloatBuffer(count: dense ? N * F : 0)
        dh = FloatBuffer(count: dense ? N * F : 0)
        moeScratch = cfg.isMoE ? MoEGradScratch(N: N, C: C, F: F, E: cfg.numLocalExperts, K: cfg.numExpertsPerTok) : nil
        loraXA = (0..<L).map { l in
            var m: [Transformer.Projection: FloatBuffer] = [:]
            if let lora { for p in lora.targets where lora.has(l, p) { m[p] = FloatBuffer(count: N * lora.rank) } }
            return m
        }
    }
}
