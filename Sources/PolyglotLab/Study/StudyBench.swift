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
        /// The fewest seconds pre-training can take with these kernels: its tokens × the model's training FLOPs
        /// per token at the sgemm rate of its shapes (`EngineBench.trainingBound`); nil where not measured.
        public var pretrainFloorSeconds: Double?
        public var tuneSeconds: [(composition: String, steps: Int, seconds: Double)]
        public var answerJudgeSeconds: Double
        public var score: (mono: Double, multi: Double)

        /// The grid's seconds per tuning step: the measured tuning walls over their steps.
        public var secondsPerStep: Double {
            tuneSeconds.map(\.seconds).reduce(0, +) / Double(tuneSeconds.map(\.steps).reduce(0, +))
        }
    }

    /// Tunes `base` on ENDEFRITES and the five monolingual sets of builtin:lima-mini with the study's recipe, as the
    /// grid does (one run per core), then answers and judges the whole benchmark with the EN and ENDEFRITES models.
    public static func measure(base kind: PretrainRecipe.Kind, progress: (String) -> Void = { _ in }) throws
        -> Measurement
    {
        let started = Date()
        progress("loading builtin:\(kind.rawValue)")
        let recipe = PretrainRecipe(kind: kind)
        let (base, cached) = try BaseModels.load(recipe)
        let pretrain = cached ? nil : Date().timeIntervalSince(started)
        let rows = recipe.batchSize * recipe.context
        let bound = EngineBench.trainingBound(base.transformer.config, rows: rows, T: recipe.context)
        let floor = Double(recipe.steps * rows) / bound.tokensPerSecond
        guard let lima = Builtins.dataset("lima-mini") else { throw LabError("builtin:lima-mini is missing") }
        var options = TuneOptions()
        options.epochs = 3; options.learningRate = 2e-4; options.batchSize = 16; options.seed = 1
        // As the grid tunes (`tune_all`: one run per core, each on one core), ENDEFRITES beside the five monolingual
        // runs, which together take about as many steps, so every core stays busy: the grid's seconds per step are
        // this wall over all their steps.
        let comps: [StudyComposition] = [.endefrites] + [Lang.en, .de, .fr, .it, .es].map { .mono($0) }
        let sets = try comps.map { try $0.compose(lima, seed: 1) }
        let jobs = zip(comps, sets).map { comp, data in
            TuneJob(
                base: base, name: "\(kind.rawValue)·lima·\(comp)", examples: data.trainingExamples(),
                options: options, dataProvenance: data.provenance.description)
        }
        let runs = ConcurrentTuning.defaultRuns
        progress("tuning ENDEFRITES beside EN, DE, FR, IT, ES, \(runs) at once")
        let tuningStart = Date()
        let tuned = try ConcurrentTuning.run(jobs, runs: runs)
        let tunes = [
            (
                "ENDEFRITES beside EN, DE, FR, IT, ES, \(runs) at once",
                sets.map { steps(items: $0.examples.count, epochs: 3, batch: 16) }.reduce(0, +),
                Date().timeIntervalSince(tuningStart)
            )
        ]
        let models = [tuned[1].model, tuned[0].model]  // EN, ENDEFRITES
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
            base: "builtin:\(kind.rawValue)", pretrainSeconds: pretrain, pretrainFloorSeconds: floor,
            tuneSeconds: tunes,
            answerJudgeSeconds: Date().timeIntervalSince(t0) / Double(models.count), score: (scores[0], scores[1]))
    }

    /// The grid's time per seed on one base, estimated from its measurement: 9 compositions × the datasets the
    /// study tunes that base on (dense: two 1,000-item sets for 3 epochs and a 10,000-item set for 1; MoE: the two
    /// small sets), at the measured seconds per step (the grid's: runs side by side, one per core), plus answering
    /// and judging every model.
    public struct GridShare {
        public var models: Int, steps: Int, seconds: Double
        /// The same for equal epochs alone (the 45-model grid of one regime).
        public var equalEpochs: (models: Int, steps: Int, seconds: Double)

        init(_ m: Measurement) {
            let secondsPerStep = m.secondsPerStep
            // Equal epochs: each composition its own steps; equal steps: all nine a monolingual set's, of which
            // only the compositions of another size are tuned (the others repeat an epochs run: tune_all copies it).
            func regimes(items: Int, epochs: Int) -> (epochs: Int, extra: Int) {
                let sizes = StudyBench.compositionSizes(items)
                let mono = StudyBench.steps(items: items, epochs: epochs, batch: 16)
                let each = sizes.map { StudyBench.steps(items: $0, epochs: epochs, batch: 16) }
                return (each.reduce(0, +), each.filter { $0 != mono }.count * mono)
            }
            let sets =
                [regimes(items: 1000, epochs: 3), regimes(items: 1000, epochs: 3)]
                + (m.base.hasSuffix("moe") ? [] : [regimes(items: 10_000, epochs: 1)])
            let epochsSteps = sets.map(\.epochs).reduce(0, +), extraSteps = sets.map(\.extra).reduce(0, +)
            let perRegime = 9 * sets.count
            let epochsSeconds = Double(epochsSteps) * secondsPerStep + Double(perRegime) * m.answerJudgeSeconds
            equalEpochs = (perRegime, epochsSteps, epochsSeconds)
            models = 2 * perRegime
            steps = epochsSteps + extraSteps
            seconds = Double(steps) * secondsPerStep + Double(models) * m.answerJudgeSeconds
        }
    }

    /// Budgets of issue 18: a base pre-trained in ≤ 150 s, one seed of the 45-model grid (equal epochs) in ≤ 12 min.
    static let budget = (pretrain: 150.0, equalEpochsGrid: 720.0)

    /// The measurements as a table, with the grid's estimated time per seed (both bases measured: the whole grid).
    public static func table(_ ms: [Measurement]) -> Table {
        var rows: [[Table.Cell]] = []
        func row(_ base: String, _ what: String, _ seconds: Double?, budget: Double? = nil) {
            let budgetCells: [Table.Cell] =
                if let budget, let seconds { [.number(budget), .number(seconds / budget)] } else {
                    [.missing, .missing]
                }
            rows.append([.text(base), .text(what), seconds.map { .number($0) } ?? .missing] + budgetCells)
        }
        for m in ms {
            if let p = m.pretrainSeconds {
                row(m.base, "pre-train (first use, then cached)", p, budget: budget.pretrain)
            }
            if let floor = m.pretrainFloorSeconds {
                row(
                    m.base, "pre-train floor: its FLOPs at the sgemm rate of its shapes", floor, budget: budget.pretrain
                )
            }
            for t in m.tuneSeconds { row(m.base, "tune lima-mini \(t.composition) (\(t.steps) steps)", t.seconds) }
            row(m.base, "answer + judge 400 questions × 2 turns", m.answerJudgeSeconds)
            let share = GridShare(m)
            row(
                m.base, "grid share per seed: \(share.models) models, \(share.steps) steps (estimate)", share.seconds)
            row(
                m.base,
                "equal epochs alone: \(share.equalEpochs.models) models, \(share.equalEpochs.steps) steps (estimate)",
                share.equalEpochs.seconds)
            row(
                m.base, String(format: "mean score EN-tuned %.2f, ENDEFRITES-tuned %.2f", m.score.mono, m.score.multi),
                nil)
        }
        if ms.count > 1 {
            let shares = ms.map(GridShare.init)
            row(
                "both", "grid of 45 models (equal epochs), one seed (estimate)",
                shares.map(\.equalEpochs.seconds).reduce(0, +), budget: budget.equalEpochsGrid)
            row("both", "grid of 90 models (45 × 2 regimes), one seed (estimate)", shares.map(\.seconds).reduce(0, +))
        }
        return Table(
            title: "polyglot bench study", columns: ["base", "measure", "seconds", "budget_s", "of_budget"], rows: rows,
            notes: [
                "Budgets: a base pre-trained in ≤ 150 s and one seed of the 45-model grid in ≤ 12 min (issue 18).",
                "Recipe: AdamW lr 2e-4, batch 16, 3 epochs, no system prompt; builtin:bench answered at MT-Bench temperatures, ≤ 48 tokens per turn."
            ])
    }

    /// The measurements as `bench engine`'s records, one per line with `--json`: per base (`dense`, `moe`) the
    /// seconds of pre-training (when it ran), its floor, a tuning step (as the grid runs them: wall over the steps
    /// of runs side by side), answering and judging one model, and its
    /// share of the grid; with both bases, `grid` `seed_seconds` (90 models, both regimes, as 04-study-grid.pg runs
    /// a seed) and `equal_epochs_seed_seconds` (the 45-model grid of one regime).
    public static func records(_ ms: [Measurement]) -> [BenchRecord] {
        var out: [BenchRecord] = []
        for m in ms {
            let config = m.base.replacingOccurrences(of: "builtin:", with: "")
            func add(_ metric: String, _ value: Double?) {
                if let value { out.append(BenchRecord(config: config, metric: metric, value: value)) }
            }
            add("pretrain_seconds", m.pretrainSeconds)
            add("pretrain_floor_seconds", m.pretrainFloorSeconds)
            add("tune_seconds_per_step", m.secondsPerStep)
            add("answer_judge_seconds", m.answerJudgeSeconds)
            add("grid_share_seconds", GridShare(m).seconds)
        }
        if ms.count > 1 {
            let shares = ms.map(GridShare.init)
            out.append(BenchRecord(config: "grid", metric: "seed_seconds", value: shares.map(\.seconds).reduce(0, +)))
            out.append(
                BenchRecord(
                    config: "grid", metric: "equal_epochs_seed_seconds",
                    value: shares.map(\.equalEpochs.seconds).reduce(0, +)))
        }
        return out
    }
}
