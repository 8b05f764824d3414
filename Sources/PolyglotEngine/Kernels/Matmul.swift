// Dims legend: N rows (B·T tokens), C input channels, OC output channels.
// Transpose convention (stated once): a weight is (OC, C) row-major and `out = inp · Wᵀ`, as in HF/PyTorch.
import COpenBLAS

/// C(M,N) = op(A)·op(B) + beta·C in row-major storage, split across cores along M
/// (each worker calls single-threaded OpenBLAS on its row block); `parallel: false` inside parallel loops.
func sgemm(
    transA: Bool, transB: Bool, M: Int, N: Int, K: Int,
    A: UnsafePointer<Float>, lda: Int, B: UnsafePointer<Float>, ldb: Int,
    C: UnsafeMutablePointer<Float>, ldc: Int, beta: Float, parallel: Bool = true
) {
    if M == 0 || N == 0 { return }
    _ = Parallel.cores  // pins OpenBLAS to one thread before its first call
    if K == 0 {
        for i in 0..<M { for j in 0..<N { C[i * ldc + j] = beta == 0 ? 0 : beta * C[i * ldc + j] } }
        return
    }
    if M == 1 && !transA {
        // Decode path: a matrix-vector product (sgemm at M=1 is ~10x slower per perf.md).
        // Memory-bound: split the output columns over the cores so both stream weights.
        Parallel.ranges(N, minChunk: parallel && N * K > 1 << 16 ? 64 : N) { r in
            let n = Int32(r.count)
            if transB {  // c(N) = B(N,K)·a
                pg_sgemv(false, n, Int32(K), B + r.lowerBound * ldb, Int32(ldb), A, beta, C + r.lowerBound)
            } else {  // c(N) = B(K,N)ᵀ·a
                pg_sgemv(true, Int32(K), n, B + r.lowerBound, Int32(ldb), A, beta, C + r.lowerBound)
            }
        }
        return
    }
    // Row blocks of op(A): rows of A when not transposed, columns of A when transposed.
    let flops = M * N * K
    let minRows = parallel && flops > 1 << 18 ? 16 : M
    Parallel.ranges(M, minChunk: minRows) { r in
        let aBlock = transA ? A + r.lowerBound : A + r.lowerBound * lda
        pg_sgemm(
            transA, transB, Int32(r.count), Int32(N), Int32(K), aBlock, Int32(lda), B, Int32(ldb), beta,
            C + r.lowerBound * ldc, Int32(ldc))
    }
}

/// Naive triple loop with the same contract as `sgemm`, in Double: the reference the BLAS path is tested against.
func sgemmReference(
    transA: Bool, transB: Bool, M: Int, N: Int, K: Int,
    A: UnsafePointer<Float>, lda: Int, B: UnsafePointer<Float>, ldb: Int,
    C: UnsafeMutablePointer<Float>, ldc: Int, beta: Float
) {
    for i in 0..<M {
        for j in 0..<N {
            var s = 0.0
            for p in 0..<K {
                let a = transA ? A[p * lda + i] : A[i * lda + p]
                let b = transB ? B[j * ldb + p] : B[p * ldb + j]
                s += Double(a) * Double(b)
            }
            C[i * ldc + j] = Float(s) + (beta == 0 ? 0 : beta * C[i * ldc + j])
        }
    }
}

/// out(N,OC) = inp(N,C) · weight(OC,C)ᵀ
func linearForward(
    out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    N: Int, C: Int, OC: Int, parallel: Bool = true
) {
    sgemm(
        transA: false, transB: true, M: N, N: OC, K: C, A: inp, lda: C, B: weight, ldb: C, C: out, ldc: OC, beta: 0,
        parallel: parallel)
}

/// Inverts `out = inp · Wᵀ`: dinp(N,C) += dout·W (= with `accumulate: false`), dweight(OC,C) += doutᵀ·inp
/// (either may be nil to skip). The two products are independent and of equal work: when both are wanted they run
/// side by side on the cores, each whole, rather than one after the other split over the cores (a split GEMM packs
/// its other operand once per part). Which way is a function of the shape and `Parallel.splits`, never of the workers.
func linearBackward(
    dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
    dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    N: Int, C: Int, OC: Int, accumulate: Bool = true, parallel: Bool = true
) {
    let sideBySide = parallel && dinp != nil && dweight != nil && Parallel.splits > 1 && N * C * OC >= 1 << 18
    let split = parallel && (!sideBySide || Parallel.splits > 2)
    func inputGradient() {
        guard let dinp else { return }
        sgemm(
            transA: false, transB: false, M: N, N: C, K: OC, A: dout, lda: OC, B: weight, ldb: C, C: dinp, ldc: C,
            beta: accumulate ? 1 : 0, parallel: split)
    }
    func weightGradient() {
        guard let dweight else { return }
        sgemm(
            transA: true, transB: false, M: OC, N: C, K: N, A: dout, lda: OC, B: inp, ldb: C, C: dweight, ldc: C,
            beta: 1, parallel: split)
    }
    if sideBySide {
        Parallel.forEach(2) { $0 == 0 ? inputGradient() : weightGradient() }
    } else {
        inputGradient()
        weightGradient()
    }
}
