import XCTest

@testable import PolyglotLang

/// `routing MODEL on: DATA`: a routing value that prints per layer, exposes its tables and plots; a dense model is
/// refused at its argument.
final class RoutingCommandTests: XCTestCase {
    static let tiny =
        "sentences: 300, merges: 100, d_model: 16, layers: 2, heads: 2, ffn: 32, context: 64, steps: 1, batch: 2"

    func testADenseModelIsRefusedAtItsArgument() {
        let run = pg(
            """
            let d = pretrain builtin:corpus config: {kind: "dense", \(Self.tiny)} seed: 1
            let lima = load dataset builtin:lima-mini
            routing d on: lima
            """)
        XCTAssertEqual(
            run.error,
            """
            t.pg:3:9: error: routing needs a mixture-of-experts model; pretrained-dense is dense
              3 | routing d on: lima
                |         ^
              expected a model made with kind: "moe", e.g. load model builtin:moe
            """)
    }

    func testRoutingPrintsEachLayerAndItsSpecialisationAndPlotsItsShares() throws {
        let session = makeSession()
        let run = pg(
            """
            let m = pretrain builtin:corpus config: {kind: "moe", experts: 4, \(Self.tiny)} seed: 1
            let lima = load dataset builtin:lima-mini
            let r = routing m on: lima langs: ["fr", "en"] limit: 5 resamples: 20 seed: 3
            r
            r.languages
            len r.bits
            len r.shares.rows
            r.specialisation.columns
            plot r kind: "heatmap" x: "lang" group: "expert"
            """, session: session)
        XCTAssertNil(run.error)
        let text = run.output.joined(separator: "\n")
        XCTAssertTrue(text.contains("Expert routing of pretrained-moe by language"), text)
        XCTAssertTrue(text.contains("L1·E3"), "a block per layer: \(text)")
        XCTAssertTrue(text.contains("Specialisation of pretrained-moe's experts by language (% of the maximum)"), text)
        XCTAssertTrue(text.contains("Conversations: EN 5 ("), text)
        XCTAssertTrue(run.output.contains("[\"EN\", \"FR\"]"), text)
        XCTAssertTrue(run.output.contains("2"), "one measure per layer: \(text)")
        XCTAssertTrue(run.output.contains("16"), "2 layers × 4 experts × 2 languages: \(text)")
        XCTAssertTrue(
            run.output.contains(
                "[\"model\", \"layer\", \"percent\", \"ci_low\", \"ci_high\", \"null_mean\", \"null_95\", \"p\", \"bits\"]"
            ),
            text)
        let again = pg("routing m on: lima langs: [\"fr\", \"en\"] limit: 5 resamples: 20 seed: 3", session: session)
        let start = try XCTUnwrap(run.output.firstIndex(of: "Expert routing of pretrained-moe by language"))
        XCTAssertEqual(again.output, Array(run.output[start..<start + again.output.count]), "seeded: the same value")
        let limit = pg("routing m on: lima limit: 0", session: session)
        XCTAssertTrue(limit.error?.contains("t.pg:1:27: error: limit must be at least 1, got 0") == true, "\(limit)")
    }
}
