// GPT-2 `bytes_to_unicode`: every byte gets a printable stand-in character, so a byte-level vocabulary can be
// stored as JSON strings. Bytes 0x21–0x7E, 0xA1–0xAC and 0xAE–0xFF map to themselves; the other 68 bytes map,
// in increasing order, to U+0100 + n (space → "Ġ" U+0120, "\n" → "Ċ" U+010A, "\t" → "ĉ" U+0109).

/// The byte ↔ printable-character mapping used by byte-level BPE vocabularies (Hugging Face `ByteLevel`).
enum ByteLevelAlphabet {
    /// `character[b]` is the stand-in scalar for byte `b`.
    static let character: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var shifted: UInt32 = 0
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            let value = printable ? UInt32(b) : 0x100 + shifted
            if !printable { shifted += 1 }
            table[b] = Unicode.Scalar(value) ?? " "  // all values are < 0x144, always valid scalars
        }
        return table
    }()

    /// Inverse of `character`, keyed by scalar value.
    static let byte: [UInt32: UInt8] = {
        var inverse: [UInt32: UInt8] = [:]
        for (b, scalar) in character.enumerated() { inverse[scalar.value] = UInt8(b) }
        return inverse
    }()

    /// The vocabulary string for a byte sequence.
    static func encode(_ bytes: [UInt8]) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(character[Int(b)]) }
        return String(s)
    }

    /// The bytes behind a vocabulary string, or nil when it holds a character outside the alphabet.
    static func decode(_ token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard let b = byte[scalar.value] else { return nil }
            bytes.append(b)
        }
        return bytes
    }
}
