// A deterministic judge for benchmarks with references (the built-in miniature study): no server, same answer → same score.
import Foundation

/// The built-in judge's verdict on one turn: the score, a short explanation ending in `Rating: [[n]]`, and the
/// checks it was computed from (nil for questions without truth, judged against their reference).
public struct BuiltinVerdict: Equatable, Sendable {
    public var score: Int
    public var checks: AnswerChecks?
    public var explanation: String
}

/// Scores each turn 1–10. Questions that carry their truth (`BenchQuestion.truth`, the built-in benchmark) are
/// scored from ground-truth checks (`AnswerChecks`); other questions with a reference from the reference
/// (`rubricMarkdown` states both rubrics).
public struct BuiltinJudge: Sendable {
    public var identifier: LanguageIdentifier
    /// Lenient: reads past the language and the form — the fact may be stated in any language and neither the
    /// answer's language nor the asked form is checked, like a judge that reads the answer in its own language.
    /// Comparing the two shows how much of a score the language rule decides.
    public var lenient: Bool
    /// Judge name written into judgments (`["builtin", "builtin-v2"]`): v2 scores checks.
    public static let name = ["builtin", "builtin-v2"]
    public static let lenientName = ["builtin", "builtin-lenient-v2"]

    public init(identifier: LanguageIdentifier = .builtin, lenient: Bool = false) {
        self.identifier = identifier
        self.lenient = lenient
    }

    /// The rubric as Markdown, for `help judge` and docs/.
    public static let rubricMarkdown = """
        **Built-in judge** (deterministic; one score 1–10 per turn)

        *Questions with truth* (`builtin:bench`): every turn's answer is checked against the fact it asks for,
        matched as whole words with case and accents folded, numbers also as digits:
        - `fact`: states the turn's fact in the question's language: a sentence names it more often than the
          question does (any number of times when the question quotes it, as extraction does) or is nothing but
          the fact ("Three." to "What is zero plus three?"); a counting run needs all its numbers;
        - `fact_any`: states it in any of the five languages;
        - `wrong_facts`: how many other facts of the same kind a sentence names more often than the question
          (listing candidates is not answering; the number one, also an article, is never counted);
        - `answer_lang`: the identifier's language of its first sentence in another language than the question's,
          else of the whole answer; `short` under 3 words;
        - `form`: the asked form is met (one sentence; the fact only; number words, not digits; the run's numbers
          separated by commas) and the answer is at most 3 × the reference's words + 10 long;
        - `echo`: it repeats the question (token F1 ≥ 0.6) stating neither the fact beyond it nor a wrong fact.

        Score: empty → **1**; echo → **2**; with `fact`: other facts stated too (drowned or contradicted) → **3**,
        `answer_lang` another language → **3**, form missed → **7**, else **10**; without `fact`: the right fact in
        another language (`fact_any`, no wrong facts) → **3**, else **1**. So the right fact in the wrong language
        scores low, as the study's GPT-4 judge would, but its checks tell it apart from a wrong answer.

        *Questions with only a reference*: normalised exact match, or the whole reference inside the answer →
        **10**; otherwise **6 + 4 × token F1** with the turn's key word in the answer (more often than in the
        question) and **1 + 4 × token F1** without it; with no key words **1 + 9 × token F1** (rounded); no
        reference → a neutral **5**. Then −3 (never below 1) when the question asks for N words, N sentences, a
        list or JSON and the answer does not comply, and **capped at 2** when the identifier places an answer
        of 3 words or more in another language.

        `with: "builtin-lenient"` reads past language and form: `fact_any` counts as the fact, and neither the
        answer's language nor the form is checked (for reference-only questions: correctness only).
        """

    /// Judges one turn (1-based) of an answer.
    public func judge(_ q: BenchQuestion, answer: String, turn: Int) -> BuiltinVerdict {
        let text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        let reference =
            q.reference.indices.contains(turn - 1)
            ? q.reference[turn - 1]
            : q.referenceAnswer.flatMap { $0.indices.contains(turn - 1) ? $0[turn - 1] : nil }
        let asked = q.turns.indices.contains(turn - 1) ? q.turns[turn - 1] : ""
        if q.truth.indices.contains(turn - 1) {
            let checks = AnswerChecks.check(
                answer: text, question: asked, reference: reference,
                truth: q.truth[turn - 1], lang: q.lang, identifier: identifier)
            let (score, reason) =
                text.isEmpty
                ? (1, "empty answer")
                : Self.score(checks, lang: q.lang, lenient: lenient)
            return BuiltinVerdict(
                score: score, checks: checks,
                explanation: "\(Self.describe(checks)) → \(reason). Rating: [[\(score)]]")
        }
        let (score, why) = referenceScore(q, answer: text, turn: turn, reference: reference, asked: asked)
        return BuiltinVerdict(score: score, checks: nil, explanation: why + ". Rating: [[\(score)]]")
    }

    /// The score of a non-empty answer from its checks, and why.
    static func score(_ c: AnswerChecks, lang: Lang, lenient: Bool) -> (Int, String) {
        if c.echo { return (2, "repeats the question without answering") }
        if lenient ? c.factAny : c.fact {
            if c.wrongFacts > 0 { return (3, "the right fact among \(c.wrongFacts) wrong one(s)") }
            if !lenient, let other = c.answerLang, other != lang {
                return (3, "the right fact, but the answer is in \(other.code), not \(lang.code)")
            }
            if !lenient && !c.form { return (7, "the right fact, but not in the asked form") }
            return (10, "the right fact, single" + (lenient ? "" : ", well-formed, in \(lang.code)"))
        }
        if c.factAny && c.wrongFacts == 0 { return (3, "the right fact, but in another language") }
        return (1, c.wrongFacts > 0 ? "a wrong fact" : "no right fact")
    }

    /// The checks as one line: "fact yes, fact_any yes, wrong_facts 0, answer_lang de, form yes, echo no".
    static func describe(_ c: AnswerChecks) -> String {
        func yes(_ b: Bool) -> String { b ? "yes" : "no" }
        return "fact \(yes(c.fact)), fact_any \(yes(c.factAny)), wrong_facts \(c.wrongFacts), "
            + "answer_lang \(c.answerLang?.rawValue ?? "short"), form \(yes(c.form)), echo \(yes(c.echo))"
    }

    /// The reference-only rubric (questions without truth): correctness, then form and language unless lenient.
    private func referenceScore(
        _ q: BenchQuestion, answer text: String, turn: Int, reference: String?,
        asked: String
    ) -> (Int, String) {
        guard !text.isEmpty else { return (1, "Empty answer") }
        var notes: [String] = []
        var score: Int
        if let reference, !normalise(reference).isEmpty {
            let a = normalise(text), r = normalise(reference)
            if a == r || (" " + a + " ").contains(" " + r + " ") {
                score = 10
                notes.append("matches the reference")
            } else if q.keyWords.indices.contains(turn - 1), !normalise(q.keyWords[turn - 1]).isEmpty {
                let f1 = tokenF1(a, r), key = normalise(q.keyWords[turn - 1])
                let present = occurrences(of: key, in: a) > occurrences(of: key, in: normalise(asked))
                score = Int(((present ? 6 : 1) + 4 * f1).rounded())
                notes.append(
                    (present ? "has" : "lacks") + " the key word '\(q.keyWords[turn - 1])'; token F1 "
                        + "\(Table.format(f1)) against the reference")
            } else {
                let f1 = tokenF1(a, r)
                score = Int((1 + 9 * f1).rounded())
                notes.append("token F1 \(Table.format(f1)) against the reference")
            }
        } else {
            score = 5
            notes.append("no reference: neutral correctness")
        }
        if lenient { return (score, notes.joined(separator: "; ")) }
        if let violation = formViolation(question: asked, answer: text) {
            score = max(1, score - 3)
            notes.append("form not respected (\(violation))")
        }
        if normalise(text).split(separator: " ").count >= AnswerChecks.minimumWordsForLanguage,
            let lang = identifier.identify(text), lang != q.lang
        {
            score = min(score, 2)
            notes.append("answer in \(lang.code), expected \(q.lang.code)")
        }
        return (score, notes.joined(separator: "; "))
    }

    /// Judges every turn of every answer in the set.
    public func judge(_ answers: AnswerSet) -> JudgmentSet {
        var out = JudgmentSet(warnings: answers.warnings)
        let now = Date().timeIntervalSince1970
        for model in answers.models {
            for a in answers.answers[model] ?? [] {
                guard let q = answers.benchmark.question(a.questionID) else { continue }
                for turn in 1...max(1, min(q.turns.count, a.turns.count)) {
                    let text = a.turns.indices.contains(turn - 1) ? a.turns[turn - 1] : ""
                    let verdict = judge(q, answer: text, turn: turn)
                    out.single.append(
                        SingleJudgment(
                            questionID: q.id, model: model, judge: lenient ? Self.lenientName : Self.name,
                            userPrompt: q.turns[turn - 1], judgment: verdict.explanation, score: Double(verdict.score),
                            turn: turn, tstamp: now, lang: q.lang, category: q.category, checks: verdict.checks,
                            answer: text, modelProvenance: a.modelProvenance, phrasing: q.phrasing(turn: turn)))
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

    /// SQuAD-style token F1 of two normalised texts.
    func tokenF1(_ a: String, _ r: String) -> Double {
        AnswerChecks.tokenF1(a.split(separator: " "), r.split(separator: " "))
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
