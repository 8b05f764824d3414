import XCTest
@testable import PolyglotEngine

final class TokenizerStreamingTests: XCTestCase {
    func testMultiByteCharactersAreHeldBackUntilComplete() throws {
        let bytesOnly = try BPETokenizer.train(texts: [], target: .merges(0))
        var decoder = StreamingDecoder(tokenizer: bytesOnly)
        let ids = bytesOnly.encode("a😀é")
        XCTAssertEqual(ids.count, 1 + 4 + 2)
        let outputs = try ids.map { try decoder.push($0) }
        XCTAssertEqual(outputs, ["a", "", "", "", "😀", "", "é"])
        XCTAssertEqual(decoder.finish(), "")
    }

    func testUnfinishedTailBecomesReplacementOnFinish() throws {
        let bytesOnly = try BPETokenizer.train(texts: [], target: .merges(0))
        var decoder = StreamingDecoder(tokenizer: bytesOnly)
        XCTAssertEqual(try decoder.push(0x41), "A")
        XCTAssertEqual(try decoder.push(0xE2), "")
        XCTAssertEqual(try decoder.push(0x82), "")
        XCTAssertEqual(decoder.finish(), "\u{FFFD}")
        XCTAssertEqual(try decoder.push(0x42), "B")
        XCTAssertThrowsError(try decoder.push(-3))
    }

    func testChunksConcatenateToTheFullDecodeForArbitraryIds() throws {
        let tokenizer = try BPETokenizer.train(texts: TokenizerFixtures.multilingualSentences, target: .merges(300))
        var rng = SeededRNG(seed: 21)
        for trial in 0..<300 {
            // Half the trials decode real text, half random ids (any bytes, valid UTF-8 or not).
            let ids =
                trial.isMultiple(of: 2)
                ? tokenizer.encode(
                    TokenizerRoundTripTests.edgeCases[trial / 2 % TokenizerRoundTripTests.edgeCases.count])
                : (0..<Int.random(in: 0...20, using: &rng)).map { _ in
                    Int.random(in: 0..<tokenizer.vocabSize, using: &rng)
                }
            var decoder = StreamingDecoder(tokenizer: tokenizer)
            var streamed = ""
            for id in ids {
                let chunk = try decoder.push(id)
                streamed += chunk
            }
            streamed += decoder.finish()
            XCTAssertEqual(streamed, try tokenizer.decode(ids), "ids \(ids)")
        }
    }

    func testCompletePrefixLength() {
        XCTAssertEqual(StreamingDecoder.completePrefixLength([]), 0)
        XCTAssertEqual(StreamingDecoder.completePrefixLength([0x61, 0xF0, 0x9F, 0x98]), 1)
        XCTAssertEqual(StreamingDecoder.completePrefixLength([0x61, 0xF0, 0x9F, 0x98, 0x80]), 5)
        XCTAssertEqual(StreamingDecoder.completePrefixLength([0x80, 0x80, 0x80, 0x80, 0x80]), 5)  // stray continuations
        XCTAssertEqual(StreamingDecoder.completePrefixLength([0xC3]), 0)
        XCTAssertEqual(StreamingDecoder.completePrefixLength([0xFF]), 1)  // never valid: nothing to wait for
    }
}
