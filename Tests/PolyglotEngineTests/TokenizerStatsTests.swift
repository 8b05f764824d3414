import XCTest
@testable import PolyglotEngine

final class TokenizerStatsTests: XCTestCase {
    func testFertilityOnAHandComputedExample() throws {
        // Merges from "ab ab ab cd cd": ab, Ġc, Ġab, Ġcd.
        // "ab cd"   → [ab][Ġcd]             2 words, 2 tokens, 5 bytes
        // "abcd ab" → [ab][c][d][Ġab]       2 words, 4 tokens, 7 bytes
        // "Größe"   → 7 byte tokens          1 word,  7 tokens, 7 bytes
        let tokenizer = try BPETokenizer.train(texts: ["ab ab ab cd cd"], target: .merges(10))
        let rows = tokenizer.fertility([
            (lang: "x", text: "ab cd"), (lang: "de", text: "Größe"), (lang: "x", text: "abcd ab")
        ])
        XCTAssertEqual(
            rows,
            [
                FertilityRow(lang: "x", words: 4, tokens: 6, bytes: 12),
                FertilityRow(lang: "de", words: 1, tokens: 7, bytes: 7)
            ])
        XCTAssertEqual(rows[0].tokensPerWord, 1.5)
        XCTAssertEqual(rows[0].bytesPerToken, 2.0)
        XCTAssertEqual(rows[1].tokensPerWord, 7.0)
        XCTAssertEqual(tokenizer.fertility([(lang: "en", text: " \n ")]).first?.tokensPerWord, 0)
    }

    func testThroughputReportsTheEncodedText() throws {
        let corpus = TokenizerFixtures.syntheticCorpus(bytes: 2_000_000, seed: 8)
        let tokenizer = try BPETokenizer.train(texts: corpus, target: .merges(1000))
        let text = corpus.joined()
        let result = tokenizer.encodingThroughput(of: text, passes: 2)
        XCTAssertEqual(result.bytes, text.utf8.count)
        XCTAssertEqual(result.tokens, tokenizer.encode(text).count)
        XCTAssertGreaterThan(result.seconds, 0)
        print(
            String(
                format: "tokenizer_mb_per_s %.2f (%d bytes, %d tokens, %.1f bytes/token)",
                result.megabytesPerSecond, result.bytes, result.tokens, Double(result.bytes) / Double(result.tokens)))
        #if !DEBUG
            XCTAssertGreaterThan(result.megabytesPerSecond, 1)
        #endif
    }
}
