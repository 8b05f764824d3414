import COpenBLAS

/// The revision of the engine's arithmetic. Bumped whenever a kernel change alters the bits of trained weights
/// (an exp approximation, a summation order, …), so that caches of pre-trained models keyed by it are rebuilt
/// rather than mixing the results of two engine versions (a replayed notebook must reproduce its outputs).
public enum NumericsRevision {
    /// 2: 8-lane vector exp in softmax, cross-entropy and SwiGLU; per-token MoE combine.
    public static let current = 2

    /// OpenBLAS's kernel set: its own choice by default; `POLYGLOT_KERNELS=portable` pins Haswell (every AVX2 machine
    /// gives the same bits), `POLYGLOT_KERNELS=native` picks AVX-512 kernels where the CPU has them (faster, other bits).
    public static var blasKernels: String { String(cString: pg_blas_core()) }

    /// How the kernel set was chosen: "auto", "OPENBLAS_CORETYPE", "portable" or "native".
    public static var kernelPolicy: String { String(cString: pg_blas_kernel_policy()) }

    /// "r2" with Haswell kernels, "r2-skylakex" (say) with others: the part of a cache key that names the bits.
    public static var tag: String {
        let kernels = blasKernels.lowercased()
        return kernels == "haswell" ? "r\(current)" : "r\(current)-\(kernels)"
    }
}
