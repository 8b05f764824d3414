import Foundation
import XCTest

import PolyglotEngine
@testable import PolyglotLab

final class EvalBenchmarkTests: XCTestCase {
    func testRealMTBenchXLoadsAllLanguagesWithReferencesAndPrompts() throws {
        let bench = try Benchmark.load(try EvalFixtures.requireMTBenchX())
        XCTAssertEqual(bench.questions.count, 400)
        XCTAssertEqual(bench.languages, Lang.allCases.sorted())
        for lang in Lang.allCases {
            let qs = bench.questions.filter { $0.lang == lang }
            XCTAssertEqual(qs.count, 80, lang.code)
            XCTAssertTrue(qs.allSatisfy { $0.turns.count == 2 })
            XCTAssertEqual(qs.filter { $0.referenceAnswer != nil }.count, 30, lang.code)
            XCTAssertTrue(
                qs.allSatisfy { $0.category == mtBenchCategory($0.id) }, "category field agrees with MT-Bench id ranges"
            )
            XCTAssertEqual(
                Set(bench.judgePrompts[lang]?.keys.filter { !$0.hasPrefix("v2:") } ?? []),
                [
                    "single-v1", "single-math-v1", "single-v1-multi-turn", "single-math-v1-multi-turn",
                    "pair-v2", "pair-v2-multi-turn", "pair-math-v1", "pair-math-v1-multi-turn"
                ])
        }
        XCTAssertEqual(bench.judgePrompts[.de]?["single-v1"]?.systemPrompt, "Sie sind ein hilfreicher Assistent.")
        XCTAssertEqual(bench.question("101_DE")?.category, "reasoning")
        XCTAssertTrue(bench.question("101_DE")?.referenceAnswer?.first?.contains("zweite Platz") ?? false)
        // The known defect: judge_prompts_v2.jsonl line 1 starts with stray text. Reported with file:line, the rest loads.
        let v2 = bench.warnings.filter { $0.file.hasSuffix("mt_bench_DE/judge_prompts_v2.jsonl") }
        XCTAssertEqual(v2.map(\.line), [1])
        XCTAssertTrue(v2.first?.description.contains("judge_prompts_v2.jsonl:1:") ?? false)
        XCTAssertEqual(bench.judgePrompts[.de]?.keys.filter { $0.hasPrefix("v2:") }.count, 3)
        XCTAssertEqual(bench.warnings.count, 1, "\(bench.warnings)")
    }

    func testSingleQuestionFileWithIntIdsMalformedLinesAndGivenLanguage() throws {
        let dir = temporaryDirectory()
        let file = try EvalFixtures.write(
            """
            {"question_id": 81, "category": "writing", "turns": ["Write a poem.", "Shorter."]}

            {"question_id": 82, "turns": ["no category but id in MT-Bench range"]}
            not json at all
            {"question_id": 7, "turns": ["no category, no range"]}
            {"question_id": 101, "category": "reasoning", "turns": "not a list"}
            """, "question.jsonl", in: dir)
        let bench = try Benchmark.load(file.path, lang: .en)
        XCTAssertEqual(bench.questions.map(\.id), ["81", "82"])
        XCTAssertEqual(bench.questions.map(\.category), ["writing", "writing"])
        XCTAssertEqual(bench.questions.map(\.lang), [.en, .en])
        XCTAssertEqual(bench.warnings.map(\.line), [4, 5, 6])
        XCTAssertTrue(bench.warnings[2].message.contains("`turns`"))
        XCTAssertThrowsError(try Benchmark.load(dir.appendingPathComponent("nope").path)) { e in
            XCTAssertTrue("\(e)".contains("nope"))
        }
        // Without lang: and without suffixes the language cannot be known; each line says so.
        let unknown = try Benchmark.load(file.path)
        XCTAssertTrue(unknown.questions.isEmpty)
        XCTAssertTrue(unknown.warnings.contains { $0.line == 1 && $0.message.contains("language") })
    }

    func testInterruptedAnswerRunResumesWithoutRegenerating() throws {
        let qs = (0..<4).map {
            BenchQuestion(id: "\(81 + $0)_IT", category: "writing", lang: .it, turns: ["domanda \($0)"])
        }
        let url = temporaryDirectory().appendingPathComponent("m.jsonl")
        struct Interrupted: Error {}
        final class Counter: @unchecked Sendable { var asked: [String] = [] }
        let counter = Counter()
        let failing = AnswerGenerator(modelID: "m", seed: 1) { messages, _, _, _ in
            let turn = messages.last?.content ?? ""
            if turn == "domanda 2" { throw Interrupted() }
            counter.asked.append(turn)
            return "risposta a " + turn
        }
        XCTAssertThrowsError(try failing.run(qs, to: url))
        var problems: [EvalError] = []
        XCTAssertEqual(
            try ModelAnswer.read(url, problems: &problems).map(\.questionID), ["81_IT", "82_IT"], "kept as they arrived"
        )
        let working = AnswerGenerator(modelID: "m", seed: 1) { messages, _, _, _ in
            counter.asked.append(messages.last?.content ?? "")
            return "risposta"
        }
        let all = try working.run(qs, to: url)
        XCTAssertEqual(all.answers.map(\.questionID), qs.map(\.id))
        XCTAssertEqual(all.resumed, 2)
        XCTAssertEqual(counter.asked, ["domanda 0", "domanda 1", "domanda 2", "domanda 3"], "nothing generated twice")
        XCTAssertEqual(try ModelAnswer.read(url, problems: &problems).count, 4)
        XCTAssertEqual(
            try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count, 4,
            "rewritten one line per question")
    }

    func testFastChatLayoutWithSharedJudgePromptsAndReferenceAnswers() throws {
        let data = temporaryDirectory()
        _ = try EvalFixtures.write(
            #"{"name": "single-v1", "type": "single", "system_prompt": "You are a helpful assistant.", "prompt_template": "{question} {answer}", "output_format": "[[rating]]"}"#
                + "\n",
            "judge_prompts.jsonl", in: data)
        _ = try EvalFixtures.write(
            #"{"question_id": 111, "category": "math", "turns": ["1+1?", "2+2?"], "reference": ["2", "4"]}"# + "\n",
            "mt_bench/question.jsonl", in: data)
        _ = try EvalFixtures.write(
            #"{"question_id": 111, "answer_id": "r", "model_id": "gpt-4", "choices": [{"index": 0, "turns": ["It is 2.", "It is 4."]}], "tstamp": 1}"#
                + "\n",
            "mt_bench/reference_answer/gpt-4.jsonl", in: data)
        let bench = try Benchmark.load(data.appendingPathComponent("mt_bench").path)
        XCTAssertEqual(bench.questions.first?.lang, .en)
        XCTAssertEqual(bench.questions.first?.reference, ["2", "4"])
        XCTAssertEqual(bench.questions.first?.referenceAnswer, ["It is 2.", "It is 4."])
        XCTAssertEqual(bench.judgePrompts[.en]?["single-v1"]?.systemPrompt, "You are a helpful assistant.")
        XCTAssertTrue(bench.warnings.isEmpty, "\(bench.warnings)")
    }

    func testBuiltinBenchWrittenAsFastChatLoadsBackWithItsKeyWords() throws {
        let dir = temporaryDirectory()
        let builtin = Builtins.benchmark()
        XCTAssertTrue(builtin.questions.allSatisfy { $0.keyWords.count == $0.turns.count }, "a key word for every turn")
        XCTAssertTrue(builtin.questions.allSatisfy { $0.truth.count == $0.turns.count }, "the truth of every turn")
        let files = try builtin.writeFastChat(to: dir.path)
        XCTAssertEqual(files.count, 5)
        let reloaded = try Benchmark.load(dir.path)
        XCTAssertEqual(reloaded.questions.count, 400)
        for q in builtin.questions { XCTAssertEqual(reloaded.question(q.id), q) }
        XCTAssertEqual(reloaded.judgePrompts[.de], builtin.judgePrompts[.de])
        XCTAssertEqual(
            builtin.judgePrompts[.de]?.keys.sorted(),
            ["single-math-v1", "single-math-v1-multi-turn", "single-v1", "single-v1-multi-turn"])
    }

    func testThePhrasingOfEachTurnIsWrittenAndReadBackAndOldFilesLoadWithoutIt() throws {
        let dir = temporaryDirectory()
        let builtin = Builtins.benchmark()
        XCTAssertTrue(builtin.questions.allSatisfy { $0.phrasings.count == $0.turns.count }, "a phrasing per turn")
        XCTAssertEqual(Set(builtin.questions.flatMap(\.phrasings)), [.seen, .unseen])
        let files = try builtin.writeFastChat(to: dir.path)
        let lines = try String(contentsOfFile: files[0], encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.contains(#""phrasing":["unseen","unseen"]"#) }, "\(lines[0])")
        let reloaded = try Benchmark.load(dir.path)
        for q in builtin.questions { XCTAssertEqual(reloaded.question(q.id)?.phrasings, q.phrasings, q.id) }
        // A file written before the field existed loads as before; a bad value is reported at its line.
        let file = dir.appendingPathComponent("old/question.jsonl")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let old = #"{"question_id": "1_DE", "category": "math", "turns": ["Was ist zwei plus zwei?"]}"#
        let bad =
            #"{"question_id": "2_DE", "category": "math", "turns": ["Was ist drei plus drei?"], "phrasing": ["new"]}"#
        try (old + "\n" + bad + "\n").write(to: file, atomically: true, encoding: .utf8)
        let bench = try Benchmark.load(file.path)
        XCTAssertEqual(bench.questions.map(\.id), ["1_DE"])
        XCTAssertEqual(bench.questions.first?.phrasings, [])
        XCTAssertNil(bench.questions.first?.phrasing(turn: 1))
        XCTAssertEqual(bench.warnings.count, 1)
        XCTAssertTrue(
            bench.warnings.first?.description.hasPrefix(file.path + ":2: expected `phrasing` to be one of") == true,
            "\(bench.warnings)")
    }

    func testMalformedTruthOfAQuestionIsReportedAtItsLine() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("question.jsonl")
        let good =
            #"{"question_id": "1_DE", "category": "math", "turns": ["Was ist zwei plus zwei?"], "#
            + #""truth": [{"kind": "number", "index": 4, "form": "number_word"}]}"#
        let bad =
            #"{"question_id": "2_DE", "category": "math", "turns": ["Was ist drei plus drei?"], "#
            + #""truth": [{"kind": "number", "index": 99}]}"#
        try (good + "\n" + bad + "\n").write(to: file, atomically: true, encoding: .utf8)
        let bench = try Benchmark.load(file.path)
        XCTAssertEqual(bench.questions.map(\.id), ["1_DE"])
        XCTAssertEqual(bench.questions.first?.truth, [TurnFact(kind: .number, index: 4, form: .numberWord)])
        XCTAssertEqual(bench.warnings.count, 1)
        XCTAssertTrue(
            bench.warnings[0].description.hasPrefix(file.path + ":2: expected `truth` to be one"),
            bench.warnings[0].description)
    }

    func testJudgePromptFillsPythonFormatPlaceholders() {
        let p = JudgePrompt(
            name: "x", type: "single", systemPrompt: "", template: "Q: {question} {{literal}} A: {answer} {unknown}",
            outputFormat: "[[rating]]")
        XCTAssertEqual(p.fill(["question": "2+2 {x}?", "answer": "4"]), "Q: 2+2 {x}? {literal} A: 4 {unknown}")
    }

    func testLanguageAndCategoryFromNames() {
        XCTAssertEqual(langFromQuestionID("81_DE"), .de)
        XCTAssertNil(langFromQuestionID("81"))
        XCTAssertEqual(langFromFolderName("mt_bench_IT"), .it)
        XCTAssertNil(langFromFolderName("mt_bench"))
        XCTAssertEqual(mtBenchCategory("81_DE"), "writing")
        XCTAssertEqual(mtBenchCategory("120"), "math")
        XCTAssertEqual(mtBenchCategory("160_ES"), "humanities")
        XCTAssertNil(mtBenchCategory("161"))
        XCTAssertNil(mtBenchCategory("q80"))
    }

    func testAnswersRoundTripAndKeepLastLinePerQuestion() throws {
        let dir = temporaryDirectory()
        let bench = Benchmark(
            name: "b",
            questions: [
                BenchQuestion(id: "81_DE", category: "writing", lang: .de, turns: ["a", "b"]),
                BenchQuestion(id: "82_DE", category: "writing", lang: .de, turns: ["c", "d"])
            ])
        let answers = [
            ModelAnswer(questionID: "81_DE", answerID: "id1", modelID: "m", turns: ["Grüße ä", "zwei"], tstamp: 1.5),
            ModelAnswer(questionID: "82_DE", answerID: "id2", modelID: "m", turns: ["x", "y"], tstamp: 2)
        ]
        let url = dir.appendingPathComponent("model_answer/m.jsonl")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ModelAnswer.write(answers, to: url)
        // FastChat ASCII escapes and a repeated question: the last line wins; an unknown question is dropped with a warning.
        let extra =
            #"{"question_id": "81_DE", "answer_id": "id3", "model_id": "m", "choices": [{"index": 0, "turns": ["Gr\u00fc\u00dfe neu", "z"]}], "tstamp": 3}"#
            + "\n"
            + #"{"question_id": "99_DE", "answer_id": "id4", "model_id": "m", "choices": [{"index": 0, "turns": ["?"]}], "tstamp": 3}"#
            + "\n"
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(extra.utf8))
        try handle.close()
        let set = try AnswerSet.load(dir.path, benchmark: bench)
        XCTAssertEqual(set.models, ["m"])
        XCTAssertEqual(set.answer(model: "m", question: "81_DE")?.turns, ["Grüße neu", "z"])
        XCTAssertEqual(set.answer(model: "m", question: "82_DE"), answers[1])
        XCTAssertEqual(set.warnings.count, 1)
        XCTAssertTrue(set.warnings[0].message.contains("99_DE"))
    }

    /// A loaded model answers one question per core (each on one core), and its answers are the bits of one
    /// question at a time: sampled turns included (the built-in benchmark's temperatures are 0.1–0.7).
    func testALoadedModelAnswersOneQuestionPerCoreWithTheSameAnswers() throws {
        let model = try LabModel.fresh(preset: "tiny-moe", seed: 7, name: "fresh")
        let questions = Array(Builtins.benchmark().questions.prefix(12))
        let perCore = model.answerGenerator(seed: 3, maxTokens: 12)
        XCTAssertEqual(perCore.concurrency, Parallel.cores)
        let one = Parallel.withWorkers(1) { model.answerGenerator(seed: 3, maxTokens: 12) }
        XCTAssertEqual(one.concurrency, 1, "a caller limited to one core answers one question at a time")
        let together = try perCore.run(questions), alone = try one.run(questions)
        XCTAssertEqual(together.map(\.questionID), questions.map(\.id), "in benchmark order")
        XCTAssertEqual(together.map(\.turns), alone.map(\.turns))
        XCTAssertEqual(together.map(\.answerID), alone.map(\.answerID))
        XCTAssertTrue(together.contains { $0.turns.contains { !$0.isEmpty } }, "the fresh model says something")
    }

    func testAnswerGeneratorFollowsMTBenchProtocol() throws {
        let qs = [
            BenchQuestion(id: "81_FR", category: "writing", lang: .fr, turns: ["t1", "t2"]),
            BenchQuestion(id: "111_FR", category: "math", lang: .fr, turns: ["m1", "m2"]),
            BenchQuestion(id: "141_FR", category: "stem", lang: .fr, turns: ["s1"])
        ]
        final class Calls: @unchecked Sendable { var log: [([Message], Double, UInt64, Int)] = [] }
        let calls = Calls()
        let gen = AnswerGenerator(modelID: "mini", seed: 42, maxTokens: 64) { messages, temperature, seed, maxTokens in
            calls.log.append((messages, temperature, seed, maxTokens))
            return "réponse \(messages.count)"
        }
        var progress: [Int] = []
        let url = temporaryDirectory().appendingPathComponent("mini.jsonl")
        let answers = try gen.run(qs, to: url) { done, total in
            progress.append(done); XCTAssertEqual(total, 3)
        }.answers
        XCTAssertEqual(progress, [1, 2, 3])
        XCTAssertEqual(calls.log.map(\.1), [0.7, 0.7, 0, 0, 0.1])
        XCTAssertTrue(
            calls.log.allSatisfy { $0.0.first == Message(role: .system, content: Lang.fr.systemPrompt) && $0.3 == 64 })
        // Turn 2 sees turn 1 and its answer.
        XCTAssertEqual(calls.log[1].0.map(\.content), [Lang.fr.systemPrompt, "t1", "réponse 2", "t2"])
        XCTAssertEqual(answers[0].turns, ["réponse 2", "réponse 4"])
        // Seeds derive from the run seed and the question id, not from the order.
        let reordered = AnswerGenerator(modelID: "mini", seed: 42) { _, _, _, _ in "" }
        XCTAssertEqual(reordered.questionSeed("111_FR"), calls.log[2].2)
        XCTAssertNotEqual(
            AnswerGenerator(modelID: "mini", seed: 43) { _, _, _, _ in "" }.questionSeed("111_FR"), calls.log[2].2)
        XCTAssertEqual(answers.map(\.answerID), try gen.run(qs).map(\.answerID))
        XCTAssertEqual(answers[0].answerID.count, 22)
        var problems: [EvalError] = []
        XCTAssertEqual(try ModelAnswer.read(url, problems: &problems).map(\.turns), answers.map(\.turns))
        XCTAssertTrue(problems.isEmpty)
    }
}
