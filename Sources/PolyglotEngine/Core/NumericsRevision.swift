/// The revision of the engine's arithmetic. Bumped whenever a kernel change alters the bits of trained weights
/// (an exp approximation, a summation order, …), so that caches of pre-trained models keyed by it are rebuilt
/// rather than mixing the results of two engine versions (a replayed notebook must reproduce its outputs).
public enum NumericsRevision {
    /// 2: 8-lane vector exp in softmax, cross-entropy and SwiGLU; per-token MoE combine.
    public static let current = 2
}
