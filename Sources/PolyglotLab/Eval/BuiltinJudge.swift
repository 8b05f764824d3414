// A deterministic judge for benchmarks with references (the built-in miniature study): no server, same answer → same score.
import Foundation

/// Scores each turn 1–10 from correctness against the reference, the answer's language and the requested form.
///
/// Rubric (applied per turn, in this order):
/// 1. Empty answer → 1.
/// 2. Correctness: the turn's reference is the inline `reference[turn−1]`, else the reference answer's turn.
///    Normalised exact match (lower-cased, punctuation and accents dropped, whitespace collapsed), or the whole
///    normalised reference occurring in the answer → 10. Otherwise, when the question names the turn's key word
///    (the fact, in the question's language): key word present (more often than in the question, so "seven plus
///    zero" does not count) → 6 + 4 × token F1, absent → 1 + 4 × token F1; without key words 1 + 9 × token F1.
///    Without a reference the correctness part is a neutral 5 (nothing to check against).
/// 3. Form: when the question asks for at most/exactly N words, N sentences, a list, or JSON and the answer
///    does not comply → −3 (not below 1).
/// 4. Language: when the language identifier says the answer is not in the question's language → capped at 2
///    (as multilingual MT-Bench ports penalise wrong-language answers). Answers under 3 words (a number, "Ja.")
///    are too short to tell and are not checked.
public struct BuiltinJudge: Sendable {
    public var identifier: LanguageIdentifier
    /// Lenient: correctness only (rules 1–2), no form penalty and no language cap, like a judge that reads past
    /// an answer in the wrong language. Comparing the two shows how much of a score the language rule decides.
    public var lenient: Bool
    /// Judge name written into judgments (`["builtin", "builtin-v1"]`).
    public static let name = ["builtin", "builtin-v1"]
    public static let lenientName = ["builtin", "builtin-lenient-v1"]

    public init(identifier: LanguageIdentifier = .builtin, lenient: Bool = false) {
        self.identifier = identifier
        self.lenient = lenient
    }

    /// The rubric as Markdown, for `help judge` and docs/.
    public static let rubricMarkdown = """
        **Built-in judge** (deterministic; one score 1–10 per turn)
        1. Empty answer → **1**.
        2. **Correctness** against the turn's reference (inline `reference`, else the reference answer):
           normalised exact match, or the whole reference inside the answer → **10**; otherwise, when the
           question has a key word for the turn (the built-in benchmark's fact), **6 + 4 × token F1** with the
           key word in the answer (more often than in the question) and **1 + 4 × token F1** without it;
           with no key words **1 + 9 × token F1** (rounded). No reference → a neutral **5**.
        3. **Form**: if the question asks for N words, N sentences, a list or JSON and the answer does not
           comply → **−3** (never below 1).
        4. **Language**: an answer the language identifier places in another language than the question is
           **capped at 2** (answers under 3 words are too short to tell and are not checked).

        `with: "builtin-lenient"` applies rules 1–2 only (no form penalty, no language cap).
        """

    /// Judges one turn (1-based) of an answer, with a short explanation ending in `Rating: [[n]]`.
    public func judge(_ q: BenchQuestion, answer: String, turn: Int) -> (score: Int, explanation: String) {
        let text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return (1, "Empty answer. Rating: [[1]]") }
        var notes: [String] = []
        var score: Int
        let reference =
            q.reference.indices.contains(turn - 1)
            ? q.reference[turn - 1]
            : q.referenceAnswer.flatMap { $0.indices.contains(turn - 1) ? $0[turn - 1] : nil }
        if let reference, !normalise(reference).isEmpty {
            let a = normalise(text), r = normalise(reference)
            if a == r || (" " + a + " ").contains(" " + r + " ") {
                score = 10
                notes.append("matches the reference")
            } else if q.keyWords.indices.contains(turn - 1), !normalise(q.keyWords[turn - 1]).isEmpty {
                let f1 = tokenF1(a, r), key = normalise(q.keyWords[turn - 1])
                let asked = normalise(q.turns.indices.contains(turn - 1) ? q.turns[turn - 1] : "")
                let present = occurrences(of: key, in: a) > occurrences(of: key, in: asked)
                score = Int(((present ? 6 : 1) + 4 * f1).rounded())
                notes.append(
                    (present ? "has" : "lacks")
                        + " the key word '\(q.keyWords[turn - 1])'; token F1 \(Table.format(f1)) against the reference")
            } else {
                let f1 = tokenF1(a, r)
                score = Int((1 + 9 * f1).rounded())
                notes.append("token F1 \(Table.format(f1)) against the reference")
            }
        } else {
            score = 5
            notes.append("no reference: neutral correctness")
        }
        if lenient { return (score, notes.joined(separator: "; ") + ". Rating: [[\(score)]]") }
        if let violation = formViolation(
            question: q.turns.indices.contains(turn - 1) ? q.turns[turn - 1] : "", answer: text)
        {
            score = max(1, score - 3)
            notes.append("form not respected (\(violation))")
        }
        if normalise(text).split(separator: " ").count >= 3, let lang = identifier.identify(text), lang != q.lang {
            score = min(score, 2)
            notes.append("answer in \(lang.code), expected \(q.lang.code)")
        }
        return (score, notes.joined(separator: "; ") + ". Rating: [[\(score)]]")
    }

    /// Judges every turn of every answer in the set.
    public func judge(_ answers: AnswerSet) -> JudgmentSet {
        var out = JudgmentSet(warnings: answers.warnings)
        let now = Date().timeIntervalSince1970
        for model in answers.models {
            for a in answers.answers[model] ?? [] {
                guard let q = answers.benchmark.question(a.questionID) else { continue }
                for turn in 1...max(1, min(q.turns.count, a.turns.count)) {
                    let (score, why) = judge(
                        q, answer: a.turns.indices.contains(turn - 1) ? a.turns[turn - 1] : "", turn: turn)
                    out.single.append(
                        SingleJudgment(
                            questionID: q.id, model: model, judge: lenient ? Self.lenientName : Self.name,
                            userPrompt: q.turns[turn - 1],
                            judgment: why, score: Double(score), turn: turn, tstamp: now, lang: q.lang,
                            category: q.category))
                }
            }
        }
        return out
    }

    // MARK: - Parts of the rubric

    /// Lower-cased words without punctuation or accents, single-spaced.
    func normalise(_ s: String) -> String {
        let folded = s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return folded.split { !($0.isLetter || $0.isNumber) }.joined(separator: " ")
    }

    /// How often the normalised phrase occurs as whole words in normalised text.
    func occurrences(of phrase: String, in text: String) -> Int {
        let words = text.split(separator: " "), key = phrase.split(separator: " ")
        guard !key.isEmpty, words.count >= key.count else { return 0 }
        return (0...(words.count - key.count)).filter { i in words[i..<(i + key.count)].elementsEqual(key) }.count
    }

    /// SQuAD-style token F1 over multisets of tokens.
    func tokenF1(_ a: String, _ r: String) -> Double {
        let at = a.split(separator: " "), rt = r.split(separator: " ")
        guard !at.isEmpty, !rt.isEmpty else { return 0 }
        var pool = Dictionary(rt.map { ($0, 1) }, uniquingKeysWith: +)
        var common = 0
        for t in at where (pool[t] ?? 0) > 0 { common += 1; pool[t, default: 0] -= 1 }
        guard common > 0 else { return 0 }
        let p = Double(common) / Double(at.count), rc = Double(common) / Double(rt.count)
        return 2 * p * rc / (p + rc)
    }

    private static let wordWords = "words?|w[öo]rter[n]?|mots?|parole|palabras?"
    private static let sentenceWords = "sentences?|s[äa]tze[n]?|satz|phrases?|frasi|frase|oraci[oó]n(?:es)?"
    private static let wordLimit = try? NSRegularExpression(
        pattern: "(\\d+)\\s+(?:\(wordWords))\\b", options: .caseInsensitive)
    private static let sentenceCount = try? NSRegularExpression(
        pattern: "(\\d+)\\s+(?:\(sentenceWords))\\b", options: .caseInsensitive)
    private static let listRequest = try? NSRegularExpression(
        pattern: "\\b(?:bullet|bullets|list|liste|lista|elenco|aufzählung|stichpunkte?n?)\\b", options: .caseInsensitive
    )

    /// What requested form the answer misses, or nil when none was requested or it complies.
    func formViolation(question: String, answer: String) -> String? {
        let range = NSRange(question.startIndex..., in: question)
        func number(_ regex: NSRegularExpression?) -> Int? {
            guard let m = regex?.firstMatch(in: question, range: range), let r = Range(m.range(at: 1), in: question)
            else { return nil }
            return Int(question[r])
        }
        if let n = number(Self.wordLimit) {
            let words = answer.split { $0.isWhitespace }.count
            if Double(words) > Double(n) * 1.1 { return "\(words) words for a limit of \(n)" }
        }
        if let n = number(Self.sentenceCount) {
            let sentences = answer.split { ".!?".contains($0) }.filter { $0.contains { $0.isLetter } }.count
            if sentences != n { return "\(sentences) sentences, \(n) asked" }
        }
        if question.lowercased().contains("json") {
            // The JSON may sit inside prose or a code fence: take the span from the first bracket to the last one.
            guard let open = answer.firstIndex(where: { $0 == "{" || $0 == "[" }),
                let close = answer.lastIndex(where: { $0 == "}" || $0 == "]" }), open < close,
                (try? JSONSerialization.jsonObject(with: Data(answer[open...close].utf8))) != nil
            else { return "no valid JSON" }
        }
        if Self.listRequest?.firstMatch(in: question, range: range) != nil {
            let items = answer.split(separator: "\n").filter { line in
                let t = line.trimmingCharacters(in: .whitespaces)
                return t.hasPrefix("-") || t.hasPrefix("*") || t.hasPrefix("•") || t.first?.isNumber == true
            }
            if items.count < 2 { return "no list" }
        }
        return nil
    }
}
