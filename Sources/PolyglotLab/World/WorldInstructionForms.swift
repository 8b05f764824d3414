import Foundation

// The shapes an instruction (or benchmark question) can take, shared by lima-mini, bactrian-mini
// and the benchmark so that tuning teaches exactly the formats the benchmark asks for, on other facts;
// a quarter of the benchmark's turns ask them in phrasings the tuning sets never use (`WorldUnseenForms`).

/// The shape of an instruction item.
public enum InstructionKind: String, CaseIterable, Codable, Sendable {
    /// A direct question, optionally with an elliptic follow-up about a second fact.
    case question
    /// "Write a sentence about …" (answered with a declarative sentence).
    case writing
    /// A persona line followed by a question.
    case roleplay
    /// Read a sentence, name the fact word in it, then name the entity it belongs to.
    case extraction
    /// "List the numbers from … to …, separated by commas."
    case list
}

/// What the answer to a turn must look like, as a hint for judges and checks.
public enum RequiredForm: String, Codable, Sendable {
    /// The answer states the result as a number word (not digits).
    case numberWord = "number_word"
    /// Only the fact itself (a name, colour or sound), no sentence.
    case factOnly = "fact_only"
    /// A comma-separated list.
    case list
    /// One complete declarative sentence.
    case sentence
}

/// A language-independent recipe for one item; rendering it in a language gives the conversation.
struct InstructionPlan: Hashable, Sendable {
    var kind: InstructionKind
    var fact: WorldFact
    /// The fact of the elliptic follow-up turn, if any (same task as `fact`).
    var second: WorldFact?
    /// Index into the task's `questions`.
    var question: Int
    /// Index into the task's `statements` used to phrase answers (0 = canonical).
    var answer: Int
    /// `unseen`: ask with the held-out templates (`WorldUnseenForms`), as only the benchmark does.
    var phrasing: Phrasing = .seen

    var facts: [WorldFact] { [fact] + (second.map { [$0] } ?? []) }
}

/// A rendered item: user turns, the answers (references), the fact word each answer must contain,
/// the form each turn asks for and whether the turn was phrased with a held-out template.
struct RenderedTurns: Sendable {
    var user: [String] = []
    var assistant: [String] = []
    var factWords: [String] = []
    var forms: [RequiredForm?] = []
    var phrasings: [Phrasing] = []

    var conversation: Conversation {
        Conversation(
            zip(user, assistant).flatMap { [Message(role: .user, content: $0), Message(role: .assistant, content: $1)] }
        )
    }
}

enum WorldInstructionForms {
    static func kinds(for task: WorldTask) -> [InstructionKind] {
        switch task {
        case .capital, .animal: [.question, .writing, .roleplay, .extraction]
        case .add, .opposite, .colour: [.question, .writing, .roleplay]
        case .count: [.question, .list]
        case .capitalReverse, .successor, .day, .month: [.question]
        }
    }

    /// Renders `plan` in `lang`.
    static func render(_ plan: InstructionPlan, _ lang: Lang) -> RenderedTurns {
        let task = plan.fact.task
        let phrases = WorldPhrases.of(task, lang)
        let (slots, factWord) = WorldFacts.slots(plan.fact, lang)
        let numberForm: RequiredForm? = task == .add ? .numberWord : nil
        var out = RenderedTurns()
        func say(_ template: String, _ s: Slots = slots) -> String { WorldGrammar.render(template, s, lang) }
        // Held-out templates where the plan asks for them and the kind has them (extraction has none).
        let unseenPhrases = plan.phrasing == .unseen ? WorldUnseenForms.of(task, lang) : nil
        let unseenFrames = plan.phrasing == .unseen && (plan.kind == .writing || plan.kind == .list)
        let unseen = unseenFrames || (unseenPhrases != nil && (plan.kind == .question || plan.kind == .roleplay))
        let question = unseenPhrases?.question ?? phrases.questions[plan.question]
        switch plan.kind {
        case .question:
            out.user.append(say(question))
            out.forms.append(numberForm)
        case .writing:
            let frame = (unseen ? WorldUnseenForms.writeFrame : writeFrame)[lang.index]
            out.user.append(say(frame.replacingOccurrences(of: "{T}", with: phrases.topic ?? "")))
            out.forms.append(.sentence)
        case .roleplay:
            out.user.append(persona(for: task, lang) + " " + say(question))
            out.forms.append(numberForm)
        case .extraction:
            let sentence = say(phrases.statements[plan.answer % phrases.statements.count])
            let ask = extraction[task]![lang.index]
            out.user.append(
                say(readFrame[lang.index]).replacingOccurrences(of: "{S}", with: sentence) + " " + ask.value)
            out.assistant.append(WorldGrammar.capitalized(factWord) + ".")
            out.factWords.append(factWord)
            out.forms.append(.factOnly)
            out.user.append(say(ask.entity))
            out.assistant.append(WorldFacts.entityAnswer(plan.fact, lang))
            out.factWords.append(WorldGrammar.withoutArticle(slots.a))
            out.forms.append(.factOnly)
            out.phrasings = [.seen, .seen]
            return out
        case .list:
            out.user.append(say((unseen ? WorldUnseenForms.listRequest : listRequest)[lang.index]))
            out.forms.append(.list)
        }
        out.assistant.append(answer(plan.fact, plan.answer, lang))
        out.factWords.append(factWord)
        out.phrasings.append(unseen ? .unseen : .seen)
        if let second = plan.second {
            let unseenFollowUp = task == .count ? WorldUnseenForms.listFollowUp(lang) : unseenPhrases?.followUp
            let followUp = unseen ? unseenFollowUp : nil
            out.user.append(say(followUp ?? phrases.followUp, WorldFacts.slots(second, lang).slots))
            out.assistant.append(answer(second, plan.answer, lang))
            out.factWords.append(WorldFacts.slots(second, lang).factWord)
            out.forms.append(out.forms[0])
            out.phrasings.append(followUp == nil ? .seen : .unseen)
        }
        return out
    }

    /// The answer to a question about `fact`, phrased with statement `variant` (counting: the list).
    static func answer(_ fact: WorldFact, _ variant: Int, _ lang: Lang) -> String {
        let phrases = WorldPhrases.of(fact.task, lang)
        let template = phrases.answer ?? phrases.statements[variant % phrases.statements.count]
        return WorldGrammar.render(template, WorldFacts.slots(fact, lang).slots, lang)
    }

    static func persona(for task: WorldTask, _ lang: Lang) -> String {
        let which = task == .capital || task == .capitalReverse ? 1 : task == .animal ? 2 : 0
        return personas[lang.index][which]
    }

    // MARK: - Frames (EN, DE, FR, IT, ES)

    static let writeFrame = [
        "Write a sentence about {T}.", "Schreibe einen Satz über {T}.", "Écris une phrase sur {T}.",
        "Scrivi una frase su {T}.", "Escribe una frase sobre {T}."
    ]

    /// Teacher, tour guide, farmer.
    static let personas = [
        ["You are a friendly teacher.", "You are a tour guide.", "You are a farmer."],
        ["Du bist eine freundliche Lehrerin.", "Du bist ein Reiseführer.", "Du bist ein Bauer."],
        ["Tu es une enseignante sympathique.", "Tu es un guide touristique.", "Tu es un fermier."],
        ["Sei un'insegnante gentile.", "Sei una guida turistica.", "Sei un contadino."],
        ["Eres una profesora amable.", "Eres un guía turístico.", "Eres un granjero."]
    ]

    static let readFrame = [
        "Read this sentence: {S}", "Lies diesen Satz: {S}", "Lis cette phrase : {S}",
        "Leggi questa frase: {S}", "Lee esta frase: {S}"
    ]

    static let listRequest = [
        "List the numbers from {A} to {B}, separated by commas.",
        "Nenne die Zahlen von {A} bis {B}, durch Kommas getrennt.",
        "Donne les nombres de {A} à {B}, séparés par des virgules.",
        "Elenca i numeri da {A} a {B}, separati da virgole.",
        "Enumera los números de {A} a {B}, separados por comas."
    ]

    /// Extraction questions: the fact word in the sentence, then the entity it belongs to. Only for
    /// tasks whose fact word identifies the fact (a capital, a sound): "Which thing is yellow?" would
    /// be the same string for a trained and a held-out fact.
    static let extraction: [WorldTask: [(value: String, entity: String)]] = [
        .capital: [
            (
                "Which city does it name? Answer with the name only.",
                "Which country in that sentence has {B} as its capital?"
            ),
            (
                "Welche Stadt wird darin genannt? Antworte nur mit dem Namen.",
                "Welches Land in diesem Satz hat {B} als Hauptstadt?"
            ),
            (
                "Quelle ville y est nommée ? Réponds seulement avec le nom.",
                "Quel pays de cette phrase a pour capitale {B} ?"
            ),
            (
                "Quale città vi è nominata? Rispondi solo con il nome.",
                "Quale paese di questa frase ha come capitale {B}?"
            ),
            (
                "¿Qué ciudad se nombra en ella? Responde solo con el nombre.",
                "¿Qué país de esa frase tiene como capital {B}?"
            )
        ],
        .animal: [
            ("Which sound does it name? Answer with one word.", "Which animal in that sentence says {B}?"),
            ("Welches Geräusch wird darin genannt? Antworte mit einem Wort.", "Welches Tier in diesem Satz macht {B}?"),
            ("Quel cri y est nommé ? Réponds en un seul mot.", "Quel animal dans cette phrase fait {B} ?"),
            ("Quale verso vi è nominato? Rispondi con una sola parola.", "Quale animale in questa frase fa {B}?"),
            ("¿Qué sonido se nombra en ella? Responde con una sola palabra.", "¿Qué animal de esa frase hace {B}?")
        ]
    ]

    /// Every literal template string of the instruction shapes in `lang` (for the lexicon).
    static func templates(_ lang: Lang) -> [String] {
        let i = lang.index
        return [writeFrame[i], readFrame[i], listRequest[i]] + personas[i]
            + extraction.values.flatMap { [$0[i].value, $0[i].entity] } + WorldUnseenForms.templates(lang)
    }
}
