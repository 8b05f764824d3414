// Dims legend: N rows, F ffn hidden.
import Foundation

@inline(__always) private func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

/// h(N,F) = silu(gate) · up, with silu(x) = x·σ(x).
func swigluForward(h: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int) {
    Parallel.ranges(count, minChunk: 1 << 14) { r in
        for i in r { let g = gate[i]; h[i] = g * sigmoid(g) * up[i] }
    }
}

/// Inverts `h = silu(gate)·up`: dgate += dh·up·σ(g)(1 + g(1−σ(g))), dup += dh·silu(g).
func swigluBackward(dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, dh: UnsafePointer<Float>,
                    gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int) {
    Parallel.ranges(count, minChunk: 1 << 14) { r in
        for i in r {
            let g = gate[i], s = sigmoid(g)
            dgate[i] += dh[i] * up[i] * s * (1 + g * (1 - s))
            dup[i] += dh[i] * g * s
        }
    }
}
