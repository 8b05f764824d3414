import XCTest
@testable import PolyglotEngine

/// Shared text samples for the tokenizer tests.
enum TokenizerFixtures {
    static let multilingualSentences = [
        "The quick brown fox jumps over the lazy dog. What's the capital of France?",
        "Der schnelle braune Fuchs springt über den faulen Hund. Was ist die Hauptstadt von Österreich?",
        "Le renard brun rapide saute par-dessus le chien paresseux. Quelle est la capitale de l'Italie ?",
        "La volpe marrone veloce salta sopra il cane pigro. Qual è la capitale della Spagna?",
        "El rápido zorro marrón salta sobre el perro perezoso. ¿Cuál es la capital de la República Checa?",
        "Straße, Größe und Fußgängerübergänge: 1.234,56 € — «très» “quoted” 😀\n\n\tTabbed line"
    ]

    /// A deterministic corpus of about `bytes` bytes: sentences of words drawn Zipf-like from a lexicon of
    /// `lexiconSize` made-up words built from syllables of the five languages (accents included).
    static func syntheticCorpus(bytes: Int, seed: UInt64, lexiconSize: Int = 8000) -> [String] {
        let syllables = [
            "la", "le", "der", "die", "und", "ción", "mente", "ver", "ung", "ch", "sch", "qu", "gli",
            "è", "é", "à", "ü", "ö", "ß", "ñ", "ti", "ra", "con", "per", "re", "st", "in", "ent", "os",
            "ga", "zo", "bu", "mi", "na", "to", "ri", "al", "es", "el", "ne"
        ]
        var rng = SeededRNG(seed: seed)
        let lexicon = (0..<lexiconSize).map { _ in
            (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                syllables[Int.random(in: 0..<syllables.count, using: &rng)]
            }.joined()
        }
        let punctuation = [".", ",", "?", "!", ":"]
        var texts: [String] = []
        var total = 0
        while total < bytes {
            var sentence: [String] = []
            for _ in 0..<Int.random(in: 5...20, using: &rng) {
                // Rank r comes out with probability falling like 1/r: u^3 skews draws towards the front.
                let u = Double.random(in: 0..<1, using: &rng)
                sentence.append(lexicon[Int(u * u * u * Double(lexicon.count))])
            }
            let text =
                sentence.joined(separator: " ") + punctuation[Int.random(in: 0..<punctuation.count, using: &rng)] + "\n"
            total += text.utf8.count
            texts.append(text)
        }
        return texts
    }
}

final class TokenizerTrainingTests: XCTestCase {
    func testGoldenMergesWithTieBreaking() throws {
        // Pre-tokens: "ab" " ab" " ab" " cd" " cd". (a,b)=3 merges first; then (" ",c), (" ",ab) and (c,d) tie
        // at 2 and the smallest id pair (32,99) wins; then (32,256) " ab"; then (257,100) " cd".
        let tokenizer = try BPETokenizer.train(texts: ["ab ab ab cd cd"], target: .merges(10))
        XCTAssertEqual(tokenizer.merges.map { [$0.left, $0.right] }, [[97, 98], [32, 99], [32, 256], [257, 100]])
        XCTAssertEqual(tokenizer.vocabSize, 256 + 4 + 5)
        XCTAssertEqual(try (256..<260).map { try tokenizer.tokenString($0) }, ["ab", "Ġc", "Ġab", "Ġcd"])
        XCTAssertEqual(tokenizer.specialTokens[SpecialToken.system], 260)
        XCTAssertEqual(tokenizer.specialTokens[SpecialToken.pad], 264)
        XCTAssertEqual(tokenizer.encode("ab cd"), [256, 259])
        XCTAssertEqual(tokenizer.encode(" abcd"), [258, 99, 100])
    }

    func testGoldenMergeOrderAndIdsOnTheMultilingualFixture() throws {
        // Golden values; the ids were confirmed with Hugging Face `tokenizers` 0.22 loading the written file.
        let tokenizer = try BPETokenizer.train(texts: TokenizerFixtures.multilingualSentences, target: .merges(60))
        let firstMerges = try tokenizer.merges.prefix(12).map {
            try tokenizer.tokenString(Int($0.left)) + " " + tokenizer.tokenString(Int($0.right))
        }
        XCTAssertEqual(
            firstMerges, ["Ġ l", "a l", "e r", "Ġ s", "c a", "p i", "Ġ d", "Ġ ca", "a r", "e l", "r a", "r o"])
        XCTAssertEqual(
            tokenizer.encode("What's the capital of Österreich?"),
            [87, 104, 97, 116, 39, 115, 297, 274, 278, 296, 102, 282, 150, 286, 258, 306, 105, 271, 63])
        XCTAssertEqual(
            tokenizer.encode("La capitale de l'Italie est Rome."),
            [76, 97, 278, 101, 315, 256, 39, 73, 268, 304, 299, 116, 32, 82, 111, 109, 101, 46])
        XCTAssertEqual(
            tokenizer.encode("¿Cuál es la República?"),
            [194, 191, 67, 117, 195, 161, 108, 299, 269, 32, 82, 101, 112, 195, 186, 98, 108, 105, 260, 63])
        XCTAssertEqual(try tokenizer.tokenString(278), "Ġcapital")
    }

    func testSpecialTokensInTheCorpusAreNeverMerged() throws {
        let tokenizer = try BPETokenizer.train(texts: ["<|end|><|end|><|end|> hi hi"], target: .merges(20))
        for merge in tokenizer.merges {
            let bytes = tokenizer.tokenBytes[Int(merge.left)] + tokenizer.tokenBytes[Int(merge.right)]
            XCTAssertFalse(bytes.contains(UInt8(ascii: "|")), "merge spans a special token")
        }
    }

    func testTrainingReachesTheRequestedVocabularySize() throws {
        let corpus = TokenizerFixtures.syntheticCorpus(bytes: 200_000, seed: 1)
        for size in [300, 600, 900] {
            let tokenizer = try BPETokenizer.train(texts: corpus, target: .vocabSize(size))
            XCTAssertEqual(tokenizer.vocabSize, size)
        }
        let byMerges = try BPETokenizer.train(texts: corpus, target: .merges(500))
        XCTAssertEqual(byMerges.mergeCount, 500)
    }

    func testTrainingIsDeterministic() throws {
        let corpus = TokenizerFixtures.syntheticCorpus(bytes: 100_000, seed: 2)
        let a = try BPETokenizer.train(texts: corpus, target: .merges(400))
        let b = try BPETokenizer.train(texts: corpus, target: .merges(400))
        XCTAssertEqual(a.merges.map { [$0.left, $0.right] }, b.merges.map { [$0.left, $0.right] })
        XCTAssertEqual(a.huggingFaceJSON(), b.huggingFaceJSON())
    }

    func testIncrementalCountsPickTheMostFrequentPairEachStep() throws {
        // Reference trainer: full recount of all pairs before every merge, same tie-breaking.
        let corpus = TokenizerFixtures.multilingualSentences
        let tokenizer = try BPETokenizer.train(texts: corpus, target: .merges(120))
        var words = BPETokenizer.countWords(corpus, specialTokens: SpecialToken.chat).map {
            ($0.bytes.map { Int32($0) }, $0.count)
        }
        for (rank, merge) in tokenizer.merges.enumerated() {
            var counts: [UInt64: Int] = [:]
            for (symbols, count) in words where symbols.count > 1 {
                for k in 0..<(symbols.count - 1) {
                    counts[BPETokenizer.pairKey(symbols[k], symbols[k + 1]), default: 0] += count
                }
            }
            let best = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }
            XCTAssertEqual(best?.key, BPETokenizer.pairKey(merge.left, merge.right), "merge \(rank)")
            let result = Int32(tokenizer.mergeTable[BPETokenizer.pairKey(merge.left, merge.right)]?.result ?? -1)
            words = words.map { symbols, count in
                var out: [Int32] = []
                var k = 0
                while k < symbols.count {
                    if k + 1 < symbols.count, symbols[k] == merge.left, symbols[k + 1] == merge.right {
                        out.append(result); k += 2
                    } else {
                        out.append(symbols[k]); k += 1
                    }
                }
                return (out, count)
            }
        }
    }

    func testInvalidRequestsThrow() {
        XCTAssertThrowsError(try BPETokenizer.train(texts: ["x"], target: .vocabSize(100)))
        XCTAssertThrowsError(try BPETokenizer.train(texts: ["x"], target: .merges(-1)))
        XCTAssertThrowsError(try BPETokenizer.train(texts: ["x"], target: .merges(1), specialTokens: ["<a>", "<a>"]))
    }

    func testTrainingSpeedOnAMiniatureSizedCorpus() throws {
        #if DEBUG
            throw XCTSkip("speed is measured in release builds only (swift test -c release)")
        #else
            let corpus = TokenizerFixtures.syntheticCorpus(bytes: 13_000_000, seed: 3)
            let clock = ContinuousClock()
            var tokenizer: BPETokenizer?
            let elapsed = clock.measure { tokenizer = try? BPETokenizer.train(texts: corpus, target: .merges(2000)) }
            let trained = try XCTUnwrap(tokenizer)
            let throughput = trained.encodingThroughput(of: corpus.joined(), passes: 1)
            print(
                String(
                    format: "train 13 MB, %d merges: %.2f s; encode: %.2f MB/s, %.2f bytes/token", trained.mergeCount,
                    Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                    throughput.megabytesPerSecond, Double(throughput.bytes) / Double(throughput.tokens)))
            XCTAssertLessThan(elapsed, .seconds(20))
        #endif
    }
}
