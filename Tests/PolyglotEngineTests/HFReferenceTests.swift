import XCTest
@testable import PolyglotEngine

/// Cross-checks our checkpoint layout and forward pass against Hugging Face transformers itself
/// (Tests/Fixtures/engine/hf_transformers_logits.py; skips without torch + transformers) and against an independent
/// NumPy port of its Llama/Mixtral modelling code (Tests/Fixtures/engine/hf_llama_reference.py; skips without numpy).
final class HFReferenceTests: XCTestCase {
    private static let configs = [
        ModelConfig(
            vocabSize: 50, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2,
            intermediateSize: 48, maxPositionEmbeddings: 32, ropeTheta: 500),
        ModelConfig(
            vocabSize: 50, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 24,
            maxPositionEmbeddings: 32, tieWordEmbeddings: true, experts: 4, expertsPerToken: 2)
    ]
    private static let tokens = [3, 14, 15, 9, 26, 5, 35, 8, 9, 7, 9, 32]

    private static func fixture(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/engine/\(name)")
    }

    /// Saves a seeded model of each config and compares its logits at every position with `reference(dir)`.
    private func compareEachConfig(against name: String, _ reference: (URL) throws -> [[Double]]) throws {
        for cfg in Self.configs {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hfref-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let model = try Transformer(config: cfg, seed: 21)
            // Larger weights than the N(0, 0.02) init so differences in layout would show in the logits.
            for s in model.parameterSpecs where s.decays {
                for i in 0..<s.count { model.params.ptr[s.offset + i] *= 10 }
            }
            try Checkpoint.save(model, to: dir)
            let expected = try reference(dir)
            let ours = try model.inferLogits(Self.tokens, cache: KVCache(for: model), lastOnly: false)
            XCTAssertEqual(expected.count, Self.tokens.count)
            var maxDiff = 0.0
            for t in Self.tokens.indices {
                for v in 0..<cfg.vocabSize {
                    maxDiff = max(maxDiff, abs(expected[t][v] - Double(ours[t * cfg.vocabSize + v])))
                }
            }
            print("\(cfg.modelType): max |logit difference| vs \(name) = \(maxDiff)")
            XCTAssertLessThan(maxDiff, 1e-4)
        }
    }

    func testCheckpointLoadsInTransformersWithTheSameLogits() throws {
        try compareEachConfig(against: "transformers") { dir in
            let p = Process(), out = Pipe()
            let errFile = dir.appendingPathExtension("stderr")  // a file, not a pipe: warnings cannot block the child
            _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: errFile) }
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [
                "python3", Self.fixture("hf_transformers_logits.py").path, dir.path,
                Self.tokens.map(String.init).joined(separator: ",")
            ]
            p.standardOutput = out
            p.standardError = try FileHandle(forWritingTo: errFile)
            do { try p.run() } catch { throw XCTSkip("python3 not available: \(error)") }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let message = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
            if p.terminationStatus == 3 {
                throw XCTSkip("torch and transformers are not installed (pip install torch transformers)")
            }
            XCTAssertEqual(p.terminationStatus, 0, message)
            struct Reply: Decodable { let architecture: String; let logits: [[Double]] }
            let reply = try JSONDecoder().decode(Reply.self, from: data)
            let config =
                try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json")))
                as? [String: Any]
            XCTAssertEqual([reply.architecture], config?["architectures"] as? [String])
            return reply.logits
        }
    }

    func referenceLogits(dir: URL, tokens: [Int]) throws -> [[Double]] {
        let script = Self.fixture("hf_llama_reference.py")
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import numpy"]
        probe.standardError = FileHandle.nullDevice
        do { try probe.run(); probe.waitUntilExit() } catch { throw XCTSkip("python3 not available: \(error)") }
        guard probe.terminationStatus == 0 else {
            throw XCTSkip("python3 with numpy not installed (pip install numpy)")
        }
        let p = Process(), out = Pipe()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script.path, dir.path, tokens.map(String.init).joined(separator: ",")]
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return try JSONDecoder().decode([[Double]].self, from: data)
    }

    func testLogitsMatchNumPyPortOfHF() throws {
        try compareEachConfig(against: "the NumPy port of HF") { dir in
            try referenceLogits(dir: dir, tokens: Self.tokens)
        }
    }
}
