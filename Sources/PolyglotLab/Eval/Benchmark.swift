// A multi-turn benchmark in FastChat / MT-Bench-X layout: questions, reference answers and judge prompts per language.
import Foundation
import PolyglotEngine

/// One benchmark question (both turns) with its category, language and optional references.
public struct BenchQuestion: Equatable, Sendable {
    public var id: String
    public var category: String
    public var lang: Lang
    public var turns: [String]
    /// Inline short gold answers (`reference` in question.jsonl).
    public var reference: [String]
    /// Reference answer turns from `reference_answer/<judge>.jsonl` (used by the math judge prompts).
    public var referenceAnswer: [String]?
    /// Per turn, the word a correct answer must contain in the question's language (`key_words`, a Polyglot
    /// extension of question.jsonl written for the built-in benchmark; empty when unknown).
    public var keyWords: [String]
    /// Per turn, the fact a correct answer states and the form asked for (`truth` in question.jsonl, a Polyglot
    /// extension written for the built-in benchmark; empty when unknown). With it the built-in judge checks answers.
    public var truth: [TurnFact]
    /// Per turn, whether its phrasing occurs in the tuning sets (`phrasing` in question.jsonl, a Polyglot extension
    /// written for the built-in benchmark; empty when unknown). `score … by: ["phrasing"]` groups by it.
    public var phrasings: [Phrasing]

    public init(
        id: String, category: String, lang: Lang, turns: [String], reference: [String] = [],
        referenceAnswer: [String]? = nil,
        keyWords: [String] = [], truth: [TurnFact] = [], phrasings: [Phrasing] = []
    ) {
        self.id = id
        self.category = category
        self.lang = lang
        self.turns = turns
        self.reference = reference
        self.referenceAnswer = referenceAnswer
        self.keyWords = keyWords
        self.truth = truth
        self.phrasings = phrasings
    }

    /// The phrasing of turn `turn` (1-based), when the benchmark records it.
    public func phrasing(turn: Int) -> Phrasing? { phrasings.indices.contains(turn - 1) ? phrasings[turn - 1] : nil }

    /// Categories judged with the reference answer (FastChat `NEED_REF_CATS`).
    public var needsReference: Bool { ["math", "reasoning", "coding", "arena-hard-200"].contains(category) }

    /// MT-Bench answer temperature per category (FastChat `temperature_config`; 0.7 for unknown ones).
    public var temperature: Double {
        switch category {
        case "math", "coding", "reasoning", "extraction", "arena-hard-200": 0.0
        case "stem", "humanities": 0.1
        default: 0.7
        }
    }
}

/// One entry of `judge_prompts.jsonl`.
public struct JudgePrompt: Equatable, Sendable {
    public var name: String
    public var type: String
    public var systemPrompt: String
    public var template: String
    public var outputFormat: String

    /// The values a filled prompt was made from: the template's placeholders matched back against `filled`, each
    /// up to the next literal text of the template (how a judgment's `user_prompt` keeps the judged answer).
    /// nil when `filled` does not follow the template.
    public func values(in filled: String) -> [String: String]? {
        // The template as alternating literal text and placeholder names: literal, name, literal, name, …, literal.
        var parts: [String] = [""]
        var chars = template[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            if (c == "{" || c == "}") && chars.first == c {
                parts[parts.count - 1].append(c); chars = chars.dropFirst()
            } else if c == "{", let close = chars.firstIndex(of: "}") {
                parts.append(String(chars[..<close])); parts.append("")
                chars = chars[chars.index(after: close)...]
            } else {
                parts[parts.count - 1].append(c)
            }
        }
        guard filled.hasPrefix(parts[0]) else { return nil }
        var rest = filled.dropFirst(parts[0].count)
        var values: [String: String] = [:]
        for i in stride(from: 1, to: parts.count, by: 2) {
            let literal = parts[i + 1]
            let end: Substring.Index
            if i + 2 >= parts.count {
                guard rest.hasSuffix(literal) else { return nil }
                end = rest.index(rest.endIndex, offsetBy: -literal.count)
            } else if literal.isEmpty {
                end = rest.startIndex
            } else {
                guard let r = rest.range(of: literal) else { return nil }
                end = r.lowerBound
            }
            values[parts[i]] = String(rest[..<end])
            rest = rest[end...].dropFirst(literal.count)
        }
        return values
    }

    /// Fills Python `str.format` placeholders (`{question}`); `{{`/`}}` become literal braces.
    public func fill(_ values: [String: String]) -> String {
        var out = ""
        var chars = template[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == "{" {
                if chars.first == "{" { out.append("{"); chars = chars.dropFirst(); continue }
                if let close = chars.firstIndex(of: "}") {
                    let key = String(chars[..<close])
                    if let v = values[key] { out += v; chars = chars[chars.index(after: close)...]; continue }
                }
                out.append(c)
            } else if c == "}" && chars.first == "}" {
                out.append("}"); chars = chars.dropFirst()
            } else {
                out.append(c)
            }
        }
        return out
    }
}

/// A loaded benchmark: questions of one or more languages, their judge prompts, and non-fatal load problems.
public struct Benchmark: Sendable {
    public var name: String
    public var questions: [BenchQuestion] { didSet { index = Self.makeIndex(questions) } }
    /// Judge prompts per language, keyed by prompt name (`single-v1`, ...; `v2:pair-v2` from judge_prompts_v2.jsonl).
    public var judgePrompts: [Lang: [String: JudgePrompt]]
    /// Malformed lines and files that were skipped, each with file:line.
    public var warnings: [EvalError]

    public init(
        name: String, questions: [BenchQuestion], judgePrompts: [Lang: [String: JudgePrompt]] = [:],
        warnings: [EvalError] = []
    ) {
        self.name = name
        self.questions = questions
        self.index = Self.makeIndex(questions)
        self.judgePrompts = judgePrompts
        self.warnings = warnings
    }

    public var languages: [Lang] { Array(Set(questions.map(\.lang))).sorted() }

    /// The question with this id, if any.
    public func question(_ id: String) -> BenchQuestion? { index[id].map { questions[$0] } }

    /// Position of each question id (the first one wins if a file repeats an id).
    private var index: [String: Int]

    private static func makeIndex(_ questions: [BenchQuestion]) -> [String: Int] {
        Dictionary(questions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Only the questions of the given languages.
    public func filtered(langs: [Lang]) -> Benchmark {
        var b = self
        b.questions = questions.filter { langs.contains($0.lang) }
        return b
    }

    /// Splits the questions into two benchmarks that share no question: the translations of a question (`81_DE`,
    /// `81_FR`, … share the id before the language suffix) stay together, and each category holds out
    /// round(`fraction` × its questions), drawn with `seed`, so both parts ask every category that has enough.
    public func split(validation fraction: Double, seed: UInt64) throws -> (train: Benchmark, validation: Benchmark) {
        guard fraction > 0 && fraction < 1 else {
            throw EvalError(file: name, "validation share must be between 0 and 1, got \(fraction)")
        }
        // Question groups (an id without its language suffix) per category, in benchmark order.
        var groups: [String: [String]] = [:]
        var categories: [String] = []
        for q in questions {
            let group = Self.sharedID(q.id)
            if groups[q.category] == nil { categories.append(q.category) }
            if !(groups[q.category]?.contains(group) ?? false) { groups[q.category, default: []].append(group) }
        }
        var rng = SeededRNG(seed: seed, stream: "bench.split")
        var held = Set<String>()
        for category in categories {
            let members = groups[category] ?? []
            let k = Int((fraction * Double(members.count)).rounded())
            held.formUnion(pick(k, of: members.count, &rng).map { members[$0] })
        }
        let total = groups.values.reduce(0) { $0 + $1.count }
        guard !held.isEmpty && held.count < total else {
            throw EvalError(
                file: name,
                "a validation share of \(fraction) holds out \(held.count) of \(total) questions; "
                    + "expected a share that leaves both parts non-empty")
        }
        func part(_ suffix: String, validation: Bool) -> Benchmark {
            var b = self
            b.name = "\(name)/\(suffix)"
            b.questions = questions.filter { held.contains(Self.sharedID($0.id)) == validation }
            return b
        }
        return (part("train", validation: false), part("validation", validation: true))
    }

    /// A question's id without its language suffix (`81_DE` → `81`): what its translations share.
    static func sharedID(_ id: String) -> String {
        guard langFromQuestionID(id) != nil, let underscore = id.lastIndex(of: "_") else { return id }
        return String(id[..<underscore])
    }

    // MARK: - Loading

    /// Loads a folder with `mt_bench_<LANG>/question.jsonl` subfolders, a single bench folder, or a `question.jsonl` file.
    /// `lang` is the language for files whose ids and folder do not name one.
    public static func load(_ path: String, lang: Lang? = nil) throws -> Benchmark {
        let url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw EvalError(file: path, "no such file or folder; expected a benchmark folder or a question.jsonl")
        }
        var bench = Benchmark(name: url.deletingPathExtension().lastPathComponent, questions: [])
        if !isDir.boolValue {
            try bench.loadLanguageFolder(url.deletingLastPathComponent(), questionFile: url, lang: lang)
            return bench
        }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("question.jsonl").path) {
            try bench.loadLanguageFolder(url, questionFile: url.appendingPathComponent("question.jsonl"), lang: lang)
            return bench
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        let langFolders = entries.sorted().filter { langFromFolderName($0) != nil }
        guard !langFolders.isEmpty else {
            throw EvalError(file: path, "expected question.jsonl or mt_bench_<LANG>/question.jsonl subfolders")
        }
        for folder in langFolders {
            let dir = url.appendingPathComponent(folder)
            let qfile = dir.appendingPathComponent("question.jsonl")
            guard FileManager.default.fileExists(atPath: qfile.path) else {
                bench.warnings.append(EvalError(file: dir.path, "no question.jsonl; folder skipped"))
                continue
            }
            try bench.loadLanguageFolder(dir, questionFile: qfile, lang: nil)
        }
        return bench
    }

    private mutating func loadLanguageFolder(_ dir: URL, questionFile: URL, lang given: Lang?) throws {
        // FastChat's own `mt_bench` folder is the English original.
        let folderLang = langFromFolderName(dir.lastPathComponent) ?? (dir.lastPathComponent == "mt_bench" ? .en : nil)
        var problems: [EvalError] = []
        let records = try JSONL.read(questionFile, problems: &problems)
        var loaded: [BenchQuestion] = []
        for r in records {
            do {
                let id = try r.questionID(in: questionFile.path)
                guard let lang = given ?? langFromQuestionID(id) ?? folderLang else {
                    throw EvalError(
                        file: questionFile.path, line: r.line,
                        "cannot tell the language of question `\(id)`; expected an id like `81_DE`, a folder `mt_bench_DE`, or lang:"
                    )
                }
                guard let category = (r.object["category"] as? String) ?? mtBenchCategory(id) else {
                    throw EvalError(file: questionFile.path, line: r.line, "expected string field `category`")
                }
                let turns = try r.strings("turns", in: questionFile.path)
                guard !turns.isEmpty else {
                    throw EvalError(file: questionFile.path, line: r.line, "expected at least one turn")
                }
                let reference = r.object["reference"] == nil ? [] : try r.strings("reference", in: questionFile.path)
                let keyWords = r.object["key_words"] == nil ? [] : try r.strings("key_words", in: questionFile.path)
                /// An optional field with one entry per turn, each read by `parse`; any other shape is an error.
                func perTurn<T>(_ key: String, expected: String, _ parse: (Any) -> T?) throws -> [T] {
                    guard let value = r.object[key] else { return [] }
                    guard let list = value as? [Any], list.count == turns.count,
                        case let read = list.compactMap(parse), read.count == list.count
                    else {
                        throw EvalError(file: questionFile.path, line: r.line, "expected `\(key)` to be \(expected)")
                    }
                    return read
                }
                let truth = try perTurn(
                    "truth",
                    expected: "one {\"kind\", \"index\", \"form\", \"quoted\"} per turn (kind one of "
                        + FactKind.allCases.map(\.rawValue).joined(separator: ", ") + ")",
                    TurnFact.init(json:))
                let phrasings = try perTurn(
                    "phrasing",
                    expected: "one of " + Phrasing.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                        + " per turn"
                ) { ($0 as? String).flatMap(Phrasing.init(rawValue:)) }
                loaded.append(
                    BenchQuestion(
                        id: id, category: category, lang: lang, turns: turns, reference: reference,
                        keyWords: keyWords, truth: truth, phrasings: phrasings))
            } catch let e as EvalError { problems.append(e) }
        }
        let refs = loadReferenceAnswers(dir.appendingPathComponent("reference_answer"), problems: &problems)
        for i in loaded.indices { loaded[i].referenceAnswer = refs[loaded[i].id] }
        for q in loaded where q.needsReference && q.referenceAnswer == nil && !refs.isEmpty {
            problems.append(
                EvalError(
                    file: dir.appendingPathComponent("reference_answer").path,
                    "no reference answer for `\(q.id)` (category \(q.category))"))
        }
        if let lang = given ?? folderLang ?? loaded.first?.lang {
            // judge_prompts_v2.jsonl (MT-Bench-X DE: pairwise with "[[D]]" = both bad) is kept under `v2:<name>`.
            // FastChat keeps one judge_prompts.jsonl next to the bench folders (data/judge_prompts.jsonl): look there too.
            for (file, prefix) in [("judge_prompts.jsonl", ""), ("judge_prompts_v2.jsonl", "v2:")] {
                let candidates = [
                    dir.appendingPathComponent(file), dir.deletingLastPathComponent().appendingPathComponent(file)
                ]
                guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                    continue
                }
                for p in loadJudgePrompts(url, problems: &problems) {
                    judgePrompts[lang, default: [:]][prefix + p.name] = p
                }
            }
        }
        questions += loaded
        warnings += problems
    }

    private func loadReferenceAnswers(_ dir: URL, problems: inout [EvalError]) -> [String: [String]] {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [:] }
        // FastChat uses reference_answer/gpt-4.jsonl; take it first, then any other file for missing ids.
        let ordered = files.filter { $0.hasSuffix(".jsonl") }.sorted { a, b in
            (a == "gpt-4.jsonl" ? 0 : 1, a) < (b == "gpt-4.jsonl" ? 0 : 1, b)
        }
        var refs: [String: [String]] = [:]
        for f in ordered {
            let url = dir.appendingPathComponent(f)
            guard let answers = try? ModelAnswer.read(url, problems: &problems) else { continue }
            for a in answers where refs[a.questionID] == nil { refs[a.questionID] = a.turns }
        }
        return refs
    }

    private func loadJudgePrompts(_ url: URL, problems: inout [EvalError]) -> [JudgePrompt] {
        guard let records = try? JSONL.read(url, problems: &problems) else { return [] }
        return records.compactMap { r in
            do {
                return JudgePrompt(
                    name: try r.string("name", in: url.path), type: try r.string("type", in: url.path),
                    systemPrompt: try r.string("system_prompt", in: url.path),
                    template: try r.string("prompt_template", in: url.path),
                    outputFormat: (r.object["output_format"] as? String) ?? "[[rating]]")
            } catch let e as EvalError {
                problems.append(e)
                return nil
            } catch { return nil }
        }
    }
}

// MARK: - Language and category from names

/// `81_DE` → .de; nil when the id has no language suffix.
public func langFromQuestionID(_ id: String) -> Lang? {
    guard let underscore = id.lastIndex(of: "_") else { return nil }
    return Lang(rawValue: id[id.index(after: underscore)...].lowercased())
}

/// `mt_bench_DE` → .de.
public func langFromFolderName(_ name: String) -> Lang? {
    guard name.hasPrefix("mt_bench_") else { return nil }
    return Lang(rawValue: name.dropFirst("mt_bench_".count).lowercased())
}

/// MT-Bench's fixed category blocks for ids 81–160 (`81_DE` → writing); nil outside that range.
public func mtBenchCategory(_ id: String) -> String? {
    let digits = id.prefix { $0.isNumber }
    guard let n = Int(digits), (81...160).contains(n) else { return nil }
    return ["writing", "roleplay", "reasoning", "math", "coding", "extraction", "stem", "humanities"][(n - 81) / 10]
}

extension Benchmark {
    /// Writes the FastChat / MT-Bench-X layout: `<folder>/mt_bench_<LANG>/question.jsonl`, with the language's
    /// `judge_prompts.jsonl` and `reference_answer/<name>.jsonl` when the benchmark has them; returns the question files.
    public func writeFastChat(to folder: String, referenceModel: String = "reference") throws -> [String] {
        try languages.map { lang in
            let dir = URL(fileURLWithPath: folder).appendingPathComponent("mt_bench_\(lang.code)")
            let refs = questions.filter { $0.lang == lang && $0.referenceAnswer != nil }.map {
                ModelAnswer(
                    questionID: $0.id, answerID: "", modelID: referenceModel, turns: $0.referenceAnswer!, tstamp: 0)
            }
            if !refs.isEmpty {
                try ModelAnswer.write(refs, to: dir.appendingPathComponent("reference_answer/\(referenceModel).jsonl"))
            }
            if let prompts = judgePrompts[lang], !prompts.isEmpty {
                try JSONL.write(
                    prompts.values.sorted { $0.name < $1.name }.map {
                        [
                            "name": $0.name, "type": $0.type, "system_prompt": $0.systemPrompt,
                            "prompt_template": $0.template,
                            "output_format": $0.outputFormat
                        ] as [String: Any]
                    }, to: dir.appendingPathComponent("judge_prompts.jsonl"))
            }
            let file = (folder as NSString).appendingPathComponent("mt_bench_\(lang.code)/question.jsonl")
            let lines = try questions.filter { $0.lang == lang }.map { q -> String in
                var record: [String: Any] = ["question_id": q.id, "category": q.category, "turns": q.turns]
                if !q.reference.isEmpty { record["reference"] = q.reference }
                if !q.keyWords.isEmpty { record["key_words"] = q.keyWords }
                if !q.truth.isEmpty { record["truth"] = q.truth.map(\.jsonObject) }
                if !q.phrasings.isEmpty { record["phrasing"] = q.phrasings.map(\.rawValue) }
                let data = try JSONSerialization.data(
                    withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])
                return String(decoding: data, as: UTF8.self)
            }
            try atomicWrite(Data((lines.joined(separator: "\n") + "\n").utf8), to: URL(fileURLWithPath: file))
            return file
        }
    }
}
