import XCTest
@testable import PolyglotEngine

final class MatmulTests: XCTestCase {
    func testBLASMatchesReferenceForAllTransposes() {
        for (M, N, K) in [(1, 7, 5), (3, 4, 6), (70, 33, 129), (300, 64, 40)] {
            for transA in [false, true] {
                for transB in [false, true] {
                    let A = GradCheck.random(M * K, seed: 1), B = GradCheck.random(K * N, seed: 2)
                    let lda = transA ? M : K, ldb = transB ? K : N
                    let C1 = GradCheck.random(M * N, seed: 3), C2 = FloatBuffer(count: M * N)
                    C2.copy(from: C1.toArray())
                    sgemm(
                        transA: transA, transB: transB, M: M, N: N, K: K, A: A.ptr, lda: lda, B: B.ptr, ldb: ldb,
                        C: C1.ptr, ldc: N, beta: 1)
                    sgemmReference(
                        transA: transA, transB: transB, M: M, N: N, K: K, A: A.ptr, lda: lda, B: B.ptr, ldb: ldb,
                        C: C2.ptr, ldc: N, beta: 1)
                    for i in 0..<(M * N) {
                        XCTAssertEqual(
                            C1.ptr[i], C2.ptr[i], accuracy: 1e-4 * Float(K).squareRoot() * 4,
                            "M\(M) N\(N) K\(K) tA\(transA) tB\(transB) at \(i)")
                    }
                }
            }
        }
    }

    func testLinearBackwardMatchesFiniteDifferences() {
        let N = 5, C = 6, OC = 4
        let inp = GradCheck.random(N * C, seed: 1), W = GradCheck.random(OC * C, seed: 2),
            w = GradCheck.random(N * OC, seed: 3)
        let out = FloatBuffer(count: N * OC), dinp = FloatBuffer(count: N * C), dW = FloatBuffer(count: OC * C)
        func loss() -> Double {
            linearForward(out: out.ptr, inp: inp.ptr, weight: W.ptr, N: N, C: C, OC: OC)
            return GradCheck.weightedSum(out.ptr, w.ptr, N * OC)
        }
        _ = loss()
        linearBackward(dinp: dinp.ptr, dweight: dW.ptr, dout: w.ptr, inp: inp.ptr, weight: W.ptr, N: N, C: C, OC: OC)
        XCTAssertLessThan(
            GradCheck.relativeError(x: inp.ptr, analytic: dinp.ptr, indices: Array(0..<(N * C)), loss: loss), 1e-2)
        XCTAssertLessThan(
            GradCheck.relativeError(x: W.ptr, analytic: dW.ptr, indices: Array(0..<(OC * C)), loss: loss), 1e-2)
    }
}
