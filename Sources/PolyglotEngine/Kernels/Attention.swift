// Dims legend: B batch, T time (query rows per sequence), S key rows per sequence, H heads, Hkv kv-heads, D head dim.
// Query head h reads kv-head h / (H/Hkv).
import Foundation

/// Which keys a query row sees, and how attention is computed: the two modes of `attentionForward`.
enum AttentionMode {
    /// Whole sequences from position 0 (training): row t sees rows 0...t of its sequence, or with `documents`
    /// (per sequence, ranges covering 0..<T) only the rows of its own document up to t; k, v are (B,T,Hkv,D) and
    /// probs(B,H,T,T) is saved for `attentionBackward` (its blocks on the documents). Per (b,h,document) two GEMMs
    /// per block of `causalBlockRows` query rows.
    case causal(documents: [[Range<Int>]]?)
    /// T new rows after `past` cached ones (KV-cached decoding): row t sees rows 0...past+t; k, v are
    /// (B,S,Hkv,D) with S = `capacity` and the new rows already written at past..<past+T; probs(B,H,S) is scratch.
    /// Row by row with dot products (cheaper than GEMMs when T = 1); no backward.
    case cached(past: Int, capacity: Int)
}

/// out(B,T,H,D) = softmax(q·kᵀ/√D)·v per head over the keys each query row sees (`mode`); q is (B,T,H,D).
func attentionForward(
    out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
    q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
    B: Int, T: Int, H: Int, Hkv: Int, D: Int, mode: AttentionMode, blockRows: Int = causalBlockRows
) {
    let scale = 1 / Float(D).squareRoot(), group = H / Hkv
    switch mode {
    case .causal(let documents):
        Parallel.forEach(B * H) { bh in  // heads spread over the cores, single-threaded GEMMs with strided rows
            let b = bh / H, h = bh % H, kvh = h / group
            let qh = q + (b * T * H + h) * D, kh = k + (b * T * Hkv + kvh) * D, vh = v + (b * T * Hkv + kvh) * D
            let oh = out + (b * T * H + h) * D, P = probs + bh * T * T
            for doc in documents?[b] ?? [0..<T] {
                let s = doc.lowerBound, n = doc.count, Pd = P + s * T + s  // the document's (n,n) block
                for rows in causalBlocks(n, blockRows) {  // rows r0..<r1 see keys 0..<r1 only
                    let r0 = rows.lowerBound, r1 = rows.upperBound
                    // S(r1−r0, r1) = q_rows · k_{0..<r1}ᵀ
                    sgemm(
                        transA: false, transB: true, M: rows.count, N: r1, K: D, A: qh + (s + r0) * H * D,
                        lda: H * D, B: kh + s * Hkv * D, ldb: Hkv * D, C: Pd + r0 * T, ldc: T, beta: 0,
                        parallel: false)
                    for t in rows {  // causal softmax of row t over j ≤ t; zeros after it keep P whole
                        let row = Pd + t * T
                        Vec.scale(row, t + 1, by: scale)
                        let sum = Vec.expShiftedSum(row, t + 1, shift: Vec.max(row, t + 1))
                        Vec.scale(row, t + 1, by: 1 / sum)
                        if t + 1 < n { (row + t + 1).update(repeating: 0, count: n - t - 1) }
                    }
                    // out_rows(r1−r0, D) = P_{rows, 0..<r1} · v_{0..<r1}
                    sgemm(
                        transA: false, transB: false, M: rows.count, N: D, K: r1, A: Pd + r0 * T, lda: T,
                        B: vh + s * Hkv * D, ldb: Hkv * D, C: oh + (s + r0) * H * D, ldc: H * D, beta: 0,
                        parallel: false)
                }
            }
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

/// Inverts `out_h = P·v_h, P = causal softmax(scale·q_h·k_hᵀ)` on each document's block (`documents` as in
/// `AttentionMode.causal`); accumulates dq(B,T,H,D), dk, dv(B,T,Hkv,D).
/// Parallel over (b, kv-head) so the query heads that share a kv-head never write it concurrently.
func attentionBackward(
    dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
    v: UnsafePointer<Float>, probs: UnsafePointer<Float>, B: Int, T: Int, H: Int, Hkv: Int, D: Int,
    documents: [[Range<Int>]]? = nil, blockRows: Int = causalBlockRows
) {
    let scale = 1 / Float(D).squareRoot(), group = H / Hkv
    Parallel.forEach(B * Hkv) { bk in
        let b = bk / Hkv, kvh = bk % Hkv
        let kvOff = (b * T * Hkv + kvh) * D
        let dS = UnsafeMutablePointer<Float>.allocate(capacity: T * T)  // (n,n) scratch per task
        defer { dS.deallocate() }
        for h in (kvh * group)..<((kvh + 1) * group) {
            let P = probs + (b * H + h) * T * T, rowOff = (b * T * H + h) * D
            for doc in documents?[b] ?? [0..<T] {
                let s = doc.lowerBound, n = doc.count, Pd = P + s * T + s
                let rows0 = rowOff + s * H * D, kv0 = kvOff + s * Hkv * D  // the document's first row
                for rows in causalBlocks(n, blockRows) {  // rows r0..<r1 of dS and dq, keys 0..<r1
                    let r0 = rows.lowerBound, r1 = rows.upperBound, m = rows.count
                    // dP(m, r1) = dout_rows · v_{0..<r1}ᵀ   (from out = P·v)
                    sgemm(
                        transA: false, transB: true, M: m, N: r1, K: D, A: dout + rows0 + r0 * H * D, lda: H * D,
                        B: v + kv0, ldb: Hkv * D, C: dS + r0 * n, ldc: n, beta: 0, parallel: false)
                    for t in rows {  // softmax backward, then the scale: dS = P∘(dP − Σ P∘dP)·scale
                        let p = Pd + t * T, d = dS + t * n
                        softmaxBackwardRow(d, p, t + 1, scale: scale)
                        if t + 1 < r1 { (d + t + 1).update(repeating: 0, count: r1 - t - 1) }
                    }
                    // dq_rows += dS_{rows, 0..<r1} · k_{0..<r1}
                    sgemm(
                        transA: false, transB: false, M: m, N: D, K: r1, A: dS + r0 * n, lda: n, B: k + kv0,
                        ldb: Hkv * D, C: dq + rows0 + r0 * H * D, ldc: H * D, beta: 1, parallel: false)
                }
                for keys in causalBlocks(n, blockRows) {  // keys c0..<c1 are seen by rows c0..<n only
                    let c0 = keys.lowerBound, m = keys.count, seen = n - c0
                    // dv_keys += P_{c0..<n, keys}ᵀ · dout_{c0..<n}
                    sgemm(
                        transA: true, transB: false, M: m, N: D, K: seen, A: Pd + c0 * T + c0, lda: T,
                        B: dout + rows0 + c0 * H * D, ldb: H * D, C: dv + kv0 + c0 * Hkv * D, ldc: Hkv * D,
                        beta: 1, parallel: false)
                    // dk_keys += dS_{c0..<n, keys}ᵀ · q_{c0..<n}
                    sgemm(
                        transA: true, transB: false, M: m, N: D, K: seen, A: dS + c0 * n + c0, lda: n,
                        B: q + rows0 + c0 * H * D, ldb: H * D, C: dk + kv0 + c0 * Hkv * D, ldc: Hkv * D,
                        beta: 1, parallel: false)
                }
            }
        }
    }
}

/// Query rows per block of the causal mode: blocks of 64 skip a quarter of the score GEMMs' work at T = 128 and
/// three eighths at 256, in calls large enough to keep OpenBLAS efficient.
let causalBlockRows = 64

/// Row blocks of a causal (n,n) attention block: rows r0..<r1 see keys 0..<r1 only, so the GEMMs of the blocks
/// skip most of the masked upper triangle. Each score is the same dot product, and the skipped terms are exact
/// zeros that come after (queries) or before (keys) the kept ones, so the results are the same bits as one block.
private func causalBlocks(_ n: Int, _ size: Int) -> [Range<Int>] {
    stride(from: 0, to: n, by: size).map { $0..<min(n, $0 + size) }
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
