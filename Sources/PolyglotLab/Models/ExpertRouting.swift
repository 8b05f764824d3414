// Expert routing by language: which experts a mixture-of-experts model sends each language's tokens to. The study
// could only speculate that experts specialise by language; the engine counts every routed slot, so here it is shown.

import Foundation
import PolyglotEngine

extension LabModel {
    /// Runs `examples` through the model (no gradients, every token of the chat-formatted conversations) and counts
    /// where each token is routed: one row per layer, expert and language with the share of that language's routed
    /// slots in that layer (top-k per token, so the shares of a layer sum to 1 per language) and their count. A
    /// uniform router gives every expert 1/E; an expert that specialises in a language stands out in its column.
    public func routing(on examples: [Example], batchSize: Int = 16) throws -> Table {
        guard config.isMoE else {
            throw LabError("routing needs a mixture-of-experts model; \(name) is dense")
        }
        guard !examples.isEmpty else { throw LabError("routing needs some conversations; the dataset is empty") }
        let sequences = try trainingSequences(examples, systemPrompt: usesSystemPrompt)
        let longest = sequences.map(\.tokens.count).max() ?? 1
        transformer.resetRoutingStats()
        defer { transformer.resetRoutingStats() }  // the counts of one call, never mixed with a later one
        _ = try Trainer.evaluate(
            model: transformer, sequences, batchSize: batchSize,
            T: min(max(1, longest - 1), config.maxPositionEmbeddings), collectRouting: true)
        let stats = transformer.routing
        let langs = Lang.allCases.enumerated().filter { stats.counts[$0.offset] != nil }
        var rows: [[Table.Cell]] = []
        for layer in 0..<stats.layers {
            for expert in 0..<stats.experts {
                for (index, lang) in langs {
                    let perExpert = stats.counts[index]![layer]
                    let slots = perExpert.reduce(0, +)
                    rows.append([
                        .int(layer), .text("L\(layer)·E\(expert)"), .text(lang.code),
                        .number(slots > 0 ? Double(perExpert[expert]) / Double(slots) : 0), .int(perExpert[expert])
                    ])
                }
            }
        }
        let tokens = langs.map {
            "\($0.element.code) \(stats.counts[$0.offset]![0].reduce(0, +) / config.numExpertsPerTok)"
        }
        return Table(
            title: "Expert routing of \(name) by language",
            columns: ["layer", "expert", "lang", "share", "slots"], rows: rows,
            notes: [
                "share: of a language's routed slots in a layer (top-\(config.numExpertsPerTok) of "
                    + "\(config.numLocalExperts) experts per token), the ones that go to this expert; uniform routing "
                    + "gives \(Table.format(1 / Double(config.numLocalExperts))).",
                "Tokens per language: " + tokens.joined(separator: ", ") + "."
            ],
            estimate: Table.Estimate(value: "share"))
    }
}
