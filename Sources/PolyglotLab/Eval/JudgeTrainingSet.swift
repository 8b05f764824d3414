// A judge's training set from the built-in judge's judgments, whose scores come from ground-truth checks: each
// judged turn becomes one chat, the compact judge prompt of that turn answered with its score (`[[n]]`), so a small
// model tuned on it is asked by `llm(…, prompt: "compact")` exactly what it learnt from.
import Foundation
import PolyglotEngine

/// Judge training conversations made from judgments, and how many of each score went in.
public struct JudgeTrainingSet: Sendable {
    /// How many turns of one score were judged, how many distinct conversations they make (an answer judged more
    /// than once, given alike by two models or seeds, counts once) and how many of those were kept.
    public struct ScoreCount: Equatable, Sendable {
        public var score: Int
        public var judged: Int
        public var distinct: Int
        public var kept: Int
    }

    public var dataset: Dataset
    /// One entry per score that occurs, ascending.
    public var counts: [ScoreCount]
    /// The cap on conversations per score, when one was asked for.
    public var perScore: Int?

    /// The training set of `judgments` (single ones, each with the built-in judge's checks and its answer) of
    /// questions of `benchmark`. With `perScore`, a score with more distinct conversations keeps that many, drawn
    /// with `seed`, so rarer scores weigh more; kept conversations stay in judgment order.
    public static func make(
        _ judgments: JudgmentSet, benchmark: Benchmark, perScore: Int? = nil, seed: UInt64 = 0,
        name: String = "judge-set"
    ) throws -> JudgeTrainingSet {
        guard !judgments.single.isEmpty else {
            throw LabError("no single judgments; expected judgments of the built-in judge (judge … with: builtin)")
        }
        if let perScore, perScore < 1 { throw LabError("per_score must be at least 1, got \(perScore)") }
        let unchecked = judgments.single.filter { $0.checks == nil }
        if let first = unchecked.first {
            throw LabError(
                "\(unchecked.count) of \(judgments.single.count) judgments carry no checks (the first by "
                    + "\(first.judge.joined(separator: " "))), so their scores are not the truth's; expected judgments "
                    + "of the built-in judge on a benchmark with truth (judge answers with: builtin)")
        }
        var examples: [(score: Int, example: Example)] = []
        var judged: [Int: Int] = [:]
        var seen = Set<String>()
        for j in judgments.single {
            guard let q = benchmark.question(j.questionID) else {
                throw LabError("question `\(j.questionID)` is not in \(benchmark.name); expected the judged benchmark")
            }
            guard let answer = j.answer else {
                throw LabError(
                    "the judgment of \(j.model) on \(j.questionID) turn \(j.turn) does not keep its answer; expected "
                        + "judgments made in this session by judge … with: builtin")
            }
            guard let score = Int(exactly: j.score), (1...10).contains(score) else {
                throw LabError(
                    "the judgment of \(j.model) on \(j.questionID) turn \(j.turn) scores \(j.score); expected 1–10")
            }
            judged[score, default: 0] += 1
            let prompt = CompactJudgePrompt.user(q, answer: answer, turn: j.turn)
            guard seen.insert(prompt).inserted else { continue }
            let conversation = Conversation([
                Message(role: .user, content: prompt),
                Message(role: .assistant, content: CompactJudgePrompt.reply(score: score))
            ])
            let id = "\(j.questionID)·\(j.turn)·\(examples.count + 1)"
            examples.append((score, Example(itemID: id, lang: q.lang, conversation: conversation)))
        }
        var kept = Set(examples.indices)
        var rng = SeededRNG(seed: seed, stream: "judge.training-set")
        let scores = judged.keys.sorted()
        var counts: [ScoreCount] = []
        for score in scores {
            let members = examples.indices.filter { examples[$0].score == score }
            if let perScore, members.count > perScore {
                let chosen = Set(pick(perScore, of: members.count, &rng).map { members[$0] })
                kept.subtract(members.filter { !chosen.contains($0) })
            }
            counts.append(
                ScoreCount(
                    score: score, judged: judged[score] ?? 0, distinct: members.count,
                    kept: members.filter(kept.contains).count))
        }
        let items = examples.indices.filter(kept.contains).map { i in
            DataItem(id: examples[i].example.itemID, translations: [examples[i].example.lang: examples[i].example])
        }
        let judges = Set(judgments.single.map { $0.judge.joined(separator: " ") }).sorted().joined(separator: ", ")
        let langs = Set(items.flatMap(\.translations.keys)).sorted()
        let provenance = Provenance(
            source: "judgments by \(judges) of \(benchmark.name)",
            mode: perScore.map { "judge_set per_score \($0)" } ?? "judge_set", languages: langs,
            seed: perScore == nil ? nil : seed, n: items.count)
        return JudgeTrainingSet(
            dataset: Dataset(name: name, items: items, alignment: .id, provenance: provenance), counts: counts,
            perScore: perScore)
    }

    /// The score distribution, judged, distinct and kept, with a total row.
    public var table: Table {
        var rows: [[Table.Cell]] = counts.map { [.int($0.score), .int($0.judged), .int($0.distinct), .int($0.kept)] }
        rows.append([
            .text("all"), .int(counts.reduce(0) { $0 + $1.judged }), .int(counts.reduce(0) { $0 + $1.distinct }),
            .int(counts.reduce(0) { $0 + $1.kept })
        ])
        return Table(
            title: "judge training set \(dataset.name) by score", columns: ["score", "judged", "distinct", "kept"],
            rows: rows,
            notes: [
                "judged: judged turns; distinct: different prompts (an answer given twice counts once); kept: "
                    + (perScore.map { "at most \($0) per score, drawn with the seed" } ?? "all of them")
                    + ". Each is the compact judge prompt of the turn, answered [[score]]."
            ])
    }
}
