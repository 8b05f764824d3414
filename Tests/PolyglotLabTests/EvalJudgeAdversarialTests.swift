import Foundation
import XCTest

@testable import PolyglotLab

/// The built-in judge against adversarial answers built from the built-in benchmark's own references: every row
/// states which score range each judged turn must fall in, and a failure reports how many turns missed and their mean.
final class EvalJudgeAdversarialTests: XCTestCase {
    let bench = Builtins.benchmark()
    let judge = BuiltinJudge()

    /// Questions whose both turns ask for a fact of one kind, by MT-Bench number (see `WorldBench.swift`).
    static let capitals = 151...157, sums = 111...120, counts = 121...130

    struct Row {
        let name: String
        let numbers: [Int]
        let langs: [Lang]
        let expected: ClosedRange<Int>
        /// The answer for (question, 0-based turn), or nil to skip the turn.
        let answer: (BenchQuestion, Int) -> String?
    }

    func question(_ number: Int, _ lang: Lang) -> BenchQuestion { bench.question("\(number)_\(lang.code)")! }

    /// The fact words of the other questions of the block in the same language, for wrong facts of the same kind.
    func otherFacts(of q: BenchQuestion, turn: Int, in block: ClosedRange<Int>) -> [String] {
        let own = q.keyWords[turn]
        var seen = Set([own])
        return block.flatMap { question($0, q.lang).keyWords }.filter { seen.insert($0).inserted }
    }

    func block(_ q: BenchQuestion) -> ClosedRange<Int> {
        let n = Int(q.id.prefix { $0.isNumber })!
        return [Self.capitals, Self.sums, Self.counts].first { $0.contains(n) }!
    }

    func replacingFact(_ q: BenchQuestion, _ turn: Int, with other: String) -> String {
        q.reference[turn].replacingOccurrences(of: q.keyWords[turn], with: other)
    }

    /// Turn `turn` of the same question in another language (English for the others, German for English).
    func translated(_ q: BenchQuestion, _ turn: Int) -> String {
        let other: Lang = q.lang == .en ? .de : .en
        return bench.question(q.id.replacingOccurrences(of: "_\(q.lang.code)", with: "_\(other.code)"))!.reference[turn]
    }

    var rows: [Row] {
        let facts = Array(Self.capitals) + Array(Self.sums)
        let all = Lang.allCases
        return [
            Row(name: "the reference", numbers: facts + Array(Self.counts), langs: all, expected: 8...10) { q, t in
                q.reference[t]
            },
            Row(name: "the reference upper-cased", numbers: facts, langs: all, expected: 8...10) { q, t in
                q.reference[t].uppercased()
            },
            Row(
                name: "the reference lower-cased without punctuation", numbers: facts, langs: all,
                expected: 8...10
            ) { q, t in
                q.reference[t].lowercased().filter { !".,!?¿¡".contains($0) }
            },
            Row(name: "the reference with exclamation marks", numbers: facts, langs: all, expected: 8...10) { q, t in
                q.reference[t].replacingOccurrences(of: ".", with: "!!!")
            },
            Row(name: "right fact, then a wrong one", numbers: facts, langs: all, expected: 1...3) { q, t in
                guard let wrong = self.otherFacts(of: q, turn: t, in: self.block(q)).first else { return nil }
                return q.reference[t] + " " + self.replacingFact(q, t, with: wrong)
            },
            Row(name: "four candidates including the right one", numbers: facts, langs: all, expected: 1...3) { q, t in
                let wrong = self.otherFacts(of: q, turn: t, in: self.block(q)).prefix(3)
                guard wrong.count == 3 else { return nil }
                return [wrong[0], wrong[1], q.keyWords[t], wrong[2]].joined(separator: ", ") + "."
            },
            Row(name: "a wrong fact in the reference's template", numbers: facts, langs: all, expected: 1...3) { q, t in
                self.otherFacts(of: q, turn: t, in: self.block(q)).first.map { self.replacingFact(q, t, with: $0) }
            },
            Row(name: "the question echoed", numbers: facts + Array(Self.counts), langs: all, expected: 1...3) { q, t in
                q.turns[t]
            },
            Row(name: "the right fact in another language", numbers: facts, langs: all, expected: 1...3) { q, t in
                self.translated(q, t)
            },
            Row(
                name: "the English list of numbers to a question in another language", numbers: Array(Self.counts),
                langs: [.de, .fr, .it, .es], expected: 1...3
            ) { q, t in self.translated(q, t) },
            Row(
                name: "the answer in the question's language followed by the English one", numbers: facts,
                langs: [.de, .fr, .it, .es], expected: 1...3
            ) { q, t in q.reference[t] + " " + self.translated(q, t) },
            Row(name: "empty", numbers: facts, langs: all, expected: 1...1) { _, _ in "" },
            Row(name: "only punctuation", numbers: facts, langs: all, expected: 1...1) { _, _ in "?!… —" },
            Row(name: "the reference repeated 30 times", numbers: facts, langs: all, expected: 4...7) { q, t in
                Array(repeating: q.reference[t], count: 30).joined(separator: " ")
            },
            Row(
                name: "the sum in digits (number words asked)", numbers: Array(Self.sums), langs: all,
                expected: 4...7
            ) { q, t in
                String(WorldVocabulary.numbers.firstIndex { $0[q.lang] == q.keyWords[t] }!) + "."
            },
            Row(
                name: "the list of numbers in digits", numbers: Array(Self.counts), langs: all,
                expected: 8...10
            ) { q, t in
                q.reference[t].split(separator: ",").map { item in
                    let word = item.trimmingCharacters(in: .punctuationCharacters.union(.whitespaces)).lowercased()
                    return String(WorldVocabulary.numbers.firstIndex { $0[q.lang] == word }!)
                }.joined(separator: ", ") + "."
            }
        ]
    }

    func testEveryAdversarialAnswerScoresInItsRange() {
        for row in rows {
            var scores: [Int] = [], misses: [String] = []
            for number in row.numbers {
                for lang in row.langs {
                    let q = question(number, lang)
                    for t in q.turns.indices {
                        guard let answer = row.answer(q, t) else { continue }
                        let result = judge.judge(q, answer: answer, turn: t + 1)
                        scores.append(result.score)
                        if !row.expected.contains(result.score) {
                            misses.append("\(q.id) turn \(t + 1) «\(answer.prefix(80))» → \(result.score)")
                        }
                    }
                }
            }
            XCTAssertFalse(scores.isEmpty, row.name)
            let mean = Double(scores.reduce(0, +)) / Double(max(1, scores.count))
            XCTAssert(
                misses.isEmpty,
                "\(row.name): \(misses.count) of \(scores.count) turns outside \(row.expected) "
                    + "(mean \(String(format: "%.1f", mean))), e.g. \(misses.prefix(2).joined(separator: "; "))")
        }
    }

    func checks(_ q: BenchQuestion, _ t: Int, _ answer: String, lenient: Bool = false) -> BuiltinVerdict {
        BuiltinJudge(lenient: lenient).judge(q, answer: answer, turn: t + 1)
    }

    func testEveryReferenceOfTheBenchmarkPassesEveryCheck() {
        var failures: [String] = []
        for q in bench.questions {
            XCTAssertEqual(q.truth.count, q.turns.count, q.id)
            for t in q.turns.indices {
                let v = checks(q, t, q.reference[t])
                guard let c = v.checks, v.score == 10, c.fact, c.factAny, c.wrongFacts == 0, c.form, !c.echo,
                    c.answerLang == nil || c.answerLang == q.lang
                else {
                    failures.append("\(q.id) turn \(t + 1) «\(q.reference[t])»: \(v.explanation)")
                    continue
                }
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) references fail: \(failures.prefix(3).joined(separator: "; "))")
    }

    func testTheChecksTellTheRightFactInAnotherLanguageFromAWrongAnswer() {
        for lang in [Lang.de, .fr] {
            let q = question(151, lang), t = 0
            let wrongFact = otherFacts(of: q, turn: t, in: Self.capitals)[0]
            let translated = checks(q, t, translated(q, t)).checks!
            XCTAssertTrue(translated.factAny, "\(lang)")
            XCTAssertEqual(translated.answerLang, .en)
            XCTAssertEqual(translated.wrongFacts, 0)
            let wrong = checks(q, t, replacingFact(q, t, with: wrongFact)).checks!
            XCTAssertFalse(wrong.fact || wrong.factAny, "\(lang)")
            XCTAssertEqual(wrong.wrongFacts, 1)
            XCTAssertEqual(wrong.answerLang, lang)
            let drowned = checks(q, t, q.reference[t] + " " + replacingFact(q, t, with: wrongFact)).checks!
            XCTAssertTrue(drowned.fact)
            XCTAssertEqual(drowned.wrongFacts, 1)
            let echo = checks(q, t, q.turns[t])
            XCTAssertTrue(echo.checks!.echo)
            XCTAssertFalse(echo.checks!.fact)
            XCTAssertEqual(echo.score, 2)
            XCTAssertTrue(echo.explanation.hasSuffix("Rating: [[2]]"), echo.explanation)
            // A wrong fact in the question's words is a wrong answer, not an echo.
            let other = checks(q, t, q.turns[t].replacingOccurrences(of: "?", with: "") + " " + wrongFact + ".")
            XCTAssertEqual([other.checks!.echo, other.checks!.fact], [false, false], other.explanation)
            XCTAssertEqual(other.score, 1)
        }
        // The list of numbers: the English answer states the run in English only; the German one in German.
        let list = question(121, .de)
        let english = checks(list, 0, translated(list, 0))
        XCTAssertEqual([english.checks!.fact, english.checks!.factAny], [false, true])
        XCTAssertEqual(english.score, 3)
        XCTAssertEqual(checks(list, 0, list.reference[0]).score, 10)
    }

    /// "Mexico" in an English question is the country, though it reads as the French capital: it must not count as
    /// the capital being asked already, or "… is Mexico City." would state it only in another language.
    func testAQuestionWordReadOnlyInAnotherLanguageDoesNotHideTheAnswer() {
        let mexico = WorldVocabulary.countries.firstIndex { $0.country[.en] == "Mexico" }!
        let truth = TurnFact(kind: .capital, index: mexico)
        let question = "And the capital of Mexico?"
        let right = AnswerChecks.check(
            answer: "The capital of Mexico is Mexico City.", question: question, reference: nil, truth: truth, lang: .en
        )
        XCTAssertTrue(right.fact)
        XCTAssertTrue(right.factAny)
        let echo = AnswerChecks.check(answer: question, question: question, reference: nil, truth: truth, lang: .en)
        XCTAssertFalse(echo.fact)
        XCTAssertFalse(echo.factAny)
    }

    func testTheLenientVariantReadsPastLanguageAndForm() {
        let q = question(151, .de), sum = question(111, .fr)
        XCTAssertEqual(checks(q, 0, translated(q, 0), lenient: true).score, 10)
        XCTAssertEqual(checks(q, 0, translated(q, 0)).score, 3)
        let digits = String(WorldVocabulary.numbers.firstIndex { $0[.fr] == sum.keyWords[0] }!)
        XCTAssertEqual(checks(sum, 0, digits, lenient: true).score, 10)
        XCTAssertEqual(checks(sum, 0, digits).score, 7)
        // Still not fooled by candidates or echoes.
        let wrong = otherFacts(of: q, turn: 0, in: Self.capitals)
        XCTAssertEqual(checks(q, 0, q.reference[0] + " " + replacingFact(q, 0, with: wrong[0]), lenient: true).score, 3)
        XCTAssertEqual(checks(q, 0, q.turns[0], lenient: true).score, 2)
    }
}
