// The GPT-2 pre-tokenizer, written by hand over Unicode scalars (no regex engine in the hot path). It reproduces
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// as the Hugging Face `ByteLevel` pre-tokenizer (Oniguruma, leftmost alternative wins) applies it:
// - a contraction is tried first at an apostrophe (case-sensitive, ASCII only);
// - one optional U+0020 space followed by a run of letters, numbers or "other" characters forms one piece,
//   so the leading space belongs to the word;
// - a whitespace run that reaches the end of the text is one piece; a run followed by a non-space gives up its
//   last character (so that a final space can prefix the next word), unless it is a single character.
// \s is the Unicode White_Space property, \p{L} the letter categories (Lu Ll Lt Lm Lo), \p{N} Nd Nl No.

/// Splits UTF-8 text into GPT-2 pre-tokens (byte ranges), leading space attached to the word.
enum PreTokenizer {
    enum CharClass: UInt8 { case letter, number, whitespace, other }

    /// Class of every scalar below U+0800 (all one- and two-byte UTF-8 sequences: ASCII, Latin, Greek,
    /// Cyrillic, …), computed once; rarer scalars are classified on the fly.
    private static let smallScalarClass: [CharClass] = (0..<0x800).map { classify(UInt32($0)) }

    static func classify(_ value: UInt32) -> CharClass {
        guard let scalar = Unicode.Scalar(value) else { return .other }
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// Calls `body` with the byte range of every pre-token of `utf8` (which must be valid UTF-8), in order.
    /// One streaming pass with a few scalars of lookahead; nothing is allocated, whatever the text size.
    static func forEachPiece(in utf8: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        let smallScalarClass = Self.smallScalarClass  // hoisted: a static is a lazy global, checked per access
        let n = utf8.count

        /// Class and UTF-8 length of the scalar that starts at byte `i` (< n).
        func scalar(at i: Int) -> (cls: CharClass, length: Int) {
            let lead = utf8[i]
            if lead < 0x80 { return (smallScalarClass[Int(lead)], 1) }
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            var k = 1
            while k < length, i + k < n {
                value = value << 6 | UInt32(utf8[i + k] & 0x3F)
                k += 1
            }
            return (value < 0x800 ? smallScalarClass[Int(value)] : classify(value), k)
        }

        /// Length in bytes of a contraction ('s 't 're 've 'm 'll 'd) at byte `i`, or 0.
        func contractionLength(at i: Int) -> Int {
            guard utf8[i] == UInt8(ascii: "'"), i + 1 < n else { return 0 }
            let third = i + 2 < n ? utf8[i + 2] : 0
            switch utf8[i + 1] {
            case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"): return 2
            case UInt8(ascii: "r"), UInt8(ascii: "v"): return third == UInt8(ascii: "e") ? 3 : 0
            case UInt8(ascii: "l"): return third == UInt8(ascii: "l") ? 3 : 0
            default: return 0
            }
        }

        var start = 0
        while start < n {
            let contraction = contractionLength(at: start)
            if contraction > 0 {
                body(start..<(start + contraction))
                start += contraction
                continue
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional space, then a run of one class.
            var (cls, length) = scalar(at: start)
            var runStart = start
            if utf8[start] == UInt8(ascii: " "), start + 1 < n {
                let next = scalar(at: start + 1)
                if next.cls != .whitespace {
                    (cls, length) = next
                    runStart = start + 1
                }
            }
            if cls != .whitespace {
                var end = runStart + length
                while end < n {
                    let following = scalar(at: end)
                    guard following.cls == cls else { break }
                    end += following.length
                }
                body(start..<end)
                start = end
                continue
            }
            // `\s+(?!\S)` then `\s+`: a run followed by a non-space gives its last scalar to the next piece.
            var end = start + length
            var lastScalarStart = start
            while end < n {
                let following = scalar(at: end)
                guard following.cls == .whitespace else { break }
                lastScalarStart = end
                end += following.length
            }
            if end < n, lastScalarStart > start { end = lastScalarStart }
            body(start..<end)
            start = end
        }
    }

    /// The pre-tokens of `text` as strings (for tests and inspection).
    static func pieces(_ text: String) -> [String] {
        var utf8 = Array(text.utf8)
        var result: [String] = []
        utf8.withUnsafeMutableBufferPointer { buffer in
            let bytes = UnsafeBufferPointer(buffer)
            forEachPiece(in: bytes) { range in
                result.append(String(decoding: bytes[range], as: UTF8.self))
            }
        }
        return result
    }
}
