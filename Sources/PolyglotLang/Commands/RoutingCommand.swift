// `routing`: which experts a mixture-of-experts model routes each language's tokens to, and how specialised by
// language each layer is; a `routing` value prints per layer and plots as a heatmap.

import Foundation
import PolyglotLab

/// A model's routing by language with its specialisation per layer (computed once, from the command's seed).
public final class RoutingObject: LabObject {
    public let routing: RoutingTable
    public let shares: Table
    public let specialisation: Table

    init(_ routing: RoutingTable, resamples: Int, seed: UInt64) {
        self.routing = routing
        shares = routing.sharesTable
        specialisation = routing.specialisationTable(resamples: resamples, seed: seed)
    }

    public var typeName: String { "routing" }

    /// One block per layer (experts × languages, the share of each language's routed slots), then the
    /// specialisation of every layer.
    public func display() -> String {
        let layers = (0..<routing.layers).map { layer in
            let byLang = routing.languages.map { routing.shares($0, layer: layer) }
            let rows: [[Table.Cell]] = (0..<routing.experts).map { e in
                [.text("L\(layer)·E\(e)")] + byLang.map { .number($0[e]) }
            }
            return Table(
                title: layer == 0 ? shares.title : "", columns: ["expert"] + routing.languages.map(\.code), rows: rows,
                notes: layer == routing.layers - 1 ? [shares.notes[0]] : []
            ).render()
        }
        return (layers + [specialisation.render()]).joined(separator: "\n")
    }

    public var fieldNames: [String] { ["model", "languages", "shares", "specialisation", "bits", "percent"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "model": return .string(routing.model)
        case "languages": return .list(routing.languages.map { .string($0.code) })
        case "shares": return .object(TableObject(shares))
        case "specialisation": return .object(TableObject(specialisation))
        case "bits", "percent":
            let column = specialisation.columnIndex(name)!
            return .list(specialisation.rows.map { Value($0[column]) })
        default: return nil
        }
    }
}

extension CommandRegistry {
    static let routing = CommandSpec(
        "routing", category: "models",
        summary:
            "Which experts a MoE model routes each language's tokens to (layer × expert × language), and how specialised each layer is.",
        positionals: [Parameter("model", .object("model"), "a mixture-of-experts model")],
        keywords: [
            Parameter("on", .object("dataset"), "conversations to run through it"),
            Parameter("langs", .languages, default: Value.none, "languages to count (default: all of the data's)"),
            Parameter(
                "limit", .int, default: Value.none,
                "at most this many conversations per language, in the data's order"),
            Parameter("resamples", .int, default: .int(200), "bootstrap and permutation draws of the specialisation"),
            seedKeyword
        ],
        example: """
            let r = routing moe on: lima langs: ["en", "de"] limit: 100
            plot r kind: "heatmap" x: "lang" group: "expert"
            r.specialisation
            """,
        details: """
            Every token of each chat-formatted conversation is run through the model (teacher-forced, no gradients)
            and each of its top-k routing slots is counted per layer and expert, under the conversation's language.
            The value prints, per layer, the share of each language's slots that go to each expert (a uniform router
            gives 1/experts), then the specialisation of each layer: the mutual information between a slot's
            language and its expert in bits (languages weighted equally), also as a percentage of its maximum,
            log2 of the languages (0 when all are routed alike, 100 when each has experts of its own), with a
            bootstrap interval over the conversations and a null from shuffling the conversations' languages
            (`resamples:` draws each, seeded). Fields: `shares` (the long table: layer, expert, lang, share, slots,
            mass = mean router probability), `specialisation` (a table; `plot` draws its percent with the
            interval), `bits` and `percent` (one number per layer), `languages`, `model`. `plot` of the value
            draws `shares`.
            """
    ) { inv in
        let model = inv.model("model"), data = inv.dataset("on")
        guard model.config.isMoE else {
            throw inv.error(
                "routing needs a mixture-of-experts model; \(model.name) is dense", at: "model",
                notes: ["expected a model made with kind: \"moe\", e.g. load model builtin:moe"])
        }
        let limit = inv.int(ifGiven: "limit"), resamples = inv.int("resamples")
        if let limit, limit < 1 { throw inv.error("limit must be at least 1, got \(limit)", at: "limit") }
        guard resamples >= 1 else { throw inv.error("resamples must be at least 1, got \(resamples)", at: "resamples") }
        let seed = try inv.seed()
        let table = try inv.lab {
            try model.routing(on: data.examples, languages: inv.languages(ifGiven: "langs"), limit: limit)
        }
        return .object(RoutingObject(table, resamples: resamples, seed: seed))
    }
}
