import Foundation
import XCTest
@testable import PolyglotEngine

final class TokenizerJSONTests: XCTestCase {
    private var samples: [String] { TokenizerFixtures.multilingualSentences + TokenizerRoundTripTests.edgeCases }

    private func trained(merges: Int = 300) throws -> BPETokenizer {
        try BPETokenizer.train(
            texts: TokenizerFixtures.syntheticCorpus(bytes: 50_000, seed: 4)
                + TokenizerFixtures.multilingualSentences, target: .merges(merges))
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizer-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testWriteThenReadGivesIdenticalIds() throws {
        let tokenizer = try trained()
        let url = try temporaryDirectory().appendingPathComponent("tokenizer.json")
        try tokenizer.write(to: url)
        let loaded = try BPETokenizer(contentsOf: url)
        XCTAssertEqual(loaded.vocabSize, tokenizer.vocabSize)
        XCTAssertEqual(loaded.specialTokens, tokenizer.specialTokens)
        for text in samples {
            XCTAssertEqual(loaded.encode(text), tokenizer.encode(text), text.debugDescription)
            XCTAssertEqual(loaded.encode(text, allowSpecial: true), tokenizer.encode(text, allowSpecial: true))
        }
        XCTAssertEqual(loaded.huggingFaceJSON(), tokenizer.huggingFaceJSON())
    }

    func testReadsMergesAsPairsAndVersionLines() throws {
        let tokenizer = try trained()
        var root = try XCTUnwrap(JSONSerialization.jsonObject(with: tokenizer.huggingFaceJSON()) as? [String: Any])
        var model = try XCTUnwrap(root["model"] as? [String: Any])
        let lines = try XCTUnwrap(model["merges"] as? [String])
        model["merges"] = lines.map { $0.split(separator: " ").map(String.init) }
        root["model"] = model
        let pairs = try BPETokenizer(huggingFaceJSON: JSONSerialization.data(withJSONObject: root))
        model["merges"] = ["#version: 0.2"] + lines
        root["model"] = model
        let versioned = try BPETokenizer(huggingFaceJSON: JSONSerialization.data(withJSONObject: root))
        for text in samples {
            XCTAssertEqual(pairs.encode(text), tokenizer.encode(text))
            XCTAssertEqual(versioned.encode(text), tokenizer.encode(text))
        }
    }

    func testWrittenFileUsesTheByteLevelAlphabet() throws {
        let tokenizer = try BPETokenizer.train(texts: ["ab ab ab cd cd"], target: .merges(10))
        let text = String(decoding: tokenizer.huggingFaceJSON(), as: UTF8.self)
        XCTAssertTrue(text.contains("\"Ġ\": 32"))
        XCTAssertTrue(text.contains("\"Ċ\": 10"))
        XCTAssertTrue(text.contains("\"ĉ\": 9"))
        XCTAssertTrue(text.contains("\"Ġab\": 258"))
        XCTAssertTrue(text.contains("\"Ġc d\""))
        XCTAssertTrue(text.contains("{\"id\": 263, \"content\": \"<|end|>\""))
    }

    func testBadFilesThrowWithLocationAndExpectation() throws {
        func message(_ json: String) -> String {
            do {
                _ = try BPETokenizer(huggingFaceJSON: Data(json.utf8), path: "t.json")
                return "no error"
            } catch { return "\(error)" }
        }
        let syntax = message("{\n  \"model\": [1,\n  }")
        XCTAssertTrue(syntax.hasPrefix("t.json:3:") && syntax.contains("invalid JSON"), syntax)
        XCTAssertEqual(message("[]"), "t.json:1:1: expected a JSON object at the top level")
        XCTAssertEqual(message("{}"), "t.json:model: expected a JSON object")
        XCTAssertEqual(
            message("{\"model\": {\"type\": \"WordPiece\"}}"),
            "t.json:model.type: expected \"BPE\", found \"WordPiece\"")
        let good = String(decoding: try trained(merges: 5).huggingFaceJSON(), as: UTF8.self)
        let badMerge = good.replacingOccurrences(
            of: "\"merges\": [\n      \"", with: "\"merges\": [\n      \"x y z\", \"")
        XCTAssertEqual(message(badMerge), "t.json:model.merges[0]: expected exactly two tokens, found 3")
        let unknown = good.replacingOccurrences(
            of: "\"merges\": [\n      \"", with: "\"merges\": [\n      \"zz q\", \"")
        XCTAssertEqual(message(unknown), "t.json:model.merges[0]: token \"zz\" is not in model.vocab")
        let metaspace = good.replacingOccurrences(
            of: "\"pre_tokenizer\": {\"type\": \"ByteLevel\"", with: "\"pre_tokenizer\": {\"type\": \"Metaspace\"")
        XCTAssertTrue(message(metaspace).hasPrefix("t.json:pre_tokenizer.type: expected \"ByteLevel\""))
        XCTAssertThrowsError(try BPETokenizer(contentsOf: URL(fileURLWithPath: "/nonexistent/tokenizer.json")))
    }

    func testIgnoreMergesEmitsWholeVocabularyWords() throws {
        let tokenizer = try BPETokenizer.train(texts: ["ab ab ab cd cd"], target: .merges(10))
        var root = try XCTUnwrap(JSONSerialization.jsonObject(with: tokenizer.huggingFaceJSON()) as? [String: Any])
        var model = try XCTUnwrap(root["model"] as? [String: Any])
        var vocab = try XCTUnwrap(model["vocab"] as? [String: Int])
        vocab["xyz"] = tokenizer.vocabSize  // a word no merge can build
        model["vocab"] = vocab
        for (flag, expected) in [(true, [tokenizer.vocabSize]), (false, [120, 121, 122])] {
            model["ignore_merges"] = flag
            root["model"] = model
            let loaded = try BPETokenizer(huggingFaceJSON: JSONSerialization.data(withJSONObject: root))
            XCTAssertEqual(loaded.encode("xyz"), expected)
            XCTAssertEqual(loaded.encode("ab cd"), [256, 259])
        }
    }

    func testVocabularyProblemsAreReported() throws {
        let tokenizer = try BPETokenizer.train(texts: ["ab ab ab cd cd"], target: .merges(10))
        var root = try XCTUnwrap(JSONSerialization.jsonObject(with: tokenizer.huggingFaceJSON()) as? [String: Any])
        var model = try XCTUnwrap(root["model"] as? [String: Any])
        var vocab = try XCTUnwrap(model["vocab"] as? [String: Int])
        vocab["Ġab"] = nil  // the result of merge 2, and a hole in the ids
        model["vocab"] = vocab
        root["model"] = model
        XCTAssertThrowsError(
            try BPETokenizer(huggingFaceJSON: JSONSerialization.data(withJSONObject: root), path: "v.json")
        ) { error in
            XCTAssertEqual("\(error)", "v.json:model.vocab: ids must be contiguous from 0; id 258 is missing")
        }
        vocab["Ġab"] = 258
        vocab["a"] = nil
        vocab["zz"] = 97
        model["vocab"] = vocab
        root["model"] = model
        XCTAssertThrowsError(
            try BPETokenizer(huggingFaceJSON: JSONSerialization.data(withJSONObject: root), path: "v.json")
        ) { error in
            XCTAssertEqual("\(error)", "v.json:model.merges[0]: token \"a\" is not in model.vocab")
        }
    }

    // MARK: - Cross-check with the Hugging Face `tokenizers` Python library

    private static let python = """
        import json, sys
        from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
        mode, path, samples_path = sys.argv[1], sys.argv[2], sys.argv[3]
        samples = json.load(open(samples_path, encoding="utf-8"))
        if mode == "train":
            tok = Tokenizer(models.BPE())
            tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
            tok.decoder = decoders.ByteLevel()
            trainer = trainers.BpeTrainer(vocab_size=700, show_progress=False,
                special_tokens=["<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "<|pad|>"],
                initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
            tok.train_from_iterator(samples["plain"], trainer)
            tok.save(path)
        else:
            tok = Tokenizer.from_file(path)
        plain = [tok.encode(s, add_special_tokens=False).ids for s in samples["plain"]]
        special = [tok.encode(s, add_special_tokens=False).ids for s in samples["special"]]
        decoded = [tok.decode(ids, skip_special_tokens=False) for ids in plain + special]
        print(json.dumps({"plain": plain, "special": special, "decoded": decoded}))
        """

    /// Runs the Python helper; skips the test when python3 or `tokenizers` is missing.
    private func runPython(_ mode: String, tokenizerPath: URL, samples: [String: [String]], in dir: URL) throws
        -> [String: Any]
    {
        let script = dir.appendingPathComponent("crosscheck.py")
        try Data(Self.python.utf8).write(to: script)
        let samplesURL = dir.appendingPathComponent("samples.json")
        try JSONSerialization.data(withJSONObject: samples).write(to: samplesURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, mode, tokenizerPath.path, samplesURL.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw XCTSkip("python3 is not available: \(error)") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if stderr.contains("No module named 'tokenizers'") || process.terminationStatus == 127 {
            throw XCTSkip("the Python `tokenizers` package is not installed (pip install tokenizers)")
        }
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: stdout) as? [String: Any])
    }

    /// Random strings over the characters where pre-tokenizers differ: whitespace kinds, apostrophes and
    /// contractions, digits, other numbers, combining marks, emoji with ZWJ, CJK and control characters.
    static func randomStrings(count: Int, seed: UInt64) -> [String] {
        let pieces = [
            " ", "  ", "\n", "\r\n", "\t", "\u{A0}", "\u{3000}", "\u{2028}", "'", "'s", "'re", "'LL", "'ve",
            "a", "Z", "ß", "é", "e\u{301}", "ñ", "1", "42", "²", "½", "Ⅻ", ".", "...", "¿", "«", "—", "😀",
            "👩‍💻", "🇩🇪", "中", "日本", "\u{0}", "\u{1}", "\u{7F}", "\u{FEFF}", "<", "|", "-", "_",
            "𝐀", "𝟙", "क्षि", "ﬁ", "Ⓐ", "ǅ", "ا\u{64B}", "\u{85}", "\u{200B}", "\u{180E}", "x\u{308}"
        ]
        var rng = SeededRNG(seed: seed)
        return (0..<count).map { _ in
            (0..<Int.random(in: 1...14, using: &rng)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }
                .joined()
        }
    }

    /// Plain multilingual samples (no special-token strings) and chat renderings that contain them.
    private func crossCheckSamples() throws -> [String: [String]] {
        var plain = samples.filter { !$0.contains("<|") }
        plain += try MTBenchX.questionTurns(limitPerLanguage: 40)
        plain += Self.randomStrings(count: 300, seed: 11)
        let template = try ChatTemplate(tokenizer: trained(merges: 10))
        let special = [
            template.render(
                [
                    ChatMessage(.system, "Antworte auf Deutsch."), ChatMessage(.user, "Wie spät ist es?"),
                    ChatMessage(.assistant, "Es ist 12 Uhr.")
                ], addGenerationPrompt: false),
            template.render(
                [ChatMessage(.user, " ¿Qué tal?\n"), ChatMessage(.assistant, "Bien 😀")], addGenerationPrompt: true),
            "<|end|><|end|>text<|pad|> <|user|>"
        ]
        return ["plain": plain, "special": special]
    }

    private func assertMatchesPython(
        _ tokenizer: BPETokenizer, _ result: [String: Any], _ samples: [String: [String]],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let plain = try XCTUnwrap(result["plain"] as? [[Int]])
        let special = try XCTUnwrap(result["special"] as? [[Int]])
        let decoded = try XCTUnwrap(result["decoded"] as? [String])
        let plainSamples = samples["plain"] ?? [], specialSamples = samples["special"] ?? []
        var mismatches = 0
        for (text, ids) in zip(plainSamples, plain) where tokenizer.encode(text) != ids {
            mismatches += 1
            XCTFail("ids differ for \(text.debugDescription)", file: file, line: line)
        }
        for (text, ids) in zip(specialSamples, special) where tokenizer.encode(text, allowSpecial: true) != ids {
            mismatches += 1
            XCTFail("special ids differ for \(text.debugDescription)", file: file, line: line)
        }
        for (ids, text) in zip(plain + special, decoded) {
            XCTAssertEqual(try tokenizer.decode(ids), text, file: file, line: line)
        }
        let tokens = plain.map(\.count).reduce(0, +)
        print(
            "python tokenizers cross-check: \(plain.count + special.count) samples, \(tokens) tokens, \(mismatches) mismatches"
        )
    }

    func testPythonTokenizersLoadsOurFileAndProducesTheSameIds() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("tokenizer.json")
        let samples = try crossCheckSamples()
        let tokenizer = try BPETokenizer.train(
            texts: TokenizerFixtures.syntheticCorpus(bytes: 100_000, seed: 5) + (samples["plain"] ?? []),
            target: .merges(800))
        try tokenizer.write(to: url)
        try assertMatchesPython(tokenizer, runPython("encode", tokenizerPath: url, samples: samples, in: dir), samples)
    }

    func testWeReadAFileTrainedByPythonTokenizers() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("hf-tokenizer.json")
        let samples = try crossCheckSamples()
        let result = try runPython("train", tokenizerPath: url, samples: samples, in: dir)
        let tokenizer = try BPETokenizer(contentsOf: url)
        XCTAssertEqual(tokenizer.specialTokens[SpecialToken.system], 0)  // HF puts special tokens first
        try assertMatchesPython(tokenizer, result, samples)
    }
}

/// The real MT-Bench-X questions (`<root>/../shared/data/mt-bench-x`), when present next to the package.
enum MTBenchX {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/mt-bench-x")
    }

    /// Question turns of every language (up to `limitPerLanguage` each); empty when the data is absent.
    static func questionTurns(limitPerLanguage: Int) throws -> [String] {
        var turns: [String] = []
        for lang in ["EN", "DE", "FR", "IT", "ES"] {
            let url = root.appendingPathComponent("mt_bench_\(lang)/question.jsonl")
            guard let data = try? String(contentsOf: url, encoding: .utf8) else {
                print("MT-Bench-X not found at \(url.path): cross-checking on the built-in samples only")
                return turns
            }
            var perLanguage: [String] = []
            for line in data.split(separator: "\n") where perLanguage.count < limitPerLanguage {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                perLanguage += (object?["turns"] as? [String] ?? []).filter { !$0.contains("<|") }
            }
            turns += perLanguage.prefix(limitPerLanguage)
        }
        return turns
    }
}
