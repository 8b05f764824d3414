import XCTest
@testable import PolyglotEngine

final class SeededRNGTests: XCTestCase {
    func testSameSeedSameSequenceDifferentStreamsDiffer() {
        var a = SeededRNG(seed: 7), b = SeededRNG(seed: 7), c = SeededRNG(seed: 7, stream: "data")
        let xa = (0..<5).map { _ in a.next() }, xb = (0..<5).map { _ in b.next() }
        XCTAssertEqual(xa, xb)
        XCTAssertNotEqual(xa, (0..<5).map { _ in c.next() })
    }

    func testUniformAndGaussianMoments() {
        var r = SeededRNG(seed: 1)
        let n = 20000
        let u = (0..<n).map { _ in r.nextDouble() }
        XCTAssertEqual(u.reduce(0, +) / Double(n), 0.5, accuracy: 0.01)
        let g = (0..<n).map { _ in Double(r.nextGaussian()) }
        let mean = g.reduce(0, +) / Double(n)
        let variance = g.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }
}
