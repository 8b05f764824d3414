import XCTest
@testable import PolyglotEngine

final class EngineBenchTests: XCTestCase {
    /// Runs the real benchmark when POLYGLOT_BENCH=1 (about a minute; POLYGLOT_BENCH_PRESETS=a,b narrows it).
    func testBenchmarkRecords() throws {
        guard ProcessInfo.processInfo.environment["POLYGLOT_BENCH"] == "1" else {
            throw XCTSkip("set POLYGLOT_BENCH=1 to run the engine benchmark")
        }
        let presets =
            ProcessInfo.processInfo.environment["POLYGLOT_BENCH_PRESETS"]?.split(separator: ",").map(String.init)
            ?? ModelConfig.presetNames
        let records = try EngineBench.run(presets: presets)
        for r in records { print("BENCH \(r.config) \(r.metric) \(String(format: "%.2f", r.value))") }
        XCTAssertEqual(records.count, 8 * presets.count)
        XCTAssertTrue(records.allSatisfy { $0.value > 0 && $0.value.isFinite })
    }

    func testSmallBenchmarkRunsAndReportsPositiveNumbers() throws {
        XCTAssertGreaterThan(EngineBench.sgemmGFLOPS(M: 64, K: 64, N: 64), 0)
        XCTAssertGreaterThan(EngineBench.peakRSSMegabytes(), 0)
        let cfg = TransformerTests.tinyConfig(moe: true)
        for lanes in [1, 2] {
            XCTAssertGreaterThan(
                try EngineBench.trainTokensPerSecond(cfg, batchSize: 2, steps: 1, seed: 0, lanes: lanes), 0)
        }
        XCTAssertGreaterThan(try EngineBench.generateTokensPerSecond(cfg, seed: 0), 0)
    }

    /// The FLOPs behind `train_sgemm_bound_tokens_per_s`, counted by hand for the presets at T = 128 (C 128, F 512,
    /// 4 layers, vocab 2048): per layer q/k/v/o 4·C² = 65,536, SwiGLU 3·C·F = 196,608 (MoE: two experts and the
    /// router, 2·196,608 + 8·C = 394,240), attention 2·C·64.5 = 16,512; the LM head C·V = 262,144; ×2 FLOPs per
    /// multiply-add, ×3 for the backward pass.
    func testTrainingFLOPsPerTokenCountTheProducts() throws {
        let dense = try ModelConfig.preset(named: "tiny-dense"), moe = try ModelConfig.preset(named: "tiny-moe")
        XCTAssertEqual(dense.trainingFLOPsPerToken(T: 128), 6 * (4 * (65_536 + 196_608 + 16_512) + 262_144))
        XCTAssertEqual(moe.trainingFLOPsPerToken(T: 128), 6 * (4 * (65_536 + 394_240 + 16_512) + 262_144))
    }
}
