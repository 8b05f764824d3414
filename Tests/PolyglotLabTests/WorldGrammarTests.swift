import XCTest
@testable import PolyglotLab

/// Pins the grammar the miniature world must get right: articles, contractions, elision, gender
/// agreement, German cases and verb-final clauses, Spanish question marks.
final class WorldGrammarTests: XCTestCase {
    private func statement(_ task: WorldTask, _ index: Int, _ lang: Lang, _ template: Int = 0) -> String {
        let fact = WorldFact(task: task, index: index)
        return WorldGrammar.render(
            WorldPhrases.of(task, lang).statements[template], WorldFacts.slots(fact, lang).slots, lang)
    }

    private func question(_ task: WorldTask, _ index: Int, _ lang: Lang, _ template: Int = 0) -> String {
        let fact = WorldFact(task: task, index: index)
        return WorldGrammar.render(
            WorldPhrases.of(task, lang).questions[template], WorldFacts.slots(fact, lang).slots, lang)
    }

    private func country(_ name: String) -> Int {
        WorldVocabulary.countries.firstIndex { $0.country[.en] == name } ?? -1
    }

    func testFrenchOfPhrasesContractAndElide() {
        XCTAssertEqual(statement(.capital, country("France"), .fr), "La capitale de la France est Paris.")
        XCTAssertEqual(statement(.capital, country("Japan"), .fr), "La capitale du Japon est Tokyo.")
        XCTAssertEqual(statement(.capital, country("the Netherlands"), .fr), "La capitale des Pays-Bas est Amsterdam.")
        XCTAssertEqual(statement(.capital, country("Austria"), .fr), "La capitale de l'Autriche est Vienne.")
        XCTAssertEqual(statement(.capital, country("Cuba"), .fr), "La capitale de Cuba est La Havane.")
        XCTAssertEqual(statement(.capital, country("Hungary"), .fr), "La capitale de la Hongrie est Budapest.")
        XCTAssertEqual(statement(.capital, country("Egypt"), .fr), "La capitale de l'Égypte est Le Caire.")
        XCTAssertEqual(question(.capital, country("Japan"), .fr), "Quelle est la capitale du Japon ?")
    }

    func testFrenchElisionBeforeVowelsButNotBeforeHuitOnzeOrAspiratedH() {
        // add index = 11 * a + b; statement 3 is "La somme de {A} et de {B} est {C}."
        XCTAssertEqual(statement(.add, 11 * 1 + 2, .fr, 3), "La somme d'un et de deux est trois.")
        XCTAssertEqual(statement(.add, 11 * 8 + 3, .fr, 3), "La somme de huit et de trois est onze.")
        let open = WorldVocabulary.opposites.firstIndex { $0.0[.en] == "open" }!
        XCTAssertEqual(statement(.opposite, 2 * open, .fr), "Le contraire d'ouvert est fermé.")
        let high = WorldVocabulary.opposites.firstIndex { $0.0[.en] == "high" }!
        XCTAssertEqual(statement(.opposite, 2 * high, .fr), "Le contraire de haut est bas.")
        XCTAssertEqual(
            statement(.capital, country("the Netherlands"), .fr, 2),
            "Tout le monde sait que la capitale des Pays-Bas est Amsterdam.")
        XCTAssertEqual(statement(.month, 2, .fr, 3), "Mars est suivi d'avril.")
    }

    func testItalianArticlesAndPrepositions() {
        XCTAssertEqual(statement(.capital, country("Italy"), .it), "La capitale dell'Italia è Roma.")
        XCTAssertEqual(statement(.capital, country("Japan"), .it), "La capitale del Giappone è Tokyo.")
        XCTAssertEqual(statement(.capital, country("the Netherlands"), .it), "La capitale dei Paesi Bassi è Amsterdam.")
        XCTAssertEqual(statement(.capital, country("Egypt"), .it), "La capitale dell'Egitto è Il Cairo.")
        XCTAssertEqual(statement(.capital, country("Cuba"), .it), "La capitale di Cuba è L'Avana.")
        let elephant = WorldVocabulary.things.firstIndex { $0.thing[.en] == "the elephant" }!
        XCTAssertEqual(statement(.colour, elephant, .it), "L'elefante è grigio.")
        let writing = WorldInstructionForms.render(
            InstructionPlan(
                kind: .writing, fact: WorldFact(task: .capital, index: country("Austria")), second: nil, question: 0,
                answer: 0), .it)
        XCTAssertEqual(writing.user[0], "Scrivi una frase sulla capitale dell'Austria.")
    }

    func testGermanCasesAndVerbFinalClauses() {
        XCTAssertEqual(statement(.capital, country("Austria"), .de), "Die Hauptstadt von Österreich ist Wien.")
        XCTAssertEqual(statement(.capital, country("Switzerland"), .de), "Die Hauptstadt der Schweiz ist Bern.")
        XCTAssertEqual(
            statement(.capital, country("the Netherlands"), .de), "Die Hauptstadt der Niederlande ist Amsterdam.")
        XCTAssertEqual(statement(.colour, 0, .de, 2), "Jeder weiß, dass der Schnee weiß ist.")
        XCTAssertEqual(question(.colour, 0, .de, 1), "Was ist die Farbe vom Schnee?")
        XCTAssertEqual(question(.colour, 1, .de, 1), "Was ist die Farbe der Milch?")
        XCTAssertEqual(question(.day, 0, .de), "Welcher Tag kommt nach Montag?")
        XCTAssertEqual(question(.successor, 3, .de), "Welche Zahl kommt nach drei?")
    }

    func testSpanishContractionsAndQuestionMarks() {
        XCTAssertEqual(
            statement(.capital, country("the Netherlands"), .es), "La capital de los Países Bajos es Ámsterdam.")
        XCTAssertEqual(statement(.successor, 7, .es), "Después del siete viene el ocho.")
        XCTAssertEqual(statement(.successor, 7, .es, 3), "Al siete le sigue el ocho.")
        XCTAssertEqual(statement(.month, 0, .es), "Después de enero viene febrero.")
        XCTAssertEqual(question(.capital, country("France"), .es), "¿Cuál es la capital de Francia?")
        let run = WorldFacts.countRuns.firstIndex { $0 == (5, 8) }!
        XCTAssertEqual(question(.count, run, .es), "Cuenta del cinco al ocho.")
    }

    func testColourAdjectivesAgreeInGender() {
        let snow = 0, banana = WorldVocabulary.things.firstIndex { $0.thing[.en] == "the banana" }!
        let grass = WorldVocabulary.things.firstIndex { $0.thing[.en] == "the grass" }!
        XCTAssertEqual(statement(.colour, snow, .fr), "La neige est blanche.")
        XCTAssertEqual(statement(.colour, snow, .it), "La neve è bianca.")
        XCTAssertEqual(statement(.colour, banana, .es), "El plátano es amarillo.")
        XCTAssertEqual(statement(.colour, grass, .fr), "L'herbe est verte.")
        XCTAssertEqual(statement(.colour, grass, .de), "Das Gras ist grün.")
    }

    func testCanonicalStatementEndsWithTheFactWord() {
        for lang in Lang.allCases {
            for task in WorldTask.allCases {
                for fact in WorldFacts.all(task) {
                    let s = WorldGrammar.render(
                        WorldPhrases.of(task, lang).statements[0], WorldFacts.slots(fact, lang).slots, lang)
                    XCTAssertTrue(s.hasSuffix(WorldFacts.slots(fact, lang).factWord + "."), "\(lang) \(task) \(s)")
                }
            }
        }
    }

    func testVocabularyIsClosedAndModerate() {
        // The tokenizer gets ~2,000 merges; the whole world must stay a few thousand distinct words.
        let sizes = Lang.allCases.map { WorldLanguageCheck.lexicon(for: $0).count }
        let total = Set(Lang.allCases.flatMap { WorldLanguageCheck.lexicon(for: $0) }).count
        print(
            "lexicon sizes \(zip(Lang.allCases.map(\.code), sizes).map { "\($0)=\($1)" }.joined(separator: " ")), distinct \(total)"
        )
        XCTAssertLessThan(total, 3_000)
        for size in sizes { XCTAssertGreaterThan(size, 250) }
        // Function words are language-specific enough to tell the languages apart.
        XCTAssertEqual(WorldLanguageCheck.identify("Was ist die Hauptstadt von Frankreich?"), .de)
        XCTAssertEqual(WorldLanguageCheck.identify("Quelle est la capitale de la France ?"), .fr)
        XCTAssertEqual(WorldLanguageCheck.identify("Qual è la capitale della Francia?"), .it)
        XCTAssertEqual(WorldLanguageCheck.identify("¿Cuál es la capital de Francia?"), .es)
        XCTAssertEqual(WorldLanguageCheck.identify("What is the capital of France?"), .en)
        XCTAssertNil(WorldLanguageCheck.identify("Madrid."))
        XCTAssertLessThan(WorldLanguageCheck.share(of: "Die capital de Francia ist Paris.", in: .de), 0.8)
    }
}
