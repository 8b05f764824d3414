import Foundation
import PolyglotEngine
import XCTest

@testable import PolyglotLab

/// `routing`: where a MoE model sends each language's tokens, and the specialisation measure.
final class RoutingTableTests: XCTestCase {
    static let tinyMoE = TinyBases.pretrain(.moe, layers: 2, steps: 3, warmupSteps: 1, experts: 4, name: "tiny-moe")

    func testSharesOfEachLayerSumToOnePerLanguageAndCountEveryToken() throws {
        let moe = Self.tinyMoE
        let lima = Builtins.dataset("lima-mini")!
        let examples = Array(lima.examples(in: .de).prefix(6)) + Array(lima.examples(in: .fr).prefix(4))
        let routing = try moe.routing(on: examples)
        XCTAssertEqual(routing.languages, [.de, .fr])
        let t = routing.sharesTable
        XCTAssertEqual(t.columns, ["layer", "expert", "lang", "share", "slots", "mass"])
        XCTAssertEqual(t.rows.count, 2 * 4 * 2, "layer × expert × the two languages present")
        XCTAssertTrue(moe.usesSystemPrompt, "a base answers with a system prompt, but routing counts the data's text")
        let sequences = try moe.trainingSequences(examples, systemPrompt: false)
        for lang in [Lang.de, .fr] {
            // Every input position (all tokens but the last of each conversation) is routed top-2 in every layer.
            let inputs = zip(examples, sequences).filter { $0.0.lang == lang }.map { $0.1.tokens.count - 1 }
            XCTAssertEqual(routing.tokens(lang), inputs.reduce(0, +))
            for layer in 0..<2 {
                let rows = t.rows.filter { $0[0] == .int(layer) && $0[2] == .text(lang.code) }
                XCTAssertEqual(rows.compactMap { $0[3].double }.reduce(0, +), 1, accuracy: 1e-9)
                XCTAssertEqual(rows.compactMap { $0[5].double }.reduce(0, +), 1, accuracy: 1e-6)
                XCTAssertEqual(rows.compactMap { $0[4].double }.reduce(0, +), Double(2 * inputs.reduce(0, +)))
            }
        }
        XCTAssertEqual(try moe.routing(on: examples), routing, "each call counts afresh: nothing left from the last")
        XCTAssertThrowsError(try ModelTuningTests.base.routing(on: examples)) { error in
            XCTAssertTrue("\(error)".contains("routing needs a mixture-of-experts model; tiny-base is dense"))
        }
    }

    func testLanguagesAndLimitChooseTheFirstConversationsOfEachLanguage() throws {
        let lima = Builtins.dataset("lima-mini")!
        let examples = Lang.allCases.flatMap { lima.examples(in: $0).prefix(5) }
        let routing = try Self.tinyMoE.routing(on: examples, languages: [.it, .en], limit: 2)
        XCTAssertEqual(routing.languages, [.en, .it])
        XCTAssertEqual(routing.conversations.map(\.lang), [.en, .en, .it, .it])
        let first = try Self.tinyMoE.routing(on: Array(lima.examples(in: .en).prefix(2)))
        // The same routing (the mass, a sum of floats, may differ in its last bits in a batch of another shape).
        XCTAssertEqual(routing.conversations.prefix(2).map(\.slots), first.conversations.map(\.slots))
        XCTAssertEqual(routing.conversations.prefix(2).map(\.tokens), first.conversations.map(\.tokens))
        XCTAssertNotEqual(first.conversations[0].tokens, first.conversations[1].tokens, "two conversations")
        XCTAssertThrowsError(try Self.tinyMoE.routing(on: examples, languages: [.en], limit: 0))
        XCTAssertThrowsError(try Self.tinyMoE.routing(on: Array(lima.examples(in: .de)), languages: [.fr])) {
            XCTAssertTrue("\($0)".contains("the dataset has none in FR"), "\($0)")
        }
    }

    /// A one-layer top-1 MoE whose router reads channel 0 of the embedding, +1 for tokens 0..<8 (language DE here)
    /// and −1 for 8..<16 (FR); attention's output projection is zero, so the router sees the embedding alone.
    func testAHandBuiltRouterThatSendsEachLanguageToOneExpertGivesShareOneAndOneBit() throws {
        let config = ModelConfig(
            vocabSize: 16, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 8,
            maxPositionEmbeddings: 16, experts: 4, expertsPerToken: 1)
        let model = try Transformer(config: config, seed: 3)
        let embed = (0..<16).flatMap { token in [token < 8 ? Float(1) : -1] + [Float](repeating: 0, count: 7) }
        try model.setParameter(named: "model.embed_tokens.weight", Tensor(shape: [16, 8], data: embed))
        try model.setParameter(
            named: "model.layers.0.self_attn.o_proj.weight",
            Tensor(shape: [8, 8], data: [Float](repeating: 0, count: 64)))
        var router = [Float](repeating: 0, count: 4 * 8)
        router[2 * 8] = 5; router[1 * 8] = -5  // expert 2 for channel 0 > 0, expert 1 for < 0
        try model.setParameter(
            named: "model.layers.0.block_sparse_moe.gate.weight", Tensor(shape: [4, 8], data: router))
        var rng = SeededRNG(seed: 7)
        let languages = [Lang](repeating: .de, count: 5) + [Lang](repeating: .fr, count: 5)
        let sequences = try languages.enumerated().map { i, lang in
            let offset = lang == .de ? 0 : 8
            return try TrainingSequence(tokens: (0..<(6 + i)).map { _ in offset + Int(rng.next() % 8) }, tag: i)
        }
        let stats = try model.routing(of: sequences, batchSize: 4, T: 12)
        let routing = RoutingTable(model: "hand-built", stats: stats, languages: languages)
        XCTAssertEqual(routing.shares(.de, layer: 0), [0, 0, 1, 0])
        XCTAssertEqual(routing.shares(.fr, layer: 0), [0, 1, 0, 0])
        XCTAssertEqual(routing.specialisation(layer: 0), 1, accuracy: 1e-12, "log2 of two languages: all there is")
        let measured = routing.specialisations(resamples: 50, seed: 1)[0]
        XCTAssertEqual(measured.bits, 1, accuracy: 1e-12)
        XCTAssertEqual(measured.low, 1, accuracy: 1e-12)
        XCTAssertLessThan(measured.null95, 1, "shuffled languages mix the experts")
        XCTAssertLessThan(measured.p, 0.05, "2 of the 252 ways to split 10 conversations 5/5 separate them")
        XCTAssertEqual(routing.specialisations(resamples: 50, seed: 1), [measured], "seeded: the same draws")
    }

    func testMutualInformationIsZeroForIdenticalDistributionsAndPositiveOtherwise() {
        XCTAssertEqual(RoutingTable.mutualInformation([[3, 1, 0, 4], [3, 1, 0, 4]]), 0, accuracy: 1e-12)
        XCTAssertEqual(RoutingTable.mutualInformation([[6, 2, 0, 8], [3, 1, 0, 4]]), 0, accuracy: 1e-12, "shares count")
        XCTAssertGreaterThan(RoutingTable.mutualInformation([[3, 1, 0, 4], [3, 2, 0, 4]]), 0)
        XCTAssertEqual(RoutingTable.mutualInformation([[5, 0], [0, 9]]), 1, accuracy: 1e-12, "equal weights: 1 bit")
        XCTAssertEqual(RoutingTable.mutualInformation([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), log2(3), accuracy: 1e-12)
        // H(mean) − mean H: mean (0.5, 0.5) has 1 bit, the rows 0.811 each.
        let partial = 1 - (-(0.75 * log2(0.75) + 0.25 * log2(0.25)))
        XCTAssertEqual(RoutingTable.mutualInformation([[3, 1], [1, 3]]), partial, accuracy: 1e-12)
    }
}
