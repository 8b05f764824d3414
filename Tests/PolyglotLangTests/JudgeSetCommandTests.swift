import Foundation
import PolyglotLab
import XCTest

@testable import PolyglotLang

/// A judge's training set in a session: `split` of a benchmark, `judge_set` of built-in judgments, and the compact
/// prompt of `llm(…)`.
final class JudgeSetCommandTests: XCTestCase {
    func temporaryFile(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg-judge-set-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func testBuiltinJudgmentsBecomeADatasetWithTheirScoreDistribution() throws {
        // The reference answers to 111_DE (right: 10), a wrong and an empty answer to 151_DE (1).
        let math = try XCTUnwrap(Builtins.benchmark().question("111_DE"))
        let lines = try [("111_DE", math.reference), ("151_DE", ["blau", ""])].map { id, turns in
            let record: [String: Any] = [
                "question_id": id, "model_id": "toy", "choices": [["index": 0, "turns": turns]]
            ]
            return String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self)
        }
        let answers = try temporaryFile("toy.jsonl", lines.joined(separator: "\n") + "\n")
        let session = makeSession()
        let run = pg(
            """
            let a = load answers "\(answers)" bench: builtin:bench
            let j = judge a with: builtin
            let data = judge_set j per_score: 1 seed: 2
            """, session: session)
        XCTAssertNil(run.error)
        let table = run.output.joined(separator: "\n")
        XCTAssertTrue(table.contains("judge training set judge-set by score"), table)
        XCTAssertTrue(table.contains("kept: at most 1 per score, drawn with the seed"), table)
        let scores = pg("print len(j.rows)\nprint data.examples", session: session).output
        XCTAssertEqual(scores.first, "4")
        let kept = try XCTUnwrap(Int(scores.last ?? ""))
        XCTAssertEqual(kept, 2, "one per score (1 and 10) of the four judged turns: \(table)")
    }

    func testJudgmentsWithoutChecksAreRefusedAtTheArgument() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let fixture = root.appendingPathComponent("Fixtures/judgments/gpt-4_single_repeats.jsonl").path
        let r = pg("let gpt4 = load judgments \"\(fixture)\" bench: builtin:bench\nlet data = judge_set gpt4")
        let error = try XCTUnwrap(r.error)
        XCTAssertTrue(error.hasPrefix("t.pg:2:22: error: "), error)
        XCTAssertTrue(error.contains("judgments carry no checks (the first by gpt-4 single-v1)"), error)
        XCTAssertTrue(error.contains("expected judgments of the built-in judge"), error)
        let cap = pg("let gpt4 = load judgments \"\(fixture)\"\njudge_set gpt4 per_score: 0").error ?? ""
        XCTAssertTrue(cap.hasPrefix("t.pg:2:27: error: per_score must be at least 1"), cap)
    }

    func testSplitOfABenchmarkAndTheCompactPromptOfLLM() {
        let session = makeSession()
        let halves = pg(
            """
            let bench = load bench builtin:bench
            let halves = split bench val: 0.5 seed: 1
            print halves.train.questions + halves.val.questions
            print halves.val.name
            """, session: session)
        XCTAssertNil(halves.error)
        XCTAssertEqual(halves.output, ["400", "builtin:bench/validation"])
        let bad = pg("split bench val: 3", session: session).error ?? ""
        XCTAssertTrue(bad.hasPrefix("t.pg:1:18: error: a benchmark splits by share"), bad)

        let judge = pg(
            "let j = llm(url: \"http://127.0.0.1:9/v1\", model: \"m\", prompt: \"compact\")\nprint j.prompt\nj")
        XCTAssertEqual(judge.output.first, "compact")
        XCTAssertTrue(judge.output.joined(separator: "\n").contains("prompt        compact"), "\(judge.output)")
        XCTAssertEqual(pg("print llm(url: \"http://x/v1\", model: \"m\").prompt").output, ["fastchat"])
        let wrong = pg("llm(url: \"http://x/v1\", model: \"m\", prompt: \"short\")").error ?? ""
        XCTAssertTrue(wrong.contains("expected one of \"fastchat\", \"compact\""), wrong)
    }
}
