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

/// out(B,T,H,D) = causal softmax(q·kᵀ/√D)·v per head; saves probs(B,H,T,T) for the backward pass.
func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                      q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                      B: Int, T: Int, H: Int, Hkv: Int, D: Int) {
    let scale = 1 / Float(D).squareRoot(), group = H / Hkv
    Parallel.forEach(B * H) { bh in
        let b = bh / H, h = bh % H, kvh = h / group
        let kBase = k + (b * T * Hkv + kvh) * D, vBase = v + (b * T * Hkv + kvh) * D
        for t in 0..<T {
            attendRow(out: out + ((b * T + t) * H + h) * D, probs: probs + (bh * T + t) * T,
                      q: q + ((b * T + t) * H + h) * D, k: kBase, v: vBase, count: t + 1,
                      kvStride: Hkv * D, D: D, scale: scale)
        }
    }
}

/// Inverts `out_t = Σ_j p_tj·v_j, p_t = softmax(scale·q_t·k_j)`; accumulates dq(B,T,H,D), dk, dv(B,T,Hkv,D).
/// Parallel over (b, kv-head) so the query heads that share a kv-head never write it concurrently.
func attentionBackward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
                       dout: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                       v: UnsafePointer<Float>, probs: UnsafePointer<Float>, B: Int, T: Int, H: Int, Hkv: Int, D: Int) {
    let scale = 1 / Float(D).squareRoot(), group = H / Hkv, kvStride = Hkv * D
    Parallel.forEach(B * Hkv) { bk in
        let b = bk / Hkv, kvh = bk % Hkv
        let kOff = (b * T * Hkv + kvh) * D
        withUnsafeTemporaryAllocation(of: Float.self, capacity: T) { dpBuf in
            let dp = dpBuf.baseAddress!
            for h in (kvh * group)..<((kvh + 1) * group) {
                for t in 0..<T {
                    let row = (b * T + t) * H + h
                    let p = probs + ((b * H + h) * T + t) * T, dy = dout + row * D
                    var pdp: Float = 0
                    for j in 0...t {
                        dp[j] = Vec.dot(dy, v + kOff + j * kvStride, D)   // from out_t = Σ p_j v_j
                        pdp += p[j] * dp[j]
                        Vec.axpy(p[j], dy, dv + kOff + j * kvStride, D)
                    }
                    for j in 0...t {
                        let ds = p[j] * (dp[j] - pdp) * scale              // softmax backward, then the 1/√D
                        Vec.axpy(ds, k + kOff + j * kvStride, dq + row * D, D)
                        Vec.axpy(ds, q + row * D, dk + kOff + j * kvStride, D)
                    }
                }
            }
        }
    }
}
