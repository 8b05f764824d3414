import Foundation

// Byte-level BPE (GPT-2 style). Text → pre-tokens (PreTokenizer, leading space attached) → UTF-8 bytes →
// byte tokens → merges applied lowest rank first (leftmost on ties), exactly like Hugging Face
// `tokenizers` `Word::merge_all`. Every byte has a token, so every UTF-8 string round-trips.
// Ids: a vocabulary read from a file keeps its ids; a trained one has bytes 0–255 (id = byte value),
// then one id per merge in merge order, then the special tokens.

/// A byte-level BPE tokenizer: vocabulary, ranked merges and special tokens.
public final class BPETokenizer: Tokenizer, @unchecked Sendable {
    /// A merge rule looked up by its pair: lower rank merges first.
    struct Merge { let rank: Int32; let result: Int32 }

    /// Bytes of every id; a special token's bytes are its UTF-8 text.
    let tokenBytes: [[UInt8]]
    /// Merge rules in rank order.
    let merges: [(left: Int32, right: Int32)]
    /// `merges` keyed by `pairKey(left, right)`.
    let mergeTable: [UInt64: Merge]
    /// Id of the single-byte token for each byte value.
    let byteIds: [Int32]
    /// Ids of the non-special tokens by their bytes (for `ignoreMerges` and file writing).
    let idsByBytes: [[UInt8]: Int32]
    /// Hugging Face `ignore_merges`: a pre-token that is itself in the vocabulary is emitted whole.
    let ignoreMerges: Bool
    public let specialTokens: [String: Int]
    /// Special tokens, longest first, so that matching prefers the longest token at a position.
    let specialsByLength: [(bytes: [UInt8], id: Int)]

    // Word → ids cache shared by encode calls (a corpus repeats its words, so most pre-tokens hit). A call
    // that finds the cache busy (another thread is encoding) uses a private cache instead of waiting.
    private let cacheLock = NSLock()
    private var sharedCache = WordCache()
    private static let cacheLimit = 500_000

    public var vocabSize: Int { tokenBytes.count }
    /// Number of merge rules.
    public var mergeCount: Int { merges.count }

    static func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Builds a tokenizer; throws when a byte has no token, a merge refers to an unknown id, or a merge's
    /// result is not the concatenation of its parts.
    init(
        tokenBytes: [[UInt8]], merges: [(left: Int32, right: Int32)], specialIds: [Int],
        ignoreMerges: Bool = false
    ) throws {
        let specialSet = Set(specialIds)
        var idsByBytes: [[UInt8]: Int32] = [:]
        for (id, bytes) in tokenBytes.enumerated() where !specialSet.contains(id) {
            if idsByBytes[bytes] == nil { idsByBytes[bytes] = Int32(id) }
        }
        var byteIds = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            guard let id = idsByBytes[[UInt8(b)]] else {
                throw TokenizerError.invalidVocabulary(
                    "byte 0x\(String(b, radix: 16)) has no token; a byte-level vocabulary needs all 256 bytes")
            }
            byteIds[b] = id
        }
        var mergeTable: [UInt64: Merge] = [:]
        mergeTable.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            guard tokenBytes.indices.contains(Int(merge.left)), tokenBytes.indices.contains(Int(merge.right)),
                let result = idsByBytes[tokenBytes[Int(merge.left)] + tokenBytes[Int(merge.right)]]
            else {
                throw TokenizerError.invalidVocabulary(
                    "merge \(rank) (\(merge.left), \(merge.right)) has no token for its concatenation")
            }
            let key = Self.pairKey(merge.left, merge.right)
            if mergeTable[key] == nil { mergeTable[key] = Merge(rank: Int32(rank), result: result) }
        }
        var specials: [String: Int] = [:]
        for id in specialIds {
            guard tokenBytes.indices.contains(id) else {
                throw TokenizerError.unknownTokenId(id, vocabSize: tokenBytes.count)
            }
            specials[String(decoding: tokenBytes[id], as: UTF8.self)] = id
        }
        self.tokenBytes = tokenBytes
        self.merges = merges
        self.mergeTable = mergeTable
        self.byteIds = byteIds
        self.idsByBytes = idsByBytes
        self.ignoreMerges = ignoreMerges
        self.specialTokens = specials
        self.specialsByLength = specialIds.map { (tokenBytes[$0], $0) }
            .sorted { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
    }

    // MARK: - Encoding

    public func encode(_ text: String, allowSpecial: Bool) -> [Int] {
        var text = text
        var ids: [Int] = []
        ids.reserveCapacity(text.utf8.count / 3)
        text.withUTF8 { utf8 in
            if cacheLock.try() {
                defer { cacheLock.unlock() }
                if sharedCache.count > Self.cacheLimit { sharedCache.removeAll() }
                encode(utf8, allowSpecial: allowSpecial, cache: &sharedCache, into: &ids)
            } else {
                var privateCache = WordCache()
                encode(utf8, allowSpecial: allowSpecial, cache: &privateCache, into: &ids)
            }
        }
        return ids
    }

    private func encode(
        _ utf8: UnsafeBufferPointer<UInt8>, allowSpecial: Bool, cache: inout WordCache,
        into ids: inout [Int]
    ) {
        let byteIds = self.byteIds  // one retain per call instead of one per pre-token
        Self.forEachSegment(of: utf8, splittingAt: allowSpecial ? specialsByLength : []) { segment in
            PreTokenizer.forEachPiece(in: segment) { range in
                if range.count == 1 {
                    ids.append(Int(byteIds[Int(segment[range.lowerBound])]))
                    return
                }
                let word = UnsafeBufferPointer(rebasing: segment[range])
                if !cache.append(word, to: &ids) {
                    let pieceIds = applyMerges(Array(word))
                    cache.insert(word, pieceIds)
                    for id in pieceIds { ids.append(Int(id)) }
                }
            }
        } special: { id in
            ids.append(id)
        }
    }

    /// Splits `utf8` at occurrences of `specials` (longest match first at each position), reporting the
    /// text between them to `ordinary` (possibly empty) and each match to `special`.
    static func forEachSegment(
        of utf8: UnsafeBufferPointer<UInt8>, splittingAt specials: [(bytes: [UInt8], id: Int)],
        _ ordinary: (UnsafeBufferPointer<UInt8>) -> Void, special: (Int) -> Void
    ) {
        var segmentStart = 0
        var i = 0
        while !specials.isEmpty, i < utf8.count {
            guard let match = specials.first(where: { hasPrefix(utf8, at: i, $0.bytes) }) else {
                i += 1
                continue
            }
            ordinary(UnsafeBufferPointer(rebasing: utf8[segmentStart..<i]))
            special(match.id)
            i += match.bytes.count
            segmentStart = i
        }
        ordinary(UnsafeBufferPointer(rebasing: utf8[segmentStart...]))
    }

    private static func hasPrefix(_ utf8: UnsafeBufferPointer<UInt8>, at i: Int, _ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, utf8.count - i >= bytes.count else { return false }
        for k in 0..<bytes.count where utf8[i + k] != bytes[k] { return false }
        return true
    }

    /// Candidate merge in `applyMerges`: the heap pops the lowest rank, then the leftmost position.
    private struct Candidate: Comparable {
        let rank: Int32, position: Int32, result: Int32
        static func < (a: Candidate, b: Candidate) -> Bool {
            a.rank != b.rank ? a.rank < b.rank : a.position < b.position
        }
    }

    /// BPE on one pre-token: merges applied by priority over a linked list of symbols.
    func applyMerges(_ word: [UInt8]) -> [Int32] {
        var symbols = word.map { byteIds[Int($0)] }
        let n = symbols.count
        if n < 2 { return symbols }
        if ignoreMerges, let whole = idsByBytes[word] { return [whole] }
        var previous = (0..<n).map { Int32($0) - 1 }  // -1: none
        var next = (0..<n).map { Int32($0) + 1 }  // n: none
        var alive = [Bool](repeating: true, count: n)
        var heap = BinaryHeap<Candidate>()
        heap.reserveCapacity(n)
        func consider(_ position: Int32) {
            let right = next[Int(position)]
            guard right < n, let merge = mergeTable[Self.pairKey(symbols[Int(position)], symbols[Int(right)])]
            else { return }
            heap.push(Candidate(rank: merge.rank, position: position, result: merge.result))
        }
        for position in 0..<(n - 1) { consider(Int32(position)) }
        while let candidate = heap.pop() {
            let position = Int(candidate.position)
            let right = Int(next[position])
            // Skip entries made stale by an earlier merge of either symbol.
            guard alive[position], right < n,
                mergeTable[Self.pairKey(symbols[position], symbols[right])]?.result == candidate.result
            else { continue }
            symbols[position] = candidate.result
            alive[right] = false
            next[position] = next[right]
            if next[right] < n { previous[Int(next[right])] = Int32(position) }
            if previous[position] >= 0 { consider(previous[position]) }
            consider(Int32(position))
        }
        var result: [Int32] = []
        result.reserveCapacity(n)
        var position = 0
        while position < n {
            result.append(symbols[position])
            position = Int(next[position])
        }
        return result
    }

    // MARK: - Decoding and inspection

    public func decodeBytes(_ ids: [Int]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids {
            guard id >= 0, id < tokenBytes.count else { throw TokenizerError.unknownTokenId(id, vocabSize: vocabSize) }
            bytes.append(contentsOf: tokenBytes[id])
        }
        return bytes
    }

    /// Whether `id` is a special token.
    public func isSpecial(_ id: Int) -> Bool { specialsByLength.contains { $0.id == id } }

    /// The vocabulary string of `id` as in `tokenizer.json` (byte-level alphabet, e.g. "Ġthe"; special tokens
    /// as written).
    public func tokenString(_ id: Int) throws -> String {
        guard id >= 0, id < tokenBytes.count else { throw TokenizerError.unknownTokenId(id, vocabSize: vocabSize) }
        return isSpecial(id)
            ? String(decoding: tokenBytes[id], as: UTF8.self) : ByteLevelAlphabet.encode(tokenBytes[id])
    }
}

extension BPETokenizer {
    /// Empties the word cache (so a benchmark measures cold encoding).
    func clearCache() {
        cacheLock.lock()
        sharedCache.removeAll()
        cacheLock.unlock()
    }
}

/// Pre-token bytes → token ids, stored flat.
struct WordCache {
    private var words = ByteSliceTable()
    private var idStarts: [Int] = [0]  // ids of word i are ids[idStarts[i]..<idStarts[i + 1]]
    private var ids: [Int32] = []

    var count: Int { words.count }

    /// Appends the cached ids of `word` to `output`; false when the word is not cached.
    func append(_ word: UnsafeBufferPointer<UInt8>, to output: inout [Int]) -> Bool {
        guard let index = words.index(of: word) else { return false }
        let range = idStarts[index]..<idStarts[index + 1]
        ids.withUnsafeBufferPointer { stored in
            for k in range { output.append(Int(stored[k])) }
        }
        return true
    }

    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, _ wordIds: [Int32]) {
        guard words.insert(word).inserted else { return }
        ids += wordIds
        idStarts.append(ids.count)
    }

    mutating func removeAll() {
        words.removeAll()
        idStarts = [0]
        ids.removeAll(keepingCapacity: true)
    }
}
