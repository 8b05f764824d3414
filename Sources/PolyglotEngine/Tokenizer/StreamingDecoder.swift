// Generation emits one token at a time, and a token may end inside a multi-byte UTF-8 character (byte-level
// BPE splits "é" or an emoji across tokens). The streaming decoder holds back such an unfinished tail and
// emits only complete text, so concatenating its outputs equals decoding all ids at once.

/// Incremental decoder that emits only complete UTF-8 text and holds back a partial trailing sequence.
public struct StreamingDecoder {
    private let tokenizer: any Tokenizer
    private var pending: [UInt8] = []

    /// A decoder for ids produced by `tokenizer`.
    public init(tokenizer: any Tokenizer) { self.tokenizer = tokenizer }

    /// Adds one token and returns the newly completed text (possibly empty).
    public mutating func push(_ id: Int) throws -> String {
        pending += try tokenizer.decodeBytes([id])
        let cut = Self.completePrefixLength(pending)
        guard cut > 0 else { return "" }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Returns what is still held back (an unfinished sequence becomes U+FFFD) and resets the decoder.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the prefix that can be decoded now: everything except a trailing lead byte that still
    /// waits for continuation bytes. Cutting before a lead byte never changes how either side decodes.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        var k = bytes.count - 1
        while k >= 0, k >= bytes.count - 4, bytes[k] & 0xC0 == 0x80 { k -= 1 }  // skip continuation bytes
        guard k >= 0, k >= bytes.count - 4 else { return bytes.count }
        let lead = bytes[k]
        let needed = lead >= 0xF5 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 1
        return bytes.count - k < needed ? k : bytes.count
    }
}
