import XCTest
@testable import PolyglotEngine

final class MoETests: XCTestCase {
    let N = 6, C = 4, F = 5, E = 4, K = 2

    func makeWeights(seed: UInt64) -> (FloatBuffer, MoEWeights) {
        let all = GradCheck.random(E * C + 3 * E * F * C, seed: seed, scale: 0.7)
        let p = all.ptr
        return (all, MoEWeights(router: p, w1: p + E * C, w2: p + E * C + E * F * C, w3: p + E * C + 2 * E * F * C))
    }

    /// One-hot router rows pin the Mixtral choices: softmax before top-k, renormalised weights, lower index on ties.
    func testRoutingPicksTopKAndRenormalises() {
        let (all, w) = makeWeights(seed: 1)
        all.ptr.update(repeating: 0, count: E * C)
        w.router[2 * C + 0] = 3; w.router[1 * C + 0] = 1  // input e0 favours expert 2, then 1
        let x = FloatBuffer(count: 2 * C); x.ptr[0] = 1  // row 1 is all zeros: uniform router, tie
        let acts = MoEActivations(N: 2, C: C, F: F, E: E, K: K), out = FloatBuffer(count: 2 * C)
        moeForward(out: out.ptr, acts: acts, inp: x.ptr, weights: w, valid: nil, N: 2)
        XCTAssertEqual(Array(acts.topIdx[0..<2]), [2, 1])
        let p2 = acts.probs.ptr[2], p1 = acts.probs.ptr[1]
        XCTAssertEqual(acts.topW.ptr[0], p2 / (p1 + p2), accuracy: 1e-6)
        XCTAssertEqual(acts.topW.ptr[0] + acts.topW.ptr[1], 1, accuracy: 1e-6)
        XCTAssertEqual(Array(acts.topIdx[2..<4]), [0, 1], "ties go to the lower expert index")
        XCTAssertEqual(acts.start, [0, 1, 3, 4, 4])
    }

    func testMoEBackwardIncludingRouterAndAuxLoss() {
        let (all, w) = makeWeights(seed: 2)
        let x = GradCheck.random(N * C, seed: 3), dout = GradCheck.random(N * C, seed: 4)
        let acts = MoEActivations(N: N, C: C, F: F, E: E, K: K), out = FloatBuffer(count: N * C)
        let valid: [Float] = [1, 1, 1, 0, 1, 1]
        let auxScale: Float = 0.3
        func loss() -> Double {
            let aux = moeForward(out: out.ptr, acts: acts, inp: x.ptr, weights: w, valid: valid, N: N)
            return GradCheck.weightedSum(out.ptr, dout.ptr, N * C) + Double(auxScale * aux)
        }
        let routed = (0..<1).map { _ -> [Int32] in
            _ = loss(); return acts.topIdx
        }[0]
        let grads = FloatBuffer(count: all.count), dx = FloatBuffer(count: N * C)
        let p = grads.ptr
        let dw = MoEWeights(router: p, w1: p + E * C, w2: p + E * C + E * F * C, w3: p + E * C + 2 * E * F * C)
        moeBackward(
            dinp: dx.ptr, dweights: dw, scratch: MoEGradScratch(N: N, C: C, F: F, E: E, K: K), dout: dout.ptr,
            acts: acts, inp: x.ptr, weights: w, valid: valid, auxScale: auxScale, N: N)
        let h: Float = 1e-3
        XCTAssertLessThan(
            GradCheck.relativeError(x: x.ptr, analytic: dx.ptr, indices: Array(0..<(N * C)), h: h, loss: loss), 1e-2)
        XCTAssertLessThan(
            GradCheck.relativeError(x: all.ptr, analytic: grads.ptr, indices: Array(0..<(E * C)), h: h, loss: loss),
            1e-2,
            "router gradient")
        XCTAssertLessThan(
            GradCheck.relativeError(
                x: all.ptr, analytic: grads.ptr, indices: Array((E * C)..<all.count), h: h, loss: loss), 1e-2,
            "expert gradients")
        _ = loss()
        XCTAssertEqual(acts.topIdx, routed, "finite differences must not change the routing")
    }

    func testAuxLossIsOneForUniformRouting() {
        let (all, w) = makeWeights(seed: 5)
        all.ptr.update(repeating: 0, count: E * C)  // zero router: P_e = 1/E; f sums to K
        let x = GradCheck.random(N * C, seed: 6)
        let acts = MoEActivations(N: N, C: C, F: F, E: E, K: K), out = FloatBuffer(count: N * C)
        let aux = moeForward(out: out.ptr, acts: acts, inp: x.ptr, weights: w, valid: nil, N: N)
        XCTAssertEqual(aux, Float(K), accuracy: 1e-5)  // E · Σ f_e · (1/E) = Σ f_e = K
    }
}
