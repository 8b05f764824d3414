// Dims legend: N rows, H heads, D head dim, T positions.
import Foundation

/// Rotary tables for Llama "rotate-half": angle(t,i) = t · theta^(−2i/D), i < D/2.
struct RopeTable {
    let cos: [Float]  // (T, D/2)
    let sin: [Float]  // (T, D/2)
    let half: Int

    init(maxPositions: Int, headDim: Int, theta: Double) {
        half = headDim / 2
        var c = [Float](repeating: 0, count: maxPositions * half), s = c
        for t in 0..<maxPositions {
            for i in 0..<half {
                let angle = Double(t) * Foundation.pow(theta, -2 * Double(i) / Double(headDim))
                c[t * half + i] = Float(Foundation.cos(angle))
                s[t * half + i] = Float(Foundation.sin(angle))
            }
        }
        cos = c; sin = s
    }
}

/// In place on x(rows,H,D) with position(row): (x1,x2) → (x1·cos − x2·sin, x2·cos + x1·sin).
func ropeForward(
    x: UnsafeMutablePointer<Float>, rows: Int, heads: Int, headDim D: Int,
    position: (Int) -> Int, table: RopeTable
) {
    rope(x: x, rows: rows, heads: heads, headDim: D, position: position, table: table, sign: 1)
}

/// Inverts `ropeForward` (a rotation): rotates the gradient by the negative angle, in place.
func ropeBackward(
    dx: UnsafeMutablePointer<Float>, rows: Int, heads: Int, headDim D: Int,
    position: (Int) -> Int, table: RopeTable
) {
    rope(x: dx, rows: rows, heads: heads, headDim: D, position: position, table: table, sign: -1)
}

private func rope(
    x: UnsafeMutablePointer<Float>, rows: Int, heads: Int, headDim D: Int,
    position: (Int) -> Int, table: RopeTable, sign: Float
) {
    let half = table.half
    table.cos.withUnsafeBufferPointer { cosP in
        table.sin.withUnsafeBufferPointer { sinP in
            Parallel.ranges(rows, minChunk: 256) { range in
                for r in range {
                    let c = cosP.baseAddress! + position(r) * half, s = sinP.baseAddress! + position(r) * half
                    for h in 0..<heads {
                        let v = x + (r * heads + h) * D
                        for i in 0..<half {
                            let x1 = v[i], x2 = v[i + half], sn = sign * s[i]
                            v[i] = x1 * c[i] - x2 * sn
                            v[i + half] = x2 * c[i] + x1 * sn
                        }
                    }
                }
            }
        }
    }
}
