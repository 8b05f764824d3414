// AdamW (Loshchilov & Hutter): Adam moments with decoupled weight decay, as in torch.optim.AdamW.
import Foundation

/// AdamW state over one flat parameter buffer (moments share the parameter layout).
final class AdamW {
    var beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    let m: FloatBuffer, v: FloatBuffer
    let decayMask: [Bool]       // per range in `ranges`
    let ranges: [Range<Int>]    // parameter tensors in the flat buffer
    /// Completed updates (bias-correction uses step+1).
    var step = 0

    init(count: Int, ranges: [Range<Int>], decayMask: [Bool], beta1: Float, beta2: Float, eps: Float, weightDecay: Float) {
        m = FloatBuffer(count: count); v = FloatBuffer(count: count)
        self.ranges = ranges; self.decayMask = decayMask
        self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
    }

    /// p ← p − lr·(m̂/(√v̂ + eps) + wd·p) with gradient `g`·`gradScale` (the clipping factor).
    func update(params: UnsafeMutablePointer<Float>, grads: UnsafePointer<Float>, lr: Float, gradScale: Float) {
        step += 1
        let bc1 = 1 - powf(beta1, Float(step)), bc2 = 1 - powf(beta2, Float(step))
        let b1 = beta1, b2 = beta2, e = eps, M = m.ptr, Vv = v.ptr
        for (r, decays) in zip(ranges, decayMask) {
            let wd = decays ? weightDecay : 0
            Parallel.ranges(r.count, minChunk: 1 << 15) { sub in
                for i in (r.lowerBound + sub.lowerBound)..<(r.lowerBound + sub.upperBound) {
                    let g = grads[i] * gradScale
                    M[i] = b1 * M[i] + (1 - b1) * g
                    Vv[i] = b2 * Vv[i] + (1 - b2) * g * g
                    let mh = M[i] / bc1, vh = Vv[i] / bc2
                    params[i] -= lr * (mh / (vh.squareRoot() + e) + wd * params[i])
                }
            }
        }
    }
}
