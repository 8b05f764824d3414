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

    /// Workers of a parallel loop started here: the cores, or fewer under `withWorkers`. Also how many
    /// independent pieces of work (each under `withWorkers(1)`) a caller can run side by side without taking
    /// another run's core.
    public static var workers: Int { min(cores, limit ?? cores) }

    /// True inside a lane of `sideBySide`: the lanes have the cores, so its loops and products run whole.
    @TaskLocal private static var inLane = false

    /// The parts a loop or a product splits into: the cores, or 1 inside a lane. A function of where the work runs
    /// (never of the workers), so a run's bits do not depend on what runs beside it.
    static var splits: Int { inLane ? 1 : cores }

    /// Runs `body` with the engine's parallel loops it starts limited to `workers`; with 1 every loop runs on the
    /// calling thread, so independent runs can each have a core. The results are the same bits either way: a loop
    /// splits its work by `splits`, never by its workers (OpenBLAS's sums depend on the shape of each call).
    public static func withWorkers<R>(_ workers: Int, _ body: () throws -> R) rethrows -> R {
        try $limit.withValue(max(1, workers), operation: body)
    }

    /// Runs `body(i)` for i in 0..<n, in parallel when n > 1.
    static func forEach(_ n: Int, _ body: (Int) -> Void) {
        if n <= 0 { return }
        if n == 1 || workers == 1 { for i in 0..<n { body(i) }; return }
        DispatchQueue.concurrentPerform(iterations: n, execute: body)
    }

    /// `body(i)` for i in 0..<n, the lanes of one piece of work, side by side when there are workers for them;
    /// the results in order. With n > 1 each lane runs whole on one core (`splits` 1), side by side or not, so its
    /// bits are the same either way; with n = 1 the lane has the machine.
    static func sideBySide<R>(_ n: Int, _ body: (Int) throws -> R) throws -> [R] {
        if n == 1 { return [try body(0)] }
        return try withoutActuallyEscaping(body) { body in
            let lane = { (i: Int) throws -> R in try $inLane.withValue(true) { try withWorkers(1) { try body(i) } } }
            if n <= 0 || workers == 1 { return try (0..<max(n, 0)).map(lane) }
            var results = [Result<R, Error>?](repeating: nil, count: n)
            results.withUnsafeMutableBufferPointer { slots in
                DispatchQueue.concurrentPerform(iterations: n) { i in slots[i] = Result { try lane(i) } }
            }
            return try results.map { try $0!.get() }
        }
    }

    /// Splits 0..<n into at most `splits` contiguous ranges (each at least `minChunk` long), run by the workers.
    static func ranges(_ n: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(splits, n / max(minChunk, 1)))
        if parts == 1 { body(0..<n); return }
        forEach(parts) { p in
            let lo = n * p / parts, hi = n * (p + 1) / parts
            if lo < hi { body(lo..<hi) }
        }
    }
}
