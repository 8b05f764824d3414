import Foundation
import Hummingbird
import Logging
import NIOCore
import XCTest

@testable import PolyglotLab

/// A request context that exposes the connection, so the loopback judge can drop it mid-request.
struct JudgeServerContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// What the loopback judge does with one request.
enum JudgeReply: Sendable {
    case text(String)
    case status(Int, retryAfter: String?)
    /// 400 with the OpenAI code for a prompt longer than the judge's context.
    case contextTooLong
    case drop
}

/// Records every request the loopback judge received and how many were in flight at once.
actor JudgeServerLog {
    var prompts: [(system: String, user: String, temperature: Double)] = []
    var inFlight = 0
    var maxInFlight = 0
    var arrivals: [Date] = []
    var authorizations: [String?] = []

    func begin(system: String, user: String, temperature: Double, authorization: String?) -> Int {
        prompts.append((system, user, temperature))
        authorizations.append(authorization)
        arrivals.append(Date())
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        return prompts.count
    }

    func end() { inFlight -= 1 }
    func users() -> [String] { prompts.map(\.user) }
}

/// An OpenAI chat-completions server on 127.0.0.1 (random port) whose replies a test scripts.
final class LoopbackJudge: @unchecked Sendable {
    let log = JudgeServerLog()
    private var task: Task<Void, Error>?
    private(set) var port = 0

    /// `reply(n, userPrompt)` decides the answer to the n-th request (1-based); `delay` is slept before replying.
    init(delay: Double = 0, reply: @escaping @Sendable (Int, String) -> JudgeReply) async throws {
        let log = self.log
        let router = Router(context: JudgeServerContext.self)
        router.post("/v1/chat/completions") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 22)
            let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:]
            let messages = json["messages"] as? [[String: String]] ?? []
            let system = messages.first { $0["role"] == "system" }?["content"] ?? ""
            let user = messages.first { $0["role"] == "user" }?["content"] ?? ""
            let n = await log.begin(
                system: system, user: user, temperature: json["temperature"] as? Double ?? -1,
                authorization: request.headers[.authorization])
            if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
            await log.end()
            switch reply(n, user) {
            case .text(let t):
                let out: [String: Any] = [
                    "id": "x", "object": "chat.completion", "model": "judge",
                    "choices": [["index": 0, "message": ["role": "assistant", "content": t], "finish_reason": "stop"]]
                ]
                let data = try JSONSerialization.data(withJSONObject: out)
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
            case .status(let code, let retryAfter):
                var headers: HTTPFields = [.contentType: "application/json"]
                if let retryAfter { headers[.retryAfter] = retryAfter }
                let body = #"{"error": {"message": "scripted failure", "type": "test", "code": null}}"#
                return Response(
                    status: .init(code: code), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
            case .contextTooLong:
                let body =
                    #"{"error": {"message": "prompt too long", "type": "invalid_request_error", "code": "context_length_exceeded"}}"#
                return Response(
                    status: .badRequest, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: body)))
            case .drop:
                try await context.channel.close()
                throw CancellationError()
            }
        }
        let ready = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "loopback-judge")
        logger.logLevel = .critical  // cancelling the server at the end of a test is expected, not an error
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        for await p in ready.stream { port = p; break }
    }

    var url: String { "http://127.0.0.1:\(port)/v1" }

    func stop() async {
        task?.cancel()
        _ = try? await task?.value
    }
}

final class EvalLLMJudgeTests: XCTestCase {
    /// Two languages with hand-written localized prompts, a math question with a reference, two turns each.
    func makeBench(questions: Int = 2) -> Benchmark {
        var qs: [BenchQuestion] = []
        for lang in [Lang.de, .fr] {
            for i in 0..<questions {
                qs.append(
                    BenchQuestion(
                        id: "\(81 + i)_\(lang.code)", category: "writing", lang: lang,
                        turns: ["\(lang.code) Frage \(i)", "\(lang.code) zweite \(i)"]))
            }
            qs.append(
                BenchQuestion(
                    id: "111_\(lang.code)", category: "math", lang: lang,
                    turns: ["\(lang.code) 2+2?", "\(lang.code) 3+3?"], referenceAnswer: ["4", "6"]))
        }
        var prompts: [Lang: [String: JudgePrompt]] = [:]
        for lang in [Lang.de, .fr] {
            let sys = lang == .de ? "Sie sind ein hilfreicher Assistent." : "Vous êtes un assistant utile."
            func p(_ name: String, _ t: String) -> JudgePrompt {
                JudgePrompt(name: name, type: "single", systemPrompt: sys, template: t, outputFormat: "[[rating]]")
            }
            prompts[lang] = [
                "single-v1": p("single-v1", "[\(lang.code)-single] {question} || {answer}"),
                "single-math-v1": p(
                    "single-math-v1", "[\(lang.code)-math] {question} || ref {ref_answer_1} || {answer}"),
                "single-v1-multi-turn": p(
                    "single-v1-multi-turn", "[\(lang.code)-mt] {question_1} | {answer_1} | {question_2} | {answer_2}"),
                "single-math-v1-multi-turn": p(
                    "single-math-v1-multi-turn",
                    "[\(lang.code)-math-mt] {question_1} {ref_answer_1} {answer_1} {question_2} {ref_answer_2} {answer_2}"
                ),
                "pair-v2": JudgePrompt(
                    name: "pair-v2", type: "pairwise", systemPrompt: sys,
                    template: "[\(lang.code)-pair] {question} A: {answer_a} B: {answer_b}", outputFormat: "[[A]]"),
                "pair-v2-multi-turn": JudgePrompt(
                    name: "pair-v2-multi-turn", type: "pairwise", systemPrompt: sys,
                    template: "[\(lang.code)-pair-mt] A: {answer_a_2} B: {answer_b_2}", outputFormat: "[[A]]"),
                "pair-math-v1": JudgePrompt(
                    name: "pair-math-v1", type: "pairwise", systemPrompt: sys,
                    template: "[\(lang.code)-pair-math] A: {answer_a} B: {answer_b}", outputFormat: "[[A]]"),
                "pair-math-v1-multi-turn": JudgePrompt(
                    name: "pair-math-v1-multi-turn", type: "pairwise", systemPrompt: sys,
                    template: "[\(lang.code)-pair-math-mt] A: {answer_a_2} B: {answer_b_2}", outputFormat: "[[A]]")
            ]
        }
        return Benchmark(name: "test", questions: qs, judgePrompts: prompts)
    }

    func makeAnswers(_ bench: Benchmark, models: [String] = ["m"]) -> AnswerSet {
        var answers: [String: [ModelAnswer]] = [:]
        for m in models {
            answers[m] = bench.questions.map {
                ModelAnswer(
                    questionID: $0.id, answerID: "a", modelID: m, turns: ["\(m) ans1 \($0.id)", "\(m) ans2 \($0.id)"],
                    tstamp: 0)
            }
        }
        return AnswerSet(benchmark: bench, answers: answers)
    }

    func options(_ server: LoopbackJudge, concurrency: Int = 4, cache: URL? = nil, attempts: Int = 4) -> LLMJudgeOptions
    {
        LLMJudgeOptions(
            endpoint: ChatEndpoint(
                baseURL: server.url, model: "judge-x", timeout: 5, maxAttempts: attempts, baseDelay: 0.01, maxDelay: 2),
            concurrency: concurrency, cacheFile: cache)
    }

    func tempFile(_ name: String) -> URL { temporaryDirectory().appendingPathComponent(name) }

    func testGoodRatingsUseLocalizedPromptsPerLanguageAndTurn() async throws {
        let server = try await LoopbackJudge { n, _ in .text("Begründung ... Bewertung: [[\(n % 10 + 1)]].") }
        let bench = makeBench()
        let result = try await LLMJudge(benchmark: bench, options: options(server)).judge(makeAnswers(bench)).judgments
        await server.stop()
        XCTAssertEqual(result.single.count, 12)  // 6 questions × 2 turns
        XCTAssertTrue(result.single.allSatisfy { (1...10).contains($0.score) })
        let prompts = await server.log.prompts
        XCTAssertEqual(prompts.count, 12)
        XCTAssertTrue(prompts.allSatisfy { $0.temperature == 0 })
        for j in result.single {
            let expected =
                "[\(j.lang.code)-" + (j.category == "math" ? "math" : (j.turn == 1 ? "single" : "mt"))
                + (j.category == "math" && j.turn == 2 ? "-mt" : "") + "]"
            XCTAssertTrue(j.userPrompt.hasPrefix(expected), "\(j.userPrompt) should start with \(expected)")
            XCTAssertEqual(j.judge, ["judge-x", LLMJudge.singlePromptName(bench.question(j.questionID)!, turn: j.turn)])
            let system = prompts.first { $0.user == j.userPrompt }?.system
            XCTAssertEqual(
                system, j.lang == .de ? "Sie sind ein hilfreicher Assistent." : "Vous êtes un assistant utile.")
        }
        let math = try XCTUnwrap(result.single.first { $0.questionID == "111_DE" && $0.turn == 2 })
        XCTAssertEqual(math.userPrompt, "[DE-math-mt] DE 2+2? 4 m ans1 111_DE DE 3+3? 6 m ans2 111_DE")
    }

    func testUnparseableRatingIsMinusOneWithRawTextKept() async throws {
        let server = try await LoopbackJudge { _, user in
            user.contains("Frage 0") ? .text("I cannot decide.") : .text("[[7]]")
        }
        let bench = makeBench()
        let result = try await LLMJudge(benchmark: bench, options: options(server)).judge(makeAnswers(bench)).judgments
        await server.stop()
        let failed = result.single.filter(\.failed)
        // question "DE/FR Frage 0": its turn 1 prompt, and the turn 2 prompt shows turn 1 too
        XCTAssertEqual(failed.count, 4)
        XCTAssertTrue(failed.allSatisfy { $0.judgment == "I cannot decide." })
        XCTAssertEqual(result.single.filter { $0.score == 7 }.count, 8)
    }

    func testRetriesOn429HonouringRetryAfterAnd500sAndDroppedConnections() async throws {
        // Requests 1 and 2: 429 with Retry-After 1 s and a 503; request 3 drops the connection; then good answers.
        let server = try await LoopbackJudge { n, _ in
            switch n {
            case 1: .status(429, retryAfter: "1")
            case 2: .status(503, retryAfter: nil)
            case 3: .drop
            case 4: .status(500, retryAfter: nil)
            default: .text("Rating: [[8]]")
            }
        }
        let bench = Benchmark(
            name: "one", questions: [BenchQuestion(id: "81_DE", category: "writing", lang: .de, turns: ["DE Frage"])],
            judgePrompts: makeBench().judgePrompts)
        let start = Date()
        let result = try await LLMJudge(benchmark: bench, options: options(server, concurrency: 1, attempts: 6)).judge(
            makeAnswers(bench)
        ).judgments
        let elapsed = Date().timeIntervalSince(start)
        await server.stop()
        XCTAssertEqual(result.single.map(\.score), [8])
        let arrivals = await server.log.arrivals
        XCTAssertEqual(arrivals.count, 5)
        XCTAssertGreaterThanOrEqual(arrivals[1].timeIntervalSince(arrivals[0]), 0.95, "Retry-After: 1 must be honoured")
        XCTAssertLessThan(elapsed, 4)
    }

    func testGivingUpRecordsErrorAndNonRetryableStatusStopsTheRun() async throws {
        let failing = try await LoopbackJudge { _, _ in .status(500, retryAfter: nil) }
        let bench = Benchmark(
            name: "one", questions: [BenchQuestion(id: "81_DE", category: "writing", lang: .de, turns: ["DE Frage"])],
            judgePrompts: makeBench().judgePrompts)
        let result = try await LLMJudge(benchmark: bench, options: options(failing, attempts: 3)).judge(
            makeAnswers(bench)
        ).judgments
        let tries = await failing.log.prompts.count
        await failing.stop()
        XCTAssertEqual(tries, 3)
        XCTAssertEqual(result.single.first?.judgment, "$ERROR$")
        XCTAssertEqual(result.single.first?.score, -1)

        let refusing = try await LoopbackJudge { _, _ in .status(401, retryAfter: nil) }
        do {
            _ = try await LLMJudge(benchmark: bench, options: options(refusing)).judge(makeAnswers(bench)).judgments
            XCTFail("a 401 must stop the run")
        } catch let e as ChatError {
            XCTAssertEqual(e, .rejected(status: 401, message: "scripted failure"))
        }
        let refusals = await refusing.log.prompts.count
        await refusing.stop()
        XCTAssertEqual(refusals, 1, "401 is not retried")

        // A prompt too long for the judge fails that judgment only.
        let short = try await LoopbackJudge { n, _ in n == 1 ? .contextTooLong : .text("Rating: [[7]]") }
        let two = Benchmark(
            name: "two",
            questions: bench.questions + [
                BenchQuestion(id: "82_DE", category: "writing", lang: .de, turns: ["DE Frage 2"])
            ],
            judgePrompts: makeBench().judgePrompts)
        let mixed = try await LLMJudge(benchmark: two, options: options(short)).judge(makeAnswers(two)).judgments
        await short.stop()
        XCTAssertEqual(mixed.single.map(\.score).sorted(), [-1, 7])
    }

    func testSlowServerTimesOutAndIsRetriedThenRecordedAsError() async throws {
        let server = try await LoopbackJudge(delay: 0.6) { _, _ in .text("[[9]]") }
        let bench = Benchmark(
            name: "one", questions: [BenchQuestion(id: "81_DE", category: "writing", lang: .de, turns: ["DE Frage"])],
            judgePrompts: makeBench().judgePrompts)
        var opts = options(server, attempts: 2)
        opts.endpoint.timeout = 0.15
        let start = Date()
        let result = try await LLMJudge(benchmark: bench, options: opts).judge(makeAnswers(bench)).judgments
        let elapsed = Date().timeIntervalSince(start)
        let tries = await server.log.prompts.count
        await server.stop()
        XCTAssertEqual(tries, 2, "a timed-out request is retried")
        XCTAssertEqual(result.single.first?.judgment, "$ERROR$")
        XCTAssertEqual(result.single.first?.score, -1)
        XCTAssertLessThan(elapsed, 1.1, "the client does not wait out the slow server twice")
    }

    func testResumeAfterInterruptionNeverAsksTwice() async throws {
        let cache = tempFile("judge-cache.jsonl")
        let bench = makeBench(questions: 4)
        let answers = makeAnswers(bench)  // 10 questions × 2 turns = 20 items
        // One server (the endpoint is part of the cache key): request 8 is refused (403), which stops the first run
        // after 7 answers; later requests get [[9]].
        let server = try await LoopbackJudge { n, _ in
            n <= 7 ? .text("[[6]]") : n == 8 ? .status(403, retryAfter: nil) : .text("[[9]]")
        }
        do {
            _ = try await LLMJudge(benchmark: bench, options: options(server, concurrency: 1, cache: cache)).judge(
                answers)
            XCTFail("expected the run to be interrupted")
        } catch is ChatError {}
        let firstPrompts = await server.log.users()
        XCTAssertEqual(
            try String(contentsOf: cache, encoding: .utf8).split(separator: "\n").count, 7,
            "every reply is appended as it arrives")

        let run = try await LLMJudge(benchmark: bench, options: options(server, concurrency: 3, cache: cache)).judge(
            answers)
        let secondPrompts = await server.log.users().dropFirst(firstPrompts.count)
        XCTAssertEqual(run.judgments.single.count, 20)
        XCTAssertEqual([run.cachedReplies, run.replies], [7, 20])
        XCTAssertEqual(secondPrompts.count, 13)
        XCTAssertTrue(Set(firstPrompts.prefix(7)).isDisjoint(with: secondPrompts), "no question asked twice")
        XCTAssertEqual(run.judgments.single.filter { $0.score == 6 }.count, 7)

        // A third run finds everything cached and asks nothing.
        let again = try await LLMJudge(benchmark: bench, options: options(server, cache: cache)).judge(answers)
        let total = await server.log.prompts.count
        await server.stop()
        XCTAssertEqual(total, firstPrompts.count + 13)
        XCTAssertEqual(again.judgments.single.map(\.score), run.judgments.single.map(\.score))
        XCTAssertEqual(again.cachedReplies, 20)
    }

    /// Judges `answers` with a cache and returns the requests sent (the server's log grows across calls).
    func judgeCounting(
        _ bench: Benchmark, _ answers: AnswerSet, _ server: LoopbackJudge, cache: URL,
        change: (inout LLMJudgeOptions) -> Void = { _ in }
    ) async throws -> (sent: Int, run: LLMJudgeRun) {
        var opts = options(server, cache: cache)
        change(&opts)
        let before = await server.log.prompts.count
        let run = try await LLMJudge(benchmark: bench, options: opts).judge(answers)
        let after = await server.log.prompts.count
        return (after - before, run)
    }

    func testCacheReasksOnlyWhatChangedAnswerReferencePromptOrSettings() async throws {
        let cache = tempFile("judge-cache.jsonl")
        let server = try await LoopbackJudge { n, _ in .text("[[\(n % 10 + 1)]]") }
        var bench = makeBench()  // 6 questions × 2 turns
        var answers = makeAnswers(bench)
        let first = try await judgeCounting(bench, answers, server, cache: cache)
        XCTAssertEqual(first.sent, 12)
        let rerun = try await judgeCounting(bench, answers, server, cache: cache)
        XCTAssertEqual(rerun.sent, 0, "a re-run asks nothing")
        XCTAssertEqual([rerun.run.cachedReplies, rerun.run.replies], [12, 12])
        XCTAssertEqual(rerun.run.judgments.single.map(\.score), first.run.judgments.single.map(\.score))

        // A changed turn-2 answer: only the turn-2 judgment shows it.
        answers.answers["m"]?[0].turns[1] = "a better second answer"
        let sent1 = try await judgeCounting(bench, answers, server, cache: cache).sent
        XCTAssertEqual(sent1, 1)
        // A changed turn-2 reference of the German math question: only its turn-2 judgment sees it.
        let math = try XCTUnwrap(bench.questions.firstIndex { $0.id == "111_DE" })
        bench.questions[math].referenceAnswer = ["4", "7"]
        answers.benchmark = bench
        let sent2 = try await judgeCounting(bench, answers, server, cache: cache).sent
        XCTAssertEqual(sent2, 1)
        // A reworded prompt (German single-v1: turn 1 of the two writing questions).
        bench.judgePrompts[.de]?["single-v1"]?.template += " Bitte streng."
        answers.benchmark = bench
        let sent3 = try await judgeCounting(bench, answers, server, cache: cache).sent
        XCTAssertEqual(sent3, 2)
        // Another token budget, temperature or judge model: everything.
        let sent4 = try await judgeCounting(bench, answers, server, cache: cache) { $0.endpoint.maxTokens = 512 }.sent
        XCTAssertEqual(sent4, 12)
        let sent5 = try await judgeCounting(bench, answers, server, cache: cache) { $0.temperature = 0.5 }.sent
        XCTAssertEqual(sent5, 12)
        let sent6 = try await judgeCounting(bench, answers, server, cache: cache) { $0.endpoint.model = "judge-y" }.sent
        XCTAssertEqual(sent6, 12)
        // No cache: everything again.
        var noCache = options(server)
        noCache.cacheFile = nil
        let before = await server.log.prompts.count
        _ = try await LLMJudge(benchmark: bench, options: noCache).judge(answers)
        let uncached = await server.log.prompts.count - before
        await server.stop()
        XCTAssertEqual(uncached, 12)
    }

    func testIdenticalRequestsInOneRunAreAskedOnce() async throws {
        let server = try await LoopbackJudge { _, _ in .text("[[5]]") }
        let bench = makeBench()
        var answers = makeAnswers(bench, models: ["a", "b"])
        answers.answers["b"] = answers.answers["a"]  // two model ids, the same answers: the same judge requests
        let run = try await LLMJudge(benchmark: bench, options: options(server, cache: tempFile("c.jsonl"))).judge(
            answers)
        let sent = await server.log.prompts.count
        await server.stop()
        XCTAssertEqual(run.judgments.single.count, 24)
        XCTAssertEqual(sent, 12)
    }

    /// The compact prompt end to end: what the server receives is the judged turn's question and answer in the
    /// compact frame with no system message — exactly the user message of the judge training set made from the
    /// built-in judge's judgments of the same answers —, its judgments name the compact prompt, give their answer
    /// back when loaded, and never share a cache entry with FastChat-prompt judgments of the same answers.
    func testCompactPromptIsWhatTheServerReceivesAndWhatTheJudgeSetTrainsOn() async throws {
        let ids: Set<String> = ["81_DE", "111_FR", "131_EN"]
        var bench = Builtins.benchmark()
        bench.questions = bench.questions.filter { ids.contains($0.id) }
        let answers = AnswerSet(
            benchmark: bench,
            answers: [
                "m": bench.questions.map { q in
                    ModelAnswer(
                        questionID: q.id, answerID: "a", modelID: "m",
                        turns: [q.reference[0], "not \(q.reference[1])"], tstamp: 0)
                }
            ])
        let server = try await LoopbackJudge { n, _ in .text("[[\(n % 10 + 1)]]") }
        let cache = tempFile("judge-cache.jsonl")
        var compact = options(server, cache: cache)
        compact.prompt = .compact
        let run = try await LLMJudge(benchmark: bench, options: compact).judge(answers)
        let received = await server.log.prompts
        XCTAssertEqual(received.count, 6)
        XCTAssertTrue(received.allSatisfy { $0.system.isEmpty }, "the compact prompt sends no system message")
        let trainingSet = try JudgeTrainingSet.make(BuiltinJudge().judge(answers), benchmark: bench)
        let trained = trainingSet.dataset.examples.map { $0.conversation.messages[0].content }
        XCTAssertEqual(Set(received.map(\.user)), Set(trained))
        let q = try XCTUnwrap(bench.question("111_FR"))
        XCTAssertTrue(
            received.map(\.user).contains("Rate A [[1-10]]\nQ: \(q.turns[1])\nA: not \(q.reference[1])"),
            "turn 2 shows only the second question and answer")
        for j in run.judgments.single {
            XCTAssertEqual(j.judge, ["judge-x", j.turn == 1 ? "compact-v1" : "compact-v1-multi-turn"])
            XCTAssertTrue((1...10).contains(j.score))
        }

        // Loaded back (no benchmark needed), each judgment gives its answer back from its user prompt.
        let file = tempFile("judge-x_single.jsonl")
        try run.judgments.write(to: file.path)
        let loaded = try JudgmentSet.load(file.path)
        XCTAssertEqual(loaded.single.map(\.answer), run.judgments.single.map(\.answer))

        // The same answers with FastChat's prompts are all asked: no compact reply is taken for them; a compact
        // re-run asks nothing.
        let fastchat = try await judgeCounting(bench, answers, server, cache: cache)
        XCTAssertEqual(fastchat.sent, 6)
        let again = try await judgeCounting(bench, answers, server, cache: cache) { $0.prompt = .compact }
        XCTAssertEqual(again.sent, 0)
        XCTAssertEqual(again.run.judgments.single.map(\.score), run.judgments.single.map(\.score))

        // Pairwise judging has no compact prompt.
        var pairs = answers
        pairs.answers["n"] = answers.answers["m"]
        do {
            _ = try await LLMJudge(benchmark: bench, options: compact).judgePairs(pairs, model1: "m", model2: "n")
            XCTFail("expected the compact prompt to refuse pairwise judging")
        } catch let e as EvalError {
            XCTAssertTrue(e.message.contains("expected prompt: \"fastchat\" for pairwise judging"), e.message)
        }
        await server.stop()
    }

    func testPairwiseAsksBothOrdersAndCancelsPositionBias() async throws {
        // The judge always prefers whatever is shown as A: a pure position bias, which must come out as ties,
        // except for question 81 where it really prefers model "good".
        let server = try await LoopbackJudge { _, user in
            if user.contains("81_") {
                return .text(user.contains("A: good") ? "[[A]]" : "[[B]]")
            }
            return .text("Verdict: [[A]]")
        }
        let bench = makeBench()
        let result = try await LLMJudge(benchmark: bench, options: options(server)).judgePairs(
            makeAnswers(bench, models: ["good", "bad"]), model1: "good", model2: "bad"
        ).judgments
        let count = await server.log.prompts.count
        await server.stop()
        XCTAssertEqual(count, 24)
        XCTAssertEqual(result.pairs.count, 12)
        for p in result.pairs {
            if p.questionID.hasPrefix("81_") {
                XCTAssertEqual(p.verdict, .model1, "\(p.questionID) turn \(p.turn)")
            } else {
                XCTAssertEqual(p.g1Winner, .model1)
                XCTAssertEqual(p.g2Winner, .model2)
                XCTAssertEqual(p.verdict, .tie)
            }
        }
    }

    func testThroughputThousandJudgmentsSixteenInFlight() async throws {
        let server = try await LoopbackJudge(delay: 0.05) { _, _ in .text("[[5]]") }
        var qs: [BenchQuestion] = []
        for i in 0..<1000 {
            qs.append(BenchQuestion(id: "q\(i)_DE", category: "writing", lang: .de, turns: ["Frage \(i)"]))
        }
        let bench = Benchmark(name: "big", questions: qs, judgePrompts: makeBench().judgePrompts)
        let start = Date()
        let result = try await LLMJudge(benchmark: bench, options: options(server, concurrency: 16)).judge(
            makeAnswers(bench)
        ).judgments
        let elapsed = Date().timeIntervalSince(start)
        let peak = await server.log.maxInFlight
        await server.stop()
        print(
            "throughput: 1000 judgments, 16 in flight, 50 ms server: \(String(format: "%.2f", elapsed)) s, peak in flight \(peak)"
        )
        XCTAssertEqual(result.single.count, 1000)
        XCTAssertEqual(peak, 16)
        XCTAssertLessThan(elapsed, 10)
    }

    func testRealMTBenchXJudgePromptsArriveLocalized() async throws {
        let full = try Benchmark.load(try EvalFixtures.requireMTBenchX())
        var bench = full
        bench.questions = full.questions.filter { $0.id.hasPrefix("81_") || $0.id.hasPrefix("111_") }
        // The reference answers serve as the answers to judge.
        let answers = AnswerSet(
            benchmark: bench,
            answers: [
                "ref": bench.questions.map {
                    ModelAnswer(
                        questionID: $0.id, answerID: "", modelID: "ref", turns: $0.referenceAnswer ?? ["A", "B"],
                        tstamp: 0)
                }
            ])
        let server = try await LoopbackJudge { _, _ in .text("[[9]]") }
        let result = try await LLMJudge(benchmark: bench, options: options(server)).judge(answers).judgments
        let prompts = await server.log.prompts
        await server.stop()
        XCTAssertEqual(result.single.count, 20)
        let expected: [Lang: (String, String)] = [
            .en: ("You are a helpful assistant.", "[Instruction]"),
            .de: ("Sie sind ein hilfreicher Assistent.", "[Anweisung]"),
            .fr: ("Vous êtes un assistant utile.", "[Instruction]"),
            .it: ("Lei è un assistente utile.", "[Istruzioni]"),
            .es: ("Eres un ayudante muy útil.", "[Instrucción]")
        ]
        for j in result.single {
            let q = try XCTUnwrap(bench.question(j.questionID))
            let sent = try XCTUnwrap(prompts.first { $0.user == j.userPrompt })
            let p = try XCTUnwrap(bench.judgePrompts[q.lang]?[LLMJudge.singlePromptName(q, turn: j.turn)])
            XCTAssertEqual(sent.system, p.systemPrompt)
            XCTAssertTrue(j.userPrompt.contains(q.turns[j.turn - 1]))
            if j.turn == 1 {
                XCTAssertEqual(sent.system, expected[q.lang]?.0)
                XCTAssertTrue(j.userPrompt.hasPrefix(expected[q.lang]?.1 ?? "?"), "\(q.id): \(j.userPrompt.prefix(30))")
            }
            if q.needsReference { XCTAssertTrue(j.userPrompt.contains(q.referenceAnswer?[0] ?? "?")) }
            XCTAssertFalse(j.userPrompt.contains("{answer"), "all placeholders filled")
        }
    }

    func testAPIKeyComesFromTheNamedVariableAndIsNeverWritten() async throws {
        let secret = "sk-test-\(UUID().uuidString)"
        setenv("POLYGLOT_TEST_JUDGE_KEY", secret, 1)
        defer { unsetenv("POLYGLOT_TEST_JUDGE_KEY") }
        let server = try await LoopbackJudge { _, _ in .text("[[4]]") }
        let cache = tempFile("judge.jsonl")
        var opts = options(server, cache: cache)
        opts.endpoint.keyEnv = "POLYGLOT_TEST_JUDGE_KEY"
        let bench = makeBench(questions: 1)
        let result = try await LLMJudge(benchmark: bench, options: opts).judge(makeAnswers(bench)).judgments
        let auth = await server.log.authorizations
        await server.stop()
        XCTAssertEqual(Set(auth), ["Bearer \(secret)"])
        XCTAssertEqual(result.single.count, 8)
        let written = try String(contentsOf: cache, encoding: .utf8)
        XCTAssertFalse(written.contains(secret))
        XCTAssertFalse(written.contains("POLYGLOT_TEST_JUDGE_KEY"))
    }

    func testMissingKeyVariableIsReportedByName() throws {
        let endpoint = ChatEndpoint(
            baseURL: "http://127.0.0.1:1/v1", model: "m", keyEnv: "POLYGLOT_TEST_NO_SUCH_KEY_VAR")
        XCTAssertThrowsError(try ChatCompletionClient(endpoint: endpoint)) { e in
            XCTAssertEqual(e as? ChatError, .missingKey(env: "POLYGLOT_TEST_NO_SUCH_KEY_VAR"))
        }
    }
}
