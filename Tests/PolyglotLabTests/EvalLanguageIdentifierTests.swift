import Foundation
import XCTest

@testable import PolyglotLab

final class EvalLanguageIdentifierTests: XCTestCase {
    func testBuiltinIdentifierReachesNinetyFivePercentOnRealMTBenchXTurns() throws {
        let bench = try Benchmark.load(try EvalFixtures.requireMTBenchX())
        var correct = 0, total = 0
        var confusions: [String] = []
        for q in bench.questions {
            for turn in q.turns {
                total += 1
                let found = LanguageIdentifier.builtin.identify(turn)
                if found == q.lang {
                    correct += 1
                } else {
                    confusions.append("\(q.id) → \(found?.code ?? "nil"): \(turn.prefix(50))")
                }
            }
        }
        let accuracy = Double(correct) / Double(total)
        print("langid on MT-Bench-X turns: \(correct)/\(total) = \(Table.format(accuracy * 100))%")
        XCTAssertEqual(total, 800)
        XCTAssertGreaterThanOrEqual(accuracy, 0.95, confusions.joined(separator: "\n"))
    }

    func testEverydaySentencesNotInTheTrainingText() {
        let cases: [(String, Lang)] = [
            ("Where is the nearest pharmacy? I need something for my headache.", .en),
            ("Wo ist die nächste Apotheke? Ich brauche etwas gegen meine Kopfschmerzen.", .de),
            ("Où est la pharmacie la plus proche ? J'ai besoin de quelque chose contre le mal de tête.", .fr),
            ("Dov'è la farmacia più vicina? Ho bisogno di qualcosa per il mal di testa.", .it),
            ("¿Dónde está la farmacia más cercana? Necesito algo para el dolor de cabeza.", .es)
        ]
        for (text, lang) in cases { XCTAssertEqual(LanguageIdentifier.builtin.identify(text), lang, text) }
        XCTAssertNil(LanguageIdentifier.builtin.identify("12 + 7 = 19 !!"))
        let scores = LanguageIdentifier.builtin.scores("Guten Tag")
        XCTAssertEqual(scores.count, 5)
        XCTAssertTrue(zip(scores, scores.dropFirst()).allSatisfy { $0.logLikelihood >= $1.logLikelihood })
    }

    func testTrainingFromSamplesAndAddingText() {
        var id = LanguageIdentifier(samples: [.en: ["the cat sat on the mat"], .de: ["die Katze saß auf der Matte"]])
        XCTAssertEqual(id.identify("the mat"), .en)
        XCTAssertEqual(id.identify("der Katze"), .de)
        XCTAssertEqual(id.scores("x").count, 2)
        id.train(samples: [.it: ["il gatto sta sul tappeto"]])
        XCTAssertEqual(id.identify("il gatto"), .it)
        XCTAssertNil(LanguageIdentifier(samples: [:]).identify("hello"))
    }

    func testBuiltinTrainingTextIsAFewKilobytesPerLanguage() {
        for lang in Lang.allCases {
            let bytes = LanguageIdentifier.builtinTrainingText[lang, default: []].reduce(0) { $0 + $1.utf8.count }
            XCTAssertGreaterThan(bytes, 2500, lang.code)
        }
    }
}
