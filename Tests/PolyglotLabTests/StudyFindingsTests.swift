import Foundation
import XCTest

@testable import PolyglotLab

final class StudyFindingsTests: XCTestCase {
    /// One seed's judgments: every model gets `score(model, lang)` on two questions per language.
    func run(_ models: [String], seed: Int, _ score: (GridModel, Lang) -> Double) -> JudgmentSet {
        var j = JudgmentSet()
        for name in models {
            for lang in Lang.allCases {
                for q in 0..<2 {
                    // ±0.5 around the mean (q = 0, 1), shifted a little per seed so the seeds differ.
                    let s = score(GridModel(name)!, lang) + (q == 0 ? -0.5 : 0.5) + Double(seed) * 0.1
                    j.single.append(
                        SingleJudgment(
                            questionID: "\(111 + q)_\(lang.code)", model: name, judge: BuiltinJudge.name,
                            userPrompt: "", judgment: "", score: s, turn: 1, tstamp: 0, lang: lang, category: "math"))
                }
            }
        }
        return j
    }

    let comps = ["EN", "DE", "FR", "IT", "ES", "ENDEFRITES", "DEFRITES", "ENDEFRITES_sampled", "DEFRITES_sampled"]

    func testContrastsFollowTheGridAndItsSeeds() throws {
        let models = comps.map { "dense·lima·\($0)" } + comps.map { "moe·lima·\($0)" }
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
        let study = try StudyFindings(runs: runs)
        XCTAssertEqual(study.seeds, 3)
        let c = Dictionary(uniqueKeysWithValues: study.contrasts().map { ($0.comparison, $0) })
        // Mean of monolingual 5-language averages: (8 + 4·2)/5 = 3.2; ENDEFRITES 7 → +3.8 on every seed: interval of width 0.
        let multi = try XCTUnwrap(c["dense·lima: ENDEFRITES − mean(EN … ES)"])
        XCTAssertEqual(multi.summary.mean, 3.8, accuracy: 1e-9)
        XCTAssertEqual(multi.summary.halfWidth, 0, accuracy: 1e-9)
        XCTAssertEqual(multi.verdict, "reproduces")
        XCTAssertEqual(c["dense·lima: ENDEFRITES − ENDEFRITES_sampled"]?.summary.mean ?? 0, 2, accuracy: 1e-9)
        // English: DEFRITES loses 4 points on EN only → 0.8 on the 5-language average, 0 on DE FR IT ES.
        XCTAssertEqual(c["dense·lima: ENDEFRITES − DEFRITES, all languages"]?.summary.mean ?? 0, 0.8, accuracy: 1e-9)
        let nonEnglish = try XCTUnwrap(c["dense·lima: ENDEFRITES − DEFRITES, DE FR IT ES only"])
        XCTAssertEqual(nonEnglish.summary.mean, 0, accuracy: 1e-9)
        XCTAssertEqual(nonEnglish.verdict, "not shown (interval includes 0)")
        // MoE − dense: +1, +1, −3 → mean −1/3, sd 2.31, t(2) 4.303 → half-width 5.73: not shown.
        let size = try XCTUnwrap(c["lima: moe − dense, mean of 9 compositions"])
        for (got, want) in zip(size.summary.values, [1.0, 1, -3]) { XCTAssertEqual(got, want, accuracy: 1e-9) }
        XCTAssertEqual(size.summary.halfWidth, 4.303 * (48.0 / 9).squareRoot() / 3.0.squareRoot(), accuracy: 1e-3)
        XCTAssertEqual(size.verdict, "not shown (interval includes 0)")
        let md = study.markdown(title: "T", preamble: ["made by a test"], figures: ["figures/a.svg"])
        XCTAssertTrue(
            md.contains(
                "| 1. multilingual beats monolingual | dense·lima: ENDEFRITES − mean(EN … ES) | +3.80 ± 0.00 | +3.80, +3.80, +3.80 | reproduces |"
            ), md)
        XCTAssertTrue(md.contains("![a.svg](figures/a.svg)"))
        XCTAssertTrue(
            md.contains("| dense | lima | ENDEFRITES | 7.10 | 7.10 | 7.10 | 7.10 | 7.10 | 7.10 | 0.25 | 3 |"), md)
    }

    func testALaterSeedMayRepeatPartOfTheGrid() throws {
        let full = comps.map { "dense·lima·\($0)" } + comps.map { "moe·lima·\($0)" }
        func score(_ m: GridModel, _ l: Lang) -> Double {
            m.composition == "ENDEFRITES" ? 6 : (m.base == "moe" ? 4 : 3)
        }
        let study = try StudyFindings(runs: [run(full, seed: 0, score), run(Array(full.prefix(9)), seed: 1, score)])
        let c = Dictionary(uniqueKeysWithValues: study.contrasts().map { ($0.comparison, $0) })
        XCTAssertEqual(c["dense·lima: ENDEFRITES − mean(EN … ES)"]?.summary.values.count, 2)
        let moe = try XCTUnwrap(c["moe·lima: ENDEFRITES − mean(EN … ES)"])
        XCTAssertEqual(moe.summary.values.count, 1)
        XCTAssertEqual(moe.verdict, "same direction (1 seed, no interval)")
        XCTAssertTrue(
            study.markdown(title: "T", preamble: [], figures: []).contains(
                "| +2.00 (1 seed) | +2.00 | same direction (1 seed, no interval) |"))
    }

    func testModelsMustBeNamedAsTheGridNamesThem() {
        var odd = JudgmentSet()
        odd.single.append(
            SingleJudgment(
                questionID: "111_EN", model: "my-model", judge: ["x"], userPrompt: "", judgment: "", score: 5,
                turn: 1, tstamp: 0, lang: .en, category: "math"))
        XCTAssertThrowsError(try StudyFindings(runs: [odd])) {
            XCTAssertTrue("\($0)".contains("'my-model' is not named base·data·COMPOSITION"), "\($0)")
        }
    }

    func testStudyBenchEstimatesTheGridFromMeasuredSecondsPerStep() {
        XCTAssertEqual(StudyBench.steps(items: 1000, epochs: 3, batch: 16), 189)
        XCTAssertEqual(
            StudyBench.compositionSizes(1000).map { StudyBench.steps(items: $0, epochs: 3, batch: 16) }.reduce(0, +),
            3012)
        let m = StudyBench.Measurement(
            base: "builtin:dense", pretrainSeconds: nil,
            tuneSeconds: [("EN", 189, 18.9), ("ENDEFRITES", 939, 93.9)], answerJudgeSeconds: 4, score: (2, 4))
        let t = StudyBench.table([m])
        // 0.1 s per step × (2 × 3012 + 10,000 one-epoch steps of the large set) + 27 models × 4 s.
        let grid = t.rows.first { $0[1].text.hasPrefix("grid share per seed: 27 models, 16024 steps") }
        XCTAssertEqual(grid?[2].double ?? 0, 1602.4 + 108, accuracy: 1e-6)
    }
}
