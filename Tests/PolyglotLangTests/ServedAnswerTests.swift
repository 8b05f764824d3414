// `answer llm(url: …, model: …)`: a model behind an OpenAI-compatible server answers the benchmark as it does
// loaded, here through `polyglot serve` on loopback: same turns, same answer ids, resumable, in parallel.

import Foundation
import XCTest
@testable import PolyglotLang

final class ServedAnswerTests: XCTestCase {
    /// Question id → (answer id, turns) of a model_answer file.
    func answers(in file: URL) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
            let row = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let choices = try XCTUnwrap(row["choices"] as? [[String: Any]])
            let id = try XCTUnwrap(row["question_id"] as? String)
            out[id] = [try XCTUnwrap(row["answer_id"] as? String)] + (choices[0]["turns"] as? [String] ?? [])
        }
        return out
    }

    func testAServedModelAnswersAsTheLoadedOneAndResumes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg-served-answer-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let local = dir.appendingPathComponent("local.jsonl"), served = dir.appendingPathComponent("served.jsonl")
        // Six short questions, one per temperature class of MT-Bench (0.7 writing, 0.0 math, 0.1 stem …).
        let categories = ["writing", "roleplay", "math", "reasoning", "stem", "humanities"]
        let questions = categories.enumerated().map { i, category in
            #"{"question_id": "\#(i + 1)_DE", "category": "\#(category)", "turns": ["Wie heißt die Hauptstadt?", "Warum?"]}"#
        }
        let benchFile = dir.appendingPathComponent("question.jsonl")
        try (questions.joined(separator: "\n") + "\n").write(to: benchFile, atomically: true, encoding: .utf8)
        let session = makeSession()
        let setup = pg(
            """
            let m = pretrain builtin:corpus config: {sentences: 300, steps: 1, batch: 2, context: 256} seed: 1
            let s = serve m port: 0
            let bench = load bench "\(benchFile.path)"
            let a = answer m on: bench langs: ["de"] max_tokens: 6 seed: 3 to: "\(local.path)"
            let endpoint = llm(url: s.url, model: "pretrained-dense", concurrency: 4)
            let b = answer endpoint on: bench langs: ["de"] max_tokens: 6 seed: 3 to: "\(served.path)"
            """, session: session)
        XCTAssertNil(setup.error, "\(setup.output)")
        let expected = try answers(in: local)
        XCTAssertEqual(expected.count, 6)
        XCTAssertEqual(try answers(in: served), expected, "both turns, sampled at the category's temperature")
        let sampled = expected.values.filter { $0.count == 3 && !$0[1].isEmpty }
        XCTAssertFalse(sampled.isEmpty, "the untrained model still says something: \(expected)")

        // An interrupted run: the file keeps 2 answers and a torn line; the re-run asks only for the rest.
        let lines = try String(contentsOf: served, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(2).joined(separator: "\n") + "\n{\"question_id\": \"1").write(
            to: served, atomically: true, encoding: .utf8)
        let resumed = pg(
            "let c = answer endpoint on: bench langs: [\"de\"] max_tokens: 6 seed: 3 to: \"\(served.path)\"",
            session: session)
        XCTAssertNil(resumed.error, "\(resumed.output)")
        XCTAssertTrue(resumed.output.contains("2 of them resumed from \(served.path)"), "\(resumed.output)")
        XCTAssertEqual(try answers(in: served), expected)

        // A question longer than the served model's context: both turns are FastChat's $ERROR$, and the run goes on.
        let long = dir.appendingPathComponent("long.jsonl")
        let longTurn = String(repeating: "Wie heißt die Hauptstadt von Italien? ", count: 40)
        try (#"{"question_id": "9_DE", "category": "writing", "turns": ["\#(longTurn)", "Warum?"]}"# + "\n").write(
            to: long, atomically: true, encoding: .utf8)
        let refused = pg(
            "answer endpoint on: (load bench \"\(long.path)\") max_tokens: 4 seed: 3 to: \"\(long.path).answers\"\nstop",
            session: session)
        XCTAssertNil(refused.error, "\(refused.output)")
        XCTAssertTrue(
            refused.output.contains(
                "warning: 2 turns did not fit the served model's context: answered $ERROR$, as FastChat does"),
            "\(refused.output)")
        XCTAssertEqual(
            try answers(in: URL(fileURLWithPath: long.path + ".answers"))["9_DE"]?.dropFirst(), ["$ERROR$", "$ERROR$"])
    }
}
