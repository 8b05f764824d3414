// Seeded mutation of real inputs. Input number `index` of a run depends only on (seed, index) and the
// corpus, so any input a worker process died on can be rebuilt and replayed without a log.
//
// A few mutations are stacked on one corpus input: byte flips, chunk insert/delete/duplicate, splices
// with another corpus input, and token-aware edits (brackets, quotes, extreme numbers, deep nesting,
// invalid UTF-8, and words taken from the corpus itself). Safetensors files get their JSON header
// mutated with the JSON edits and re-prefixed with its new length, so the header parser is reached.

import PolyglotEngine
import PolyglotLang

/// How a target's inputs are structured, which decides the token-aware mutations.
public enum InputDialect: Sendable {
    case json, dsl, safetensors
}

public struct Mutator: Sendable {
    public let corpus: [[UInt8]]
    public let dialect: InputDialect
    /// Inputs are cut to this size after mutating: large enough for whole notebooks, small enough to stay fast.
    public let maxLength: Int
    /// Words found in the corpus (JSON keys and strings, DSL names), inserted as whole tokens.
    private let dictionary: [[UInt8]]

    public init(corpus: [[UInt8]], dialect: InputDialect, maxLength: Int = 1 << 16) {
        precondition(!corpus.isEmpty, "a fuzz target needs at least one seed input")
        self.corpus = corpus
        self.dialect = dialect
        self.maxLength = maxLength
        dictionary = Mutator.fixedTokens(dialect) + Mutator.harvest(corpus, dialect: dialect)
    }

    /// The input `index` of the run with `seed`.
    public func input(seed: UInt64, index: Int) -> [UInt8] {
        var rng = SeededRNG(seed: seed, stream: "fuzz-input-\(index)")
        var bytes = corpus[rng.below(corpus.count)]
        let rounds = 1 + rng.below(4)
        for _ in 0..<rounds {
            if dialect == .safetensors, rng.below(4) != 0 {
                bytes = mutateSafetensorsHeader(bytes, &rng)
            } else {
                mutate(&bytes, &rng)
            }
        }
        if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
        return bytes
    }

    // MARK: - One mutation

    private func mutate(_ bytes: inout [UInt8], _ rng: inout SeededRNG) {
        switch rng.below(13) {
        case 0: flipBit(&bytes, &rng)
        case 1: setInterestingByte(&bytes, &rng)
        case 2: deleteChunk(&bytes, &rng)
        case 3: duplicateChunk(&bytes, &rng)
        case 4: insert(randomBytes(&rng), into: &bytes, &rng)
        case 5: splice(&bytes, &rng)
        case 6, 7: insert(dictionary[rng.below(dictionary.count)], into: &bytes, &rng)
        case 8, 9: replaceNumber(&bytes, &rng)
        case 10: insert(Mutator.invalidUTF8[rng.below(Mutator.invalidUTF8.count)], into: &bytes, &rng)
        case 11: insertDeepNesting(&bytes, &rng)
        default: removeOrDoubleBracket(&bytes, &rng)
        }
    }

    private func flipBit(_ bytes: inout [UInt8], _ rng: inout SeededRNG) {
        guard !bytes.isEmpty else { return }
        bytes[rng.below(bytes.count)] ^= 1 << UInt8(rng.below(8))
    }

    private func setInterestingByte(_ bytes: inout [UInt8], _ rng: inout SeededRNG) {
        guard !bytes.isEmpty else { return }
        let interesting: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x20, 0x7B, 0x5B, 0x23]
        bytes[rng.below(bytes.count)] = interesting[rng.below(interesting.count)]
    }

    private func chunk(in bytes: [UInt8], _ rng: inout SeededRNG) -> Range<Int> {
        let start = rng.below(bytes.count + 1)
        let length = min(bytes.count - start, 1 + rng.below(rng.below(4) == 0 ? 512 : 16))
        return start..<(start + length)
    }

    private func deleteChunk(_ bytes: inout [UInt8], _ rng: inout SeededRNG) {
        bytes.removeSubrange(chunk(in: bytes, &rng))
    }

    private func duplicateChunk(_ bytes: inout [UInt8], _ rng: inout SeededRNG) {
        let piece = Array(bytes[chunk(in: bytes, &rng)])
        let times = rng.below(8) == 0 ? 1 + rng.below(64) : 1
        insert(Array([[UInt8]](repeating: piece, count: times).joined()), into: &bytes, &rng)
    }

    private func randomBytes(_ rng: inout SeededRNG) -> [UInt8] {
        (0..<(1 + rng.below(8))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    private func insert(_ piece: [UInt8], into bytes: inout [UInt8], _ rng: inout SeededRNG) {
        bytes.insert(contentsOf: piece, at: rng.below(bytes.count + 1))
    }

    /// The head of this input joined to the tail of another corpus input.
    private func splice(_ bytes: inout [UInt8], _ rng: inout SeededRNG) {
        let other = corpus[rng.below(corpus.count)]
        let cut = rng.below(bytes.count + 1), from = rng.below(other.count + 1)
        bytes = Array(bytes[..<cut]) + Array(other[from...])
    }

    /// Replaces one number of the text with an extreme one, or with another number of the same input
    /// (overlapping safetensors offsets, repeated ids).
    private func replaceNumber(_ bytes: inout [UInt8], _ rng: inout SeededRNG) {
        let runs = Mutator.numberRuns(bytes)
        guard !runs.isEmpty else {
            return insert(Mutator.extremeNumbers[rng.below(Mutator.extremeNumbers.count)], into: &bytes, &rng)
        }
        let target = runs[rng.below(runs.count)]
        let replacement =
            rng.below(3) == 0
            ? Array(bytes[runs[rng.below(runs.count)]])
            : Mutator.extremeNumbers[rng.below(Mutator.extremeNumbers.count)]
        bytes.replaceSubrange(target, with: replacement)
    }

    private func insertDeepNesting(_ bytes: inout [UInt8], _ rng: inout SeededRNG) {
        let openers: [UInt8] = dialect == .dsl ? Array("([{".utf8) : Array("[{".utf8)
        let open = openers[rng.below(openers.count)]
        let depth = [10, 300, 3_000, 30_000][rng.below(4)]
        // An object needs a key before its value: `{"a":{"a":…`.
        let unit: [UInt8] = open == UInt8(ascii: "{") && dialect != .dsl ? Array("{\"a\":".utf8) : [open]
        insert(Array([[UInt8]](repeating: unit, count: depth).joined()), into: &bytes, &rng)
    }

    private func removeOrDoubleBracket(_ bytes: inout [UInt8], _ rng: inout SeededRNG) {
        let brackets = Set("()[]{}\"".utf8)
        let positions = bytes.indices.filter { brackets.contains(bytes[$0]) }
        guard !positions.isEmpty else { return }
        let at = positions[rng.below(positions.count)]
        if rng.below(2) == 0 { bytes.remove(at: at) } else { bytes.insert(bytes[at], at: at) }
    }

    /// Mutates the JSON header of a safetensors file and writes its new length in front of it.
    private func mutateSafetensorsHeader(_ bytes: [UInt8], _ rng: inout SeededRNG) -> [UInt8] {
        guard bytes.count >= 8 else { var copy = bytes; mutate(&copy, &rng); return copy }
        let length = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(bytes.count - 8) else { var copy = bytes; mutate(&copy, &rng); return copy }
        var header = Array(bytes[8..<(8 + Int(length))])
        let data = bytes[(8 + Int(length))...]
        let jsonMutator = Mutator(corpus: [header], dialect: .json, maxLength: maxLength)
        jsonMutator.mutate(&header, &rng)
        let prefix = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64($0))) }
        return prefix + header + data
    }

    // MARK: - Vocabulary

    static let extremeNumbers: [[UInt8]] = [
        "1e309", "-1e309", "1e-400", "-1", "0", "-0", "2147483647", "2147483648", "4294967296", "9007199254740993",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "99999999999999999999999999", "1.5", "NaN", "-Infinity",
        "1e18", "123456789012", "65536", "0x10", "00", "1_000"
    ].map { Array($0.utf8) }

    static let invalidUTF8: [[UInt8]] = [
        [0xC3], [0xFF], [0xFE, 0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
        [0xEF, 0xBB, 0xBF], [0x00], [0xF0, 0x9F, 0x98]
    ]

    static func fixedTokens(_ dialect: InputDialect) -> [[UInt8]] {
        let tokens: [String]
        switch dialect {
        case .json, .safetensors:
            tokens = [
                "{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "\"\\u0000\"", "\"\\ud800\"",
                "\"\\udc00\\ud800\"", "\"\\", "{}", "[]", "\"\":", "\n", "\r\n", "\"F16\"", "\"BF16\"", "\"I64\"",
                "\"F32\"", "[-1, 4]", "[0, 18446744073709551615]", "[9223372036854775807, 1]", "[[1,2]]"
            ]
        case .dsl:
            tokens =
                Keyword.allCases.map(\.rawValue) + Symbol.allCases.map(\.rawValue)
                + [
                    "\"", "\\", "\"{", "}\"", "\"{x}\"", "#", "\n# %%\n", "\n#> ", "\n", "builtin:", "builtin:bench",
                    "builtin:lima-mini", "builtin:dense", "fn f(x) { f(x) }", "for x in range(10000000) { }", "-",
                    "- 9223372036854775807 - 1", "1e308 * 10", "[1] * 3", ".", ":", "{a: 1}", "\t"
                ]
        }
        return tokens.map { Array($0.utf8) }
    }

    /// Quoted strings (JSON) or names (DSL) of the corpus, up to 2,000 distinct ones.
    static func harvest(_ corpus: [[UInt8]], dialect: InputDialect) -> [[UInt8]] {
        var words = Set<[UInt8]>()
        for input in corpus {
            var i = 0
            while i < input.count, words.count < 2_000 {
                let b = input[i]
                if dialect != .dsl, b == UInt8(ascii: "\"") {
                    var j = i + 1
                    while j < input.count, input[j] != UInt8(ascii: "\""), j - i < 40 { j += 1 }
                    if j < input.count, input[j] == UInt8(ascii: "\"") { words.insert(Array(input[i...j])) }
                    i = j + 1
                } else if dialect == .dsl, isNameByte(b) {
                    var j = i
                    while j < input.count, isNameByte(input[j]) || (input[j] >= 0x30 && input[j] <= 0x39) { j += 1 }
                    words.insert(Array(input[i..<j]))
                    i = j
                } else {
                    i += 1
                }
            }
        }
        return words.sorted { $0.lexicographicallyPrecedes($1) }
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == UInt8(ascii: "_")
    }

    /// Ranges of ASCII digit runs (with a leading minus sign), where a number can be swapped.
    static func numberRuns(_ bytes: [UInt8]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] >= 0x30 && bytes[i] <= 0x39 else { i += 1; continue }
            let start = i > 0 && bytes[i - 1] == UInt8(ascii: "-") ? i - 1 : i
            while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
            runs.append(start..<i)
        }
        return runs
    }
}

extension SeededRNG {
    /// Uniform in 0..<n (n > 0); the tiny modulo bias does not matter for fuzzing.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
