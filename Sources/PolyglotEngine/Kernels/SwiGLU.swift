// Dims legend: N rows, F ffn hidden.
// Every element is computed on its own with the vector exp, so results do not depend on how rows are split.

/// h(N,F) = silu(gate) · up, with silu(x) = x·σ(x).
func swigluForward(h: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int,
                   parallel: Bool = true) {
    Parallel.ranges(count, minChunk: parallel ? 1 << 14 : count) { r in
        Vec.blocks(r) { i, lanes in
            if lanes == 8 {
                let g = Vec.load(gate + i)
                Vec.store(g * Vec.sigmoid(g) * Vec.load(up + i), h + i)
            } else {
                let g = Vec.loadPartial(gate + i, lanes)
                Vec.storePartial(g * Vec.sigmoid(g) * Vec.loadPartial(up + i, lanes), h + i, lanes)
            }
        }
    }
}

/// Inverts `h = silu(gate)·up`, overwriting: dgate = dh·up·σ(g)(1 + g(1−σ(g))), dup = dh·silu(g).
func swigluBackward(dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, dh: UnsafePointer<Float>,
                    gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int, parallel: Bool = true) {
    Parallel.ranges(count, minChunk: parallel ? 1 << 14 : count) { r in
        @inline(__always) func grads(_ g: Float8, _ u: Float8, _ d: Float8) -> (gate: Float8, up: Float8) {
            let s = Vec.sigmoid(g)
            return (d * u * s * (1 + g * (1 - s)), d * g * s)
        }
        Vec.blocks(r) { i, lanes in
            if lanes == 8 {
                let out = grads(Vec.load(gate + i), Vec.load(up + i), Vec.load(dh + i))
                Vec.store(out.gate, dgate + i); Vec.store(out.up, dup + i)
            } else {
                let out = grads(Vec.loadPartial(gate + i, lanes), Vec.loadPartial(up + i, lanes), Vec.loadPartial(dh + i, lanes))
                Vec.storePartial(out.gate, dgate + i, lanes); Vec.storePartial(out.up, dup + i, lanes)
            }
        }
    }
}
