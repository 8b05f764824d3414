import XCTest
@testable import PolyglotEngine

final class EngineBenchTests: XCTestCase {
    /// Runs the real benchmark when POLYGLOT_BENCH=1 (it takes about a minute), printing the records.
    func testBenchmarkRecords() throws {
        guard ProcessInfo.processInfo.environment["POLYGLOT_BENCH"] == "1" else {
            throw XCTSkip("set POLYGLOT_BENCH=1 to run the engine benchmark")
        }
        let records = try EngineBench.run()
        for r in records { print("BENCH \(r.config) \(r.metric) \(String(format: "%.2f", r.value))") }
        XCTAssertEqual(records.count, 15)
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
