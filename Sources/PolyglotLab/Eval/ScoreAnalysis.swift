// The study's numbers from judgments: mean scores with bootstrap intervals, cross-lingual improvement, judge agreement.
import Foundation
import PolyglotEngine

/// A dimension to group scores by.
public enum ScoreKey: String, CaseIterable, Sendable {
    /// `phrasing`: seen or unseen in the tuning sets (`unknown` when the benchmark does not record it).
    case model, lang, category, turn, phrasing

    /// The key for `word`; `form` is another name of `phrasing` (the issue speaks of seen and unseen forms).
    public static func parse(_ word: String) -> ScoreKey? { word == "form" ? .phrasing : ScoreKey(rawValue: word) }

    func cell(_ j: SingleJudgment) -> Table.Cell {
        switch self {
        case .model: .text(j.model)
        case .lang: .text(j.lang.code)
        case .category: .text(j.category)
        case .turn: .int(j.turn)
        case .phrasing: .text(j.phrasing?.rawValue ?? "unknown")
        }
    }
}

/// What `score … gate:` does to an answer before averaging.
public enum ScoreGate: String, CaseIterable, Sendable {
    /// An answer in another language than the question's counts as 1, whatever its score.
    case language
}

public enum ScoreAnalysis {
    /// Mean score per group with n, a seeded percentile-bootstrap 95% CI and the count of failed (−1) judgments.
    /// −1 scores are excluded unless `keepFailed`. Next to them the language-fidelity rates (`LanguageFidelity`),
    /// from the built-in judge's checks or, for other judgments, from the answer's text (`answers`, else what the
    /// judgment keeps); a rate is a column when some judgment has it. With `gate`, also the gated mean and its CI,
    /// which then become the table's estimate.
    public static func score(
        _ j: JudgmentSet, by keys: [ScoreKey], keepFailed: Bool = false, seed: UInt64 = 0,
        resamples: Int = 1000, answers: AnswerSet? = nil, gate: ScoreGate? = nil,
        identifier: LanguageIdentifier = .builtin
    ) -> Table {
        let fidelity = j.single.map { x -> LanguageFidelity in
            let given = answers?.answer(model: x.model, question: x.questionID)?.turns
            let text = given.flatMap { $0.indices.contains(x.turn - 1) ? $0[x.turn - 1] : nil } ?? x.answer
            return LanguageFidelity(x, text: text, identifier: identifier)
        }
        // Grouped by the cells' text; the cells themselves keep their kind (turn stays an int).
        var groups: [[String]: (cells: [Table.Cell], members: [Int])] = [:]
        for (i, x) in j.single.enumerated() {
            let cells = keys.map { $0.cell(x) }
            groups[cells.map(\.text), default: (cells, [])].members.append(i)
        }
        let rates = LanguageFidelity.columns.filter { column in fidelity.contains { $0[keyPath: column.rate] != nil } }
        var columns = keys.map(\.rawValue) + ["mean", "n", "ci_low", "ci_high", "failed"]
        if gate != nil { columns += ["gated_mean", "gated_ci_low", "gated_ci_high"] }
        columns += rates.map(\.name)
        var rows: [[Table.Cell]] = []
        var failedTotal = 0
        // A group whose judgments all failed has no mean: shown as missing, not as a number.
        func num(_ d: Double) -> Table.Cell { d.isNaN ? .missing : .number(d) }
        for (key, members) in groups.values.sorted(by: { cellsBefore($0.cells, $1.cells) }) {
            let judged = members.map { j.single[$0] }
            let failed = judged.filter(\.failed).count
            failedTotal += failed
            let kept = members.filter { keepFailed || !j.single[$0].failed }
            let label = key.map(\.text).joined(separator: "|")
            func estimate(_ values: [Double], stream: String) -> [Table.Cell] {
                var rng = SeededRNG(seed: seed, stream: stream + label)
                let ci = Statistics.bootstrapCI(values, resamples: resamples, rng: &rng)
                return [num(Statistics.mean(values)), num(ci.low), num(ci.high)]
            }
            let raw = estimate(kept.map { j.single[$0].score }, stream: "score:")
            var row = key + [raw[0], .int(kept.count), raw[1], raw[2], .int(failed)]
            if gate != nil {
                row += estimate(kept.map { fidelity[$0].wrongLang == true ? 1 : j.single[$0].score }, stream: "gated:")
            }
            let groupFidelity = members.map { fidelity[$0] }
            row += rates.map { LanguageFidelity.rate(groupFidelity, $0.rate).map(Table.Cell.number) ?? .missing }
            rows.append(row)
        }
        var notes = ["95% CI: percentile bootstrap of the mean, \(resamples) resamples, seed \(seed)."]
        notes.append(
            keepFailed
                ? "Failed judgments (score −1) are included in the means (\(failedTotal))."
                : "Failed judgments (score −1) excluded from the means: \(failedTotal).")
        if gate != nil { notes.append("gated_mean: answers in another language than the question's count as 1.") }
        if !rates.isEmpty { notes += LanguageFidelity.notes }
        let interval =
            gate == nil
            ? Table.Estimate.Interval(
                low: "ci_low", high: "ci_high",
                label: "95% CI (percentile bootstrap of the mean)")
            : Table.Estimate.Interval(
                low: "gated_ci_low", high: "gated_ci_high",
                label: "95% CI (percentile bootstrap of the language-gated mean)")
        return Table(
            title: "Scores by " + keys.map(\.rawValue).joined(separator: ", "), columns: columns, rows: rows,
            notes: notes,
            estimate: Table.Estimate(
                value: gate == nil ? "mean" : "gated_mean",
                interval: interval))
    }

    /// The study's cross-lingual improvement: per dataset and evaluation language, the multilingual-tuned model's mean
    /// score minus its monolingual counterpart's (`multi[i]` pairs with `mono[i]`), in points and in % of the 10-point scale.
    /// Language `all` is the unweighted mean of the per-language scores. −1 scores are excluded.
    public static func improvement(_ j: JudgmentSet, multi: [String], mono: [String], datasets: [String]? = nil) throws
        -> Table
    {
        guard multi.count == mono.count, !multi.isEmpty else {
            throw EvalError(
                file: "improvement",
                "expected as many mono models as multi models (paired by position), got \(multi.count) and \(mono.count)"
            )
        }
        if let datasets, datasets.count != multi.count {
            throw EvalError(
                file: "improvement",
                "expected one dataset label per model pair, got \(datasets.count) for \(multi.count) pairs")
        }
        var sums: [String: [Lang: (Double, Int)]] = [:]
        for x in j.single where !x.failed {
            let s = sums[x.model]?[x.lang] ?? (0, 0)
            sums[x.model, default: [:]][x.lang] = (s.0 + x.score, s.1 + 1)
        }
        for m in multi + mono where sums[m] == nil {
            throw EvalError(
                file: "improvement",
                "model `\(m)` has no judgments; expected one of \(Set(j.single.map(\.model)).sorted().joined(separator: ", "))"
            )
        }
        var rows: [[Table.Cell]] = []
        for i in multi.indices {
            let a = sums[multi[i]] ?? [:], b = sums[mono[i]] ?? [:]
            let langs = Set(a.keys).intersection(b.keys).sorted()
            let label = datasets?[i] ?? "\(multi[i]) vs \(mono[i])"
            var perLang: [(Double, Double)] = []
            for l in langs {
                let (sa, na) = a[l] ?? (0, 0), (sb, nb) = b[l] ?? (0, 0)
                let ma = sa / Double(na), mb = sb / Double(nb)
                perLang.append((ma, mb))
                rows.append(improvementRow(label, l.code, multi[i], mono[i], ma, mb, na, nb))
            }
            if langs.count > 1 {
                let ma = Statistics.mean(perLang.map(\.0)), mb = Statistics.mean(perLang.map(\.1))
                let na = langs.reduce(0) { $0 + (a[$1]?.1 ?? 0) }, nb = langs.reduce(0) { $0 + (b[$1]?.1 ?? 0) }
                rows.append(improvementRow(label, "all", multi[i], mono[i], ma, mb, na, nb))
            }
        }
        return Table(
            title: "Cross-lingual improvement (multilingual − monolingual)",
            columns: [
                "dataset", "lang", "multi", "mono", "multi_score", "mono_score", "points", "percent", "n_multi",
                "n_mono"
            ],
            rows: rows,
            notes: [
                "points = mean(multi) − mean(mono); percent = points / 10 × 100 (share of the 10-point scale: 0.99 points = 9.9%).",
                "Scores of −1 (failed judgments) are excluded; lang `all` = unweighted mean over languages."
            ],
            estimate: Table.Estimate(value: "percent"))
    }

    private static func improvementRow(
        _ d: String, _ l: String, _ m: String, _ o: String, _ ma: Double, _ mb: Double, _ na: Int, _ nb: Int
    ) -> [Table.Cell] {
        [
            .text(d), .text(l), .text(m), .text(o), .number(ma), .number(mb), .number(ma - mb), .number((ma - mb) * 10),
            .int(na), .int(nb)
        ]
    }

    /// Pairwise results per model as FastChat's show_result.py: errors dropped; a tie or disagreeing orders count as a
    /// tie for both models, otherwise a win and a loss. MT-Bench-X's "both bad" counts as a tie.
    public static func winRates(_ j: JudgmentSet) -> Table {
        var tally: [String: (win: Int, loss: Int, tie: Int)] = [:]
        var dropped = 0
        for p in j.pairs {
            switch p.verdict {
            case .error: dropped += 1
            case .model1: tally[p.model1, default: (0, 0, 0)].win += 1; tally[p.model2, default: (0, 0, 0)].loss += 1
            case .model2: tally[p.model2, default: (0, 0, 0)].win += 1; tally[p.model1, default: (0, 0, 0)].loss += 1
            case .tie, .bothBad:
                tally[p.model1, default: (0, 0, 0)].tie += 1; tally[p.model2, default: (0, 0, 0)].tie += 1
            }
        }
        let rows: [[Table.Cell]] = tally.keys.sorted().map { m in
            let t = tally[m] ?? (0, 0, 0), n = Double(t.win + t.loss + t.tie)
            return [
                .text(m), .int(t.win), .int(t.loss), .int(t.tie), .number(Double(t.win) / n),
                .number(Double(t.loss) / n),
                .number((Double(t.win) + 0.5 * Double(t.tie)) / n)
            ]
        }
        return Table(
            title: "Pairwise win rates",
            columns: ["model", "win", "loss", "tie", "win_rate", "loss_rate", "win_rate_adjusted"],
            rows: rows,
            notes: [
                "win_rate_adjusted = (win + 0.5 · tie) / (win + loss + tie); comparisons with an error dropped: \(dropped)."
            ])
    }

    /// Agreement of two judges over the same answers (matched on model, question and turn), per language and overall:
    /// The score from which a judge's verdict counts as a pass in `agreement` (MT-Bench's scale: 6 of 10 and up).
    public static let defaultPass = 6.0

    /// Agreement of two judges on the same answers, per language and overall: Pearson, Spearman, Kendall τ-b, exact
    /// and ±1 agreement of scores; Cohen's κ of pass/fail verdicts (score ≥ `pass`) with a seeded bootstrap 95%
    /// interval and the confusion counts; Cohen's κ of pairwise verdicts.
    public static func agreement(
        _ a: JudgmentSet, _ b: JudgmentSet, pass: Double = defaultPass, seed: UInt64 = 0, resamples: Int = 1000
    )
        -> Table
    {
        func key(_ x: SingleJudgment) -> String { "\(x.model)\u{1}\(x.questionID)\u{1}\(x.turn)" }
        func pkey(_ x: PairJudgment) -> String { "\(x.model1)\u{1}\(x.model2)\u{1}\(x.questionID)\u{1}\(x.turn)" }
        let bSingle = Dictionary(
            b.single.filter { !$0.failed }.map { (key($0), $0) }, uniquingKeysWith: { _, last in last })
        let bPairs = Dictionary(b.pairs.map { (pkey($0), $0) }, uniquingKeysWith: { _, last in last })
        var matched: [String: [AgreementSample]] = [:]
        var seen = Set<String>()
        for x in a.single where !x.failed {
            guard let y = bSingle[key(x)], seen.insert(key(x)).inserted else { continue }
            let sample = AgreementSample(first: x.score, second: y.score, secondPasses: y.score >= pass)
            for g in [x.lang.code, "all"] { matched[g, default: []].append(sample) }
        }
        var verdicts: [String: [(String, String)]] = [:]
        for x in a.pairs {
            guard let y = bPairs[pkey(x)], x.verdict != .error, y.verdict != .error else { continue }
            for g in [x.lang.code, "all"] { verdicts[g, default: []].append((x.verdict.rawValue, y.verdict.rawValue)) }
        }
        let rows = agreementGroups(Set(matched.keys).union(verdicts.keys)).map { g in
            let s = matched[g] ?? [], v = verdicts[g] ?? []
            let exact =
                s.isEmpty
                ? Table.Cell.missing : .number(Double(s.filter { $0.first == $0.second }.count) / Double(s.count))
            let within =
                s.isEmpty
                ? Table.Cell.missing
                : .number(Double(s.filter { abs($0.first - $0.second) <= 1 }.count) / Double(s.count))
            return [.text(g), .int(s.count)] + correlationCells(s) + [exact, within]
                + verdictCells(s, pass: pass, seed: seed, resamples: resamples, group: g)
                + [.int(v.count), numberCell(Statistics.cohenKappa(v.map(\.0), v.map(\.1)))]
        }
        return Table(
            title: "Judge agreement",
            columns: ["lang", "n", "pearson", "spearman", "kendall_tau_b", "exact", "within_1"] + verdictColumns
                + ["n_pairs", "kappa_pairs"],
            rows: rows,
            notes: [
                "Matched on (model, question, turn); failed (−1) scores and pairwise errors are left out.",
                verdictNote(pass: pass, second: "the second judge's", resamples: resamples),
                "kappa_pairs: Cohen's κ of pairwise verdicts after both orders (model_1 / model_2 / tie / both bad)."
            ],
            estimate: Table.Estimate(value: "pearson"))
    }

    /// Agreement of a judge with the ground truth of the built-in benchmark, the miniature's stand-in for the study's
    /// human raters: per language and overall, the correlations of the judge's scores with correctness (1 or 0; Pearson
    /// is then the point-biserial correlation), Cohen's κ of pass/fail (score ≥ `pass`) against correct/incorrect with
    /// a seeded bootstrap 95% interval, and the confusion counts. Correct: the right fact, without wrong ones, in the
    /// question's language (`AnswerChecks.correct(in:)`), from the judgment's checks, else from checking its answer
    /// against `benchmark`'s truth. Turns with neither (no truth, no answer text) are counted in a note.
    public static func agreementWithTruth(
        _ a: JudgmentSet, benchmark: Benchmark?, pass: Double = defaultPass, seed: UInt64 = 0,
        resamples: Int = 1000, identifier: LanguageIdentifier = .builtin
    ) -> Table {
        let checker = BuiltinJudge(identifier: identifier)
        var matched: [String: [AgreementSample]] = [:]
        var withoutTruth = 0
        for x in a.single where !x.failed {
            var checks = x.checks
            if checks == nil, let q = benchmark?.question(x.questionID), let answer = x.answer {
                checks = checker.judge(q, answer: answer, turn: x.turn).checks
            }
            guard let checks else {
                withoutTruth += 1
                continue
            }
            let correct = checks.correct(in: x.lang)
            let sample = AgreementSample(first: x.score, second: correct ? 1 : 0, secondPasses: correct)
            for g in [x.lang.code, "all"] { matched[g, default: []].append(sample) }
        }
        let rows = agreementGroups(Set(matched.keys)).map { g in
            let s = matched[g] ?? []
            let correct =
                s.isEmpty ? Table.Cell.missing : .number(Double(s.filter(\.secondPasses).count) / Double(s.count))
            return [.text(g), .int(s.count), correct] + correlationCells(s)
                + verdictCells(s, pass: pass, seed: seed, resamples: resamples, group: g)
        }
        var notes = [
            "Truth: the right fact, without wrong ones, in the question's language (the built-in judge's checks); "
                + "correct: its share. Correlations are of the judge's score with truth as 1 or 0.",
            verdictNote(pass: pass, second: "the truth's (pass: correct)", resamples: resamples)
        ]
        if withoutTruth > 0 {
            notes.append(
                "Left out: \(withoutTruth) judged turn(s) without checks or a question with truth in the benchmark"
                    + (benchmark == nil ? " (give on: BENCH for judgments without checks)." : "."))
        }
        return Table(
            title: "Judge agreement with the truth",
            columns: ["lang", "n", "correct", "pearson", "spearman", "kendall_tau_b"] + verdictColumns,
            rows: rows, notes: notes,
            estimate: Table.Estimate(
                value: "kappa",
                interval: .init(low: "kappa_low", high: "kappa_high", label: "95% CI (percentile bootstrap of κ)")))
    }

    /// One matched turn: the first judge's score, and the second judge's score (or the truth as 1 or 0) and verdict.
    struct AgreementSample {
        var first: Double
        var second: Double
        var secondPasses: Bool
    }

    static let verdictColumns = ["kappa", "kappa_low", "kappa_high", "pass_pass", "pass_fail", "fail_pass", "fail_fail"]

    static func verdictNote(pass: Double, second: String, resamples: Int) -> String {
        "kappa: Cohen's κ of pass/fail verdicts (pass: score ≥ \(Table.format(pass))), with its 95% percentile "
            + "bootstrap interval (\(resamples) resamples, seeded); pass_fail: the judge's verdict, then \(second) — the "
            + "confusion matrix."
    }

    /// Languages in study order, then `all`.
    static func agreementGroups(_ groups: Set<String>) -> [String] {
        groups.sorted {
            ($0 == "all" ? 1 : 0, Lang.parse($0) ?? .en) < ($1 == "all" ? 1 : 0, Lang.parse($1) ?? .en)
        }
    }

    static func numberCell(_ d: Double) -> Table.Cell { d.isNaN ? .missing : .number(d) }

    static func correlationCells(_ s: [AgreementSample]) -> [Table.Cell] {
        let x = s.map(\.first), y = s.map(\.second)
        return [
            numberCell(Statistics.pearson(x, y)), numberCell(Statistics.spearman(x, y)),
            numberCell(Statistics.kendallTauB(x, y))
        ]
    }

    /// κ of pass/fail verdicts with its bootstrap interval, and the four confusion counts.
    static func verdictCells(
        _ s: [AgreementSample], pass: Double, seed: UInt64, resamples: Int, group: String
    ) -> [Table.Cell] {
        let first = s.map { $0.first >= pass ? "pass" : "fail" }, second = s.map { $0.secondPasses ? "pass" : "fail" }
        var rng = SeededRNG(seed: seed, stream: "agreement:" + group)
        let ci = Statistics.bootstrapCI(count: s.count, resamples: resamples, rng: &rng) { drawn in
            Statistics.cohenKappa(drawn.map { first[$0] }, drawn.map { second[$0] })
        }
        func count(_ a: String, _ b: String) -> Table.Cell { .int(zip(first, second).filter { $0 == (a, b) }.count) }
        return [
            numberCell(Statistics.cohenKappa(first, second)), numberCell(ci.low), numberCell(ci.high),
            count("pass", "pass"), count("pass", "fail"), count("fail", "pass"), count("fail", "fail")
        ]
    }

    /// Row order: numbers numerically, languages in study order, text alphabetically.
    static func cellsBefore(_ a: [Table.Cell], _ b: [Table.Cell]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            switch (x, y) {
            case (.int(let p), .int(let q)): return p < q
            case (.text(let p), .text(let q)):
                if let lp = Lang.parse(p), let lq = Lang.parse(q) { return lp < lq }
                return p < q
            default: return x.text < y.text
            }
        }
        return false
    }
}
