// Dims legend: n new rows, P cached positions, C channels, V vocab, H heads, Hkv kv-heads, D head dim, F ffn hidden.
// Batch-1 incremental forward with a KV cache; the same kernels as training (M = 1 GEMMs become sgemv).
import Foundation

/// Keys and values of past positions for every layer (batch 1).
public final class KVCache {
    /// Positions the cache can hold.
    public let capacity: Int
    /// Positions filled so far.
    public private(set) var length = 0
    let k: [FloatBuffer], v: [FloatBuffer]   // L × (capacity, Hkv·D), k after RoPE

    /// An empty cache for `model` holding up to `capacity` positions (default: the context length).
    public init(for model: Transformer, capacity: Int? = nil) {
        let cfg = model.config, kvDim = cfg.numKeyValueHeads * cfg.headDim
        let cap = min(capacity ?? cfg.maxPositionEmbeddings, cfg.maxPositionEmbeddings)
        self.capacity = cap
        k = (0..<cfg.numHiddenLayers).map { _ in FloatBuffer(count: cap * kvDim) }
        v = (0..<cfg.numHiddenLayers).map { _ in FloatBuffer(count: cap * kvDim) }
    }

    /// Forgets all positions.
    public func reset() { length = 0 }
    func advance(_ n: Int) { length += n }
}

extension Transformer {
    /// Runs `tokens` after the cached positions; returns logits (n, V) of every new row, or only the last (1, V).
    func inferLogits(_ tokens: [Int], cache: KVCache, lastOnly: Bool) throws -> [Float] {
        let cfg = config, n = tokens.count, pos0 = cache.length
        guard n > 0 else { throw EngineError.invalidInput("no tokens to run") }
        guard pos0 + n <= cache.capacity else {
            throw EngineError.invalidInput("context full: \(pos0) cached + \(n) new > \(cache.capacity) positions")
        }
        for (i, t) in tokens.enumerated() where t < 0 || t >= cfg.vocabSize {
            throw EngineError.invalidInput("position \(i): token id \(t) outside vocabulary 0..<\(cfg.vocabSize)")
        }
        let C = cfg.hiddenSize, V = cfg.vocabSize, F = cfg.intermediateSize, L = cfg.numHiddenLayers
        let H = cfg.numAttentionHeads, Hkv = cfg.numKeyValueHeads, D = cfg.headDim, kvDim = Hkv * D
        let eps = Float(cfg.rmsNormEps), P = params.ptr, group = H / Hkv, scale = 1 / Float(D).squareRoot()
        let x = FloatBuffer(count: n * C), ln = FloatBuffer(count: n * C), tmp = FloatBuffer(count: n * C)
        let q = FloatBuffer(count: n * H * D), att = FloatBuffer(count: n * H * D)
        let probs = FloatBuffer(count: H * cache.capacity)
        let gate = FloatBuffer(count: cfg.isMoE ? 0 : n * F), up = FloatBuffer(count: cfg.isMoE ? 0 : n * F)
        let moe = cfg.isMoE ? MoEActivations(N: n, C: C, F: F, E: cfg.numLocalExperts, K: cfg.numExpertsPerTok) : nil
        let ids = tokens.map { Int32($0) }
        ids.withUnsafeBufferPointer { embeddingForward(out: x.ptr, tokens: $0.baseAddress!, table: P + layout.embed, N: n, C: C) }
        let posOf: (Int) -> Int = { pos0 + $0 }
        for l in 0..<L {
            let o = layout.layers[l]
            let kRows = cache.k[l].ptr + pos0 * kvDim, vRows = cache.v[l].ptr + pos0 * kvDim
            rmsnormForward(out: ln.ptr, rstd: nil, inp: x.ptr, weight: P + o.attnNorm, N: n, C: C, eps: eps)
            linear(l, .q, out: q.ptr, inp: ln.ptr, N: n, training: false)
            linear(l, .k, out: kRows, inp: ln.ptr, N: n, training: false)
            linear(l, .v, out: vRows, inp: ln.ptr, N: n, training: false)
            ropeForward(x: q.ptr, rows: n, heads: H, headDim: D, position: posOf, table: rope)
            ropeForward(x: kRows, rows: n, heads: Hkv, headDim: D, position: posOf, table: rope)
            let kBase = cache.k[l].ptr, vBase = cache.v[l].ptr
            // Heads in parallel only when there is enough work to pay for the dispatch (not at batch-1 decode).
            let headWork = n * (pos0 + n) * D
            let attendHead: (Int) -> Void = { h in
                let kvh = h / group
                for r in 0..<n {
                    attendRow(out: att.ptr + (r * H + h) * D, probs: probs.ptr + h * cache.capacity,
                              q: q.ptr + (r * H + h) * D, k: kBase + kvh * D, v: vBase + kvh * D,
                              count: pos0 + r + 1, kvStride: kvDim, D: D, scale: scale)
                }
            }
            if headWork > 1 << 15 { Parallel.forEach(H, attendHead) } else { for h in 0..<H { attendHead(h) } }
            linear(l, .o, out: tmp.ptr, inp: att.ptr, N: n, training: false)
            Vec.axpy(1, tmp.ptr, x.ptr, n * C)
            rmsnormForward(out: ln.ptr, rstd: nil, inp: x.ptr, weight: P + o.mlpNorm, N: n, C: C, eps: eps)
            if let moe {
                moeForward(out: tmp.ptr, acts: moe, inp: ln.ptr, weights: moeWeights(P, o), valid: nil, N: n)
            } else {
                linear(l, .gate, out: gate.ptr, inp: ln.ptr, N: n, training: false)
                linear(l, .up, out: up.ptr, inp: ln.ptr, N: n, training: false)
                swigluForward(h: gate.ptr, gate: gate.ptr, up: up.ptr, count: n * F)
                linear(l, .down, out: tmp.ptr, inp: gate.ptr, N: n, training: false)
            }
            Vec.axpy(1, tmp.ptr, x.ptr, n * C)
        }
        cache.advance(n)
        let first = lastOnly ? n - 1 : 0, rows = n - first
        rmsnormForward(out: ln.ptr, rstd: nil, inp: x.ptr + first * C, weight: P + layout.finalNorm, N: rows, C: C, eps: eps)
        var logits = [Float](repeating: 0, count: rows * V)
        logits.withUnsafeMutableBufferPointer {
            linearForward(out: $0.baseAddress!, inp: ln.ptr, weight: P + layout.lmHead, N: rows, C: C, OC: V)
        }
        return logits
    }

    /// Diagnostic: the next-token logits (V) after `tokens`.
    public func nextTokenLogits(_ tokens: [Int]) throws -> [Float] {
        try inferLogits(tokens, cache: KVCache(for: self, capacity: tokens.count), lastOnly: true)
    }
}

extension Transformer {
    /// Summed cross-entropy over the masked-in targets of one sequence and their count (for per-item or
    /// per-language evaluation); sequences longer than the context are truncated to it.
    public func maskedLoss(of sequence: TrainingSequence) throws -> (sum: Double, tokens: Int) {
        let n = min(sequence.tokens.count, config.maxPositionEmbeddings + 1)
        guard n >= 2 else { return (0, 0) }
        for (i, t) in sequence.tokens[0..<n].enumerated() where t < 0 || t >= config.vocabSize {
            throw EngineError.invalidInput("position \(i): token id \(t) outside vocabulary 0..<\(config.vocabSize)")
        }
        let inputs = Array(sequence.tokens[0..<(n - 1)]), V = config.vocabSize
        let logits = try inferLogits(inputs, cache: KVCache(for: self, capacity: inputs.count), lastOnly: false)
        var sum = 0.0, count = 0
        for t in 0..<(n - 1) where sequence.lossMask[t + 1] != 0 {
            let row = logits[(t * V)..<((t + 1) * V)]
            let m = row.max() ?? 0
            let logZ = Double(m) + log(row.reduce(0.0) { $0 + Double(expf($1 - m)) })
            sum += Double(sequence.lossMask[t + 1]) * (logZ - Double(row[row.startIndex + sequence.tokens[t + 1]]))
            count += 1
        }
        return (sum, count)
    }
}
