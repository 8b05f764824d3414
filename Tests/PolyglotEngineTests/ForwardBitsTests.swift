import XCTest
@testable import PolyglotEngine

/// Golden bits of seeded training and decoding runs, recorded from the engine before training and KV-cached decoding
/// shared one forward pass (issue 17). Recorded notebooks compare losses, logits and generations, so a change meant
/// to keep the numerics must reproduce these exactly; one that alters them on purpose bumps
/// `NumericsRevision.current` and re-records them (the failure messages print the new values).
final class ForwardBitsTests: XCTestCase {
    /// Big enough that the GEMMs split over the cores and prefill attention runs its heads in parallel.
    static let dense = ModelConfig(
        vocabSize: 64, hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4,
        numKeyValueHeads: 2, intermediateSize: 128, maxPositionEmbeddings: 64)
    static let moe = ModelConfig(
        vocabSize: 64, hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4,
        intermediateSize: 64, maxPositionEmbeddings: 64, tieWordEmbeddings: true,
        experts: 4, expertsPerToken: 2, routerAuxLossCoef: 0.05)

    /// The goldens hold for the kernel set they were recorded with (OpenBLAS's Haswell kernels, revision 4).
    override func setUpWithError() throws {
        guard NumericsRevision.tag == "r4" else {
            throw XCTSkip("golden bits hold for numerics r4; this run uses \(NumericsRevision.tag)")
        }
    }

    /// 24 sequences of 20–23 tokens: 6 prompt tokens (mask 0), then answer tokens (mask 1); tags alternate.
    /// `prompts: false`: full windows (25 tokens for rows of 24) with every token weighted, as pre-training has them.
    static func dataset(prompts: Bool = true) throws -> [TrainingSequence] {
        var rng = SeededRNG(seed: 17)
        return try (0..<24).map { i in
            let n = prompts ? 20 + i % 4 : 25
            let tokens = (0..<n).map { _ in Int(rng.next() % 64) }
            let mask = (0..<n).map { Float(!prompts || $0 >= 6 ? 1 : 0) }
            return try TrainingSequence(tokens: tokens, lossMask: mask, tag: i % 2)
        }
    }

    static func trainingConfig() -> TrainingConfig {
        var c = TrainingConfig()
        c.learningRate = 1e-2; c.warmupSteps = 2; c.totalSteps = 4; c.batchSize = 8; c.sequenceLength = 24
        c.accumulationSteps = 2; c.weightDecay = 0.01; c.seed = 11
        return c
    }

    /// FNV-1a over the bit patterns: equal only when every value is bit-identical.
    static func digest(_ values: [Float]) -> UInt64 {
        var h = FNV1a64()
        for v in values { h.combine(UInt64(v.bitPattern)) }
        return h.value
    }

    struct TrainingBits: Equatable, CustomStringConvertible {
        var losses: [UInt64], auxLosses: [UInt64], gradNorms: [UInt64], weights: UInt64, evaluation: UInt64
        var description: String {
            func hex(_ xs: [UInt64]) -> String {
                "[" + xs.map { "0x" + String($0, radix: 16) }.joined(separator: ", ") + "]"
            }
            return "losses: \(hex(losses)), auxLosses: \(hex(auxLosses)), gradNorms: \(hex(gradNorms)), "
                + "weights: 0x\(String(weights, radix: 16)), evaluation: 0x\(String(evaluation, radix: 16))"
        }
    }

    static func train(
        _ config: ModelConfig, lora: Bool = false, prompts: Bool = true, lanes: Int = 1
    ) throws -> TrainingBits {
        let model = try Transformer(config: config, seed: 3)
        if lora { try model.enableLoRA(rank: 4, alpha: 8, targets: [.q, .v, .o, .gate, .up, .down], seed: 5) }
        let data = try dataset(prompts: prompts)
        var training = trainingConfig()
        training.lanes = lanes
        let trainer = try Trainer(model: model, data: data, config: training)
        let reports = try trainer.train()
        let weights = lora ? model.lora!.params.toArray() : model.params.toArray()
        return TrainingBits(
            losses: reports.map(\.loss.bitPattern), auxLosses: reports.map(\.auxLoss.bitPattern),
            gradNorms: reports.map(\.gradNorm.bitPattern), weights: digest(weights),
            evaluation: try trainer.evaluate(data).bitPattern)
    }

    func testDenseTrainingRunKeepsItsLossBits() throws {
        XCTAssertEqual(
            try Self.train(Self.dense),
            TrainingBits(
                losses: [0x4010aa35f409ebf5, 0x4010386321b4960a, 0x400fb3d72f5d83b4, 0x400da0d57423ef4f],
                auxLosses: [0, 0, 0, 0],
                gradNorms: [0x3fece1617f307c12, 0x3fee82fc08c9e4e5, 0x3ff3a8c600d2b07c, 0x3ff544ecb6db4841],
                weights: 0x4b161da08faecd92, evaluation: 0x400c8373d24f24b6))
    }

    /// Every token weighted, as in pre-training: the loss head takes every row, and these bits are revision 4's
    /// from before tuning's loss head skipped the unweighted rows, so the cached bases stay valid.
    func testPretrainingRunWithEveryTokenWeightedKeepsItsBits() throws {
        XCTAssertEqual(
            try Self.train(Self.dense, prompts: false),
            TrainingBits(
                losses: [0x4010af2712626fcc, 0x4010528635ca9d58, 0x400fe7dee55803c1, 0x400e662091ae1d2a],
                auxLosses: [0, 0, 0, 0],
                gradNorms: [0x3fe885b62c66dfb3, 0x3fe8201b1141107b, 0x3feeedf2f97ea5c6, 0x3ff53bbc31534fef],
                weights: 0x80f9e3b91d56b5e3, evaluation: 0x400da1a96cf05249))
    }

    /// The same run in two lanes (`pretrain … config: {lanes: 2}`): other bits than one lane's, and bases cached
    /// under a key of their own, so these must hold as well.
    func testPretrainingRunInTwoLanesKeepsItsBits() throws {
        XCTAssertEqual(
            try Self.train(Self.dense, prompts: false, lanes: 2),
            TrainingBits(
                losses: [0x4010af2712626fc9, 0x4010528633fa95bf, 0x400fe7deef0621e2, 0x400e6620bafd7600],
                auxLosses: [0, 0, 0, 0],
                gradNorms: [0x3fe885b62b031dbd, 0x3fe8201b15e431be, 0x3feeedf36023b435, 0x3ff53bbdcf80ba9d],
                weights: 0xc1d71f74ff6d9c57, evaluation: 0x400da1a9714f1955))
    }

    func testMoETrainingRunKeepsItsLossBits() throws {
        XCTAssertEqual(
            try Self.train(Self.moe),
            TrainingBits(
                losses: [0x4010b9142506dfda, 0x401048a53aec34c0, 0x400fd826a09ae700, 0x400e5d888c8e72ac],
                auxLosses: [0x400012ae30000000, 0x4000257f00000000, 0x40006bb6c0000000, 0x400028bc48000000],
                gradNorms: [0x3fed4ad264326292, 0x3fe9fd82568ed548, 0x3feacb1fd145010d, 0x3ff3d2f7edbf8127],
                weights: 0xe25672bb9dd94ab1, evaluation: 0x400d7c5ce99bb927))
    }

    func testLoRATrainingRunKeepsItsLossBits() throws {
        XCTAssertEqual(
            try Self.train(Self.dense, lora: true),
            TrainingBits(
                losses: [0x4010aa35f409ebf5, 0x4010a04d28eb8154, 0x4010858a932b9934, 0x40105a1b861e3190],
                auxLosses: [0, 0, 0, 0],
                gradNorms: [0x3fc2fbe6cb786ee6, 0x3fc6e0419db579e5, 0x3fc534e7b11a92f3, 0x3fc56aff10f2c435],
                weights: 0xcfc568f8736ca1eb, evaluation: 0x40103ffcddedfeb8))
    }

    struct DecodingBits: Equatable {
        var prefill: UInt64, stepwise: UInt64, maskedLoss: UInt64, greedy: [Int], sampled: [Int]
    }

    static func decode(_ config: ModelConfig) throws -> DecodingBits {
        let model = try Transformer(config: config, seed: 7)
        // Larger weights than the N(0, 0.02) init, so the logits are far from uniform.
        for s in model.parameterSpecs where s.decays { for i in 0..<s.count { model.params.ptr[s.offset + i] *= 5 } }
        var rng = SeededRNG(seed: 23)
        let prompt = (0..<48).map { _ in Int(rng.next() % 64) }
        let prefill = try model.inferLogits(prompt, cache: KVCache(for: model), lastOnly: false)
        let cache = KVCache(for: model)
        var stepwise = try model.inferLogits(Array(prompt[0..<5]), cache: cache, lastOnly: true)
        for t in prompt[5...] { stepwise += try model.inferLogits([t], cache: cache, lastOnly: true) }
        let loss = try model.maskedLoss(of: TrainingSequence(tokens: prompt))
        let greedy = try model.generate(prompt: Array(prompt[0..<8]), options: GenerationOptions(maxNewTokens: 12))
        let sampled = try model.generate(
            prompt: Array(prompt[0..<8]),
            options: GenerationOptions(maxNewTokens: 12, temperature: 0.8, topP: 0.9, seed: 4))
        return DecodingBits(
            prefill: digest(prefill), stepwise: digest(stepwise), maskedLoss: loss.sum.bitPattern,
            greedy: greedy.tokens, sampled: sampled.tokens)
    }

    func testDenseDecodingKeepsItsLogitBits() throws {
        XCTAssertEqual(
            try Self.decode(Self.dense),
            DecodingBits(
                prefill: 1473615835276720936, stepwise: 8177530191877455578, maskedLoss: 4641730537162841787,
                greedy: [42, 46, 59, 42, 59, 42, 5, 52, 42, 44, 13, 44],
                sampled: [52, 24, 11, 46, 53, 53, 44, 42, 2, 53, 44, 32]))
    }

    func testMoEDecodingKeepsItsLogitBits() throws {
        XCTAssertEqual(
            try Self.decode(Self.moe),
            DecodingBits(
                prefill: 4167287845312471661, stepwise: 13197512853304300082, maskedLoss: 4641567539587143308,
                greedy: [57, 57, 57, 57, 57, 63, 63, 63, 63, 63, 63, 63],
                sampled: [28, 53, 49, 57, 57, 36, 6, 6, 45, 3, 18, 10]))
    }
}
