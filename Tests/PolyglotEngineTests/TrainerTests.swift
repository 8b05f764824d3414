import XCTest
@testable import PolyglotEngine

final class TrainerTests: XCTestCase {
    static let config = ModelConfig(
        vocabSize: 32, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4,
        numKeyValueHeads: 2, intermediateSize: 64, maxPositionEmbeddings: 32)

    /// 20 sequences: 8 random prompt tokens (mask 0) then 8 answer tokens (mask 1).
    static func dataset(seed: UInt64 = 3) throws -> [TrainingSequence] {
        var rng = SeededRNG(seed: seed)
        return try (0..<20).map { i in
            let toks = (0..<16).map { _ in Int(rng.next() % 32) }
            return try TrainingSequence(tokens: toks, lossMask: (0..<16).map { Float($0 >= 8 ? 1 : 0) }, tag: i % 2)
        }
    }

    static func trainingConfig(steps: Int) -> TrainingConfig {
        var c = TrainingConfig()
        c.learningRate = 1e-2; c.warmupSteps = 5; c.totalSteps = steps; c.batchSize = 10; c.sequenceLength = 15
        c.weightDecay = 0.01; c.seed = 9
        return c
    }

    func testOverfitsMaskedTokensWhileMaskedOutLossIsNotLearned() throws {
        let data = try Self.dataset()
        let inverted = try data.map { try TrainingSequence(tokens: $0.tokens, lossMask: $0.lossMask.map { 1 - $0 }) }
        let model = try Transformer(config: Self.config, seed: 1)
        let trainer = try Trainer(model: model, data: data, config: Self.trainingConfig(steps: 200))
        let inBefore = try trainer.evaluate(data), outBefore = try trainer.evaluate(inverted)
        let reports = try trainer.train()
        let inAfter = try trainer.evaluate(data), outAfter = try trainer.evaluate(inverted)
        // Control: the same run with every token masked in memorises the prompts too.
        let control = try Transformer(config: Self.config, seed: 1)
        let all = try data.map { try TrainingSequence(tokens: $0.tokens) }
        let controlTrainer = try Trainer(model: control, data: all, config: Self.trainingConfig(steps: 200))
        _ = try controlTrainer.train()
        let outControl = try controlTrainer.evaluate(inverted)
        print(
            "masked-in loss \(inBefore) → \(inAfter); masked-out \(outBefore) → \(outAfter); control masked-out → \(outControl)"
        )
        XCTAssertEqual(reports.count, 200)
        XCTAssertLessThan(inAfter, 0.05)
        let perItem = try data.map { try model.maskedLoss(of: $0) }
        let pooled = perItem.reduce(0) { $0 + $1.sum } / Double(perItem.reduce(0) { $0 + $1.tokens })
        XCTAssertEqual(pooled, inAfter, accuracy: 1e-4, "the KV-cache evaluation path agrees with the batched one")
        XCTAssertEqual(perItem[0].tokens, 8)
        XCTAssertGreaterThan(outAfter, 0.9 * outBefore, "masked-out tokens are not learned")
        XCTAssertLessThan(outControl, 0.5 * outBefore, "without the mask the same run does learn them")
        XCTAssertTrue(reports.allSatisfy { $0.gradNorm.isFinite && $0.tokensPerSecond > 0 })
    }

    func testSameSeedGivesBitIdenticalWeightsAndCancellationStops() throws {
        let moeConfig = ModelConfig(
            vocabSize: 32, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4,
            intermediateSize: 32, maxPositionEmbeddings: 32, experts: 4, expertsPerToken: 2)
        func run(_ cfg: ModelConfig) throws -> [Float] {
            let m = try Transformer(config: cfg, seed: 5)
            let t = try Trainer(model: m, data: Self.dataset(), config: Self.trainingConfig(steps: 6))
            _ = try t.train()
            return m.params.toArray()
        }
        XCTAssertEqual(try run(Self.config), try run(Self.config))
        XCTAssertEqual(try run(moeConfig), try run(moeConfig))
        XCTAssertNotEqual(try run(Self.config), try Transformer(config: Self.config, seed: 5).params.toArray())
        let m = try Transformer(config: Self.config, seed: 5)
        let t = try Trainer(model: m, data: Self.dataset(), config: Self.trainingConfig(steps: 50))
        var polls = 0
        let reports = try t.train(shouldCancel: {
            polls += 1; return polls > 3
        })
        XCTAssertEqual(reports.count, 3)
    }

    func testResumeEqualsUninterruptedRun() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cfg = Self.trainingConfig(steps: 6)
        let straight = try Transformer(config: Self.config, seed: 2)
        _ = try Trainer(model: straight, data: Self.dataset(), config: cfg).train()

        let first = try Transformer(config: Self.config, seed: 2)
        let t1 = try Trainer(model: first, data: Self.dataset(), config: cfg)
        _ = try t1.train(shouldCancel: { t1.step >= 3 })
        try Checkpoint.save(first, to: dir)
        try t1.saveState(to: dir.appendingPathComponent("trainer_state.safetensors"))

        let resumed = try Checkpoint.load(from: dir)
        let t2 = try Trainer(model: resumed, data: Self.dataset(), config: cfg)
        try t2.loadState(from: dir.appendingPathComponent("trainer_state.safetensors"))
        XCTAssertEqual(t2.step, 3)
        _ = try t2.train()
        XCTAssertEqual(resumed.params.toArray(), straight.params.toArray())
    }

    /// The state file records the data order and the schedule position; a resume whose seed or schedule gives
    /// another order or rate at that step is refused instead of silently continuing a different run.
    func testResumeRefusesAnotherDataOrderOrSchedule() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("state-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let cfg = Self.trainingConfig(steps: 6)
        let t1 = try Trainer(model: Transformer(config: Self.config, seed: 2), data: Self.dataset(), config: cfg)
        _ = try t1.train(shouldCancel: { t1.step >= 3 })
        try t1.saveState(to: url)
        var otherSeed = cfg, otherSchedule = cfg
        otherSeed.seed = 10
        otherSchedule.warmupSteps = 2
        for (key, config) in [("data_permutation", otherSeed), ("learning_rate", otherSchedule)] {
            let t2 = try Trainer(model: Transformer(config: Self.config, seed: 2), data: Self.dataset(), config: config)
            XCTAssertThrowsError(try t2.loadState(from: url)) { XCTAssertTrue("\($0)".contains("\(key) is "), "\($0)") }
        }
    }

    /// The default checkpoint interval is a count of steps from the FLOPs of a step, not a clock reading.
    func testStepsOfWorkScaleWithTheWorkOfAStep() throws {
        var cfg = Self.trainingConfig(steps: 6)
        let full = try Trainer(model: Transformer(config: Self.config, seed: 2), data: Self.dataset(), config: cfg)
        cfg.batchSize *= 2
        let doubled = try Trainer(model: Transformer(config: Self.config, seed: 2), data: Self.dataset(), config: cfg)
        XCTAssertEqual(full.steps(ofWorkSeconds: 30), full.steps(ofWorkSeconds: 30))
        XCTAssertEqual(Double(doubled.steps(ofWorkSeconds: 30)), Double(full.steps(ofWorkSeconds: 30)) / 2, accuracy: 1)
        XCTAssertEqual(full.steps(ofWorkSeconds: 1e-9), 1)
    }

    func testGradientAccumulationMatchesOneLargeBatch() throws {
        var big = Self.trainingConfig(steps: 1); big.batchSize = 10
        var acc = big; acc.batchSize = 5; acc.accumulationSteps = 2
        let a = try Transformer(config: Self.config, seed: 4), b = try Transformer(config: Self.config, seed: 4)
        let ra = try Trainer(model: a, data: Self.dataset(), config: big).trainStep()
        let rb = try Trainer(model: b, data: Self.dataset(), config: acc).trainStep()
        XCTAssertEqual(ra.loss, rb.loss, accuracy: 1e-5)
        XCTAssertEqual(ra.gradNorm, rb.gradNorm, accuracy: 1e-4 * ra.gradNorm)
    }

    /// Two lanes (halves of each micro-batch, gradients added after) give one lane's steps up to rounding.
    func testTwoLanesMatchOneLane() throws {
        var one = Self.trainingConfig(steps: 3); one.lanes = 1
        var two = one; two.lanes = 2
        let a = try Transformer(config: Self.config, seed: 4), b = try Transformer(config: Self.config, seed: 4)
        let ra = try Trainer(model: a, data: Self.dataset(), config: one).train()
        let rb = try Trainer(model: b, data: Self.dataset(), config: two).train()
        for (x, y) in zip(ra, rb) {
            XCTAssertEqual(x.loss, y.loss, accuracy: 1e-5 * x.loss)
            XCTAssertEqual(x.gradNorm, y.gradNorm, accuracy: 1e-4 * x.gradNorm)
            XCTAssertEqual(x.positions, y.positions)
        }
        XCTAssertNotNil(b.lanes[1].grads, "the second lane has gradients of its own")
        XCTAssertEqual(b.lanes[1].grads!.toArray().max(), 0, "and they are cleared once added")
    }

    /// The lanes fix the arithmetic, not the cores: the same bits on one worker as side by side on two, dense
    /// and MoE (whose aux loss is per lane), with gradient accumulation over micro-batches too.
    func testLanesGiveTheSameBitsOnOneCoreAsOnTwo() throws {
        let moe = ModelConfig(
            vocabSize: 32, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 32,
            maxPositionEmbeddings: 32, experts: 4, expertsPerToken: 2)
        for cfg in [Self.config, moe] {
            var tc = Self.trainingConfig(steps: 3); tc.batchSize = 5; tc.accumulationSteps = 2; tc.packing = true
            tc.lanes = 2
            func run() throws -> (losses: [Double], weights: [Float]) {
                let m = try Transformer(config: cfg, seed: 6)
                let reports = try Trainer(model: m, data: Self.dataset(), config: tc).train()
                return (reports.map(\.loss), m.params.toArray())
            }
            let alone = try Parallel.withWorkers(1) { try run() }, sideBySide = try run()
            XCTAssertEqual(alone.losses, sideBySide.losses)
            XCTAssertEqual(alone.weights, sideBySide.weights)
        }
    }

    /// A micro-batch of one sequence has one lane; LoRA trains on one lane (its adapters' gradients are shared).
    func testLanesNeedASequenceEachAndFullFineTuning() throws {
        var tc = Self.trainingConfig(steps: 1); tc.batchSize = 1; tc.lanes = 2
        XCTAssertEqual(
            try Trainer(model: Transformer(config: Self.config, seed: 1), data: Self.dataset(), config: tc)
                .laneCount, 1)
        tc.batchSize = 10
        let lora = try Transformer(config: Self.config, seed: 1)
        try lora.enableLoRA(rank: 4, alpha: 8, seed: 2)
        XCTAssertEqual(try Trainer(model: lora, data: Self.dataset(), config: tc).laneCount, 1)
        XCTAssertEqual(
            try Trainer(model: Transformer(config: Self.config, seed: 1), data: Self.dataset(), config: tc)
                .laneCount, 2)
    }

    func testMoETrainingReportsAuxLossAndLoRATrainsOnlyAdapters() throws {
        var cfg = Self.config
        cfg = ModelConfig(
            vocabSize: 32, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 32,
            maxPositionEmbeddings: 32, experts: 4, expertsPerToken: 2)
        let moe = try Transformer(config: cfg, seed: 1)
        let r = try Trainer(model: moe, data: Self.dataset(), config: Self.trainingConfig(steps: 2)).trainStep()
        XCTAssertGreaterThan(r.auxLoss, 0.9)  // ≥ K/… near 1·K/K for an untrained, nearly uniform router

        let dense = try Transformer(config: Self.config, seed: 1)
        let base = dense.params.toArray()
        try dense.enableLoRA(rank: 4, alpha: 8, seed: 2)
        let t = try Trainer(model: dense, data: Self.dataset(), config: Self.trainingConfig(steps: 30))
        let before = try t.evaluate(Self.dataset())
        _ = try t.train()
        XCTAssertEqual(dense.params.toArray(), base, "base weights stay frozen")
        XCTAssertLessThan(try t.evaluate(Self.dataset()), before)
    }

    func testScheduleWarmsUpThenDecays() {
        let s = LearningRateSchedule(peak: 1, warmupSteps: 4, totalSteps: 14, minRatio: 0.1)
        XCTAssertEqual(s.rate(at: 0), 0.25, accuracy: 1e-6)
        XCTAssertEqual(s.rate(at: 3), 1, accuracy: 1e-6)
        XCTAssertEqual(s.rate(at: 9), 0.55, accuracy: 1e-6)
        XCTAssertEqual(s.rate(at: 14), 0.1, accuracy: 1e-6)
    }
}
