import Foundation
import PolyglotEngine
import XCTest

@testable import PolyglotLab

/// The compact judge prompt and the judge training set made from built-in judgments.
final class EvalJudgeTrainingSetTests: XCTestCase {
    /// The builtin bases' tokenizer (`builtin:dense` and `builtin:moe` share it), trained as pre-training trains it.
    static let builtinTokenizer: BPETokenizer = {
        let recipe = PretrainRecipe(kind: .dense)
        return try! Pretraining.trainTokenizer(texts: Pretraining.corpusTexts(recipe), merges: recipe.merges)
    }()

    /// Every turn of builtin:bench with an answer of 48 tokens (`answer`'s default budget) — the turn's reference
    /// repeated and cut at 48 tokens — fits the builtin bases' 128-token context as the server encodes it, with room
    /// for the longest reply, `[[10]]` and its end token; so does the training conversation.
    func testCompactPromptFitsTheBuiltinContextForEveryTurnWithA48TokenAnswer() throws {
        let tokenizer = Self.builtinTokenizer, template = try ChatTemplate(tokenizer: tokenizer)
        let context = PretrainRecipe(kind: .dense).context
        let reply = CompactJudgePrompt.reply(score: 10)
        let replyTokens = tokenizer.encode(reply).count + 1
        var longest = 0
        for q in Builtins.benchmark().questions {
            for turn in 1...q.turns.count {
                let reference = q.reference[turn - 1] + " "
                let ids = tokenizer.encode(String(repeating: reference, count: 60))
                let answer = try tokenizer.decode(Array(ids.prefix(48)))
                XCTAssertGreaterThanOrEqual(tokenizer.encode(answer).count, 47, answer)
                let user = CompactJudgePrompt.user(q, answer: answer, turn: turn)
                XCTAssertTrue(user.contains(q.turns[turn - 1]) && user.contains(answer), user)
                let prompt = try template.encodePrompt([ChatMessage(.user, user)])
                longest = max(longest, prompt.count)
                XCTAssertLessThanOrEqual(prompt.count + replyTokens, context, "\(q.id) turn \(turn): \(user)")
                let training = try template.encodeForTraining([ChatMessage(.user, user), ChatMessage(.assistant, reply)]
                )
                XCTAssertLessThanOrEqual(training.ids.count, context, "\(q.id) turn \(turn)")
            }
        }
        print("longest compact prompt: \(longest) tokens of \(context), reply \(replyTokens)")
    }

    /// Five builtin:bench questions answered by two models: `a` with the references (right), `b` with the same
    /// answers to 81_DE and 81_EN's turn 2 (duplicates), an empty answer, the English reference to German and French questions (the
    /// right fact in the wrong language) and a wrong number.
    func makeJudgments() throws -> (bench: Benchmark, answers: AnswerSet, judgments: JudgmentSet) {
        let ids = ["81_DE", "81_EN", "111_FR", "121_IT", "151_ES"]
        var bench = Builtins.benchmark()
        bench.questions = bench.questions.filter { ids.contains($0.id) }
        func english(_ q: BenchQuestion) -> [String] {
            Builtins.benchmark().question(Benchmark.sharedID(q.id) + "_EN")!.reference
        }
        let a = bench.questions.map { q in
            ModelAnswer(questionID: q.id, answerID: "a", modelID: "a", turns: q.reference, tstamp: 0)
        }
        let b = bench.questions.map { q in
            let turns: [String] =
                switch q.id {
                case "81_DE": q.reference
                case "81_EN": ["", q.reference[1]]
                case "111_FR": english(q)
                default: ["forty-two", "seventeen hundred"]
                }
            return ModelAnswer(questionID: q.id, answerID: "b", modelID: "b", turns: turns, tstamp: 0)
        }
        let answers = AnswerSet(benchmark: bench, answers: ["a": a, "b": b])
        return (bench, answers, BuiltinJudge().judge(answers))
    }

    func testEachRecordIsWhatTheCompactJudgeSendsAnsweredWithTheBuiltinScore() throws {
        let (bench, answers, judgments) = try makeJudgments()
        XCTAssertEqual(judgments.single.count, 20)
        XCTAssertGreaterThan(Set(judgments.single.map(\.score)).count, 2, "\(judgments.single.map(\.score))")
        let set = try JudgeTrainingSet.make(judgments, benchmark: bench)
        var compact = LLMJudgeOptions(endpoint: ChatEndpoint(baseURL: "http://127.0.0.1:9/v1", model: "judge"))
        compact.prompt = .compact
        let client = LLMJudge(benchmark: bench, options: compact)
        // Every judgment is in the set as the request the compact judge sends for it, answered with its score;
        // the answer both models gave (81_DE) is there once.
        var expected: [String: String] = [:]
        for j in judgments.single {
            let q = try XCTUnwrap(bench.question(j.questionID))
            let answer = try XCTUnwrap(answers.answer(model: j.model, question: j.questionID))
            let request = try client.singleRequest(q, answer, turn: j.turn)
            XCTAssertNil(expected[request.user].flatMap { $0 == "[[\(Int(j.score))]]" ? nil : $0 }, request.user)
            expected[request.user] = "[[\(Int(j.score))]]"
        }
        XCTAssertEqual(expected.count, 17, "20 judged turns, three of them the same answer to the same turn as a's")
        let records = set.dataset.examples.map { $0.conversation.messages }
        XCTAssertEqual(records.count, 17)
        for messages in records {
            XCTAssertEqual(messages.map(\.role), [.user, .assistant])
            XCTAssertEqual(expected[messages[0].content], messages[1].content, messages[0].content)
        }
        XCTAssertEqual(Set(records.map { $0[0].content }), Set(expected.keys))
        XCTAssertEqual(
            set.dataset.examples.map(\.lang),
            set.dataset.examples.map { ex in
                bench.question(String(ex.itemID.split(separator: "·")[0]))!.lang
            })
        // The score distribution adds up, and scores 1, 3 and 10 (empty or wrong, the wrong language, right) occur.
        XCTAssertEqual(set.counts.reduce(0) { $0 + $1.judged }, 20)
        XCTAssertEqual(set.counts.reduce(0) { $0 + $1.distinct }, 17)
        XCTAssertEqual(set.counts.map(\.kept), set.counts.map(\.distinct))
        XCTAssertTrue(Set([1, 3, 10]).isSubset(of: set.counts.map(\.score)), "\(set.counts)")
        XCTAssertEqual(set.table.rows.last?.first, .text("all"))
    }

    func testPerScoreKeepsAtMostThatManyOfEachScoreDrawnWithTheSeed() throws {
        let (bench, _, judgments) = try makeJudgments()
        let one = try JudgeTrainingSet.make(judgments, benchmark: bench, perScore: 1, seed: 3)
        XCTAssertEqual(one.dataset.examples.count, one.counts.count)
        for c in one.counts { XCTAssertEqual(c.kept, min(1, c.distinct), "\(c)") }
        let again = try JudgeTrainingSet.make(judgments, benchmark: bench, perScore: 1, seed: 3)
        XCTAssertEqual(again.dataset.examples, one.dataset.examples)
        let seeds = try (0..<8).map { seed in
            try JudgeTrainingSet.make(judgments, benchmark: bench, perScore: 1, seed: UInt64(seed)).dataset.examples
        }
        XCTAssertGreaterThan(Set(seeds.map { $0.map(\.itemID) }).count, 1, "the seed draws which ones")
        let all = try JudgeTrainingSet.make(judgments, benchmark: bench)
        let order = all.dataset.examples.map(\.itemID)
        let kept = one.dataset.examples.map(\.itemID)
        XCTAssertEqual(kept, order.filter(kept.contains), "kept conversations stay in judgment order")
    }

    func testJudgmentsWithoutChecksOrAnswersAreRefused() throws {
        let (bench, _, judgments) = try makeJudgments()
        var llm = judgments
        llm.single[3].checks = nil
        llm.single[3].judge = ["gpt-4", "single-v1"]
        XCTAssertThrowsError(try JudgeTrainingSet.make(llm, benchmark: bench)) { error in
            XCTAssertTrue(
                "\(error)".contains("1 of 20 judgments carry no checks (the first by gpt-4 single-v1)"), "\(error)")
        }
        var loaded = judgments
        loaded.single[0].answer = nil
        XCTAssertThrowsError(try JudgeTrainingSet.make(loaded, benchmark: bench)) { error in
            XCTAssertTrue("\(error)".contains("does not keep its answer"), "\(error)")
        }
        XCTAssertThrowsError(try JudgeTrainingSet.make(JudgmentSet(), benchmark: bench))
        XCTAssertThrowsError(try JudgeTrainingSet.make(judgments, benchmark: bench, perScore: 0))
        var other = bench
        other.questions.removeAll { $0.id == "81_DE" }
        XCTAssertThrowsError(try JudgeTrainingSet.make(judgments, benchmark: other)) { error in
            XCTAssertTrue("\(error)".contains("question `81_DE` is not in builtin:bench"), "\(error)")
        }
    }

    /// `split bench`: no question in both parts, a question's translations together, half of every category's
    /// questions on each side, and the seed decides which.
    func testBenchmarkSplitHoldsOutWholeQuestionsPerCategory() throws {
        let bench = Builtins.benchmark()
        let (train, val) = try bench.split(validation: 0.5, seed: 1)
        XCTAssertEqual([train.name, val.name], ["builtin:bench/train", "builtin:bench/validation"])
        XCTAssertEqual(train.questions.count + val.questions.count, bench.questions.count)
        let trainIDs = Set(train.questions.map { Benchmark.sharedID($0.id) })
        let valIDs = Set(val.questions.map { Benchmark.sharedID($0.id) })
        XCTAssertTrue(trainIDs.isDisjoint(with: valIDs))
        XCTAssertEqual(trainIDs.count, 40)
        for part in [train, val] {
            let perCategory = Dictionary(grouping: part.questions, by: \.category).mapValues(\.count)
            XCTAssertEqual(perCategory.count, 8)
            XCTAssertTrue(perCategory.values.allSatisfy { $0 == 25 }, "\(perCategory)")
            XCTAssertEqual(part.languages, Lang.allCases)
        }
        XCTAssertEqual(try bench.split(validation: 0.5, seed: 1).validation.questions, val.questions)
        XCTAssertNotEqual(try bench.split(validation: 0.5, seed: 2).validation.questions, val.questions)
        XCTAssertEqual(try bench.split(validation: 0.2, seed: 1).validation.questions.count, 80)
        for share in [0, 1, 0.01, -0.5] {
            XCTAssertThrowsError(try bench.split(validation: share, seed: 1), "share \(share)")
        }
    }
}
