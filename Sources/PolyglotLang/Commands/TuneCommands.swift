// Tuning: `tune` (one run) and `tune_all` (independent runs, several at once on the cores), with the same options.

import Foundation
import PolyglotEngine
import PolyglotLab

extension CommandRegistry {
    static let tuneCommands: [CommandSpec] = [tune, tuneAll, tuneSteps]

    /// What a tuning run means wherever it runs, shared by `tune`, `tune_all` and `plan`.
    static let recipeKeywords: [Parameter] = [
        Parameter("epochs", .int, default: .int(2), "passes over the data"),
        Parameter(
            "steps", .int, default: Value.none,
            "optimizer steps instead of epochs: every run the same number of updates whatever its data's size "
                + "(the data cycles in fresh seeded orders; epochs: is then unused)"),
        Parameter("lr", .number, default: .float(3e-4), "peak learning rate (warm-up 5 %, cosine to 0)"),
        Parameter("batch", .int, default: .int(16), "conversations per step"),
        Parameter(
            "lora", .record, default: Value.none, "LoRA adapters {rank: 8, alpha: 16} instead of full fine-tuning"),
        Parameter(
            "system_prompt", .bool, default: Value.none,
            "prepend each example's language's system prompt (default: only when the context is ≥ 512 tokens)")
    ]

    /// The options of a tuning run on this machine, shared by `tune` and `tune_all`.
    static let tuneOptionKeywords: [Parameter] =
        recipeKeywords + [
            Parameter(
                "pack", .bool, default: .bool(true),
                "pack each step's conversations several to a row (attention per conversation, positions restart): "
                    + "the same steps in fewer positions; false: one per row, padded to the longest"),
            Parameter(
                "checkpoint_every", .int, default: Value.none,
                "steps between checkpoints (default: about 30 s of work, in FLOPs); every epoch's end too")
        ]

    /// `tag: {…}`: what a tuned model is in a study grid, set or overriding what `tune` infers.
    static let provenanceTag = ParameterType.fields([
        RecordField("base", .string), RecordField("dataset", .string), RecordField("composition", .string),
        RecordField("regime", .string), RecordField("seed", .int)
    ])

    static let provenanceTagDoc =
        "what the model is in a study grid, for findings: {base, dataset, composition, regime: \"epochs N\" or "
        + "\"steps N\", seed}; each field given overrides what tune records (base: the base's architecture, dense "
        + "or moe; dataset and composition: the composition's source and study name; regime and seed: the run's)"

    static let tune = CommandSpec(
        "tune", category: "models",
        summary:
            "Instruction-tune a copy of MODEL on a dataset (loss on the assistant's replies only); the base is untouched.",
        positionals: [Parameter("model", .object("model"), "the base model")],
        keywords: [Parameter("on", .object("dataset"), "the training data (a composition)")] + tuneOptionKeywords
            + [
                Parameter("val", .object("dataset"), default: Value.none, "validation data (loss after every epoch)"),
                Parameter(
                    "save", .string, default: Value.none,
                    "write the tuned model to this folder, and checkpoints of the run while it trains"),
                Parameter(
                    "resume", .string, default: Value.none,
                    "continue the run checkpointed in this folder after Ctrl-C or a crash (same call otherwise); "
                        + "saves there unless save: says where"),
                Parameter("name", .string, default: Value.none, "name of the tuned model (default: base·data)"),
                Parameter("tag", provenanceTag, default: Value.none, provenanceTagDoc),
                seedKeyword, .recipe
            ],
        example: "let tuned = tune base on: endefrites epochs: 2 lr: 3e-4 batch: 16 seed: 1\n"
            + "let again = tune base on: endefrites recipe: study_recipe with {seed: 2}\n"
            + "let mine = tune base on: my_mix tag: {base: \"dense\", dataset: \"lima\", composition: \"ENDEFRITES\"}"
    ) { inv in
        let base = inv.model("model"), data = inv.dataset("on")
        var options = try inv.tuneOptions()
        options.seed = try inv.seed()
        let provenance = try inv.modelProvenance(
            tag: inv.record(ifGiven: "tag"), at: "tag",
            over: ModelProvenance(base: base, data: data, options: options))
        let validation = inv.object(ifGiven: "val", as: DatasetObject.self)?.dataset.examples ?? []
        let name = inv.string(ifGiven: "name") ?? "\(base.name)·\(data.name)"
        let session = inv.session
        let started = Date()
        let resume = inv.string(ifGiven: "resume").map(session.resolve)
        let saveDir = inv.string(ifGiven: "save") ?? inv.string(ifGiven: "resume")
        var tokens = 0
        let (model, completed) = try inv.lab {
            try base.tuned(
                name: name, on: data.trainingExamples(shuffleSeed: nil), validation: validation, options: options,
                dataProvenance: data.provenance.description, modelProvenance: provenance, resume: resume,
                saveTo: saveDir.map(session.resolve),
                shouldCancel: { Interrupt.isRequested },
                progress: { p in
                    tokens = p.tokens
                    inv.progress.tuning(p)
                })
        }
        inv.emitTuneSummary(model, completed: completed)
        session.emit(ProgressReporter.wallTime(since: started, tokens: tokens), volatile: true)
        if !completed { session.emit("stopped early by Ctrl-C; the partially tuned model is returned") }
        if let saveDir {
            session.emit(
                completed
                    ? "saved to \(saveDir)"
                    : "saved to \(saveDir) with its optimizer state; continue with resume: \"\(saveDir)\"")
        }
        return .object(ModelObject(model))
    }

    static let tuneSteps = CommandSpec(
        "tune_steps", category: "models",
        summary: "The optimizer steps a tuning run with these options takes on DATASET (epochs × batches, or steps:).",
        positionals: [Parameter("data", .object("dataset"), "the data a run would tune on")],
        keywords: recipeKeywords + [seedKeyword, .recipe],
        example: "tune_steps en recipe: study_recipe",
        details: """
            What `tune` counts: ⌈conversations / batch⌉ × epochs, or steps: when given. The grid's equal-steps regime
            gives every composition the steps of a monolingual set this way. A recipe's seed is accepted and changes
            nothing.
            """
    ) { inv in
        .int(try inv.recipeOptions().totalSteps(examples: inv.dataset("data").examples.count))
    }

    static let tuneAll = CommandSpec(
        "tune_all", category: "models",
        summary:
            "Tune several models, each on its data with the same options; runs: N tunes N at once, "
            + "each on its share of the cores.",
        positionals: [
            Parameter(
                "jobs",
                .listOf(
                    .fields([
                        RecordField("model", .object("model"), required: true),
                        RecordField("on", .object("dataset"), required: true), RecordField("name", .string),
                        RecordField("tag", provenanceTag), RecordField("steps", .int)
                    ])),
                "the runs: records {model: BASE, on: DATASET, name: \"…\", tag: {…}, steps: N} (tag: as tune's; "
                    + "steps: this run's optimizer steps instead of the options' length)")
        ],
        keywords: tuneOptionKeywords + [
            Parameter(
                "runs", .int, default: Value.none,
                "runs at once, each on its share of the cores (default: one per core)"),
            seedKeyword, .recipe
        ],
        example:
            "let models = tune_all [{model: base, on: en, name: \"EN\"}, {model: base, on: all, name: \"ALL\"}] "
            + "recipe: study_recipe",
        details: """
            Each run is what `tune MODEL on: DATASET name: NAME tag: TAG` with these options does, and its tuned
            weights are the same however many run at once (a run's arithmetic does not depend on the cores it gets).
            A run that repeats an earlier one of the list — the same base, data and options, its length said as
            epochs or as the steps they make — is not tuned again: it gets a copy of that run's model under its own
            name and provenance ("same run as …"), as an equal-steps grid repeats its monolingual and sampled runs.
            Without seed: each run takes the session's next seed, in the order of the list. The progress line shows
            every running model; the summaries follow in the order of the list. Ctrl-C stops the running models early
            (they are returned partially tuned) and starts no more.
            """
    ) { inv in
        let options = try inv.tuneOptions()
        let fixedSeed = try inv.int(ifGiven: "seed").map { _ in try inv.seed() }
        var jobs: [TuneJob] = []
        for item in inv.list("jobs") {
            guard case .record(let r) = item, case .object(let m as ModelObject)? = r["model"],
                case .object(let d as DatasetObject)? = r["on"]
            else { continue }  // the binding checked the fields
            let (base, data) = (m.model, d.dataset)
            var name: String?
            if case .string(let given)? = r["name"] { name = given }
            var tag: Record?
            if case .record(let given)? = r["tag"] { tag = given }
            var options = options
            if case .int(let steps)? = r["steps"] {
                guard steps > 0 else { throw inv.error("steps must be positive, got \(steps)", at: "jobs") }
                options.steps = steps
            }
            options.seed = try fixedSeed ?? inv.seed()
            jobs.append(
                TuneJob(
                    base: base, name: name ?? "\(base.name)·\(data.name)",
                    examples: data.trainingExamples(shuffleSeed: nil), options: options,
                    dataProvenance: data.provenance.description,
                    modelProvenance: try inv.modelProvenance(
                        tag: tag, at: "jobs", over: ModelProvenance(base: base, data: data, options: options))))
        }
        if let dup = Dictionary(grouping: jobs.map(\.name), by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw inv.error("two runs of jobs are named '\(dup)'", at: "jobs", notes: ["expected distinct names"])
        }
        let runs = inv.int(ifGiven: "runs") ?? ConcurrentTuning.defaultRuns
        guard runs > 0 else { throw inv.error("runs must be a positive number, got \(runs)", at: "runs") }
        let started = Date(), board = TuningBoard(names: jobs.map(\.name), report: inv.progress)
        let results = try inv.lab {
            try ConcurrentTuning.run(
                jobs, runs: runs, shouldCancel: { Interrupt.isRequested }, started: board.start,
                progress: board.update)
        }
        for r in results { inv.emitTuneSummary(r.model, completed: r.completed) }
        inv.session.emit(
            ProgressReporter.wallTime(since: started, tokens: board.tokens.values.reduce(0, +))
                + ", \(min(runs, jobs.count)) at once", volatile: true)
        if results.contains(where: { !$0.completed }) {
            inv.session.emit("stopped early by Ctrl-C; the partially tuned models are returned")
        }
        return .list(results.map { .object(ModelObject($0.model)) })
    }
}

extension Invocation {
    /// `known` (what tune infers, or what a model already is) with the fields `tag` gives instead; a model known as
    /// nothing needs all of them. The registry checked their types; a regime must read "epochs N" or "steps N".
    func modelProvenance(tag: Record?, at argument: String, over known: ModelProvenance?) throws -> ModelProvenance? {
        guard let tag else { return known }
        func text(_ key: String) -> String? { if case .string(let s)? = tag[key] { s } else { nil } }
        let fields = ["base", "dataset", "composition", "regime", "seed"]
        if known == nil, let missing = fields.first(where: { tag[$0] == nil }) {
            throw error(
                "\(argument) lacks '\(missing)': this model has no provenance to take it from", at: argument,
                notes: ["expected every field: {\(fields.map { "\($0): …" }.joined(separator: ", "))}"])
        }
        var regime = known?.regime ?? .epochs(1)
        if let s = text("regime") {
            guard let given = TrainingRegime(parsing: s) else {
                throw error(
                    "field 'regime' of \(argument) must be \(TrainingRegime.expected), got \(Value.quote(s))",
                    at: argument)
            }
            regime = given
        }
        var seed = known?.seed ?? 0
        if case .int(let n)? = tag["seed"] {
            guard let given = UInt64(exactly: n) else {
                throw error("field 'seed' of \(argument) must be a non-negative integer, got \(n)", at: argument)
            }
            seed = given
        }
        // Every field is either in the tag or known (checked above).
        return ModelProvenance(
            base: text("base") ?? known!.base, dataset: text("dataset") ?? known!.dataset,
            composition: text("composition") ?? known!.composition, regime: regime, seed: seed)
    }

    /// The recipe's options (`CommandRegistry.recipeKeywords`; the seed is the caller's).
    func recipeOptions() throws -> TuneOptions {
        var options = TuneOptions()
        options.epochs = int("epochs")
        options.steps = int(ifGiven: "steps")
        options.learningRate = double("lr")
        options.batchSize = int("batch")
        options.systemPrompt = bool(ifGiven: "system_prompt")
        for (key, value) in [("epochs", options.epochs), ("steps", options.steps ?? 1), ("batch", options.batchSize)]
        where value <= 0 {
            throw error("\(key) must be a positive number, got \(value)", at: key)
        }
        if let r = record(ifGiven: "lora") {
            guard case .int(let rank)? = r["rank"], rank > 0 else {
                throw error("lora needs a positive integer rank, e.g. {rank: 8, alpha: 16}", at: "lora")
            }
            options.lora = (rank, r["alpha"]?.double ?? Double(2 * rank))
        }
        return options
    }

    /// The tuning options shared by `tune` and `tune_all`: the recipe's and how this machine runs it.
    func tuneOptions() throws -> TuneOptions {
        var options = try recipeOptions()
        options.packing = bool("pack")
        options.checkpointEvery = int(ifGiven: "checkpoint_every")
        if let every = options.checkpointEvery, every <= 0 {
            throw error("checkpoint_every must be a positive number of steps, got \(every)", at: "checkpoint_every")
        }
        return options
    }

    /// "tuned NAME: 120 steps, loss 1.234 (mean of the last 10 %)[, validation …]" and the run's padding.
    func emitTuneSummary(_ model: LabModel, completed: Bool) {
        let name = model.name
        let train = model.history.filter { $0.split == "train" && $0.run == name }
        let last = train.suffix(max(1, train.count / 10)).map(\.loss)
        let meanLoss = ProgressReporter.fixed(last.reduce(0, +) / Double(max(1, last.count)), 3)
        var summary = "tuned \(name): \(train.count) steps, loss \(meanLoss) (mean of the last 10 %)"
        if let v = model.history.last(where: { $0.split == "val" && $0.run == name }) {
            summary += ", validation \(ProgressReporter.fixed(v.loss, 3))"
        }
        session.emit(summary)
        if let original = model.provenance.last(where: { $0.key == "same run as" }) {
            session.emit("same run as \(original.value) (its base, data, options and length): not tuned again")
        }
        if let padding = model.provenance.last(where: { $0.key == "padding" }) {
            session.emit("padding: \(padding.value)")
        }
    }
}

/// The progress of the runs of `tune_all`: every running model's bar and step on one line, and the count done.
private final class TuningBoard {
    let names: [String], report: ProgressReporter
    var running: [Int: TuneProgress?] = [:], done = 0
    /// Real tokens trained on so far, per run.
    var tokens: [Int: Int] = [:]

    init(names: [String], report: ProgressReporter) { self.names = names; self.report = report }

    func start(_ job: Int) {
        running[job] = .some(nil)
        show()
    }

    func update(_ job: Int, _ p: TuneProgress) {
        running[job] = p
        tokens[job] = p.tokens
        if p.step == p.totalSteps { running[job] = nil; done += 1 }
        show()
    }

    private func show() {
        let parts = running.keys.sorted().map { i -> String in
            guard let p = running[i] ?? nil else { return "\(names[i]) starting" }
            return ProgressReporter.bar(p.step, p.totalSteps, width: 8) + " \(names[i]) \(p.step)/\(p.totalSteps)"
                + " · loss \(ProgressReporter.fixed(p.loss, 3))"
        }
        report.show((parts + ["\(done)/\(names.count) done"]).joined(separator: " · "))
    }
}
