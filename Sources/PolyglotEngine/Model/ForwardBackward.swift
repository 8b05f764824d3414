// Dims legend: B batch, T time (new rows per sequence), C channels, V vocab, L layers, H heads, Hkv kv-heads,
// D head dim, F ffn hidden, N = B·T rows, S key positions per sequence (T, or a KV cache's capacity).
// The decoder's one forward pass and its backward, laid out as llm.c's gpt2_forward / gpt2_backward: `forward` is the
// list of layer calls that training and KV-cached decoding both run, `backward` is that list reversed.
import Foundation

extension Transformer {
    // MARK: Forward

    /// Embedding → L × (attention block, MLP block) → final norm, writing `a` (the final hidden states in `a.lnf`).
    /// Returns the mean over layers of the MoE load-balancing loss (0 for dense).
    /// - Without `cache`: whole sequences from position 0, causal attention, keys and values kept in `a`
    ///   (training and batched evaluation).
    /// - With `cache` (B = 1): T new rows after its `length` positions; their keys and values are appended to it.
    /// `valid` (N) marks the rows that count in the aux loss (nil: all); `routing` (opt-in) counts the experts of
    /// its valid rows under each row's tag (N).
    /// `packed` (training only): the documents of each sequence (`AttentionMode.causal`) and each row's position
    /// inside its document (N), for batches that pack several documents per sequence.
    func forward(
        _ a: Activations, tokens: UnsafePointer<Int32>, valid: UnsafePointer<Float>?, B: Int, T: Int,
        cache: KVCache? = nil, routing: (recorder: RoutingRecorder, tags: [Int?])? = nil,
        packed: (documents: [[Range<Int>]], positions: UnsafePointer<Int32>)? = nil
    ) -> Double {
        let cfg = config, P = params.ptr, N = B * T, L = cfg.numHiddenLayers, C = cfg.hiddenSize
        let F = cfg.intermediateSize, H = cfg.numAttentionHeads, Hkv = cfg.numKeyValueHeads, D = cfg.headDim
        let eps = Float(cfg.rmsNormEps), past = cache?.length ?? 0
        let mode =
            cache.map { AttentionMode.cached(past: past, capacity: $0.capacity) }
            ?? .causal(documents: packed?.documents)
        let position: (Int) -> Int = packed.map { p in { Int(p.positions[$0]) } } ?? { past + $0 % T }
        var aux = 0.0
        embeddingForward(out: a.resid[0].ptr, tokens: tokens, table: P + layout.embed, N: N, C: C)
        for l in 0..<L {
            let o = layout.layers[l], x = a.resid[l].ptr
            let k = cache?.k[l].ptr ?? a.k[l].ptr, v = cache?.v[l].ptr ?? a.v[l].ptr  // (B,S,Hkv,D)
            let kNew = k + past * Hkv * D, vNew = v + past * Hkv * D  // (N,Hkv·D)
            // residMid = x + o_proj(attention(rope(q), rope(k), v)), q k v projections of ln1 = rmsnorm(x)
            rmsnormForward(
                out: a.ln1[l].ptr, rstd: a.rstd1[l].ptr, inp: x, weight: P + o.attnNorm,
                N: N, C: C, eps: eps)
            linear(l, .q, out: a.q[l].ptr, inp: a.ln1[l].ptr, N: N, acts: a)
            linear(l, .k, out: kNew, inp: a.ln1[l].ptr, N: N, acts: a)
            linear(l, .v, out: vNew, inp: a.ln1[l].ptr, N: N, acts: a)
            ropeForward(x: a.q[l].ptr, rows: N, heads: H, headDim: D, position: position, table: rope)
            ropeForward(x: kNew, rows: N, heads: Hkv, headDim: D, position: position, table: rope)
            attentionForward(
                out: a.att[l].ptr, probs: a.probs[l].ptr, q: a.q[l].ptr, k: k, v: v,
                B: B, T: T, H: H, Hkv: Hkv, D: D, mode: mode)
            linear(l, .o, out: a.tmp.ptr, inp: a.att[l].ptr, N: N, acts: a)
            residualForward(out: a.residMid[l].ptr, inp1: x, inp2: a.tmp.ptr, count: N * C)
            // resid[l+1] = residMid + mlp(ln2 = rmsnorm(residMid)), mlp a SwiGLU or a mixture of SwiGLU experts
            rmsnormForward(
                out: a.ln2[l].ptr, rstd: a.rstd2[l].ptr, inp: a.residMid[l].ptr, weight: P + o.mlpNorm,
                N: N, C: C, eps: eps)
            if let moe = a.moe[l] {
                let layerAux = moeForward(
                    out: a.tmp.ptr, acts: moe, inp: a.ln2[l].ptr, weights: moeWeights(P, o),
                    valid: valid, N: N)
                aux += Double(layerAux) / Double(L)
                if let routing, let valid {
                    routing.recorder.stats.record(layer: l, acts: moe, valid: valid, tags: routing.tags, N: N)
                }
            } else {
                linearPair(l, (.gate, a.gate[l].ptr), (.up, a.up[l].ptr), inp: a.ln2[l].ptr, N: N, acts: a)
                swigluForward(h: a.h.ptr, gate: a.gate[l].ptr, up: a.up[l].ptr, count: N * F)
                linear(l, .down, out: a.tmp.ptr, inp: a.h.ptr, N: N, acts: a)
            }
            residualForward(out: a.resid[l + 1].ptr, inp1: a.residMid[l].ptr, inp2: a.tmp.ptr, count: N * C)
        }
        rmsnormForward(
            out: a.lnf.ptr, rstd: a.rstdf.ptr, inp: a.resid[L].ptr, weight: P + layout.finalNorm,
            N: N, C: C, eps: eps)
        cache?.advance(N)
        return aux
    }

    /// The loss head: Σ_n weight_n·CE(lnf_n·Wlmᵀ, target_n). With `dlnf` it is also the backward pass's seed:
    /// dlnf(N,C) = dlogits·Wlm and dWlm += dlogitsᵀ·lnf (full fine-tuning only). Rows of weight 0 (a tuning set's
    /// prompts, padding) have neither loss nor gradient, so they get no logits: the weighted rows are gathered into
    /// `a.tmp` (free between the forward pass and the backward one) and their dlnf into `dlnfScratch`, then
    /// scattered back. Pre-training weights every row and takes the direct path.
    func lossForward(
        _ a: Activations, targets: UnsafePointer<Int32>, weights: UnsafePointer<Float>, N: Int,
        dlnf: UnsafeMutablePointer<Float>?, dlnfScratch: UnsafeMutablePointer<Float>?, G: UnsafeMutablePointer<Float>?
    ) -> Double {
        let C = config.hiddenSize
        let rows = (0..<N).filter { weights[$0] != 0 }
        if rows.count == N {
            return lossHead(a, lnf: a.lnf.ptr, targets: targets, weights: weights, N: N, dlnf: dlnf, G: G)
        }
        let M = rows.count
        let gatheredTargets = rows.map { targets[$0] }, gatheredWeights = rows.map { weights[$0] }
        for (i, n) in rows.enumerated() {  // (M,C) ← (N,C)
            (a.tmp.ptr + i * C).update(from: a.lnf.ptr + n * C, count: C)
        }
        let gatheredGrad = dlnf == nil ? nil : dlnfScratch
        let loss = lossHead(
            a, lnf: a.tmp.ptr, targets: gatheredTargets, weights: gatheredWeights, N: M, dlnf: gatheredGrad, G: G)
        if let dlnf, let gatheredGrad {  // (N,C) ← (M,C), zero elsewhere
            dlnf.update(repeating: 0, count: N * C)
            for (i, n) in rows.enumerated() { (dlnf + n * C).update(from: gatheredGrad + i * C, count: C) }
        }
        return loss
    }

    /// `lossForward` over N rows that all count, in row chunks of `a.logits`: each chunk's logits gradient is
    /// consumed at once (bounded memory).
    private func lossHead(
        _ a: Activations, lnf: UnsafePointer<Float>, targets: UnsafePointer<Int32>, weights: UnsafePointer<Float>,
        N: Int, dlnf: UnsafeMutablePointer<Float>?, G: UnsafeMutablePointer<Float>?
    ) -> Double {
        let C = config.hiddenSize, V = config.vocabSize, W = params.ptr + layout.lmHead
        let dW = dlnf != nil ? G.map { $0 + layout.lmHead } : nil
        var loss: Double = 0, r0 = 0
        while r0 < N {
            let n = min(Activations.chunkRows(N: N, V: V), N - r0), lnf = lnf + r0 * C
            linearForward(out: a.logits.ptr, inp: lnf, weight: W, N: n, C: C, OC: V)
            loss += crossEntropyForwardBackward(
                dlogits: dlnf == nil ? nil : a.logits.ptr, logits: a.logits.ptr,
                targets: targets + r0, weights: weights + r0, N: n, V: V)
            if let dlnf {  // logits = lnf · Wlmᵀ
                linearBackward(
                    dinp: dlnf + r0 * C, dweight: dW, dout: a.logits.ptr, inp: lnf, weight: W,
                    N: n, C: C, OC: V, accumulate: false)
            }
            r0 += n
        }
        return loss
    }

    // MARK: Backward

    /// `forward` reversed (whole sequences only), from d(lnf) in `g.dresid` (the loss head's seed) down to the
    /// embedding. Accumulates (`+=`) the parameter gradients into `G` (full fine-tuning), or the adapters' under
    /// LoRA (`G` nil); `auxScale` is d(loss)/d(aux loss) of each layer; `packed` is what `forward` had.
    func backward(
        _ a: Activations, _ g: ActivationGrads, G: UnsafeMutablePointer<Float>?, tokens: UnsafePointer<Int32>,
        valid: UnsafePointer<Float>, auxScale: Float,
        packed: (documents: [[Range<Int>]], positions: UnsafePointer<Int32>)? = nil
    ) {
        let cfg = config, P = params.ptr, B = a.B, T = a.T, N = B * T, L = cfg.numHiddenLayers, C = cfg.hiddenSize
        let F = cfg.intermediateSize, H = cfg.numAttentionHeads, Hkv = cfg.numKeyValueHeads, D = cfg.headDim
        let position: (Int) -> Int = packed.map { p in { Int(p.positions[$0]) } } ?? { $0 % T }
        let dl = g.dresid.ptr  // d(residual stream), carried downwards
        // lnf = rmsnorm(resid[L])
        g.dln.zero(count: N * C)
        rmsnormBackward(
            dinp: g.dln.ptr, dweight: G.map { $0 + layout.finalNorm }, dout: dl, inp: a.resid[L].ptr,
            weight: P + layout.finalNorm, rstd: a.rstdf.ptr, N: N, C: C)
        dl.update(from: g.dln.ptr, count: N * C)
        for l in stride(from: L - 1, through: 0, by: -1) {
            let o = layout.layers[l], x = a.resid[l].ptr
            // resid[l+1] = residMid + mlp(ln2): dl passes through, mlp's gradient lands in dln
            if let moe = a.moe[l] {
                g.dln.zero(count: N * C)
                moeBackward(
                    dinp: g.dln.ptr, dweights: G.map { moeWeights($0, o) }, scratch: g.moe!, dout: dl,
                    acts: moe, inp: a.ln2[l].ptr, weights: moeWeights(P, o), valid: valid, auxScale: auxScale,
                    N: N)
            } else {
                // h recomputed (saves L·N·F floats); σ(gate) waits in dgate for swigluBackward (one exp pass less)
                swigluForward(
                    h: a.h.ptr, sigmoid: g.dgate.ptr, gate: a.gate[l].ptr, up: a.up[l].ptr, count: N * F)
                linearBack(l, .down, dinp: g.dh.ptr, dout: dl, inp: a.h.ptr, N: N, acts: a, G: G, accumulate: false)
                swigluBackward(
                    dgate: g.dgate.ptr, dup: g.dup.ptr, dh: g.dh.ptr, sigmoid: g.dgate.ptr, gate: a.gate[l].ptr,
                    up: a.up[l].ptr, count: N * F)
                linearBack(
                    l, .gate, dinp: g.dln.ptr, dout: g.dgate.ptr, inp: a.ln2[l].ptr, N: N, acts: a, G: G,
                    accumulate: false)
                linearBack(l, .up, dinp: g.dln.ptr, dout: g.dup.ptr, inp: a.ln2[l].ptr, N: N, acts: a, G: G)
            }
            // ln2 = rmsnorm(residMid)
            rmsnormBackward(
                dinp: dl, dweight: G.map { $0 + o.mlpNorm }, dout: g.dln.ptr, inp: a.residMid[l].ptr,
                weight: P + o.mlpNorm, rstd: a.rstd2[l].ptr, N: N, C: C)
            // residMid = x + o_proj(attention(rope(q), rope(k), v))
            linearBack(l, .o, dinp: g.datt.ptr, dout: dl, inp: a.att[l].ptr, N: N, acts: a, G: G, accumulate: false)
            g.dq.zero(count: N * H * D); g.dk.zero(count: N * Hkv * D); g.dv.zero(count: N * Hkv * D)
            attentionBackward(
                dq: g.dq.ptr, dk: g.dk.ptr, dv: g.dv.ptr, dout: g.datt.ptr, q: a.q[l].ptr, k: a.k[l].ptr,
                v: a.v[l].ptr, probs: a.probs[l].ptr, B: B, T: T, H: H, Hkv: Hkv, D: D,
                documents: packed?.documents)
            ropeBackward(dx: g.dq.ptr, rows: N, heads: H, headDim: D, position: position, table: rope)
            ropeBackward(dx: g.dk.ptr, rows: N, heads: Hkv, headDim: D, position: position, table: rope)
            // q, k, v = ln1 · W{q,k,v}ᵀ
            linearBack(
                l, .q, dinp: g.dln.ptr, dout: g.dq.ptr, inp: a.ln1[l].ptr, N: N, acts: a, G: G, accumulate: false)
            linearBack(l, .k, dinp: g.dln.ptr, dout: g.dk.ptr, inp: a.ln1[l].ptr, N: N, acts: a, G: G)
            linearBack(l, .v, dinp: g.dln.ptr, dout: g.dv.ptr, inp: a.ln1[l].ptr, N: N, acts: a, G: G)
            // ln1 = rmsnorm(x)
            rmsnormBackward(
                dinp: dl, dweight: G.map { $0 + o.attnNorm }, dout: g.dln.ptr, inp: x,
                weight: P + o.attnNorm, rstd: a.rstd1[l].ptr, N: N, C: C)
        }
        // resid[0] = embed[tokens]
        if let G { embeddingBackward(dtable: G + layout.embed, dout: dl, tokens: tokens, N: N, C: C) }
    }

    // MARK: A training pass

    /// Result of one forward(+backward) pass over a batch.
    struct PassResult { var loss: Double; var aux: Double; var maskedTokens: Float }

    /// `forward` over a batch and the loss head; with `backward` also `backward`, accumulating gradients (`+=`)
    /// into `lane`'s buffers (lane 0: the model's gradients; `ensureLanes` first). Passes on distinct lanes may run
    /// side by side. The loss is Σ mask·CE / `normalizer` plus `auxWeight`·(mean over layers of the MoE aux loss).
    /// `routing` (inference only) receives the experts of every valid row, under the tag of its sequence.
    func forwardBackward(
        _ batch: Batch, normalizer: Float, auxWeight: Float, backward: Bool, routing: RoutingRecorder? = nil,
        lane laneIndex: Int = 0
    ) throws -> PassResult {
        let B = batch.B, T = batch.T, N = B * T, lane = lanes[laneIndex]
        guard T <= config.maxPositionEmbeddings else {
            throw EngineError.invalidInput(
                "sequence length \(T) exceeds max_position_embeddings \(config.maxPositionEmbeddings)")
        }
        // Reallocate (after dropping the old buffers) only when the batch does not fit.
        if lane.acts?.use(B: B, T: T) != true {
            let previous = lane.acts.map { ($0.rowCapacity, $0.cellCapacity) }
            lane.acts = nil
            lane.acts = Activations(training: config, B: B, T: T, lora: lora, atLeast: previous)
        }
        let a = lane.acts!
        let G = backward && lora == nil ? ensureGrads(lane: laneIndex).ptr : nil
        let weights = batch.mask.map { $0 / max(normalizer, 1e-12) }
        return batch.inputs.withUnsafeBufferPointer { inputs in
            batch.valid.withUnsafeBufferPointer { valid in
                batch.positions.withUnsafeBufferPointer { positions in
                    let tokens = inputs.baseAddress!, validRows = valid.baseAddress!
                    let packed = batch.isPacked ? (batch.documents, positions.baseAddress!) : nil
                    let aux = forward(
                        a, tokens: tokens, valid: validRows, B: B, T: T,
                        routing: routing.map { ($0, batch.tags) }, packed: packed)
                    var g: ActivationGrads?
                    if backward {
                        if (lane.actGrads?.rowCapacity ?? 0) < N {
                            lane.actGrads = nil
                            lane.actGrads = ActivationGrads(config, rows: N)
                        }
                        g = lane.actGrads
                    }
                    let loss = batch.targets.withUnsafeBufferPointer { targets in
                        weights.withUnsafeBufferPointer { w in
                            lossForward(
                                a, targets: targets.baseAddress!, weights: w.baseAddress!, N: N,
                                dlnf: g?.dresid.ptr, dlnfScratch: g?.dln.ptr, G: G)
                        }
                    }
                    if let g {
                        if laneIndex == 0 { gradientsAreZero = false }
                        self.backward(
                            a, g, G: G, tokens: tokens, valid: validRows,
                            auxScale: auxWeight / Float(config.numHiddenLayers), packed: packed)
                    }
                    return PassResult(loss: loss + Double(auxWeight) * aux, aux: aux, maskedTokens: batch.maskedTokens)
                }
            }
        }
    }
}

/// out = inp1 + inp2 elementwise (a residual connection; its backward passes the gradient to both unchanged).
private func residualForward(
    out: UnsafeMutablePointer<Float>, inp1: UnsafePointer<Float>,
    inp2: UnsafePointer<Float>, count: Int
) {
    Parallel.ranges(count, minChunk: 1 << 15) { r in for i in r { out[i] = inp1[i] + inp2[i] } }
}
