// The MT-Bench-X half of the study: benchmarks, answers, judges, scores, improvement, agreement.

import Foundation
import PolyglotEngine
import PolyglotLab

public final class BenchObject: LabObject {
    public let bench: Benchmark
    init(_ bench: Benchmark) { self.bench = bench }
    public var typeName: String { "bench" }
    public func display() -> String {
        var counts: [String: [Lang: Int]] = [:]
        for q in bench.questions { counts[q.category, default: [:]][q.lang, default: 0] += 1 }
        let langs = bench.languages
        let rows: [[Table.Cell]] = counts.keys.sorted().map { c in [.text(c)] + langs.map { .int(counts[c]?[$0] ?? 0) }
        }
        return Table(
            title: "benchmark \(bench.name): \(bench.questions.count) questions",
            columns: ["category"] + langs.map(\.code),
            rows: rows, notes: bench.warnings.map { "warning: \($0)" }
        ).render()
    }
    public var fieldNames: [String] { ["name", "questions", "langs"] }
    public func field(_ name: String) -> Value? {
        switch name {
        case "name": .string(bench.name)
        case "questions": .int(bench.questions.count)
        case "langs": .list(bench.languages.map { .string($0.rawValue) })
        default: nil
        }
    }
}

public final class AnswersObject: CombinableObject {
    public let answers: AnswerSet
    init(_ answers: AnswerSet) { self.answers = answers }
    public var typeName: String { "answers" }
    public func display() -> String {
        let rows: [[Table.Cell]] = answers.models.map { [.text($0), .int(answers.answers[$0]?.count ?? 0)] }
        return Table(
            title: "answers to \(answers.benchmark.name)", columns: ["model", "answers"], rows: rows,
            notes: answers.warnings.map { "warning: \($0)" }
        ).render()
    }
    public func combined(with other: AnswersObject) throws -> AnswersObject {
        AnswersObject(try answers.merged(with: other.answers))
    }
    public var fieldNames: [String] { ["models", "count"] }
    public func field(_ name: String) -> Value? {
        switch name {
        case "models": .list(answers.models.map { .string($0) })
        case "count": .int(answers.answers.values.reduce(0) { $0 + $1.count })
        default: nil
        }
    }
}

public final class JudgmentsObject: CombinableObject {
    public let judgments: JudgmentSet
    init(_ judgments: JudgmentSet) { self.judgments = judgments }
    public var typeName: String { "judgments" }
    public func display() -> String {
        let failed = judgments.single.filter(\.failed).count
        return "judgments: \(judgments.single.count) single (\(failed) unparseable), \(judgments.pairs.count) pairwise"
            + judgments.warnings.map { "\nwarning: \($0)" }.joined()
    }
    public func combined(with other: JudgmentsObject) throws -> JudgmentsObject {
        JudgmentsObject(judgments.merged(with: other.judgments))
    }
    public var fieldNames: [String] { ["count", "failed", "pairs", "rows"] }
    public func field(_ name: String) -> Value? {
        switch name {
        case "count": .int(judgments.single.count)
        case "failed": .int(judgments.single.filter(\.failed).count)
        case "pairs": .int(judgments.pairs.count)
        case "rows": .list(judgments.single.map { .record(Self.record($0)) })
        default: nil
        }
    }

    /// One judged turn as a record: who, what, the score, and the built-in judge's checks when it has them (the raw
    /// evidence behind a score: `table (where(j.rows, "question", "81_DE"))`).
    static func record(_ j: SingleJudgment) -> Record {
        var r = Record([
            ("model", .string(j.model)), ("question", .string(j.questionID)), ("lang", .string(j.lang.code)),
            ("turn", .int(j.turn)), ("score", .float(j.score))
        ])
        if let answer = j.answer { r["answer"] = .string(answer) }
        if let c = j.checks {  // yes/no, as the judge's explanation says them (a table cell is not a boolean)
            func yes(_ b: Bool) -> Value { .string(b ? "yes" : "no") }
            r["fact"] = yes(c.fact)
            r["fact_any"] = yes(c.factAny)
            r["wrong_facts"] = .int(c.wrongFacts)
            r["answer_lang"] = .string(c.answerLang?.code ?? "short")
            r["form"] = yes(c.form)
            r["echo"] = yes(c.echo)
        }
        return r
    }
}

/// An LLM judge made by `llm(…)`: the lab's judge options, used as they are by `judge … with:`. It shows the name
/// of the environment variable holding the API key, never the key (read from the environment only when judging).
public final class LLMJudgeObject: LabObject {
    public let options: LLMJudgeOptions
    /// The judge cache as written in the call (`true` is the cache folder's file of the judge model).
    let cacheShown: String

    init(_ options: LLMJudgeOptions, cacheShown: String) {
        self.options = options
        self.cacheShown = cacheShown
    }

    public var typeName: String { "judge" }

    public func display() -> String {
        let endpoint = options.endpoint
        return "llm judge \(endpoint.model) at \(endpoint.baseURL)\n"
            + "  api key       " + (endpoint.keyEnv.map { "from $\($0)" } ?? "none") + "\n"
            + "  concurrency   \(options.concurrency) requests in flight\n"
            + "  max_tokens    \(endpoint.maxTokens)\n"
            + "  prompt        \(options.prompt.rawValue)\n"
            + "  cache         \(cacheShown)"
    }

    public var fieldNames: [String] { ["url", "model", "key_env", "concurrency", "max_tokens", "prompt"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "url": .string(options.endpoint.baseURL)
        case "model": .string(options.endpoint.model)
        case "key_env": options.endpoint.keyEnv.map(Value.string) ?? Value.none
        case "concurrency": .int(options.concurrency)
        case "max_tokens": .int(options.endpoint.maxTokens)
        case "prompt": .string(options.prompt.rawValue)
        default: nil
        }
    }
}

extension ParameterType {
    /// A loaded benchmark, or the built-in one by name.
    static let bench = ParameterType.either([.object("bench"), .choice(Choices(["builtin:bench"]))])
}

extension Invocation {
    /// A `.bench` parameter's benchmark; nil when its default none is left.
    func bench(ifGiven name: String) -> Benchmark? {
        string(ifGiven: name) == nil ? object(ifGiven: name, as: BenchObject.self)?.bench : Builtins.benchmark()
    }
    func bench(_ name: String) -> Benchmark { bench(ifGiven: name) ?? object(name, as: BenchObject.self).bench }
    func judgments(_ name: String) -> JudgmentSet { object(name, as: JudgmentsObject.self).judgments }
}

extension CommandRegistry {
    static let evalCommands: [CommandSpec] = [
        loadBench, answer, loadAnswers, judge, llm, judgeSet, annotate, loadJudgments, score,
        improvement, agreement, langid
    ]

    static let loadBench = CommandSpec(
        "load bench", category: "evaluation",
        summary:
            "Read an MT-Bench(-X) benchmark: a folder of mt_bench_<LANG>/question.jsonl (with references and judge prompts) or one question.jsonl.",
        positionals: [Parameter("path", .string, "a folder, a question.jsonl, or builtin:bench")],
        keywords: [
            Parameter(
                "lang", .language, default: Value.none,
                "language of a single question.jsonl without id suffixes")
        ],
        example: "let bench = load bench builtin:bench"
    ) { inv in
        let path = inv.string("path"), lang = inv.language(ifGiven: "lang")
        if path == "builtin:bench" { return .object(BenchObject(Builtins.benchmark())) }
        return .object(BenchObject(try inv.lab { try Benchmark.load(inv.session.openablePath(path), lang: lang) }))
    }

    static let answer = CommandSpec(
        "answer", category: "evaluation",
        summary:
            "Generate both turns for every question (system prompt of its language if the model was tuned with one, MT-Bench temperatures per category), FastChat model_answer JSONL.",
        positionals: [
            Parameter(
                "model", .either([.object("model"), .object("judge")]),
                "the model that answers: a loaded model, or one behind an OpenAI-compatible server, llm(url: …, model: …)"
            )
        ],
        keywords: [
            Parameter("on", .bench, "a benchmark or builtin:bench"),
            Parameter(
                "langs", .languages, default: Value.none,
                "evaluation languages (default: all of the benchmark's)"),
            Parameter("max_tokens", .int, default: .int(48), "longest answer per turn"),
            Parameter(
                "to", .string, default: Value.none, "model_answer JSONL file (written as answers arrive; resumes)"),
            Parameter(
                "name", .string, default: Value.none,
                "model id in the answers (default: the model's name, or the served model's)"),
            Parameter(
                "system_prompt", .bool, default: Value.none,
                "start with the language's system prompt (default: as the model was tuned; a served model: yes)"),
            Parameter(
                "tag", provenanceTag, default: Value.none,
                "what the model is in a study grid, written on every answer for findings: fields as tune's tag:, "
                    + "overriding the model's provenance; all five for a model without one (served, or tuned "
                    + "elsewhere)"),
            seedKeyword, .recipe
        ],
        example: "let answers = answer tuned on: bench langs: [\"de\", \"fr\"]\n"
            + "let served = answer llm(url: \"http://127.0.0.1:8000/v1\", model: \"dense·lima·EN\") on: bench to: \"a.jsonl\"",
        details: """
            A served model is asked over HTTP with llm's concurrency (that many questions in flight), the question's
            MT-Bench temperature, max_tokens and a seed per turn (the same seeds as a loaded model's), so a model
            answers alike loaded or served by `polyglot serve`; vLLM and llama.cpp take the same requests. llm's
            cache is for judging: answers are kept in the `to:` file, which a re-run resumes. A turn the server refuses
            as longer than its context is answered $ERROR$, as FastChat does, and counted in a warning.
            """
    ) { inv in
        var bench = inv.bench("on")
        if let langs = inv.languages(ifGiven: "langs") { bench = bench.filtered(langs: langs) }
        let seed = try inv.seed(), maxTokens = inv.int("max_tokens")
        let interrupted = {
            if Interrupt.isRequested { throw PolyglotError(.interrupted, "interrupted", at: nil) }
        }
        var generator: AnswerGenerator
        var client: ChatCompletionClient?
        if let served = inv.object(ifGiven: "model", as: LLMJudgeObject.self) {
            let endpoint = served.options.endpoint
            let http = try inv.lab {
                try ChatCompletionClient(endpoint: endpoint, maxConnections: served.options.concurrency)
            }
            client = http
            generator = AnswerGenerator(
                modelID: inv.string(ifGiven: "name") ?? endpoint.model, seed: seed, maxTokens: maxTokens
            ) { messages, temperature, seed, maxTokens in
                try interrupted()
                do {
                    let text = try blockingWait {
                        try await http.complete(messages, temperature: temperature, maxTokens: maxTokens, seed: seed)
                    }
                    return text.trimmingCharacters(in: .whitespaces)  // as a loaded model's reply
                } catch ChatError.rejected(400, let message) where message.contains("context_length_exceeded") {
                    return ModelAnswer.errorOutput  // FastChat's answer when the API fails; the run goes on
                }
            }
            generator.concurrency = served.options.concurrency
        } else {
            let model = inv.model("model")
            generator = model.answerGenerator(
                id: inv.string(ifGiven: "name") ?? model.name, seed: seed, maxTokens: maxTokens, check: interrupted)
        }
        defer { if let client { try? blockingWait { try await client.shutdown() } } }
        if let systemPrompt = inv.bool(ifGiven: "system_prompt") { generator.systemPrompt = systemPrompt }
        generator.modelProvenance = try inv.modelProvenance(
            tag: inv.record(ifGiven: "tag"), at: "tag", over: generator.modelProvenance)
        let id = generator.modelID, session = inv.session, progress = inv.progress.counter("answering")
        func warnAboutTooLong(_ answers: [ModelAnswer]) {
            let failed = answers.reduce(0) { $0 + $1.turns.filter { $0 == ModelAnswer.errorOutput }.count }
            if failed > 0 {
                session.emit(
                    "warning: \(failed) turns did not fit the served model's context: answered "
                        + "\(ModelAnswer.errorOutput), as FastChat does")
            }
        }
        guard let file = inv.string(ifGiven: "to") else {
            let answers = try inv.lab { try generator.run(bench.questions, progress: progress) }
            warnAboutTooLong(answers)
            session.emit("\(id): answered \(answers.count) questions × 2 turns")
            return .object(AnswersObject(AnswerSet(benchmark: bench, answers: [id: answers])))
        }
        let run = try inv.lab { try generator.run(bench.questions, to: session.resolve(file), progress: progress) }
        for problem in run.problems { session.emit("warning: \(problem)") }
        warnAboutTooLong(run.answers)
        session.emit("\(id): answered \(run.answers.count) questions × 2 turns → \(file)")
        // How much an earlier, interrupted run had done differs from run to run.
        if run.resumed > 0 { session.emit("\(run.resumed) of them resumed from \(file)", volatile: true) }
        return .object(AnswersObject(AnswerSet(benchmark: bench, answers: [id: run.answers], warnings: run.problems)))
    }

    static let loadAnswers = CommandSpec(
        "load answers", category: "evaluation",
        summary: "Read FastChat model_answer JSONL (a file per model, or a folder of them) for a benchmark.",
        positionals: [Parameter("path", .string, "a .jsonl file or a folder")],
        keywords: [Parameter("bench", .bench, "the benchmark they answer")],
        example: "let answers = load answers \"model_answer\" bench: bench"
    ) { inv in
        let bench = inv.bench("bench"), path = inv.session.openablePath(inv.string("path"))
        return .object(AnswersObject(try inv.lab { try AnswerSet.load(path, benchmark: bench) }))
    }

    static let llm = CommandSpec(
        "llm", category: "evaluation",
        summary:
            "An OpenAI-compatible endpoint: a judge for `judge … with: llm(…)`, or a served model for `answer llm(…)`.",
        keywords: [
            Parameter("url", .string, "base URL, e.g. \"http://127.0.0.1:8000/v1\""),
            Parameter("model", .string, "the served model's name (the judge, or the model that answers)"),
            Parameter(
                "key_env", .string, default: Value.none, "environment variable holding the API key (never stored)"),
            Parameter(
                "concurrency", .int, default: .int(LLMJudgeOptions.defaultConcurrency),
                "requests in flight (answering: questions)"),
            Parameter(
                "cache", .either([.bool, .string]), default: .bool(true), orNone: true,
                "judge cache: true = judge/MODEL.jsonl in the cache folder ($POLYGLOT_CACHE, ~/.cache/polyglot), "
                    + "a file, or none (ask again); re-runs and interrupted runs ask nothing twice"),
            Parameter(
                "max_tokens", .int, default: .int(ChatEndpoint.defaultMaxTokens),
                "longest judgment the judge may write"),
            Parameter(
                "prompt", .choice(of: JudgePromptVariant.self), default: .string("fastchat"),
                "the judge prompts: fastchat = the benchmark's (system prompt, references, whole conversation); "
                    + "compact = the judged turn's question and answer only, for a judge with a small context "
                    + "(what judge_set trains on)")
        ],
        example:
            "judge answers with: llm(url: \"http://127.0.0.1:8000/v1\", model: \"gpt-4\", key_env: \"OPENAI_API_KEY\")"
    ) { inv in
        var endpoint = ChatEndpoint(
            baseURL: inv.string("url"), model: inv.string("model"),
            keyEnv: inv.string(ifGiven: "key_env"))
        endpoint.maxTokens = inv.int("max_tokens")
        var options = LLMJudgeOptions(
            endpoint: endpoint, concurrency: inv.int("concurrency"),
            prompt: inv.choice("prompt", as: JudgePromptVariant.self))
        let cacheShown: String
        switch inv.value("cache") {
        case .bool(true):
            options.cacheFile = options.defaultCacheFile
            cacheShown = "judge/\(endpoint.model).jsonl in the cache folder"
        case .string(let file):
            options.cacheFile = inv.session.resolve(file)
            cacheShown = file
        default:
            cacheShown = "none (every request is sent)"
        }
        return .object(LLMJudgeObject(options, cacheShown: cacheShown))
    }

    static let judge = CommandSpec(
        "judge", category: "evaluation",
        summary: "Score answers 1–10 with the built-in judge or an LLM judge (MT-Bench-X prompts of each language).",
        positionals: [Parameter("answers", .object("answers"), "answers to judge")],
        keywords: [
            Parameter(
                "with", .either([.choice(Choices(["builtin", "builtin-lenient"])), .object("judge")]),
                default: .string("builtin"),
                "the built-in judge (lenient: reads past language and form), or llm(url: …, model: …)"),
            Parameter(
                "pairwise", .stringList, default: Value.none,
                "two model ids: pairwise judging in both orders (llm only)"),
            .recipe
        ],
        example: "let j = judge answers with: builtin",
        details: BuiltinJudge.rubricMarkdown
    ) { inv in
        let answers = inv.object("answers", as: AnswersObject.self).answers
        guard let llm = inv.object(ifGiven: "with", as: LLMJudgeObject.self) else {
            let lenient = inv.string("with") == "builtin-lenient"
            let j = BuiltinJudge(lenient: lenient).judge(answers)
            inv.session.emit(
                "judged \(j.single.count) turns with the built-in judge"
                    + (lenient ? " (lenient: reads past language and form)" : ""))
            return .object(JudgmentsObject(j))
        }
        let options = llm.options
        let judge = LLMJudge(benchmark: answers.benchmark, options: options)
        let session = inv.session
        let pair = inv.strings(ifGiven: "pairwise") ?? []
        let progress = inv.progress.counter("judging")
        let run: LLMJudgeRun = try inv.lab {
            try blockingWait {
                if pair.count == 2 {
                    return try await judge.judgePairs(answers, model1: pair[0], model2: pair[1], progress: progress)
                }
                return try await judge.judge(answers, progress: progress)
            }
        }
        let result = run.judgments
        for problem in result.warnings.dropFirst(answers.warnings.count) { session.emit("warning: \(problem)") }
        session.emit("judged \(result.single.count) turns, \(result.pairs.count) pairs with \(options.endpoint.model)")
        if options.cacheFile != nil {
            // What the cache holds depends on earlier runs, so the count is not part of a notebook's record.
            session.emit("\(run.cachedReplies) of \(run.replies) judge replies from the cache", volatile: true)
        }
        return .object(JudgmentsObject(result))
    }

    static let judgeSet = CommandSpec(
        "judge_set", category: "evaluation",
        summary:
            "A judge's training set from built-in judgments: per judged turn, the compact judge prompt answered with its score ([[n]]); a dataset for tune.",
        positionals: [
            Parameter(
                "judgments", .object("judgments"),
                "judgments of the built-in judge made in this session (they keep their checks and answers)")
        ],
        keywords: [
            Parameter("on", .bench, default: .string("builtin:bench"), "the benchmark the judged answers answer"),
            Parameter(
                "per_score", .int, default: Value.none,
                "at most this many conversations per score, drawn with the seed (default: all)"),
            Parameter("name", .string, default: .string("judge-set"), "the dataset's name"),
            seedKeyword
        ],
        example: "let halves = split bench val: 0.5 seed: 1\n"
            + "let judge_data = judge_set (judge (answer tuned on: halves.train) with: builtin) per_score: 100 seed: 1",
        details: """
            Each judged turn becomes one chat: the user's message is exactly what `llm(…, prompt: "compact")` sends
            for that turn, the assistant's is the built-in judge's score as `[[n]]`. The same answer judged twice
            (two models or seeds answering alike) makes one conversation. Judgments without the built-in judge's
            checks (an LLM's, a person's) are refused: their scores are not the truth's. Prints the score
            distribution: judged turns, distinct conversations and the kept ones. To judge held-out questions, make
            the set from answers to one part of `split bench` and judge the other part.
            """
    ) { inv in
        let perScore = inv.int(ifGiven: "per_score")
        if let perScore, perScore < 1 {
            throw inv.error("per_score must be at least 1, got \(perScore)", at: "per_score")
        }
        let seed = try perScore.map { _ in try inv.seed() } ?? 0
        let set: JudgeTrainingSet
        do {
            set = try JudgeTrainingSet.make(
                inv.judgments("judgments"), benchmark: inv.bench("on"), perScore: perScore, seed: seed,
                name: inv.string("name"))
        } catch let e as LabError {
            throw inv.error(e.description, at: "judgments")
        }
        inv.session.emit(set.table.render())
        return .object(DatasetObject(set.dataset))
    }

    static let annotate = CommandSpec(
        "annotate", category: "evaluation",
        summary:
            "Judge answers yourself in the REPL: a score 1–10 (or a/b/tie), s = skip, back (or b) = previous, q = stop; saved as you go, resumes.",
        positionals: [Parameter("answers", .object("answers"), "answers to judge")],
        keywords: [
            Parameter("as", .string, default: .string("annotator"), "your name (judge \"human:NAME\")"),
            Parameter("to", .string, default: .string("human_judgment.jsonl"), "judgment file (appended)"),
            Parameter("pairwise", .bool, default: .bool(false), "compare two models' answers")
        ],
        example: "annotate answers as: \"ada\""
    ) { inv in
        let answers = inv.object("answers", as: AnswersObject.self).answers
        guard let read = inv.session.readLine else {
            throw inv.error("annotate needs the interactive REPL", notes: ["expected to be typed at the pg> prompt"])
        }
        let file = inv.session.resolve(inv.string("to")).path, pairwise = inv.bool("pairwise")
        var session = try inv.lab {
            try AnnotationSession(
                items: AnnotationSession.items(answers, pairwise: pairwise),
                annotator: inv.string("as"), file: file)
        }
        let out = inv.session
        while let item = session.current {
            out.emit(
                "[\(session.position + 1)/\(session.items.count)] \(item.question.id) · \(item.question.category) · turn \(item.turn)"
            )
            for (i, t) in item.question.turns.prefix(item.turn).enumerated() {
                out.emit("  Q\(i + 1): \(t)")
                out.emit(
                    "  A\(i + 1) (\(item.model)): \(item.answer.turns.indices.contains(i) ? item.answer.turns[i] : "")")
                if let other = item.otherAnswer, other.turns.indices.contains(i) {
                    out.emit("  B\(i + 1) (\(item.otherModel ?? "")): \(other.turns[i])")
                }
            }
            if !item.question.reference.isEmpty {
                out.emit("  reference: \(item.question.reference.joined(separator: " | "))")
            }
            let prompt = pairwise ? "a/b/tie/s/back/q> " : "1-10/s/b/q> "
            guard let line = read(prompt)?.trimmingCharacters(in: .whitespaces) else { break }
            let input: AnnotationInput
            switch line.lowercased() {
            case "s": input = .skip
            case "back": input = .back
            case "q": input = .stop
            case "a": input = .verdict(.model1)
            case "b": input = pairwise ? .verdict(.model2) : .back
            case "tie": input = .verdict(.tie)
            default:
                guard let n = Int(line), (1...10).contains(n) else {
                    out.emit("  expected a score 1–10, s, b or q"); continue
                }
                input = .score(n)
            }
            try inv.lab { try session.handle(input) }
        }
        out.emit("\(session.judgedCount) of \(session.items.count) judged; saved in \(inv.string("to"))")
        return .none
    }

    static let loadJudgments = CommandSpec(
        "load judgments", category: "evaluation",
        summary: "Read FastChat model_judgment JSONL (single or pairwise); language from id suffix, folder or lang:.",
        positionals: [Parameter("path", .string, "a .jsonl file or folder")],
        keywords: [
            Parameter("bench", .bench, default: Value.none, "benchmark for categories"),
            Parameter("lang", .language, default: Value.none, "language when ids and folders do not say"),
            Parameter(
                "repeats", .choice(of: RepeatPolicy.self), default: .string("all"),
                "an item judged again (same model, question, turn, judge): all = every row counts "
                    + "(FastChat show_result.py), mean = its rounds averaged, last = the last row")
        ],
        example: "let gpt4 = load judgments \"gpt-4_single.jsonl\" lang: \"de\""
    ) { inv in
        let bench = inv.bench(ifGiven: "bench"), lang = inv.language(ifGiven: "lang")
        let repeats = inv.choice("repeats", as: RepeatPolicy.self), path = inv.session.openablePath(inv.string("path"))
        let set = try inv.lab { try JudgmentSet.load(path, bench: bench, lang: lang, repeats: repeats) }
        // Shown at once, not only when the judgments are displayed: they change what the scores mean.
        for warning in set.warnings { inv.session.emit("warning: \(warning)") }
        return .object(JudgmentsObject(set))
    }

    static let score = CommandSpec(
        "score", category: "evaluation",
        summary:
            "Mean scores by model, lang, category, turn and/or phrasing, with counts and seeded bootstrap 95 % intervals; −1 excluded and counted.",
        positionals: [Parameter("judgments", .object("judgments"), "judgments")],
        keywords: [
            Parameter(
                "by", .listOf(.choice(of: ScoreKey.self, parse: ScoreKey.parse)),
                default: .list([.string("model"), .string("lang")]),
                "the columns to group by; phrasing (alias form): turns asked as in the tuning sets (seen) or "
                    + "with held-out templates (unseen)"),
            Parameter("keep_failed", .bool, default: .bool(false), "include −1 scores"),
            Parameter(
                "answers", .object("answers"), default: Value.none,
                "the judged answers: language rates for judgments without checks that do not keep them"),
            Parameter(
                "gate", .choice(of: ScoreGate.self), default: Value.none,
                "language: answers in another language than the question's count as 1 (gated_mean)"),
            seedKeyword
        ],
        example: "score j by: [\"model\", \"lang\"] gate: \"language\"",
        details: """
            Next to the mean, the language-fidelity rates of each group (a column when some judgment has it):
            `wrong_lang` (answers in another language than the question's), `line_pass` (answers whose every line
            is in the question's language), and from the built-in judge's checks `correct_any` (the right fact in
            any language) and `correct_in_lang` (the right fact in an answer in the question's language). Answers
            without checks are identified by the built-in language identifier: from `answers:`, else from the
            judgment (the built-in and LLM judges keep the answer; a loaded LLM judgment gives it back from its
            `user_prompt` when loaded with `bench:`). With `gate: "language"` the table shows both the raw mean and
            `gated_mean`, which becomes the estimate that `plot` draws.
            """
    ) { inv in
        let keys = inv.choices("by", as: ScoreKey.self)
        let seed = try inv.seed()
        let table = ScoreAnalysis.score(
            inv.judgments("judgments"), by: keys, keepFailed: inv.bool("keep_failed"),
            seed: seed,
            answers: inv.object(ifGiven: "answers", as: AnswersObject.self)?.answers,
            gate: inv.choice(ifGiven: "gate", as: ScoreGate.self))
        return .object(TableObject(table))
    }

    static let improvement = CommandSpec(
        "improvement", category: "evaluation",
        summary:
            "Cross-lingual improvement: multilingual- minus monolingual-tuned score per language, in points and % of the 10-point scale.",
        positionals: [Parameter("judgments", .object("judgments"), "judgments of both kinds of model")],
        keywords: [
            Parameter("multi", .stringList, "multilingually tuned model ids"),
            Parameter("mono", .stringList, "their monolingual counterparts, in the same order"),
            Parameter("datasets", .stringList, default: Value.none, "dataset label of each pair")
        ],
        example: "improvement j multi: [\"dense·lima·ENDEFRITES\"] mono: [\"dense·lima·EN\"]"
    ) { inv in
        .object(
            TableObject(
                try inv.lab {
                    try ScoreAnalysis.improvement(
                        inv.judgments("judgments"), multi: inv.strings("multi"),
                        mono: inv.strings("mono"),
                        datasets: inv.strings(ifGiven: "datasets"))
                }))
    }

    static let agreement = CommandSpec(
        "agreement", category: "evaluation",
        summary:
            "Agreement of a judge with another judge or with the truth, per language: Pearson, Spearman, Kendall τ, Cohen's κ with a 95 % interval, the confusion matrix.",
        positionals: [Parameter("judgments", .object("judgments"), "one judge's judgments")],
        keywords: [
            Parameter(
                "with", .either([.object("judgments"), .choice(Choices(["truth"]))]),
                "another judge's judgments of the same answers, or truth (the built-in benchmark's ground truth)"),
            Parameter(
                "on", .bench, default: Value.none,
                "with truth: the benchmark whose truth checks judgments that carry no checks (an LLM judge's)"),
            Parameter(
                "pass", .number, default: .float(ScoreAnalysis.defaultPass), "the score from which a verdict passes"),
            seedKeyword
        ],
        example: "agreement llm_j with: truth on: bench",
        details: """
            Judgments are matched on (model, question, turn); failed (−1) ones are left out. Between two judges: the
            correlations of their scores, exact and ±1 agreement, Cohen's κ of their pass/fail verdicts (score ≥
            `pass:`) with a seeded percentile-bootstrap 95 % interval and the confusion counts (`pass_fail`: the
            first passes, the second fails), and κ of pairwise verdicts. With `truth` — the miniature's stand-in for
            the study's human raters — the second verdict is correctness: the right fact, without wrong ones, in the
            question's language, from the built-in judge's checks (kept in its judgments, or run on the answer
            against `on:`'s truth for other judges); correlations are then of the score with truth as 1 or 0.
            """
    ) { inv in
        let pass = inv.double("pass"), seed = try inv.seed()
        if let other = inv.object(ifGiven: "with", as: JudgmentsObject.self) {
            return .object(
                TableObject(
                    ScoreAnalysis.agreement(inv.judgments("judgments"), other.judgments, pass: pass, seed: seed)))
        }
        let benchmark = inv.bench(ifGiven: "on")
        return .object(
            TableObject(
                ScoreAnalysis.agreementWithTruth(
                    inv.judgments("judgments"), benchmark: benchmark, pass: pass, seed: seed)))
    }

    static let langid = CommandSpec(
        "langid", category: "evaluation",
        summary: "The language of a text (EN, DE, FR, IT, ES), by the built-in identifier.",
        positionals: [Parameter("text", .string, "some text")], example: "langid \"Wie spät ist es?\""
    ) { inv in
        .string(LanguageIdentifier.builtin.identify(inv.string("text"))?.rawValue ?? "unknown")
    }
}
