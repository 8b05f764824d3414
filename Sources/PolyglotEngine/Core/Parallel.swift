import Foundation
import COpenBLAS

/// Work splitting over the machine's cores. OpenBLAS runs single-threaded and the engine splits
/// GEMMs itself, so BLAS threads never nest inside `concurrentPerform` workers.
enum Parallel {
    static let workers: Int = {
        pg_blas_set_threads(1)
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Runs `body(i)` for i in 0..<n, in parallel when n > 1.
    static func forEach(_ n: Int, _ body: (Int) -> Void) {
        if n <= 0 { return }
        if n == 1 || workers == 1 { for i in 0..<n { body(i) }; return }
        DispatchQueue.concurrentPerform(iterations: n, execute: body)
    }

    /// Splits 0..<n into at most `workers` contiguous ranges (each at least `minChunk` long).
    static func ranges(_ n: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(workers, n / max(minChunk, 1)))
        if parts == 1 { body(0..<n); return }
        forEach(parts) { p in
            let lo = n * p / parts, hi = n * (p + 1) / parts
            if lo < hi { body(lo..<hi) }
        }
    }
}
