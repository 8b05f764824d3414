// Dims legend: B batch, T time, H heads, Hkv kv-heads, D head dim. Query head h reads kv-head h / (H/Hkv).
import Foundation

/// One causal query row: probs(count) = softmax(scale · q·k_j), out(D) = Σ_j probs_j · v_j for j < count.
/// k and v rows are `kvStride` floats apart (shared by training forward and KV-cache decoding).
@inline(__always)
func attendRow(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>, q: UnsafePointer<Float>,
               k: UnsafePointer<Float>, v: UnsafePointer<Float>, count: Int, kvStride: Int, D: Int, scale: Float) {
    var maxScore = -Float.infinity
    for j in 0..<count {
        let s = scale * Vec.dot(q, k + j * kvStride, D)
        probs[j] = s
        if s > maxScore { maxScore = s }
    }
    var sum: Float = 0
    for j in 0..<count { let e = expf(probs[j] - maxScore); probs[j] = e; sum += e }
    let inv = 1 / sum
    out.update(repeating: 0, count: D)
    for j in 0..<count {
        probs[j] *= inv
        Vec.axpy(probs[j], v + j * kvStride, out, D)
    }
}

/// out(B,T,H,D) = causal softmax(q·kᵀ/√D)·v per head; saves probs(B,H,T,T) (zero above the diagonal).
/// Per (b,h): two single-threaded GEMMs with strided rows, heads spread over the cores.
func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                      q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                      B: Int, T: Int, H: Int, Hkv: Int, D: Int) {
    let scale = 1 / Float(D).squareRoot(), group = H / Hkv
    Parallel.forEach(B * H) { bh in
        let b = bh / H, h = bh % H, kvh = h / group
        let qh = q + (b * T * H + h) * D, kOff = (b * T * Hkv + kvh) * D, P = probs + bh * T * T
        // S(T,T) = q_h · k_hᵀ
        sgemm(transA: false, transB: true, M: T, N: T, K: D, A: qh, lda: H * D, B: k + kOff, ldb: Hkv * D,
              C: P, ldc: T, beta: 0, parallel: false)
        for t in 0..<T {  // causal softmax of row t over j ≤ t
            let row = P + t * T
            var m = -Float.infinity
            for j in 0...t { row[j] *= scale; if row[j] > m { m = row[j] } }
            var sum: Float = 0
            for j in 0...t { row[j] = expf(row[j] - m); sum += row[j] }
            let inv = 1 / sum
            for j in 0...t { row[j] *= inv }
            if t + 1 < T { (row + t + 1).update(repeating: 0, count: T - t - 1) }
        }
        // out_h(T,D) = P · v_h
        sgemm(transA: false, transB: false, M: T, N: D, K: T, A: P, lda: T, B: v + kOff, ldb: Hkv * D,
              C: out + (b * T * H + h) * D, ldc: H * D, beta: 0, parallel: false)
    }
}

/// Inverts `out_h = P·v_h, P = causal softmax(scale·q_h·k_hᵀ)`; accumulates dq(B,T,H,D), dk, dv(B,T,Hkv,D).
/// Parallel over (b, kv-head) so the query heads that share a kv-head never write it concurrently.
func attentionBackward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
                       dout: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                       v: UnsafePointer<Float>, probs: UnsafePointer<Float>, B: Int, T: Int, H: Int, Hkv: Int, D: Int) {
    let scale = 1 / Float(D).squareRoot(), group = H / Hkv
    Parallel.forEach(B * Hkv) { bk in
        let b = bk / Hkv, kvh = bk % Hkv
        let kOff = (b * T * Hkv + kvh) * D
        let dS = UnsafeMutablePointer<Float>.allocate(capacity: T * T)  // (T,T) scratch per task
        defer { dS.deallocate() }
        for h in (kvh * group)..<((kvh + 1) * group) {
            let P = probs + (b * H + h) * T * T, rowOff = (b * T * H + h) * D
            // dP = dout_h · v_hᵀ   (from out_h = P·v_h)
            sgemm(transA: false, transB: true, M: T, N: T, K: D, A: dout + rowOff, lda: H * D, B: v + kOff, ldb: Hkv * D,
                  C: dS, ldc: T, beta: 0, parallel: false)
            // dv_h += Pᵀ · dout_h
            sgemm(transA: true, transB: false, M: T, N: D, K: T, A: P, lda: T, B: dout + rowOff, ldb: H * D,
                  C: dv + kOff, ldc: Hkv * D, beta: 1, parallel: false)
            for t in 0..<T {  // softmax backward, then the scale: dS = P∘(dP − Σ P∘dP)·scale
                let p = P + t * T, d = dS + t * T
                var pdp: Float = 0
                for j in 0...t { pdp += p[j] * d[j] }
                for j in 0...t { d[j] = p[j] * (d[j] - pdp) * scale }
                if t + 1 < T { (d + t + 1).update(repeating: 0, count: T - t - 1) }
            }
            // dq_h += dS · k_h ;  dk_h += dSᵀ · q_h
            sgemm(transA: false, transB: false, M: T, N: D, K: T, A: dS, lda: T, B: k + kOff, ldb: Hkv * D,
                  C: dq + rowOff, ldc: H * D, beta: 1, parallel: false)
            sgemm(transA: true, transB: false, M: T, N: D, K: T, A: dS, lda: T, B: q + rowOff, ldb: H * D,
                  C: dk + kOff, ldc: Hkv * D, beta: 1, parallel: false)
        }
    }
}
