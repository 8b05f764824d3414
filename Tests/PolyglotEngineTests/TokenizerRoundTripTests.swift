import Foundation
import XCTest
@testable import PolyglotEngine

final class TokenizerRoundTripTests: XCTestCase {
    static let edgeCases = [
        "", " ", "   ", "\n", "\n\n\n", "\t\t x", "a\r\nb", "\u{0}", "ctl\u{1}\u{7}\u{1B}[0m\u{7F}",
        "Straße, Größe, Fußgänger", "àéîõü ÀÉÎÕÜ ç ñ", "e\u{301}", "👩‍👩‍👧‍👦 family 🏳️‍🌈", "中文字符 和 日本語 한국어",
        "mixed: ¿Qué? «Quoi?» „Was?“ — ok…", "<|user|> not special <|end|>", "x y", "\u{FEFF}bom", "💯💯💯"
    ]

    func testEdgeCasesRoundTripWithAnyMergeCount() throws {
        let corpus = TokenizerFixtures.multilingualSentences
        for merges in [0, 50, 400] {
            let tokenizer = try BPETokenizer.train(texts: corpus, target: .merges(merges))
            for text in Self.edgeCases + corpus {
                let ids = tokenizer.encode(text)
                XCTAssertEqual(try tokenizer.decode(ids), text, "merges \(merges): \(text.debugDescription)")
                XCTAssertTrue(ids.allSatisfy { !tokenizer.isSpecial($0) })
            }
        }
    }

    func testBytesOnlyTokenizerEncodesEachByte() throws {
        let tokenizer = try BPETokenizer.train(texts: [], target: .merges(0))
        XCTAssertEqual(tokenizer.vocabSize, 256 + 5)
        XCTAssertEqual(tokenizer.encode("aß"), [0x61, 0xC3, 0x9F])
    }

    func testArbitraryIdsDecodeToTheirBytes() throws {
        let tokenizer = try BPETokenizer.train(texts: TokenizerFixtures.multilingualSentences, target: .merges(100))
        var rng = SeededRNG(seed: 7)
        for _ in 0..<200 {
            let ids = (0..<Int.random(in: 1...12, using: &rng)).map { _ in Int.random(in: 0..<256, using: &rng) }
            // Byte ids decode to exactly those bytes, valid UTF-8 or not; invalid parts become U+FFFD.
            let bytes = try tokenizer.decodeBytes(ids)
            XCTAssertEqual(bytes, ids.map { UInt8($0) })
            XCTAssertEqual(try tokenizer.decode(ids), String(decoding: bytes, as: UTF8.self))
        }
        XCTAssertEqual(try tokenizer.decode([0xC3]), "\u{FFFD}")
    }

    func testUnknownIdThrows() throws {
        let tokenizer = try BPETokenizer.train(texts: [], target: .merges(0))
        XCTAssertThrowsError(try tokenizer.decode([3, tokenizer.vocabSize])) { error in
            XCTAssertEqual(
                error as? TokenizerError, .unknownTokenId(tokenizer.vocabSize, vocabSize: tokenizer.vocabSize))
        }
        XCTAssertThrowsError(try tokenizer.decode([-1]))
    }

    func testSpecialTokensMatchOnlyWhenAllowed() throws {
        let tokenizer = try BPETokenizer.train(texts: TokenizerFixtures.multilingualSentences, target: .merges(100))
        let end = try tokenizer.specialTokenId(SpecialToken.end)
        let user = try tokenizer.specialTokenId(SpecialToken.user)
        let text = "<|user|>Hallo<|end|><|end"
        let plain = tokenizer.encode(text)
        XCTAssertFalse(plain.contains(end))
        let special = tokenizer.encode(text, allowSpecial: true)
        XCTAssertEqual(special.first, user)
        XCTAssertEqual(special.filter { $0 == end }.count, 1)
        XCTAssertEqual(
            Array(special[1..<(special.count - tokenizer.encode("<|end").count - 1)]), tokenizer.encode("Hallo"))
        XCTAssertEqual(try tokenizer.decode(special), text)
        XCTAssertEqual(try tokenizer.decode(plain), text)
    }

    func testConcurrentEncodesAgreeWithSerialEncoding() throws {
        let tokenizer = try BPETokenizer.train(texts: TokenizerFixtures.multilingualSentences, target: .merges(300))
        let texts = TokenizerFixtures.syntheticCorpus(bytes: 40_000, seed: 9)
        let serial = texts.map { tokenizer.encode($0) }
        tokenizer.clearCache()
        let results = ResultBox(count: texts.count)
        DispatchQueue.concurrentPerform(iterations: texts.count) { i in results.set(i, tokenizer.encode(texts[i])) }
        XCTAssertEqual(results.values, serial)
    }

    /// Thread-safe slots for results computed in parallel.
    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [[Int]]
        init(count: Int) { storage = Array(repeating: [], count: count) }
        func set(_ i: Int, _ value: [Int]) { lock.lock(); storage[i] = value; lock.unlock() }
        var values: [[Int]] { lock.lock(); defer { lock.unlock() }; return storage }
    }

    func testPriorityMergesMatchNaiveLowestRankLoop() throws {
        // Reference: repeatedly merge the leftmost occurrence of the lowest-ranked pair (GPT-2 `bpe`).
        let tokenizer = try BPETokenizer.train(texts: TokenizerFixtures.multilingualSentences, target: .merges(300))
        for text in TokenizerFixtures.multilingualSentences + ["aaaaaaa", "          x", "ßßßßß"] {
            for piece in PreTokenizer.pieces(text) {
                let bytes = Array(piece.utf8)
                var symbols = bytes.map { Int32($0) }
                while symbols.count > 1 {
                    let ranked = (0..<(symbols.count - 1)).compactMap { k -> (Int32, Int)? in
                        tokenizer.mergeTable[BPETokenizer.pairKey(symbols[k], symbols[k + 1])].map { ($0.rank, k) }
                    }
                    guard let best = ranked.min(by: { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }),
                        let merge = tokenizer.mergeTable[BPETokenizer.pairKey(symbols[best.1], symbols[best.1 + 1])]
                    else { break }
                    symbols.replaceSubrange(best.1...(best.1 + 1), with: [merge.result])
                }
                XCTAssertEqual(tokenizer.applyMerges(bytes), symbols, piece.debugDescription)
            }
        }
    }
}
