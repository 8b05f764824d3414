// The study's claims tested on a grid of tuned models run with one or more seeds: each claim is a contrast of
// cross-lingual scores between models of the grid (their typed provenance: base·data·COMPOSITION, per training
// regime), with an interval from the two-level bootstrap
// over seeds and questions (`GridScores`), a p-value, Holm's adjustment over every contrast of the page, and a
// verdict that also needs the effect to be large enough to matter. Plus the headline improvement of the grid.
import Foundation
import PolyglotEngine

/// Which bases and datasets of a grid play the roles the study's claims compare (the provenance's names).
public struct StudyRoles: Sendable, Equatable {
    /// The smaller and the larger base (the study's 7B and 8x7B).
    public var smaller = "dense", larger = "moe"
    /// The curated dataset, the synthetic one of the same size, and the larger synthetic one.
    public var curated = "lima", syntheticSmall = "bactrian_small", synthetic = "bactrian"

    public init() {}
}

/// How `findings` draws its intervals and judges its contrasts.
public struct FindingsOptions: Sendable {
    public var resamples: Int
    public var seed: UInt64
    /// The smallest effect, in points of the 1–10 scale, that a verdict other than "not shown" needs.
    public var minEffect: Double
    public var roles: StudyRoles
    /// The family-wise error rate of the verdicts (Holm over all contrasts).
    public static let alpha = 0.05

    public init(resamples: Int = 1000, seed: UInt64 = 0, minEffect: Double = 0.2, roles: StudyRoles = StudyRoles()) {
        (self.resamples, self.seed, self.minEffect, self.roles) = (resamples, seed, minEffect, roles)
    }
}

/// Where a contrast stands against the study's claim.
public enum Verdict: Equatable, Sendable {
    case reproduces, reversed
    case notShown(String)

    /// "reproduces" needs the Holm-adjusted p below alpha and an effect of at least `minEffect` in the study's
    /// direction; "reversed" the same in the other direction; anything else is "not shown", with the reason: the
    /// printed 95 % interval includes 0 (p ≥ alpha), or it does not but Holm's adjustment for the page's many
    /// contrasts does, or the effect is too small.
    public static func of(estimate: Double, p: Double, pHolm: Double, minEffect: Double) -> Verdict {
        guard p < FindingsOptions.alpha else { return .notShown("interval includes 0") }
        guard pHolm < FindingsOptions.alpha else { return .notShown("not significant after Holm") }
        if estimate >= minEffect { return .reproduces }
        if estimate <= -minEffect { return .reversed }
        return .notShown("effect below \(Table.format(minEffect))")
    }

    public var text: String {
        switch self {
        case .reproduces: "reproduces"
        case .reversed: "reversed"
        case .notShown(let why): "not shown (\(why))"
        }
    }
}

/// An estimate with its bootstrap standard error: a normal 95% interval and a two-sided p-value.
public struct BootstrapInterval: Equatable, Sendable {
    public var estimate: Double, standardError: Double

    public init(estimate: Double, standardError: Double) {
        (self.estimate, self.standardError) = (estimate, standardError)
    }

    init(_ e: BootstrapEstimate) { self.init(estimate: e.estimate, standardError: e.standardError) }

    /// Two-sided 97.5% normal quantile.
    static let z975 = 1.959964

    public var low: Double { estimate - Self.z975 * standardError }
    public var high: Double { estimate + Self.z975 * standardError }
    /// p of estimate = 0 (1 when the resamples give no standard error).
    public var p: Double {
        standardError.isNaN ? 1 : Statistics.normalPValue(estimate: estimate, se: standardError)
    }
}

public struct StudyFindings {
    public struct Contrast: Sendable {
        public var finding: String
        /// The training regime of the models it compares, with their run lengths: "equal epochs (3)".
        public var regime: String
        /// The contrast's formula with the models it compares, e.g. `dense·lima: S(ENDEFRITES) − S(DEFRITES)`.
        public var comparison: String
        public var interval: BootstrapInterval
        public var perSeed: [Double?]
        /// Holm-adjusted p over every contrast of the page.
        public var pHolm: Double
        public var verdict: Verdict

        public var seeds: Int { perSeed.compactMap { $0 }.count }
    }

    /// The largest cross-lingual improvement of a multilingual over a monolingual composition in the grid.
    public struct Headline: Sendable {
        /// The regime whose grid it is the largest of: "equal epochs (3)".
        public var regime: String
        public var base: String, data: String, multilingual: String, monolingual: String
        /// multi − mono in points of the 1–10 scale.
        public var points: BootstrapInterval
        /// The monolingual model's score over the same seeds (the base of the relative reading).
        public var monolingualScore: Double
        /// (multi − mono) / mono × 100, with its interval from the same resamples.
        public var relativePercent: BootstrapInterval
        /// How many (base, dataset, multilingual, monolingual) pairs the headline is the largest of.
        public var candidates: Int
        /// Points × 10: % of the 10-point scale.
        public var scalePercent: BootstrapInterval {
            BootstrapInterval(estimate: points.estimate * 10, standardError: points.standardError * 10)
        }
    }

    /// A model's cross-lingual score over seeds, with its interval.
    public struct ModelScore: Sendable {
        public var model: GridModel
        public var score: BootstrapInterval
        public var seeds: Int
    }

    let grid: GridScores
    public let options: FindingsOptions
    public let contrasts: [Contrast]
    /// The headline of each regime that has one, in the regimes' order.
    public let headlines: [Headline]
    public let modelScores: [ModelScore]

    /// `runs`: one judgment set per seed, each holding the grid of models (a later seed may repeat part of it).
    public init(runs: [JudgmentSet], options: FindingsOptions = FindingsOptions()) throws {
        guard options.resamples > 0 else { throw LabError("findings need at least one bootstrap resample") }
        let grid = try GridScores(runs: runs)
        (self.grid, self.options) = (grid, options)
        let regimes = Set(grid.models.map(\.regime)).sorted()
        let definitions = regimes.flatMap { Self.definitions(grid, regime: $0, roles: options.roles) }
        let point = (0..<grid.seeds).map {
            grid.scores(seed: $0, weights: [Double](repeating: 1, count: grid.items.count))
        }
        // Each regime's headline is picked on the point estimates; the bootstrap then measures it like any contrast.
        let candidates = regimes.map { Self.headlineCandidates(grid, regime: $0) }
        let best = candidates.map { pairs in
            pairs.max { a, b in Self.seedMean(a.difference, point) < Self.seedMean(b.difference, point) }
        }
        let modelMeasures: [Measure] = grid.models.indices.map { m in
            let all = grid.langs.indices.map { $0 }
            return { $0.score(m, over: all) }
        }
        let headlineMeasures = best.flatMap { $0.map { [$0.difference, $0.monolingual] } ?? [] }
        let estimates = grid.bootstrap(
            definitions.map(\.measure) + modelMeasures + headlineMeasures, resamples: options.resamples,
            seed: options.seed)
        let modelEstimates = estimates[definitions.count..<(definitions.count + grid.models.count)]
        var headlineEstimates = estimates[(definitions.count + grid.models.count)...]
        // A contrast no seed measured on both sides is left out, before Holm counts the page's contrasts.
        let measured = zip(definitions, estimates).filter { !$0.1.estimate.isNaN }
        let intervals = measured.map { BootstrapInterval($0.1) }
        let holm = Statistics.holm(intervals.map(\.p))
        let minEffect = options.minEffect
        contrasts = measured.indices.map { i in
            Contrast(
                finding: measured[i].0.finding, regime: measured[i].0.regime, comparison: measured[i].0.comparison,
                interval: intervals[i], perSeed: measured[i].1.perSeed, pHolm: holm[i],
                verdict: Verdict.of(
                    estimate: intervals[i].estimate, p: intervals[i].p, pHolm: holm[i], minEffect: minEffect))
        }
        modelScores = zip(grid.models, modelEstimates).map {
            ModelScore(model: $0, score: BootstrapInterval($1), seeds: $1.seeds)
        }
        var headlines: [Headline] = []
        for (pairs, best) in zip(candidates, best) {
            guard let best else { continue }
            let (difference, mono) = (headlineEstimates.removeFirst(), headlineEstimates.removeFirst())
            guard !difference.estimate.isNaN else { continue }
            let relative = zip(difference.replicates, mono.replicates).map { $0 / $1 * 100 }
            headlines.append(
                Headline(
                    regime: grid.regimeLabel(best.regime), base: best.base, data: best.data,
                    multilingual: best.multilingual, monolingual: best.monolingualName,
                    points: BootstrapInterval(difference), monolingualScore: mono.estimate,
                    relativePercent: BootstrapInterval(
                        estimate: difference.estimate / mono.estimate * 100,
                        standardError: BootstrapEstimate.standardError(relative)),
                    candidates: pairs.count))
        }
        self.headlines = headlines
    }

    public var seeds: Int { grid.seeds }
    public var models: [GridModel] { grid.models }
    public var langs: [Lang] { grid.langs }
    public var questions: Int { grid.items.count }

    static func seedMean(_ m: Measure, _ seeds: [SeedScores]) -> Double {
        let xs = seeds.compactMap(m)
        return xs.isEmpty ? -.infinity : Statistics.mean(xs)
    }

    /// A contrast before it is measured.
    struct Definition {
        var finding: String, regime: String, comparison: String, measure: Measure
    }

    /// The finding of the larger base's per-composition contrasts (counted by `largerModelWins`).
    static func largerPerComposition(_ roles: StudyRoles) -> String {
        "4. the larger (\(roles.larger)) model is better, per composition"
    }

    /// The formula's name of a score: S(X) on all languages.
    static func term(_ compositions: [String]) -> String {
        compositions.count == 1 ? "S(\(compositions[0]))" : "mean S(\(compositions.joined(separator: ", ")))"
    }

    /// The study's claims among the models of one regime as contrasts (positive = the direction the study reports),
    /// in the page's order.
    static func definitions(_ grid: GridScores, regime: TrainingRegime.Kind, roles: StudyRoles) -> [Definition] {
        var out: [Definition] = []
        let allLangs = grid.langs.indices.map { $0 }
        let label = grid.regimeLabel(regime)
        let models = grid.models.filter { $0.regime == regime }
        /// mean S(a) − mean S(b) over `langs`, when the grid has every model of both sides.
        func add(_ finding: String, _ comparison: String, _ a: [GridModel], _ b: [GridModel], langs: [Int]? = nil) {
            let ia = a.compactMap(grid.index), ib = b.compactMap(grid.index)
            guard ia.count == a.count, ib.count == b.count, !a.isEmpty, !b.isEmpty else { return }
            let ls = langs ?? allLangs
            out.append(
                Definition(finding: finding, regime: label, comparison: comparison) { s in
                    guard let x = s.score(ia, over: ls), let y = s.score(ib, over: ls) else { return nil }
                    return x - y
                })
        }
        let bases = Set(models.map(\.base)).sorted(), datasets = Set(models.map(\.data)).sorted()
        let nonEnglish = grid.langs.filter { $0 != .en }
        let monoTerm = term(GridModel.monolingual)
        for b in bases {
            for d in datasets {
                func m(_ c: String) -> GridModel { GridModel(base: b, data: d, composition: c, regime: regime) }
                let mono = GridModel.monolingual.map(m)
                for sampled in ["ENDEFRITES_sampled", "DEFRITES_sampled"] {
                    add(
                        "1. multilingual beats monolingual at equal size", "\(b)·\(d): S(\(sampled)) − \(monoTerm)",
                        [m(sampled)], mono)
                }
                add(
                    "1. … with 5× the data and steps (not equal size)", "\(b)·\(d): S(ENDEFRITES) − \(monoTerm)",
                    [m("ENDEFRITES")], mono)
                for full in ["ENDEFRITES", "DEFRITES"] {
                    add(
                        "2. full parallel beats sampled", "\(b)·\(d): S(\(full)) − S(\(full)_sampled)", [m(full)],
                        [m(full + "_sampled")])
                }
                if !nonEnglish.isEmpty {
                    let codes = nonEnglish.map(\.code).joined(separator: ", ")
                    add(
                        "3. including English helps (on \(codes))",
                        "\(b)·\(d): S(ENDEFRITES) − S(DEFRITES), S on \(codes) only", [m("ENDEFRITES")],
                        [m("DEFRITES")], langs: grid.indices(nonEnglish))
                }
                add(
                    "3. … on all languages, incl. EN (never tuned by DEFRITES)",
                    "\(b)·\(d): S(ENDEFRITES) − S(DEFRITES)", [m("ENDEFRITES")], [m("DEFRITES")])
            }
        }
        // Model size: the larger base per composition it shares with the smaller one, their mean, and how much each
        // base's mean moves across datasets.
        let (smaller, larger) = (roles.smaller, roles.larger)
        if bases.contains(larger), bases.contains(smaller) {
            let all = Set(models)
            func other(_ m: GridModel, _ base: String) -> GridModel {
                GridModel(base: base, data: m.data, composition: m.composition, regime: regime)
            }
            let shared = models.filter { $0.base == larger && all.contains(other($0, smaller)) }
            let sharedData = Set(shared.map(\.data)).sorted()
            for d in sharedData {
                let mine = shared.filter { $0.data == d }
                for m in mine {
                    add(
                        largerPerComposition(roles),
                        "\(d): S(\(larger)·\(d)·\(m.composition)) − S(\(smaller)·\(d)·\(m.composition))", [m],
                        [other(m, smaller)])
                }
                add(
                    "4. … on average over compositions",
                    "\(d): mean over \(mine.count) compositions c of S(\(larger)·\(d)·c) − S(\(smaller)·\(d)·c)",
                    mine, mine.map { other($0, smaller) })
            }
            if sharedData.count >= 2 {
                func range(_ base: String, _ s: SeedScores) -> Double? {
                    var xs: [Double] = []
                    for d in sharedData {
                        let ms = shared.filter { $0.data == d }.compactMap { grid.index(other($0, base)) }
                        guard let x = s.score(ms, over: allLangs) else { return nil }
                        xs.append(x)
                    }
                    return xs.max()! - xs.min()!
                }
                out.append(
                    Definition(
                        finding: "4. … and less sensitive to the dataset", regime: label,
                        comparison: "range over \(sharedData.joined(separator: ", ")) of mean_c "
                            + "S(\(smaller)·d·c) − the same range for \(larger)"
                    ) { s in range(smaller, s).flatMap { x in range(larger, s).map { x - $0 } } })
            }
        }
        // Curated vs synthetic at equal size (the small synthetic set has the curated set's size), and more data.
        let (curated, syntheticSmall, synthetic) = (roles.curated, roles.syntheticSmall, roles.synthetic)
        for b in bases where datasets.contains(curated) && datasets.contains(syntheticSmall) {
            let comps = models.filter { $0.base == b && $0.data == curated }.map(\.composition)
            func on(_ d: String) -> [GridModel] {
                comps.map { GridModel(base: b, data: d, composition: $0, regime: regime) }
            }
            add(
                "5. synthetic beats curated at equal size",
                "\(b): mean over \(comps.count) compositions c of S(\(syntheticSmall)·c) − S(\(curated)·c)",
                on(syntheticSmall), on(curated))
            if datasets.contains(synthetic) {
                add(
                    "5. … and more synthetic data helps more",
                    "\(b): mean over \(comps.count) compositions c of S(\(synthetic)·c) − S(\(syntheticSmall)·c)",
                    on(synthetic), on(syntheticSmall))
            }
        }
        return out
    }

    /// A candidate of the headline: one multilingual and one monolingual composition of a base and dataset.
    struct HeadlinePair {
        var regime: TrainingRegime.Kind
        var base: String, data: String, multilingual: String, monolingualName: String
        var difference: Measure, monolingual: Measure
    }

    /// Every (base, dataset, multilingual, monolingual) pair of one regime of the grid, on all languages.
    static func headlineCandidates(_ grid: GridScores, regime: TrainingRegime.Kind) -> [HeadlinePair] {
        let all = grid.langs.indices.map { $0 }
        var out: [HeadlinePair] = []
        for m in grid.models where m.regime == regime && GridModel.multilingual.contains(m.composition) {
            for c in GridModel.monolingual {
                guard let multi = grid.index(m),
                    let mono = grid.index(GridModel(base: m.base, data: m.data, composition: c, regime: regime))
                else { continue }
                out.append(
                    HeadlinePair(
                        regime: regime, base: m.base, data: m.data, multilingual: m.composition, monolingualName: c,
                        difference: { s in
                            s.score(multi, over: all).flatMap { x in s.score(mono, over: all).map { x - $0 } }
                        },
                        monolingual: { s in s.score(multi, over: all) == nil ? nil : s.score(mono, over: all) }))
            }
        }
        return out
    }

    /// The larger model's record per regime and dataset: in how many compositions it reproduces, is reversed, and
    /// leads at all.
    public func largerModelWins() -> [(
        regime: String, data: String, reproduces: Int, reversed: Int, ahead: Int, compositions: Int
    )] {
        let finding = Self.largerPerComposition(options.roles)
        let rows = contrasts.filter { $0.finding == finding }
        func data(_ c: Contrast) -> String { String(c.comparison.prefix { $0 != ":" }) }
        var groups: [[String]] = []
        for r in rows where !groups.contains([r.regime, data(r)]) { groups.append([r.regime, data(r)]) }
        return groups.map { group in
            let cs = rows.filter { [$0.regime, data($0)] == group }
            return (
                group[0], group[1], cs.filter { $0.verdict == .reproduces }.count,
                cs.filter { $0.verdict == .reversed }.count, cs.filter { $0.interval.estimate > 0 }.count, cs.count
            )
        }
    }
}
