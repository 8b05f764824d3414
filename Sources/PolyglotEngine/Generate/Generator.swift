// Sampling on top of the KV-cache forward: greedy, temperature and nucleus (top-p), seeded.
import Foundation

/// How to pick new tokens.
public struct GenerationOptions: Sendable {
    /// Upper bound on new tokens.
    public var maxNewTokens: Int
    /// 0 = greedy (argmax, lowest id on ties); otherwise logits are divided by it.
    public var temperature: Float
    /// Nucleus mass in (0, 1]; 1 keeps the whole distribution.
    public var topP: Float
    /// Seed of the sampling stream.
    public var seed: UInt64
    /// Generation stops after emitting one of these ids (the stop token is included in the output).
    public var stopTokens: Set<Int>

    public init(
        maxNewTokens: Int = 128, temperature: Float = 0, topP: Float = 1, seed: UInt64 = 0, stopTokens: Set<Int> = []
    ) {
        self.maxNewTokens = maxNewTokens; self.temperature = temperature; self.topP = topP
        self.seed = seed; self.stopTokens = stopTokens
    }
}

/// New tokens and why generation ended.
public struct GenerationResult: Sendable, Equatable {
    public var tokens: [Int]
    /// The stop id that ended generation, or nil when it hit `maxNewTokens` or the context length.
    public var stoppedBy: Int?
}

extension Transformer {
    /// Continues `prompt` (token ids) with a KV cache; deterministic for a given seed. `onToken` sees each
    /// new id as it is chosen (streaming); returning false stops generation there.
    public func generate(
        prompt: [Int], options: GenerationOptions,
        onToken: (Int) -> Bool = { _ in true }
    ) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw EngineError.invalidInput("generation needs a non-empty prompt") }
        guard options.temperature >= 0, options.topP > 0, options.topP <= 1 else {
            throw EngineError.invalidInput(
                "temperature must be ≥ 0 and top_p in (0, 1]; got \(options.temperature), \(options.topP)")
        }
        let cache = KVCache(for: self)
        guard prompt.count < cache.capacity else {
            throw EngineError.invalidInput(
                "prompt of \(prompt.count) tokens leaves no room in context \(cache.capacity)")
        }
        var rng = SeededRNG(seed: options.seed, stream: "generate")
        var logits = try inferLogits(prompt, cache: cache, lastOnly: true)
        var out: [Int] = []
        while out.count < options.maxNewTokens {
            let next = Self.sample(logits, temperature: options.temperature, topP: options.topP, rng: &rng)
            out.append(next)
            if options.stopTokens.contains(next) { return GenerationResult(tokens: out, stoppedBy: next) }
            if !onToken(next) { break }
            if cache.length >= cache.capacity || out.count == options.maxNewTokens { break }
            logits = try inferLogits([next], cache: cache, lastOnly: true)
        }
        return GenerationResult(tokens: out, stoppedBy: nil)
    }

    static func sample(_ logits: [Float], temperature: Float, topP: Float, rng: inout SeededRNG) -> Int {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        if temperature == 0 { return best }
        let m = logits[best]
        var probs = logits.map { expf(($0 - m) / temperature) }
        let total = probs.reduce(0, +)
        for i in probs.indices { probs[i] /= total }
        // Nucleus: the smallest set of most likely tokens whose mass reaches topP (ties: lower id first).
        let order = probs.indices.sorted { probs[$0] != probs[$1] ? probs[$0] > probs[$1] : $0 < $1 }
        var kept = 0, mass: Float = 0
        while kept < order.count && (kept == 0 || mass < topP) { mass += probs[order[kept]]; kept += 1 }
        var u = rng.nextFloat() * mass
        for i in 0..<kept {
            u -= probs[order[i]]
            if u < 0 { return order[i] }
        }
        return order[kept - 1]
    }
}
