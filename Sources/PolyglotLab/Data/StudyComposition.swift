// The study's named training compositions (method.md: EN … ES, ENDEFRITES, DEFRITES and their
// "-sampled" variants), so code and the DSL stdlib refer to them by the paper's names.

/// A named composition of the study.
public enum StudyComposition: Hashable, Sendable, CustomStringConvertible {
    /// One language (the monolingual baselines EN, DE, FR, IT, ES).
    case mono(Lang)
    /// All five languages, every item in each: items × 5.
    case endefrites
    /// The four non-English languages in parallel: items × 4.
    case defrites
    /// Every item once, in one of the five languages drawn at random: items × 1.
    case endefritesSampled
    /// Every item once, in one of DE FR IT ES drawn at random: items × 1.
    case defritesSampled

    /// The nine compositions in the paper's table order.
    public static let all: [StudyComposition] =
        Lang.allCases.map { .mono($0) } + [.endefrites, .defrites, .endefritesSampled, .defritesSampled]

    public var languages: [Lang] {
        switch self {
        case .mono(let lang): [lang]
        case .endefrites, .endefritesSampled: Lang.allCases
        case .defrites, .defritesSampled: [.de, .fr, .it, .es]
        }
    }

    public var isSampled: Bool { self == .endefritesSampled || self == .defritesSampled }

    /// The paper's name: `EN`, `ENDEFRITES`, `DEFRITES-sampled`.
    public var description: String {
        Dataset.label(languages) + (isSampled ? "-sampled" : "")
    }

    /// Accepts the paper's names and Lima-X config names (`EN_DE_FR_IT_ES_sampled`), any case.
    public static func parse(_ text: String) -> StudyComposition? {
        func key(_ s: String) -> String { s.uppercased().filter { $0 != "_" && $0 != "-" } }
        return all.first { key($0.description) == key(text) }
    }

    /// Applies the composition; `seed` drives the language draw of the sampled variants.
    public func compose(_ data: Dataset, seed: UInt64, balanced: Bool = false) throws(CompositionError) -> Dataset {
        var result =
            isSampled ? try data.sampled(languages, seed: seed, balanced: balanced) : try data.parallel(languages)
        result.name = "\(data.name)/\(self)"
        return result
    }
}

extension Lang {
    /// A language list as the study writes it: `ENDEFRITES`, `DE_FR_IT_ES`, `en,de`, `fr it`;
    /// nil if any part is not a language or a language repeats.
    public static func parseList(_ text: String) -> [Lang]? {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == "_" || $0 == " " || $0 == "+" }).map(String.init)
        var langs: [Lang] = []
        for part in parts {
            if let lang = Lang.parse(part) { langs.append(lang); continue }
            // Concatenated two-letter codes (ENDEFRITES).
            let chars = Array(part)
            guard chars.count % 2 == 0, chars.count > 0 else { return nil }
            for k in stride(from: 0, to: chars.count, by: 2) {
                guard let lang = Lang(rawValue: String(chars[k...k + 1]).lowercased()) else { return nil }
                langs.append(lang)
            }
        }
        guard !langs.isEmpty, Set(langs).count == langs.count else { return nil }
        return langs
    }
}
