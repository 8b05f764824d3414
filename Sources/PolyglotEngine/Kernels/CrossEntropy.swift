// Dims legend: N rows, V vocab.
import Foundation

/// Per row n: loss_n = −log softmax(logits_n)[target_n]; returns Σ_n weight_n·loss_n (weight = loss mask / normaliser).
/// When `dlogits` is given it is overwritten with weight_n·(softmax − onehot(target)) (may alias `logits`:
/// each row is read fully before it is overwritten).
func crossEntropyForwardBackward(
    dlogits: UnsafeMutablePointer<Float>?, logits: UnsafeMutablePointer<Float>,
    targets: UnsafePointer<Int32>, weights: UnsafePointer<Float>, N: Int, V: Int,
    rowLoss: UnsafeMutablePointer<Float>? = nil
) -> Double {
    var losses = [Double](repeating: 0, count: N)
    losses.withUnsafeMutableBufferPointer { lossBuf in
        let lossP = lossBuf.baseAddress!
        Parallel.ranges(N, minChunk: 8) { rows in
            // exp(x − m) goes into the gradient row (one exp per logit), or into a scratch row when only the loss is wanted.
            let scratch = dlogits == nil ? UnsafeMutablePointer<Float>.allocate(capacity: V) : nil
            defer { scratch?.deallocate() }
            for n in rows {
                let x = logits + n * V
                let m = Vec.max(x, V)
                let target = Int(targets[n]), xTarget = x[target]
                let e = dlogits.map { $0 + n * V } ?? scratch!
                if e != x { e.update(from: x, count: V) }
                let sum = Vec.expShiftedSum(e, V, shift: m)
                if dlogits != nil {
                    Vec.scale(e, V, by: weights[n] / sum)
                    e[target] -= weights[n]
                }
                let l = Double(m) + Foundation.log(Double(sum)) - Double(xTarget)
                rowLoss?[n] = Float(l)
                lossP[n] = Double(weights[n]) * l
            }
        }
    }
    return losses.reduce(0, +)
}
