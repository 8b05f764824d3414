// Dims legend: N rows, F ffn hidden.
// Every element is computed on its own with the vector exp, so results do not depend on how rows are split.

/// h(N,F) = silu(gate) · up, with silu(x) = x·σ(x).
func swigluForward(
    h: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int,
    parallel: Bool = true
) {
    Parallel.ranges(count, minChunk: parallel ? 1 << 14 : count) { r in
        Vec.blocks(r) { i, lanes in
            let g = Vec.load(gate + i, lanes: lanes)
            Vec.store(g * Vec.sigmoid(g) * Vec.load(up + i, lanes: lanes), h + i, lanes: lanes)
        }
    }
}

/// Inverts `h = silu(gate)·up`, overwriting: dgate = dh·up·σ(g)(1 + g(1−σ(g))), dup = dh·silu(g).
func swigluBackward(
    dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, dh: UnsafePointer<Float>,
    gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int, parallel: Bool = true
) {
    Parallel.ranges(count, minChunk: parallel ? 1 << 14 : count) { r in
        Vec.blocks(r) { i, lanes in
            let g = Vec.load(gate + i, lanes: lanes), u = Vec.load(up + i, lanes: lanes),
                d = Vec.load(dh + i, lanes: lanes)
            let s = Vec.sigmoid(g)
            Vec.store(d * u * s * (1 + g * (1 - s)), dgate + i, lanes: lanes)
            Vec.store(d * g * s, dup + i, lanes: lanes)
        }
    }
}
