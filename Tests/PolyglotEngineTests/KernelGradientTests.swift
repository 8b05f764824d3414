import XCTest
@testable import PolyglotEngine

/// Central finite-difference checks of every kernel's backward (relative error < 1e-2 in Float32).
final class KernelGradientTests: XCTestCase {
    func testRMSNorm() {
        let N = 4, C = 8
        let x = GradCheck.random(N * C, seed: 1), wgt = GradCheck.random(C, seed: 2),
            w = GradCheck.random(N * C, seed: 3)
        let out = FloatBuffer(count: N * C), rstd = FloatBuffer(count: N)
        func loss() -> Double {
            rmsnormForward(out: out.ptr, rstd: rstd.ptr, inp: x.ptr, weight: wgt.ptr, N: N, C: C, eps: 1e-5)
            return GradCheck.weightedSum(out.ptr, w.ptr, N * C)
        }
        _ = loss()
        let dx = FloatBuffer(count: N * C), dw = FloatBuffer(count: C)
        rmsnormBackward(
            dinp: dx.ptr, dweight: dw.ptr, dout: w.ptr, inp: x.ptr, weight: wgt.ptr, rstd: rstd.ptr, N: N, C: C)
        XCTAssertLessThan(
            GradCheck.relativeError(x: x.ptr, analytic: dx.ptr, indices: Array(0..<(N * C)), h: 1e-3, loss: loss), 1e-2)
        XCTAssertLessThan(
            GradCheck.relativeError(x: wgt.ptr, analytic: dw.ptr, indices: Array(0..<C), h: 1e-3, loss: loss), 1e-2)
    }

    func testRopeIsARotationAndItsBackwardIsTheTranspose() {
        let rows = 3, H = 2, D = 8
        let table = RopeTable(maxPositions: 16, headDim: D, theta: 10_000)
        let x = GradCheck.random(rows * H * D, seed: 1), w = GradCheck.random(rows * H * D, seed: 2)
        let y = FloatBuffer(count: rows * H * D)
        let pos: (Int) -> Int = { 2 + 3 * $0 }
        func loss() -> Double {
            y.copy(from: x.toArray())
            ropeForward(x: y.ptr, rows: rows, heads: H, headDim: D, position: pos, table: table)
            return GradCheck.weightedSum(y.ptr, w.ptr, rows * H * D)
        }
        _ = loss()
        let dx = FloatBuffer(count: rows * H * D); dx.copy(from: w.toArray())
        ropeBackward(dx: dx.ptr, rows: rows, heads: H, headDim: D, position: pos, table: table)
        XCTAssertLessThan(
            GradCheck.relativeError(x: x.ptr, analytic: dx.ptr, indices: Array(0..<(rows * H * D)), loss: loss), 1e-2)
        // Position 0 is the identity; rotate-half pairs element i with i + D/2.
        let z = GradCheck.random(D, seed: 4), before = z.toArray()
        ropeForward(x: z.ptr, rows: 1, heads: 1, headDim: D, position: { _ in 0 }, table: table)
        XCTAssertEqual(z.toArray(), before)
    }

    /// Seeded q, k, v of a causal (optionally document-masked) attention and a loss weighting its outputs by `w`.
    private struct AttentionCase {
        let B: Int, T: Int, H = 4, Hkv = 2, D = 4
        let documents: [[Range<Int>]]?
        let blockRows: Int
        let q: FloatBuffer, k: FloatBuffer, v: FloatBuffer, w: FloatBuffer, out: FloatBuffer, probs: FloatBuffer

        init(B: Int, T: Int, documents: [[Range<Int>]]? = nil, blockRows: Int = causalBlockRows) {
            self.B = B; self.T = T; self.documents = documents; self.blockRows = blockRows
            q = GradCheck.random(B * T * H * D, seed: 1); k = GradCheck.random(B * T * Hkv * D, seed: 2)
            v = GradCheck.random(B * T * Hkv * D, seed: 3); w = GradCheck.random(B * T * H * D, seed: 4)
            out = FloatBuffer(count: B * T * H * D); probs = FloatBuffer(count: B * H * T * T)
        }

        func loss() -> Double {
            attentionForward(
                out: out.ptr, probs: probs.ptr, q: q.ptr, k: k.ptr, v: v.ptr, B: B, T: T, H: H, Hkv: Hkv,
                D: D, mode: .causal(documents: documents), blockRows: blockRows)
            return GradCheck.weightedSum(out.ptr, w.ptr, B * T * H * D)
        }

        /// The backward pass against finite differences of `loss`, for q, k and v.
        func checkBackward(file: StaticString = #filePath, line: UInt = #line) {
            let dq = FloatBuffer(count: q.count), dk = FloatBuffer(count: k.count), dv = FloatBuffer(count: v.count)
            attentionBackward(
                dq: dq.ptr, dk: dk.ptr, dv: dv.ptr, dout: w.ptr, q: q.ptr, k: k.ptr, v: v.ptr, probs: probs.ptr,
                B: B, T: T, H: H, Hkv: Hkv, D: D, documents: documents, blockRows: blockRows)
            for (x, d) in [(q, dq), (k, dk), (v, dv)] {
                XCTAssertLessThan(
                    GradCheck.relativeError(
                        x: x.ptr, analytic: d.ptr, indices: Array(0..<x.count), h: 1e-3, loss: loss),
                    1e-2, file: file, line: line)
            }
        }
    }

    /// In blocks of 2 query rows, so that the blocks' GEMMs (rows 2..<4 see keys 0..<4, …) are checked too.
    func testCausalGroupedQueryAttention() {
        let c = AttentionCase(B: 2, T: 5, blockRows: 2)
        _ = c.loss()
        // Causality: no probability mass on future positions.
        for bh in 0..<(c.B * c.H) {
            for t in 0..<c.T {
                for j in (t + 1)..<c.T where j < c.T { XCTAssertEqual(c.probs.ptr[(bh * c.T + t) * c.T + j], 0) }
            }
        }
        c.checkBackward()
    }

    /// Document masks (a packed row): no probability mass across a document boundary, a document's outputs do not
    /// depend on another's inputs, and the backward matches finite differences.
    func testDocumentMaskedAttention() {
        let documents = [[0..<3, 3..<7], [0..<2, 2..<5, 5..<6, 6..<7]]
        let c = AttentionCase(B: 2, T: 7, documents: documents)
        let (B, T, H, Hkv, D, k, v, out, probs) = (c.B, c.T, c.H, c.Hkv, c.D, c.k, c.v, c.out, c.probs)
        probs.ptr.update(repeating: .nan, count: probs.count)  // cells outside the blocks must not be read
        _ = c.loss()
        for b in 0..<B {
            for h in 0..<H {
                for doc in documents[b] {
                    for t in doc {
                        let row = probs.ptr + ((b * H + h) * T + t) * T
                        let mass = (doc.lowerBound...t).reduce(Float(0)) { $0 + row[$1] }
                        XCTAssertEqual(mass, 1, accuracy: 1e-5, "row \(t) of sequence \(b) sums to 1 in its document")
                    }
                }
            }
        }
        // Changing the first document of sequence 0 leaves the outputs of its second document unchanged.
        let before = out.toArray()
        for t in 0..<3 { for i in 0..<(Hkv * D) { k.ptr[t * Hkv * D + i] += 1; v.ptr[t * Hkv * D + i] -= 1 } }
        _ = c.loss()
        for t in 3..<7 { for i in 0..<(H * D) { XCTAssertEqual(out.ptr[t * H * D + i], before[t * H * D + i]) } }
        c.checkBackward()
    }

    /// Causal attention in blocks of query rows (skipping the masked upper triangle) gives what one block per
    /// document gives, up to rounding (OpenBLAS's kernels round differently at other shapes), forward and backward,
    /// at the model's head size and with documents longer than a block.
    func testCausalBlocksMatchOneBlock() {
        let B = 2, T = 150, H = 4, Hkv = 2, D = 32
        let documentsPerRow: [[Range<Int>]?] = [nil, [0..<70, 70..<141, 141..<150]]
        for (row, documents) in documentsPerRow.enumerated() {
            let docs = documents.map { [$0, $0] }
            let q = GradCheck.random(B * T * H * D, seed: 1), k = GradCheck.random(B * T * Hkv * D, seed: 2)
            let v = GradCheck.random(B * T * Hkv * D, seed: 3), dout = GradCheck.random(B * T * H * D, seed: 4)
            func run(blockRows: Int) -> [[Float]] {
                let out = FloatBuffer(count: q.count), probs = FloatBuffer(count: B * H * T * T)
                attentionForward(
                    out: out.ptr, probs: probs.ptr, q: q.ptr, k: k.ptr, v: v.ptr, B: B, T: T, H: H, Hkv: Hkv,
                    D: D, mode: .causal(documents: docs), blockRows: blockRows)
                let dq = FloatBuffer(count: q.count), dk = FloatBuffer(count: k.count), dv = FloatBuffer(count: v.count)
                attentionBackward(
                    dq: dq.ptr, dk: dk.ptr, dv: dv.ptr, dout: dout.ptr, q: q.ptr, k: k.ptr, v: v.ptr,
                    probs: probs.ptr, B: B, T: T, H: H, Hkv: Hkv, D: D, documents: docs, blockRows: blockRows)
                return [out, probs, dq, dk, dv].map { $0.toArray() }
            }
            let blocked = run(blockRows: causalBlockRows), whole = run(blockRows: T)
            for (name, (a, b)) in zip(["out", "probs", "dq", "dk", "dv"], zip(blocked, whole)) {
                let scale = b.reduce(Float(0)) { max($0, abs($1)) }
                let error = zip(a, b).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
                XCTAssertLessThan(error, 1e-5 * scale, "\(name), documents of case \(row)")
                if name == "probs" { XCTAssertEqual(a.map { $0 == 0 }, b.map { $0 == 0 }, "the same masked cells") }
            }
        }
    }

    /// The cached mode sees what the causal mode sees: the last T − past rows of each sequence, run against caches
    /// of S rows per sequence holding all T keys and values (and garbage after them, which must not be read), give
    /// the causal outputs up to rounding (dot products instead of GEMMs).
    func testCachedAttentionModeMatchesCausalMode() {
        let B = 2, T = 6, H = 4, Hkv = 2, D = 4, S = 9, past = 4, new = T - past, qDim = H * D, kvDim = Hkv * D
        let q = GradCheck.random(B * T * qDim, seed: 1), k = GradCheck.random(B * T * kvDim, seed: 2)
        let v = GradCheck.random(B * T * kvDim, seed: 3)
        let causal = FloatBuffer(count: B * T * qDim), probs = FloatBuffer(count: B * H * T * T)
        attentionForward(
            out: causal.ptr, probs: probs.ptr, q: q.ptr, k: k.ptr, v: v.ptr, B: B, T: T, H: H, Hkv: Hkv,
            D: D, mode: .causal(documents: nil))
        let kCache = FloatBuffer(count: B * S * kvDim), vCache = FloatBuffer(count: B * S * kvDim)
        kCache.ptr.update(repeating: 1e3, count: B * S * kvDim); vCache.ptr.update(repeating: 1e3, count: B * S * kvDim)
        let qNew = FloatBuffer(count: B * new * qDim)
        for b in 0..<B {
            (kCache.ptr + b * S * kvDim).update(from: k.ptr + b * T * kvDim, count: T * kvDim)
            (vCache.ptr + b * S * kvDim).update(from: v.ptr + b * T * kvDim, count: T * kvDim)
            (qNew.ptr + b * new * qDim).update(from: q.ptr + (b * T + past) * qDim, count: new * qDim)
        }
        let cached = FloatBuffer(count: B * new * qDim), scratch = FloatBuffer(count: B * H * S)
        attentionForward(
            out: cached.ptr, probs: scratch.ptr, q: qNew.ptr, k: kCache.ptr, v: vCache.ptr, B: B, T: new,
            H: H, Hkv: Hkv, D: D, mode: .cached(past: past, capacity: S))
        for b in 0..<B {
            for i in 0..<(new * qDim) {
                XCTAssertEqual(cached.ptr[b * new * qDim + i], causal.ptr[(b * T + past) * qDim + i], accuracy: 1e-5)
            }
        }
    }

    func testSwiGLU() {
        let n = 43  // five 8-lane blocks and a 3-lane tail
        let g = GradCheck.random(n, seed: 1), u = GradCheck.random(n, seed: 2), w = GradCheck.random(n, seed: 3)
        let h = FloatBuffer(count: n)
        func loss() -> Double {
            swigluForward(h: h.ptr, gate: g.ptr, up: u.ptr, count: n)
            return GradCheck.weightedSum(h.ptr, w.ptr, n)
        }
        _ = loss()
        let dg = FloatBuffer(count: n), du = FloatBuffer(count: n)
        swigluBackward(dgate: dg.ptr, dup: du.ptr, dh: w.ptr, gate: g.ptr, up: u.ptr, count: n)
        XCTAssertLessThan(
            GradCheck.relativeError(x: g.ptr, analytic: dg.ptr, indices: Array(0..<n), h: 1e-3, loss: loss), 1e-2)
        XCTAssertLessThan(
            GradCheck.relativeError(x: u.ptr, analytic: du.ptr, indices: Array(0..<n), h: 1e-3, loss: loss), 1e-2)
    }

    func testCrossEntropyWithLossMask() {
        let N = 4, V = 7
        let logits = GradCheck.random(N * V, seed: 1, scale: 2)
        let targets: [Int32] = [1, 6, 0, 3], weights: [Float] = [0.5, 0, 0.25, 0.25]
        func loss() -> Double {
            let copy = FloatBuffer(count: N * V); copy.copy(from: logits.toArray())
            return crossEntropyForwardBackward(
                dlogits: nil, logits: copy.ptr, targets: targets, weights: weights, N: N, V: V)
        }
        let d = FloatBuffer(count: N * V); d.copy(from: logits.toArray())
        let l = crossEntropyForwardBackward(
            dlogits: d.ptr, logits: d.ptr, targets: targets, weights: weights, N: N, V: V)
        XCTAssertEqual(l, loss(), accuracy: 1e-9)
        XCTAssertLessThan(
            GradCheck.relativeError(x: logits.ptr, analytic: d.ptr, indices: Array(0..<(N * V)), h: 1e-3, loss: loss),
            1e-2)
        for i in 0..<V { XCTAssertEqual(d.ptr[V + i], 0, "masked-out row gets no gradient") }
    }

    func testEmbeddingAccumulatesRepeatedTokens() {
        let C = 3, tokens: [Int32] = [2, 0, 2]
        let dout = GradCheck.random(3 * C, seed: 1), dtable = FloatBuffer(count: 4 * C)
        embeddingBackward(dtable: dtable.ptr, dout: dout.ptr, tokens: tokens, N: 3, C: C)
        for c in 0..<C {
            XCTAssertEqual(dtable.ptr[2 * C + c], dout.ptr[c] + dout.ptr[2 * C + c], accuracy: 1e-6)
            XCTAssertEqual(dtable.ptr[C + c], 0)
        }
    }
}
