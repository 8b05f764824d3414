// FastChat `model_answer` JSONL: one model's answers (all turns) to benchmark questions, and their generation.
import Foundation
import PolyglotEngine

/// One model's answer to one question (FastChat keeps `choices[0]`; so do we).
public struct ModelAnswer: Equatable, Sendable {
    public var questionID: String
    public var answerID: String
    public var modelID: String
    public var turns: [String]
    public var tstamp: Double
    /// What the answering model is in a study grid (`model_provenance`, a Polyglot extension); nil when unknown.
    public var modelProvenance: ModelProvenance?

    /// The turn FastChat writes when the API fails for good (`API_ERROR_OUTPUT`).
    public static let errorOutput = "$ERROR$"

    public init(
        questionID: String, answerID: String, modelID: String, turns: [String], tstamp: Double,
        modelProvenance: ModelProvenance? = nil
    ) {
        self.questionID = questionID
        self.answerID = answerID
        self.modelID = modelID
        self.turns = turns
        self.tstamp = tstamp
        self.modelProvenance = modelProvenance
    }

    var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "question_id": jsonQuestionID(questionID), "answer_id": answerID, "model_id": modelID,
            "choices": [["index": 0, "turns": turns]], "tstamp": tstamp
        ]
        if let modelProvenance { object["model_provenance"] = modelProvenance.jsonObject }
        return object
    }

    /// Reads a model_answer file; bad lines go to `problems`. A repeated question keeps its last line (FastChat `reorg_answer_file`).
    public static func read(_ url: URL, problems: inout [EvalError]) throws -> [ModelAnswer] {
        var byID: [String: ModelAnswer] = [:]
        var order: [String] = []
        for r in try JSONL.read(url, problems: &problems) {
            do {
                let id = try r.questionID(in: url.path)
                guard let choices = r.object["choices"] as? [[String: Any]], let first = choices.first,
                    let turns = first["turns"] as? [String]
                else {
                    throw EvalError(file: url.path, line: r.line, "expected `choices: [{index, turns: [string]}]`")
                }
                let model = (r.object["model_id"] as? String) ?? url.deletingPathExtension().lastPathComponent
                if byID[id] == nil { order.append(id) }
                byID[id] = ModelAnswer(
                    questionID: id, answerID: (r.object["answer_id"] as? String) ?? "", modelID: model,
                    turns: turns, tstamp: r.optionalDouble("tstamp") ?? 0,
                    modelProvenance: r.modelProvenance(in: url.path, problems: &problems))
            } catch let e as EvalError { problems.append(e) }
        }
        return order.compactMap { byID[$0] }
    }

    /// Writes answers atomically, one line each.
    public static func write(_ answers: [ModelAnswer], to url: URL) throws {
        try JSONL.write(answers.map(\.jsonObject), to: url)
    }
}

/// Answers of one or more models to a benchmark, as read by `load answers PATH bench: BENCH`.
public struct AnswerSet: Sendable {
    public var benchmark: Benchmark
    /// Answers per model id, in file order.
    public var answers: [String: [ModelAnswer]]
    public var warnings: [EvalError]

    public init(benchmark: Benchmark, answers: [String: [ModelAnswer]], warnings: [EvalError] = []) {
        self.benchmark = benchmark
        self.answers = answers
        self.warnings = warnings
    }

    public var models: [String] { answers.keys.sorted() }

    /// Both sets' answers; they must answer the same benchmark and share no model id.
    public func merged(with other: AnswerSet) throws -> AnswerSet {
        guard other.benchmark.name == benchmark.name else {
            throw LabError(
                "answers to \(benchmark.name) and to \(other.benchmark.name); expected answers to the same benchmark")
        }
        if let both = models.first(where: { other.answers[$0] != nil }) {
            throw LabError("model '\(both)' has answers in both; expected different models")
        }
        return AnswerSet(
            benchmark: benchmark, answers: answers.merging(other.answers) { a, _ in a },
            warnings: warnings + other.warnings)
    }

    /// The answer of `model` to question `id`.
    public func answer(model: String, question id: String) -> ModelAnswer? {
        answers[model]?.first { $0.questionID == id }
    }

    /// Loads one model_answer file or every `.jsonl` in a folder (searched recursively, so MT-Bench-X `results/` trees work).
    /// The model name is the file name without `.jsonl`, as in FastChat. Answers to unknown questions are warned about and dropped.
    public static func load(_ path: String, benchmark: Benchmark) throws -> AnswerSet {
        let url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw EvalError(
                file: path, "no such file or folder; expected a model_answer .jsonl file or a folder of them")
        }
        var files: [URL] = [url]
        if isDir.boolValue {
            let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)
            files = (walker?.compactMap { $0 as? URL } ?? []).filter { $0.pathExtension == "jsonl" }.sorted {
                $0.path < $1.path
            }
            guard !files.isEmpty else { throw EvalError(file: path, "no .jsonl answer files in this folder") }
        }
        var set = AnswerSet(benchmark: benchmark, answers: [:])
        for f in files {
            let model = f.deletingPathExtension().lastPathComponent
            for a in try ModelAnswer.read(f, problems: &set.warnings) {
                guard benchmark.question(a.questionID) != nil else {
                    set.warnings.append(
                        EvalError(
                            file: f.path,
                            "answer to `\(a.questionID)` which is not in benchmark \(benchmark.name); skipped"))
                    continue
                }
                set.answers[model, default: []].append(a)
            }
        }
        return set
    }
}

/// What a generator is asked: the chat so far, the MT-Bench temperature, a seed and a token budget.
public typealias AnswerFunction = (_ messages: [Message], _ temperature: Double, _ seed: UInt64, _ maxTokens: Int)
    throws -> String

/// Generates both turns for every question, MT-Bench style.
public struct AnswerGenerator {
    public var modelID: String
    public var seed: UInt64
    public var maxTokens: Int
    /// Start each conversation with the system prompt of the question's language (as the model was tuned).
    public var systemPrompt = true
    /// Written on every answer: what the answering model is in a study grid.
    public var modelProvenance: ModelProvenance?
    /// Questions answered at once, each on its own thread (a server answers requests in parallel; a loaded model
    /// one per core, `LabModel.answerGenerator`). Answers do not depend on it: each question's seed is its own.
    public var concurrency = 1
    public var generate: AnswerFunction

    public init(modelID: String, seed: UInt64, maxTokens: Int = 1024, generate: @escaping AnswerFunction) {
        self.modelID = modelID
        self.seed = seed
        self.maxTokens = maxTokens
        self.generate = generate
    }

    /// Per-question seed: independent of question order, fixed by the run seed and the question id.
    public func questionSeed(_ id: String) -> UInt64 {
        var rng = SeededRNG(seed: seed, stream: "answer:" + id)
        return rng.next()
    }

    /// Answers one question: system prompt of its language (if used), then turn 1, then turn 2 seeing turn 1 and its answer.
    public func answer(_ q: BenchQuestion, now: Double = Date().timeIntervalSince1970) throws -> ModelAnswer {
        var messages = systemPrompt ? [Message(role: .system, content: q.lang.systemPrompt)] : []
        var outputs: [String] = []
        let qseed = questionSeed(q.id)
        for (i, turn) in q.turns.enumerated() {
            messages.append(Message(role: .user, content: turn))
            let out = try generate(messages, q.temperature, qseed &+ UInt64(i), maxTokens)
            outputs.append(out)
            messages.append(Message(role: .assistant, content: out))
        }
        var idRNG = SeededRNG(seed: qseed, stream: "answer_id")
        return ModelAnswer(
            questionID: q.id, answerID: shortID(&idRNG), modelID: modelID, turns: outputs, tstamp: now,
            modelProvenance: modelProvenance)
    }

    /// Answers every question, calling `progress(done, total)` after each; the answers are in question order.
    public func run(_ questions: [BenchQuestion], progress: (Int, Int) -> Void = { _, _ in }) throws -> [ModelAnswer] {
        try answerAll(questions, progress: progress) { _, _ in }
    }

    /// Like `run`, writing to a file: each answer is appended as soon as it exists, questions already answered there
    /// are skipped (`resumed` counts them: an interrupted run resumes; a line torn by a killed run is reported in
    /// `problems` and dropped), and the file is finally rewritten with one line per question in benchmark order
    /// (FastChat's `reorg_answer_file`).
    public func run(_ questions: [BenchQuestion], to url: URL, progress: (Int, Int) -> Void = { _, _ in }) throws
        -> (answers: [ModelAnswer], resumed: Int, problems: [EvalError])
    {
        var problems: [EvalError] = []
        let answers: [ModelAnswer]
        var resumed = 0
        do {
            let appender = try JSONLAppender(url)
            if let torn = appender.repaired { problems.append(torn) }
            var done: [String: ModelAnswer] = [:]
            for a in try ModelAnswer.read(url, problems: &problems) { done[a.questionID] = a }
            let pending = questions.filter { done[$0.id] == nil }
            resumed = questions.count - pending.count
            let fresh = try answerAll(
                pending, progress: { finished, _ in progress(resumed + finished, questions.count) }
            ) { _, a in try appender.append(a.jsonObject) }
            for a in fresh { done[a.questionID] = a }
            answers = questions.compactMap { done[$0.id] }
        }
        try ModelAnswer.write(answers, to: url)
        return (answers, resumed, problems)
    }

    /// Answers `questions` with `concurrency` threads, each taking the next unanswered question; `finished(index,
    /// answer)` and `progress` run on the calling thread, in the order answers arrive. The first error stops the
    /// threads before their next question and is rethrown once they have ended.
    private func answerAll(
        _ questions: [BenchQuestion], progress: (Int, Int) -> Void,
        finished: (Int, ModelAnswer) throws -> Void
    ) throws -> [ModelAnswer] {
        var answers = [ModelAnswer?](repeating: nil, count: questions.count)
        var failure: Error?
        var done = 0
        func arrived(_ i: Int, _ result: Result<ModelAnswer, Error>) -> Bool {
            do {
                let a = try result.get()
                try finished(i, a)
                answers[i] = a
                done += 1
                progress(done, questions.count)
                return true
            } catch {
                failure = failure ?? error
                return false
            }
        }
        if concurrency > 1, questions.count > 1 {
            let threads = AnswerThreads(questions.count, threads: min(concurrency, questions.count))
            let generator = self
            for _ in 0..<threads.running {
                Thread {
                    while let i = threads.take() { threads.deliver(i, Result { try generator.answer(questions[i]) }) }
                    threads.ended()
                }.start()
            }
            while let (i, result) = threads.nextResult() {
                if !arrived(i, result) { threads.stop() }
            }
        } else {
            for (i, q) in questions.enumerated() where !arrived(i, Result { try answer(q) }) { break }
        }
        if let failure { throw failure }
        return answers.compactMap { $0 }
    }
}

/// The questions and results of one concurrent answering run, shared by its threads under one condition lock.
private final class AnswerThreads: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private var next = 0
    private var stopped = false
    private var results: [(Int, Result<ModelAnswer, Error>)] = []
    /// Threads that have not ended.
    private(set) var running: Int

    init(_ count: Int, threads: Int) {
        self.count = count
        running = threads
    }

    /// The index of the next question to answer; nil when all are taken or the run stopped.
    func take() -> Int? {
        condition.withLock {
            guard !stopped, next < count else { return nil }
            next += 1
            return next - 1
        }
    }

    func deliver(_ i: Int, _ result: Result<ModelAnswer, Error>) {
        condition.withLock {
            results.append((i, result))
            condition.signal()
        }
    }

    func ended() {
        condition.withLock {
            running -= 1
            condition.signal()
        }
    }

    func stop() { condition.withLock { stopped = true } }

    /// The next result, waiting for one; nil once every thread has ended and every result was taken.
    func nextResult() -> (Int, Result<ModelAnswer, Error>)? {
        condition.withLock {
            while results.isEmpty && running > 0 { condition.wait() }
            return results.isEmpty ? nil : results.removeFirst()
        }
    }
}

/// A 22-character base-57 id like FastChat's shortuuid, drawn from a seeded generator.
func shortID(_ rng: inout SeededRNG) -> String {
    let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
    return String((0..<22).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
}

extension LabModel {
    /// An MT-Bench answer generator backed by this model, starting conversations as the model was tuned
    /// (with or without the system prompt); `check` runs before every turn (e.g. to stop on Ctrl-C).
    public func answerGenerator(
        id: String? = nil, seed: UInt64, maxTokens: Int, check: @escaping () throws -> Void = {}
    ) -> AnswerGenerator {
        // One question per core the caller may use, each on one core: decoding one token at a time leaves a second
        // core mostly idle, and the answers stay the same bits (a question's seed is its own, and the engine's
        // loops split by the machine's cores, never by the workers running them).
        let concurrency = Parallel.workers
        var generator = AnswerGenerator(modelID: id ?? name, seed: seed, maxTokens: maxTokens) { messages, t, s, n in
            try check()
            return try Parallel.withWorkers(1) {
                try self.reply(to: messages, temperature: t, seed: s, maxTokens: n).text
            }
        }
        generator.concurrency = concurrency
        generator.systemPrompt = usesSystemPrompt
        generator.modelProvenance = modelProvenance
        return generator
    }
}
