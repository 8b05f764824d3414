import XCTest
@testable import PolyglotLab

/// The benchmark holds out what it should (issue 19): held-out phrasings, distinct facts, and no fact of the
/// benchmark in a tuning conversation up to trivial rewording, checked on the exported files.
final class WorldHoldoutTests: XCTestCase {
    static let world = WorldBenchTests.world
    static let bench = WorldBenchTests.bench

    func testManyDistinctFactsStandBehindTheBenchmark() {
        let turns = Self.bench.filter { $0.lang == .en }.reduce(0) { $0 + $1.turns.count }
        let distinct = MiniatureWorld.distinctFacts(Self.bench.filter { $0.lang == .en })
        print("builtin:bench: \(distinct) distinct facts behind \(turns) turns")
        XCTAssertEqual(turns, 160)
        XCTAssertGreaterThanOrEqual(distinct, 120)
        // Other seeds hold out other facts; the layout keeps them about as many.
        for seed: UInt64 in [1, 2, 3] {
            let other = MiniatureWorld.distinctFacts(MiniatureWorld(seed: seed).bench().filter { $0.lang == .en })
            print("seed \(seed): \(other) distinct facts")
            XCTAssertGreaterThanOrEqual(other, 120, "seed \(seed)")
        }
        for lang in Lang.allCases {
            XCTAssertEqual(MiniatureWorld.distinctFacts(Self.bench.filter { $0.lang == lang }), distinct, "\(lang)")
        }
    }

    func testTheTuningSetsKeepTheirSize() {
        XCTAssertEqual(WorldDataTests.lima.count, 1_000)
        XCTAssertEqual(WorldDataTests.bactrian.count, 10_000)
        for task in WorldTask.allCases {
            XCTAssertFalse(Self.world.trainable(task).isEmpty, "\(task) has nothing left to train on")
        }
    }
}

extension WorldHoldoutTests {
    func testAboutAQuarterOfTheTurnsAskInPhrasingsNoTuningSetOrCorpusUses() {
        let turns = Self.bench.flatMap(\.phrasings)
        let unseen = Double(turns.filter { $0 == .unseen }.count) / Double(turns.count)
        print("builtin:bench: \(Int((unseen * 100).rounded())) % of the turns use held-out phrasings")
        XCTAssertEqual(unseen, 0.25, accuracy: 0.05)
        for q in Self.bench { XCTAssertEqual(q.phrasings.count, q.turns.count, q.id) }
        for category in MiniatureWorld.benchCategories.map(\.name) where category != "extraction" {
            XCTAssertTrue(
                Self.bench.contains { $0.category == category && $0.phrasings.contains(.unseen) }, category)
        }
        // The held-out templates, filled with every fact of their task, occur in no tuning message and no corpus unit.
        var tuning: [String] = []
        for item in WorldDataTests.lima + WorldDataTests.bactrian {
            for c in item.conversations.values { tuning += c.messages.map(\.content) }
        }
        let instructions = WordIndex(tuning)
        let units = CorpusUnits()
        let corpus = WordIndex((units.statements + units.questionAnswers).flatMap { $0.flatMap { $0 } })
        var checked = 0
        for lang in Lang.allCases {
            for task in WorldTask.allCases {
                let phrases = WorldPhrases.of(task, lang)
                var templates = WorldUnseenForms.of(task, lang).map { [$0.question, $0.followUp] } ?? []
                if let topic = phrases.topic {
                    templates.append(
                        WorldUnseenForms.writeFrame[lang.index].replacingOccurrences(of: "{T}", with: topic))
                }
                if task == .count {
                    templates += [WorldUnseenForms.listRequest[lang.index], WorldUnseenForms.listFollowUp(lang)]
                }
                for template in templates {
                    for fact in WorldFacts.all(task) {
                        let text = WorldGrammar.render(template, WorldFacts.slots(fact, lang).slots, lang)
                        XCTAssertFalse(instructions.anyContains(text), "held-out phrasing in a tuning set: \(text)")
                        XCTAssertFalse(corpus.anyContains(text), "held-out phrasing in the corpus: \(text)")
                        checked += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 3_000)
        // The direct questions marked unseen are exactly those asked with the held-out templates.
        for q in Self.bench where ["reasoning", "math", "stem", "humanities"].contains(q.category) {
            let held = WorldUnseenForms.of(q.facts[0].task, q.lang)!
            let rendered = zip([held.question, held.followUp], q.facts).map { template, fact in
                WorldGrammar.render(template, WorldFacts.slots(fact, q.lang).slots, q.lang)
            }
            XCTAssertEqual(q.turns.map { rendered.contains($0) }, q.phrasings.map { $0 == .unseen }, q.id)
        }
    }
}

extension WorldHoldoutTests {
    /// The split on the exported files: the built-in sets written with `DatasetExporter` and the benchmark with
    /// `writeFastChat`, read back with their loaders; every text is read into claims from its words alone
    /// (`ClaimReader`), and no benchmark turn may state only claims some tuning conversation states.
    func testNoBenchmarkFactReachesATuningSetUpToTrivialRewordingInTheExportedFiles() throws {
        let dir = temporaryDirectory()
        var messages: [Lang: Set<String>] = [:]  // bactrian-mini repeats recipes: read each text once
        var conversations = 0
        for name in Builtins.datasetNames {
            let folder = dir.appendingPathComponent(name).path
            try DatasetExporter.export(Builtins.dataset(name)!, to: folder, layout: .perLanguage)
            for example in try DatasetLoader.load(folder).items.flatMap(\.examples) {
                // Each message in the language it is written in: a mixed-language answer ("The bee says buzz." in
                // a Spanish item) read as Spanish would name the sheep ("bee" is its sound in Spanish).
                for text in example.conversation.messages.map(\.content) {
                    messages[WorldLanguageCheck.identify(text) ?? example.lang, default: []].insert(text)
                }
                conversations += 1
            }
        }
        XCTAssertEqual(conversations, 5 * 11_000)
        var tuningClaims = Set<FactClaim>()
        for (lang, texts) in messages {
            for text in texts { tuningClaims.formUnion(ClaimReader.of(lang).claims(text)) }
        }
        _ = try Builtins.benchmark().writeFastChat(to: dir.appendingPathComponent("bench").path)
        let bench = try Benchmark.load(dir.appendingPathComponent("bench").path)
        XCTAssertEqual(bench.questions.count, 400)
        var leaks: [String] = []
        for q in bench.questions {
            for turn in q.turns.indices {
                let claims = ClaimReader.of(q.lang).claims(q.turns[turn] + " " + q.reference[turn])
                XCTAssertFalse(claims.isEmpty, "\(q.id) turn \(turn + 1) states no fact the reader knows")
                if !claims.isEmpty && claims.isSubset(of: tuningClaims) {
                    leaks.append("\(q.id) turn \(turn + 1): \(q.turns[turn]) \(claims)")
                }
            }
        }
        XCTAssertEqual(leaks, [], "\(leaks.count) benchmark turns state only what a tuning conversation states")
    }

    /// The reader finds in every curated conversation what its item is about (so it can find a leak).
    func testTheClaimReaderReadsWhatEveryCuratedItemStates() {
        for item in WorldDataTests.lima {
            let stated = item.facts.reduce(Set<FactClaim>()) { $0.union($1.claims) }
            for (lang, conversation) in item.conversations {
                let read = ClaimReader.of(lang).claims(conversation.messages.map(\.content).joined(separator: " "))
                XCTAssertTrue(stated.isSubset(of: read), "\(item.id) \(lang): \(stated) not all in \(read)")
            }
        }
        let en = ClaimReader.of(.en)
        XCTAssertEqual(en.claims("Four plus three is seven."), [.sum(3, 4)])
        XCTAssertEqual(en.claims("If you add three to four, you get seven."), [.sum(3, 4)])
        XCTAssertEqual(en.claims("One plus five is six."), [.sum(1, 5), .step(5)])
        XCTAssertEqual(en.claims("Two, three, four."), [.step(2), .step(3)])
        XCTAssertEqual(en.claims("Five comes after four."), [.step(4)])
        XCTAssertEqual(ClaimReader.of(.fr).claims("Dix-sept, dix-huit."), [.step(17)])
        XCTAssertEqual(ClaimReader.of(.fr).claims("La capitale de l'Autriche est Vienne."), [.capital(0)])
        XCTAssertEqual(ClaimReader.of(.de).claims("Vienna?"), [])
        XCTAssertEqual(en.claims("Big and small are opposites."), [.opposite(0)])
        XCTAssertEqual(en.claims("What is the opposite of big?"), [])
    }
}

/// Reads the claims a text states in one language from its words: names of countries, capitals, things and animals
/// (and sounds) wherever they occur; a sum from the first two numbers of a sentence that adds; a step from two numbers
/// (days, months) next to each other in a sentence that does not add; an opposite pair when both words are in one
/// sentence. Independent of the generator's templates: only the vocabulary is shared.
struct ClaimReader {
    /// Multi-word names by their first word.
    private var names: [String: [([String], FactClaim)]] = [:]
    private var numbers: [String: Int] = [:], days: [String: Int] = [:], months: [String: Int] = [:]
    private var opposites: [String: [(pair: Int, side: Int)]] = [:]
    private let adding: Set<String> = [
        "plus", "sum", "add", "summe", "addiert", "somme", "ajoute", "più", "somma", "aggiunge", "más", "suma"
    ]

    static let readers = Lang.allCases.map(ClaimReader.init)
    static func of(_ lang: Lang) -> ClaimReader { readers[lang.index] }

    private init(_ lang: Lang) {
        typealias V = WorldVocabulary
        let articles: Set<String> = ["the", "die", "der", "das", "le", "la", "les", "l", "il", "lo", "i", "el", "los"]
        func name(_ phrase: String) -> [String] {
            Array(Self.tokens(phrase).drop { articles.contains($0) })
        }
        var named: [(String, FactClaim)] = []
        for (i, c) in V.countries.enumerated() {
            named += [(c.country[lang], .capital(i)), (c.capital[lang], .capital(i))]
        }
        for (i, t) in V.things.enumerated() { named.append((t.thing[lang], .colour(i))) }
        for (i, a) in V.animals.enumerated() { named += [(a.animal[lang], .sound(i)), (a.sound[lang], .sound(i))] }
        for (phrase, claim) in named {
            let words = name(phrase)
            names[words[0], default: []].append((words, claim))
        }
        for (i, n) in V.numbers.enumerated() { numbers[n[lang].lowercased()] = i }
        for (i, d) in V.days.enumerated() { days[d[lang].lowercased()] = i }
        for (i, m) in V.months.enumerated() { months[m[lang].lowercased()] = i }
        for (p, pair) in V.opposites.enumerated() {
            opposites[pair.0[lang].lowercased(), default: []].append((p, 0))
            opposites[pair.1[lang].lowercased(), default: []].append((p, 1))
        }
    }

    /// Lower-cased words; hyphens stay inside a word ("dix-sept", "Pays-Bas"), apostrophes split ("l'Autriche").
    static func tokens(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0 == "-") }.map(String.init)
    }

    func claims(_ text: String) -> Set<FactClaim> {
        var out = Set<FactClaim>()
        for sentence in text.split(whereSeparator: { ".?!".contains($0) }) {
            let words = Self.tokens(String(sentence))
            for (i, word) in words.enumerated() {
                for (name, claim) in names[word] ?? [] where words[i...].starts(with: name) { out.insert(claim) }
            }
            let values = words.compactMap { numbers[$0] }
            if words.contains(where: adding.contains) {
                if values.count >= 2 {
                    let (a, b) = (min(values[0], values[1]), max(values[0], values[1]))
                    out.insert(.sum(a, b))
                    if a == 1 { out.insert(.step(b)) } else if b == 1 { out.insert(.step(a)) }
                }
            } else {
                out.formUnion(steps(values, cycle: nil).map(FactClaim.step))
            }
            out.formUnion(steps(words.compactMap { days[$0] }, cycle: 7).map(FactClaim.day))
            out.formUnion(steps(words.compactMap { months[$0] }, cycle: 12).map(FactClaim.month))
            let sides = words.flatMap { opposites[$0] ?? [] }
            for (pair, side) in sides where side == 0 && sides.contains(where: { $0.pair == pair && $0.side == 1 }) {
                out.insert(.opposite(pair))
            }
        }
        return out
    }

    /// The first of each neighbouring pair of values that follow each other (in either order).
    private func steps(_ values: [Int], cycle: Int?) -> [Int] {
        zip(values, values.dropFirst()).compactMap { a, b in
            let next = { (x: Int) in cycle.map { (x + 1) % $0 } ?? x + 1 }
            return next(a) == b ? a : next(b) == a ? b : nil
        }
    }
}
