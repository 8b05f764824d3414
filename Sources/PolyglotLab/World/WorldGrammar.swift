import Foundation

// Surface grammar of the miniature world. Templates are written with plain placeholders and
// un-contracted articles ("de le Japon", "di la Austria", "de el siete"); `render` fills the slots
// and then applies each language's obligatory contractions and elisions, so a rule lives in one
// place instead of being repeated in hundreds of template strings.

/// The values a template can refer to: `{A}` entity, `{B}` value, `{C}` result, `{L}` list,
/// `{ofA}` the of-phrase of the entity ("of Austria", "der Schweiz", "de le Japon" → "du Japon").
struct Slots: Hashable, Sendable {
    var a = "", b = "", c = "", list = ""
}

enum WorldGrammar {
    /// Fills a template and applies the language's contractions, elisions and sentence capital.
    static func render(_ template: String, _ slots: Slots, _ lang: Lang) -> String {
        // One pass over the UTF-8 bytes: generation renders hundreds of thousands of templates.
        var out: [UInt8] = []
        out.reserveCapacity(template.utf8.count + 48)
        let bytes = Array(template.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "{"), let close = bytes[i...].firstIndex(of: UInt8(ascii: "}")) {
                let key = close - i == 2 ? bytes[i + 1] : close - i == 4 ? UInt8(ascii: "o") : 0
                switch key {
                case UInt8(ascii: "A"): out += slots.a.utf8
                case UInt8(ascii: "B"): out += slots.b.utf8
                case UInt8(ascii: "C"): out += slots.c.utf8
                case UInt8(ascii: "L"): out += slots.list.utf8
                case UInt8(ascii: "o"): out += ofPhrase(slots.a, lang).utf8  // {ofA}, the only 3-letter slot
                default: out += bytes[i...close]  // not a slot ({S}, {T} are filled by the caller)
                }
                i = close + 1
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return capitalized(contract(String(decoding: out, as: UTF8.self), lang))
    }

    /// "of X" in the language; German uses the genitive for feminine/plural and von(+dem) otherwise.
    static func ofPhrase(_ phrase: String, _ lang: Lang) -> String {
        switch lang {
        case .en: return "of " + phrase
        case .de:
            if phrase.hasPrefix("die ") { return "der " + phrase.dropFirst(4) }
            if phrase.hasPrefix("der ") || phrase.hasPrefix("das ") { return "vom " + phrase.dropFirst(4) }
            return "von " + phrase
        case .fr, .es: return "de " + phrase
        case .it: return "di " + phrase
        }
    }

    /// Upper-cases the first letter, skipping Spanish opening marks.
    static func capitalized(_ text: String) -> String {
        guard let i = text.firstIndex(where: { $0.isLetter }) else { return text }
        return text[..<i] + text[i].uppercased() + text[text.index(after: i)...]
    }

    /// The grammatical gender of a noun phrase, read from its (un-elided) article.
    static func isFeminine(_ phrase: String, _ lang: Lang) -> Bool {
        switch lang {
        case .fr, .it, .es: phrase.hasPrefix("la ")
        case .de: phrase.hasPrefix("die ")
        case .en: false
        }
    }

    /// Picks the form of an adjective written "masculine/feminine" that agrees with the noun.
    static func agree(_ adjective: String, with noun: String, _ lang: Lang) -> String {
        let forms = adjective.split(separator: "/").map(String.init)
        guard forms.count == 2 else { return adjective }
        return isFeminine(noun, lang) ? forms[1] : forms[0]
    }

    /// A phrase without its leading article ("la Autriche" → "Autriche", "the Netherlands" → "Netherlands").
    static func withoutArticle(_ phrase: String) -> String {
        for article in ["the ", "die ", "der ", "das ", "le ", "la ", "les ", "il ", "lo ", "i ", "gli ", "el ", "los "]
        where phrase.hasPrefix(article) { return String(phrase.dropFirst(article.count)) }
        return phrase
    }

    // MARK: - Contractions and elisions

    static func contract(_ text: String, _ lang: Lang) -> String {
        switch lang {
        case .en, .de: return text  // German case forms come from `ofPhrase`
        case .fr: return contractFrench(text)
        case .it: return contractItalian(text)
        case .es: return contractSpanish(text)
        }
    }

    /// French words before which no elision happens (h aspiré, numbers).
    static let frenchNoElision: Set<String> = ["huit", "onze", "haut", "hongrie", "havane", "hiii", "hou-hou"]

    static func startsWithVowelSound(_ word: Substring, noElision: Set<String>) -> Bool {
        guard let f = word.first?.lowercased().first, "aeiouyàâéèêëîïôûùh".contains(f) else { return false }
        return !noElision.contains(String(word.lowercased().filter { $0.isLetter || $0 == "-" }))
    }

    private static func contractFrench(_ text: String) -> String {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        // 1. Articles: le/la + vowel → l'
        words = elide(words, targets: ["le", "la"], noElision: frenchNoElision)
        // 2. de/à + le/les → du/des/au/aux
        words = merge(words) { prep, article in
            switch (short(prep), article) {
            case ("de", "le"): return keepCase(prep, "du")
            case ("de", "les"): return keepCase(prep, "des")
            case ("à", "le"): return keepCase(prep, "au")
            case ("à", "les"): return keepCase(prep, "aux")
            default: return nil
            }
        }
        // 3. de/que + vowel → d'/qu'
        words = elide(words, targets: ["de", "que"], noElision: frenchNoElision)
        return words.joined(separator: " ")
    }

    private static func contractItalian(_ text: String) -> String {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        words = elide(words, targets: ["lo", "la"], noElision: [])
        let stems = ["di": "de", "a": "a", "da": "da", "su": "su", "in": "ne"]
        var out: [String] = []
        var i = 0
        while i < words.count {
            if i + 1 < words.count, let stem = stems[short(words[i])] {
                let next = words[i + 1]
                let articles = ["il": "l", "lo": "llo", "la": "lla", "i": "i", "gli": "gli", "le": "lle"]
                if let ending = articles[next] {
                    out.append(keepCase(words[i], stem + ending)); i += 2; continue
                }
                if next.hasPrefix("l'") {
                    out.append(keepCase(words[i], stem + "ll'") + next.dropFirst(2)); i += 2; continue
                }
            }
            out.append(words[i]); i += 1
        }
        return out.joined(separator: " ")
    }

    private static func contractSpanish(_ text: String) -> String {
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        return merge(words) { prep, article in
            guard article == "el" else { return nil }
            switch short(prep) {
            case "de": return keepCase(prep, "del")
            case "a": return keepCase(prep, "al")
            default: return nil
            }
        }.joined(separator: " ")
    }

    /// Joins `word` with a following vowel-initial word as `w'next` when `word` is a target.
    private static func elide(_ words: [String], targets: Set<String>, noElision: Set<String>) -> [String] {
        var out: [String] = []
        var i = 0
        while i < words.count {
            if i + 1 < words.count, targets.contains(short(words[i])),
                startsWithVowelSound(Substring(words[i + 1]), noElision: noElision)
            {
                out.append(String(words[i].dropLast()) + "'" + words[i + 1]); i += 2
            } else {
                out.append(words[i]); i += 1
            }
        }
        return out
    }

    /// Replaces adjacent word pairs by one word where `rule` says so.
    private static func merge(_ words: [String], _ rule: (String, String) -> String?) -> [String] {
        var out: [String] = []
        var i = 0
        while i < words.count {
            if i + 1 < words.count, let merged = rule(words[i], words[i + 1]) {
                out.append(merged); i += 2
            } else {
                out.append(words[i]); i += 1
            }
        }
        return out
    }

    /// A short word lower-cased (the only words contractions look at), "" for longer ones, so
    /// that scanning a sentence does not lower-case every word.
    private static func short(_ word: String) -> String { word.utf8.count <= 3 ? word.lowercased() : "" }

    /// `replacement` with the capitalisation of `original`'s first letter ("De" + "du" → "Du").
    private static func keepCase(_ original: String, _ replacement: String) -> String {
        original.first?.isUppercase == true ? capitalized(replacement) : replacement
    }

    // MARK: - Words

    /// The words of a text, lower-cased, split at anything that is not a letter (apostrophes and
    /// hyphens split too, so "dell'Austria" gives "dell" and "austria").
    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
    }
}
