import Foundation
import XCTest

@testable import PolyglotLab

final class StudyFindingsTests: XCTestCase {
    static let comps = [
        "EN", "DE", "FR", "IT", "ES", "ENDEFRITES", "DEFRITES", "ENDEFRITES_sampled", "DEFRITES_sampled"
    ]

    /// The provenance a grid gives the model of this test name: `base·data·COMPOSITION`, tuned 3 epochs, or with
    /// a fourth part `steps`, 189 steps (the names are the tests' shorthand; findings reads only the provenance);
    /// none for another name.
    static func provenance(_ name: String) -> ModelProvenance? {
        let parts = name.split(separator: "·").map(String.init)
        guard parts.count >= 3 else { return nil }
        return ModelProvenance(
            base: parts[0], dataset: parts[1], composition: parts[2],
            regime: parts.count > 3 && parts[3] == "steps" ? .steps(189) : .epochs(3), seed: 1)
    }

    static func judgment(
        _ model: String, question: Int, _ lang: Lang, score: Double, turn: Int = 1, category: String = "math",
        answerLang: Lang? = nil, provenance: ModelProvenance? = nil
    ) -> SingleJudgment {
        SingleJudgment(
            questionID: "\(question)_\(lang.code)", model: model, judge: BuiltinJudge.name, userPrompt: "",
            judgment: "", score: score, turn: turn, tstamp: 0, lang: lang, category: category,
            checks: answerLang.map {
                AnswerChecks(fact: true, factAny: true, wrongFacts: 0, answerLang: $0, form: true, echo: false)
            }, modelProvenance: provenance ?? Self.provenance(model))
    }

    /// One seed's judgments: every model gets `score(model, lang)` ± 0.5 on two questions per language, shifted by
    /// 0.1 per seed, so every contrast is the same on both questions (the questions add no spread).
    func run(_ models: [String], seed: Int, _ score: (GridModel, Lang) -> Double) -> JudgmentSet {
        var j = JudgmentSet()
        for name in models {
            for lang in Lang.allCases {
                for q in 0..<2 {
                    let s = score(GridModel(Self.provenance(name)!), lang) + (q == 0 ? -0.5 : 0.5) + Double(seed) * 0.1
                    j.single.append(Self.judgment(name, question: 111 + q, lang, score: s))
                }
            }
        }
        return j
    }

    func byComparison(_ study: StudyFindings) -> [String: StudyFindings.Contrast] {
        Dictionary(uniqueKeysWithValues: study.contrasts.map { ($0.comparison, $0) })
    }

    func testHolmMultipliesTheSortedPValuesStepDown() {
        // Sorted: 0.01 × 3 = 0.03, 0.03 × 2 = 0.06, 0.04 × 1 = 0.04 → raised to the 0.06 before it.
        for (got, want) in zip(Statistics.holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]) {
            XCTAssertEqual(got, want, accuracy: 1e-12)
        }
        XCTAssertEqual(Statistics.holm([0.5, 0.01]), [0.5, 0.02])
        XCTAssertEqual(Statistics.holm([0.9, 0.6]), [1, 1])
    }

    func testVerdictNeedsTheAdjustedIntervalAndAnEffectOfAtLeastTheMinimum() {
        XCTAssertEqual(
            Verdict.of(estimate: 0.15, p: 0.0001, pHolm: 0.001, minEffect: 0.2), .notShown("effect below 0.20"))
        XCTAssertEqual(Verdict.of(estimate: 0.2, p: 0.001, pHolm: 0.049, minEffect: 0.2), .reproduces)
        XCTAssertEqual(Verdict.of(estimate: -0.3, p: 0.001, pHolm: 0.01, minEffect: 0.2), .reversed)
        XCTAssertEqual(
            Verdict.of(estimate: 2.0, p: 0.05, pHolm: 0.05, minEffect: 0.2), .notShown("interval includes 0"))
        // The printed 95 % interval excludes 0, but not after Holm's adjustment: the reason says which.
        XCTAssertEqual(
            Verdict.of(estimate: 0.26, p: 0.007, pHolm: 0.66, minEffect: 0.2),
            .notShown("not significant after Holm"))
        XCTAssertEqual(Verdict.of(estimate: -0.15, p: 0, pHolm: 0, minEffect: 0.1), .reversed)
    }

    /// ENDEFRITES is 0.5 above DEFRITES on every question, whose levels range from 2 to 9: paired on the same
    /// resampled questions the difference never moves; two independent draws would spread it by several points.
    func testTheBootstrapPairsBothSidesOnTheSameQuestions() throws {
        var j = JudgmentSet()
        for q in 0..<8 {
            let level = 2 + Double(q)
            j.single.append(Self.judgment("dense·lima·DEFRITES", question: 81 + q, .de, score: level))
            j.single.append(Self.judgment("dense·lima·ENDEFRITES", question: 81 + q, .de, score: level + 0.5))
        }
        let study = try StudyFindings(runs: [j], options: FindingsOptions(resamples: 500, seed: 3))
        let c = try XCTUnwrap(byComparison(study)["dense·lima: S(ENDEFRITES) − S(DEFRITES)"])
        XCTAssertEqual(c.interval.estimate, 0.5, accuracy: 1e-12)
        XCTAssertEqual(c.interval.standardError, 0, accuracy: 1e-12)
        XCTAssertEqual(c.verdict, .reproduces)
        XCTAssertEqual(study.modelScores.first { $0.model.composition == "DEFRITES" }?.score.estimate ?? 0, 5.5)
        XCTAssertGreaterThan(study.modelScores[0].score.standardError, 0.5)
    }

    /// Two questions with differences 1 and 0: a resample draws {1,1}, {1,0} or {0,0} (¼, ½, ¼), so the standard
    /// error of the mean difference is 1/(2√2) = 0.354.
    func testOneSeedGetsItsIntervalFromTheQuestions() throws {
        var j = JudgmentSet()
        for (q, difference) in [(81, 1.0), (82, 0.0)] {
            j.single.append(Self.judgment("dense·lima·DEFRITES", question: q, .de, score: 5))
            j.single.append(Self.judgment("dense·lima·ENDEFRITES", question: q, .de, score: 5 + difference))
        }
        let study = try StudyFindings(runs: [j], options: FindingsOptions(resamples: 20000, seed: 1))
        let c = try XCTUnwrap(byComparison(study)["dense·lima: S(ENDEFRITES) − S(DEFRITES)"])
        XCTAssertEqual(c.interval.estimate, 0.5, accuracy: 1e-12)
        XCTAssertEqual(c.interval.standardError, 1 / (2 * 2.0.squareRoot()), accuracy: 0.01)
        XCTAssertEqual(c.seeds, 1)
        // Seeded: the same seed draws the same resamples, another seed others.
        let again = try StudyFindings(runs: [j], options: FindingsOptions(resamples: 20000, seed: 1))
        XCTAssertEqual(again.contrasts[0].interval, c.interval)
        let other = try StudyFindings(runs: [j], options: FindingsOptions(resamples: 20000, seed: 2))
        XCTAssertNotEqual(other.contrasts[0].interval.standardError, c.interval.standardError)
    }

    /// Seed 1 gains 1 point on every question, seed 2 none: only the seed level moves, 1/(2√2) again. Then both seeds
    /// gain (1, 0) on the same two questions: crossed, a resample's questions are the same in both seeds, so the
    /// spread is that of one seed (0.354), not 0.354/√2 = 0.25 as independent draws per seed would give.
    func testSeedsAndQuestionsAreBothResampledAndCrossed() throws {
        func seedRun(_ differences: [Double]) -> JudgmentSet {
            var j = JudgmentSet()
            for (q, d) in differences.enumerated() {
                j.single.append(Self.judgment("dense·lima·DEFRITES", question: 81 + q, .de, score: 5))
                j.single.append(Self.judgment("dense·lima·ENDEFRITES", question: 81 + q, .de, score: 5 + d))
            }
            return j
        }
        let options = FindingsOptions(resamples: 20000, seed: 5)
        let seedsOnly = try StudyFindings(runs: [seedRun([1, 1]), seedRun([0, 0])], options: options)
        XCTAssertEqual(seedsOnly.contrasts[0].interval.estimate, 0.5, accuracy: 1e-12)
        XCTAssertEqual(seedsOnly.contrasts[0].interval.standardError, 0.354, accuracy: 0.01)
        XCTAssertEqual(seedsOnly.contrasts[0].perSeed.map { $0 ?? .nan }, [1, 0])
        let crossed = try StudyFindings(runs: [seedRun([1, 0]), seedRun([1, 0])], options: options)
        XCTAssertEqual(crossed.contrasts[0].interval.standardError, 0.354, accuracy: 0.01)
    }

    func testContrastsFollowTheGridAndItsSeeds() throws {
        let models = Self.comps.map { "dense·lima·\($0)" } + Self.comps.map { "moe·lima·\($0)" }
        // Monolingual models: 8 in their own language, 2 elsewhere; ENDEFRITES 7 everywhere; DEFRITES 7 but 3 in EN;
        // sampled 5 everywhere; the MoE one point above the dense model except on seed 2.
        func score(_ m: GridModel, _ l: Lang, seed: Int) -> Double {
            let own: Double
            switch m.composition {
            case "ENDEFRITES": own = 7
            case "DEFRITES": own = l == .en ? 3 : 7
            case "ENDEFRITES_sampled", "DEFRITES_sampled": own = 5
            default: own = m.composition.lowercased() == l.code.lowercased() ? 8 : 2
            }
            return own + (m.base == "moe" ? (seed == 2 ? -3.0 : 1.0) : 0)
        }
        let runs = (0..<3).map { s in run(models, seed: s) { score($0, $1, seed: s) } }
        let study = try StudyFindings(runs: runs, options: FindingsOptions(resamples: 4000, seed: 7))
        XCTAssertEqual(study.seeds, 3)
        let c = byComparison(study)
        let mono = "mean S(EN, DE, FR, IT, ES)"
        // Mean of the monolingual models' S: (8 + 4 · 2) / 5 = 3.2; sampled 5 → +1.8, ENDEFRITES 7 → +3.8, every seed.
        for sampled in ["ENDEFRITES_sampled", "DEFRITES_sampled"] {
            let equal = try XCTUnwrap(c["dense·lima: S(\(sampled)) − \(mono)"])
            XCTAssertEqual(equal.finding, "1. multilingual beats monolingual at equal size")
            XCTAssertEqual(equal.interval.estimate, 1.8, accuracy: 1e-9)
            XCTAssertEqual(equal.interval.standardError, 0, accuracy: 1e-9)
            XCTAssertEqual(equal.verdict, .reproduces)
        }
        let full = try XCTUnwrap(c["dense·lima: S(ENDEFRITES) − \(mono)"])
        XCTAssertEqual(full.finding, "1. … with 5× the data and steps (not equal size)")
        XCTAssertEqual(full.interval.estimate, 3.8, accuracy: 1e-9)
        XCTAssertEqual(
            c["dense·lima: S(ENDEFRITES) − S(ENDEFRITES_sampled)"]?.interval.estimate ?? 0, 2, accuracy: 1e-9)
        // English: DEFRITES loses 4 points on EN only → 0 on DE FR IT ES (the primary row), 0.8 on all five.
        let nonEnglish = try XCTUnwrap(c["dense·lima: S(ENDEFRITES) − S(DEFRITES), S on DE, FR, IT, ES only"])
        XCTAssertEqual(nonEnglish.finding, "3. including English helps (on DE, FR, IT, ES)")
        XCTAssertEqual(nonEnglish.interval.estimate, 0, accuracy: 1e-9)
        XCTAssertEqual(nonEnglish.verdict, .notShown("interval includes 0"))
        let withEnglish = try XCTUnwrap(c["dense·lima: S(ENDEFRITES) − S(DEFRITES)"])
        XCTAssertEqual(withEnglish.finding, "3. … on all languages, incl. EN (never tuned by DEFRITES)")
        XCTAssertEqual(withEnglish.interval.estimate, 0.8, accuracy: 1e-9)
        // MoE − dense: +1, +1, −3 per seed on every composition → −1/3; the bootstrap over 3 seeds gives the standard
        // error of their mean with the population spread: √(((4/3)² · 2 + (8/3)²) / 3) / √3 = 1.089.
        for comp in Self.comps {
            let row = try XCTUnwrap(c["lima: S(moe·lima·\(comp)) − S(dense·lima·\(comp))"])
            for (got, want) in zip(row.perSeed, [1.0, 1, -3]) { XCTAssertEqual(got ?? .nan, want, accuracy: 1e-9) }
            XCTAssertEqual(row.interval.standardError, 1.089, accuracy: 0.05)
            XCTAssertEqual(row.verdict, .notShown("interval includes 0"))
        }
        let size = try XCTUnwrap(c["lima: mean over 9 compositions c of S(moe·lima·c) − S(dense·lima·c)"])
        XCTAssertEqual(size.interval.estimate, -1.0 / 3, accuracy: 1e-9)
        let wins = study.largerModelWins()
        XCTAssertEqual(wins.count, 1)
        XCTAssertEqual(
            [wins[0].reproduces, wins[0].reversed, wins[0].ahead, wins[0].compositions], [0, 0, 0, 9])
        XCTAssertEqual(wins[0].regime, "equal epochs (3)")
        // Holm over every row: the ones with no spread keep p = 0, the others are raised.
        XCTAssertEqual(study.contrasts.count, 2 * 7 + 9 + 1)
        XCTAssertTrue(study.contrasts.allSatisfy { $0.pHolm >= $0.interval.p })
        let md = study.markdown(title: "T", preamble: ["made by a test"], figures: ["figures/a.svg"])
        XCTAssertTrue(
            md.contains(
                "| 1. multilingual beats monolingual at equal size | dense·lima: S(ENDEFRITES_sampled) − "
                    + "mean S(EN, DE, FR, IT, ES) | +1.80 [+1.80, +1.80] | <0.001 | <0.001 | +1.80, +1.80, +1.80 | "
                    + "reproduces |"), md)
        XCTAssertTrue(
            md.contains("- equal epochs (3), lima: better in 0 of 9 compositions (reproduces), worse in 0 (reversed)"),
            md)
        XCTAssertTrue(md.contains("### Equal epochs (3)"), md)
        XCTAssertTrue(md.contains("Holm's step-down adjustment over all 24 comparisons"), md)
        XCTAssertTrue(md.contains("and the effect is at least +0.20 points (2 % of the scale)"), md)
        XCTAssertTrue(md.contains("![a.svg](figures/a.svg)"))
        XCTAssertTrue(
            md.contains("| dense | lima | ENDEFRITES | epochs 3 | 7.10 | 7.10 | 7.10 | 7.10 | 7.10 | 7.10 |"), md)
    }

    func testAnEffectBelowTheMinimumIsNotShownHoweverTightItsInterval() throws {
        let models = Self.comps.map { "dense·lima·\($0)" }
        func score(_ m: GridModel, _ l: Lang) -> Double {
            switch m.composition {
            case "ENDEFRITES_sampled": 3.15
            case "DEFRITES_sampled": 3.25
            default: GridModel.monolingual.contains(m.composition) ? (m.composition == l.code ? 7 : 2) : 5
            }
        }
        let study = try StudyFindings(runs: [run(models, seed: 0, score), run(models, seed: 1, score)])
        let c = byComparison(study)
        let small = try XCTUnwrap(c["dense·lima: S(ENDEFRITES_sampled) − mean S(EN, DE, FR, IT, ES)"])
        XCTAssertEqual(small.interval.estimate, 0.15, accuracy: 1e-9)
        XCTAssertEqual(small.pHolm, 0)
        XCTAssertEqual(small.verdict, .notShown("effect below 0.20"))
        let enough = try XCTUnwrap(c["dense·lima: S(DEFRITES_sampled) − mean S(EN, DE, FR, IT, ES)"])
        XCTAssertEqual(enough.interval.estimate, 0.25, accuracy: 1e-9)
        XCTAssertEqual(enough.verdict, .reproduces)
        let stricter = try StudyFindings(
            runs: [run(models, seed: 0, score)], options: FindingsOptions(minEffect: 0.3))
        XCTAssertEqual(
            byComparison(stricter)["dense·lima: S(DEFRITES_sampled) − mean S(EN, DE, FR, IT, ES)"]?.verdict,
            .notShown("effect below 0.30"))
    }

    /// EN scores 4, DE 5, the other monolingual models 4.5, ENDEFRITES 6: the largest pair is ENDEFRITES vs EN,
    /// +2 points = 20 % of the scale = 50 % of EN's 4.
    func testTheHeadlineNamesTheLargestPairInPointsAndBothPercentages() throws {
        let models = Self.comps.map { "moe·lima·\($0)" }
        func score(_ m: GridModel, _ l: Lang) -> Double {
            switch m.composition {
            case "EN": 4
            case "DE": 5
            case "ENDEFRITES": 6
            default: 4.5
            }
        }
        let study = try StudyFindings(runs: [run(models, seed: 0, score), run(models, seed: 1, score)])
        let h = try XCTUnwrap(study.headlines.first)
        XCTAssertEqual([h.base, h.data, h.multilingual, h.monolingual], ["moe", "lima", "ENDEFRITES", "EN"])
        XCTAssertEqual(h.points.estimate, 2, accuracy: 1e-9)
        XCTAssertEqual(h.scalePercent.estimate, 20, accuracy: 1e-9)
        // The seeds add 0 and 0.1 to every score: EN's mean over seeds is 4.05, so 2 / 4.05 × 100.
        XCTAssertEqual(h.monolingualScore, 4.05, accuracy: 1e-9)
        XCTAssertEqual(h.relativePercent.estimate, 2 / 4.05 * 100, accuracy: 1e-9)
        XCTAssertEqual(h.candidates, 4 * 5)
        let md = study.markdown(title: "T", preamble: [], figures: [])
        XCTAssertTrue(md.contains("**moe·lima: ENDEFRITES vs EN**"), md)
        XCTAssertTrue(md.contains("**+20.0 [+20.0, +20.0] % of the 10-point scale** (points × 10)"), md)
        XCTAssertTrue(md.contains("**+49.4 ["), md)
    }

    func testCategoryTurnAndWrongLanguageTables() throws {
        var j = JudgmentSet()
        let m = "dense·lima·EN"
        // Writing (81) scores 2 on turn 1 and 4 on turn 2; math (111) 6 and 8. The EN-tuned model answers in English:
        // wrong on DE questions (2 of 4 known answers); one short answer has no known language.
        for lang in [Lang.en, .de] {
            for (q, category, base) in [(81, "writing", 2.0), (111, "math", 6.0)] {
                for turn in [1, 2] {
                    let short = lang == .en && q == 111 && turn == 2
                    j.single.append(
                        Self.judgment(
                            m, question: q, lang, score: base + Double(turn - 1) * 2, turn: turn, category: category,
                            answerLang: short ? nil : .en))
                }
            }
        }
        let study = try StudyFindings(runs: [j])
        XCTAssertEqual(study.questions, 2)
        let categories = study.categoryTable()
        XCTAssertEqual(categories.columns, ["base", "data", "composition", "regime", "writing", "math"])
        XCTAssertEqual(categories.rows[0].suffix(2).map(\.double), [3, 7])
        let turns = study.turnTable()
        XCTAssertEqual(turns.rows[0].suffix(4).map(\.double), [4, 6, 0.5, 2.0 / 3])
        let scores = study.scoreTable()
        XCTAssertEqual(scores.column("wrong_lang")?.first?.double ?? 0, 4.0 / 7, accuracy: 1e-12)
        XCTAssertTrue(
            study.markdown(title: "T", preamble: [], figures: []).contains(
                "| base | data | composition | regime | EN | DE | S | ci_low | ci_high | seeds | wrong_lang |"))
    }

    func testALaterSeedMayRepeatPartOfTheGrid() throws {
        let full = Self.comps.map { "dense·lima·\($0)" } + Self.comps.map { "moe·lima·\($0)" }
        func score(_ m: GridModel, _ l: Lang) -> Double {
            m.composition == "ENDEFRITES" ? 6 : (m.base == "moe" ? 4 : 3)
        }
        let study = try StudyFindings(runs: [run(full, seed: 0, score), run(Array(full.prefix(9)), seed: 1, score)])
        let c = byComparison(study)
        let mono = "mean S(EN, DE, FR, IT, ES)"
        XCTAssertEqual(c["dense·lima: S(ENDEFRITES) − \(mono)"]?.seeds, 2)
        let moe = try XCTUnwrap(c["moe·lima: S(ENDEFRITES) − \(mono)"])
        XCTAssertEqual(moe.seeds, 1)
        XCTAssertEqual(moe.interval.estimate, 2, accuracy: 1e-9)
        XCTAssertEqual(moe.verdict, .reproduces)
        XCTAssertTrue(
            study.markdown(title: "T", preamble: [], figures: []).contains(
                "| +2.00 [+2.00, +2.00] | <0.001 | <0.001 | +2.00, – | reproduces |"))
    }

    func testAQuestionsTranslationsAreOneItem() {
        XCTAssertEqual(GridScores.item(Self.judgment("a·b·EN", question: 81, .de, score: 1)), "81")
        var odd = Self.judgment("a·b·EN", question: 81, .de, score: 1)
        odd.questionID = "q7"
        XCTAssertEqual(GridScores.item(odd), "q7")
    }

    /// A judgment of a model without provenance names the model and how to give it one; two models in one cell of a
    /// run, or one model with two provenances, are errors too.
    func testEveryModelNeedsOneProvenanceAndItsOwnCell() {
        var odd = JudgmentSet()
        odd.single.append(Self.judgment("dense·lima·EN", question: 111, .en, score: 5))
        odd.single.append(Self.judgment("my-model", question: 111, .en, score: 5))
        XCTAssertThrowsError(try StudyFindings(runs: [odd])) {
            XCTAssertTrue("\($0)".contains("run 1: model 'my-model' has no provenance"), "\($0)")
            XCTAssertTrue("\($0)".contains("tune … tag: {base: \"dense\""), "\($0)")
        }
        /// A run of one judgment per (model name, language, provenance's grid name).
        func runOf(_ judgments: [(model: String, lang: Lang, grid: String)]) -> JudgmentSet {
            var set = JudgmentSet()
            set.single = judgments.map {
                Self.judgment($0.model, question: 111, $0.lang, score: 5, provenance: Self.provenance($0.grid))
            }
            return set
        }
        let twice = runOf([("a", .en, "dense·lima·EN"), ("b", .en, "dense·lima·EN")])
        XCTAssertThrowsError(try StudyFindings(runs: [twice])) {
            XCTAssertTrue("\($0)".contains("models 'a' (dense·lima·EN, epochs 3, seed 1) and 'b'"), "\($0)")
        }
        let mixed = runOf([("a", .en, "dense·lima·EN"), ("a", .de, "dense·lima·DE")])
        XCTAssertThrowsError(try StudyFindings(runs: [mixed])) {
            XCTAssertTrue("\($0)".contains("model 'a' has judgments of two provenances"), "\($0)")
        }
        XCTAssertThrowsError(try StudyFindings(runs: [])) {
            XCTAssertTrue("\($0)".contains("at least one run"), "\($0)")
        }
    }

    /// The same judgments under other model names give the same page, letter for letter: roles come from the
    /// provenance only.
    func testRenamingModelsChangesNothing() throws {
        let models = Self.comps.map { "dense·lima·\($0)" } + Self.comps.map { "moe·lima·\($0)" }
        func score(_ m: GridModel, _ l: Lang) -> Double {
            (m.composition == "ENDEFRITES" ? 6 : 4) + (m.base == "moe" ? 0.5 : 0) + (l == .en ? 1 : 0)
        }
        let runs = (0..<2).map { run(models, seed: $0, score) }
        var renamed = runs
        for r in renamed.indices {
            for i in renamed[r].single.indices {
                let name = renamed[r].single[i].model
                renamed[r].single[i].model = "model-\(models.firstIndex(of: name)! * 7 % 18)"
            }
        }
        XCTAssertNotEqual(renamed[0].single[0].model, runs[0].single[0].model)
        let options = FindingsOptions(resamples: 300, seed: 2)
        let a = try StudyFindings(runs: runs, options: options), b = try StudyFindings(runs: renamed, options: options)
        XCTAssertFalse(a.contrasts.isEmpty)
        XCTAssertEqual(a.contrastTable().render(), b.contrastTable().render())
        XCTAssertEqual(
            a.markdown(title: "T", preamble: [], figures: []), b.markdown(title: "T", preamble: [], figures: []))
    }

    /// The same grid tuned in both regimes: every claim is tested within each regime, labelled with it, and each
    /// regime has its headline. Here the sampled compositions beat the monolingual ones at equal epochs only.
    func testBothRegimesAreTestedEachWithinItself() throws {
        let models = Self.comps.map { "dense·lima·\($0)" } + Self.comps.map { "dense·lima·\($0)·steps" }
        func score(_ m: GridModel, _ l: Lang) -> Double {
            switch m.regime {
            case .epochs: return ["ENDEFRITES_sampled": 5, "DEFRITES_sampled": 4.8][m.composition] ?? 4
            case .steps: return m.composition == "ENDEFRITES" ? 4.5 : 4
            }
        }
        let study = try StudyFindings(runs: [run(models, seed: 0, score), run(models, seed: 1, score)])
        XCTAssertEqual(Set(study.contrasts.map(\.regime)), ["equal epochs (3)", "equal steps (189)"])
        let rows = study.contrasts.filter {
            $0.comparison == "dense·lima: S(ENDEFRITES_sampled) − mean S(EN, DE, FR, IT, ES)"
        }
        XCTAssertEqual(rows.map(\.regime), ["equal epochs (3)", "equal steps (189)"])
        for (row, want) in zip(rows, [1.0, 0]) { XCTAssertEqual(row.interval.estimate, want, accuracy: 1e-9) }
        XCTAssertEqual(rows.map(\.verdict), [.reproduces, .notShown("interval includes 0")])
        // Holm counts the rows of both regimes.
        XCTAssertEqual(study.contrasts.count, 2 * 7)
        XCTAssertEqual(study.headlines.map(\.regime), ["equal epochs (3)", "equal steps (189)"])
        XCTAssertEqual(study.headlines.map(\.multilingual), ["ENDEFRITES_sampled", "ENDEFRITES"])
        for (h, want) in zip(study.headlines, [1.0, 0.5]) { XCTAssertEqual(h.points.estimate, want, accuracy: 1e-9) }
        let md = study.markdown(title: "T", preamble: [], figures: [])
        XCTAssertTrue(md.contains("### Equal epochs (3)") && md.contains("### Equal steps (189)"), md)
        XCTAssertTrue(md.contains("in the equal steps (189) regime: **dense·lima: ENDEFRITES vs EN**"), md)
        XCTAssertTrue(md.contains("| dense | lima | ENDEFRITES | steps 189 |"), md)
        XCTAssertEqual(study.contrastTable().columns.prefix(3), ["finding", "regime", "comparison"])
    }

    /// A run length that differs by dataset is named per dataset in the regime's label.
    func testARegimesLabelNamesRunLengthsThatDifferByDataset() throws {
        var j = JudgmentSet()
        for (name, epochs) in [("dense·lima·EN", 3), ("dense·bactrian·EN", 1)] {
            var p = Self.provenance(name)!
            p.regime = .epochs(epochs)
            j.single.append(Self.judgment(name, question: 111, .en, score: 5, provenance: p))
        }
        let study = try StudyFindings(runs: [j])
        XCTAssertEqual(study.grid.regimeLabel(.epochs), "equal epochs (bactrian 1, lima 3)")
    }

    /// The roles the claims compare are arguments: bases named "small" and "big" compare as dense and moe do.
    func testTheComparedRolesAreArguments() throws {
        let models = ["EN", "ENDEFRITES"].flatMap { c in ["small·cur·\(c)", "big·cur·\(c)"] }
        func score(_ m: GridModel, _ l: Lang) -> Double { m.base == "big" ? 6 : 5 }
        let runs = [run(models, seed: 0, score), run(models, seed: 1, score)]
        XCTAssertFalse(try StudyFindings(runs: runs).contrasts.contains { $0.finding.hasPrefix("4.") })
        var roles = StudyRoles()
        (roles.smaller, roles.larger, roles.curated) = ("small", "big", "cur")
        let study = try StudyFindings(runs: runs, options: FindingsOptions(roles: roles))
        let c = byComparison(study)
        XCTAssertEqual(
            c["cur: S(big·cur·EN) − S(small·cur·EN)"]?.finding, "4. the larger (big) model is better, per composition")
        XCTAssertEqual(c["cur: S(big·cur·EN) − S(small·cur·EN)"]?.interval.estimate ?? 0, 1, accuracy: 1e-9)
        XCTAssertEqual(study.largerModelWins().map(\.compositions), [2])
    }

    func testStudyBenchEstimatesTheGridFromMeasuredSecondsPerStep() {
        XCTAssertEqual(StudyBench.steps(items: 1000, epochs: 3, batch: 16), 189)
        XCTAssertEqual(
            StudyBench.compositionSizes(1000).map { StudyBench.steps(items: $0, epochs: 3, batch: 16) }.reduce(0, +),
            3012)
        let m = StudyBench.Measurement(
            base: "builtin:dense", pretrainSeconds: nil, pretrainFloorSeconds: 140,
            tuneSeconds: [("EN", 189, 18.9), ("ENDEFRITES", 939, 93.9)], answerJudgeSeconds: 4, score: (2, 4))
        let t = StudyBench.table([m])
        // Equal epochs: 3,012 steps per small set, 10,000 on the large; equal steps: the two full compositions at
        // 189 and 625 (the other seven repeat an epochs run). 0.1 s per step × (2 × 3,390 + 11,250) + 54 models (27
        // per regime, copies answered too) × 4 s.
        let grid = t.rows.first { $0[1].text.hasPrefix("grid share per seed: 54 models, 18030 steps") }
        XCTAssertEqual(grid?[2].double ?? 0, 1803.0 + 216, accuracy: 1e-6)
        // Equal epochs alone, the 45-model grid's share: 2 × 3,012 + 10,000 steps and 27 models.
        let epochs = t.rows.first { $0[1].text.hasPrefix("equal epochs alone: 27 models, 16024 steps") }
        XCTAssertEqual(epochs?[2].double ?? 0, 1602.4 + 108, accuracy: 1e-6)
        let floor = t.rows.first { $0[1].text.hasPrefix("pre-train floor") }
        XCTAssertEqual(floor?[3].double, 150, "the floor is read against issue 18's budget")
        // With both bases: the whole grid as records (`bench study --json`), one seed of each regime's models.
        var moe = m
        moe.base = "builtin:moe"
        let records = StudyBench.records([m, moe])
        let seed = records.first { $0.config == "grid" && $0.metric == "seed_seconds" }
        // MoE: the two small sets only, 18 models per regime: 0.1 × 2 × 3,390 + 36 × 4.
        XCTAssertEqual(seed?.value ?? 0, 1803.0 + 216 + 678 + 144, accuracy: 1e-6)
        XCTAssertEqual(
            seed?.jsonLine.hasPrefix("{\"config\": \"grid\", \"metric\": \"seed_seconds\", \"value\": "), true)
        let epochsSeed = records.first { $0.metric == "equal_epochs_seed_seconds" }
        XCTAssertEqual(epochsSeed?.value ?? 0, 1602.4 + 108 + 602.4 + 72, accuracy: 1e-6)
        XCTAssertEqual(
            records.filter { $0.config == "dense" }.map(\.metric),
            [
                "pretrain_floor_seconds", "tune_seconds_per_step", "answer_judge_seconds", "grid_share_seconds"
            ])
    }
}
