import XCTest
@testable import PolyglotLab

final class DataCompositionTests: DataTestCase {
    private var data: Dataset!

    override func setUpWithError() throws {
        try super.setUpWithError()
        data = try DatasetLoader.load(try parallelFolder(items: 103))
    }

    private func languageCounts(_ d: Dataset) -> [Lang: Int] {
        Dictionary(grouping: d.examples, by: \.lang).mapValues(\.count)
    }

    func testParallelAndMonolingualSizes() throws {
        let all = try data.parallel(Lang.allCases)
        XCTAssertEqual(all.exampleCount, 103 * 5)
        XCTAssertEqual(all.name, "par/ENDEFRITES")
        let defrites = try data.parallel([.de, .fr, .it, .es])
        XCTAssertEqual(defrites.exampleCount, 103 * 4)
        XCTAssertEqual(defrites.languages, [.de, .fr, .it, .es])
        XCTAssertTrue(defrites.items.allSatisfy { $0.translations.count == 4 })
        let mono = try data.monolingual(.fr)
        XCTAssertEqual(mono.examples.map(\.lang), Array(repeating: .fr, count: 103))
        XCTAssertEqual(mono.provenance.description, "parallel(FR) from par ← load(EN DE FR IT ES) from \(path("par"))")
    }

    func testSampledUsesEveryItemExactlyOnceAndDependsOnTheSeed() throws {
        let langs: [Lang] = [.de, .fr, .it, .es]
        let a = try data.sampled(langs, seed: 1)
        XCTAssertEqual(a.exampleCount, 103)
        XCTAssertEqual(a.items.map(\.id), data.items.map(\.id), "every item exactly once, in order")
        XCTAssertTrue(a.items.allSatisfy { $0.translations.count == 1 && langs.contains($0.languages[0]) })
        for ex in a.examples {  // the chosen translation is the item's own text in that language
            XCTAssertEqual(ex.conversation, data.item(ex.itemID)?.translations[ex.lang]?.conversation)
        }
        XCTAssertEqual(try data.sampled(langs, seed: 1).examples, a.examples, "same seed, same composition")
        XCTAssertNotEqual(
            try data.sampled(langs, seed: 2).examples.map(\.lang), a.examples.map(\.lang), "different seeds differ")
        XCTAssertEqual(Set(languageCounts(a).keys), Set(langs), "103 draws hit all four languages")
        XCTAssertEqual(a.provenance.seed, 1)
        XCTAssertEqual(a.provenance.parents, [data.provenance])
    }

    func testCorruptAnswersAShareOfItemsWithAnotherItemsRepliesInEveryLanguage() throws {
        let noisy = try data.withWrongReplies(share: 0.25, seed: 1)
        XCTAssertEqual(noisy.items.map(\.id), data.items.map(\.id), "the same items, in order: equal size")
        var corrupted = 0
        for (clean, item) in zip(data.items, noisy.items) {
            var donors: Set<String> = []
            for lang in clean.languages {
                let before = clean.translations[lang]!.conversation, after = item.translations[lang]!.conversation
                XCTAssertEqual(after.userTurns, before.userTurns, "instructions are kept")
                if after != before {
                    // "de answer number 17": another item's reply, in the same language.
                    let reply = after.assistantTurns[0]
                    XCTAssertTrue(reply.hasPrefix("\(lang.code) answer number "), reply)
                    donors.insert(String(reply.split(separator: " ").last!))
                }
            }
            if !donors.isEmpty {
                corrupted += 1
                XCTAssertEqual(donors.count, 1, "one donor for all translations of \(clean.id)")
                let changed = clean.languages.filter {
                    item.translations[$0]!.conversation != clean.translations[$0]!.conversation
                }
                XCTAssertEqual(changed.count, 5, "every translation of \(clean.id)")
                XCTAssertNotEqual("alpaca-" + donors.first!, clean.id, "the reply of another item")
            }
        }
        XCTAssertEqual(corrupted, 26, "round(0.25 × 103)")
        XCTAssertEqual(noisy.provenance.n, 26)
        XCTAssertEqual(try data.withWrongReplies(share: 0.25, seed: 1).examples, noisy.examples, "seeded")
        XCTAssertNotEqual(try data.withWrongReplies(share: 0.25, seed: 2).examples, noisy.examples)
        XCTAssertEqual(try data.withWrongReplies(share: 0, seed: 1).examples, data.examples)
        XCTAssertThrowsError(try data.withWrongReplies(share: 1.5, seed: 1)) {
            XCTAssertEqual("\($0)", "share must be between 0 and 1, got 1.5")
        }
    }

    func testBalancedSamplingCountsDifferByAtMostOne() throws {
        for seed: UInt64 in 0..<5 {
            let s = try data.sampled(Lang.allCases, seed: seed, balanced: true)
            let counts = languageCounts(s).values
            XCTAssertEqual(counts.reduce(0, +), 103)
            XCTAssertLessThanOrEqual(try XCTUnwrap(counts.max()) - (try XCTUnwrap(counts.min())), 1)
            XCTAssertEqual(counts.count, 5)
        }
    }

    func testWeightedSamplingFollowsTheWeights() throws {
        let big = try DatasetLoader.load(try parallelFolder("big", items: 2000, langs: [.en, .de, .fr]))
        let s = try big.sampled(weights: [.en: 3, .de: 1, .fr: 0], seed: 4)
        let counts = languageCounts(s)
        XCTAssertEqual(s.exampleCount, 2000)
        XCTAssertNil(counts[.fr], "zero weight is never drawn")
        XCTAssertEqual(Double(counts[.en] ?? 0) / 2000, 0.75, accuracy: 0.04)
        XCTAssertThrowsError(try big.sampled(weights: [.en: 0], seed: 1))
        XCTAssertThrowsError(try big.sampled(weights: [.en: -1, .de: 2], seed: 1))
        XCTAssertThrowsError(try big.sampled(weights: [.en: .infinity], seed: 1))
    }

    func testSampleNKeepsTheSameIDsInEveryLanguage() throws {
        let small = try data.sample(n: 10, seed: 3)
        XCTAssertEqual(small.itemCount, 10)
        XCTAssertEqual(small.exampleCount, 50)
        for lang in Lang.allCases { XCTAssertEqual(small.examples(in: lang).map(\.itemID), small.items.map(\.id)) }
        XCTAssertEqual(try data.sample(n: 10, seed: 3).items.map(\.id), small.items.map(\.id))
        XCTAssertNotEqual(try data.sample(n: 10, seed: 4).items.map(\.id), small.items.map(\.id))
        let order = data.items.map(\.id)
        let positions = small.items.compactMap { order.firstIndex(of: $0.id) }
        XCTAssertEqual(positions, positions.sorted(), "a subset keeps the parent's order")
        XCTAssertEqual(small.provenance.n, 10)

        let perLang = try data.sample(n: 10, seed: 3, perLang: true)
        for lang in Lang.allCases { XCTAssertEqual(perLang.examples(in: lang).count, 10) }
        let idSets = Set(Lang.allCases.map { Set(perLang.examples(in: $0).map(\.itemID)) })
        XCTAssertGreaterThan(idSets.count, 1, "per-language draws are independent")

        XCTAssertThrowsError(try data.sample(n: 104, seed: 1)) { e in
            XCTAssertEqual((e as? CompositionError)?.message, "cannot sample 104 items from par, which has 103")
        }
        XCTAssertThrowsError(try data.sample(n: 0, seed: 1))
    }

    func testSplitKeepsItemsOnOneSide() throws {
        let (train, validation) = try data.split(validation: 0.1, seed: 9)
        XCTAssertEqual(validation.itemCount, 10)
        XCTAssertEqual(train.itemCount, 93)
        let trainIDs = Set(train.items.map(\.id)), validationIDs = Set(validation.items.map(\.id))
        XCTAssertTrue(trainIDs.isDisjoint(with: validationIDs))
        XCTAssertEqual(trainIDs.union(validationIDs), Set(data.items.map(\.id)))
        XCTAssertEqual(validation.exampleCount, 50, "all translations of a held-out item go together")
        XCTAssertEqual(try data.split(validation: 0.1, seed: 9).validation.items.map(\.id), validation.items.map(\.id))
        // Splitting a sampled set also splits by id.
        let sampled = try data.sampled(Lang.allCases, seed: 1)
        let parts = try sampled.split(validationCount: 20, seed: 2)
        XCTAssertTrue(Set(parts.train.items.map(\.id)).isDisjoint(with: parts.validation.items.map(\.id)))
        XCTAssertThrowsError(try data.split(validation: 1.0, seed: 1))
        XCTAssertThrowsError(try data.split(validationCount: 103, seed: 1))
    }

    func testShuffleAndTrainingOrder() throws {
        let shuffled = data.shuffled(seed: 5)
        XCTAssertEqual(Set(shuffled.items.map(\.id)), Set(data.items.map(\.id)))
        XCTAssertNotEqual(shuffled.items.map(\.id), data.items.map(\.id))
        XCTAssertEqual(data.shuffled(seed: 5).items.map(\.id), shuffled.items.map(\.id))

        let parallel = try data.parallel([.en, .de])
        let ordered = parallel.trainingExamples()
        XCTAssertEqual(
            ordered.prefix(4).map { "\($0.itemID)/\($0.lang.code)" },
            ["alpaca-0/EN", "alpaca-0/DE", "alpaca-1/EN", "alpaca-1/DE"])
        let mixed = parallel.trainingExamples(shuffleSeed: 8)
        XCTAssertEqual(mixed.count, 206)
        XCTAssertEqual(Set(mixed), Set(ordered))
        XCTAssertNotEqual(mixed, ordered)
        XCTAssertEqual(parallel.trainingExamples(shuffleSeed: 8), mixed)
    }

    func testIncompleteItemsAreLeftOutWithAWarningAndBadRequestsThrow() throws {
        try write(
            "gap/en.jsonl",
            "{\"instruction\": \"a\", \"output\": \"A\", \"id\": \"1\"}\n{\"instruction\": \"b\", \"output\": \"B\", \"id\": \"2\"}\n"
        )
        try write("gap/de.jsonl", "{\"instruction\": \"a\", \"output\": \"A\", \"id\": \"1\"}\n")
        let gap = try DatasetLoader.load(path("gap"))
        let p = try gap.parallel([.en, .de])
        XCTAssertEqual(p.items.map(\.id), ["1"])
        XCTAssertEqual(p.warnings, ["1 item lacking one of EN DE left out"])
        XCTAssertEqual(try gap.sampled([.en, .de], seed: 1).itemCount, 1)
        XCTAssertEqual(try gap.monolingual(.en).itemCount, 2)
        XCTAssertThrowsError(try gap.parallel([.fr])) { e in
            XCTAssertEqual("\(e)", "dataset gap has no FR examples (it has EN DE)")
        }
        XCTAssertThrowsError(try gap.parallel([.en, .en]))
        try write("disjoint/en.jsonl", "{\"instruction\": \"a\", \"output\": \"A\", \"id\": \"1\"}\n")
        try write("disjoint/de.jsonl", "{\"instruction\": \"a\", \"output\": \"A\", \"id\": \"2\"}\n")
        XCTAssertThrowsError(try DatasetLoader.load(path("disjoint")).sampled([.en, .de], seed: 1)) { e in
            XCTAssertEqual("\(e)", "no item of disjoint exists in all of EN DE (aligned by id)")
        }
        XCTAssertThrowsError(try gap.parallel([]))
    }

    func testStudyCompositions() throws {
        XCTAssertEqual(
            StudyComposition.all.map(\.description),
            ["EN", "DE", "FR", "IT", "ES", "ENDEFRITES", "DEFRITES", "ENDEFRITES-sampled", "DEFRITES-sampled"])
        XCTAssertEqual(StudyComposition.parse("EN_DE_FR_IT_ES_sampled"), .endefritesSampled)
        XCTAssertEqual(StudyComposition.parse("defrites"), .defrites)
        XCTAssertEqual(StudyComposition.parse("de"), .mono(.de))
        XCTAssertNil(StudyComposition.parse("ENDE"))
        let sizes = try StudyComposition.all.map { try $0.compose(data, seed: 1).exampleCount }
        XCTAssertEqual(sizes, [103, 103, 103, 103, 103, 515, 412, 103, 103])
        let sampled = try StudyComposition.defritesSampled.compose(data, seed: 1)
        XCTAssertEqual(sampled.name, "par/DEFRITES-sampled")
        XCTAssertFalse(sampled.languages.contains(.en))
    }

    func testDatasetFromGeneratedParallelItems() throws {
        let hello = Conversation(turns: ["hi", "hello"]), hallo = Conversation(turns: ["hallo", "hallo!"])
        let generated = Dataset(
            name: "mini", parallel: [("w-1", [.en: hello, .de: hallo]), ("w-2", [.en: hello]), ("w-1", [.fr: hello])],
            source: "miniature world seed=3")
        XCTAssertEqual(generated.items.map(\.id), ["w-1", "w-2"])
        XCTAssertEqual(generated.item("w-1")?.translations[.de]?.conversation, hallo)
        XCTAssertEqual(generated.languages, [.en, .de])
        XCTAssertEqual(generated.warnings, ["1 repeated id kept only at first occurrence (e.g. w-1)"])
        XCTAssertEqual(generated.provenance.description, "generate(EN DE) from miniature world seed=3")
        XCTAssertEqual(try generated.parallel([.en, .de]).itemCount, 1)
    }

    func testLanguageListsAndPreview() throws {
        XCTAssertEqual(Lang.parseList("ENDEFRITES"), Lang.allCases)
        XCTAssertEqual(Lang.parseList("DE_FR_IT_ES"), [.de, .fr, .it, .es])
        XCTAssertEqual(Lang.parseList("en, german"), [.en, .de])
        XCTAssertNil(Lang.parseList("ENXX"))
        XCTAssertNil(Lang.parseList("EN EN"))
        XCTAssertNil(Lang.parseList(""))
        let preview = try data.parallel([.de]).preview(1, width: 10)
        XCTAssertEqual(
            preview.rows.map { $0.map(\.text) },
            [
                ["alpaca-0", "DE", "user", "DE instru…", path("par/de.jsonl") + ":1"],
                ["alpaca-0", "DE", "assistant", "DE answer…", path("par/de.jsonl") + ":1"]
            ])
    }

    func testSummaryCarriesProvenanceAndPerLanguageCounts() throws {
        let s = try data.sample(n: 4, seed: 2).sampled([.en, .de], seed: 7, balanced: true)
        let table = s.summary()
        XCTAssertEqual(table.column("examples"), [.int(2), .int(2), .int(4)])
        XCTAssertTrue(
            table.notes.contains {
                $0.hasPrefix(
                    "provenance: sampled balanced(EN DE) seed=7 from par/sample4 ← sample(EN DE FR IT ES) seed=2 n=4 from par ← load"
                )
            }, "\(table.notes)")
    }
}
