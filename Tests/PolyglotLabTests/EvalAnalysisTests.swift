import Foundation
import XCTest

@testable import PolyglotLab

final class EvalAnalysisTests: XCTestCase {
    /// Model a: DE 8, 6, (−1), 4 and FR 7; model b: DE 5, 5 and FR 4.
    static let judgments = """
        {"question_id": "81_DE", "model": "a", "judge": ["gpt-4", "single-v1"], "user_prompt": "p", "judgment": "[[8]]", "score": 8, "turn": 1, "tstamp": 1}
        {"question_id": "81_DE", "model": "a", "judge": ["gpt-4", "single-v1-multi-turn"], "user_prompt": "p", "judgment": "[[6]]", "score": 6, "turn": 2, "tstamp": 1}
        {"question_id": "82_DE", "model": "a", "judge": ["gpt-4", "single-v1"], "user_prompt": "p", "judgment": "$ERROR$", "score": -1, "turn": 1, "tstamp": 1}
        {"question_id": "82_DE", "model": "a", "judge": ["gpt-4", "single-v1-multi-turn"], "user_prompt": "p", "judgment": "[[4]]", "score": 4, "turn": 2, "tstamp": 1}
        {"question_id": "111_FR", "model": "a", "judge": ["gpt-4", "single-math-v1"], "user_prompt": "p", "judgment": "[[7]]", "score": 7, "turn": 1, "tstamp": 1}
        {"question_id": "81_DE", "model": "b", "judge": ["gpt-4", "single-v1"], "user_prompt": "p", "judgment": "[[5]]", "score": 5, "turn": 1, "tstamp": 1}
        {"question_id": "81_DE", "model": "b", "judge": ["gpt-4", "single-v1-multi-turn"], "user_prompt": "p", "judgment": "[[5]]", "score": 5.0, "turn": 2, "tstamp": 1}
        {"question_id": "111_FR", "model": "b", "judge": ["gpt-4", "single-math-v1"], "user_prompt": "p", "judgment": "[[4]]", "score": 4, "turn": 1, "tstamp": 1}
        {"question_id": "111_FR", "model": "b", "judge": ["gpt-4"], "score": "broken", "turn": 1}

        """

    func load(_ text: String = judgments) throws -> JudgmentSet {
        let url = try EvalFixtures.write(text, "gpt-4_single.jsonl", in: temporaryDirectory())
        return try JudgmentSet.load(url.path)
    }

    func row(_ t: Table, _ key: [String]) -> [String: Table.Cell]? {
        guard let r = t.rows.first(where: { Array($0.prefix(key.count)).map(\.text) == key }) else { return nil }
        return Dictionary(uniqueKeysWithValues: zip(t.columns, r))
    }

    func testJudgmentFileReadsLanguageCategoryAndReportsBadLines() throws {
        let j = try load()
        XCTAssertEqual(j.single.count, 8)
        XCTAssertEqual(j.warnings.map(\.line), [9])
        XCTAssertEqual(j.single.map(\.lang.code), ["DE", "DE", "DE", "DE", "FR", "DE", "DE", "FR"])
        XCTAssertEqual(j.single[4].category, "math")
        XCTAssertEqual(j.single[1].turn, 2)
        // Language from the folder when ids have no suffix; category from MT-Bench id ranges.
        let dir = temporaryDirectory()
        _ = try EvalFixtures.write(
            #"{"question_id": 131, "model": "m", "judge": ["gpt-4", "single-v1"], "score": 3, "turn": 1}"#,
            "mt_bench_IT/model_judgment/gpt-4_single.jsonl", in: dir)
        let folder = try JudgmentSet.load(dir.path)
        XCTAssertEqual(folder.single.first?.lang, .it)
        XCTAssertEqual(folder.single.first?.category, "extraction")
        let noLang = try EvalFixtures.write(
            #"{"question_id": 131, "model": "m", "judge": ["gpt-4", "single-v1"], "score": 3, "turn": 1}"#,
            "j.jsonl", in: temporaryDirectory())
        XCTAssertEqual(try JudgmentSet.load(noLang.path, lang: .es).single.first?.lang, .es)
        XCTAssertTrue(try JudgmentSet.load(noLang.path).warnings.first?.message.contains("language") ?? false)
    }

    func testJudgmentsRoundTripThroughFastChatFormat() throws {
        let j = try load()
        let out = temporaryDirectory().appendingPathComponent("out.jsonl").path
        var withPairs = j
        withPairs.pairs = [
            PairJudgment(
                questionID: "81_DE", model1: "a", model2: "b", g1Winner: .model1, g2Winner: .tie,
                judge: ["gpt-4", "pair-v2"], turn: 1, tstamp: 2, lang: .de, category: "writing")
        ]
        try withPairs.write(to: out)
        let back = try JudgmentSet.load(out)
        XCTAssertEqual(back.single, j.single)
        let pairs = try JudgmentSet.load(out.replacingOccurrences(of: ".jsonl", with: "_pair.jsonl"))
        XCTAssertEqual(pairs.pairs, withPairs.pairs)
        XCTAssertEqual(pairs.pairs.first?.verdict, .tie)
        let line = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")[0]
        XCTAssertTrue(line.contains(#""score":8,"#) && line.contains(#""judge":["gpt-4","single-v1"]"#), String(line))
    }

    func testScoreMatchesHandComputedMeansAndCountsFailed() throws {
        let j = try load()
        let byModel = ScoreAnalysis.score(j, by: [.model], seed: 7)
        XCTAssertEqual(byModel.columns, ["model", "mean", "n", "ci_low", "ci_high", "failed"])
        XCTAssertEqual(row(byModel, ["a"])?["mean"]?.double ?? 0, 6.25, accuracy: 1e-12)  // (8+6+4+7)/4
        XCTAssertEqual(row(byModel, ["a"])?["n"], .int(4))
        XCTAssertEqual(row(byModel, ["a"])?["failed"], .int(1))
        XCTAssertEqual(row(byModel, ["b"])?["mean"]?.double ?? 0, 14.0 / 3, accuracy: 1e-12)
        let ciLow = row(byModel, ["a"])?["ci_low"]?.double ?? .nan,
            ciHigh = row(byModel, ["a"])?["ci_high"]?.double ?? .nan
        XCTAssertTrue(4 <= ciLow && ciLow <= 6.25 && 6.25 <= ciHigh && ciHigh <= 8, "\(ciLow)…\(ciHigh)")
        XCTAssertEqual(ScoreAnalysis.score(j, by: [.model], seed: 7), byModel, "same seed, same table")
        XCTAssertNotEqual(ScoreAnalysis.score(j, by: [.model], seed: 8).rows, byModel.rows)
        XCTAssertTrue(byModel.notes.contains { $0.contains("excluded from the means: 1") })

        let kept = ScoreAnalysis.score(j, by: [.model], keepFailed: true)
        XCTAssertEqual(row(kept, ["a"])?["mean"]?.double ?? 0, 4.8, accuracy: 1e-12)  // (8+6−1+4+7)/5

        let fine = ScoreAnalysis.score(j, by: [.model, .lang, .turn])
        XCTAssertEqual(
            fine.rows.map { $0.prefix(3).map(\.text) },
            [["a", "DE", "1"], ["a", "DE", "2"], ["a", "FR", "1"], ["b", "DE", "1"], ["b", "DE", "2"], ["b", "FR", "1"]]
        )
        XCTAssertEqual(row(fine, ["a", "DE", "1"])?["n"], .int(1))
        XCTAssertEqual(row(fine, ["a", "DE", "1"])?["failed"], .int(1))
        XCTAssertEqual(row(fine, ["a", "DE", "2"])?["mean"]?.double ?? 0, 5, accuracy: 1e-12)
        let onlyFailed = ScoreAnalysis.score(JudgmentSet(single: j.single.filter(\.failed)), by: [.model])
        XCTAssertEqual(onlyFailed.rows, [[.text("a"), .missing, .int(0), .missing, .missing, .int(1)]])
        XCTAssertEqual(
            row(ScoreAnalysis.score(j, by: [.category]), ["math"])?["mean"]?.double ?? 0, 5.5, accuracy: 1e-12)
    }

    func testLanguageMismatchRateNeedsAnswers() throws {
        let j = try load()
        let bench = Benchmark(
            name: "b",
            questions: [
                BenchQuestion(id: "81_DE", category: "writing", lang: .de, turns: ["", ""]),
                BenchQuestion(id: "82_DE", category: "writing", lang: .de, turns: ["", ""])
            ])
        let answers = AnswerSet(
            benchmark: bench,
            answers: [
                "a": [
                    ModelAnswer(
                        questionID: "81_DE", answerID: "", modelID: "a",
                        turns: [
                            "Das Wetter ist heute schön und wir gehen spazieren.",
                            "The weather is nice today and we are going for a walk."
                        ], tstamp: 0),
                    ModelAnswer(
                        questionID: "82_DE", answerID: "", modelID: "a",
                        turns: ["Ich habe keine Zeit, weil ich arbeiten muss.", "Ich komme morgen wieder."], tstamp: 0)
                ]
            ])
        XCTAssertFalse(ScoreAnalysis.score(j, by: [.model, .lang]).columns.contains("wrong_lang"), "nothing to tell")
        let t = ScoreAnalysis.score(j, by: [.model, .lang], answers: answers)
        // No checks: the correctness rates are not columns.
        XCTAssertEqual(Array(t.columns.suffix(3)), ["failed", "wrong_lang", "line_pass"])
        XCTAssertEqual(row(t, ["a", "DE"])?["wrong_lang"]?.double ?? 0, 0.25, accuracy: 1e-12)  // 1 English turn of 4
        XCTAssertEqual(row(t, ["a", "DE"])?["line_pass"]?.double ?? 0, 0.75, accuracy: 1e-12)
        XCTAssertEqual(row(t, ["b", "DE"])?["wrong_lang"], .missing)
    }

    /// Built-in judgments of four German answers to 151_DE turn 1: right; right plus a wrong capital; the English
    /// reference; a German line followed by an English one.
    func builtinJudgments() -> JudgmentSet {
        let bench = Builtins.benchmark()
        let de = bench.question("151_DE")!, en = bench.question("151_EN")!
        let wrong = de.reference[0].replacingOccurrences(of: de.keyWords[0], with: "Rom")
        let texts = [
            de.reference[0], de.reference[0] + " " + wrong, en.reference[0],
            de.reference[0] + "\n" + en.reference[0]
        ]
        let models = texts.enumerated().map { i, text in
            ("m\(i)", [ModelAnswer(questionID: "151_DE", answerID: "", modelID: "m\(i)", turns: [text], tstamp: 0)])
        }
        let answers = AnswerSet(benchmark: bench, answers: Dictionary(uniqueKeysWithValues: models))
        var judged = BuiltinJudge().judge(answers)
        for i in judged.single.indices { judged.single[i].model = "m" }
        return judged
    }

    func testScoreReportsLanguageFidelityFromTheChecksAndTheGatedMean() throws {
        let j = builtinJudgments()
        XCTAssertEqual(j.single.map(\.score), [10, 3, 3, 3])
        let t = ScoreAnalysis.score(j, by: [.model], seed: 1)
        XCTAssertEqual(Array(t.columns.suffix(4)), ["wrong_lang", "line_pass", "correct_any", "correct_in_lang"])
        let r = try XCTUnwrap(row(t, ["m"]))
        XCTAssertEqual(r["mean"]?.double ?? 0, 4.75, accuracy: 1e-12)
        XCTAssertEqual(r["wrong_lang"]?.double ?? 0, 0.5, accuracy: 1e-12)  // the English one and the mixed one
        XCTAssertEqual(r["line_pass"]?.double ?? 0, 0.5, accuracy: 1e-12)
        XCTAssertEqual(r["correct_any"]?.double ?? 0, 0.75, accuracy: 1e-12)  // all but the drowned one
        XCTAssertEqual(r["correct_in_lang"]?.double ?? 0, 0.25, accuracy: 1e-12)
        XCTAssertEqual(t.estimate?.value, "mean")
        let gated = ScoreAnalysis.score(j, by: [.model], seed: 1, gate: .language)
        let g = try XCTUnwrap(row(gated, ["m"]))
        XCTAssertEqual(g["mean"]?.double ?? 0, 4.75, accuracy: 1e-12)
        XCTAssertEqual(g["gated_mean"]?.double ?? 0, 3.75, accuracy: 1e-12)  // (10 + 3 + 1 + 1) / 4
        XCTAssertEqual(gated.estimate?.value, "gated_mean")
        XCTAssertEqual(gated.estimate?.interval?.low, "gated_ci_low")
        XCTAssertLessThanOrEqual(g["gated_ci_low"]?.double ?? 99, 3.75)
    }

    func testAnLLMJudgmentGivesBackItsAnswerThroughTheJudgePrompt() throws {
        let bench = Builtins.benchmark()
        let q = bench.question("151_DE")!, en = bench.question("151_EN")!
        let prompt = try XCTUnwrap(bench.judgePrompts[.de]?["single-v1"])
        let values = ["question": q.turns[0], "answer": en.reference[0] + "\n{not a placeholder}"]
        XCTAssertEqual(prompt.values(in: prompt.fill(values)), values)
        XCTAssertNil(prompt.values(in: "something else"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("llm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let line = SingleJudgment(
            questionID: q.id, model: "m", judge: ["judge-model", "single-v1"],
            userPrompt: prompt.fill(values), judgment: "Rating: [[8]]", score: 8, turn: 1,
            tstamp: 0, lang: .de, category: q.category)
        try JudgmentSet(single: [line]).write(to: dir.appendingPathComponent("j.jsonl").path)
        let loaded = try JudgmentSet.load(dir.path, bench: bench)
        XCTAssertEqual(loaded.single.first?.answer, values["answer"])
        XCTAssertNil(loaded.single.first?.checks)
        let t = ScoreAnalysis.score(loaded, by: [.model], gate: .language)
        XCTAssertEqual(row(t, ["m"])?["wrong_lang"], .number(1))
        XCTAssertEqual(row(t, ["m"])?["gated_mean"], .number(1))
        XCTAssertFalse(t.columns.contains("correct_any"))
        // Without the benchmark the prompt is unknown and nothing is identified.
        XCTAssertFalse(ScoreAnalysis.score(try JudgmentSet.load(dir.path), by: [.model]).columns.contains("wrong_lang"))
    }

    /// A model that only fills the templates it was tuned on (right on seen phrasings, nothing useful on held-out
    /// ones) shows a gap in `score … by: [phrasing]`, also after its judgments are written and loaded back.
    func testScoreByPhrasingShowsTheGapOfAModelThatOnlyFillsKnownTemplates() throws {
        let bench = Builtins.benchmark()
        let answers = bench.questions.map { q in
            ModelAnswer(
                questionID: q.id, answerID: "", modelID: "filler",
                turns: q.turns.indices.map { q.phrasings[$0] == .seen ? q.reference[$0] : "I do not know." },
                tstamp: 0)
        }
        let judged = BuiltinJudge().judge(AnswerSet(benchmark: bench, answers: ["filler": answers]))
        let dir = temporaryDirectory()
        try judged.write(to: dir.appendingPathComponent("j.jsonl").path)
        for j in [judged, try JudgmentSet.load(dir.path, bench: bench)] {
            let t = ScoreAnalysis.score(j, by: [.phrasing, .turn])
            XCTAssertEqual(t.columns.prefix(2), ["phrasing", "turn"])
            let seen = try XCTUnwrap(row(t, ["seen", "1"])?["mean"]?.double)
            let unseen = try XCTUnwrap(row(t, ["unseen", "1"])?["mean"]?.double)
            XCTAssertGreaterThan(seen - unseen, 5, "seen \(seen), unseen \(unseen)")
            XCTAssertEqual(row(t, ["unseen", "2"])?["n"], .int(5 * 21))
        }
        // Judgments loaded without the benchmark do not know the phrasing.
        let t = ScoreAnalysis.score(try JudgmentSet.load(dir.path), by: [.phrasing])
        XCTAssertEqual(t.rows.map { $0[0].text }, ["unknown"])
        XCTAssertEqual(ScoreKey.parse("form"), .phrasing)
    }

    func testImprovementInPointsAndPercentOfScale() throws {
        let t = try ScoreAnalysis.improvement(try load(), multi: ["a"], mono: ["b"], datasets: ["alpaca"])
        XCTAssertEqual(t.rows.map { $0[1].text }, ["DE", "FR", "all"])
        XCTAssertEqual(row(t, ["alpaca", "DE"])?["points"]?.double ?? 0, 1, accuracy: 1e-12)  // 6 − 5
        XCTAssertEqual(row(t, ["alpaca", "DE"])?["percent"]?.double ?? 0, 10, accuracy: 1e-12)
        XCTAssertEqual(row(t, ["alpaca", "FR"])?["points"]?.double ?? 0, 3, accuracy: 1e-12)  // 7 − 4
        XCTAssertEqual(row(t, ["alpaca", "all"])?["points"]?.double ?? 0, 2, accuracy: 1e-12)  // 6.5 − 4.5
        XCTAssertEqual(row(t, ["alpaca", "all"])?["percent"]?.double ?? 0, 20, accuracy: 1e-12)
        XCTAssertTrue(t.notes[0].contains("0.99 points = 9.9%"))
        XCTAssertThrowsError(try ScoreAnalysis.improvement(try load(), multi: ["a"], mono: ["zzz"]))
        XCTAssertThrowsError(try ScoreAnalysis.improvement(try load(), multi: ["a"], mono: []))
    }

    func testAgreementAgainstScipyValues() throws {
        // x = judge A, y = judge B over six matched answers; scipy: pearson 0.9392857, spearman 0.9710083, kendall τ-b 0.9309493.
        let x: [Double] = [8, 6, 4, 7, 9, 3], y: [Double] = [7, 6, 5, 7, 9, 5]
        let langs: [Lang] = [.de, .de, .de, .de, .fr, .fr]
        func set(_ s: [Double], judge: String) -> JudgmentSet {
            JudgmentSet(
                single: s.indices.map { i in
                    SingleJudgment(
                        questionID: "\(81 + i)_\(langs[i].code)", model: "m", judge: [judge], userPrompt: "",
                        judgment: "",
                        score: s[i], turn: 1, tstamp: 0, lang: langs[i], category: "writing")
                })
        }
        var a = set(x, judge: "human:ana"), b = set(y, judge: "gpt-4")
        a.single.append(
            SingleJudgment(
                questionID: "99_DE", model: "m", judge: [], userPrompt: "", judgment: "", score: -1, turn: 1, tstamp: 0,
                lang: .de, category: "x"))
        b.single.append(
            SingleJudgment(
                questionID: "99_DE", model: "m", judge: [], userPrompt: "", judgment: "", score: 9, turn: 1, tstamp: 0,
                lang: .de, category: "x"))
        b.single.append(
            SingleJudgment(
                questionID: "98_DE", model: "m", judge: [], userPrompt: "", judgment: "", score: 9, turn: 1, tstamp: 0,
                lang: .de, category: "x"))
        // Pairwise verdicts: κ = (0.5 − 15/36) / (1 − 15/36) = 1/7.
        let va: [PairWinner] = [.model1, .model2, .tie, .model1, .model1, .model2],
            vb: [PairWinner] = [.model1, .model2, .model1, .tie, .model1, .model1]
        func pairs(_ v: [PairWinner]) -> [PairJudgment] {
            v.indices.map {
                PairJudgment(
                    questionID: "\(81 + $0)_DE", model1: "m", model2: "n", g1Winner: v[$0], g2Winner: v[$0], judge: [],
                    turn: 1, tstamp: 0, lang: .de, category: "w")
            }
        }
        a.pairs = pairs(va)
        b.pairs = pairs(vb)
        let t = ScoreAnalysis.agreement(a, b)
        XCTAssertEqual(t.rows.map { $0[0].text }, ["DE", "FR", "all"])
        let all = try XCTUnwrap(row(t, ["all"]))
        XCTAssertEqual(all["n"], .int(6))
        XCTAssertEqual(all["pearson"]?.double ?? 0, 0.9392857014505761, accuracy: 1e-9)
        XCTAssertEqual(all["spearman"]?.double ?? 0, 0.9710083124552245, accuracy: 1e-9)
        XCTAssertEqual(all["kendall_tau_b"]?.double ?? 0, 0.9309493362512627, accuracy: 1e-9)
        XCTAssertEqual(all["exact"]?.double ?? 0, 0.5, accuracy: 1e-12)
        XCTAssertEqual(all["within_1"]?.double ?? 0, 5.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(all["n_pairs"], .int(6))
        XCTAssertEqual(all["kappa_pairs"]?.double ?? 0, 1.0 / 7, accuracy: 1e-12)
        XCTAssertEqual(row(t, ["DE"])?["n"], .int(4))
        XCTAssertEqual(row(t, ["FR"])?["pearson"]?.double ?? 0, 1, accuracy: 1e-12)  // two points: perfectly correlated
        XCTAssertEqual(
            row(t, ["FR"])?["kappa_pairs"], .missing, "no pairwise verdicts in FR: no κ, not a made-up number")
        // Pass/fail at 6: A passes 8, 6, 7, 9 and B 7, 6, 7, 9 — the same four, so κ is 1 with an interval of 1s.
        XCTAssertEqual(
            ["pass_pass", "pass_fail", "fail_pass", "fail_fail"].map { all[$0] }, [.int(4), .int(0), .int(0), .int(2)])
        XCTAssertEqual(all["kappa"]?.double ?? 0, 1, accuracy: 1e-12)
        XCTAssertEqual(all["kappa_low"]?.double ?? 0, 1, accuracy: 1e-12)
        // At 7 A passes 8, 7, 9 and B 7, 7, 9 (ids 84, 85 and 81 against 81, 84, 85): the same; at 8 A 8, 9 and B 9.
        let strict = try XCTUnwrap(row(ScoreAnalysis.agreement(a, b, pass: 8), ["all"]))
        XCTAssertEqual(
            ["pass_pass", "pass_fail", "fail_pass", "fail_fail"].map { strict[$0] },
            [.int(1), .int(1), .int(0), .int(4)])
        // κ = (5/6 − (2/6·1/6 + 4/6·5/6)) / (1 − 22/36) = (30 − 22) / (36 − 22) = 4/7.
        XCTAssertEqual(strict["kappa"]?.double ?? 0, 4.0 / 7, accuracy: 1e-12)
    }

    /// The miniature's human study: a judge against the ground truth. Eight DE turns, the truth from checks.
    func testAgreementWithTruthCountsTheConfusionMatrixAndBootstrapsKappa() throws {
        let right = AnswerChecks(fact: true, factAny: true, wrongFacts: 0, answerLang: .de, form: true, echo: false)
        var drowned = right
        drowned.wrongFacts = 2
        var english = right
        english.answerLang = .en
        let wrong = AnswerChecks(fact: false, factAny: false, wrongFacts: 1, answerLang: .de, form: true, echo: false)
        // (score, checks): a lenient judge that passes the drowned and the English answer.
        let turns: [(Double, AnswerChecks)] = [
            (10, right), (10, right), (7, right), (9, drowned), (8, english), (1, wrong), (1, wrong), (3, right)
        ]
        let j = JudgmentSet(
            single: turns.indices.map { i in
                SingleJudgment(
                    questionID: "\(i)_DE", model: "m", judge: ["lenient"], userPrompt: "", judgment: "",
                    score: turns[i].0, turn: 1, tstamp: 0, lang: .de, category: "writing", checks: turns[i].1)
            })
        let t = ScoreAnalysis.agreementWithTruth(j, benchmark: nil, seed: 3)
        XCTAssertEqual(t.rows.map { $0[0].text }, ["DE", "all"])
        let de = try XCTUnwrap(row(t, ["DE"]))
        XCTAssertEqual(de["n"], .int(8))
        XCTAssertEqual(de["correct"]?.double ?? 0, 4.0 / 8, accuracy: 1e-12)
        // Judge pass (≥ 6): turns 0–4; truth correct: 0, 1, 2, 7.
        XCTAssertEqual(
            ["pass_pass", "pass_fail", "fail_pass", "fail_fail"].map { de[$0] }, [.int(3), .int(2), .int(1), .int(2)])
        // κ = (5/8 − (5/8·4/8 + 3/8·4/8)) / (1 − 1/2) = 1/4.
        XCTAssertEqual(de["kappa"]?.double ?? 0, 0.25, accuracy: 1e-12)
        let low = try XCTUnwrap(de["kappa_low"]?.double), high = try XCTUnwrap(de["kappa_high"]?.double)
        XCTAssertTrue(low < 0.25 && 0.25 < high && low >= -1 && high <= 1, "\(low)…\(high)")
        XCTAssertEqual(ScoreAnalysis.agreementWithTruth(j, benchmark: nil, seed: 3), t, "seeded: the same interval")
        XCTAssertNotEqual(ScoreAnalysis.agreementWithTruth(j, benchmark: nil, seed: 4).rows, t.rows)
        // Point-biserial correlation of the scores with truth 1/0, as scipy.stats.pearsonr gives it.
        let x = turns.map(\.0), y: [Double] = [1, 1, 1, 0, 0, 0, 0, 1]
        XCTAssertEqual(de["pearson"]?.double ?? 0, Statistics.pearson(x, y), accuracy: 1e-12)
        XCTAssertEqual(de["pearson"]?.double ?? 0, 0.37976217386784894, accuracy: 1e-9)
        XCTAssertEqual(t.estimate?.value, "kappa")
    }

    /// Judgments without checks (an LLM judge's) get their truth by checking the answer they keep against the
    /// benchmark; without a benchmark they are left out, and the note says so.
    func testAgreementWithTruthChecksAnswersOfJudgesWithoutChecks() throws {
        let bench = Builtins.benchmark()
        let q = try XCTUnwrap(bench.questions.first { $0.lang == .de && !$0.reference.isEmpty })
        let reference = q.reference[0]
        func judged(_ answer: String, score: Double) -> SingleJudgment {
            SingleJudgment(
                questionID: q.id, model: answer, judge: ["llm"], userPrompt: "", judgment: "", score: score, turn: 1,
                tstamp: 0, lang: .de, category: q.category, answer: answer)
        }
        let j = JudgmentSet(single: [judged(reference, score: 9), judged("Ich weiß es leider nicht.", score: 8)])
        let t = ScoreAnalysis.agreementWithTruth(j, benchmark: bench)
        let de = try XCTUnwrap(row(t, ["DE"]))
        XCTAssertEqual(de["correct"]?.double ?? 0, 0.5, accuracy: 1e-12, "the reference is correct, the excuse is not")
        XCTAssertEqual(de["pass_fail"], .int(1))
        let without = ScoreAnalysis.agreementWithTruth(j, benchmark: nil)
        XCTAssertTrue(without.rows.isEmpty)
        XCTAssertTrue(without.notes.contains { $0.contains("Left out: 2 judged turn(s)") && $0.contains("on: BENCH") })
    }

    func testWinRatesFollowShowResult() {
        func p(_ g1: PairWinner, _ g2: PairWinner, _ m2: String = "b") -> PairJudgment {
            PairJudgment(
                questionID: "81_DE", model1: "a", model2: m2, g1Winner: g1, g2Winner: g2, judge: [], turn: 1, tstamp: 0,
                lang: .de, category: "writing")
        }
        // a vs b: win, win, inconsistent (tie), tie, error (dropped); a vs c: loss.
        let t = ScoreAnalysis.winRates(
            JudgmentSet(pairs: [
                p(.model1, .model1), p(.model1, .model1), p(.model1, .model2), p(.tie, .tie),
                p(.error, .model1), p(.model2, .model2, "c")
            ]))
        XCTAssertEqual(
            t.rows.map { $0.prefix(4).map(\.text) }, [["a", "2", "1", "2"], ["b", "0", "2", "2"], ["c", "1", "0", "0"]])
        XCTAssertEqual(row(t, ["a"])?["win_rate_adjusted"]?.double ?? 0, 3.0 / 5, accuracy: 1e-12)
        XCTAssertTrue(t.notes[0].hasSuffix("dropped: 1."))
    }

    func testTablesExportToCSVAndJSON() throws {
        let t = ScoreAnalysis.score(try load(), by: [.model], seed: 1)
        let dir = temporaryDirectory()
        try t.export(to: dir.appendingPathComponent("t.csv").path)
        try t.export(to: dir.appendingPathComponent("t.json").path)
        let csv = try String(contentsOf: dir.appendingPathComponent("t.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv[0], "model,mean,n,ci_low,ci_high,failed")
        XCTAssertEqual(csv.count, 3)
        XCTAssertTrue(csv[1].hasPrefix("a,6.25,4,"))
        XCTAssertTrue(csv[1].hasSuffix(",1"))
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("t.json")))
            as? [String: Any]
        let rows = json?["rows"] as? [[String: Any]]
        XCTAssertEqual(rows?.first?["model"] as? String, "a")
        XCTAssertEqual(rows?.first?["n"] as? Int, 4)
        XCTAssertEqual(json?["columns"] as? [String], t.columns)
        XCTAssertThrowsError(try t.export(to: dir.appendingPathComponent("t.xlsx").path)) {
            XCTAssertTrue("\($0)".contains(".csv or .json"))
        }
        let quoted = Table(title: "", columns: ["name"], rows: [[.text("a,\"b\"")]]).csv()
        XCTAssertEqual(quoted, "name\n\"a,\"\"b\"\"\"\n")
    }
}
