import Foundation
import XCTest

/// The evaluation commands driven through the CLI: answers read from FastChat files, a person's
/// annotation typed at the (piped) REPL, scores, agreement, and an LLM judge served by `serve`.
final class EvalCommandTests: XCTestCase {
    /// Two hand-written answers to builtin:bench questions, in FastChat model_answer form.
    func writeAnswers(_ dir: URL) throws -> URL {
        let file = dir.appendingPathComponent("toy.jsonl")
        let lines = [
            #"{"question_id": "111_DE", "answer_id": "a1", "model_id": "toy", "choices": [{"index": 0, "turns": ["eins", "zwei"]}], "tstamp": 1}"#,
            #"{"question_id": "151_DE", "answer_id": "a2", "model_id": "toy", "choices": [{"index": 0, "turns": ["Paris", "Rom"]}], "tstamp": 1}"#
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    func testAnnotateAtThePipedReplThenAgreementWithTheBuiltinJudge() throws {
        let dir = try temporaryDirectory("pg-annotate")
        let answers = try writeAnswers(dir)
        let human = dir.appendingPathComponent("human.jsonl").path
        let script = """
            let a = load answers "\(answers.path)" bench: builtin:bench
            annotate a as: "ada" to: "\(human)"
            7
            s
            back
            3
            5
            9
            2
            let h = load judgments "\(human)" bench: builtin:bench
            h
            let b = judge a with: builtin
            score h by: ["model", "turn"]
            """
        let r = try runPolyglot([], stdin: script + "\n", cwd: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("4 of 4 judged"), r.stdout)
        XCTAssertTrue(r.stdout.contains("judgments: 4 single (0 unparseable)"), r.stdout)
        let saved = try String(contentsOfFile: human, encoding: .utf8)
        XCTAssertTrue(saved.contains("\"human:ada\""), saved)
        // Resuming asks nothing more: every item is judged.
        let again = try runPolyglot(
            [],
            stdin:
                "let a = load answers \"\(answers.path)\" bench: builtin:bench\nannotate a as: \"ada\" to: \"\(human)\"\n",
            cwd: dir)
        XCTAssertTrue(again.stdout.contains("4 of 4 judged"), again.stdout)
    }

    func testJudgeWithAServedModel() throws {
        let mtBench = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data/mt-bench-x")
        guard FileManager.default.fileExists(atPath: mtBench.path) else {
            throw XCTSkip("../shared/data/mt-bench-x is absent: the LLM judge needs its judge prompts")
        }
        let dir = try temporaryDirectory("pg-served-judge")
        let script = """
            let judge_model = pretrain builtin:corpus config: {sentences: 3000, steps: 3, batch: 4, context: 4096} seed: 1
            let server = serve judge_model port: 0
            let bench = load bench "\(mtBench.path)"
            let a = answer judge_model on: bench langs: ["de"] max_tokens: 4 seed: 1
            let j = judge a with: llm(url: server.url, model: "pretrained-dense", concurrency: 4, max_tokens: 16, cache: "judge-cache.jsonl")
            j
            stop
            """
        let r = try runPolyglot([], stdin: script + "\n", cwd: dir)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        // An untrained judge gives no [[rating]]: every judgment is kept with score −1 and its raw text.
        XCTAssertTrue(r.stdout.contains("judgments: 160 single (160 unparseable)"), r.stdout)
        let cache = try String(contentsOf: dir.appendingPathComponent("judge-cache.jsonl"), encoding: .utf8)
        XCTAssertEqual(cache.split(separator: "\n").count, 160)
    }

    /// A model of 128-token context served by `serve` judges builtin:bench: FastChat's judge prompts do not fit and
    /// are refused ($ERROR$, −1), the compact prompt — the turn's question and answer — fits, and every judgment
    /// records exactly that prompt, under the compact prompt's name.
    func testCompactJudgePromptFitsAServedModelOfTheMiniaturesContext() throws {
        let dir = try temporaryDirectory("pg-compact-judge")
        let script = """
            let judge_model = pretrain builtin:corpus config: {sentences: 3000, steps: 3, batch: 4, context: 128} seed: 1
            let server = serve judge_model port: 0
            let a = answer judge_model on: builtin:bench langs: ["de"] max_tokens: 4 seed: 1
            let fastchat = judge a with: llm(url: server.url, model: "pretrained-dense", max_tokens: 4, cache: none)
            fastchat
            let compact = judge a with: llm(url: server.url, model: "pretrained-dense", max_tokens: 4, cache: none, prompt: "compact")
            stop
            export a to: "answers.jsonl"
            export compact to: "compact.jsonl"
            export fastchat to: "fastchat.jsonl"
            export builtin:bench to: "bench"
            """
        let r = try runPolyglot([], stdin: script + "\n", cwd: dir)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("judgments: 160 single (160 unparseable)"), r.stdout)
        func lines(_ name: String) throws -> [[String: Any]] {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map {
                try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        func turns(_ record: [String: Any]) -> [String] {
            (record["turns"] as? [String]) ?? ((record["choices"] as? [[String: Any]])?.first?["turns"] as? [String])
                ?? []
        }
        let questions = Dictionary(
            uniqueKeysWithValues: try lines("bench/mt_bench_DE/question.jsonl").map {
                ("\($0["question_id"]!)", turns($0))
            })
        let answers = Dictionary(
            uniqueKeysWithValues: try lines("answers.jsonl").map { ("\($0["question_id"]!)", turns($0)) })
        let refused = try lines("fastchat.jsonl").filter { $0["judgment"] as? String == "$ERROR$" }
        XCTAssertEqual(refused.count, 160, "FastChat's judge prompt does not fit 128 tokens")
        let judged = try lines("compact.jsonl")
        XCTAssertEqual(judged.count, 160)
        for j in judged {
            let id = "\(j["question_id"]!)", turn = (j["turn"] as? Int) ?? 0
            let question = try XCTUnwrap(questions[id]?[turn - 1]), answer = try XCTUnwrap(answers[id]?[turn - 1])
            XCTAssertEqual(j["user_prompt"] as? String, "Rate A [[1-10]]\nQ: \(question)\nA: \(answer)")
            XCTAssertEqual(
                j["judge"] as? [String], ["pretrained-dense", turn == 1 ? "compact-v1" : "compact-v1-multi-turn"])
            XCTAssertNotEqual(j["judgment"] as? String, "$ERROR$", "the served model answered \(id) turn \(turn)")
        }
    }

    /// `polyglot run` shows the repeated-rounds warning at load, though nothing displays the judgments.
    func testRepeatedJudgmentsAreWarnedAboutInRunAndRepeatsChoosesTheSemantics() throws {
        let dir = try temporaryDirectory("pg-repeats")
        let fixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/judgments/gpt-4_single_repeats.jsonl")
        let script = dir.appendingPathComponent("repeats.pg")
        try """
        let fastchat = load judgments "\(fixture.path)"
        let last = load judgments "\(fixture.path)" repeats: "last"
        score fastchat by: ["turn"]
        """.write(to: script, atomically: true, encoding: .utf8)
        let r = try runPolyglot(["run", script.path], cwd: dir)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("warning: \(fixture.path): 5 repeated judgments: 4 items"), r.stdout)
        XCTAssertTrue(r.stdout.contains("every row counts, as in FastChat's show_result.py"), r.stdout)
        XCTAssertTrue(r.stdout.contains("kept the last of each (repeats: \"last\")"), r.stdout)
        let turnOne = r.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("1  ") }
        XCTAssertEqual(turnOne?.split(separator: " ").dropFirst().first, "7.25", r.stdout)

        try "let j = load judgments \"\(fixture.path)\" repeats: \"first\"\n"
            .write(to: script, atomically: true, encoding: .utf8)
        let bad = try runPolyglot(["run", script.path], cwd: dir)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("load judgments has no repeats: \"first\""), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("expected one of \"all\", \"mean\", \"last\""), bad.stderr)
    }
}
