// The five languages of the study. Everything language-keyed in the lab uses this type.

public enum Lang: String, CaseIterable, Codable, Sendable, Comparable {
    case en, de, fr, it, es

    /// Upper-case code as used in file names and question ids (`81_DE`, `mt_bench_DE`).
    public var code: String { rawValue.uppercased() }

    /// The language's own name (what a workshop participant reads in a table).
    public var endonym: String {
        switch self {
        case .en: "English"
        case .de: "Deutsch"
        case .fr: "Français"
        case .it: "Italiano"
        case .es: "Español"
        }
    }

    /// Accepts `de`, `DE`, `german`, `deutsch`.
    public static func parse(_ text: String) -> Lang? {
        let t = text.lowercased()
        if let l = Lang(rawValue: t) { return l }
        switch t {
        case "english": return .en
        case "german", "deutsch": return .de
        case "french", "français", "francais": return .fr
        case "italian", "italiano": return .it
        case "spanish", "español", "espanol": return .es
        default: return nil
        }
    }

    /// Study order (EN DE FR IT ES), used for sorting tables.
    public static func < (a: Lang, b: Lang) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The chat system prompt in this language (the meaning of MT-Bench-X's `opengptx` template:
    /// a chat between a human and an assistant that answers helpfully and politely).
    public var systemPrompt: String {
        switch self {
        case .en:
            "A chat between a human and an artificial intelligence assistant. The assistant gives helpful and polite answers to the human's questions."
        case .de:
            "Ein Gespräch zwischen einem Menschen und einem Assistenten mit künstlicher Intelligenz. Der Assistent gibt hilfreiche und höfliche Antworten auf die Fragen des Menschen."
        case .fr:
            "Une conversation entre un humain et un assistant d'intelligence artificielle. L'assistant donne des réponses utiles et polies aux questions de l'humain."
        case .it:
            "Una conversazione tra un essere umano e un assistente di intelligenza artificiale. L'assistente dà risposte utili e cortesi alle domande dell'essere umano."
        case .es:
            "Una conversación entre un humano y un asistente de inteligencia artificial. El asistente da respuestas útiles y amables a las preguntas del humano."
        }
    }
}
