// Language fidelity of judged answers, in the style of the Language Confusion Benchmark (Marchisio et al. 2024):
// does an answer come in the question's language, line by line, and is it correct in any language or in the
// question's? `score` reports these rates next to the mean.

/// What one judgment tells about its answer's language and correctness (nil: unknown for this judgment).
struct LanguageFidelity: Sendable {
    /// The answer's language (`AnswerChecks.answerLang`) differs from the question's.
    var wrongLang: Bool?
    /// Every line of three words or more is in the question's language.
    var linePass: Bool?
    /// The right fact, stated without wrong ones, in any language (checks only).
    var correctAny: Bool?
    /// The right fact, without wrong ones, in an answer in the question's language (checks only).
    var correctInLang: Bool?

    /// From the judgment's checks when it has them, else from the answer's text by the identifier.
    init(_ j: SingleJudgment, text: String?, identifier: LanguageIdentifier) {
        if let c = j.checks {
            wrongLang = c.answerLang.map { $0 != j.lang }
            linePass = c.lines > 0 ? c.linesInLang == c.lines : nil
            correctAny = c.factAny && c.wrongFacts == 0
            correctInLang = c.correct(in: j.lang)
        } else if let text {
            let found = AnswerChecks.languages(of: text, lang: j.lang, identifier: identifier)
            wrongLang = found.answer.map { $0 != j.lang }
            linePass = found.lines > 0 ? found.linesInLang == found.lines : nil
        }
    }

    /// The columns `score` adds, with what each one is a rate of.
    static let columns: [(name: String, rate: KeyPath<LanguageFidelity, Bool?>)] = [
        ("wrong_lang", \.wrongLang), ("line_pass", \.linePass),
        ("correct_any", \.correctAny), ("correct_in_lang", \.correctInLang)
    ]

    static let notes = [
        "wrong_lang: share of answers (of 3 words or more) whose language — of the first sentence in another language, "
            + "else of the whole answer — differs from the question's; line_pass: share of answers whose every line "
            + "of 3 words or more is in the question's language (Language Confusion Benchmark style).",
        "correct_any / correct_in_lang: share of answers with the built-in judge's checks that state the right fact "
            + "without wrong ones, in any language / in an answer in the question's language."
    ]

    /// The share of judgments for which `rate` is true, among those where it is known (missing when none is).
    static func rate(_ fidelities: [LanguageFidelity], _ rate: KeyPath<LanguageFidelity, Bool?>) -> Double? {
        let known = fidelities.compactMap { $0[keyPath: rate] }
        return known.isEmpty ? nil : Double(known.filter { $0 }.count) / Double(known.count)
    }
}
