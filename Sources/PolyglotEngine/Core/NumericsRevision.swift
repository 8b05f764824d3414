import COpenBLAS

/// The revision of the engine's arithmetic. Bumped whenever a kernel change alters the bits of trained weights
/// (an exp approximation, a summation order, …), so that caches of pre-trained models keyed by it are rebuilt
/// rather than mixing the results of two engine versions (a replayed notebook must reproduce its outputs).
public enum NumericsRevision {
    /// 2: 8-lane vector exp in softmax, cross-entropy and SwiGLU; per-token MoE combine.
    /// 3: OpenBLAS's kernel set pinned (Haswell by default); r2 caches hold whatever kernels the CPU had.
    /// 4: causal attention in blocks of `causalBlockRows` query rows, and a linear layer's two backward products
    ///    (and the gate and up projections) side by side on the cores, each GEMM whole: OpenBLAS rounds GEMMs of
    ///    other shapes differently.
    ///    Still 4 after the loss head left out the rows of weight 0 (tuning's prompts): tuned weights round
    ///    differently, but pre-training weights every row and keeps its bits, so the cached bases stay valid
    ///    (`ForwardBitsTests`).
    ///    Still 4 with training lanes (`TrainingConfig.lanes`): one lane, the default, keeps these bits; two lanes
    ///    are other arithmetic, chosen by the run (`pretrain … config: {lanes: 2}`, its own cache key).
    public static let current = 4

    /// OpenBLAS's kernel set: Haswell by default (`POLYGLOT_KERNELS=portable`: every AVX2 machine gives the same bits),
    /// AVX-512 kernels where the CPU has them with `native` (faster, other bits), OpenBLAS's own choice with `auto`.
    public static var blasKernels: String { String(cString: pg_blas_core()) }

    /// How the kernel set was chosen: "portable", "native", "auto" or "auto, OPENBLAS_CORETYPE".
    public static var kernelPolicy: String { String(cString: pg_blas_kernel_policy()) }

    /// "r4" with Haswell kernels, "r4-skylakex" (say) with others: the part of a cache key that names the bits.
    public static var tag: String {
        let kernels = blasKernels.lowercased()
        return kernels == "haswell" ? "r\(current)" : "r\(current)-\(kernels)"
    }
}
