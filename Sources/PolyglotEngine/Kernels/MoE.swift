// Dims legend: N rows (tokens), C channels, F expert ffn hidden, E experts, K top-k, R = N·K routed rows.
// Mixtral sparse MoE: router linear → softmax over E → top-k → renormalise over the k → per-expert SwiGLU
// (w1 = gate (F,C), w3 = up (F,C), w2 = down (C,F), HF names) → weighted scatter-add.
import Foundation

/// Weights of one MoE block, as pointers into the model's flat parameter (or gradient) buffer.
struct MoEWeights {
    let router: UnsafeMutablePointer<Float>  // (E, C)
    let w1: UnsafeMutablePointer<Float>  // (E, F, C)
    let w2: UnsafeMutablePointer<Float>  // (E, C, F)
    let w3: UnsafeMutablePointer<Float>  // (E, F, C)
}

/// Saved routing decisions and expert activations of one MoE block (capacity N rows).
final class MoEActivations {
    let N: Int, C: Int, F: Int, E: Int, K: Int
    let probs: FloatBuffer  // (N, E) softmax of router logits
    let topW: FloatBuffer  // (N, K) renormalised weights of the chosen experts
    var topIdx: [Int32]  // (N, K) chosen experts, best first
    var order: [Int32]  // (R) routed rows grouped by expert; value n·K + slot
    var position: [Int32]  // (R) inverse of `order`: where slot n·K + slot sits in the grouped rows
    var start: [Int]  // (E+1) first row of each expert in `order`
    let xg: FloatBuffer  // (R, C) gathered inputs
    let gate: FloatBuffer, up: FloatBuffer, h: FloatBuffer  // (R, F)
    let y: FloatBuffer  // (R, C) expert outputs before weighting

    init(N: Int, C: Int, F: Int, E: Int, K: Int) {
        self.N = N; self.C = C; self.F = F; self.E = E; self.K = K
        probs = FloatBuffer(count: N * E); topW = FloatBuffer(count: N * K)
        topIdx = [Int32](repeating: 0, count: N * K); order = [Int32](repeating: 0, count: N * K)
        position = order
        start = [Int](repeating: 0, count: E + 1)
        xg = FloatBuffer(count: N * K * C); y = FloatBuffer(count: N * K * C)
        gate = FloatBuffer(count: N * K * F); up = FloatBuffer(count: N * K * F); h = FloatBuffer(count: N * K * F)
    }
}

/// Scratch for the MoE backward pass, shared by all layers.
final class MoEGradScratch {
    let dy: FloatBuffer, dxg: FloatBuffer  // (R, C)
    let dh: FloatBuffer, dgate: FloatBuffer, dup: FloatBuffer  // (R, F)
    let dlogits: FloatBuffer  // (N, E)
    init(N: Int, C: Int, F: Int, E: Int, K: Int) {
        dy = FloatBuffer(count: N * K * C); dxg = FloatBuffer(count: N * K * C)
        dh = FloatBuffer(count: N * K * F); dgate = FloatBuffer(count: N * K * F); dup = FloatBuffer(count: N * K * F)
        dlogits = FloatBuffer(count: N * E)
    }
}

/// out(N,C) = Σ_k w_k·expert_k(inp); returns the load-balancing loss E·Σ_e f_e·P_e over rows with valid ≠ 0
/// (f_e = routed slots to e per valid token, P_e = mean router probability, as HF `load_balancing_loss_func`).
@discardableResult
func moeForward(
    out: UnsafeMutablePointer<Float>, acts a: MoEActivations, inp: UnsafePointer<Float>,
    weights w: MoEWeights, valid: UnsafePointer<Float>?, N: Int
) -> Float {
    let C = a.C, F = a.F, E = a.E, K = a.K
    linearForward(out: a.probs.ptr, inp: inp, weight: w.router, N: N, C: C, OC: E)  // (N,E) logits
    a.topIdx.withUnsafeMutableBufferPointer { idxBuf in
        let idx = idxBuf.baseAddress!
        for n in 0..<N {
            let p = a.probs.ptr + n * E
            var m = -Float.infinity
            for e in 0..<E where p[e] > m { m = p[e] }
            var s: Float = 0
            for e in 0..<E { p[e] = expf(p[e] - m); s += p[e] }
            for e in 0..<E { p[e] /= s }  // Mixtral: softmax over all E before top-k
            var chosenSum: Float = 0
            for slot in 0..<K {  // top-k by selection; ties go to the lower index
                var best = -1
                for e in 0..<E {
                    var taken = false
                    for prev in 0..<slot where idx[n * K + prev] == Int32(e) { taken = true }
                    if !taken && (best < 0 || p[e] > p[best]) { best = e }
                }
                idx[n * K + slot] = Int32(best)
                a.topW.ptr[n * K + slot] = p[best]
                chosenSum += p[best]
            }
            for slot in 0..<K { a.topW.ptr[n * K + slot] /= chosenSum }  // renormalise over the chosen k
        }
        // Group routed rows by expert (counting sort keeps token order inside each expert: deterministic).
        for e in 0...E { a.start[e] = 0 }
        for r in 0..<(N * K) { a.start[Int(idx[r]) + 1] += 1 }
        for e in 0..<E { a.start[e + 1] += a.start[e] }
        var fill = Array(a.start[0..<E])
        for r in 0..<(N * K) {
            let e = Int(idx[r])
            a.order[fill[e]] = Int32(r); a.position[r] = Int32(fill[e]); fill[e] += 1
        }
    }
    Parallel.ranges(N * K, minChunk: 512) { rows in
        for r in rows { (a.xg.ptr + r * C).update(from: inp + (Int(a.order[r]) / K) * C, count: C) }
    }
    // Experts in parallel (each a single-threaded SwiGLU over its own rows; expert sizes vary, so whole experts balance better than split GEMMs).
    forEachExpert(E, rows: N * K) { e in
        let lo = a.start[e], n = a.start[e + 1] - lo
        if n == 0 { return }
        linearForward(
            out: a.gate.ptr + lo * F, inp: a.xg.ptr + lo * C, weight: w.w1 + e * F * C, N: n, C: C, OC: F,
            parallel: false)
        linearForward(
            out: a.up.ptr + lo * F, inp: a.xg.ptr + lo * C, weight: w.w3 + e * F * C, N: n, C: C, OC: F, parallel: false
        )
        swigluForward(
            h: a.h.ptr + lo * F, gate: a.gate.ptr + lo * F, up: a.up.ptr + lo * F, count: n * F, parallel: false)
        linearForward(
            out: a.y.ptr + lo * C, inp: a.h.ptr + lo * F, weight: w.w2 + e * C * F, N: n, C: F, OC: C, parallel: false)
    }
    // out[n] = Σ_slot w·y, slots in order: a fixed order per token keeps results bit-reproducible.
    Parallel.ranges(N, minChunk: 64) { tokens in
        for n in tokens {
            let o = out + n * C
            o.update(repeating: 0, count: C)
            for slot in 0..<K {
                Vec.axpy(a.topW.ptr[n * K + slot], a.y.ptr + Int(a.position[n * K + slot]) * C, o, C)
            }
        }
    }
    return loadBalancing(a, valid: valid, N: N).loss
}

/// Runs `body` for every expert: in parallel for training batches, serially when decoding a few tokens
/// (waking the other core costs more than the work).
private func forEachExpert(_ E: Int, rows: Int, _ body: (Int) -> Void) {
    if rows < 64 { for e in 0..<E { body(e) } } else { Parallel.forEach(E, body) }
}

/// f_e (slots per valid token) and the aux loss; shared by forward and backward.
private func loadBalancing(_ a: MoEActivations, valid: UnsafePointer<Float>?, N: Int) -> (
    loss: Float, f: [Float], count: Float
) {
    let E = a.E, K = a.K
    var f = [Float](repeating: 0, count: E), P = [Float](repeating: 0, count: E)
    var count: Float = 0
    for n in 0..<N where (valid?[n] ?? 1) != 0 {
        count += 1
        for slot in 0..<K { f[Int(a.topIdx[n * K + slot])] += 1 }
        for e in 0..<E { P[e] += a.probs.ptr[n * E + e] }
    }
    if count == 0 { return (0, f, 0) }
    var loss: Float = 0
    for e in 0..<E { f[e] /= count; loss += f[e] * P[e] / count }
    return (Float(E) * loss, f, count)
}

/// Inverts `moeForward`: accumulates dinp(N,C) and the weight grads; `auxScale` is d(total loss)/d(aux).
/// The router learns through the renormalised weights (w_j = p_j/S ⇒ dp_j = (dw_j − Σ_i dw_i·w_i)/S) and the aux loss.
func moeBackward(
    dinp: UnsafeMutablePointer<Float>, dweights dw: MoEWeights?, scratch s: MoEGradScratch,
    dout: UnsafePointer<Float>, acts a: MoEActivations, inp: UnsafePointer<Float>, weights w: MoEWeights,
    valid: UnsafePointer<Float>?, auxScale: Float, N: Int
) {
    let C = a.C, F = a.F, E = a.E, K = a.K, R = N * K
    // From out[n] += w_r · y_r: dy_r = w_r·dout[n], dw_r = dout[n]·y_r.
    var dTopW = [Float](repeating: 0, count: R)
    dTopW.withUnsafeMutableBufferPointer { dTopWBuf in
        let dTopWP = dTopWBuf.baseAddress!
        Parallel.ranges(R, minChunk: 256) { rows in
            for r in rows {
                let row = Int(a.order[r]), n = row / K
                let wr = a.topW.ptr[row]
                let d = dout + n * C, dy = s.dy.ptr + r * C
                for i in 0..<C { dy[i] = wr * d[i] }
                dTopWP[row] = Vec.dot(d, a.y.ptr + r * C, C)
            }
        }
    }
    // experts in parallel, as in the forward pass; each writes only its own rows and weights
    forEachExpert(E, rows: R) { e in
        let lo = a.start[e], n = a.start[e + 1] - lo
        if n == 0 { return }
        // y = h · w2ᵀ
        linearBackward(
            dinp: s.dh.ptr + lo * F, dweight: dw.map { $0.w2 + e * C * F }, dout: s.dy.ptr + lo * C,
            inp: a.h.ptr + lo * F, weight: w.w2 + e * C * F, N: n, C: F, OC: C, accumulate: false, parallel: false)
        // h = silu(gate) · up
        swigluBackward(
            dgate: s.dgate.ptr + lo * F, dup: s.dup.ptr + lo * F, dh: s.dh.ptr + lo * F,
            gate: a.gate.ptr + lo * F, up: a.up.ptr + lo * F, count: n * F, parallel: false)
        // gate = xg · w1ᵀ, up = xg · w3ᵀ
        linearBackward(
            dinp: s.dxg.ptr + lo * C, dweight: dw.map { $0.w1 + e * F * C }, dout: s.dgate.ptr + lo * F,
            inp: a.xg.ptr + lo * C, weight: w.w1 + e * F * C, N: n, C: C, OC: F, accumulate: false, parallel: false)
        linearBackward(
            dinp: s.dxg.ptr + lo * C, dweight: dw.map { $0.w3 + e * F * C }, dout: s.dup.ptr + lo * F,
            inp: a.xg.ptr + lo * C, weight: w.w3 + e * F * C, N: n, C: C, OC: F, parallel: false)
    }
    Parallel.ranges(N, minChunk: 64) { tokens in  // gather inverted: each token adds its slots' rows, in slot order
        for n in tokens {
            for slot in 0..<K { Vec.axpy(1, s.dxg.ptr + Int(a.position[n * K + slot]) * C, dinp + n * C, C) }
        }
    }
    // Router: renormalisation, aux loss, then softmax backward.
    let lb = loadBalancing(a, valid: valid, N: N)
    for n in 0..<N {
        let p = a.probs.ptr + n * E, dl = s.dlogits.ptr + n * E
        for e in 0..<E { dl[e] = 0 }
        var chosenSum: Float = 0, dwDotW: Float = 0
        for slot in 0..<K {
            chosenSum += p[Int(a.topIdx[n * K + slot])]
            dwDotW += dTopW[n * K + slot] * a.topW.ptr[n * K + slot]
        }
        for slot in 0..<K {
            dl[Int(a.topIdx[n * K + slot])] += (dTopW[n * K + slot] - dwDotW) / chosenSum
        }
        if lb.count > 0 && (valid?[n] ?? 1) != 0 {  // aux = E·Σ f_e·mean(p_e): dp_e = E·f_e/count
            for e in 0..<E { dl[e] += auxScale * Float(E) * lb.f[e] / lb.count }
        }
        var pdp: Float = 0
        for e in 0..<E { pdp += p[e] * dl[e] }
        for e in 0..<E { dl[e] = p[e] * (dl[e] - pdp) }
    }
    linearBackward(dinp: dinp, dweight: dw?.router, dout: s.dlogits.ptr, inp: inp, weight: w.router, N: N, C: C, OC: E)
}
