// MT-Bench-X's GPT-4-as-a-judge, against any OpenAI-compatible server: localized prompts, N requests in flight,
// and a judgment file appended as each answer arrives so an interrupted run resumes without asking twice.
import Foundation

/// Options of an LLM judging run.
public struct LLMJudgeOptions: Sendable {
    public var endpoint: ChatEndpoint
    /// Requests kept in flight at once.
    public var concurrency: Int
    /// The judgment file: read at start (already judged items are skipped) and appended to as results arrive.
    public var cacheFile: String?

    public init(endpoint: ChatEndpoint, concurrency: Int = 8, cacheFile: String? = nil) {
        self.endpoint = endpoint
        self.concurrency = concurrency
        self.cacheFile = cacheFile
    }
}

/// The text a judge is asked: localized system prompt and filled template.
struct JudgeRequest: Sendable {
    var promptName: String
    var system: String
    var user: String
    var messages: [Message] { [Message(role: .system, content: system), Message(role: .user, content: user)] }
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
            throw EvalError(file: benchmark.name, "no judge prompt `\(name)` for \(lang.code); expected it in mt_bench_\(lang.code)/judge_prompts.jsonl")
        }
        return p
    }

    /// The localized request for grading one turn of one answer.
    func singleRequest(_ q: BenchQuestion, _ a: ModelAnswer, turn: Int) throws -> JudgeRequest {
        let name = Self.singlePromptName(q, turn: turn)
        let p = try prompt(name, lang: q.lang)
        var v: [String: String] = turn == 1
            ? ["question": at(q.turns, 0), "answer": at(a.turns, 0)]
            : ["question_1": at(q.turns, 0), "question_2": at(q.turns, 1), "answer_1": at(a.turns, 0), "answer_2": at(a.turns, 1)]
        if q.needsReference {
            guard q.referenceAnswer != nil else {
                throw EvalError(file: benchmark.name, "question `\(q.id)` (\(q.category)) needs a reference answer; expected reference_answer/gpt-4.jsonl")
            }
            v["ref_answer_1"] = at(q.referenceAnswer, 0)
            v["ref_answer_2"] = at(q.referenceAnswer, 1)
        }
        return JudgeRequest(promptName: name, system: p.systemPrompt, user: p.fill(v))
    }

    // MARK: - Single grading

    /// Grades every turn of every answer (turn 2 only for two-turn questions). Already cached judgments are reused;
    /// `$ERROR$` ones (server failure) are asked again. `progress(done, total)` is called as results arrive.
    public func judge(_ answers: AnswerSet, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> JudgmentSet {
        let judgeModel = options.endpoint.model
        var cached: [String: SingleJudgment] = [:]
        func key(_ model: String, _ id: String, _ turn: Int, _ prompt: String) -> String { "\(model)\u{1}\(id)\u{1}\(turn)\u{1}\(prompt)" }
        var warnings = answers.warnings
        if let cache = options.cacheFile, FileManager.default.fileExists(atPath: cache) {
            let old = try JudgmentSet.load(cache, bench: benchmark)
            warnings += old.warnings
            for j in old.single where j.judge.first == judgeModel && j.judgment != "$ERROR$" {
                cached[key(j.model, j.questionID, j.turn, j.judge.last ?? "")] = j
            }
        }
        var results: [SingleJudgment] = []
        var todo: [(SingleJudgment, JudgeRequest)] = []
        for model in answers.models {
            for a in answers.answers[model] ?? [] {
                guard let q = benchmark.question(a.questionID) else { continue }
                for turn in 1...min(2, q.turns.count) where turn == 1 || q.turns.count == 2 {
                    let req = try singleRequest(q, a, turn: turn)
                    if let hit = cached[key(model, q.id, turn, req.promptName)] { results.append(hit); continue }
                    let blank = SingleJudgment(questionID: q.id, model: model, judge: [judgeModel, req.promptName], userPrompt: req.user,
                                               judgment: "", score: -1, turn: turn, tstamp: 0, lang: q.lang, category: q.category)
                    todo.append((blank, req))
                }
            }
        }
        let fresh = try await run(todo.map(\.1), done: results.count, total: results.count + todo.count, progress: progress) { i, text in
            var j = todo[i].0
            j.judgment = text ?? "$ERROR$"
            j.score = text.map(RatingParser.rating) ?? -1
            j.tstamp = Date().timeIntervalSince1970
            if let cache = options.cacheFile { try JSONL.append(j.jsonObject, to: URL(fileURLWithPath: cache)) }
            return j
        }
        return JudgmentSet(single: results + fresh, warnings: warnings)
    }

    // MARK: - Pairwise

    /// Compares two models on every shared question and turn with `pair-v2`/`pair-math-v1` (and `-multi-turn`),
    /// asking twice with A/B swapped (g1: A = model1, g2: A = model2) to cancel position bias.
    public func judgePairs(_ answers: AnswerSet, model1: String, model2: String,
                           progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> JudgmentSet {
        var items: [PairJudgment] = []
        var requests: [JudgeRequest] = []
        for a1 in answers.answers[model1] ?? [] {
            guard let q = benchmark.question(a1.questionID), let a2 = answers.answer(model: model2, question: q.id) else { continue }
            for turn in 1...min(2, q.turns.count) where turn == 1 || q.turns.count == 2 {
                let name = (q.needsReference ? "pair-math-v1" : "pair-v2") + (turn == 2 ? "-multi-turn" : "")
                let p = try prompt(name, lang: q.lang)
                let g1 = JudgeRequest(promptName: name, system: p.systemPrompt, user: p.fill(Self.pairValues(q, a: a1, b: a2, turn: turn)))
                let g2 = JudgeRequest(promptName: name, system: p.systemPrompt, user: p.fill(Self.pairValues(q, a: a2, b: a1, turn: turn)))
                items.append(PairJudgment(questionID: q.id, model1: model1, model2: model2, g1Winner: .error, g2Winner: .error,
                                          judge: [options.endpoint.model, name], g1UserPrompt: g1.user, g2UserPrompt: g2.user,
                                          turn: turn, tstamp: 0, lang: q.lang, category: q.category))
                requests += [g1, g2]
            }
        }
        let texts = try await run(requests, done: 0, total: requests.count, progress: progress) { _, text in text ?? "$ERROR$" }
        for i in items.indices {
            let t1 = texts[2 * i], t2 = texts[2 * i + 1]
            items[i].g1Judgment = t1
            items[i].g2Judgment = t2
            items[i].g1Winner = Self.winner(RatingParser.verdict(t1), aIs: .model1)
            items[i].g2Winner = Self.winner(RatingParser.verdict(t2), aIs: .model2)
            items[i].tstamp = Date().timeIntervalSince1970
        }
        return JudgmentSet(pairs: items, warnings: answers.warnings)
    }

    static func pairValues(_ q: BenchQuestion, a: ModelAnswer, b: ModelAnswer, turn: Int) -> [String: String] {
        var v: [String: String] = turn == 1
            ? ["question": at(q.turns, 0), "answer_a": at(a.turns, 0), "answer_b": at(b.turns, 0)]
            : ["question_1": at(q.turns, 0), "question_2": at(q.turns, 1), "answer_a_1": at(a.turns, 0),
               "answer_a_2": at(a.turns, 1), "answer_b_1": at(b.turns, 0), "answer_b_2": at(b.turns, 1)]
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

    /// Sends `requests` keeping `concurrency` in flight; `finish(i, text)` runs on this task in arrival order
    /// (text nil when the server failed for good after all retries). Results come back in request order.
    private func run<T>(_ requests: [JudgeRequest], done: Int, total: Int, progress: @escaping @Sendable (Int, Int) -> Void,
                        finish: (Int, String?) throws -> T) async throws -> [T] {
        guard !requests.isEmpty else { progress(done, total); return [] }
        let width = max(1, options.concurrency)
        let client = try ChatCompletionClient(endpoint: options.endpoint, maxConnections: width)
        var out = [T?](repeating: nil, count: requests.count)
        do {
            try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                var next = 0
                func launch() {
                    let i = next, messages = requests[i].messages
                    next += 1
                    group.addTask {
                        do { return (i, try await client.complete(messages)) }
                        catch let e as ChatError {
                            // A server that gave up, or a prompt too long for the judge's context, fails this
                            // judgment only (−1, "$ERROR$"); anything else (auth, unknown model) stops the run.
                            if case .gaveUp = e { return (i, nil) }
                            if case .rejected(400, let message) = e, message.contains("context_length_exceeded") { return (i, nil) }
                            throw e
                        }
                    }
                }
                while next < min(width, requests.count) { launch() }
                var finished = done
                while let (i, text) = try await group.next() {
                    out[i] = try finish(i, text)
                    finished += 1
                    progress(finished, total)
                    if next < requests.count { launch() }
                }
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return out.compactMap { $0 }
    }
}

/// The i-th turn, or "" when a list is missing or short (a one-turn answer to a two-turn question).
private func at(_ list: [String]?, _ i: Int) -> String { list.flatMap { $0.indices.contains(i) ? $0[i] : nil } ?? "" }
