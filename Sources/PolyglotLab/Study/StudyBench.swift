// `polyglot bench study`: what one model of the study's grid costs on this machine (tune, answer, judge),
// measured on the builtin bases and builtin:lima-mini, and the grid's time per seed estimated from it.
import Foundation
import PolyglotEngine

public enum StudyBench {
    /// Optimizer steps of one tuning run: ⌈items / batch⌉ × epochs.
    static func steps(items: Int, epochs: Int, batch: Int) -> Int { (items + batch - 1) / batch * epochs }

    /// Items of each of the nine compositions of a parallel set with `n` items per language.
    static func compositionSizes(_ n: Int) -> [Int] { [n, n, n, n, n, 5 * n, 4 * n, n, n] }

    public struct Measurement {
        public var base: String
        public var pretrainSeconds: Double?
        public var tuneSeconds: [(composition: String, steps: Int, seconds: Double)]
        public var answerJudgeSeconds: Double
        public var score: (mono: Double, multi: Double)
    }

    /// Tunes `base` on EN and ENDEFRITES of builtin:lima-mini with the study's recipe, then answers and judges
    /// the whole benchmark with both models.
    public static func measure(base kind: PretrainRecipe.Kind, progress: (String) -> Void = { _ in }) throws
        -> Measurement
    {
        let started = Date()
        progress("loading builtin:\(kind.rawValue)")
        let (base, cached) = try BaseModels.load(PretrainRecipe(kind: kind))
        let pretrain = cached ? nil : Date().timeIntervalSince(started)
        guard let lima = Builtins.dataset("lima-mini") else { throw LabError("builtin:lima-mini is missing") }
        var options = TuneOptions()
        options.epochs = 3; options.learningRate = 2e-4; options.batchSize = 16; options.seed = 1
        var tunes: [(String, Int, Double)] = []
        var models: [LabModel] = []
        for comp in [StudyComposition.mono(.en), .endefrites] {
            let data = try comp.compose(lima, seed: 1)
            progress("tuning on \(comp)")
            let t0 = Date()
            let (model, _) = try base.tuned(
                name: "\(kind.rawValue)·lima·\(comp)", on: data.trainingExamples(), options: options,
                dataProvenance: data.provenance.description)
            tunes.append(
                (
                    comp.description, steps(items: data.examples.count, epochs: 3, batch: 16),
                    Date().timeIntervalSince(t0)
                ))
            models.append(model)
        }
        let bench = Builtins.benchmark()
        let t0 = Date()
        var scores: [Double] = []
        for model in models {
            progress("answering and judging with \(model.name)")
            let answers = try model.answerGenerator(seed: 1, maxTokens: 48).run(bench.questions)
            let judged = BuiltinJudge().judge(AnswerSet(benchmark: bench, answers: [model.name: answers]))
            scores.append(judged.single.map(\.score).reduce(0, +) / Double(max(1, judged.single.count)))
        }
        return Measurement(
            base: "builtin:\(kind.rawValue)", pretrainSeconds: pretrain, tuneSeconds: tunes,
            answerJudgeSeconds: Date().timeIntervalSince(t0) / Double(models.count), score: (scores[0], scores[1]))
    }

    /// The measurements as a table, with the grid's estimated time per seed: 9 compositions × the datasets the
    /// study tunes that base on (dense: two 1,000-item sets for 3 epochs and a 10,000-item set for 1; MoE: the two
    /// small sets) × both regimes (equal epochs, equal steps), at the measured seconds per step, plus answering and
    /// judging every model.
    public static func table(_ ms: [Measurement]) -> Table {
        var rows: [[Table.Cell]] = []
        var gridTotal = 0.0
        for m in ms {
            if let p = m.pretrainSeconds {
                rows.append([
                    .text(m.base), .text("pre-train (first use, then cached)"), .number(p), .number(300),
                    .number(p / 300)
                ])
            }
            for t in m.tuneSeconds {
                rows.append([
                    .text(m.base), .text("tune lima-mini \(t.composition) (\(t.steps) steps)"), .number(t.seconds),
                    .number(60), .number(t.seconds / 60)
                ])
            }
            rows.append([
                .text(m.base), .text("answer + judge 400 questions × 2 turns"), .number(m.answerJudgeSeconds), .missing,
                .missing
            ])
            let secondsPerStep =
                m.tuneSeconds.map(\.seconds).reduce(0, +) / Double(m.tuneSeconds.map(\.steps).reduce(0, +))
            // Equal epochs: each composition its own steps; equal steps: all nine a monolingual set's, of which
            // only the compositions of another size are tuned (the others repeat an epochs run: tune_all copies it).
            func regimesSteps(items: Int, epochs: Int) -> Int {
                let sizes = compositionSizes(items), mono = steps(items: items, epochs: epochs, batch: 16)
                return sizes.map { steps(items: $0, epochs: epochs, batch: 16) }.reduce(0, +)
                    + sizes.filter { steps(items: $0, epochs: epochs, batch: 16) != mono }.count * mono
            }
            let small = regimesSteps(items: 1000, epochs: 3), large = regimesSteps(items: 10_000, epochs: 1)
            let isMoE = m.base.hasSuffix("moe")
            let gridSteps = 2 * small + (isMoE ? 0 : large), gridModels = 2 * (isMoE ? 18 : 27)
            let grid = Double(gridSteps) * secondsPerStep + Double(gridModels) * m.answerJudgeSeconds
            gridTotal += grid
            rows.append([
                .text(m.base), .text("grid share per seed: \(gridModels) models, \(gridSteps) steps (estimate)"),
                .number(grid), .missing, .missing
            ])
            rows.append([
                .text(m.base),
                .text(String(format: "mean score EN-tuned %.2f, ENDEFRITES-tuned %.2f", m.score.mono, m.score.multi)),
                .missing, .missing, .missing
            ])
        }
        if ms.count > 1 {
            rows.append([
                .text("both"), .text("grid of 90 models (45 × 2 regimes), one seed (estimate)"), .number(gridTotal),
                .number(1800),
                .number(gridTotal / 1800)
            ])
        }
        return Table(
            title: "polyglot bench study", columns: ["base", "measure", "seconds", "budget_s", "of_budget"], rows: rows,
            notes: [
                "Budgets from the issue: pre-training ≤ 5 min per base, one tuning run ≤ 60 s, the grid ≤ 30 min per seed.",
                "Recipe: AdamW lr 2e-4, batch 16, 3 epochs, no system prompt; builtin:bench answered at MT-Bench temperatures, ≤ 48 tokens per turn."
            ])
    }
}
