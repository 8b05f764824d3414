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
            Row(name: "the reference", numbers: facts + Array(Self.counts), langs: all, expected: 8...10) { q, t in q.reference[t] },
            Row(name: "the reference upper-cased", numbers: facts, langs: all, expected: 8...10) { q, t in
                q.reference[t].uppercased()
            },
            Row(name: "the reference lower-cased without punctuation", numbers: facts, langs: all, expected: 8...10) { q, t in
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
            Row(name: "the English list of numbers to a question in another language", numbers: Array(Self.counts),
                langs: [.de, .fr, .it, .es], expected: 1...3) { q, t in self.translated(q, t) },
            Row(name: "the answer in the question's language followed by the English one", numbers: facts,
                langs: [.de, .fr, .it, .es], expected: 1...3) { q, t in q.reference[t] + " " + self.translated(q, t) },
            Row(name: "empty", numbers: facts, langs: all, expected: 1...1) { _, _ in "" },
            Row(name: "only punctuation", numbers: facts, langs: all, expected: 1...1) { _, _ in "?!… —" },
            Row(name: "the reference repeated 30 times", numbers: facts, langs: all, expected: 4...7) { q, t in
                Array(repeating: q.reference[t], count: 30).joined(separator: " ")
            },
            Row(name: "the sum in digits (number words asked)", numbers: Array(Self.sums), langs: all, expected: 4...7) { q, t in
                String(WorldVocabulary.numbers.firstIndex { $0[q.lang] == q.keyWords[t] }!) + "."
            },
            Row(name: "the list of numbers in digits", numbers: Array(Self.counts), langs: all, expected: 8...10) { q, t in
                q.reference[t].split(separator: ",").map { item in
                    let word = item.trimmingCharacters(in: .punctuationCharacters.union(.whitespaces)).lowercased()
                    return String(WorldVocabulary.numbers.firstIndex { $0[q.lang] == word }!)
                }.joined(separator: ", ") + "."
            },
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
            XCTAssert(misses.isEmpty, "\(row.name): \(misses.count) of \(scores.count) turns outside \(row.expected) "
                      + "(mean \(String(format: "%.1f", mean))), e.g. \(misses.prefix(2).joined(separator: "; "))")
        }
    }
}
