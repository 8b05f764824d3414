import XCTest
@testable import PolyglotEngine

/// Packed batches: several sequences per row, each a document of its own, give the loss and gradients of the same
/// sequences run one by one (or padded one per row).
final class PackingTests: XCTestCase {
    /// Sequences of 3 to 10 tokens (2 to 9 positions), the first third of each masked out.
    static func sequences(seed: UInt64) throws -> [TrainingSequence] {
        var rng = SeededRNG(seed: seed)
        return try (0..<7).map { i in
            let n = 3 + Int(rng.next() % 8)
            let tokens = (0..<n).map { _ in Int(rng.next() % 13) }
            let mask = (0..<n).map { Float($0 >= n / 3 ? 1 : 0) }
            return try TrainingSequence(tokens: tokens, lossMask: mask, tag: i % 2)
        }
    }

    /// Loss and a copy of the parameter gradients of `batches` run one after the other (accumulating), each
    /// normalised by `normalizer`.
    static func lossAndGradients(
        _ m: Transformer, _ batches: [Batch], normalizer: Float, auxWeight: Float = 0
    ) throws -> (loss: Double, grads: [Float]) {
        m.zeroGrad()
        var loss = 0.0
        for b in batches {
            loss += try m.forwardBackward(b, normalizer: normalizer, auxWeight: auxWeight, backward: true).loss
        }
        return (loss, m.ensureGrads().toArray())
    }

    static func assertClose(
        _ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        let scale = max(a.map(abs).max() ?? 0, 1e-6)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(
            worst / scale, 1e-4, "\(what): largest gradient difference \(worst) of \(scale)", file: file, line: line)
    }

    func testPackedBatchEqualsTheSequencesOneByOne() throws {
        for moe in [false, true] {
            let m = try TransformerTests.model(moe: moe, scale: 1)
            let seqs = try Self.sequences(seed: 11)
            let packed = try Batch(
                seqs, layout: .packed(lengths: seqs.map { $0.tokens.count - 1 }, maxLength: 16), vocabSize: 13)
            XCTAssertLessThan(packed.B, seqs.count, "several sequences share a row")
            XCTAssertTrue(packed.documents.contains { $0.count >= 3 }, "a row holds two documents and padding")
            let normalizer = packed.maskedTokens
            let together = try Self.lossAndGradients(m, [packed], normalizer: normalizer)
            let alone = try Self.lossAndGradients(
                m, seqs.map { try Batch(sequences: [$0], T: $0.tokens.count - 1, vocabSize: 13) },
                normalizer: normalizer)
            XCTAssertEqual(together.loss, alone.loss, accuracy: 1e-5 * alone.loss)
            Self.assertClose(together.grads, alone.grads, moe ? "moe" : "dense")
        }
    }

    /// The MoE load-balancing loss is a statistic of the whole batch: packed it equals the padded batch's (the same
    /// real tokens), so with the aux loss on, packed and padded give the same objective and gradients.
    func testPackedEqualsPaddedWithTheAuxLoss() throws {
        let m = try TransformerTests.model(moe: true, scale: 1)
        let seqs = try Self.sequences(seed: 12)
        let lengths = seqs.map { $0.tokens.count - 1 }
        let packed = try Batch(seqs, layout: .packed(lengths: lengths, maxLength: 16), vocabSize: 13)
        let padded = try Batch(seqs, layout: .padded(lengths: lengths, maxLength: 16), vocabSize: 13)
        XCTAssertEqual(packed.validTokens, padded.validTokens)
        XCTAssertLessThan(packed.B * packed.T, padded.B * padded.T)
        let a = try Self.lossAndGradients(m, [packed], normalizer: packed.maskedTokens, auxWeight: 0.05)
        let b = try Self.lossAndGradients(m, [padded], normalizer: padded.maskedTokens, auxWeight: 0.05)
        XCTAssertEqual(a.loss, b.loss, accuracy: 1e-5 * b.loss)
        Self.assertClose(a.grads, b.grads, "moe with aux loss")
    }

    /// A pre-training window of two documents (`documentStarts`) packs as those two documents run alone: the
    /// first keeps the target that starts the second (predicted from the first's end), the second restarts at 0.
    func testDocumentStartsSplitASequenceIntoDocuments() throws {
        let m = try TransformerTests.model(moe: false, scale: 1)
        let tokens = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], split = 4
        let window = try TrainingSequence(tokens: tokens, documentStarts: [split])
        let packed = try Batch([window], layout: .packed(lengths: [tokens.count - 1], maxLength: 16), vocabSize: 13)
        XCTAssertEqual(packed.documents[0].prefix(2), [0..<split, split..<(tokens.count - 1)])
        let first = try TrainingSequence(tokens: Array(tokens[...split]))
        let second = try TrainingSequence(tokens: Array(tokens[split...]))
        let together = try Self.lossAndGradients(m, [packed], normalizer: 1)
        let alone = try Self.lossAndGradients(
            m, [first, second].map { try Batch(sequences: [$0], T: $0.tokens.count - 1, vocabSize: 13) }, normalizer: 1)
        XCTAssertEqual(together.loss, alone.loss, accuracy: 1e-5 * alone.loss)
        Self.assertClose(together.grads, alone.grads, "document starts")
        // Unpacked, the window is one causal sequence: its second half sees the first, so the loss differs.
        let whole = try Batch(sequences: [window], T: tokens.count - 1, vocabSize: 13)
        XCTAssertNotEqual(
            try m.forwardBackward(whole, normalizer: 1, auxWeight: 0, backward: false).loss, together.loss,
            accuracy: 1e-4)
    }

    func testPackedLayoutNeverComputesMorePositionsAndKeepsEverySequence() {
        var rng = SeededRNG(seed: 5)
        for _ in 0..<200 {
            let lengths = (0..<(1 + Int(rng.next() % 20))).map { _ in Int(rng.next() % 130) }
            let packed = RowLayout.packed(lengths: lengths, maxLength: 128)
            let padded = RowLayout.padded(lengths: lengths, maxLength: 128)
            XCTAssertLessThanOrEqual(packed.positions, padded.positions, "\(lengths)")
            XCTAssertEqual(packed.rows.flatMap { $0 }.sorted(), Array(lengths.indices))
            for row in packed.rows {
                XCTAssertLessThanOrEqual(row.reduce(0) { $0 + min(lengths[$1], 128) }, packed.T)
                XCTAssertEqual(row, row.sorted())
            }
            XCTAssertEqual(packed, RowLayout.packed(lengths: lengths, maxLength: 128), "a function of the lengths")
        }
    }

    /// Training packed follows the padded run's losses (same sequences per step; only rounding differs), over fewer
    /// positions; the layout totals the run reports are those of the batches it trains on.
    func testPackedTrainingFollowsThePaddedRun() throws {
        var rng = SeededRNG(seed: 8)
        let data = try (0..<20).map { _ in
            let n = 4 + Int(rng.next() % 12)
            return try TrainingSequence(tokens: (0..<n).map { _ in Int(rng.next() % 32) })
        }
        func run(packing: Bool) throws -> (reports: [StepReport], totals: (positions: Int, tokens: Int)) {
            var c = TrainerTests.trainingConfig(steps: 6)
            c.packing = packing
            let t = try Trainer(model: try Transformer(config: TrainerTests.config, seed: 1), data: data, config: c)
            let totals = t.layoutTotals(packing: packing)
            return (try t.train(), totals)
        }
        let padded = try run(packing: false), packed = try run(packing: true)
        for (a, b) in zip(padded.reports, packed.reports) {
            XCTAssertEqual(a.loss, b.loss, accuracy: 1e-4 * a.loss)
            XCTAssertEqual(a.validTokens, b.validTokens)
            XCTAssertLessThan(b.positions, a.positions)
        }
        for (run, totals) in [(padded.reports, padded.totals), (packed.reports, packed.totals)] {
            XCTAssertEqual(totals.positions, run.reduce(0) { $0 + $1.positions })
            XCTAssertEqual(totals.tokens, run.reduce(0) { $0 + $1.validTokens })
        }
    }
}
