import XCTest
@testable import PolyglotLab

/// The miniature benchmark: shape, held-out facts, and separation from all training data.
final class WorldBenchTests: XCTestCase {
    static let world = MiniatureWorld(seed: 0)
    static let bench = world.bench()

    func testCountsPerCategoryAndLanguageAreExact() {
        let bench = Self.bench
        XCTAssertEqual(bench.count, 8 * 10 * 5)
        for (category, first) in MiniatureWorld.benchCategories {
            for lang in Lang.allCases {
                let qs = bench.filter { $0.category == category && $0.lang == lang }
                XCTAssertEqual(qs.map(\.number).sorted(), Array(first..<(first + 10)), "\(category) \(lang)")
            }
        }
        XCTAssertEqual(Set(bench.map(\.id)).count, bench.count)
        XCTAssertTrue(bench.contains { $0.id == "81_DE" })
        let table = MiniatureWorld.benchSummary(bench)
        for row in table.rows {
            XCTAssertEqual(row.dropFirst().prefix(5).map(\.double), Array(repeating: 10, count: 5))
        }
        let distinct = MiniatureWorld.distinctFacts(bench.filter { $0.lang == .en })
        XCTAssertTrue(table.notes.contains { $0.hasPrefix("\(distinct) distinct facts behind the 160 turns") })
        XCTAssertEqual(table.column("unseen turns")?.compactMap(\.double).reduce(0, +), 42)
    }

    func testEveryQuestionHasTwoTurnsReferencesAndFactWords() {
        for q in Self.bench {
            XCTAssertEqual(q.turns.count, 2, q.id)
            XCTAssertEqual(q.references.count, 2, q.id)
            XCTAssertEqual(q.factWords.count, 2, q.id)
            XCTAssertEqual(q.requiredForms.count, 2, q.id)
            for (ref, word) in zip(q.references, q.factWords) {
                XCTAssertTrue(ref.lowercased().contains(word.lowercased()), "\(q.id): \(ref) lacks \(word)")
            }
            // Expected language = question language, for questions and references alike.
            XCTAssertEqual(WorldLanguageCheck.identify((q.turns + q.references).joined(separator: " ")), q.lang, q.id)
            for text in q.turns + q.references {
                XCTAssertEqual(WorldLanguageCheck.share(of: text, in: q.lang), 1, text)
            }
            let sums: RequiredForm? = q.facts[0].task == .add ? .numberWord : nil
            let expectedForm: RequiredForm? =
                ["writing": .sentence, "coding": .list, "extraction": .factOnly, "math": .numberWord][q.category]
                ?? sums
            XCTAssertEqual(q.requiredForm, expectedForm, q.id)
        }
    }

    func testQuestionsAreParallelAcrossLanguages() {
        let byNumber = Dictionary(grouping: Self.bench, by: \.number)
        for (number, qs) in byNumber {
            XCTAssertEqual(qs.count, 5)
            XCTAssertEqual(Set(qs.map(\.facts)).count, 1, "question \(number) asks different facts per language")
            XCTAssertEqual(Set(qs.map(\.requiredForms)).count, 1)
        }
    }

    func testTurnTwoDependsOnTurnOne() {
        for q in Self.bench {
            if q.category == "extraction" {
                // The second turn names the value from turn 1's sentence and asks for its entity.
                XCTAssertTrue(q.turns[0].contains(q.factWords[1]), q.id)
            } else {
                XCTAssertNotEqual(q.facts[0], q.facts[1], q.id)
                XCTAssertEqual(q.facts[0].task, q.facts[1].task, q.id)
            }
        }
    }

    func testAllBenchmarkFactsAreHeldOut() {
        for q in Self.bench {
            for f in q.facts { XCTAssertTrue(Self.world.heldOut.contains(f), "\(q.id) uses trained fact \(f)") }
        }
    }

    func testNoBenchmarkStringAppearsInInstructionSetsOrCorpus() {
        let w = Self.world
        var instructionTexts: [String] = []
        for item in WorldDataTests.lima + WorldDataTests.bactrian {  // the same seed-0 sets, generated once
            for c in item.conversations.values { instructionTexts += c.messages.map(\.content) }
        }
        let instructions = WordIndex(instructionTexts)
        let units = CorpusUnits()
        let corpusUnits = WordIndex((units.statements + units.questionAnswers).flatMap { $0.flatMap { $0 } })
        let corpus = WordIndex(w.corpus(sentences: 20_000).map(\.text))
        for q in Self.bench {
            for turn in q.turns {
                XCTAssertFalse(instructions.anyContains(turn), "\(q.id) turn inside an instruction: \(turn)")
                XCTAssertFalse(corpusUnits.anyContains(turn), "\(q.id) turn in a corpus unit: \(turn)")
                XCTAssertFalse(corpus.anyContains(turn), "\(q.id) turn in the corpus: \(turn)")
            }
        }
    }

    func testKnowledgeProbesCoverEveryHeldOutFactInCorpusStyle() {
        let w = Self.world
        let probes = w.knowledgeProbes()
        let facts = w.heldOut.filter { $0.task != .capitalReverse }
        XCTAssertEqual(probes.count, facts.count * 5)
        let units = CorpusUnits()
        for p in probes {
            let sentence = p.prefix + " " + p.expected + "."
            XCTAssertTrue(
                units.statements[p.lang.index].contains { $0.contains(sentence) },
                "probe not in corpus style: \(sentence)")
            XCTAssertFalse(p.prefix.hasSuffix(" "))
        }
        let austria = WorldVocabulary.countries.firstIndex { $0.country[.en] == "Austria" }!
        let world = (0..<50).map { MiniatureWorld(seed: UInt64($0)) }.first {
            $0.heldOut.contains(WorldFact(task: .capital, index: austria))
        }
        let probe = world?.knowledgeProbes().first {
            $0.lang == .de && $0.fact == WorldFact(task: .capital, index: austria)
        }
        XCTAssertEqual(probe?.prefix, "Die Hauptstadt von Österreich ist")
        XCTAssertEqual(probe?.expected, "Wien")
    }

    func testBenchIsDeterministicPerSeedAndHeldOutDependsOnSeed() {
        XCTAssertEqual(MiniatureWorld(seed: 5).bench(), MiniatureWorld(seed: 5).bench())
        XCTAssertNotEqual(MiniatureWorld(seed: 5).heldOut, MiniatureWorld(seed: 6).heldOut)
    }
}

/// Substring search over many texts, narrowed by an inverted word index (a text can only contain
/// the needle if it contains the needle's inner words), with a byte-level search on the few candidates.
struct WordIndex {
    private let texts: [[UInt8]]
    private var postings: [String: [Int]] = [:]

    init(_ texts: [String]) {
        self.texts = texts.map { Array($0.utf8) }
        for (i, t) in texts.enumerated() {
            for w in Set(WorldGrammar.words(t)) { postings[w, default: []].append(i) }
        }
    }

    func anyContains(_ needle: String) -> Bool {
        // The needle's first and last word may match inside a longer word; the inner ones may not.
        var words = WorldGrammar.words(needle)
        if words.count > 2 { words = Array(words.dropFirst().dropLast()) }
        guard let rarest = words.min(by: { (postings[$0]?.count ?? 0) < (postings[$1]?.count ?? 0) }) else {
            return false
        }
        let n = Array(needle.utf8)
        return (postings[rarest] ?? []).contains { Self.find(n, in: texts[$0]) }
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8]) -> Bool {
        guard !needle.isEmpty, hay.count >= needle.count else { return needle.isEmpty }
        let first = needle[0]
        for start in 0...(hay.count - needle.count) where hay[start] == first {
            var k = 1
            while k < needle.count && hay[start + k] == needle[k] { k += 1 }
            if k == needle.count { return true }
        }
        return false
    }
}
