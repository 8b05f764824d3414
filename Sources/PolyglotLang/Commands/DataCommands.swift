// Instruction data: `load dataset`, `compose`, `sample`, `split` (also of a benchmark), `shuffle`, `show`.

import Foundation
import PolyglotLab

public final class DatasetObject: LabObject {
    public let dataset: Dataset
    public init(_ dataset: Dataset) { self.dataset = dataset }

    public var typeName: String { "dataset" }
    public func display() -> String { dataset.summary().render() }
    public var fieldNames: [String] { ["name", "items", "examples", "langs", "provenance", "summary"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "name": return .string(dataset.name)
        case "items": return .int(dataset.itemCount)
        case "examples": return .int(dataset.exampleCount)
        case "langs": return .list(dataset.languages.map { .string($0.rawValue) })
        case "provenance": return .string(dataset.provenance.description)
        case "summary": return .object(TableObject(dataset.summary()))
        default: return nil
        }
    }
}

extension Invocation {
    func dataset(_ name: String) -> Dataset { object(name, as: DatasetObject.self).dataset }
}

extension CommandRegistry {
    static let dataCommands: [CommandSpec] = [loadDataset, compose, sample, split, shuffle, corrupt, show, export]

    static let seedKeyword = Parameter(
        "seed", .int, default: Value.none, "seed of the random draw (default: the session's next)")

    static let loadDataset = CommandSpec(
        "load dataset", category: "data",
        summary:
            "Read an instruction dataset: one file per language, a folder of them, or records with a language field.",
        positionals: [
            Parameter(
                "path", .either([.string, .stringList]),
                "a file, a folder, or a list of them (JSON array or JSONL)")
        ],
        keywords: [
            Parameter(
                "format", .choice(of: RecordFormat.self, parse: RecordFormat.parse), default: Value.none,
                "record format (default: detected per record)"),
            Parameter(
                "lang", .language, default: Value.none,
                "language of every file (default: from the file name or a field)"),
            Parameter(
                "field", .string, default: Value.none, "record field holding the language (default: lang or language)"),
            Parameter(
                "on_error", .choice(of: OnError.self), default: .string("fail"),
                "fail at the first bad record, or skip bad records and report them"),
            Parameter("name", .string, default: Value.none, "dataset name (default: the path's base name)")
        ],
        example: "let limax = load dataset \"data/tiny-limax\"",
        details: """
            Formats: Bactrian-X/Alpaca {instruction, input, output, id}; LIMA/Lima-X {conversations: [user, assistant, …]};
            ShareGPT {conversations: [{from, value}]}; chat messages {messages: [{role, content}]}. Items are aligned across
            languages by id (or by line order when records have no id). Bad records are reported with file:line.
            """
    ) { inv in
        if let p = inv.string(ifGiven: "path"), let name = Builtins.name(p) {
            guard let data = Builtins.dataset(name) else {
                throw inv.error(
                    "no builtin dataset '\(name)'", at: "path",
                    notes: Suggest.note(for: name, in: Builtins.datasetNames)
                        + ["expected one of: \(Builtins.datasetNames.map { "builtin:" + $0 }.joined(separator: ", "))"])
            }
            return .object(DatasetObject(data))
        }
        let paths = (inv.string(ifGiven: "path").map { [$0] } ?? inv.strings("path")).map(inv.session.openablePath)
        var options = LoadOptions()
        options.format = inv.choice(ifGiven: "format", as: RecordFormat.self)
        options.language = inv.language(ifGiven: "lang")
        options.languageField = inv.string(ifGiven: "field")
        options.onError = inv.choice("on_error", as: OnError.self)
        options.name = inv.string(ifGiven: "name")
        let data = try inv.lab { try DatasetLoader.load(paths, options: options) }
        return .object(DatasetObject(data))
    }

    static let compose = CommandSpec(
        "compose", category: "data",
        summary:
            "A language composition of a dataset: monolingual, parallel (every item in every language) or sampled.",
        positionals: [Parameter("data", .object("dataset"), "a loaded dataset")],
        keywords: [
            Parameter(
                "langs", .languages, default: Value.none,
                "languages, e.g. [\"de\", \"fr\"] (default: all of the dataset's)"),
            Parameter(
                "mode", .choice(Choices(["parallel", "sampled"])), default: .string("parallel"),
                "parallel: items × languages; sampled: each item once, in one of the languages"),
            Parameter("balanced", .bool, default: .bool(false), "sampled: language counts differ by at most one"),
            Parameter("weights", .record, default: Value.none, "sampled: language weights, e.g. {en: 0.5, de: 0.5}"),
            seedKeyword
        ],
        example: "let endefrites = compose limax langs: [\"en\", \"de\", \"fr\", \"it\", \"es\"] mode: \"parallel\""
    ) { inv in
        let data = inv.dataset("data")
        let langs = inv.languages(ifGiven: "langs") ?? data.languages
        let composed: Dataset
        if let r = inv.record(ifGiven: "weights") {
            var weights: [Lang: Double] = [:]
            for (k, v) in r.fields {
                guard let l = Lang.parse(k), let w = v.double else {
                    throw inv.error("weights need language keys and number values, got \(k): \(v.repr)", at: "weights")
                }
                weights[l] = w
            }
            let seed = try inv.seed()
            composed = try inv.lab { try data.sampled(weights: weights, seed: seed) }
        } else {
            if inv.string("mode") == "sampled" {
                let seed = try inv.seed()
                composed = try inv.lab { try data.sampled(langs, seed: seed, balanced: inv.bool("balanced")) }
            } else {
                composed = try inv.lab { try data.parallel(langs) }
            }
        }
        return .object(DatasetObject(composed))
    }

    static let sample = CommandSpec(
        "sample", category: "data",
        summary: "The same N item ids in every language (how a -small variant is made), or N per language.",
        positionals: [Parameter("data", .object("dataset"), "a dataset")],
        keywords: [
            Parameter("n", .int, "number of items"),
            Parameter("per_lang", .bool, default: .bool(false), "draw ids independently per language"), seedKeyword
        ],
        example: "let small = sample limax n: 4"
    ) { inv in
        let data = inv.dataset("data"), seed = try inv.seed()
        let n = inv.int("n"), perLang = inv.bool("per_lang")
        return .object(DatasetObject(try inv.lab { try data.sample(n: n, seed: seed, perLang: perLang) }))
    }

    static let split = CommandSpec(
        "split", category: "data",
        summary:
            "Split a dataset by item id, or a benchmark by question, into {train, val}: no item or question is in both.",
        positionals: [Parameter("data", .either([.object("dataset"), .object("bench")]), "a dataset or a benchmark")],
        keywords: [
            Parameter(
                "val", .number, default: .float(0.1),
                "validation share (0–1) or, for a dataset, when ≥ 1, a count of items"),
            seedKeyword
        ],
        example: "let parts = split limax val: 0.25\nparts.train",
        details: """
            A dataset's item keeps all its translations on one side. A benchmark's question does too (`81_DE` and
            `81_FR` are one question), and every category holds out its share of questions, so both parts ask every
            category: answer and judge one part, tune a judge on it (`judge_set`), and let it judge the other.
            """
    ) { inv in
        let seed = try inv.seed(), v = inv.double("val")
        if let bench = inv.object(ifGiven: "data", as: BenchObject.self)?.bench {
            guard v > 0 && v < 1 else {
                throw inv.error("a benchmark splits by share; expected val between 0 and 1, got \(v)", at: "val")
            }
            let (train, val) = try inv.lab { try bench.split(validation: v, seed: seed) }
            return .record(Record([("train", .object(BenchObject(train))), ("val", .object(BenchObject(val)))]))
        }
        let data = inv.dataset("data")
        guard v.isFinite, v < Double(Int.max) else {
            throw inv.error("val must be a share or a count of items, got \(v)", at: "val")
        }
        let (train, val) = try inv.lab {
            v >= 1 ? try data.split(validationCount: Int(v), seed: seed) : try data.split(validation: v, seed: seed)
        }
        return .record(Record([("train", .object(DatasetObject(train))), ("val", .object(DatasetObject(val)))]))
    }

    static let shuffle = CommandSpec(
        "shuffle", category: "data", summary: "The same dataset with its items in a seeded random order.",
        positionals: [Parameter("data", .object("dataset"), "a dataset")], keywords: [seedKeyword],
        example: "let mixed = shuffle limax seed: 3"
    ) { inv in
        let data = inv.dataset("data"), seed = try inv.seed()
        return .object(DatasetObject(data.shuffled(seed: seed)))
    }

    static let corrupt = CommandSpec(
        "corrupt", category: "data",
        summary:
            "The same dataset with a share of its items answered wrongly: their replies taken from other items (noise).",
        positionals: [Parameter("data", .object("dataset"), "a dataset")],
        keywords: [
            Parameter("share", .number, "share of the items to corrupt, 0–1 (round(share × items) of them)"),
            seedKeyword
        ],
        example: "let noisy = corrupt bactrian share: 0.25 seed: 1",
        details: """
            A corrupted item keeps its instructions; in each of its languages its replies are those of another item
            (drawn among the items with all of its languages) in the same language: fluent, on-template, in the right
            language, and answering another question, as a machine-generated reply can be confidently wrong. Every
            translation of an item is corrupted alike, so compositions drawn from the result keep the same noise rate.
            The size stays the same: noise is varied at equal size.
            """
    ) { inv in
        let data = inv.dataset("data"), seed = try inv.seed()
        return .object(DatasetObject(try inv.lab { try data.withWrongReplies(share: inv.double("share"), seed: seed) }))
    }

    static let show = CommandSpec(
        "show", category: "data",
        summary: "Print an object in full: a dataset's provenance and size table (and its first examples), a table, …",
        positionals: [Parameter("value", .any, "a dataset, table or other value")],
        keywords: [Parameter("examples", .int, default: .int(0), "datasets: also print this many examples")],
        example: "show builtin:lima-mini"
    ) { inv in
        let s = inv.session
        if let ref = inv.string(ifGiven: "value"), let name = Builtins.name(ref) {
            guard let tables = Builtins.describe(name) else {
                throw inv.error(
                    "no builtin '\(name)'", at: "value",
                    notes: Suggest.note(for: name, in: Builtins.allNames)
                        + ["expected one of: \(Builtins.allNames.map { "builtin:" + $0 }.joined(separator: ", "))"])
            }
            s.emit(tables.map { $0.render() }.joined(separator: "\n\n"))
            return .none
        }
        guard case .object(let o) = inv.value("value") else {
            s.emit(inv.value("value").repr)
            return .none
        }
        s.emit(o.display())
        if let d = o as? DatasetObject {
            for ex in d.dataset.examples.prefix(max(0, inv.int("examples"))) {
                s.emit("[\(ex.itemID) · \(ex.lang.code)]" + (ex.location.map { " \($0)" } ?? ""))
                for m in ex.conversation.messages { s.emit("  \(m.role.rawValue): \(m.content)") }
            }
        }
        return .none
    }
}
