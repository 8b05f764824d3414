// Dims legend: B batch, T time.

/// One training sequence: token ids, a per-token loss mask, and an optional language tag for routing statistics.
/// `lossMask[i] != 0` means token i is a prediction target (predicted from tokens 0..<i).
public struct TrainingSequence: Sendable, Equatable {
    public var tokens: [Int]
    public var lossMask: [Float]
    public var tag: Int?

    /// Throws when the mask length differs from the token count.
    public init(tokens: [Int], lossMask: [Float]? = nil, tag: Int? = nil) throws {
        let mask = lossMask ?? [Float](repeating: 1, count: tokens.count)
        guard mask.count == tokens.count else {
            throw EngineError.invalidInput("loss mask has \(mask.count) entries for \(tokens.count) tokens")
        }
        self.tokens = tokens; self.lossMask = mask; self.tag = tag
    }
}

/// A right-padded (B,T) batch: inputs, shifted targets, loss weights and a validity mask.
public struct Batch: Sendable {
    public let B: Int, T: Int
    var inputs: [Int32]  // (B,T)
    var targets: [Int32]  // (B,T)
    var mask: [Float]  // (B,T) loss mask of each target
    var valid: [Float]  // (B,T) 1 for real positions, 0 for padding
    var tags: [Int?]  // (B)

    /// Packs sequences (each truncated to T+1 tokens) right-padded with token 0; throws on out-of-vocab ids.
    public init(sequences: [TrainingSequence], T: Int, vocabSize: Int) throws {
        guard !sequences.isEmpty, T > 0 else { throw EngineError.invalidInput("a batch needs ≥ 1 sequence and T > 0") }
        B = sequences.count; self.T = T
        inputs = [Int32](repeating: 0, count: B * T); targets = inputs
        mask = [Float](repeating: 0, count: B * T); valid = mask
        tags = sequences.map(\.tag)
        for (b, s) in sequences.enumerated() {
            for (i, t) in s.tokens.enumerated() where t < 0 || t >= vocabSize {
                throw EngineError.invalidInput(
                    "sequence \(b), position \(i): token id \(t) outside vocabulary 0..<\(vocabSize)")
            }
            let n = min(s.tokens.count - 1, T)
            if n <= 0 { continue }
            for t in 0..<n {
                inputs[b * T + t] = Int32(s.tokens[t])
                targets[b * T + t] = Int32(s.tokens[t + 1])
                mask[b * T + t] = s.lossMask[t + 1]
                valid[b * T + t] = 1
            }
        }
    }

    /// Sum of the loss mask (number of target tokens).
    public var maskedTokens: Float { mask.reduce(0, +) }
    /// Number of non-padding positions.
    public var validTokens: Int { Int(valid.reduce(0, +)) }
}
