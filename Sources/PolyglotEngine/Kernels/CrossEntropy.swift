// Dims legend: N rows, V vocab.
import Foundation

/// Per row n: loss_n = −log softmax(logits_n)[target_n]; returns Σ_n weight_n·loss_n (weight = loss mask / normaliser).
/// When `dlogits` is given it is overwritten with weight_n·(softmax − onehot(target)) (may alias `logits`).
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
                var sum: Double = 0
                for i in 0..<V { sum += Double(expf(x[i] - m)) }
                let logZ = Double(m) + Foundation.log(sum)
                let target = Int(targets[n])
                let l = logZ - Double(x[target])
                rowLoss?[n] = Float(l)
                lossP[n] = Double(weights[n]) * l
                if let dlogits {
                    let d = dlogits + n * V, w = weights[n], lz = Float(logZ)
                    for i in 0..<V { d[i] = w * expf(x[i] - lz) }
                    d[target] -= w
                }
            }
        }
    }
    return losses.reduce(0, +)
}
