import XCTest
@testable import PolyglotEngine

final class TransformerTests: XCTestCase {
    static func tinyConfig(moe: Bool, tied: Bool = false) -> ModelConfig {
        ModelConfig(
            vocabSize: 13, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, numKeyValueHeads: 1,
            intermediateSize: 12, maxPositionEmbeddings: 16, tieWordEmbeddings: tied, experts: moe ? 4 : 0,
            expertsPerToken: 2, routerAuxLossCoef: 0.05)
    }

    static func sequences(_ count: Int, length: Int, vocab: Int, seed: UInt64) throws -> [TrainingSequence] {
        var rng = SeededRNG(seed: seed)
        return try (0..<count).map { i in
            let n = length - (i % 3)
            let toks = (0..<n).map { _ in Int(rng.next() % UInt64(vocab)) }
            let mask = (0..<n).map { Float($0 >= n / 3 ? 1 : 0) }
            return try TrainingSequence(tokens: toks, lossMask: mask, tag: i % 2)
        }
    }

    /// Scales weights up so finite differences in Float32 see gradients well above rounding noise.
    static func model(moe: Bool, tied: Bool = false, seed: UInt64 = 1, scale: Float = 10) throws -> Transformer {
        let m = try Transformer(config: tinyConfig(moe: moe, tied: tied), seed: seed)
        for s in m.parameterSpecs where s.decays { for i in 0..<s.count { m.params.ptr[s.offset + i] *= scale } }
        return m
    }

    func checkWholeModelGradient(moe: Bool, tied: Bool = false) throws {
        let m = try Self.model(moe: moe, tied: tied)
        let batch = try Batch(sequences: Self.sequences(3, length: 7, vocab: 13, seed: 2), T: 6, vocabSize: 13)
        let norm = batch.maskedTokens, aux: Float = moe ? 0.05 : 0
        m.zeroGrad()
        _ = try m.forwardBackward(batch, normalizer: norm, auxWeight: aux, backward: true)
        let g = m.ensureGrads()
        let loss = { try! m.forwardBackward(batch, normalizer: norm, auxWeight: aux, backward: false).loss }
        for spec in m.parameterSpecs {
            let idx = GradCheck.sample(spec.count, limit: 24).map { $0 + spec.offset }
            let err = GradCheck.relativeError(x: m.params.ptr, analytic: g.ptr, indices: idx, h: 1e-3, loss: loss)
            XCTAssertLessThan(err, 2e-2, spec.name)
        }
    }

    func testDenseModelGradient() throws { try checkWholeModelGradient(moe: false) }
    func testMoEModelGradient() throws { try checkWholeModelGradient(moe: true) }
    func testTiedEmbeddingsGradient() throws {
        XCTAssertFalse(try Self.model(moe: false, tied: true).parameterSpecs.contains { $0.name == "lm_head.weight" })
        try checkWholeModelGradient(moe: false, tied: true)
    }

    /// A batch that fits the buffers of an earlier, larger one reuses them (packed batches change shape every step)
    /// and gives the bits a fresh model gives: nothing left in the larger buffers leaks into the smaller pass.
    func testSmallerBatchesReuseTheBuffersWithTheSameBits() throws {
        for moe in [false, true] {
            let aux: Float = moe ? 0.05 : 0
            let large = try Batch(sequences: Self.sequences(4, length: 13, vocab: 13, seed: 3), T: 12, vocabSize: 13)
            let small = try Batch(sequences: Self.sequences(3, length: 8, vocab: 13, seed: 4), T: 7, vocabSize: 13)
            let reused = try Self.model(moe: moe, scale: 1), fresh = try Self.model(moe: moe, scale: 1)
            _ = try reused.forwardBackward(large, normalizer: 1, auxWeight: aux, backward: true)
            let buffers = try XCTUnwrap(reused.acts)
            reused.zeroGrad()
            let a = try reused.forwardBackward(small, normalizer: 5, auxWeight: aux, backward: true)
            XCTAssertTrue(reused.acts === buffers, "the smaller batch reuses the larger one's activations")
            fresh.zeroGrad()
            let b = try fresh.forwardBackward(small, normalizer: 5, auxWeight: aux, backward: true)
            XCTAssertEqual(a.loss.bitPattern, b.loss.bitPattern)
            XCTAssertEqual(reused.ensureGrads().toArray(), fresh.ensureGrads().toArray())
        }
    }

    func testKVCacheDecodeEqualsFullForward() throws {
        for moe in [false, true] {
            let m = try Self.model(moe: moe, scale: 1)
            let toks = [3, 1, 4, 1, 5, 9, 2, 6]
            let full = try m.inferLogits(toks, cache: KVCache(for: m), lastOnly: false)
            let cache = KVCache(for: m)
            var stepwise: [Float] = try m.inferLogits(Array(toks[0..<3]), cache: cache, lastOnly: false)
            for t in toks[3...] { stepwise += try m.inferLogits([t], cache: cache, lastOnly: true) }
            XCTAssertEqual(full.count, stepwise.count)
            for i in full.indices { XCTAssertEqual(full[i], stepwise[i], accuracy: 1e-4) }
            // The training forward gives the same logits: compare losses of one sequence.
            let seq = try TrainingSequence(tokens: toks)
            let batch = try Batch(sequences: [seq], T: toks.count - 1, vocabSize: 13)
            let trainLoss = try m.forwardBackward(batch, normalizer: 1, auxWeight: 0, backward: false).loss
            var inferLoss = 0.0
            for t in 0..<(toks.count - 1) {
                let row = Array(full[(t * 13)..<((t + 1) * 13)])
                let mx = row.max()!
                let lse = Double(mx) + log(row.reduce(0.0) { $0 + exp(Double($1 - mx)) })
                inferLoss += lse - Double(row[toks[t + 1]])
            }
            XCTAssertEqual(trainLoss, inferLoss, accuracy: 1e-3)
            let last = try m.nextTokenLogits(toks), expected = Array(full.suffix(13))
            for i in last.indices { XCTAssertEqual(last[i], expected[i], accuracy: 1e-5) }
        }
    }

    func testGenerationIsSeededAndStops() throws {
        let m = try Self.model(moe: true, scale: 1)
        let opts = GenerationOptions(maxNewTokens: 6, temperature: 1.0, topP: 0.9, seed: 42)
        let a = try m.generate(prompt: [1, 2, 3], options: opts), b = try m.generate(prompt: [1, 2, 3], options: opts)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.tokens.count, 6)
        let greedy = try m.generate(prompt: [1, 2, 3], options: GenerationOptions(maxNewTokens: 1))
        let logits = try m.nextTokenLogits([1, 2, 3])
        XCTAssertEqual(greedy.tokens, [logits.indices.max { logits[$0] < logits[$1] }!])
        let stop = try m.generate(
            prompt: [1, 2, 3], options: GenerationOptions(maxNewTokens: 5, stopTokens: [greedy.tokens[0]]))
        XCTAssertEqual(stop, GenerationResult(tokens: greedy.tokens, stoppedBy: greedy.tokens[0]))
        XCTAssertThrowsError(try m.generate(prompt: [99], options: opts))
        XCTAssertThrowsError(try m.generate(prompt: [], options: opts))
    }

    func testLoRAGradientsOnlyOnAdaptersAndMergeKeepsLogits() throws {
        let m = try Self.model(moe: false, scale: 1)
        try m.enableLoRA(rank: 2, alpha: 4, seed: 3)
        for i in 0..<m.lora!.params.count where m.lora!.params.ptr[i] == 0 {
            m.lora!.params.ptr[i] = 0.05 * Float(i % 7 - 3)
        }
        let batch = try Batch(sequences: Self.sequences(2, length: 7, vocab: 13, seed: 4), T: 6, vocabSize: 13)
        m.zeroGrad()
        _ = try m.forwardBackward(batch, normalizer: batch.maskedTokens, auxWeight: 0, backward: true)
        XCTAssertNil(m.grads, "base weights get no gradient buffer under LoRA")
        let g = m.lora!.grads
        XCTAssertGreaterThan((0..<g.count).reduce(0.0) { $0 + Double(abs(g.ptr[$1])) }, 0)
        let loss = { try! m.forwardBackward(batch, normalizer: batch.maskedTokens, auxWeight: 0, backward: false).loss }
        let lp = m.lora!.params
        XCTAssertLessThan(
            GradCheck.relativeError(
                x: lp.ptr, analytic: g.ptr, indices: GradCheck.sample(lp.count, limit: 80),
                h: 1e-2, loss: loss), 2e-2)
        let before = try m.nextTokenLogits([1, 2, 3, 4])
        m.mergeLoRA()
        XCTAssertNil(m.lora)
        let after = try m.nextTokenLogits([1, 2, 3, 4])
        for i in before.indices { XCTAssertEqual(before[i], after[i], accuracy: 1e-4) }
    }

    func testRoutingCountsEveryInputPositionPerLayerAndTag() throws {
        let m = try Self.model(moe: true, scale: 1)
        let seqs = try Self.sequences(4, length: 7, vocab: 13, seed: 5)
        let stats = try m.routing(of: seqs, batchSize: 3, T: 6)
        XCTAssertEqual(Set(stats.slots.keys), [0, 1])
        for tag in [0, 1] {
            let inputs = seqs.filter { $0.tag == tag }.map { min($0.tokens.count - 1, 6) }.reduce(0, +)
            XCTAssertEqual(stats.tokens[tag], inputs)
            for layer in 0..<2 {
                XCTAssertEqual(stats.slots[tag]![layer].reduce(0, +), 2 * inputs, "top-2 slots of every input")
                XCTAssertEqual(stats.mass[tag]![layer].reduce(0, +), Double(inputs), accuracy: 1e-4)
            }
        }
        let again = try m.routing(of: seqs, batchSize: 4, T: 6)
        XCTAssertEqual(again.slots, stats.slots, "each call counts afresh, whatever the batching")
        XCTAssertThrowsError(try Self.model(moe: false).routing(of: seqs, batchSize: 2, T: 6)) {
            XCTAssertTrue("\($0)".contains("routing needs a mixture-of-experts model"), "\($0)")
        }
    }

    func testBadConfigAndInputsThrow() throws {
        var c = Self.tinyConfig(moe: false)
        c.numKeyValueHeads = 3
        XCTAssertThrowsError(try Transformer(config: c, seed: 0)) {
            XCTAssertTrue("\($0)".contains("num_key_value_heads"))
        }
        XCTAssertThrowsError(try TrainingSequence(tokens: [1, 2], lossMask: [1]))
        XCTAssertThrowsError(try Batch(sequences: [TrainingSequence(tokens: [1, 20])], T: 4, vocabSize: 13))
        XCTAssertThrowsError(try ModelConfig.preset(named: "huge"))
        let m = try Self.model(moe: false, scale: 1)
        XCTAssertThrowsError(try m.maskedLoss(of: TrainingSequence(tokens: [1, 2, 13])))
        XCTAssertThrowsError(try m.nextTokenLogits([-1]))
    }
}
