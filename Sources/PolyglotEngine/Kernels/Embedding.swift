// Dims legend: B batch, T time, C channels, V vocab, N = B·T.

/// out(N,C) = table[tokens[n]] for each row; ids were validated by the caller.
func embeddingForward(
    out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, table: UnsafePointer<Float>,
    N: Int, C: Int
) {
    for n in 0..<N {
        (out + n * C).update(from: table + Int(tokens[n]) * C, count: C)
    }
}

/// Inverts `out[n] = table[tokens[n]]`: dtable[tokens[n]] += dout[n] (serial: rows may repeat a token).
func embeddingBackward(
    dtable: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, tokens: UnsafePointer<Int32>,
    N: Int, C: Int
) {
    for n in 0..<N {
        Vec.axpy(1, dout + n * C, dtable + Int(tokens[n]) * C, C)
    }
}
