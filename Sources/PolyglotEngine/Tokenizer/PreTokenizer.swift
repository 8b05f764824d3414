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
    static func forEachPiece(in utf8: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        // Decode once into parallel arrays: byte offset, class and (for ASCII) the byte itself.
        var offsets: [Int] = []
        var classes: [CharClass] = []
        var asciiBytes: [UInt8] = []  // 0 for non-ASCII scalars
        offsets.reserveCapacity(utf8.count + 1)
        classes.reserveCapacity(utf8.count)
        asciiBytes.reserveCapacity(utf8.count)
        let smallScalarClass = Self.smallScalarClass  // hoisted: a static is a lazy global, checked per access
        var i = 0
        while i < utf8.count {
            let lead = utf8[i]
            offsets.append(i)
            if lead < 0x80 {
                classes.append(smallScalarClass[Int(lead)])
                asciiBytes.append(lead)
                i += 1
                continue
            }
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            var k = 1
            while k < length, i + k < utf8.count {
                value = value << 6 | UInt32(utf8[i + k] & 0x3F)
                k += 1
            }
            classes.append(value < 0x800 ? smallScalarClass[Int(value)] : classify(value))
            asciiBytes.append(0)
            i += k
        }
        offsets.append(utf8.count)
        let n = classes.count

        func isContraction(at j: Int) -> Int {  // length in scalars of a contraction at j, or 0
            guard asciiBytes[j] == UInt8(ascii: "'"), j + 1 < n else { return 0 }
            switch asciiBytes[j + 1] {
            case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"): return 2
            case UInt8(ascii: "r"), UInt8(ascii: "v"):
                return j + 2 < n && asciiBytes[j + 2] == UInt8(ascii: "e") ? 3 : 0
            case UInt8(ascii: "l"):
                return j + 2 < n && asciiBytes[j + 2] == UInt8(ascii: "l") ? 3 : 0
            default: return 0
            }
        }

        var start = 0
        while start < n {
            let contraction = isContraction(at: start)
            if contraction > 0 {
                body(offsets[start]..<offsets[start + contraction])
                start += contraction
                continue
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional space, then a run of one class.
            var runStart = start
            if asciiBytes[start] == UInt8(ascii: " "), start + 1 < n, classes[start + 1] != .whitespace {
                runStart = start + 1
            }
            let cls = classes[runStart]
            if cls != .whitespace {
                var end = runStart + 1
                while end < n, classes[end] == cls { end += 1 }
                body(offsets[start]..<offsets[end])
                start = end
                continue
            }
            // `\s+(?!\S)` then `\s+`.
            var end = start + 1
            while end < n, classes[end] == .whitespace { end += 1 }
            if end < n, end - start >= 2 { end -= 1 }
            body(offsets[start]..<offsets[end])
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
