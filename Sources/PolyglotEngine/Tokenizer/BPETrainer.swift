// BPE training. Words are counted once; then each merge only revisits the words that contain the merged pair
// and updates the pair counts incrementally (no full recount per merge).
// Tie-breaking (deterministic): the pair with the highest count merges first; among equal counts, the pair
// with the smallest (left id, right id) wins. Byte ids are the byte values and merged ids grow in merge order,
// so the same corpus always yields the same merges.
// Special tokens in the corpus are cut out before counting, so no merge ever spans them.

/// How far BPE training goes.
public enum BPETrainingTarget: Sendable, Equatable {
    /// Stop when the vocabulary (256 bytes + merged tokens + special tokens) has this many ids.
    case vocabSize(Int)
    /// Stop after this many merges.
    case merges(Int)
}

extension BPETokenizer {
    /// Trains byte-level BPE on `texts` until `target` is reached (or no pair occurs twice), then appends
    /// `specialTokens` after the merged tokens.
    public static func train(
        texts: [String], target: BPETrainingTarget,
        specialTokens: [String] = SpecialToken.chat
    ) throws -> BPETokenizer {
        guard Set(specialTokens).count == specialTokens.count, !specialTokens.contains("") else {
            throw TokenizerError.invalidTrainingRequest("special tokens must be distinct and non-empty")
        }
        let mergeBudget: Int
        let budgetCountsRules: Bool
        switch target {
        case .vocabSize(let size):
            guard size >= 256 + specialTokens.count else {
                throw TokenizerError.invalidTrainingRequest(
                    "vocabulary size \(size) is below the minimum \(256 + specialTokens.count) "
                        + "(256 bytes + \(specialTokens.count) special tokens)")
            }
            mergeBudget = size - 256 - specialTokens.count
            budgetCountsRules = false
        case .merges(let count):
            guard count >= 0 else { throw TokenizerError.invalidTrainingRequest("merge count \(count) is negative") }
            mergeBudget = count
            budgetCountsRules = true
        }
        var trainer = PairCounter(words: countWords(texts, specialTokens: specialTokens))
        var tokenBytes = (0..<256).map { [UInt8($0)] }
        var idsByBytes: [[UInt8]: Int32] = [:]
        for (id, bytes) in tokenBytes.enumerated() { idsByBytes[bytes] = Int32(id) }
        var merges: [(left: Int32, right: Int32)] = []
        // With `.vocabSize`, the budget counts new tokens; a merge whose result already exists (e.g. "a"+"bc"
        // after "ab"+"c") adds a rule but no token, as in Hugging Face's trainer.
        while (budgetCountsRules ? merges.count : tokenBytes.count - 256) < mergeBudget {
            guard let (left, right) = trainer.bestPair() else { break }
            let bytes = tokenBytes[Int(left)] + tokenBytes[Int(right)]
            let result: Int32
            if let existing = idsByBytes[bytes] {
                result = existing
            } else {
                result = Int32(tokenBytes.count)
                tokenBytes.append(bytes)
                idsByBytes[bytes] = result
            }
            merges.append((left, right))
            trainer.merge(left, right, into: result)
        }
        let specialIds = specialTokens.indices.map { tokenBytes.count + $0 }
        tokenBytes += specialTokens.map { Array($0.utf8) }
        return try BPETokenizer(tokenBytes: tokenBytes, merges: merges, specialIds: specialIds)
    }

    /// Distinct pre-tokens of the corpus (as bytes) with their counts, in order of first occurrence.
    static func countWords(_ texts: [String], specialTokens: [String]) -> [(bytes: [UInt8], count: Int)] {
        let specials = specialTokens.enumerated().map { (bytes: Array($0.element.utf8), id: $0.offset) }
            .sorted { $0.bytes.count > $1.bytes.count }
        var table = ByteSliceTable(capacity: 1 << 16)
        var counts: [Int] = []
        for text in texts {
            var text = text
            text.withUTF8 { utf8 in
                forEachSegment(of: utf8, splittingAt: specials) { segment in
                    PreTokenizer.forEachPiece(in: segment) { range in
                        let (index, inserted) = table.insert(UnsafeBufferPointer(rebasing: segment[range]))
                        if inserted { counts.append(1) } else { counts[index] += 1 }
                    }
                } special: { _ in
                }
            }
        }
        return counts.indices.map { (table.key(at: $0), counts[$0]) }
    }
}

/// Incremental pair statistics over the distinct words of a corpus.
private struct PairCounter {
    /// Heap entry: higher count first, then the smaller pair (a reversed order on a min-heap).
    struct Entry: Comparable {
        let count: Int, pair: UInt64
        static func < (a: Entry, b: Entry) -> Bool { a.count != b.count ? a.count > b.count : a.pair < b.pair }
    }

    var symbols: [[Int32]]  // current tokens of each distinct word
    let wordCounts: [Int]
    var pairCounts: [UInt64: Int] = [:]
    var wordsWithPair: [UInt64: [Int32]] = [:]  // may list words that no longer hold the pair
    var heap = BinaryHeap<Entry>()

    init(words: [(bytes: [UInt8], count: Int)]) {
        symbols = words.map { $0.bytes.map { Int32($0) } }
        wordCounts = words.map(\.count)
        for (w, word) in symbols.enumerated() where word.count > 1 {
            var seen = Set<UInt64>()
            for k in 0..<(word.count - 1) {
                let pair = BPETokenizer.pairKey(word[k], word[k + 1])
                pairCounts[pair, default: 0] += wordCounts[w]
                if seen.insert(pair).inserted { wordsWithPair[pair, default: []].append(Int32(w)) }
            }
        }
        heap.reserveCapacity(pairCounts.count)
        for (pair, count) in pairCounts { heap.push(Entry(count: count, pair: pair)) }
    }

    /// The most frequent pair (count ≥ 2), or nil when none is left.
    mutating func bestPair() -> (Int32, Int32)? {
        while let top = heap.pop() {
            let current = pairCounts[top.pair] ?? 0
            if current != top.count {
                // Stale entry: counts of old pairs only fall, so re-queue it at its current count.
                if current > 0 { heap.push(Entry(count: current, pair: top.pair)) }
                continue
            }
            guard current >= 2 else { return nil }
            return (Int32(truncatingIfNeeded: top.pair >> 32), Int32(truncatingIfNeeded: top.pair & 0xFFFF_FFFF))
        }
        return nil
    }

    /// Replaces every occurrence of (left, right) by `result` and updates the pair counts of the touched words.
    mutating func merge(_ left: Int32, _ right: Int32, into result: Int32) {
        let mergedPair = BPETokenizer.pairKey(left, right)
        var grown = Set<UInt64>()  // pairs whose count rose: they get a fresh heap entry
        for w32 in wordsWithPair.removeValue(forKey: mergedPair) ?? [] {
            let w = Int(w32)
            let old = symbols[w]
            var new: [Int32] = []
            new.reserveCapacity(old.count)
            var k = 0
            while k < old.count {
                if k + 1 < old.count, old[k] == left, old[k + 1] == right {
                    new.append(result)
                    k += 2
                } else {
                    new.append(old[k])
                    k += 1
                }
            }
            guard new.count != old.count else { continue }  // stale listing
            let count = wordCounts[w]
            for k in 0..<(old.count - 1) {
                let pair = BPETokenizer.pairKey(old[k], old[k + 1])
                pairCounts[pair, default: 0] -= count
            }
            var listed: [UInt64] = []  // words are short: a linear scan beats a Set here
            for k in 0..<max(new.count - 1, 0) {
                let pair = BPETokenizer.pairKey(new[k], new[k + 1])
                pairCounts[pair, default: 0] += count
                if new[k] == result || new[k + 1] == result {
                    grown.insert(pair)
                    if !listed.contains(pair) {
                        listed.append(pair)
                        wordsWithPair[pair, default: []].append(w32)
                    }
                }
            }
            symbols[w] = new
        }
        pairCounts[mergedPair] = nil
        // Pairs with the new token are new (or grew, when the token already existed): queue their counts.
        for pair in grown.sorted() {
            if let count = pairCounts[pair], count > 0 { heap.push(Entry(count: count, pair: pair)) }
        }
    }
}
