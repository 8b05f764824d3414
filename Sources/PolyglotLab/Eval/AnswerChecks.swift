// Ground-truth checks of one answer turn against the fact its question asks for (`TurnFact`): what the
// built-in judge scores, what judgment files keep, and what `score` counts for language fidelity.
import Foundation

/// The checks of one answered turn. Facts are matched as whole words after folding case and accents; numbers
/// also as digits (language-neutral).
public struct AnswerChecks: Equatable, Sendable {
    /// States the turn's fact in the question's language (digits count for numbers) and is not an echo.
    public var fact: Bool
    /// States the turn's fact in any of the five languages.
    public var factAny: Bool
    /// How many other facts of the same kind it states: named in a sentence more often than in the question.
    public var wrongFacts: Int
    /// The language of its first sentence in another language than the question's, else of the whole answer;
    /// nil (`short`) under three words.
    public var answerLang: Lang?
    /// Meets the form the turn asks for, and is at most 3 × the reference's words + 10 long.
    public var form: Bool
    /// Repeats the question (token F1 ≥ 0.6 with it) without stating the fact beyond it or any wrong fact.
    public var echo: Bool
    /// Lines of three words or more, and how many of them the identifier places in the question's language.
    public var lines: Int
    public var linesInLang: Int

    public init(
        fact: Bool, factAny: Bool, wrongFacts: Int, answerLang: Lang?, form: Bool, echo: Bool,
        lines: Int = 0, linesInLang: Int = 0
    ) {
        self.fact = fact
        self.factAny = factAny
        self.wrongFacts = wrongFacts
        self.answerLang = answerLang
        self.form = form
        self.echo = echo
        self.lines = lines
        self.linesInLang = linesInLang
    }

    /// The ground truth of the miniature: the right fact, stated without wrong ones, in an answer in the question's
    /// language (`lang`) or too short to have one. What `correct_in_lang` counts and `agreement … with: truth` uses.
    public func correct(in lang: Lang) -> Bool {
        fact && wrongFacts == 0 && (answerLang == nil || answerLang == lang)
    }

    /// Answers this short are not given a language (a name, a number, "Ja.").
    static let minimumWordsForLanguage = 3
    static let echoF1 = 0.6

    /// Checks `answer` to `question` (one turn, in `lang`) against `truth`; `reference` bounds the length.
    public static func check(
        answer: String, question: String, reference: String?, truth: TurnFact, lang: Lang,
        identifier: LanguageIdentifier = .builtin
    ) -> AnswerChecks {
        let a = tokens(answer), q = tokens(question)
        let matcher = FactMatcher.of(truth.kind)
        // Sentence by sentence: "Six plus three is nine. Six plus three is three." states three more often than
        // the question in its second sentence, which the whole answer would hide.
        let sentences = answer.split { ".!?;\n".contains($0) }.map { tokens(String($0)) }.filter { !$0.isEmpty }
        let inSentences = sentences.map(matcher.mentions), inQuestion = matcher.mentions(q)
        let targets = truth.kind == .numberRun ? truth.kind.runNumbers(truth.index) : [truth.index]
        func count(_ fact: Int, _ mentions: [FactMatcher.Mention], inLang: Bool = false) -> Int {
            mentions.filter { m in
                m.readings.contains { $0.index == fact && (!inLang || $0.lang == nil || $0.lang == lang) }
            }.count
        }
        func states(inLang: Bool) -> Bool {
            // A run is stated when all its numbers are (its ends are in the question, its middle is not).
            if truth.kind == .numberRun {
                return targets.allSatisfy { n in inSentences.contains { count(n, $0, inLang: inLang) > 0 } }
            }
            // A sentence states the fact when it names it more often than the question (unless the question quotes
            // it) or consists of nothing else ("Three." to "What is zero plus three?"). Both counted alike: the
            // country in "And the capital of Mexico?" reads as the French capital, not as the English one.
            let asked = truth.quoted ? 0 : count(truth.index, inQuestion, inLang: inLang)
            return zip(sentences, inSentences).contains { words, mentions in
                let n = count(truth.index, mentions, inLang: inLang)
                return n > asked || (n > 0 && mentions.count == 1 && mentions[0].text == words.joined(separator: " "))
            }
        }
        let wrong = Set(
            inSentences.flatMap { mentions in
                mentions.compactMap { m -> Int? in
                    let indices = m.readings.map(\.index)
                    guard !indices.contains(where: targets.contains), !FactMatcher.ambiguous.contains(m.text),
                        indices.allSatisfy({ i in count(i, mentions) > count(i, inQuestion) })
                    else { return nil }
                    return indices.min()
                }
            })
        // Naming a wrong fact in the question's words is a wrong answer, not an echo.
        let echo = !a.isEmpty && tokenF1(a, q) >= echoF1 && !states(inLang: false) && wrong.isEmpty
        let language = languages(of: answer, lang: lang, identifier: identifier)
        return AnswerChecks(
            fact: states(inLang: true) && !echo, factAny: states(inLang: false) && !echo,
            wrongFacts: wrong.count, answerLang: language.answer,
            form: meetsForm(answer, words: a, truth: truth, lang: lang, reference: reference),
            echo: echo, lines: language.lines, linesInLang: language.linesInLang)
    }

    /// The answer's language (see `answerLang`) and its line-level counts.
    static func languages(of answer: String, lang: Lang, identifier: LanguageIdentifier)
        -> (answer: Lang?, lines: Int, linesInLang: Int)
    {
        func placed(_ text: some StringProtocol) -> Lang? {
            WorldGrammar.words(String(text)).count >= minimumWordsForLanguage ? identifier.identify(String(text)) : nil
        }
        let lineLangs = answer.split(whereSeparator: \.isNewline).compactMap(placed)
        let sentenceLangs = answer.split { ".!?\n".contains($0) }.compactMap(placed)
        let answerLang = sentenceLangs.first { $0 != lang } ?? placed(answer)
        return (answerLang, lineLangs.count, lineLangs.filter { $0 == lang }.count)
    }

    /// Whether the answer has the form `truth` asks for (the same rule in every language).
    static func meetsForm(_ answer: String, words: [String], truth: TurnFact, lang: Lang, reference: String?) -> Bool {
        if let reference, words.count > 3 * tokens(reference).count + 10 { return false }
        let text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        switch truth.form {
        case nil: return !words.isEmpty
        case .sentence:
            let sentences = text.split { ".!?".contains($0) }.filter { $0.contains(where: \.isLetter) }
            return sentences.count == 1 && text.hasSuffix(".") && words.count >= minimumWordsForLanguage
        case .factOnly:
            let factWords = truth.kind.forms(truth.index, lang).map { tokens($0).count }.max() ?? 1
            return !words.isEmpty && words.count <= factWords + 2
        case .numberWord: return !words.isEmpty && !text.contains { $0.isASCII && $0.isNumber }
        case .list:
            let items = text.split(separator: ",").filter { $0.contains { $0.isLetter || $0.isNumber } }
            return truth.kind == .numberRun ? items.count == truth.kind.runNumbers(truth.index).count : items.count >= 2
        }
    }

    /// Lower-cased words and digit runs without accents or punctuation ("Dix-sept !" → ["dix", "sept"]).
    static func tokens(_ text: String) -> [String] {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// SQuAD-style token F1 over multisets of tokens.
    static func tokenF1(_ a: [some StringProtocol], _ r: [some StringProtocol]) -> Double {
        guard !a.isEmpty, !r.isEmpty else { return 0 }
        var pool = Dictionary(r.map { (String($0), 1) }, uniquingKeysWith: +)
        var common = 0
        for t in a where (pool[String(t)] ?? 0) > 0 { common += 1; pool[String(t), default: 0] -= 1 }
        guard common > 0 else { return 0 }
        let p = Double(common) / Double(a.count), rc = Double(common) / Double(r.count)
        return 2 * p * rc / (p + rc)
    }
}

/// Finds the facts of one kind in a token sequence, in any language (longest phrase first, so "dix sept" is
/// seventeen and not seven).
struct FactMatcher: Sendable {
    /// One reading of a mention: which fact, in which language (nil: digits, any language).
    struct Reading: Hashable, Sendable {
        let index: Int
        let lang: Lang?
    }

    struct Mention: Sendable {
        let text: String
        let readings: [Reading]
    }

    /// Number one doubles as an article or pronoun ("un chat", "the next one"): never counted as a wrong fact.
    static let ambiguous: Set<String> = ["one", "un", "uno"]

    let kind: FactKind
    private var phrases: [String: [Reading]] = [:]
    private var longest = 1

    init(kind: FactKind) {
        self.kind = kind
        let facts: (FactKind, Int) = kind == .numberRun ? (.number, FactKind.number.count) : (kind, kind.count)
        for index in 0..<facts.1 {
            for lang in Lang.allCases {
                for form in facts.0.forms(index, lang) {
                    let words = AnswerChecks.tokens(form)
                    guard !words.isEmpty else { continue }
                    longest = max(longest, words.count)
                    let reading = Reading(index: index, lang: lang)
                    if !(phrases[words.joined(separator: " ")]?.contains(reading) ?? false) {
                        phrases[words.joined(separator: " "), default: []].append(reading)
                    }
                }
            }
        }
    }

    private static let matchers = Dictionary(
        uniqueKeysWithValues: FactKind.allCases.map {
            ($0, FactMatcher(kind: $0))
        })

    static func of(_ kind: FactKind) -> FactMatcher { matchers[kind]! }

    /// The facts mentioned in `tokens`, left to right.
    func mentions(_ tokens: [String]) -> [Mention] {
        var out: [Mention] = []
        var i = 0
        while i < tokens.count {
            if kind.allowsDigits, tokens[i].allSatisfy(\.isNumber), let n = Int(tokens[i]) {
                out.append(Mention(text: tokens[i], readings: [Reading(index: n, lang: nil)]))
                i += 1
                continue
            }
            var matched = false
            for length in stride(from: min(longest, tokens.count - i), through: 1, by: -1) {
                let phrase = tokens[i..<(i + length)].joined(separator: " ")
                if let readings = phrases[phrase] {
                    out.append(Mention(text: phrase, readings: readings))
                    i += length
                    matched = true
                    break
                }
            }
            if !matched { i += 1 }
        }
        return out
    }
}

extension AnswerChecks {
    /// The `checks` object of a judgment line.
    var jsonObject: [String: Any] {
        [
            "fact": fact, "fact_any": factAny, "wrong_facts": wrongFacts,
            "answer_lang": answerLang?.rawValue ?? "short",
            "form": form, "echo": echo, "lines": lines, "lines_in_lang": linesInLang
        ]
    }

    /// Reads a `checks` object back; nil when it is not one (`lines` and `lines_in_lang` may be absent).
    init?(json: Any) {
        guard let o = json as? [String: Any], let fact = o["fact"] as? Bool, let factAny = o["fact_any"] as? Bool,
            let wrong = o["wrong_facts"] as? Int, wrong >= 0, let lang = o["answer_lang"] as? String,
            lang == "short" || Lang(rawValue: lang) != nil, let form = o["form"] as? Bool,
            let echo = o["echo"] as? Bool
        else { return nil }
        let lines = o["lines"] as? Int ?? 0, inLang = o["lines_in_lang"] as? Int ?? 0
        guard lines >= 0, (0...lines).contains(inLang) else { return nil }
        self.init(
            fact: fact, factAny: factAny, wrongFacts: wrong, answerLang: Lang(rawValue: lang), form: form,
            echo: echo, lines: lines, linesInLang: inLang)
    }
}
