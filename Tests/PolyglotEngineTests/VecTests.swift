import Foundation
import XCTest
@testable import PolyglotEngine

/// The hand-vectorised helpers the kernels are built on.
final class VecTests: XCTestCase {
    func testVectorExpMatchesDoublePrecisionExp() {
        var worst = 0.0
        var x: Float = -87
        while x < 88 {
            let e = Vec.exp(Float8(repeating: x))[0]
            worst = max(worst, abs(Double(e) - Foundation.exp(Double(x))) / Foundation.exp(Double(x)))
            x += 0.0137
        }
        XCTAssertLessThan(worst, 3e-7, "relative error of the 8-lane exp")
        XCTAssertEqual(Vec.exp(Float8(repeating: 0))[0], 1)
        let underflow = Vec.exp(Float8(repeating: -.infinity))[0]
        XCTAssertTrue(underflow >= 0 && underflow < 1e-37, "exp(−∞) is clamped to ≈0, got \(underflow)")
        XCTAssertTrue(Vec.exp(Float8(repeating: 1000))[0].isFinite, "large inputs are clamped, not infinite")
    }

    func testExpShiftedSumHandlesTailsAndReturnsTheSum() {
        for n in [1, 7, 8, 9, 23] {
            let x = FloatBuffer(count: n)
            for i in 0..<n { x.ptr[i] = Float(i) * 0.3 - 2 }
            let expected = (0..<n).reduce(0.0) { $0 + Foundation.exp(Double(x.ptr[$1]) - 1) }
            let values = (0..<n).map { Foundation.exp(Double(x.ptr[$0]) - 1) }
            let sum = Vec.expShiftedSum(x.ptr, n, shift: 1)
            XCTAssertEqual(Double(sum), expected, accuracy: expected * 1e-6, "n = \(n)")
            for i in 0..<n { XCTAssertEqual(Double(x.ptr[i]), values[i], accuracy: values[i] * 1e-6) }
            XCTAssertEqual(Vec.max(x.ptr, n), x.ptr[n - 1])
        }
    }

    /// Elementwise kernels compute every element on its own, so splitting the range (as the worker pool does)
    /// never changes a bit: training results do not depend on the number of cores.
    func testSwiGLUGivesTheSameBitsHoweverTheRangeIsSplit() {
        let n = 1 << 15 + 5
        let g = GradCheck.random(n, seed: 1, scale: 4), u = GradCheck.random(n, seed: 2)
        let whole = FloatBuffer(count: n), pieces = FloatBuffer(count: n)
        swigluForward(h: whole.ptr, gate: g.ptr, up: u.ptr, count: n)
        var start = 0
        for size in [3, 1000, 8, 17, 20_000] {
            swigluForward(h: pieces.ptr + start, gate: g.ptr + start, up: u.ptr + start, count: size, parallel: false)
            start += size
        }
        swigluForward(h: pieces.ptr + start, gate: g.ptr + start, up: u.ptr + start, count: n - start, parallel: false)
        XCTAssertEqual(whole.toArray(), pieces.toArray())
    }

    func testAdamWClearsTheGradientsItConsumes() {
        let n = 37
        let opt = AdamW(
            count: n, ranges: [0..<n], decayMask: [true], beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1)
        let p = GradCheck.random(n, seed: 1), g = GradCheck.random(n, seed: 2)
        let before = p.toArray(), grads = g.toArray()
        opt.update(params: p.ptr, grads: g.ptr, lr: 1e-2, gradScale: 0.5)
        XCTAssertEqual(g.toArray(), [Float](repeating: 0, count: n))
        for i in 0..<n {  // first step: m̂ = g', v̂ = g'², so the step is lr·(sign(g') + wd·p)
            let gs = Double(grads[i]) * 0.5
            let expected = Double(before[i]) - 1e-2 * (gs / (abs(gs) + 1e-8) + 0.1 * Double(before[i]))
            XCTAssertEqual(Double(p.ptr[i]), expected, accuracy: 1e-6)
        }
    }
}
