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
        XCTAssertEqual(records.count, 5 * presets.count)
        XCTAssertTrue(records.allSatisfy { $0.value > 0 && $0.value.isFinite })
    }

    func testSmallBenchmarkRunsAndReportsPositiveNumbers() throws {
        XCTAssertGreaterThan(EngineBench.sgemmGFLOPS(M: 64, K: 64, N: 64), 0)
        XCTAssertGreaterThan(EngineBench.peakRSSMegabytes(), 0)
        let cfg = TransformerTests.tinyConfig(moe: true)
        XCTAssertGreaterThan(try EngineBench.trainTokensPerSecond(cfg, batchSize: 2, steps: 1, seed: 0), 0)
        XCTAssertGreaterThan(try EngineBench.generateTokensPerSecond(cfg, seed: 0), 0)
    }
}
