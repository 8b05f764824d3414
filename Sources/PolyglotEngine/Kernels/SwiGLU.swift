// Dims legend: N rows, F ffn hidden.
// Every element is computed on its own with the vector exp, so results do not depend on how rows are split.

/// h(N,F) = silu(gate) · up, with silu(x) = x·σ(x). With `sigmoid` it also writes σ(gate) there (N,F), which
/// `swigluBackward` then reads instead of computing the exp a second time.
func swigluForward(
    h: UnsafeMutablePointer<Float>, sigmoid: UnsafeMutablePointer<Float>? = nil, gate: UnsafePointer<Float>,
    up: UnsafePointer<Float>, count: Int, parallel: Bool = true
) {
    Parallel.ranges(count, minChunk: parallel ? 1 << 14 : count) { r in
        Vec.blocks(r) { i, lanes in
            let g = Vec.load(gate + i, lanes: lanes), s = Vec.sigmoid(g)
            if let sigmoid { Vec.store(s, sigmoid + i, lanes: lanes) }
            Vec.store(g * s * Vec.load(up + i, lanes: lanes), h + i, lanes: lanes)
        }
    }
}

/// Inverts `h = silu(gate)·up`, overwriting: dgate = dh·up·σ(g)(1 + g(1−σ(g))), dup = dh·silu(g).
/// `sigmoid` is σ(gate) as `swigluForward` wrote it (it may be `dgate` itself: each element is read before it is
/// overwritten), or nil to compute it here.
func swigluBackward(
    dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, dh: UnsafePointer<Float>,
    sigmoid: UnsafePointer<Float>? = nil, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int,
    parallel: Bool = true
) {
    Parallel.ranges(count, minChunk: parallel ? 1 << 14 : count) { r in
        Vec.blocks(r) { i, lanes in
            let g = Vec.load(gate + i, lanes: lanes), u = Vec.load(up + i, lanes: lanes),
                d = Vec.load(dh + i, lanes: lanes)
            let s = sigmoid.map { Vec.load($0 + i, lanes: lanes) } ?? Vec.sigmoid(g)
            Vec.store(d * u * s * (1 + g * (1 - s)), dgate + i, lanes: lanes)
            Vec.store(d * g * s, dup + i, lanes: lanes)
        }
    }
}
