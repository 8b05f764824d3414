import Foundation
import XCTest

@testable import PolyglotLab

final class EvalBuiltinJudgeTests: XCTestCase {
    let judge = BuiltinJudge()

    func q(_ turn: String, lang: Lang = .en, reference: [String] = [], category: String = "reasoning") -> BenchQuestion
    {
        BenchQuestion(id: "1_\(lang.code)", category: category, lang: lang, turns: [turn], reference: reference)
    }

    func testCorrectnessFromNormalisedMatchThenTokenF1() {
        let question = q(
            "Where do you finish the race after passing the second runner?", reference: ["You are in second place."])
        XCTAssertEqual(judge.judge(question, answer: "you are in SECOND place", turn: 1).score, 10)
        XCTAssertEqual(
            judge.judge(question, answer: "After passing them, you are in second place now, of course.", turn: 1).score,
            10)
        // Tokens: answer "you are first" vs reference "you are in second place": common 2, P 2/3, R 2/5, F1 0.5 → 1 + 4.5 = 5.5 → 6.
        let partial = judge.judge(question, answer: "You are first.", turn: 1)
        XCTAssertEqual(partial.score, 6)
        XCTAssertTrue(partial.explanation.hasSuffix("Rating: [[6]]"))
        XCTAssertEqual(RatingParser.rating(partial.explanation), 6)
        XCTAssertEqual(judge.judge(question, answer: "Nobody knows what happens next.", turn: 1).score, 1)
        XCTAssertEqual(judge.judge(question, answer: "   ", turn: 1).score, 1)
        XCTAssertEqual(
            judge.judge(
                q("Tell me about your day in a few lines."), answer: "It was a quiet and pleasant day at home.", turn: 1
            ).score, 5)
        // Accents and case are folded: "Später" vs "spater".
        XCTAssertEqual(judge.tokenF1(judge.normalise("Später, bitte!"), judge.normalise("spater bitte")), 1)
    }

    func testKeyWordSeparatesTheRightFactFromAWrongOneInTheSameSentence() {
        let question = BenchQuestion(
            id: "115_EN", category: "math", lang: .en, turns: ["What is five plus six?"],
            reference: ["Five plus six is eleven."], keyWords: ["eleven"])
        XCTAssertEqual(judge.judge(question, answer: "Five plus six is eleven.", turn: 1).score, 10)
        // F1 of "five plus six is twelve" against the reference: 4 of 5 tokens in common → 0.8; no key word.
        let wrong = judge.judge(question, answer: "Five plus six is twelve.", turn: 1)
        XCTAssertEqual(wrong.score, 4, wrong.explanation)
        XCTAssertTrue(wrong.explanation.contains("lacks the key word 'eleven'"), wrong.explanation)
        // Key word present, F1 2·0.5·0.6/1.1 = 0.55 → 6 + 2.2 → 8.
        let loose = judge.judge(question, answer: "Well, five and six give eleven.", turn: 1)
        XCTAssertEqual(loose.score, 8, loose.explanation)
        // A key word that the question itself contains counts only when the answer says it more often.
        let zero = BenchQuestion(
            id: "116_EN", category: "math", lang: .en, turns: ["What is four plus zero?"],
            reference: ["Four plus zero is four."], keyWords: ["four"])
        XCTAssertTrue(
            BuiltinJudge(lenient: true).judge(zero, answer: "Four plus zero is five.", turn: 1).explanation.contains(
                "lacks the key word"))
        let capital = BenchQuestion(
            id: "151_DE", category: "humanities", lang: .de, turns: ["Was ist die Hauptstadt von Österreich?"],
            reference: ["Die Hauptstadt von Österreich ist Wien."], keyWords: ["Wien"])
        XCTAssertEqual(judge.judge(capital, answer: "Die Hauptstadt von Österreich ist Rom.", turn: 1).score, 4)
        XCTAssertEqual(judge.judge(capital, answer: "Wien.", turn: 1).score, 7)
    }

    func testWrongLanguageIsCappedAtTwo() {
        let question = q("Wie viel ist sechs mal sieben? Antworte mit einer Zahl.", lang: .de, reference: ["42"])
        XCTAssertEqual(judge.judge(question, answer: "Das Ergebnis ist 42.", turn: 1).score, 10)
        let english = judge.judge(question, answer: "The result of this multiplication is 42.", turn: 1)
        XCTAssertEqual(english.score, 2)
        XCTAssertTrue(english.explanation.contains("answer in EN, expected DE"), english.explanation)
        // The lenient judge reads past the language (and the form): correctness only.
        XCTAssertEqual(
            BuiltinJudge(lenient: true).judge(question, answer: "The result of this multiplication is 42.", turn: 1)
                .score, 10)
    }

    func testRequestedFormIsChecked() {
        let words = q("Describe the sea in at most 5 words.", category: "writing")
        XCTAssertEqual(judge.judge(words, answer: "Blue, wide and endless.", turn: 1).score, 5)
        XCTAssertEqual(
            judge.judge(words, answer: "The sea is blue and wide and it goes on forever and ever.", turn: 1).score, 2)
        let json = q("Return the names as JSON.", category: "extraction")
        XCTAssertEqual(
            judge.judge(json, answer: #"Here is the list you asked for: {"names": ["Ana", "Ben"]}"#, turn: 1).score, 5)
        XCTAssertEqual(judge.judge(json, answer: "The names are Ana and Ben.", turn: 1).score, 2)
        let list = q("Give a bullet list of three fruits.", category: "writing")
        XCTAssertEqual(
            judge.judge(list, answer: "Here are three fruits:\n- an apple\n- a pear\n- a plum", turn: 1).score, 5)
        XCTAssertEqual(judge.judge(list, answer: "Apples, pears and plums are all fine fruits.", turn: 1).score, 2)
        let sentences = q("Schreibe genau 2 Sätze über den Winter.", lang: .de, category: "writing")
        XCTAssertEqual(judge.judge(sentences, answer: "Der Winter ist kalt. Es schneit oft.", turn: 1).score, 5)
        XCTAssertEqual(judge.judge(sentences, answer: "Der Winter ist kalt.", turn: 1).score, 2)
        XCTAssertNil(
            judge.formViolation(question: "Is this a realistic plan?", answer: "Yes."),
            "no list request hidden in 'realistic'")
        // Too short to tell the language: "42" answers a German question without a cap.
        XCTAssertEqual(
            judge.judge(q("Wie viel ist sechs mal sieben?", lang: .de, reference: ["42"]), answer: "42", turn: 1).score,
            10)
    }

    func testJudgesEveryTurnOfAnAnswerSetDeterministically() {
        let bench = Benchmark(
            name: "mini",
            questions: [
                BenchQuestion(
                    id: "1_EN", category: "reasoning", lang: .en,
                    turns: ["What is two plus two?", "And three plus three?"], reference: ["4", "6"])
            ])
        let answers = AnswerSet(
            benchmark: bench,
            answers: [
                "m": [
                    ModelAnswer(
                        questionID: "1_EN", answerID: "", modelID: "m", turns: ["The answer is 4", "It is 7"], tstamp: 0
                    )
                ]
            ])
        let j = judge.judge(answers)
        XCTAssertEqual(j.single.map(\.score), [10, 1])
        XCTAssertEqual(j.single.map(\.turn), [1, 2])
        XCTAssertEqual(j.single.first?.judge, ["builtin", "builtin-v2"])
        XCTAssertEqual(judge.judge(answers).single.map(\.judgment), j.single.map(\.judgment))
        XCTAssertTrue(BuiltinJudge.rubricMarkdown.contains("capped at 2"))
    }
}
