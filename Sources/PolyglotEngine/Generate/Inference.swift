// Dims legend: n new rows, S cached positions (capacity), C channels, V vocab, L layers, Hkv kv-heads, D head dim.
// Batch-1 incremental decoding: `Transformer.forward` with a KV cache (M = 1 GEMMs become sgemv), then the LM head.
import Foundation

/// Keys and values of past positions for every layer (batch 1).
public final class KVCache {
    /// Positions the cache can hold.
    public let capacity: Int
    /// Positions filled so far.
    public private(set) var length = 0
    let k: [FloatBuffer], v: [FloatBuffer]  // L × (S, Hkv·D), k after RoPE
    /// The forward pass's scratch for the last number of new rows (prefill, then one row per decoding step).
    private var scratch: Activations?

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

    /// Activations for decoding `n` new rows of `config` (reused while n stays the same).
    func activations(_ config: ModelConfig, rows n: Int) -> Activations {
        if let scratch, scratch.T == n { return scratch }
        let a = Activations(decoding: config, T: n, capacity: capacity)
        scratch = a
        return a
    }
}

extension Transformer {
    /// Runs `tokens` after the cached positions; returns logits (n, V) of every new row, or only the last (1, V).
    func inferLogits(_ tokens: [Int], cache: KVCache, lastOnly: Bool) throws -> [Float] {
        let n = tokens.count, C = config.hiddenSize, V = config.vocabSize
        guard n > 0 else { throw EngineError.invalidInput("no tokens to run") }
        guard cache.length + n <= cache.capacity else {
            throw EngineError.invalidInput(
                "context full: \(cache.length) cached + \(n) new > \(cache.capacity) positions")
        }
        for (i, t) in tokens.enumerated() where t < 0 || t >= V {
            throw EngineError.invalidInput("position \(i): token id \(t) outside vocabulary 0..<\(V)")
        }
        let a = cache.activations(config, rows: n)
        tokens.map { Int32($0) }.withUnsafeBufferPointer {
            _ = forward(a, tokens: $0.baseAddress!, valid: nil, B: 1, T: n, cache: cache)
        }
        // logits = lnf · Wlmᵀ, for the rows asked for
        let first = lastOnly ? n - 1 : 0, rows = n - first
        var logits = [Float](repeating: 0, count: rows * V)
        logits.withUnsafeMutableBufferPointer {
            linearForward(
                out: $0.baseAddress!, inp: a.lnf.ptr + first * C, weight: params.ptr + layout.lmHead,
                N: rows, C: C, OC: V)
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
