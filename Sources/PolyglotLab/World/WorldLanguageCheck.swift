// Language check for the miniature world: each language's lexicon is the closed vocabulary of the
// world (entities, values, number words) plus every word of its templates and the contracted forms
// the grammar produces. A text is in language L when most of its words belong to L's lexicon; a
// word shared by k languages counts 1/k (as in the prototype's checker, miniature.md §1).

public enum WorldLanguageCheck {
    /// Every word the world can write in `lang` (lower-case).
    public static func lexicon(for lang: Lang) -> Set<String> { lexicons[lang.index] }

    /// Fraction of the words of `text` that belong to `lang`'s lexicon (1 for an empty text).
    public static func share(of text: String, in lang: Lang) -> Double {
        let words = WorldGrammar.words(text)
        guard !words.isEmpty else { return 1 }
        return Double(words.filter { lexicons[lang.index].contains($0) }.count) / Double(words.count)
    }

    /// The most likely language of `text`, or nil when no word is known or languages tie.
    public static func identify(_ text: String) -> Lang? {
        var scores = [Double](repeating: 0, count: Lang.allCases.count)
        for word in WorldGrammar.words(text) {
            let owners = Lang.allCases.filter { lexicons[$0.index].contains(word) }
            for l in owners { scores[l.index] += 1 / Double(owners.count) }
        }
        guard let best = scores.max(), best > 0, scores.filter({ $0 == best }).count == 1 else { return nil }
        return Lang.allCases[scores.firstIndex(of: best)!]
    }

    /// The template words of each language (function words and fixed phrasing), without entity vocabulary.
    private static let functionWordSets: [Set<String>] = Lang.allCases.map { lang in
        var templates = WorldTask.allCases.flatMap { WorldPhrases.of($0, lang).all }
        templates += WorldInstructionForms.templates(lang)
        var words = Set(templates.flatMap { WorldGrammar.words(stripPlaceholders($0)) })
        words.formUnion(contractedForms(lang))
        return words
    }

    private static let lexicons: [Set<String>] = Lang.allCases.map { lang in
        var words = functionWordSets[lang.index]
        let v = WorldVocabulary.self
        let phrases =
            v.countries.flatMap { [$0.country, $0.capital] } + v.numbers + v.days + v.months + v.colours
            + v.things.map(\.thing) + v.animals.flatMap { [$0.animal, $0.sound] } + v.opposites.flatMap { [$0.0, $0.1] }
        for p in phrases { words.formUnion(WorldGrammar.words(p[lang])) }
        return words
    }

    private static func stripPlaceholders(_ template: String) -> String {
        var out = "", inside = false
        for ch in template {
            if ch == "{" {
                inside = true
            } else if ch == "}" {
                inside = false; out.append(" ")
            } else if !inside {
                out.append(ch)
            }
        }
        return out
    }

    /// Words that only exist after contraction or elision ("du", "dell", "vom", "del").
    private static func contractedForms(_ lang: Lang) -> [String] {
        switch lang {
        case .en: []
        case .de: ["vom", "der"]
        case .fr: ["du", "des", "au", "aux", "d", "qu", "l"]
        case .it:
            ["de", "a", "da", "su", "ne"].flatMap { stem in
                ["l", "llo", "lla", "ll", "i", "gli", "lle"].map { stem + $0 }
            } + ["l"]
        case .es: ["del", "al"]
        }
    }
}
