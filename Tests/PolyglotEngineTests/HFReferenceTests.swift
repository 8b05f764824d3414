import XCTest
@testable import PolyglotEngine

/// Cross-checks our checkpoint layout and forward pass against an independent NumPy port of HF's
/// Llama/Mixtral modelling code (Tests/Fixtures/engine/hf_llama_reference.py). Skips without python3 + numpy.
final class HFReferenceTests: XCTestCase {
    func referenceLogits(dir: URL, tokens: [Int]) throws -> [[Double]] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/engine/hf_llama_reference.py")
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import numpy"]
        probe.standardError = FileHandle.nullDevice
        do { try probe.run(); probe.waitUntilExit() } catch { throw XCTSkip("python3 not available: \(error)") }
        guard probe.terminationStatus == 0 else { throw XCTSkip("python3 with numpy not installed (pip install numpy)") }
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
        let configs = [
            ModelConfig(vocabSize: 50, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2,
                        intermediateSize: 48, maxPositionEmbeddings: 32, ropeTheta: 500),
            ModelConfig(vocabSize: 50, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 24,
                        maxPositionEmbeddings: 32, tieWordEmbeddings: true, experts: 4, expertsPerToken: 2),
        ]
        for cfg in configs {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hfref-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let model = try Transformer(config: cfg, seed: 21)
            // Larger weights than the N(0, 0.02) init so differences in layout would show in the logits.
            for s in model.parameterSpecs where s.decays { for i in 0..<s.count { model.params.ptr[s.offset + i] *= 10 } }
            try Checkpoint.save(model, to: dir)
            let tokens = [3, 14, 15, 9, 26, 5, 35, 8, 9, 7, 9, 32]
            let reference = try referenceLogits(dir: dir, tokens: tokens)
            let ours = try model.inferLogits(tokens, cache: KVCache(for: model), lastOnly: false)
            var maxDiff = 0.0
            for t in tokens.indices { for v in 0..<cfg.vocabSize { maxDiff = max(maxDiff, abs(reference[t][v] - Double(ours[t * cfg.vocabSize + v]))) } }
            print("\(cfg.modelType): max |logit difference| vs NumPy HF port = \(maxDiff)")
            XCTAssertLessThan(maxDiff, 1e-4)
        }
    }
}
