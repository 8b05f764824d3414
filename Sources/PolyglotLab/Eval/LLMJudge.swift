// MT-Bench-X's GPT-4-as-a-judge, against any OpenAI-compatible server: localized prompts (or the compact prompt of a
// small judge), N requests in flight, and a judge cache appended as each reply arrives, so a re-run or an interrupted
// run never asks twice.
import Foundation

/// Options of an LLM judging run.
public struct LLMJudgeOptions: Sendable {
    public var endpoint: ChatEndpoint
    /// Requests kept in flight at once.
    public var concurrency: Int
    /// The judge cache (`JudgeCache`): read at start (requests answered there are not sent) and appended to as
    /// replies arrive; nil: no cache. `JudgeCache.defaultFile` is the one in the cache folder.
    public var cacheFile: URL?
    /// The judge's sampling temperature (FastChat: 0).
    public var temperature: Double
    /// The prompts the judge is asked with: the benchmark's FastChat ones, or the compact one for small judges.
    public var prompt: JudgePromptVariant

    /// Requests in flight unless told otherwise.
    public static let defaultConcurrency = 8

    public init(
        endpoint: ChatEndpoint, concurrency: Int = defaultConcurrency, cacheFile: URL? = nil,
        temperature: Double = 0, prompt: JudgePromptVariant = .fastchat
    ) {
        self.endpoint = endpoint
        self.concurrency = concurrency
        self.cacheFile = cacheFile
        self.temperature = temperature
        self.prompt = prompt
    }

    /// The default judge cache file of this endpoint's model, in the cache folder.
    public var defaultCacheFile: URL { JudgeCache.defaultFile(judgeModel: endpoint.model) }
}

/// What an LLM judging run gave: the judgments, and how many of the judge's replies came from the cache.
public struct LLMJudgeRun: Sendable {
    public var judgments: JudgmentSet
    /// Replies taken from the judge cache, out of `replies` (a pairwise judgment takes two).
    public var cachedReplies: Int
    public var replies: Int
}

/// The text a judge is asked (localized system prompt and filled template) and what went into it.
struct JudgeRequest: Sendable {
    var promptName: String
    var system: String
    var template: String
    var user: String
    var questionID: String
    var turn: Int
    var references: [String]
    /// The answer turns shown to the judge (both answers' for a pairwise request).
    var answers: [String]
    /// The chat sent: the system prompt (none for the compact prompt, which has no system text), then the user's.
    var messages: [Message] {
        (system.isEmpty ? [] : [Message(role: .system, content: system)]) + [Message(role: .user, content: user)]
    }
}

/// Judges answers of a benchmark with an LLM exactly as MT-Bench-X does.
public struct LLMJudge {
    public var benchmark: Benchmark
    public var options: LLMJudgeOptions

    public init(benchmark: Benchmark, options: LLMJudgeOptions) {
        self.benchmark = benchmark
        self.options = options
    }

    /// FastChat's judge selection: `single-math-v1` for reference categories, `-multi-turn` for turn 2.
    static func singlePromptName(_ q: BenchQuestion, turn: Int) -> String {
        (q.needsReference ? "single-math-v1" : "single-v1") + (turn == 2 ? "-multi-turn" : "")
    }

    func prompt(_ name: String, lang: Lang) throws -> JudgePrompt {
        guard let p = benchmark.judgePrompts[lang]?[name] else {
            throw EvalError(
                file: benchmark.name,
                "no judge prompt `\(name)` for \(lang.code); expected it in mt_bench_\(lang.code)/judge_prompts.jsonl")
        }
        return p
    }

    /// The request for grading one turn of one answer: FastChat's localized prompt, or the compact one.
    func singleRequest(_ q: BenchQuestion, _ a: ModelAnswer, turn: Int) throws -> JudgeRequest {
        if options.prompt == .compact {
            let p = CompactJudgePrompt.prompt(turn: turn), answer = at(a.turns, turn - 1)
            return JudgeRequest(
                promptName: p.name, system: p.systemPrompt, template: p.template,
                user: CompactJudgePrompt.user(q, answer: answer, turn: turn), questionID: q.id, turn: turn,
                references: [], answers: [answer])
        }
        let name = Self.singlePromptName(q, turn: turn)
        let p = try prompt(name, lang: q.lang)
        var v: [String: String] =
            turn == 1
            ? ["question": at(q.turns, 0), "answer": at(a.turns, 0)]
            : [
                "question_1": at(q.turns, 0), "question_2": at(q.turns, 1), "answer_1": at(a.turns, 0),
                "answer_2": at(a.turns, 1)
            ]
        if q.needsReference {
            guard q.referenceAnswer != nil else {
                throw EvalError(
                    file: benchmark.name,
                    "question `\(q.id)` (\(q.category)) needs a reference answer; expected reference_answer/gpt-4.jsonl"
                )
            }
            v["ref_answer_1"] = at(q.referenceAnswer, 0)
            v["ref_answer_2"] = at(q.referenceAnswer, 1)
        }
        return JudgeRequest(
            promptName: name, system: p.systemPrompt, template: p.template, user: p.fill(v),
            questionID: q.id, turn: turn, references: Self.shown(q.referenceAnswer, turn: turn),
            answers: Self.shown(a.turns, turn: turn))
    }

    // MARK: - Single grading

    /// Grades every turn of every answer (turn 2 only for two-turn questions). Replies found in the judge cache are
    /// not asked again; `$ERROR$` ones (server failure) are never cached. `progress(done, total)` follows the replies.
    public func judge(_ answers: AnswerSet, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws
        -> LLMJudgeRun
    {
        let judgeModel = options.endpoint.model
        var items: [SingleJudgment] = []
        var requests: [JudgeRequest] = []
        for model in answers.models {
            for a in answers.answers[model] ?? [] {
                guard let q = benchmark.question(a.questionID) else { continue }
                for turn in 1...min(2, q.turns.count) where turn == 1 || q.turns.count == 2 {
                    let req = try singleRequest(q, a, turn: turn)
                    items.append(
                        SingleJudgment(
                            questionID: q.id, model: model, judge: [judgeModel, req.promptName],
                            userPrompt: req.user, judgment: "", score: -1, turn: turn, tstamp: 0,
                            lang: q.lang, category: q.category, answer: at(a.turns, turn - 1),
                            modelProvenance: a.modelProvenance, phrasing: q.phrasing(turn: turn)))
                    requests.append(req)
                }
            }
        }
        let replies = try await run(requests, progress: progress)
        for i in items.indices {
            items[i].judgment = replies.texts[i] ?? "$ERROR$"
            items[i].score = replies.texts[i].map(RatingParser.rating) ?? -1
            items[i].tstamp = Date().timeIntervalSince1970
        }
        return LLMJudgeRun(
            judgments: JudgmentSet(single: items, warnings: answers.warnings + replies.problems),
            cachedReplies: replies.cached, replies: requests.count)
    }

    // MARK: - Pairwise

    /// Compares two models on every shared question and turn with `pair-v2`/`pair-math-v1` (and `-multi-turn`),
    /// asking twice with A/B swapped (g1: A = model1, g2: A = model2) to cancel position bias.
    public func judgePairs(
        _ answers: AnswerSet, model1: String, model2: String,
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> LLMJudgeRun {
        guard options.prompt == .fastchat else {
            throw EvalError(
                file: benchmark.name,
                "the \(options.prompt.rawValue) prompt grades single answers; expected prompt: \"fastchat\" for "
                    + "pairwise judging")
        }
        var items: [PairJudgment] = []
        var requests: [JudgeRequest] = []
        for a1 in answers.answers[model1] ?? [] {
            guard let q = benchmark.question(a1.questionID), let a2 = answers.answer(model: model2, question: q.id)
            else { continue }
            for turn in 1...min(2, q.turns.count) where turn == 1 || q.turns.count == 2 {
                let name = (q.needsReference ? "pair-math-v1" : "pair-v2") + (turn == 2 ? "-multi-turn" : "")
                let p = try prompt(name, lang: q.lang)
                func request(_ a: ModelAnswer, _ b: ModelAnswer) -> JudgeRequest {
                    JudgeRequest(
                        promptName: name, system: p.systemPrompt, template: p.template,
                        user: p.fill(Self.pairValues(q, a: a, b: b, turn: turn)), questionID: q.id, turn: turn,
                        references: Self.shown(q.referenceAnswer, turn: turn),
                        answers: Self.shown(a.turns, turn: turn) + Self.shown(b.turns, turn: turn))
                }
                let g1 = request(a1, a2), g2 = request(a2, a1)
                items.append(
                    PairJudgment(
                        questionID: q.id, model1: model1, model2: model2, g1Winner: .error, g2Winner: .error,
                        judge: [options.endpoint.model, name], g1UserPrompt: g1.user, g2UserPrompt: g2.user,
                        turn: turn, tstamp: 0, lang: q.lang, category: q.category))
                requests += [g1, g2]
            }
        }
        let replies = try await run(requests, progress: progress)
        for i in items.indices {
            let t1 = replies.texts[2 * i] ?? "$ERROR$", t2 = replies.texts[2 * i + 1] ?? "$ERROR$"
            items[i].g1Judgment = t1
            items[i].g2Judgment = t2
            items[i].g1Winner = Self.winner(RatingParser.verdict(t1), aIs: .model1)
            items[i].g2Winner = Self.winner(RatingParser.verdict(t2), aIs: .model2)
            items[i].tstamp = Date().timeIntervalSince1970
        }
        return LLMJudgeRun(
            judgments: JudgmentSet(pairs: items, warnings: answers.warnings + replies.problems),
            cachedReplies: replies.cached, replies: requests.count)
    }

    /// The turns a judge sees when grading `turn`: the first, or both (a turn-2 prompt shows the whole conversation).
    static func shown(_ turns: [String]?, turn: Int) -> [String] { (0..<turn).map { at(turns, $0) } }

    static func pairValues(_ q: BenchQuestion, a: ModelAnswer, b: ModelAnswer, turn: Int) -> [String: String] {
        var v: [String: String] =
            turn == 1
            ? ["question": at(q.turns, 0), "answer_a": at(a.turns, 0), "answer_b": at(b.turns, 0)]
            : [
                "question_1": at(q.turns, 0), "question_2": at(q.turns, 1), "answer_a_1": at(a.turns, 0),
                "answer_a_2": at(a.turns, 1), "answer_b_1": at(b.turns, 0), "answer_b_2": at(b.turns, 1)
            ]
        v["ref_answer_1"] = at(q.referenceAnswer, 0)
        v["ref_answer_2"] = at(q.referenceAnswer, 1)
        return v
    }

    static func winner(_ verdict: String, aIs a: PairWinner) -> PairWinner {
        switch verdict {
        case "A": a
        case "B": a == .model1 ? .model2 : .model1
        case "tie": .tie
        case "both bad": .bothBad
        default: .error
        }
    }

    // MARK: - Concurrency

    /// The judge's replies to `requests`, in request order (nil when the server failed for good after all retries).
    /// Cached replies are taken from the judge cache; the rest are sent keeping `concurrency` in flight, each distinct
    /// request once, and cached as it arrives. `cached` counts requests answered by the cache.
    private func run(_ requests: [JudgeRequest], progress: @escaping @Sendable (Int, Int) -> Void)
        async throws -> (texts: [String?], cached: Int, problems: [EvalError])
    {
        let cache = try options.cacheFile.map(JudgeCache.init)
        let keys = requests.map { $0.cacheKey(endpoint: options.endpoint, temperature: options.temperature) }
        var texts = [String?](repeating: nil, count: requests.count)
        var cached = 0
        // Indices waiting for each distinct key not in the cache; the first of each is sent.
        var waiting: [String: [Int]] = [:]
        var toSend: [Int] = []
        for (i, key) in keys.enumerated() {
            if let hit = cache?.reply(for: key) {
                texts[i] = hit
                cached += 1
            } else if waiting[key] != nil {
                waiting[key]?.append(i)
            } else {
                waiting[key] = [i]
                toSend.append(i)
            }
        }
        var finished = cached
        progress(finished, requests.count)
        guard !toSend.isEmpty else { return (texts, cached, cache?.problems ?? []) }
        let width = max(1, options.concurrency)
        let client = try ChatCompletionClient(endpoint: options.endpoint, maxConnections: width)
        let temperature = options.temperature
        do {
            try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                var next = 0
                func launch() {
                    let i = toSend[next], messages = requests[i].messages
                    next += 1
                    group.addTask {
                        do { return (i, try await client.complete(messages, temperature: temperature)) } catch let e
                            as ChatError
                        {
                            // A server that gave up, or a prompt too long for the judge's context, fails this
                            // judgment only (−1, "$ERROR$"); anything else (auth, unknown model) stops the run.
                            if case .gaveUp = e { return (i, nil) }
                            if case .rejected(400, let message) = e, message.contains("context_length_exceeded") {
                                return (i, nil)
                            }
                            throw e
                        }
                    }
                }
                while next < min(width, toSend.count) { launch() }
                while let (i, text) = try await group.next() {
                    if let text {
                        try cache?.store(text, for: requests[i], key: keys[i], judgeModel: options.endpoint.model)
                    }
                    for j in waiting[keys[i]] ?? [] { texts[j] = text }
                    finished += waiting[keys[i]]?.count ?? 0
                    progress(finished, requests.count)
                    if next < toSend.count { launch() }
                }
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return (texts, cached, cache?.problems ?? [])
    }
}

/// The i-th turn, or "" when a list is missing or short (a one-turn answer to a two-turn question).
private func at(_ list: [String]?, _ i: Int) -> String { list.flatMap { $0.indices.contains(i) ? $0[i] : nil } ?? "" }
