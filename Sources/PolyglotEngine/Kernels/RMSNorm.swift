// Dims legend: N rows, C channels.
import Foundation

/// out(N,C) = inp · rstd · weight with rstd(N) = 1/sqrt(mean(inp²) + eps) (HF LlamaRMSNorm).
func rmsnormForward(
    out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>?,
    inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, N: Int, C: Int, eps: Float
) {
    Parallel.ranges(N, minChunk: 64) { rows in
        for n in rows {
            let x = inp + n * C, o = out + n * C
            let r = 1 / (Vec.dot(x, x, C) / Float(C) + eps).squareRoot()
            rstd?[n] = r
            for i in 0..<C { o[i] = x[i] * r * weight[i] }
        }
    }
}

/// Inverts `out = inp · rstd · weight`:
/// dinp += rstd·(w·dout) − inp·rstd³/C·Σ(w·dout·inp);  dweight += Σ_n dout·inp·rstd.
func rmsnormBackward(
    dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>?,
    dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    rstd: UnsafePointer<Float>, N: Int, C: Int
) {
    Parallel.ranges(N, minChunk: 64) { rows in
        for n in rows {
            let x = inp + n * C, dy = dout + n * C, dx = dinp + n * C
            let r = rstd[n]
            var s: Float = 0
            for i in 0..<C { s += weight[i] * dy[i] * x[i] }
            let k = s * r * r * r / Float(C)
            for i in 0..<C { dx[i] += r * weight[i] * dy[i] - k * x[i] }
        }
    }
    // Weight gradient: serial over rows so the sum order (and the result) is deterministic.
    if let dweight {
        for n in 0..<N {
            let x = inp + n * C, dy = dout + n * C, r = rstd[n]
            for i in 0..<C { dweight[i] += dy[i] * x[i] * r }
        }
    }
}
