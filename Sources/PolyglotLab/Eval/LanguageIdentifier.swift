// Language identification for EN/DE/FR/IT/ES: a character 1–4-gram naive Bayes classifier.
// Why n-grams: short benchmark turns (a dozen words) carry their language in letter sequences (ß, "ione", "ción", " the ").
import Foundation

/// A naive Bayes classifier over character 1–4-grams, trainable from text per language.
public struct LanguageIdentifier: Sendable {
    static let orders = 1...4
    /// Add-α smoothing for unseen n-grams.
    static let alpha = 0.5

    private var counts: [Lang: [String: Int]] = [:]
    private var totals: [Lang: [Int]] = [:]
    private var vocabulary: [Int] = Array(repeating: 0, count: 5)
    /// The trained languages, in the order of the rows below.
    private var languages: [Lang] = []
    /// Per seen n-gram, its smoothed log-probability in each language (one lookup scores all of them).
    private var logProbabilities: [String: [Double]] = [:]
    /// Per order n, the log-probability of an n-gram a language never saw.
    private var unseenLogProbabilities: [[Double]] = []

    /// An identifier trained on `samples` (several texts per language).
    public init(samples: [Lang: [String]]) { train(samples: samples) }

    /// The identifier trained on the project's own text (`builtinTrainingText`) plus a slice of the miniature
    /// world's corpus: its short sentences are mostly names and number words ("Ankara est la capitale de la
    /// Turquie.", "Four plus six is ten."), which the general text alone placed in the wrong language 1.3% of the time.
    public static let builtin: LanguageIdentifier = {
        var identifier = LanguageIdentifier(samples: builtinTrainingText)
        let documents = MiniatureWorld(seed: 0).corpus(sentences: 20_000)
        identifier.train(samples: Dictionary(grouping: documents, by: \.lang).mapValues { $0.map(\.text) })
        return identifier
    }()

    /// Adds more text per language (e.g. the generated miniature corpus) to the model.
    public mutating func train(samples: [Lang: [String]]) {
        for (lang, texts) in samples {
            var c = counts[lang, default: [:]]
            var t = totals[lang, default: Array(repeating: 0, count: 5)]
            for text in texts {
                Self.forEachGram(text) { n, gram in
                    c[gram, default: 0] += 1; t[n] += 1
                }
            }
            counts[lang] = c
            totals[lang] = t
        }
        var seen = Array(repeating: Set<String>(), count: 5)
        for c in counts.values { for g in c.keys { seen[g.count].insert(g) } }
        vocabulary = seen.map(\.count)
        tabulate()
    }

    /// The log-probabilities `scores` reads, from the counts.
    private mutating func tabulate() {
        languages = counts.keys.sorted()
        let denominators = languages.map { lang in
            (0..<5).map { n in Double(totals[lang]?[n] ?? 0) + Self.alpha * Double(vocabulary[n] + 1) }
        }
        unseenLogProbabilities = (0..<5).map { n in denominators.map { log(Self.alpha / $0[n]) } }
        var table: [String: [Double]] = [:]
        for (row, lang) in languages.enumerated() {
            for (gram, count) in counts[lang] ?? [:] {
                var entry = table[gram] ?? unseenLogProbabilities[gram.count]
                entry[row] = log((Double(count) + Self.alpha) / denominators[row][gram.count])
                table[gram] = entry
            }
        }
        logProbabilities = table
    }

    /// Log-likelihood of `text` per trained language, highest first.
    public func scores(_ text: String) -> [(lang: Lang, logLikelihood: Double)] {
        var sums = [Double](repeating: 0, count: languages.count)
        Self.forEachGram(text) { n, gram in
            let logProbability = logProbabilities[gram] ?? unseenLogProbabilities[n]
            for row in sums.indices { sums[row] += logProbability[row] }
        }
        return zip(languages, sums).map { (lang: $0, logLikelihood: $1) }.sorted { $0.logLikelihood > $1.logLikelihood }
    }

    /// The most likely language, or nil when the text has no letters or nothing was trained.
    public func identify(_ text: String) -> Lang? {
        guard Self.normalise(text).contains(where: \.isLetter) else { return nil }
        return scores(text).first?.lang
    }

    /// Lower-cased letters and apostrophes, everything else (digits, punctuation, code symbols) a single space.
    static func normalise(_ text: String) -> [Character] {
        var out: [Character] = [" "]
        for ch in text.lowercased() {
            if ch.isLetter || ch == "'" { out.append(ch) } else if out.last != " " { out.append(" ") }
        }
        if out.last != " " { out.append(" ") }
        return out
    }

    private static func forEachGram(_ text: String, _ body: (Int, String) -> Void) {
        let chars = normalise(text)
        for n in orders where chars.count >= n {
            for i in 0...(chars.count - n) { body(n, String(chars[i..<(i + n)])) }
        }
    }
}
