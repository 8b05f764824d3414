// The UI-free core of `annotate`: a person scores answers one turn at a time; every judgment is appended to a
// FastChat judgment file as it is given (a correction replaces the earlier line), and a later session on the same
// file resumes at the first unjudged item.
import Foundation
import PolyglotEngine

/// One thing to judge: a turn of one model's answer, or of two models' answers side by side (pairwise).
public struct AnnotationItem: Equatable, Sendable {
    public var question: BenchQuestion
    public var model: String
    public var answer: ModelAnswer
    /// The second model in pairwise mode (shown as B).
    public var otherModel: String?
    public var otherAnswer: ModelAnswer?
    public var turn: Int

    var key: String { Self.key(model: model, otherModel: otherModel ?? "", questionID: question.id, turn: turn) }

    static func key(model: String, otherModel: String, questionID: String, turn: Int) -> String {
        "\(model)\u{1}\(otherModel)\u{1}\(questionID)\u{1}\(turn)"
    }
}

/// What the person typed.
public enum AnnotationInput: Equatable, Sendable {
    case score(Int)
    /// Pairwise verdict: A (first model), B (second model), tie, or both bad.
    case verdict(PairWinner)
    case skip, back, stop
}

/// A resumable annotation session over a fixed list of items.
public struct AnnotationSession {
    public let items: [AnnotationItem]
    public let annotator: String
    public let file: URL
    /// Index of the item shown now; `items.count` when every item is done or the session stopped.
    public private(set) var position: Int
    public private(set) var stopped = false
    /// Items judged so far (this session and earlier ones), by item key.
    private var judged: Set<String>

    /// Items for every turn of every answer of `models` (single mode), or of `models[0]` vs `models[1]` (pairwise).
    public static func items(_ answers: AnswerSet, models: [String]? = nil, pairwise: Bool = false) throws
        -> [AnnotationItem]
    {
        let chosen = models ?? answers.models
        if pairwise {
            guard chosen.count == 2 else {
                throw EvalError(file: "annotate", "pairwise annotation needs exactly two models, got \(chosen.count)")
            }
            return (answers.answers[chosen[0]] ?? []).flatMap { a -> [AnnotationItem] in
                guard let q = answers.benchmark.question(a.questionID),
                    let b = answers.answer(model: chosen[1], question: q.id)
                else { return [] }
                return (1...q.turns.count).map {
                    AnnotationItem(
                        question: q, model: chosen[0], answer: a, otherModel: chosen[1], otherAnswer: b, turn: $0)
                }
            }
        }
        return chosen.flatMap { m in
            (answers.answers[m] ?? []).flatMap { a -> [AnnotationItem] in
                guard let q = answers.benchmark.question(a.questionID) else { return [] }
                return (1...min(q.turns.count, max(1, a.turns.count))).map {
                    AnnotationItem(question: q, model: m, answer: a, turn: $0)
                }
            }
        }
    }

    /// Opens (or continues) the annotation file and moves to the first item not yet judged by this annotator.
    public init(items: [AnnotationItem], annotator: String, file: String) throws {
        self.items = items
        self.annotator = annotator
        self.file = URL(fileURLWithPath: file)
        var done = Set<String>()
        if FileManager.default.fileExists(atPath: file) {
            // The items' questions tell the language of ids without a suffix.
            var seen = Set<String>()
            let questions = items.map(\.question).filter { seen.insert($0.id).inserted }
            let old = try JudgmentSet.load(file, bench: Benchmark(name: "annotate", questions: questions))
            let me = "human:" + annotator
            for j in old.single where j.judge.first == me {
                done.insert(AnnotationItem.key(model: j.model, otherModel: "", questionID: j.questionID, turn: j.turn))
            }
            for p in old.pairs where p.judge.first == me {
                done.insert(
                    AnnotationItem.key(
                        model: p.model1, otherModel: p.model2, questionID: p.questionID,
                        turn: p.turn))
            }
        }
        judged = done
        position = items.firstIndex { !done.contains($0.key) } ?? items.count
    }

    public var current: AnnotationItem? { stopped || position >= items.count ? nil : items[position] }
    public var judgedCount: Int { items.filter { judged.contains($0.key) }.count }
    public var isFinished: Bool { current == nil }

    /// Applies one input; a score or verdict is saved before moving on. Throws on an invalid input for the item.
    public mutating func handle(_ input: AnnotationInput) throws {
        switch input {
        case .stop: stopped = true
        case .skip: if position < items.count { position += 1 }
        case .back: position = max(0, position - 1)
        case .score(let s):
            guard let item = current else { return }
            guard item.otherModel == nil else {
                throw EvalError(file: "annotate", "this item is pairwise; expected A, B, tie or both bad")
            }
            guard (1...10).contains(s) else {
                throw EvalError(file: "annotate", "expected a score from 1 to 10, got \(s)")
            }
            let q = item.question
            let j = SingleJudgment(
                questionID: q.id, model: item.model,
                judge: ["human:" + annotator, LLMJudge.singlePromptName(q, turn: item.turn)],
                userPrompt: q.turns[item.turn - 1], judgment: "Rating: [[\(s)]]", score: Double(s), turn: item.turn,
                tstamp: Date().timeIntervalSince1970, lang: q.lang, category: q.category,
                phrasing: q.phrasing(turn: item.turn))
            try save(j.jsonObject, item)
        case .verdict(let w):
            guard let item = current else { return }
            guard let other = item.otherModel else {
                throw EvalError(file: "annotate", "this item takes a score from 1 to 10, not a verdict")
            }
            guard w != .error else { throw EvalError(file: "annotate", "expected A, B, tie or both bad") }
            let q = item.question
            let name = (q.needsReference ? "pair-math-v1" : "pair-v2") + (item.turn == 2 ? "-multi-turn" : "")
            // A person sees one order, so both game slots carry the same verdict (consistent by construction).
            let p = PairJudgment(
                questionID: q.id, model1: item.model, model2: other, g1Winner: w, g2Winner: w,
                judge: ["human:" + annotator, name],
                g1Judgment: w.rawValue, g2Judgment: w.rawValue, turn: item.turn, tstamp: Date().timeIntervalSince1970,
                lang: q.lang, category: q.category)
            try save(p.jsonObject, item)
        }
    }

    private mutating func save(_ object: [String: Any], _ item: AnnotationItem) throws {
        if judged.contains(item.key) {
            try replaceEarlierJudgment(of: item, with: object)
        } else {
            try JSONL.append(object, to: file)
        }
        judged.insert(item.key)
        position += 1
    }

    /// A correction (after `back`) rewrites the file atomically without this annotator's earlier line for the item,
    /// so the file holds one judgment per item, as FastChat's tools count every row. Other lines stay byte for byte.
    private func replaceEarlierJudgment(of item: AnnotationItem, with object: [String: Any]) throws {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        func isEarlier(_ line: Substring) -> Bool {
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                (o["judge"] as? [String])?.first == "human:" + annotator,
                let id = JSONLRecord(line: 0, object: o).questionIDText,
                ((o["turn"] as? NSNumber)?.intValue ?? 1) == item.turn
            else { return false }
            let models = [o["model"] ?? o["model_1"], o["model_2"]].map { $0 as? String ?? "" }
            let key = AnnotationItem.key(model: models[0], otherModel: models[1], questionID: id, turn: item.turn)
            return key == item.key
        }
        let kept = text.split(separator: "\n").filter { !$0.isEmpty && !isEarlier($0) }
        let lines = kept.map(String.init) + [try JSONL.line(object)]
        try atomicWrite(Data((lines.joined(separator: "\n") + "\n").utf8), to: file)
    }
}
