import Foundation
import COpenBLAS

/// Work splitting over the machine's cores. OpenBLAS runs single-threaded and the engine splits
/// GEMMs itself, so BLAS threads never nest inside `concurrentPerform` workers.
public enum Parallel {
    /// The machine's cores: what the parallel loops use unless `withWorkers` limits them.
    public static let cores: Int = {
        pg_blas_set_threads(1)
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// The limit `withWorkers` binds on the thread (or task) that starts the loops.
    @TaskLocal private static var limit: Int?

    /// Workers of a parallel loop started here: the cores, or fewer under `withWorkers`.
    static var workers: Int { min(cores, limit ?? cores) }

    /// Runs `body` with the engine's parallel loops it starts limited to `workers`; with 1 every loop runs on the
    /// calling thread, so independent runs can each have a core. The results are the same bits either way: a loop
    /// splits its work by `cores`, never by its workers (OpenBLAS's sums depend on the shape of each call).
    public static func withWorkers<R>(_ workers: Int, _ body: () throws -> R) rethrows -> R {
        try $limit.withValue(max(1, workers), operation: body)
    }

    /// Runs `body(i)` for i in 0..<n, in parallel when n > 1.
    static func forEach(_ n: Int, _ body: (Int) -> Void) {
        if n <= 0 { return }
        if n == 1 || workers == 1 { for i in 0..<n { body(i) }; return }
        DispatchQueue.concurrentPerform(iterations: n, execute: body)
    }

    /// `body(i)` for i in 0..<n, side by side when there are workers for it, each with an equal share of them (at
    /// least 1); the results in order. For independent parts of one piece of work, whose bits never depend on it.
    static func sideBySide<R>(_ n: Int, _ body: (Int) throws -> R) throws -> [R] {
        if n <= 1 || workers == 1 { return try (0..<n).map(body) }
        let share = max(1, workers / n)
        var results = [Result<R, Error>?](repeating: nil, count: n)
        results.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: n) { i in
                slots[i] = Result { try withWorkers(share) { try body(i) } }
            }
        }
        return try results.map { try $0!.get() }
    }

    /// Splits 0..<n into at most `cores` contiguous ranges (each at least `minChunk` long), run by the workers.
    static func ranges(_ n: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(cores, n / max(minChunk, 1)))
        if parts == 1 { body(0..<n); return }
        forEach(parts) { p in
            let lo = n * p / parts, hi = n * (p + 1) / parts
            if lo < hi { body(lo..<hi) }
        }
    }
}
