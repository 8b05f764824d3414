// A grid's judgments as score sums per seed, model, language and benchmark question, and the two-level bootstrap that
// every interval of `findings` comes from: resample the seeds, and the questions once for all of them (crossed).
import Foundation
import PolyglotEngine

/// A model's cell of the grid, read from its typed provenance: base, dataset, composition and the kind of its
/// training regime (the run's length, which may differ by dataset, is kept beside it by `GridScores`).
public struct GridModel: Hashable, Sendable {
    public var base: String, data: String, composition: String
    public var regime: TrainingRegime.Kind

    public init(base: String, data: String, composition: String, regime: TrainingRegime.Kind = .epochs) {
        (self.base, self.data, self.composition, self.regime) = (base, data, composition, regime)
    }

    public init(_ provenance: ModelProvenance) {
        self.init(
            base: provenance.base, data: provenance.dataset, composition: provenance.composition,
            regime: provenance.regime.kind)
    }

    /// `dense·lima·ENDEFRITES`: the cell within its regime.
    public var name: String { "\(base)·\(data)·\(composition)" }

    public static let monolingual = ["EN", "DE", "FR", "IT", "ES"]
    /// The compositions tuned on more than one language, in the study's order.
    public static let multilingual = ["ENDEFRITES", "DEFRITES", "ENDEFRITES_sampled", "DEFRITES_sampled"]
}

/// One seed's mean score of every model in every language (NaN where it has none), on all questions or on one
/// bootstrap resample of them.
struct SeedScores {
    let means: [Double]
    let langCount: Int

    /// The unweighted mean over `langs` of a model's per-language means; nil when it has none of them.
    func score(_ model: Int, over langs: [Int]) -> Double? {
        var sum = 0.0, n = 0
        for l in langs {
            let v = means[model * langCount + l]
            if !v.isNaN { (sum, n) = (sum + v, n + 1) }
        }
        return n == 0 ? nil : sum / Double(n)
    }

    /// The mean of several models' scores; nil when one of them has none.
    func score(_ models: [Int], over langs: [Int]) -> Double? {
        var sum = 0.0
        for m in models {
            guard let v = score(m, over: langs) else { return nil }
            sum += v
        }
        return models.isEmpty ? nil : sum / Double(models.count)
    }
}

/// A quantity measured on one seed's scores; nil where that seed lacks a model it needs.
typealias Measure = (SeedScores) -> Double?

/// What the bootstrap gives for one measure: its mean over the seeds that have it, each seed's value, and the
/// standard error over the resamples.
struct BootstrapEstimate {
    var estimate: Double
    var perSeed: [Double?]
    var replicates: [Double]

    var seeds: Int { perSeed.compactMap { $0 }.count }

    var standardError: Double { Self.standardError(replicates) }

    /// Standard deviation of the resamples' values, leaving out those without one (NaN with fewer than two).
    static func standardError(_ replicates: [Double]) -> Double {
        let xs = replicates.filter { !$0.isNaN }
        return xs.count > 1 ? Statistics.standardDeviation(xs) : .nan
    }
}

struct GridScores {
    let models: [GridModel]
    let langs: [Lang]
    /// The benchmark's questions, the unit the bootstrap resamples: a question's turns and its translations move
    /// together (`81_DE` and `81_EN` are item `81`), since they share a task and a fact.
    let items: [String]
    /// Per seed, every judgment of each model the seed ran (failed ones too: they still have an answer).
    let judgments: [[GridModel: [SingleJudgment]]]
    /// Per seed: score sum and count of the judged turns of each model, language and item, at `cell(m, l) + item`.
    let sums: [[Double]], counts: [[Double]]
    let modelIndex: [GridModel: Int]

    /// Each model's run length within its regime ("epochs 3"), from its provenance.
    let lengths: [GridModel: Set<TrainingRegime>]

    init(runs: [JudgmentSet]) throws {
        guard !runs.isEmpty else { throw LabError("findings need the judgments of at least one run") }
        var judgments: [[GridModel: [SingleJudgment]]] = []
        var lengths: [GridModel: Set<TrainingRegime>] = [:]
        for (i, run) in runs.enumerated() {
            var byModel: [GridModel: [SingleJudgment]] = [:]
            var modelOf: [String: GridModel] = [:],
                nameOf: [GridModel: (name: String, provenance: ModelProvenance)] = [:]
            for j in run.single {
                guard let provenance = j.modelProvenance else {
                    throw LabError(
                        "run \(i + 1): model '\(j.model)' has no provenance (base, dataset, composition, regime, "
                            + "seed), so findings cannot tell its role; expected judgments of answers by a model "
                            + "tuned with `tune` or `grid`, or tagged by hand: tune … tag: {base: \"dense\", "
                            + "dataset: \"lima\", composition: \"EN\"}, or for a model tuned elsewhere answer … "
                            + "tag: {base, dataset, composition, regime, seed}")
                }
                let m = GridModel(provenance)
                if modelOf[j.model] == nil {
                    if let other = nameOf[m], other.name != j.model {
                        throw LabError(
                            "run \(i + 1): models '\(other.name)' (\(other.provenance)) and '\(j.model)' "
                                + "(\(provenance)) are the same cell \(m.name) of the \(m.regime.title) regime; "
                                + "expected one model per base, dataset, composition and regime in a run (one run "
                                + "per seed)")
                    }
                    (modelOf[j.model], nameOf[m]) = (m, (j.model, provenance))
                    lengths[m, default: []].insert(provenance.regime)
                } else if let first = modelOf[j.model], first != m {
                    throw LabError(
                        "run \(i + 1): model '\(j.model)' has judgments of two provenances, "
                            + "\(nameOf[first]!.provenance) and \(provenance); expected one provenance per model")
                }
                byModel[m, default: []].append(j)
            }
            judgments.append(byModel)
        }
        self.lengths = lengths
        let scored = judgments.flatMap { $0.values.flatMap { $0.filter { !$0.failed } } }
        models = Set(judgments.flatMap(\.keys)).sorted { ($0.regime, $0.name) < ($1.regime, $1.name) }
        langs = Lang.allCases.filter(Set(scored.map(\.lang)).contains)
        items = Set(scored.map(Self.item)).sorted { ($0.count, $0) < ($1.count, $1) }
        modelIndex = Dictionary(uniqueKeysWithValues: models.enumerated().map { ($1, $0) })
        let itemIndex = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($1, $0) })
        let langIndex = Dictionary(uniqueKeysWithValues: langs.enumerated().map { ($1, $0) })
        let size = models.count * langs.count * items.count
        var sums: [[Double]] = [], counts: [[Double]] = []
        for run in judgments {
            var s = [Double](repeating: 0, count: size), c = [Double](repeating: 0, count: size)
            for (m, js) in run {
                for j in js where !j.failed {
                    let k = (modelIndex[m]! * langs.count + langIndex[j.lang]!) * items.count + itemIndex[Self.item(j)]!
                    s[k] += j.score
                    c[k] += 1
                }
            }
            sums.append(s)
            counts.append(c)
        }
        (self.judgments, self.sums, self.counts) = (judgments, sums, counts)
    }

    /// The question a judgment belongs to: its id without the language suffix (`81_DE` → `81`).
    static func item(_ j: SingleJudgment) -> String {
        let suffix = "_" + j.lang.code
        return j.questionID.hasSuffix(suffix) ? String(j.questionID.dropLast(suffix.count)) : j.questionID
    }

    var seeds: Int { judgments.count }

    func index(_ m: GridModel) -> Int? { modelIndex[m] }

    /// How findings.md names a regime, with its run lengths: "equal epochs (3)", or per dataset when they differ,
    /// "equal epochs (bactrian 1, bactrian_small 3, lima 3)".
    func regimeLabel(_ regime: TrainingRegime.Kind) -> String {
        let mine = models.filter { $0.regime == regime }
        let all = Set(mine.flatMap { lengths[$0] ?? [] }.map(\.count))
        if all.count <= 1 { return "\(regime.title) (\(all.first.map(String.init) ?? "–"))" }
        let perData = Set(mine.map(\.data)).sorted().map { d in
            let counts = Set(mine.filter { $0.data == d }.flatMap { lengths[$0] ?? [] }.map(\.count)).sorted()
            return "\(d) " + counts.map(String.init).joined(separator: "/")
        }
        return "\(regime.title) (\(perData.joined(separator: ", ")))"
    }
    func indices(_ ls: [Lang]) -> [Int] { ls.compactMap { langs.firstIndex(of: $0) } }

    /// A seed's scores with each item counted `weights[item]` times (1 each: the seed as measured).
    func scores(seed s: Int, weights: [Double]) -> SeedScores {
        let q = items.count
        var means = [Double](repeating: .nan, count: models.count * langs.count)
        sums[s].withUnsafeBufferPointer { sum in
            counts[s].withUnsafeBufferPointer { count in
                for c in means.indices {
                    var num = 0.0, den = 0.0
                    for i in 0..<q {
                        num += weights[i] * sum[c * q + i]
                        den += weights[i] * count[c * q + i]
                    }
                    if den > 0 { means[c] = num / den }
                }
            }
        }
        return SeedScores(means: means, langCount: langs.count)
    }

    /// Each measure's per-seed values and its value on `resamples` two-level resamples: draw the seeds with
    /// replacement, and the questions with replacement once per resample, used in every drawn seed (every seed
    /// answers the same benchmark, so a question's difficulty is shared: seeds and questions are crossed). A
    /// resample's value is the mean over the drawn seeds that have the measure (NaN when none has it).
    func bootstrap(_ measures: [Measure], resamples: Int, seed: UInt64) -> [BootstrapEstimate] {
        let all = [Double](repeating: 1, count: items.count)
        let measured = (0..<seeds).map { scores(seed: $0, weights: all) }
        let perSeed = measures.map { m in measured.map { m($0) } }
        var seedRNG = SeededRNG(seed: seed, stream: "findings:seeds")
        var itemRNG = SeededRNG(seed: seed, stream: "findings:questions")
        let replicates = Statistics.bootstrapReplicates(count: seeds, resamples: resamples, rng: &seedRNG) {
            drawnSeeds -> [Double] in
            var weights = [Double](repeating: 0, count: items.count)
            for _ in items.indices { weights[Int(itemRNG.next() % UInt64(items.count))] += 1 }
            var resampled: [Int: SeedScores] = [:]
            var sum = [Double](repeating: 0, count: measures.count), n = [Int](repeating: 0, count: measures.count)
            for s in drawnSeeds {
                let scores = resampled[s] ?? self.scores(seed: s, weights: weights)
                resampled[s] = scores
                for (k, m) in measures.enumerated() {
                    if let v = m(scores) { (sum[k], n[k]) = (sum[k] + v, n[k] + 1) }
                }
            }
            return measures.indices.map { n[$0] > 0 ? sum[$0] / Double(n[$0]) : .nan }
        }
        return measures.indices.map { k in
            let values = perSeed[k].compactMap { $0 }
            return BootstrapEstimate(
                estimate: values.isEmpty ? .nan : Statistics.mean(values), perSeed: perSeed[k],
                replicates: replicates.map { $0[k] })
        }
    }
}
