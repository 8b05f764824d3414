// Expert routing by language: which experts a mixture-of-experts model sends each language's tokens to, and how much
// the language alone tells about the expert. The study could only speculate that experts specialise by language.

import Foundation
import PolyglotEngine

/// Where a MoE model routes each language's tokens, per layer and expert, counted per conversation (teacher-forced
/// over its chat-formatted messages, every input position, in the record's language), and how specialised each
/// layer is.
///
/// The specialisation of a layer is the mutual information I(language; expert) in bits between the language of a
/// routed slot and its expert, with every language weighted equally. It equals the Jensen–Shannon divergence of the
/// languages' expert distributions from their mean, H(mean) − mean H(language), so it reads both ways: 0 when every
/// language is routed alike, log2(languages) when each language has experts of its own, and "knowing the expert a
/// token went to tells this many bits about its language" in between. Equal weights keep a language with more tokens
/// from moving it. A finite sample gives a positive value even without specialisation, so it comes with a null:
/// the same measure after shuffling the languages of the conversations (seeded), and a bootstrap interval over the
/// conversations of each language.
public struct RoutingTable: Sendable, Equatable {
    /// One conversation's routing: its language, its routed tokens, and per layer and expert its routed slots and
    /// the router's probability mass.
    public struct Conversation: Sendable, Equatable {
        public let lang: Lang
        public let tokens: Int
        public let slots: [[Int]]
        public let mass: [[Double]]

        public init(lang: Lang, tokens: Int, slots: [[Int]], mass: [[Double]]) {
            self.lang = lang; self.tokens = tokens; self.slots = slots; self.mass = mass
        }
    }

    /// One layer's specialisation: the measure, its bootstrap interval and its permutation null.
    public struct Specialisation: Sendable, Equatable {
        public let bits: Double, low: Double, high: Double
        public let nullMean: Double, null95: Double
        /// (1 + shuffles at least as specialised) / (1 + shuffles): how often chance alone does as well.
        public let p: Double
    }

    public let model: String
    public let layers: Int, experts: Int, expertsPerToken: Int
    public let conversations: [Conversation]
    /// The languages present, in `Lang.allCases` order.
    public let languages: [Lang]

    public init(model: String, layers: Int, experts: Int, expertsPerToken: Int, conversations: [Conversation]) {
        self.model = model; self.layers = layers; self.experts = experts; self.expertsPerToken = expertsPerToken
        self.conversations = conversations
        languages = Lang.allCases.filter { lang in conversations.contains { $0.lang == lang } }
    }

    /// The engine's counts of sequences tagged 0..<n, sequence i being a conversation in `languages[i]`.
    public init(model: String, stats: RoutingStats, languages: [Lang]) {
        let empty = [[Int]](repeating: [Int](repeating: 0, count: stats.experts), count: stats.layers)
        let conversations = languages.enumerated().map { i, lang in
            Conversation(
                lang: lang, tokens: stats.tokens[i] ?? 0, slots: stats.slots[i] ?? empty,
                mass: stats.mass[i] ?? empty.map { $0.map(Double.init) })
        }
        self.init(
            model: model, layers: stats.layers, experts: stats.experts, expertsPerToken: stats.expertsPerToken,
            conversations: conversations)
    }

    /// Routed slots per expert in `layer` of the conversations `members` (indices), summed.
    private func slots(_ members: some Sequence<Int>, layer: Int) -> [Int] {
        var sum = [Int](repeating: 0, count: experts)
        for c in members { for e in 0..<experts { sum[e] += conversations[c].slots[layer][e] } }
        return sum
    }

    private func members(of lang: Lang) -> [Int] { conversations.indices.filter { conversations[$0].lang == lang } }

    /// The share of `lang`'s routed slots in `layer` that go to each expert (sums to 1; 1/experts is uniform).
    public func shares(_ lang: Lang, layer: Int) -> [Double] { Self.normalised(slots(members(of: lang), layer: layer)) }

    /// The mean router probability of each expert over `lang`'s tokens in `layer` (sums to 1).
    public func massShares(_ lang: Lang, layer: Int) -> [Double] {
        let own = members(of: lang)
        let sums = (0..<experts).map { e in own.reduce(0.0) { $0 + conversations[$1].mass[layer][e] } }
        let total = sums.reduce(0, +)
        return sums.map { total > 0 ? $0 / total : 0 }
    }

    public func tokens(_ lang: Lang) -> Int { members(of: lang).reduce(0) { $0 + conversations[$1].tokens } }

    /// I(language; expert) in bits, languages weighted equally: H(mean of the rows) − mean of H(row), each row a
    /// language's expert counts made a distribution (rows without slots are left out).
    public static func mutualInformation(_ counts: [[Int]]) -> Double {
        let rows = counts.filter { $0.reduce(0, +) > 0 }.map(normalised)
        guard let width = rows.first?.count else { return 0 }
        let mean = (0..<width).map { e in rows.reduce(0.0) { $0 + $1[e] } / Double(rows.count) }
        let bits = entropy(mean) - rows.reduce(0.0) { $0 + entropy($1) } / Double(rows.count)
        return max(0, bits)  // ≥ 0 in exact arithmetic; rounding may leave −1e-16
    }

    private static func entropy(_ p: [Double]) -> Double { -p.reduce(0.0) { $1 > 0 ? $0 + $1 * log2($1) : $0 } }

    private static func normalised(_ counts: [Int]) -> [Double] {
        let total = counts.reduce(0, +)
        return counts.map { total > 0 ? Double($0) / Double(total) : 0 }
    }

    /// The specialisation of `layer` with its languages as routed.
    public func specialisation(layer: Int) -> Double {
        Self.mutualInformation(languages.map { slots(members(of: $0), layer: layer) })
    }

    /// Each layer's specialisation, with a 95% percentile bootstrap interval (conversations resampled within each
    /// language) and a permutation null (languages shuffled over the conversations), `resamples` each, seeded.
    public func specialisations(resamples: Int = 200, seed: UInt64) -> [Specialisation] {
        let groups = languages.map(members(of:))
        let all = Array(conversations.indices)
        return (0..<layers).map { layer in
            let bits = specialisation(layer: layer)
            var bootRNG = SeededRNG(seed: seed, stream: "routing-bootstrap:\(layer)")
            let boot = (0..<resamples).map { _ in
                Self.mutualInformation(
                    groups.map { own in
                        slots(own.map { _ in own[Int(bootRNG.next() % UInt64(own.count))] }, layer: layer)
                    })
            }.sorted()
            var nullRNG = SeededRNG(seed: seed, stream: "routing-null:\(layer)")
            let null = (0..<resamples).map { _ -> Double in
                var shuffled = all.shuffled(using: &nullRNG)[...]
                return Self.mutualInformation(
                    groups.map { own in
                        defer { shuffled = shuffled.dropFirst(own.count) }
                        return slots(shuffled.prefix(own.count), layer: layer)
                    })
            }.sorted()
            let asHigh = null.filter { $0 >= bits }.count
            return Specialisation(
                bits: bits, low: Self.percentile(boot, 0.025), high: Self.percentile(boot, 0.975),
                nullMean: null.reduce(0, +) / Double(max(1, null.count)), null95: Self.percentile(null, 0.95),
                p: Double(1 + asHigh) / Double(1 + null.count))
        }
    }

    private static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))]
    }

    private var countsNote: String {
        let perLang = languages.map { lang in
            "\(lang.code) \(members(of: lang).count) (\(tokens(lang)) tokens)"
        }
        return "Conversations: " + perLang.joined(separator: ", ") + "."
    }

    /// One row per layer, expert and language: `share` of the language's routed slots in the layer, their count, and
    /// `mass`, the expert's mean router probability over the language's tokens.
    public var sharesTable: Table {
        var rows: [[Table.Cell]] = []
        for layer in 0..<layers {
            let byLang = languages.map { (shares($0, layer: layer), slots(members(of: $0), layer: layer)) }
            let massByLang = languages.map { massShares($0, layer: layer) }
            for expert in 0..<experts {
                for (i, lang) in languages.enumerated() {
                    rows.append([
                        .int(layer), .text("L\(layer)·E\(expert)"), .text(lang.code), .number(byLang[i].0[expert]),
                        .int(byLang[i].1[expert]), .number(massByLang[i][expert])
                    ])
                }
            }
        }
        return Table(
            title: "Expert routing of \(model) by language",
            columns: ["layer", "expert", "lang", "share", "slots", "mass"], rows: rows,
            notes: [
                "share: of a language's routed slots in a layer (top-\(expertsPerToken) of \(experts) experts per "
                    + "token), the ones that go to this expert; uniform routing gives "
                    + "\(Table.format(1 / Double(experts))). mass: the expert's mean router probability.",
                countsNote
            ],
            estimate: Table.Estimate(value: "share"))
    }

    /// One row per layer: the specialisation as a percentage of its maximum (Theil's uncertainty coefficient
    /// U(language | expert) = bits / log2(languages): the part of the uncertainty about a slot's language that its
    /// expert removes; readable where the bits are a few hundredths), its interval, permutation null and p, and the
    /// bits themselves.
    public func specialisationTable(resamples: Int = 200, seed: UInt64) -> Table {
        let maximum = log2(Double(max(2, languages.count)))
        let percent = { (bits: Double) in Table.Cell.number(100 * bits / maximum) }
        let rows: [[Table.Cell]] = specialisations(resamples: resamples, seed: seed).enumerated().map { layer, s in
            [
                .text(model), .int(layer), percent(s.bits), percent(s.low), percent(s.high), percent(s.nullMean),
                percent(s.null95), .number(s.p), .number(s.bits)
            ]
        }
        return Table(
            title: "Specialisation of \(model)'s experts by language (% of the maximum)",
            columns: ["model", "layer", "percent", "ci_low", "ci_high", "null_mean", "null_95", "p", "bits"],
            rows: rows,
            notes: [
                "bits: mutual information between a routed slot's language and its expert, languages weighted "
                    + "equally; percent: bits / log2(\(languages.count) languages) = \(Table.format(maximum)) bits, "
                    + "0 when every language is routed alike, 100 when each has experts of its own.",
                "95% CI: percentile bootstrap over each language's conversations; null: languages shuffled over the "
                    + "conversations (mean, 95th percentile); p = (1 + shuffles ≥ bits) / (1 + shuffles); "
                    + "\(resamples) each, seed \(seed).",
                countsNote
            ],
            estimate: Table.Estimate(
                value: "percent",
                interval: .init(low: "ci_low", high: "ci_high", label: "95% CI (bootstrap over conversations)")))
    }
}

extension LabModel {
    /// The routing of `examples` (only `languages`, when given; at most `limit` conversations per language, in the
    /// data's order), each run through the model teacher-forced without gradients.
    public func routing(
        on examples: [Example], languages: [Lang]? = nil, limit: Int? = nil, batchSize: Int = 16
    ) throws -> RoutingTable {
        guard config.isMoE else {
            throw LabError("routing needs a mixture-of-experts model; \(name) is dense")
        }
        if let limit, limit < 1 { throw LabError("limit must be at least 1, got \(limit)") }
        var taken: [Lang: Int] = [:]
        let chosen = examples.filter { ex in
            guard languages?.contains(ex.lang) ?? true, taken[ex.lang, default: 0] < (limit ?? .max) else {
                return false
            }
            taken[ex.lang, default: 0] += 1
            return true
        }
        guard !chosen.isEmpty else {
            let wanted = languages.map { " in " + $0.map(\.code).joined(separator: ", ") } ?? ""
            throw LabError("routing needs some conversations; the dataset has none\(wanted)")
        }
        // The data's own text only (no added system prompt), so a base and its tuned models count the same tokens.
        var sequences = try trainingSequences(chosen, systemPrompt: false)
        for i in sequences.indices { sequences[i].tag = i }  // counted per conversation: the null shuffles them
        let longest = sequences.map(\.tokens.count).max() ?? 1
        let stats = try transformer.routing(
            of: sequences, batchSize: batchSize, T: min(max(1, longest - 1), config.maxPositionEmbeddings))
        return RoutingTable(model: name, stats: stats, languages: chosen.map(\.lang))
    }
}
