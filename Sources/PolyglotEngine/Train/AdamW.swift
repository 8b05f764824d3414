// AdamW (Loshchilov & Hutter): Adam moments with decoupled weight decay, as in torch.optim.AdamW.
import Foundation

/// AdamW state over one flat parameter buffer (moments share the parameter layout).
final class AdamW {
    var beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    let m: FloatBuffer, v: FloatBuffer
    let decayMask: [Bool]  // per range in `ranges`
    let ranges: [Range<Int>]  // parameter tensors in the flat buffer
    /// Completed updates (bias-correction uses step+1).
    var step = 0

    init(
        count: Int, ranges: [Range<Int>], decayMask: [Bool], beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    ) {
        m = FloatBuffer(count: count); v = FloatBuffer(count: count)
        self.ranges = ranges; self.decayMask = decayMask
        self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
    }

    /// p ← p·(1 − lr·wd) − (lr/bc1)·m/(√v/√bc2 + eps) with gradient `g`·`gradScale` (the clipping factor), in the
    /// order torch.optim.AdamW computes it (one division and one square root per element); then g ← 0 in the
    /// same pass, so the next step needs no separate zeroing sweep over the gradients.
    func update(params: UnsafeMutablePointer<Float>, grads: UnsafeMutablePointer<Float>, lr: Float, gradScale: Float) {
        step += 1
        let bc1 = 1 - powf(beta1, Float(step)), bc2 = 1 - powf(beta2, Float(step))
        let stepSize = lr / bc1, invSqrtBC2 = 1 / bc2.squareRoot()
        let b1 = beta1, b2 = beta2, e = eps, M = m.ptr, Vv = v.ptr
        for (r, decays) in zip(ranges, decayMask) {
            let keep = 1 - lr * (decays ? weightDecay : 0)
            Parallel.ranges(r.count, minChunk: 1 << 15) { sub in
                Vec.blocks((r.lowerBound + sub.lowerBound)..<(r.lowerBound + sub.upperBound)) { i, lanes in
                    @inline(__always) func get(_ p: UnsafeMutablePointer<Float>) -> Float8 { Vec.load(p, lanes: lanes) }
                    @inline(__always) func put(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
                        Vec.store(v, p, lanes: lanes)
                    }
                    let g = get(grads + i) * gradScale
                    let m1 = b1 * get(M + i) + (1 - b1) * g
                    let v1 = b2 * get(Vv + i) + (1 - b2) * g * g
                    put(m1, M + i); put(v1, Vv + i); put(Float8(), grads + i)
                    put(get(params + i) * keep - stepSize * m1 / (v1.squareRoot() * invSqrtBC2 + e), params + i)
                }
            }
        }
    }
}
