// FastChat `model_judgment` JSONL (single and pairwise), with each judgment's language and category resolved.
import Foundation

/// One single-answer grading (`<judge>_single.jsonl`). `score` is −1 when the judge's rating could not be parsed.
public struct SingleJudgment: Equatable, Sendable {
    public var questionID: String
    public var model: String
    /// `[judge_model, prompt_name]`, e.g. `["gpt-4", "single-v1"]` or `["human:ana", "single-v1"]`.
    public var judge: [String]
    public var userPrompt: String
    public var judgment: String
    public var score: Double
    public var turn: Int
    public var tstamp: Double
    public var lang: Lang
    public var category: String
    /// The built-in judge's checks (`checks` in the JSONL, a Polyglot extension); nil for other judges.
    public var checks: AnswerChecks?
    /// The judged answer turn when known: the built-in and LLM judges keep it, and a loaded line's `user_prompt`
    /// gives it back through its judge prompt when the benchmark is known or the prompt is the compact one (not a
    /// field of its own in the JSONL).
    public var answer: String?
    /// What the judged model is in a study grid, from its answers (`model_provenance`, a Polyglot extension).
    public var modelProvenance: ModelProvenance?
    /// Whether the judged turn is phrased as in the tuning sets, resolved from the benchmark like `category`
    /// (nil when the benchmark does not record it).
    public var phrasing: Phrasing?

    public init(
        questionID: String, model: String, judge: [String], userPrompt: String, judgment: String, score: Double,
        turn: Int, tstamp: Double, lang: Lang, category: String, checks: AnswerChecks? = nil,
        answer: String? = nil, modelProvenance: ModelProvenance? = nil, phrasing: Phrasing? = nil
    ) {
        self.questionID = questionID
        self.model = model
        self.judge = judge
        self.userPrompt = userPrompt
        self.judgment = judgment
        self.score = score
        self.turn = turn
        self.tstamp = tstamp
        self.lang = lang
        self.category = category
        self.checks = checks
        self.answer = answer
        self.modelProvenance = modelProvenance
        self.phrasing = phrasing
    }

    public var failed: Bool { score == -1 }

    var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "question_id": jsonQuestionID(questionID), "model": model, "judge": judge, "user_prompt": userPrompt,
            "judgment": judgment, "score": score.rounded() == score ? Int(score) as Any : score, "turn": turn,
            "tstamp": tstamp
        ]
        if let checks { object["checks"] = checks.jsonObject }
        if let modelProvenance { object["model_provenance"] = modelProvenance.jsonObject }
        return object
    }
}

/// Pairwise verdicts as FastChat writes them.
public enum PairWinner: String, Sendable, CaseIterable {
    case model1 = "model_1", model2 = "model_2", tie, error, bothBad = "both bad"
}

/// One pairwise comparison judged in both orders (`<judge>_pair.jsonl`): g1 shows model_1 as A, g2 shows it as B.
public struct PairJudgment: Equatable, Sendable {
    public var questionID: String
    public var model1: String
    public var model2: String
    public var g1Winner: PairWinner
    public var g2Winner: PairWinner
    public var judge: [String]
    public var g1UserPrompt: String
    public var g1Judgment: String
    public var g2UserPrompt: String
    public var g2Judgment: String
    public var turn: Int
    public var tstamp: Double
    public var lang: Lang
    public var category: String

    public init(
        questionID: String, model1: String, model2: String, g1Winner: PairWinner, g2Winner: PairWinner, judge: [String],
        g1UserPrompt: String = "", g1Judgment: String = "", g2UserPrompt: String = "", g2Judgment: String = "",
        turn: Int, tstamp: Double, lang: Lang, category: String
    ) {
        self.questionID = questionID
        self.model1 = model1
        self.model2 = model2
        self.g1Winner = g1Winner
        self.g2Winner = g2Winner
        self.judge = judge
        self.g1UserPrompt = g1UserPrompt
        self.g1Judgment = g1Judgment
        self.g2UserPrompt = g2UserPrompt
        self.g2Judgment = g2Judgment
        self.turn = turn
        self.tstamp = tstamp
        self.lang = lang
        self.category = category
    }

    /// The verdict after cancelling position bias (show_result.py): agreeing orders win, disagreement or a tie is a tie.
    public var verdict: PairWinner {
        if g1Winner == .error || g2Winner == .error { return .error }
        return g1Winner == g2Winner ? g1Winner : .tie
    }

    var jsonObject: [String: Any] {
        [
            "question_id": jsonQuestionID(questionID), "model_1": model1, "model_2": model2,
            "g1_winner": g1Winner.rawValue,
            "g2_winner": g2Winner.rawValue, "judge": judge, "g1_user_prompt": g1UserPrompt, "g1_judgment": g1Judgment,
            "g2_user_prompt": g2UserPrompt, "g2_judgment": g2Judgment, "turn": turn, "tstamp": tstamp
        ]
    }
}

/// How repeated single judgments count: the same model, question, turn and judge judged again, as FastChat's
/// gen_judgment.py appends a second run to the same file.
public enum RepeatPolicy: String, Sendable, CaseIterable {
    /// Every row counts, as in FastChat's show_result.py (the published scores): an item judged thrice weighs three.
    case all
    /// One row per item, scored with the mean of its rounds (failed −1 rounds left out).
    case mean
    /// The last row of each item (FastChat's clean_judgment.py).
    case last

    var explanation: String {
        switch self {
        case .all:
            "every row counts, as in FastChat's show_result.py (repeats: \"mean\" averages each item's rounds, "
                + "\"last\" keeps the last)"
        case .mean: "each item's rounds averaged into one judgment (repeats: \"mean\")"
        case .last: "kept the last of each (repeats: \"last\")"
        }
    }
}

/// A set of judgments as loaded by `load judgments` or produced by a judge.
public struct JudgmentSet: Sendable {
    public var single: [SingleJudgment]
    public var pairs: [PairJudgment]
    public var warnings: [EvalError]

    public init(single: [SingleJudgment] = [], pairs: [PairJudgment] = [], warnings: [EvalError] = []) {
        self.single = single
        self.pairs = pairs
        self.warnings = warnings
    }

    /// The judgments of both sets, this one's first.
    public func merged(with other: JudgmentSet) -> JudgmentSet {
        JudgmentSet(single: single + other.single, pairs: pairs + other.pairs, warnings: warnings + other.warnings)
    }

    /// Reads a judgment file or every `.jsonl` under a folder. Language: id suffix, then `mt_bench_XX` folder, then `lang`.
    /// Category: the benchmark's, then MT-Bench's fixed id ranges, else "unknown". Repeated single judgments count
    /// as `repeats` says, with a warning that gives the judge's own spread across the rounds.
    public static func load(
        _ path: String, bench: Benchmark? = nil, lang: Lang? = nil,
        repeats: RepeatPolicy = .all
    ) throws -> JudgmentSet {
        let url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw EvalError(
                file: path, "no such file or folder; expected a model_judgment .jsonl file or a folder of them")
        }
        var files = [url]
        if isDir.boolValue {
            let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)
            files = (walker?.compactMap { $0 as? URL } ?? []).filter { $0.pathExtension == "jsonl" }.sorted {
                $0.path < $1.path
            }
        }
        var set = JudgmentSet()
        for f in files { try set.read(f, bench: bench, lang: lang) }
        set.resolveRepeats(repeats, source: path)
        return set
    }

    /// Groups single judgments by (model, question, turn, judge); when some item was judged more than once, applies
    /// `policy` and warns, with the judge's spread across rounds (standard deviation within an item).
    private mutating func resolveRepeats(_ policy: RepeatPolicy, source: String) {
        var position: [[String]: Int] = [:]
        var rounds: [[SingleJudgment]] = []
        for j in single {
            let key = [j.model, j.questionID, String(j.turn)] + j.judge
            if let p = position[key] { rounds[p].append(j) } else { position[key] = rounds.count; rounds.append([j]) }
        }
        let repeated = rounds.filter { $0.count > 1 }
        guard !repeated.isEmpty else { return }
        let extra = single.count - rounds.count
        var message =
            "\(extra) repeated judgments: \(repeated.count) items (same model, question, turn and judge) "
            + "judged up to \(repeated.map(\.count).max() ?? 2) times; \(policy.explanation)"
        let scored = repeated.map { $0.filter { !$0.failed }.map(\.score) }.filter { $0.count > 1 }
        if !scored.isEmpty {
            let spreads = scored.map(Statistics.standardDeviation)
            let differing = scored.filter { Set($0).count > 1 }.count
            message += String(
                format: ". The judge's spread across rounds: mean SD %.2f over %d items, "
                    + "%d of them (%.0f%%) scored differently, largest range %.0f",
                Statistics.mean(spreads), scored.count,
                differing, 100 * Double(differing) / Double(scored.count),
                scored.map { ($0.max() ?? 0) - ($0.min() ?? 0) }.max() ?? 0)
        }
        warnings.append(EvalError(file: source, message))
        switch policy {
        case .all: break
        case .last: single = rounds.map { $0[$0.count - 1] }
        case .mean:
            single = rounds.map { group in
                var j = group[group.count - 1]
                let valid = group.filter { !$0.failed }.map(\.score)
                j.score = valid.isEmpty ? -1 : Statistics.mean(valid)
                return j
            }
        }
    }

    private mutating func read(_ url: URL, bench: Benchmark?, lang given: Lang?) throws {
        let folderLang = url.pathComponents.reversed().lazy.compactMap(langFromFolderName).first
        for r in try JSONL.read(url, problems: &warnings) {
            do {
                let id = try r.questionID(in: url.path)
                guard let lang = langFromQuestionID(id) ?? folderLang ?? given ?? bench?.question(id)?.lang else {
                    throw EvalError(
                        file: url.path, line: r.line,
                        "cannot tell the language of `\(id)`; expected an id like `81_DE`, a folder mt_bench_DE, or lang:"
                    )
                }
                let category = bench?.question(id)?.category ?? mtBenchCategory(id) ?? "unknown"
                guard let judge = r.object["judge"] as? [String], (1...2).contains(judge.count) else {
                    throw EvalError(file: url.path, line: r.line, "expected `judge` to be [judge_model, prompt_name]")
                }
                // FastChat leaves `turn` out of pairwise lines judged with a single-answer prompt: turn 1.
                var turn = 1
                if let t = r.object["turn"] {
                    guard let n = t as? NSNumber, n.doubleValue == 1 || n.doubleValue == 2 else {
                        throw EvalError(file: url.path, line: r.line, "expected `turn` to be 1 or 2, found \(t)")
                    }
                    turn = n.intValue
                }
                let tstamp = r.optionalDouble("tstamp") ?? 0
                if r.object["model_1"] != nil {
                    func winner(_ key: String) throws -> PairWinner {
                        guard let w = (r.object[key] as? String).flatMap(PairWinner.init(rawValue:)) else {
                            throw EvalError(
                                file: url.path, line: r.line,
                                "expected `\(key)` to be model_1, model_2, tie, error or both bad")
                        }
                        return w
                    }
                    pairs.append(
                        PairJudgment(
                            questionID: id, model1: try r.string("model_1", in: url.path),
                            model2: try r.string("model_2", in: url.path),
                            g1Winner: try winner("g1_winner"), g2Winner: try winner("g2_winner"), judge: judge,
                            g1UserPrompt: (r.object["g1_user_prompt"] as? String) ?? "",
                            g1Judgment: (r.object["g1_judgment"] as? String) ?? "",
                            g2UserPrompt: (r.object["g2_user_prompt"] as? String) ?? "",
                            g2Judgment: (r.object["g2_judgment"] as? String) ?? "",
                            turn: turn, tstamp: tstamp, lang: lang, category: category))
                } else {
                    guard let score = r.optionalDouble("score"), score.isFinite else {
                        throw EvalError(
                            file: url.path, line: r.line, "expected numeric `score` (−1 for a failed judgment)")
                    }
                    if score != -1 && !(1...10).contains(score) {
                        // FastChat keeps such a score (the judge wrote it); MT-Bench-X warns.
                        warnings.append(
                            EvalError(
                                file: url.path, line: r.line,
                                "score \(String(format: "%g", score)) is outside 1–10; kept"))
                    }
                    var checks: AnswerChecks?
                    if let value = r.object["checks"] {
                        checks = AnswerChecks(json: value)
                        if checks == nil {
                            warnings.append(
                                EvalError(
                                    file: url.path, line: r.line,
                                    "expected `checks` to be {\"fact\": "
                                        + "bool, \"fact_any\": bool, \"wrong_facts\": count, \"answer_lang\": a language or "
                                        + "\"short\", \"form\": bool, \"echo\": bool}; the judgment is kept without checks"
                                ))
                        }
                    }
                    let userPrompt = (r.object["user_prompt"] as? String) ?? ""
                    // FastChat's prompts name the judged turn `answer` (turn 1) and `answer_2` (turn 2), and so does
                    // the compact prompt, which needs no benchmark.
                    let prompt =
                        judge.count == 2
                        ? CompactJudgePrompt.named(judge[1]) ?? bench?.judgePrompts[lang]?[judge[1]] : nil
                    let answer = prompt?.values(in: userPrompt)?[turn == 1 ? "answer" : "answer_2"]
                    single.append(
                        SingleJudgment(
                            questionID: id, model: try r.string("model", in: url.path), judge: judge,
                            userPrompt: userPrompt, judgment: (r.object["judgment"] as? String) ?? "",
                            score: score, turn: turn, tstamp: tstamp, lang: lang, category: category, checks: checks,
                            answer: answer, modelProvenance: r.modelProvenance(in: url.path, problems: &warnings),
                            phrasing: bench?.question(id)?.phrasing(turn: turn)))
                }
            } catch let e as EvalError { warnings.append(e) }
        }
    }

    /// Writes single judgments to `<path>` (and pairwise ones to `<path without .jsonl>_pair.jsonl` when both exist).
    public func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        if !single.isEmpty || pairs.isEmpty { try JSONL.write(single.map(\.jsonObject), to: url) }
        if !pairs.isEmpty {
            let stem = url.deletingPathExtension().lastPathComponent
            let pairURL =
                single.isEmpty ? url : url.deletingLastPathComponent().appendingPathComponent(stem + "_pair.jsonl")
            try JSONL.write(pairs.map(\.jsonObject), to: pairURL)
        }
    }
}
