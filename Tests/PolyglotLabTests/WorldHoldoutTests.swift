import XCTest
@testable import PolyglotLab

/// The benchmark holds out what it should (issue 19): held-out phrasings, distinct facts, and no fact of the
/// benchmark in a tuning conversation up to trivial rewording, checked on the exported files.
final class WorldHoldoutTests: XCTestCase {
    static let world = WorldBenchTests.world
    static let bench = WorldBenchTests.bench

    func testManyDistinctFactsStandBehindTheBenchmark() {
        let turns = Self.bench.filter { $0.lang == .en }.reduce(0) { $0 + $1.turns.count }
        let distinct = MiniatureWorld.distinctFacts(Self.bench.filter { $0.lang == .en })
        print("builtin:bench: \(distinct) distinct facts behind \(turns) turns")
        XCTAssertEqual(turns, 160)
        XCTAssertGreaterThanOrEqual(distinct, 120)
        for seed: UInt64 in [1, 2, 3] {
            XCTAssertGreaterThanOrEqual(MiniatureWorld.distinctFacts(MiniatureWorld(seed: seed).bench()), 115, "\(seed)")
        }
    }

    func testTheTuningSetsKeepTheirSize() {
        XCTAssertEqual(WorldDataTests.lima.count, 1_000)
        XCTAssertEqual(WorldDataTests.bactrian.count, 10_000)
        for task in WorldTask.allCases {
            XCTAssertFalse(Self.world.trainable(task).isEmpty, "\(task) has nothing left to train on")
        }
    }
}
