// Dims legend: N rows, V vocab.
import Foundation

/// Per row n: loss_n = −log softmax(logits_n)[target_n]; returns Σ_n weight_n·loss_n (weight = loss mask / normaliser).
/// When `dlogits` is given it is overwritten with weight_n·(softmax − onehot(target)) (may alias `logits`:
/// each row is read fully before it is overwritten).
func crossEntropyForwardBackward(dlogits: UnsafeMutablePointer<Float>?, logits: UnsafeMutablePointer<Float>,
                                 targets: UnsafePointer<Int32>, weights: UnsafePointer<Float>, N: Int, V: Int,
                                 rowLoss: UnsafeMutablePointer<Float>? = nil) -> Double {
    var losses = [Double](repeating: 0, count: N)
    losses.withUnsafeMutableBufferPointer { lossBuf in
        let lossP = lossBuf.baseAddress!
        Parallel.ranges(N, minChunk: 8) { rows in
            for n in rows {
                let x = logits + n * V
                var m = -Float.infinity
                for i in 0..<V where x[i] > m { m = x[i] }
                let target = Int(targets[n]), xTarget = x[target]
                var sum: Double = 0
                if let dlogits {  // keep exp(x − m) in the gradient row: one exp per logit
                    let d = dlogits + n * V
                    for i in 0..<V { let e = expf(x[i] - m); d[i] = e; sum += Double(e) }
                    let scale = weights[n] / Float(sum)
                    for i in 0..<V { d[i] *= scale }
                    d[target] -= weights[n]
                } else {
                    for i in 0..<V { sum += Double(expf(x[i] - m)) }
                }
                let l = Double(m) + Foundation.log(sum) - Double(xTarget)
                rowLoss?[n] = Float(l)
                lossP[n] = Double(weights[n]) * l
            }
        }
    }
    return losses.reduce(0, +)
}
