// The study's key observations, measured on a grid of tuned models run with several seeds: each observation
// is a contrast between named models (base·data·COMPOSITION), computed per seed, then summarised by its mean
// and a 95% t-interval over seeds. A contrast whose interval excludes 0 in the study's direction reproduces.
import Foundation

/// A grid model's name split into its parts: `dense·lima·ENDEFRITES`.
public struct GridModel: Hashable, Sendable {
    public var base: String, data: String, composition: String

    public init?(_ name: String) {
        let parts = name.split(separator: "·").map(String.init)
        guard parts.count == 3 else { return nil }
        (base, data, composition) = (parts[0], parts[1], parts[2])
    }

    public init(base: String, data: String, composition: String) {
        (self.base, self.data, self.composition) = (base, data, composition)
    }

    public var name: String { "\(base)·\(data)·\(composition)" }

    public static let monolingual = ["EN", "DE", "FR", "IT", "ES"]
}

/// Mean and 95% interval over seeds of one quantity.
public struct SeedSummary: Equatable, Sendable {
    public var values: [Double]
    public var mean: Double { values.reduce(0, +) / Double(values.count) }

    /// Half-width of the 95% Student-t interval (nan for a single seed).
    public var halfWidth: Double {
        let n = values.count
        guard n > 1 else { return .nan }
        let m = mean
        let sd = (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n - 1)).squareRoot()
        return Self.t975(n - 1) * sd / Double(n).squareRoot()
    }

    /// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
    static func t975(_ df: Int) -> Double {
        let table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]
        return df <= table.count ? table[df - 1] : 1.96 + 2.5 / Double(df)
    }

    public var text: String {
        values.count > 1 ? String(format: "%+.2f ± %.2f", mean, halfWidth) : String(format: "%+.2f (1 seed)", mean)
    }
}

public struct StudyFindings {
    /// Per seed: model → language → mean score.
    let runs: [[GridModel: [Lang: Double]]]
    public let langs: [Lang]

    /// `runs`: one judgment set per seed, each holding the same grid of models.
    public init(runs: [JudgmentSet]) throws {
        guard !runs.isEmpty else { throw LabError("findings need the judgments of at least one run") }
        var parsed: [[GridModel: [Lang: Double]]] = []
        for (i, run) in runs.enumerated() {
            var sums: [GridModel: [Lang: (Double, Int)]] = [:]
            for j in run.single where !j.failed {
                guard let m = GridModel(j.model) else {
                    throw LabError(
                        "run \(i + 1): model '\(j.model)' is not named base·data·COMPOSITION (as grid names them)")
                }
                let s = sums[m]?[j.lang] ?? (0, 0)
                sums[m, default: [:]][j.lang] = (s.0 + j.score, s.1 + 1)
            }
            parsed.append(sums.mapValues { $0.mapValues { $0.0 / Double($0.1) } })
        }
        self.runs = parsed
        langs = Lang.allCases.filter { l in parsed.contains { $0.values.contains { $0[l] != nil } } }
    }

    public var seeds: Int { runs.count }
    /// Every model of any run (a later seed may repeat only part of the grid).
    public var models: [GridModel] { Set(runs.flatMap(\.keys)).sorted { $0.name < $1.name } }

    /// Mean over `langs` of a model's per-language means, per seed (nil where that seed did not run the model).
    func average(_ m: GridModel, over langs: [Lang]? = nil) -> [Double?] {
        let ls = langs ?? self.langs
        return runs.map { run -> Double? in
            guard let perLang = run[m] else { return nil }
            let xs = ls.compactMap { perLang[$0] }
            return xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count)
        }
    }

    /// Mean of several models' averages, per seed (nil where a seed lacks one of them).
    func average(_ ms: [GridModel], over langs: [Lang]? = nil) -> [Double?] {
        let each = ms.map { average($0, over: langs) }
        return (0..<seeds).map { s in
            let xs = each.compactMap { $0[s] }
            return xs.count == ms.count && !ms.isEmpty ? xs.reduce(0, +) / Double(ms.count) : nil
        }
    }

    public struct Contrast: Sendable {
        public var finding: String, comparison: String
        public var summary: SeedSummary
        public var verdict: String {
            if summary.values.count == 1 {
                return summary.mean > 0
                    ? "same direction (1 seed, no interval)" : "opposite direction (1 seed, no interval)"
            }
            if summary.mean - summary.halfWidth > 0 { return "reproduces" }
            if summary.mean + summary.halfWidth < 0 { return "reversed" }
            return "not shown (interval includes 0)"
        }
    }

    /// The study's observations as contrasts (positive = the direction the study reports).
    public func contrasts() -> [Contrast] {
        var out: [Contrast] = []
        func add(_ finding: String, _ comparison: String, _ a: [Double?], _ b: [Double?]) {
            let values = zip(a, b).compactMap { x, y in x.flatMap { x in y.map { x - $0 } } }
            guard !values.isEmpty else { return }
            out.append(Contrast(finding: finding, comparison: comparison, summary: SeedSummary(values: values)))
        }
        let bases = Set(models.map(\.base)).sorted(), datasets = Set(models.map(\.data)).sorted()
        let nonEnglish = langs.filter { $0 != .en }
        for b in bases {
            for d in datasets {
                func m(_ c: String) -> GridModel { GridModel(base: b, data: d, composition: c) }
                let mono = GridModel.monolingual.map(m)
                add(
                    "1. multilingual beats monolingual", "\(b)·\(d): ENDEFRITES − mean(EN … ES)",
                    average(m("ENDEFRITES")), average(mono))
                add(
                    "2. full parallel beats sampled", "\(b)·\(d): ENDEFRITES − ENDEFRITES_sampled",
                    average(m("ENDEFRITES")), average(m("ENDEFRITES_sampled")))
                add(
                    "2. full parallel beats sampled", "\(b)·\(d): DEFRITES − DEFRITES_sampled",
                    average(m("DEFRITES")), average(m("DEFRITES_sampled")))
                add(
                    "3. including English helps", "\(b)·\(d): ENDEFRITES − DEFRITES, all languages",
                    average(m("ENDEFRITES")), average(m("DEFRITES")))
                add(
                    "3. including English helps", "\(b)·\(d): ENDEFRITES − DEFRITES, DE FR IT ES only",
                    average(m("ENDEFRITES"), over: nonEnglish), average(m("DEFRITES"), over: nonEnglish))
            }
        }
        // Model size: the larger base on the same data and compositions, and its spread across datasets.
        if bases.contains("moe"), bases.contains("dense") {
            let all = Set(models)
            let shared = models.filter {
                $0.base == "moe" && all.contains(GridModel(base: "dense", data: $0.data, composition: $0.composition))
            }
            for d in Set(shared.map(\.data)).sorted() {
                let mine = shared.filter { $0.data == d }
                add(
                    "4. the larger (MoE) model is better", "\(d): moe − dense, mean of \(mine.count) compositions",
                    average(mine), average(mine.map { GridModel(base: "dense", data: d, composition: $0.composition) }))
            }
            let moeData = Set(shared.map(\.data)).sorted()
            if moeData.count >= 2 {
                func spread(_ base: String) -> [Double?] {
                    let perData = moeData.map { d in
                        average(
                            shared.filter { $0.data == d }.map {
                                GridModel(base: base, data: d, composition: $0.composition)
                            })
                    }
                    return (0..<seeds).map { s in
                        let xs = perData.compactMap { $0[s] }
                        return xs.count == perData.count ? xs.max()! - xs.min()! : nil
                    }
                }
                add(
                    "4. … and less sensitive to the dataset",
                    "spread over \(moeData.joined(separator: ", ")): dense − moe",
                    spread("dense"), spread("moe"))
            }
        }
        // Curated vs synthetic at equal size (the small synthetic set has the curated set's size), and more synthetic data.
        for b in bases where datasets.contains("lima") && datasets.contains("bactrian_small") {
            let comps = models.filter { $0.base == b && $0.data == "lima" }.map(\.composition)
            add(
                "5. synthetic beats curated at equal size",
                "\(b): bactrian_small − lima, mean of \(comps.count) compositions",
                average(comps.map { GridModel(base: b, data: "bactrian_small", composition: $0) }),
                average(comps.map { GridModel(base: b, data: "lima", composition: $0) }))
            if datasets.contains("bactrian") {
                add(
                    "5. … and more synthetic data helps more",
                    "\(b): bactrian − bactrian_small, mean of \(comps.count) compositions",
                    average(comps.map { GridModel(base: b, data: "bactrian", composition: $0) }),
                    average(comps.map { GridModel(base: b, data: "bactrian_small", composition: $0) }))
            }
        }
        return out
    }

    /// Every model's per-language and average score, mean ± 95% interval over seeds.
    public func scoreTable() -> Table {
        let rows: [[Table.Cell]] = models.map { m in
            let perLang = langs.map { l -> Table.Cell in
                let xs = runs.compactMap { $0[m]?[l] }
                return xs.isEmpty ? .missing : .number(xs.reduce(0, +) / Double(xs.count))
            }
            let avg = SeedSummary(values: average(m).compactMap { $0 })
            return [.text(m.base), .text(m.data), .text(m.composition)] + perLang
                + [.number(avg.mean), avg.values.count > 1 ? .number(avg.halfWidth) : .missing, .int(avg.values.count)]
        }
        return Table(
            title: "Mean score (1–10) per evaluation language, mean over seeds",
            columns: ["base", "data", "composition"] + langs.map(\.code) + ["avg", "avg_ci95", "seeds"], rows: rows,
            notes: ["avg_ci95: half-width of the 95% t-interval of the 5-language average over the model's seeds."])
    }

    public func contrastTable() -> Table {
        let rows: [[Table.Cell]] = contrasts().map { c in
            [
                .text(c.finding), .text(c.comparison), .number(c.summary.mean),
                c.summary.values.count > 1 ? .number(c.summary.halfWidth) : .missing, .int(c.summary.values.count),
                .text(c.verdict)
            ]
        }
        return Table(
            title: "The study's observations in the miniature (score points, mean over seeds)",
            columns: ["finding", "comparison", "points", "ci95", "seeds", "verdict"], rows: rows,
            notes: [
                "points: contrast of 5-language averages on the 1–10 scale (positive = the study's direction); ci95: t-interval half-width over seeds."
            ])
    }

    /// The findings as Markdown: the observations with their intervals and per-seed values, then the score table.
    public func markdown(title: String, preamble: [String], figures: [String]) -> String {
        var md = ["# \(title)", ""] + preamble + [""]
        md += [
            "## The study's observations", "",
            "| finding | comparison | points (mean ± 95% CI) | per seed | verdict |", "|---|---|---|---|---|"
        ]
        for c in contrasts() {
            md.append(
                "| \(c.finding) | \(c.comparison) | \(c.summary.text) | "
                    + c.summary.values.map { String(format: "%+.2f", $0) }.joined(separator: ", ") + " | \(c.verdict) |"
            )
        }
        md += [
            "",
            "Points are differences of 5-language average scores (1–10 scale, built-in judge); × 10 gives % of the scale, "
                + "the unit of the study's \"up to 9.9%\". The interval is a Student-t 95% interval over the seeds that ran both sides "
                + "(a single seed has no interval; its verdict only says on which side of 0 it fell).", ""
        ]
        if !figures.isEmpty {
            md += ["## Figures", ""] + figures.map { "![\(($0 as NSString).lastPathComponent)](\($0))" } + [""]
        }
        let t = scoreTable()
        md += [
            "## All models", "", "| " + t.columns.joined(separator: " | ") + " |",
            "|" + String(repeating: "---|", count: t.columns.count)
        ]
        md += t.rows.map { "| " + $0.map(\.text).joined(separator: " | ") + " |" }
        md += ["", t.notes.joined(separator: " "), ""]
        return md.joined(separator: "\n")
    }
}
