// Dims legend: B batch, T time (query rows per sequence), S key rows per sequence, H heads, Hkv kv-heads, D head dim.
// Query head h reads kv-head h / (H/Hkv).
import Foundation

/// Which keys a query row sees, and how attention is computed: the two modes of `attentionForward`.
enum AttentionMode {
    /// Whole sequences from position 0 (training): row t sees rows 0...t of its sequence; k, v are (B,T,Hkv,D)
    /// and probs(B,H,T,T) is saved for `attentionBackward`. Per (b,h) two GEMMs.
    case causal
    /// T new rows after `past` cached ones (KV-cached decoding): row t sees rows 0...past+t; k, v are
    /// (B,S,Hkv,D) with S = `capacity` and the new rows already written at past..<past+T; probs(B,H,S) is scratch.
    /// Row by row with dot products (cheaper than GEMMs when T = 1); no backward.
    case cached(past: Int, capacity: Int)
}

/// out(B,T,H,D) = softmax(q·kᵀ/√D)·v per head over the keys each query row sees (`mode`); q is (B,T,H,D).
func attentionForward(
    out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
    q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
    B: Int, T: Int, H: Int, Hkv: Int, D: Int, mode: AttentionMode
) {
    let scale = 1 / Float(D).squareRoot(), group = H / Hkv
    switch mode {
    case .causal:
        Parallel.forEach(B * H) { bh in  // heads spread over the cores, single-threaded GEMMs with strided rows
            let b = bh / H, h = bh % H, kvh = h / group
            let qh = q + (b * T * H + h) * D, kOff = (b * T * Hkv + kvh) * D, P = probs + bh * T * T
            // S(T,T) = q_h · k_hᵀ
            sgemm(
                transA: false, transB: true, M: T, N: T, K: D, A: qh, lda: H * D, B: k + kOff, ldb: Hkv * D,
                C: P, ldc: T, beta: 0, parallel: false)
            for t in 0..<T {  // causal softmax of row t over j ≤ t
                let row = P + t * T
                Vec.scale(row, t + 1, by: scale)
                let sum = Vec.expShiftedSum(row, t + 1, shift: Vec.max(row, t + 1))
                Vec.scale(row, t + 1, by: 1 / sum)
                if t + 1 < T { (row + t + 1).update(repeating: 0, count: T - t - 1) }
            }
            // out_h(T,D) = P · v_h
            sgemm(
                transA: false, transB: false, M: T, N: D, K: T, A: P, lda: T, B: v + kOff, ldb: Hkv * D,
                C: out + (b * T * H + h) * D, ldc: H * D, beta: 0, parallel: false)
        }
    case .cached(let past, let S):
        let kvDim = Hkv * D
        let attendHead: (Int) -> Void = { bh in
            let b = bh / H, h = bh % H, kvh = h / group, kvOff = b * S * kvDim + kvh * D
            for t in 0..<T {
                let row = ((b * T + t) * H + h) * D
                attendRow(
                    out: out + row, probs: probs + bh * S, q: q + row, k: k + kvOff, v: v + kvOff,
                    count: past + t + 1, kvStride: kvDim, D: D, scale: scale)
            }
        }
        // Heads in parallel only when there is enough work to pay for the dispatch (not at batch-1 decode).
        if B * T * (past + T) * D > 1 << 15 {
            Parallel.forEach(B * H, attendHead)
        } else {
            for bh in 0..<(B * H) { attendHead(bh) }
        }
    }
}

/// Inverts `out_h = P·v_h, P = causal softmax(scale·q_h·k_hᵀ)`; accumulates dq(B,T,H,D), dk, dv(B,T,Hkv,D).
/// Parallel over (b, kv-head) so the query heads that share a kv-head never write it concurrently.
func attentionBackward(
    dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
    v: UnsafePointer<Float>, probs: UnsafePointer<Float>, B: Int, T: Int, H: Int, Hkv: Int, D: Int
) {
    let scale = 1 / Float(D).squareRoot(), group = H / Hkv
    Parallel.forEach(B * Hkv) { bk in
        let b = bk / Hkv, kvh = bk % Hkv
        let kOff = (b * T * Hkv + kvh) * D
        let dS = UnsafeMutablePointer<Float>.allocate(capacity: T * T)  // (T,T) scratch per task
        defer { dS.deallocate() }
        for h in (kvh * group)..<((kvh + 1) * group) {
            let P = probs + (b * H + h) * T * T, rowOff = (b * T * H + h) * D
            // dP = dout_h · v_hᵀ   (from out_h = P·v_h)
            sgemm(
                transA: false, transB: true, M: T, N: T, K: D, A: dout + rowOff, lda: H * D, B: v + kOff, ldb: Hkv * D,
                C: dS, ldc: T, beta: 0, parallel: false)
            // dv_h += Pᵀ · dout_h
            sgemm(
                transA: true, transB: false, M: T, N: D, K: T, A: P, lda: T, B: dout + rowOff, ldb: H * D,
                C: dv + kOff, ldc: Hkv * D, beta: 1, parallel: false)
            for t in 0..<T {  // softmax backward, then the scale: dS = P∘(dP − Σ P∘dP)·scale
                let p = P + t * T, d = dS + t * T
                softmaxBackwardRow(d, p, t + 1, scale: scale)
                if t + 1 < T { (d + t + 1).update(repeating: 0, count: T - t - 1) }
            }
            // dq_h += dS · k_h ;  dk_h += dSᵀ · q_h
            sgemm(
                transA: false, transB: false, M: T, N: D, K: T, A: dS, lda: T, B: k + kOff, ldb: Hkv * D,
                C: dq + rowOff, ldc: H * D, beta: 1, parallel: false)
            sgemm(
                transA: true, transB: false, M: T, N: D, K: T, A: dS, lda: T, B: q + rowOff, ldb: H * D,
                C: dk + kOff, ldc: Hkv * D, beta: 1, parallel: false)
        }
    }
}

/// One query row of the cached mode: probs(count) = softmax(scale · q·k_j), out(D) = Σ_j probs_j · v_j for
/// j < count; k and v rows are `kvStride` floats apart.
@inline(__always)
private func attendRow(
    out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>, q: UnsafePointer<Float>,
    k: UnsafePointer<Float>, v: UnsafePointer<Float>, count: Int, kvStride: Int, D: Int,
    scale: Float
) {
    var maxScore = -Float.infinity
    for j in 0..<count {
        let s = scale * Vec.dot(q, k + j * kvStride, D)
        probs[j] = s
        if s > maxScore { maxScore = s }
    }
    let inv = 1 / Vec.expShiftedSum(probs, count, shift: maxScore)
    out.update(repeating: 0, count: D)
    for j in 0..<count {
        probs[j] *= inv
        Vec.axpy(probs[j], v + j * kvStride, out, D)
    }
}

/// d[j] ← p[j]·(d[j] − Σ_i p[i]·d[i])·scale for j < n: softmax backward of one row, then the score scale.
@inline(__always)
private func softmaxBackwardRow(_ d: UnsafeMutablePointer<Float>, _ p: UnsafePointer<Float>, _ n: Int, scale: Float) {
    let pdp = Float8(repeating: Vec.dot(p, d, n)), sv = Float8(repeating: scale)
    var j = 0
    while j + 8 <= n { Vec.store(Vec.load(p + j) * (Vec.load(d + j) - pdp) * sv, d + j); j += 8 }
    while j < n { d[j] = p[j] * (d[j] - pdp[0]) * scale; j += 1 }
}
