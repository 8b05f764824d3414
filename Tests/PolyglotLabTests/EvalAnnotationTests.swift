import Foundation
import XCTest

@testable import PolyglotLab

final class EvalAnnotationTests: XCTestCase {
    func answers() -> AnswerSet {
        let bench = Benchmark(
            name: "b",
            questions: [
                BenchQuestion(id: "81_DE", category: "writing", lang: .de, turns: ["Schreibe", "Kürzer"]),
                BenchQuestion(id: "111_DE", category: "math", lang: .de, turns: ["2+2?"], referenceAnswer: ["4"])
            ])
        func a(_ m: String, _ id: String, _ t: [String]) -> ModelAnswer {
            ModelAnswer(questionID: id, answerID: "", modelID: m, turns: t, tstamp: 0)
        }
        return AnswerSet(
            benchmark: bench,
            answers: [
                "m": [a("m", "81_DE", ["x", "y"]), a("m", "111_DE", ["4"])],
                "n": [a("n", "81_DE", ["u", "v"]), a("n", "111_DE", ["5"])]
            ])
    }

    func testScoreSkipBackStopAndResume() throws {
        let file = temporaryDirectory().appendingPathComponent("human_single.jsonl").path
        let items = try AnnotationSession.items(answers(), models: ["m"])
        XCTAssertEqual(items.map { "\($0.question.id)/\($0.turn)" }, ["81_DE/1", "81_DE/2", "111_DE/1"])
        var s = try AnnotationSession(items: items, annotator: "ana", file: file)
        XCTAssertEqual(s.position, 0)
        try s.handle(.score(7))
        XCTAssertThrowsError(try s.handle(.score(11)))
        XCTAssertThrowsError(try s.handle(.verdict(.model1)))
        try s.handle(.skip)
        XCTAssertEqual(s.current?.question.id, "111_DE")
        try s.handle(.back)
        try s.handle(.back)
        try s.handle(.back)
        XCTAssertEqual(s.position, 0)
        try s.handle(.score(8))  // corrects the first judgment: its line is replaced, not repeated
        try s.handle(.stop)
        XCTAssertTrue(s.isFinished)
        XCTAssertEqual(s.judgedCount, 1)

        let saved = try JudgmentSet.load(file)
        XCTAssertEqual(saved.single.map(\.score), [8], "the correction replaces the first score")
        XCTAssertEqual(saved.warnings, [], "no repeated row for FastChat's tools to count twice")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count, 1)
        XCTAssertEqual(saved.single.first?.judge, ["human:ana", "single-v1"])
        XCTAssertEqual(saved.single.first?.lang, .de)

        var resumed = try AnnotationSession(items: items, annotator: "ana", file: file)
        XCTAssertEqual(resumed.position, 1, "resumes at the first unjudged item")
        try resumed.handle(.score(3))
        try resumed.handle(.score(10))
        XCTAssertTrue(resumed.isFinished)
        XCTAssertEqual(resumed.judgedCount, 3)
        let all = try JudgmentSet.load(file)
        XCTAssertEqual(all.single.last?.judge, ["human:ana", "single-math-v1"])
        // Another annotator starts from the beginning on the same file.
        XCTAssertEqual(try AnnotationSession(items: items, annotator: "ben", file: file).position, 0)
    }

    func testPairwiseVerdicts() throws {
        let file = temporaryDirectory().appendingPathComponent("human_pair.jsonl").path
        let items = try AnnotationSession.items(answers(), models: ["m", "n"], pairwise: true)
        XCTAssertEqual(items.count, 3)
        var s = try AnnotationSession(items: items, annotator: "ana", file: file)
        XCTAssertThrowsError(try s.handle(.score(5)))
        try s.handle(.verdict(.model2))
        try s.handle(.verdict(.tie))
        try s.handle(.verdict(.bothBad))
        XCTAssertTrue(s.isFinished)
        let saved = try JudgmentSet.load(file)
        XCTAssertEqual(saved.pairs.map(\.verdict), [.model2, .tie, .bothBad])
        XCTAssertEqual(saved.pairs.last?.judge, ["human:ana", "pair-math-v1"])
        XCTAssertThrowsError(try AnnotationSession.items(answers(), models: ["m"], pairwise: true))
    }
}
