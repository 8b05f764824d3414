// The findings as tables and as a Markdown page: the contrasts with their intervals, p-values and verdicts, the
// headline, the larger model's record, and every model's scores by language, category and turn with its
// wrong-language rate.
import Foundation

extension StudyFindings {
    static func signed(_ d: Double) -> String { String(format: "%+.2f", d) }
    static func pText(_ p: Double) -> String { p < 0.001 ? "<0.001" : String(format: "%.3f", p) }
    static func intervalText(_ i: BootstrapInterval, scale: Double = 1, digits: Int = 2) -> String {
        let f = "%+.\(digits)f"
        return String(format: "\(f) [\(f), \(f)]", i.estimate * scale, i.low * scale, i.high * scale)
    }

    public func contrastTable() -> Table {
        let rows: [[Table.Cell]] = contrasts.map { c in
            [
                .text(c.finding), .text(c.regime), .text(c.comparison), .number(c.interval.estimate),
                .number(c.interval.low),
                .number(c.interval.high), .text(Self.pText(c.interval.p)), .text(Self.pText(c.pHolm)), .int(c.seeds),
                .text(c.verdict.text)
            ]
        }
        return Table(
            title: "The study's claims in the miniature (score points, mean over seeds)",
            columns: [
                "finding", "regime", "comparison", "points", "ci_low", "ci_high", "p", "p_holm", "seeds", "verdict"
            ],
            rows: rows,
            notes: [
                "S(model): mean over the evaluation languages of the model's mean score (1–10); points: the "
                    + "comparison's difference (positive = the study's direction).",
                "ci: 95% interval from a two-level bootstrap (seeds, then questions shared by all seeds; "
                    + "\(options.resamples) resamples, seed \(options.seed)); p: two-sided; p_holm: Holm over the "
                    + "\(contrasts.count) rows.",
                "reproduces: p_holm < \(Table.format(FindingsOptions.alpha)) and points ≥ "
                    + "\(Table.format(options.minEffect)); reversed: p_holm < \(Table.format(FindingsOptions.alpha)) "
                    + "and points ≤ −\(Table.format(options.minEffect)); else not shown."
            ])
    }

    /// A model's score on the judgments `keep` selects: per seed the mean over languages of the per-language means,
    /// then the mean over the seeds that have one.
    func breakdownScore(_ m: GridModel, where keep: (SingleJudgment) -> Bool) -> Double? {
        let perSeed = grid.judgments.compactMap { run -> Double? in
            let byLang = Dictionary(grouping: (run[m] ?? []).filter { !$0.failed && keep($0) }, by: \.lang)
            let means = byLang.values.map { Statistics.mean($0.map(\.score)) }
            return means.isEmpty ? nil : Statistics.mean(means)
        }
        return perSeed.isEmpty ? nil : Statistics.mean(perSeed)
    }

    /// The share of a model's answers (over all seeds) whose language is not the question's, among those whose
    /// language is known: the built-in judge's checks, else the built-in identifier on the kept answer.
    func wrongLanguageRate(_ m: GridModel, where keep: (SingleJudgment) -> Bool = { _ in true }) -> Double? {
        let fidelity = grid.judgments.flatMap { ($0[m] ?? []).filter(keep) }.map {
            LanguageFidelity($0, text: $0.answer, identifier: .builtin)
        }
        return LanguageFidelity.rate(fidelity, \.wrongLang)
    }

    static func cell(_ d: Double?) -> Table.Cell { d.map(Table.Cell.number) ?? .missing }

    /// A model's cell and its run length ("epochs 3"; several when seeds differ).
    func modelCells(_ m: GridModel) -> [Table.Cell] {
        let lengths = (grid.lengths[m] ?? []).map(\.description).sorted().joined(separator: ", ")
        return [.text(m.base), .text(m.data), .text(m.composition), .text(lengths)]
    }

    static let modelColumns = ["base", "data", "composition", "regime"]

    /// Every model's per-language and cross-lingual score, its interval and its wrong-language rate.
    public func scoreTable() -> Table {
        let rows: [[Table.Cell]] = modelScores.map { s in
            modelCells(s.model) + langs.map { l in Self.cell(breakdownScore(s.model) { $0.lang == l }) }
                + [.number(s.score.estimate), .number(s.score.low), .number(s.score.high), .int(s.seeds)]
                + [Self.cell(wrongLanguageRate(s.model))]
        }
        return Table(
            title: "Mean score (1–10) per evaluation language, mean over seeds",
            columns: Self.modelColumns + langs.map(\.code)
                + ["S", "ci_low", "ci_high", "seeds", "wrong_lang"], rows: rows,
            notes: [
                "S: mean of the per-language scores, with its 95% interval from the same bootstrap as the claims.",
                "wrong_lang: share of the model's answers (all seeds) whose language is not the question's, of those "
                    + "whose language is known (the built-in judge's checks, else the built-in language identifier)."
            ])
    }

    /// Every model's score per question category (mean over languages, then seeds).
    public func categoryTable() -> Table {
        let firstItem = Dictionary(
            grid.judgments.flatMap { $0.values.flatMap { $0 } }.map {
                ($0.category, grid.items.firstIndex(of: GridScores.item($0)) ?? 0)
            }, uniquingKeysWith: min)
        let categories = firstItem.keys.sorted { (firstItem[$0]!, $0) < (firstItem[$1]!, $1) }
        let rows = models.map { m in
            modelCells(m) + categories.map { c in Self.cell(breakdownScore(m) { $0.category == c }) }
        }
        return Table(
            title: "Mean score (1–10) per question category", columns: Self.modelColumns + categories,
            rows: rows, notes: ["Per category: mean over languages of the per-language means, then over seeds."])
    }

    /// Every model's score and wrong-language rate on the first and the second turn.
    public func turnTable() -> Table {
        let rows = models.map { m in
            modelCells(m) + [1, 2].map { t in Self.cell(breakdownScore(m) { $0.turn == t }) }
                + [1, 2].map { t in Self.cell(wrongLanguageRate(m) { $0.turn == t }) }
        }
        return Table(
            title: "Mean score (1–10) and wrong-language rate per turn",
            columns: Self.modelColumns + ["turn_1", "turn_2", "wrong_lang_1", "wrong_lang_2"], rows: rows,
            notes: ["turn_2 answers the follow-up question, with the first turn in the context."])
    }

    static func markdownTable(_ t: Table) -> [String] {
        ["| " + t.columns.joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: t.columns.count)]
            + t.rows.map { "| " + $0.map(\.text).joined(separator: " | ") + " |" } + [
                "", t.notes.joined(separator: " "), ""
            ]
    }

    /// How the page measures and judges, with this run's numbers.
    func methodParagraphs() -> [String] {
        let langList = langs.map(\.code).joined(separator: ", ")
        let minEffect = Table.format(options.minEffect)
        return [
            "## How to read this page", "",
            "- **S(model)**: the model's cross-lingual score, the unweighted mean over the evaluation languages "
                + "(\(langList)) of its mean score (1–10) on that language's turns; failed judgments (−1) left out. "
                + "**Points**: a comparison's difference of S, positive in the direction the study reports; "
                + "points × 10 is % of the 10-point scale.",
            "- **Interval**: 95%, from a two-level bootstrap with \(options.resamples) resamples (seed "
                + "\(options.seed)). Each resample draws the \(seeds) seed(s) with replacement, and the \(questions) "
                + "benchmark questions with replacement (a question's two turns and its translations together), the "
                + "same questions for every drawn seed: every seed answers the same benchmark, so seeds and questions "
                + "are crossed. Both sides of a comparison are scored on the same resampled questions (paired). Why: "
                + "a t-interval over a few seeds ignores that the benchmark is a sample of questions too, and has no "
                + "interval at all for one seed; the bootstrap needs no model of how scores are distributed. With one "
                + "seed the interval covers the questions only; with 2–3 seeds the seed level has few distinct draws "
                + "and tends to be narrow, which the minimum effect below guards against.",
            "- **p**: two-sided, from the bootstrap's standard error (z = points / SE; the interval is points ± "
                + "1.96 SE, so it excludes 0 exactly when p < 0.05). A percentile p-value could not go below "
                + "2 / (resamples + 1), which Holm's adjustment over many rows needs. **p (Holm)**: Holm's step-down "
                + "adjustment over all \(contrasts.count) comparisons of this page (family-wise error "
                + "\(Int(FindingsOptions.alpha * 100))%).",
            "- **Regime**: how long each model was tuned, from its provenance. *Equal epochs*: every composition the "
                + "same passes over its data, as the paper tunes (ENDEFRITES then gets 5× the steps of a monolingual "
                + "set). *Equal steps*: every composition the same number of optimizer updates, so data size and "
                + "compute are told apart. A contrast compares models of one regime; the number in brackets is the "
                + "run length (per dataset when it differs).",
            "- **Verdict**: *reproduces* when p (Holm) < \(Table.format(FindingsOptions.alpha)) — the interval at the "
                + "Holm-adjusted level lies on the study's side of 0 — and the effect is at least +\(minEffect) points "
                + "(\(String(format: "%g", options.minEffect * 10)) % of the scale); *reversed* when p (Holm) < "
                + "\(Table.format(FindingsOptions.alpha)) and the effect is −\(minEffect) points or less; otherwise "
                + "*not shown*, with the reason: the printed 95 % interval includes 0; *not significant after "
                + "Holm* (the printed interval excludes 0, the Holm-adjusted one does not: one of many comparisons); "
                + "or the effect is below \(minEffect) points.", ""
        ]
    }

    func headlineParagraphs() -> [String] {
        guard !headlines.isEmpty else { return [] }
        return ["## Headline", ""]
            + headlines.flatMap { h -> [String] in
                let name = "\(h.base)·\(h.data): \(h.multilingual) vs \(h.monolingual)"
                return [
                    "The largest cross-lingual improvement of a multilingual over a monolingual composition in the "
                        + "\(h.regime) regime: **\(name)**, S(\(h.multilingual)) − S(\(h.monolingual)) = "
                        + "\(Self.intervalText(h.points)) points, that is "
                        + "**\(Self.intervalText(h.scalePercent, digits: 1)) % of the 10-point scale** "
                        + "(points × 10) or "
                        + "**\(Self.intervalText(h.relativePercent, digits: 1)) % relative to the monolingual model** "
                        + "((multi − mono) / mono × 100, S(\(h.monolingual)) = \(Table.format(h.monolingualScore))); p "
                        + (h.points.p < 0.001 ? "< 0.001" : "= " + Self.pText(h.points.p)) + ".", ""
                ]
            } + [
                "The study's \"up to 9.9%\" does not say which reading it uses. Each pair is the largest of its "
                    + "regime's \(headlines.map { String($0.candidates) }.joined(separator: " and ")) candidates, "
                    + "chosen on the estimates, so it overstates the effect, and its interval does not account for "
                    + "the choice: it is a description, not one of the tested claims.", ""
            ]
    }

    func largerModelParagraphs() -> [String] {
        let wins = largerModelWins()
        guard !wins.isEmpty else { return [] }
        return ["### The larger (\(options.roles.larger)) model, composition by composition", ""]
            + wins.map { w in
                "- \(w.regime), \(w.data): better in \(w.reproduces) of \(w.compositions) compositions (reproduces), "
                    + "worse in \(w.reversed) (reversed); ahead on the estimate in \(w.ahead) of \(w.compositions)."
            } + [""]
    }

    /// The findings as Markdown: method, headline, the claims, figures and the model tables.
    public func markdown(title: String, preamble: [String], figures: [String]) -> String {
        var md = ["# \(title)", ""] + preamble + [""] + methodParagraphs() + headlineParagraphs()
        md += ["## The study's claims", ""]
        for regime in contrasts.map(\.regime).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
            md += [
                "### \(regime.prefix(1).uppercased() + regime.dropFirst())", "",
                "| finding | comparison | points [95% CI] | p | p (Holm) | per seed | verdict |",
                "|---|---|---|---|---|---|---|"
            ]
            for c in contrasts where c.regime == regime {
                let perSeed = c.perSeed.map { $0.map(Self.signed) ?? "–" }.joined(separator: ", ")
                md.append(
                    "| \(c.finding) | \(c.comparison) | \(Self.intervalText(c.interval)) | "
                        + "\(Self.pText(c.interval.p)) | \(Self.pText(c.pHolm)) | \(perSeed) | \(c.verdict.text) |")
            }
            md.append("")
        }
        md += largerModelParagraphs()
        if !figures.isEmpty {
            md += ["## Figures", ""] + figures.map { "![\(($0 as NSString).lastPathComponent)](\($0))" } + [""]
        }
        md += ["## All models", ""] + Self.markdownTable(scoreTable())
        md += ["## By question category", ""] + Self.markdownTable(categoryTable())
        md += ["## By turn", ""] + Self.markdownTable(turnTable())
        return md.joined(separator: "\n")
    }
}
