import Foundation
import XCTest

@testable import PolyglotLab

/// Judgment files as the study released them: repeated rounds, malformed lines, and lines torn by a killed writer.
final class EvalJudgmentFileTests: XCTestCase {
    /// A German MT-Bench-X `gpt-4_single.jsonl` in the real format, judged in three appended rounds: turn 1 of
    /// 81_DE scored 8, 7, 6; 82_DE 7, 7; 83_DE 9, 6; 84_DE failed ($ERROR$, −1), then 8; turn 2 of 81_DE once, 6.
    let repeats = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/judgments/gpt-4_single_repeats.jsonl").path

    func turnOneMean(_ set: JudgmentSet) -> Double {
        let scores = set.single.filter { $0.turn == 1 && !$0.failed }.map(\.score)
        return scores.reduce(0, +) / Double(scores.count)
    }

    func testRepeatedRoundsCountLikeFastChatShowResultByDefault() throws {
        let all = try JudgmentSet.load(repeats)
        // show_result.py: every row, −1 rows dropped: (8+7+9+7+7+6+8+6) / 8.
        XCTAssertEqual(all.single.count, 10)
        XCTAssertEqual(turnOneMean(all), 7.25)
        let table = ScoreAnalysis.score(all, by: [.turn], keepFailed: false, seed: 1)
        let mean = try XCTUnwrap(table.columns.firstIndex(of: "mean"))
        XCTAssertEqual(table.rows.first { $0[0] == .int(1) }?[mean].double, 7.25)
        XCTAssertEqual(all.warnings.count, 1)
        let warning = try XCTUnwrap(all.warnings.first?.description)
        XCTAssertTrue(warning.hasPrefix(repeats + ": 5 repeated judgments: 4 items"), warning)
        XCTAssertTrue(
            warning.contains("judged up to 3 times; every row counts, as in FastChat's show_result.py"),
            warning)
        // Spread over the items with two or more scored rounds (81, 82, 83): SDs 1, 0 and 2.12.
        XCTAssertTrue(
            warning.contains(
                "mean SD 1.04 over 3 items, 2 of them (67%) scored differently, "
                    + "largest range 3"), warning)
    }

    func testRepeatsLastKeepsTheLastRoundAndMeanAveragesEachItem() throws {
        let last = try JudgmentSet.load(repeats, repeats: .last)
        XCTAssertEqual(last.single.count, 5)
        XCTAssertEqual(turnOneMean(last), 6.75)  // (6+7+6+8) / 4
        XCTAssertTrue(last.warnings.first?.message.contains("kept the last of each") == true)

        let mean = try JudgmentSet.load(repeats, repeats: .mean)
        XCTAssertEqual(mean.single.count, 5)
        XCTAssertEqual(mean.single.first { $0.questionID == "84_DE" }?.score, 8, "the failed round is left out")
        XCTAssertEqual(turnOneMean(mean), 7.375)  // (7+7+7.5+8) / 4
        XCTAssertEqual(mean.single.map(\.questionID), ["81_DE", "82_DE", "83_DE", "84_DE", "81_DE"], "first-seen order")
    }

    func testMalformedJudgmentLinesNameFileAndLineAndTheRestLoads() throws {
        let dir = temporaryDirectory()
        let good = #"{"question_id": "81_DE", "model": "m", "judge": ["gpt-4", "single-v1"], "score": 8, "turn": 1}"#
        let lines = [
            good,
            #"{"question_id": "82_DE", "model": "m", "judge": "gpt-4", "score": 8, "turn": 1}"#,
            #"{"question_id": "83_DE", "model": "m", "judge": ["gpt-4", "single-v1"], "score": "8", "turn": 1}"#,
            #"{"question_id": "84_DE", "model": "m", "judge": ["gpt-4", "single-v1"], "score": 8, "turn": 3}"#,
            #"{"question_id": "85_DE", "judge": ["gpt-4", "single-v1"], "score": 8, "turn": 1}"#,
            #"{"question_id": "86_DE", "model": "m", "judge": ["gpt-4", "single-v1"], "score": 12, "turn": 1}"#,
            "not json"
        ]
        let file = try EvalFixtures.write("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n", "j.jsonl", in: dir)
        let set = try JudgmentSet.load(file.path)
        XCTAssertEqual(set.single.map(\.questionID), ["81_DE", "86_DE"])
        XCTAssertEqual(
            set.warnings.map(\.description),
            [
                "\(file.path):7: expected one JSON object per line, found `not json…`",
                "\(file.path):2: expected `judge` to be [judge_model, prompt_name]",
                "\(file.path):3: expected numeric `score` (−1 for a failed judgment)",
                "\(file.path):4: expected `turn` to be 1 or 2, found 3",
                "\(file.path):5: expected string field `model`",
                "\(file.path):6: score 12 is outside 1–10; kept"
            ])
    }

    func testTornLastLineIsReportedDroppedAndRepairedBeforeAppending() throws {
        let dir = temporaryDirectory()
        let whole = #"{"question_id": "81_DE", "model": "m", "judge": ["gpt-4", "single-v1"], "score": 8, "turn": 1}"#
        let torn = #"{"question_id": "82_DE", "model": "m", "judge": ["gpt-4", "sin"#
        let file = try EvalFixtures.write(whole + "\n" + torn, "torn.jsonl", in: dir)
        let read = try JudgmentSet.load(file.path)
        XCTAssertEqual(read.single.count, 1)
        XCTAssertEqual(read.warnings.map(\.description), ["\(file.path):2: " + JSONL.tornLineMessage])

        let appender = try JSONLAppender(file)
        XCTAssertEqual(appender.repaired, EvalError(file: file.path, line: 2, JSONL.tornLineMessage))
        try appender.append([
            "question_id": "82_DE", "model": "m", "judge": ["gpt-4", "single-v1"], "score": 6,
            "turn": 1
        ])
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n", omittingEmptySubsequences: false).count, 3, "two lines and the end")
        XCTAssertTrue(text.hasPrefix(whole + "\n{"), "the torn bytes are gone, not glued to the next line")
        XCTAssertEqual(try JudgmentSet.load(file.path).single.map(\.score), [8, 6])
    }

    func testAWholeLastLineWithoutNewlineIsKeptAndEndedBeforeAppending() throws {
        let dir = temporaryDirectory()
        let whole = #"{"question_id": "81_DE", "model": "m", "judge": ["gpt-4", "single-v1"], "score": 8, "turn": 1}"#
        let file = try EvalFixtures.write(whole, "hand.jsonl", in: dir)
        XCTAssertEqual(try JudgmentSet.load(file.path).warnings, [])
        let appender = try JSONLAppender(file)
        XCTAssertNil(appender.repaired)
        try appender.append([
            "question_id": "82_DE", "model": "m", "judge": ["gpt-4", "single-v1"], "score": 6,
            "turn": 1
        ])
        XCTAssertEqual(try JudgmentSet.load(file.path).single.map(\.score), [8, 6])
    }

    func testBuiltinJudgmentsKeepTheirChecksInTheJSONLAndReloadThem() throws {
        let bench = Builtins.benchmark()
        let ids = ["151_DE", "113_FR", "121_IT"]
        let answers = AnswerSet(
            benchmark: bench,
            answers: [
                "m": ids.map { id in
                    let q = bench.question(id)!
                    // Turn 1 right, turn 2 a list of two candidates.
                    return ModelAnswer(
                        questionID: id, answerID: "", modelID: "m",
                        turns: [q.reference[0], q.keyWords[0] + ", " + q.keyWords[1]], tstamp: 0)
                }
            ])
        let judged = BuiltinJudge().judge(answers)
        XCTAssertTrue(judged.single.allSatisfy { $0.checks != nil })
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("checks-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("builtin_single.jsonl").path
        try judged.write(to: file)
        let line = try XCTUnwrap(String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").first)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        // FastChat's fields stay, the checks come as one more object.
        XCTAssertEqual(
            Set(object.keys),
            [
                "question_id", "model", "judge", "user_prompt", "judgment", "score", "turn",
                "tstamp", "checks"
            ])
        let checks = try XCTUnwrap(object["checks"] as? [String: Any])
        XCTAssertEqual(checks["answer_lang"] as? String, "de")
        XCTAssertEqual(checks["fact"] as? Bool, true)
        XCTAssertEqual(checks["wrong_facts"] as? Int, 0)
        let reloaded = try JudgmentSet.load(file, bench: bench)
        XCTAssertEqual(reloaded.single.map(\.checks), judged.single.map(\.checks))
        XCTAssertEqual(reloaded.single.map(\.score), judged.single.map(\.score))
        XCTAssertEqual(reloaded.single.filter { $0.turn == 2 }.map { $0.checks?.wrongFacts }, [1, 1, 1])
        XCTAssertTrue(reloaded.warnings.isEmpty, "\(reloaded.warnings)")
    }

    func testJudgmentLinesWithoutChecksOrWithMalformedOnesLoad() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("checks-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("gpt-4_single.jsonl")
        let head = #"{"question_id": "81_DE", "model": "m", "judge": ["gpt-4", "single-v1"], "score": 7, "turn": 1"#
        try
            (head + "}\n" + head.replacingOccurrences(of: "81_DE", with: "82_DE")
            + #", "checks": {"fact": "yes"}}"# + "\n").write(to: file, atomically: true, encoding: .utf8)
        let set = try JudgmentSet.load(file.path)
        XCTAssertEqual(set.single.count, 2)
        XCTAssertEqual(set.single.map { $0.checks == nil }, [true, true])
        XCTAssertEqual(set.warnings.count, 1)
        XCTAssertTrue(
            set.warnings[0].description.hasPrefix(file.path + ":2: expected `checks` to be"),
            set.warnings[0].description)
    }
}
