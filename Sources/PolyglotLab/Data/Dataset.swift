// A multilingual instruction dataset: items aligned across languages, so "the same item in five
// languages" is one value. Compositions derive new datasets from it and keep the provenance chain.

import Foundation

/// One conversation of one item in one language: what a trainer sees.
public struct Example: Hashable, Sendable {
    public var itemID: String
    public var lang: Lang
    public var conversation: Conversation
    /// The record's file:line, nil for generated data.
    public var location: SourceLocation?
    /// The record's `source` field (LIMA: stackexchange, wikihow, …), when given.
    public var source: String?

    public init(
        itemID: String, lang: Lang, conversation: Conversation, location: SourceLocation? = nil, source: String? = nil
    ) {
        self.itemID = itemID
        self.lang = lang
        self.conversation = conversation
        self.location = location
        self.source = source
    }
}

/// The same instruction item in each language it exists in (parallel data).
public struct DataItem: Hashable, Sendable {
    public var id: String
    public var translations: [Lang: Example]
    public init(id: String, translations: [Lang: Example]) {
        self.id = id
        self.translations = translations
    }
    /// The item's languages in study order.
    public var languages: [Lang] { translations.keys.sorted() }
    /// The item's examples in study order.
    public var examples: [Example] { languages.compactMap { translations[$0] } }
}

/// How items were matched across languages.
public enum Alignment: String, Sendable {
    /// Records share an `id` field.
    case id
    /// No ids: the n-th record of each language is the same item (ids are `#1`, `#2`, …).
    case lineOrder = "line order"
}

/// Where a dataset came from: each derivation records its mode and parameters on top of its parent's.
public struct Provenance: Equatable, Sendable, CustomStringConvertible {
    public var source: String
    public var mode: String
    public var languages: [Lang]
    public var seed: UInt64?
    public var n: Int?
    public var parents: [Provenance]

    public init(
        source: String, mode: String, languages: [Lang], seed: UInt64? = nil, n: Int? = nil, parents: [Provenance] = []
    ) {
        self.source = source
        self.mode = mode
        self.languages = languages
        self.seed = seed
        self.n = n
        self.parents = parents
    }

    /// One line per step, newest first: `sampled(EN DE) seed=1 ← load(data/) `.
    public var description: String {
        var step = "\(mode)(\(languages.map(\.code).joined(separator: " ")))"
        if let seed { step += " seed=\(seed)" }
        if let n { step += " n=\(n)" }
        step += " from \(source)"
        return ([step] + parents.map(\.description)).joined(separator: " ← ")
    }
}

/// A multilingual dataset: ordered items, each with its translations.
public struct Dataset: Sendable {
    public var name: String
    public private(set) var items: [DataItem]
    public var alignment: Alignment
    public var provenance: Provenance
    /// Load and composition warnings (duplicates, empty turns, missing translations, skipped records).
    public var warnings: [String]
    private var indexByID: [String: Int]

    public init(name: String, items: [DataItem], alignment: Alignment, provenance: Provenance, warnings: [String] = [])
    {
        self.name = name
        self.items = items
        self.alignment = alignment
        self.provenance = provenance
        self.warnings = warnings
        var index: [String: Int] = [:]
        index.reserveCapacity(items.count)
        for (i, item) in items.enumerated() where index[item.id] == nil { index[item.id] = i }
        self.indexByID = index
    }

    /// A dataset from generated parallel items (e.g. the miniature world's instruction sets), in the
    /// given order; ids must be unique (a repeated id keeps its first occurrence and is warned about).
    public init(name: String, parallel: [(id: String, conversations: [Lang: Conversation])], source: String) {
        var seen = Set<String>()
        var repeated: [String] = []
        let items: [DataItem] = parallel.compactMap { entry in
            guard seen.insert(entry.id).inserted else { repeated.append(entry.id); return nil }
            let translations = Dictionary(
                uniqueKeysWithValues: entry.conversations.map { lang, conversation in
                    (lang, Example(itemID: entry.id, lang: lang, conversation: conversation))
                })
            return DataItem(id: entry.id, translations: translations)
        }
        let langs = Set(items.flatMap(\.translations.keys)).sorted()
        let warnings =
            repeated.isEmpty
            ? []
            : [
                "\(repeated.count) repeated id\(repeated.count == 1 ? "" : "s") kept only at first occurrence (e.g. \(repeated.prefix(3).joined(separator: ", ")))"
            ]
        self.init(
            name: name, items: items, alignment: .id,
            provenance: Provenance(source: source, mode: "generate", languages: langs), warnings: warnings)
    }

    /// Languages present in at least one item, in study order.
    public var languages: [Lang] {
        var seen = Set<Lang>()
        for item in items {
            seen.formUnion(item.translations.keys)
            if seen.count == Lang.allCases.count { break }
        }
        return seen.sorted()
    }

    public var itemCount: Int { items.count }
    public var exampleCount: Int { items.reduce(0) { $0 + $1.translations.count } }

    public func item(_ id: String) -> DataItem? { indexByID[id].map { items[$0] } }

    /// Every example, item by item and within an item in study order (the training order unless shuffled).
    public var examples: [Example] { items.flatMap(\.examples) }

    /// The examples of one language, in item order.
    public func examples(in lang: Lang) -> [Example] { items.compactMap { $0.translations[lang] } }

    /// A copy holding only `items` (in that order), with a new provenance step.
    func deriving(_ items: [DataItem], name: String, provenance: Provenance, warnings: [String] = []) -> Dataset {
        Dataset(name: name, items: items, alignment: alignment, provenance: provenance, warnings: warnings)
    }

    // MARK: - Summary

    /// Items, examples and tokens per language. `tokenCount` defaults to whitespace-separated words,
    /// and `tokenLabel` names the column's unit ("words" unless a tokenizer is given).
    public func summary(tokenCount: ((String) -> Int)? = nil, tokenLabel: String? = nil) -> Table {
        let count = tokenCount ?? Dataset.whitespaceWords
        let unit = tokenLabel ?? (tokenCount == nil ? "words" : "tokens")
        var rows: [[Table.Cell]] = []
        var totalExamples = 0, totalTokens = 0
        for lang in languages {
            let examples = examples(in: lang)
            let tokens = examples.reduce(0) { sum, ex in
                sum + ex.conversation.messages.reduce(0) { $0 + count($1.content) }
            }
            totalExamples += examples.count
            totalTokens += tokens
            rows.append([
                .text(lang.code), .int(examples.count), .int(tokens),
                .number(examples.isEmpty ? .nan : Double(tokens) / Double(examples.count))
            ])
        }
        rows.append([
            .text("all"), .int(totalExamples), .int(totalTokens),
            .number(totalExamples == 0 ? .nan : Double(totalTokens) / Double(totalExamples))
        ])
        var notes = [
            "\(items.count) items, \(totalExamples) examples; aligned by \(alignment.rawValue)",
            "provenance: \(provenance)"
        ]
        if alignment == .lineOrder { notes.append("note: records have no ids, so languages are aligned by line order") }
        notes += warnings.map { "warning: \($0)" }
        return Table(
            title: "dataset \(name)", columns: ["lang", "examples", unit, "\(unit)/example"], rows: rows, notes: notes)
    }

    /// The first `count` items, one row per message (text shortened to `width` characters), for `show`.
    public func preview(_ count: Int = 3, lang: Lang? = nil, width: Int = 60) -> Table {
        var rows: [[Table.Cell]] = []
        for item in items.prefix(max(0, count)) {
            for ex in item.examples where lang == nil || ex.lang == lang {
                for m in ex.conversation.messages {
                    let flat = m.content.replacingOccurrences(of: "\n", with: "⏎")
                    let text = flat.count > width ? String(flat.prefix(max(1, width - 1))) + "…" : flat
                    rows.append([
                        .text(item.id), .text(ex.lang.code), .text(m.role.rawValue), .text(text),
                        .text(ex.location?.description ?? "")
                    ])
                }
            }
        }
        return Table(
            title: "\(name): first \(min(count, items.count)) of \(items.count) items",
            columns: ["id", "lang", "role", "text", "from"], rows: rows)
    }

    /// Number of maximal runs of non-whitespace bytes (ASCII whitespace; enough for the five study languages).
    public static func whitespaceWords(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            var count = 0
            var previousSpace = true
            for b in bytes {
                // Space, \t \n \v \f \r; branch-free so long texts stream through quickly.
                let space = b == 0x20 || (b &- 0x09) < 5
                count &+= (previousSpace && !space) ? 1 : 0
                previousSpace = space
            }
            return count
        }
    }
}
