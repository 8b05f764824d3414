// Measurements for the analysis and bench commands: fertility (how many tokens a language needs per word,
// the usual measure of how well a tokenizer serves that language) and encoding throughput.

/// Fertility of one language: words are maximal runs of non-whitespace characters.
public struct FertilityRow: Sendable, Equatable {
    public var lang: String
    public var words: Int
    public var tokens: Int
    public var bytes: Int
    /// tokens / words (0 when there are no words).
    public var tokensPerWord: Double { words == 0 ? 0 : Double(tokens) / Double(words) }
    /// UTF-8 bytes / tokens (0 when there are no tokens).
    public var bytesPerToken: Double { tokens == 0 ? 0 : Double(bytes) / Double(tokens) }
}

/// One encoding-speed measurement.
public struct EncodingThroughput: Sendable, Equatable {
    public var bytes: Int
    public var tokens: Int
    /// Wall time of the fastest pass.
    public var seconds: Double
    /// Millions of UTF-8 bytes encoded per second (the `tokenizer_mb_per_s` bench metric).
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds / 1e6 : 0 }
}

extension Tokenizer {
    /// Per-language words, tokens, tokens/word and bytes/token, languages in order of first appearance.
    /// Texts are encoded as plain text (special-token strings count as ordinary characters).
    public func fertility(_ samples: [(lang: String, text: String)]) -> [FertilityRow] {
        var rows: [FertilityRow] = []
        var rowIndex: [String: Int] = [:]
        for sample in samples {
            let index = rowIndex[sample.lang] ?? rows.count
            if index == rows.count {
                rowIndex[sample.lang] = index
                rows.append(FertilityRow(lang: sample.lang, words: 0, tokens: 0, bytes: 0))
            }
            rows[index].words += sample.text.split(whereSeparator: \.isWhitespace).count
            rows[index].tokens += encode(sample.text).count
            rows[index].bytes += sample.text.utf8.count
        }
        return rows
    }
}

extension BPETokenizer {
    /// Encoding speed on `text`: the fastest of `passes` runs, each starting from an empty word cache.
    public func encodingThroughput(of text: String, passes: Int = 3) -> EncodingThroughput {
        let clock = ContinuousClock()
        var best = Double.infinity
        var tokens = 0
        for _ in 0..<max(passes, 1) {
            clearCache()
            var ids: [Int] = []
            let elapsed = clock.measure { ids = encode(text) }
            let c = elapsed.components
            best = min(best, Double(c.seconds) + Double(c.attoseconds) * 1e-18)
            tokens = ids.count
        }
        return EncodingThroughput(bytes: text.utf8.count, tokens: tokens, seconds: best)
    }
}
