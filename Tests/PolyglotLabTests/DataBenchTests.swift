import XCTest
@testable import PolyglotLab

final class DataBenchTests: XCTestCase {
    func testSmallBenchLoadsEveryGeneratedRecord() throws {
        let result = try DataBench.run(itemsPerLanguage: 2_000, bytesPerRecord: 500)
        XCTAssertEqual(result.items, 2_000)
        XCTAssertEqual(result.examples, 10_000)
        XCTAssertGreaterThan(result.megabytes, 4)
        XCTAssertGreaterThan(result.seconds, 0)
        XCTAssertGreaterThan(result.cpuSeconds, 0)
        XCTAssertEqual(result.table.column("measure")?.count, 7)
    }

    /// The full Bactrian-X-sized run (~300 MB); set POLYGLOT_BENCH_FULL=1 to include it.
    func testFullSizeLoadsUnderTwentySecondsAndTwoGiB() throws {
        guard ProcessInfo.processInfo.environment["POLYGLOT_BENCH_FULL"] == "1" else {
            throw XCTSkip("full-size data bench skipped: set POLYGLOT_BENCH_FULL=1 (takes ~1 min with generation)")
        }
        let result = try DataBench.run()
        print(result.table.render())
        XCTAssertEqual(result.examples, 5 * 64_000)
        XCTAssertGreaterThan(result.megabytes, 280)
        XCTAssertLessThan(result.seconds, 20)
        if let peak = result.peakRSSMiB { XCTAssertLessThan(peak, 2048) }
    }
}
