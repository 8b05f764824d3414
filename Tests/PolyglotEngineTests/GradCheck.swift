import XCTest
@testable import PolyglotEngine

/// Test helpers: seeded buffers and a central finite-difference gradient check.
enum GradCheck {
    static func random(_ n: Int, seed: UInt64, scale: Float = 1) -> FloatBuffer {
        let b = FloatBuffer(count: n)
        var rng = SeededRNG(seed: seed)
        for i in 0..<n { b.ptr[i] = scale * rng.nextGaussian() }
        return b
    }

    /// Compares `analytic` with (f(x+h) − f(x−h)) / 2h at `indices` of `x`; returns ‖a − n‖ / max(‖a‖, ‖n‖).
    static func relativeError(
        x: UnsafeMutablePointer<Float>, analytic: UnsafePointer<Float>, indices: [Int],
        h: Float = 1e-2, loss: () -> Double
    ) -> Double {
        var diff = 0.0, na = 0.0, nn = 0.0
        for i in indices {
            let saved = x[i]
            x[i] = saved + h; let up = loss()
            x[i] = saved - h; let down = loss()
            x[i] = saved
            let numeric = (up - down) / Double(2 * h)
            let a = Double(analytic[i])
            diff += (a - numeric) * (a - numeric); na += a * a; nn += numeric * numeric
        }
        return diff.squareRoot() / max(na.squareRoot(), nn.squareRoot(), 1e-12)
    }

    /// Σ w·out in Double: a scalar loss whose gradient w.r.t. `out` is `w`.
    static func weightedSum(_ out: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { s += Double(out[i]) * Double(w[i]) }
        return s
    }

    /// Up to `limit` indices spread over 0..<n.
    static func sample(_ n: Int, limit: Int = 60, seed: UInt64 = 7) -> [Int] {
        if n <= limit { return Array(0..<n) }
        var rng = SeededRNG(seed: seed)
        return (0..<limit).map { _ in Int(rng.next() % UInt64(n)) }
    }
}
