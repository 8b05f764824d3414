// Held-out phrasings (issue 19): question, follow-up and frame templates that only the benchmark uses. No tuning set
// and no corpus unit is rendered from them, so a quarter of the benchmark's turns ask in a form the models never
// saw, and scores by `phrasing` show whether a model follows instructions or only fills the templates it learnt.

/// Whether a benchmark turn is phrased with a template of the instruction sets (`seen`) or a held-out one (`unseen`).
public enum Phrasing: String, CaseIterable, Codable, Sendable {
    case seen, unseen
}

/// A task's held-out question and elliptic follow-up in one language (placeholders as in `TaskPhrases`).
struct UnseenPhrases: Sendable {
    let question: String
    let followUp: String
}

enum WorldUnseenForms {
    /// The held-out question and follow-up of `task` in `lang`; nil for the tasks the benchmark does not ask
    /// in held-out form (reverse capitals; counting, which the benchmark asks as a list).
    static func of(_ task: WorldTask, _ lang: Lang) -> UnseenPhrases? { table[task]?[lang.index] }

    /// The follow-up of a held-out list request ("Now the same from {A} to {B}.").
    static func listFollowUp(_ lang: Lang) -> String { listFollowUps[lang.index] }

    private static let table: [WorldTask: [UnseenPhrases]] = [
        .capital: capital, .add: add, .successor: sequence(.successor), .day: sequence(.day),
        .month: sequence(.month), .colour: colour, .animal: animal, .opposite: opposite
    ]

    private static let capital = [
        UnseenPhrases(question: "What is the capital {ofA} called?", followUp: "What about {A}?"),
        UnseenPhrases(question: "Wie heißt die Hauptstadt {ofA}?", followUp: "Und im Fall {ofA}?"),
        UnseenPhrases(question: "Comment s'appelle la capitale {ofA} ?", followUp: "Et pour {A} ?"),
        UnseenPhrases(question: "Come si chiama la capitale {ofA}?", followUp: "E per {A}?"),
        UnseenPhrases(question: "¿Cómo se llama la capital {ofA}?", followUp: "¿Y en el caso de {A}?")
    ]

    private static let add = [
        UnseenPhrases(question: "Can you work out {A} plus {B}?", followUp: "What about {A} plus {B}?"),
        UnseenPhrases(question: "Kannst du {A} plus {B} ausrechnen?", followUp: "Und was ergibt {A} plus {B}?"),
        UnseenPhrases(question: "Peux-tu calculer {A} plus {B} ?", followUp: "Et {A} plus {B}, ça fait combien ?"),
        UnseenPhrases(question: "Sai calcolare {A} più {B}?", followUp: "E {A} più {B}, quanto fa?"),
        UnseenPhrases(question: "¿Puedes calcular {A} más {B}?", followUp: "¿Y cuánto dan {A} más {B}?")
    ]

    /// Successors, next day and next month: one pattern, the noun (and its German article) changes.
    private static func sequence(_ task: WorldTask) -> [UnseenPhrases] {
        let i = task == .successor ? 0 : task == .day ? 1 : 2
        let en = ["number", "day", "month"][i], deNom = ["die Zahl", "der Tag", "der Monat"][i]
        let fr = ["nombre", "jour", "mois"][i], it = ["numero", "giorno", "mese"][i], es = ["número", "día", "mes"][i]
        return [
            UnseenPhrases(question: "What \(en) is next after {A}?", followUp: "And the one after {A}?"),
            UnseenPhrases(question: "Was ist \(deNom) direkt nach {A}?", followUp: "Und was folgt auf {A}?"),
            UnseenPhrases(question: "Après {A}, quel \(fr) vient ensuite ?", followUp: "Et celui qui suit {A} ?"),
            UnseenPhrases(question: "Qual è il \(it) successivo a {A}?", followUp: "E quello dopo {A}?"),
            UnseenPhrases(question: "¿Cuál es el \(es) siguiente a {A}?", followUp: "¿Y el que sigue a {A}?")
        ]
    }

    private static let colour = [
        UnseenPhrases(question: "What colour would you say {A} is?", followUp: "What about {A}?"),
        UnseenPhrases(question: "Was für eine Farbe hat {A}?", followUp: "Und wie sieht {A} aus?"),
        UnseenPhrases(question: "{A} est de quelle couleur ?", followUp: "Et pour {A} ?"),
        UnseenPhrases(question: "Che colore ha {A}?", followUp: "E per {A}?"),
        UnseenPhrases(question: "¿Qué color tiene {A}?", followUp: "¿Y en el caso de {A}?")
    ]

    private static let animal = [
        UnseenPhrases(question: "What sound would you hear from {A}?", followUp: "What about {A}?"),
        UnseenPhrases(question: "Was für ein Geräusch macht {A}?", followUp: "Und wie macht {A}?"),
        UnseenPhrases(question: "Quel bruit fait {A} ?", followUp: "Et pour {A} ?"),
        UnseenPhrases(question: "Come fa {A}?", followUp: "E {A} come fa?"),
        UnseenPhrases(question: "¿Cómo hace {A}?", followUp: "¿Y cómo hace {A}?")
    ]

    private static let opposite = [
        UnseenPhrases(question: "What is the antonym of {A}?", followUp: "What about {A}?"),
        UnseenPhrases(question: "Wie lautet das Gegenteil von {A}?", followUp: "Und das Gegenteil zu {A}?"),
        UnseenPhrases(question: "Quel est l'antonyme de {A} ?", followUp: "Et l'antonyme de {A} ?"),
        UnseenPhrases(question: "Qual è l'opposto di {A}?", followUp: "E l'opposto di {A}?"),
        UnseenPhrases(question: "¿Cuál es el antónimo de {A}?", followUp: "¿Y el antónimo de {A}?")
    ]

    /// "Write a sentence about {T}" asked another way.
    static let writeFrame = [
        "Say something about {T} in one sentence.", "Sag in einem Satz etwas über {T}.",
        "Dis quelque chose sur {T} en une phrase.", "Di' qualcosa su {T} in una frase.",
        "Di algo sobre {T} en una frase."
    ]

    /// "List the numbers from {A} to {B}, separated by commas" asked another way.
    static let listRequest = [
        "Write the numbers from {A} up to {B} as a list separated by commas.",
        "Schreibe die Zahlen von {A} bis {B} als Liste mit Kommas.",
        "Écris les nombres de {A} à {B} sous forme de liste séparée par des virgules.",
        "Scrivi i numeri da {A} a {B} come elenco separato da virgole.",
        "Escribe los números de {A} a {B} como una lista separada por comas."
    ]

    private static let listFollowUps = [
        "Now the same from {A} to {B}.", "Jetzt dasselbe von {A} bis {B}.",
        "Maintenant la même chose de {A} à {B}.", "Ora lo stesso da {A} a {B}.", "Ahora lo mismo de {A} a {B}."
    ]

    /// Every held-out template in `lang` (for the lexicon of the language check).
    static func templates(_ lang: Lang) -> [String] {
        let i = lang.index
        return table.values.flatMap { [$0[i].question, $0[i].followUp] }
            + [writeFrame[i], listRequest[i], listFollowUps[i]]
    }
}
