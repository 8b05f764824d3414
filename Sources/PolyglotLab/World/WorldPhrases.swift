// The sentence templates of every task in the five languages. Placeholders are filled by
// `WorldGrammar.render` ({A} entity, {B} value, {C} sum, {L} list, {ofA} of-phrase of the entity).
//
// Which templates go where (miniature.md §4.1: benchmark phrasings must stay out of pre-training,
// while plain-text Q+A in pre-training teaches the model to restate the question's entity):
// - `statements`: declarative sentences for the corpus; [0] is the canonical answer and ends with
//   the fact word, so it doubles as the knowledge probe.
// - `questions`: used by the instruction sets and the benchmark only.
// - `corpusQuestions`: used by the corpus's plain-text Q+A only.
// - `followUp`: an elliptic second turn about another fact of the same task ("And of Greece?").
// - `topic`: what "write a sentence about …" refers to, for the tasks that have one.

struct TaskPhrases: Sendable {
    let statements: [String]
    let questions: [String]
    let corpusQuestions: [String]
    let followUp: String
    let topic: String?
    /// The canonical answer when it is not statement 0 (counting answers with the bare list).
    let answer: String?

    init(
        _ statements: [String], questions: [String], corpus: [String], followUp: String, topic: String? = nil,
        answer: String? = nil
    ) {
        self.statements = statements
        self.questions = questions
        self.corpusQuestions = corpus
        self.followUp = followUp
        self.topic = topic
        self.answer = answer
    }

    var all: [String] { statements + questions + corpusQuestions + [followUp] + [topic, answer].compactMap { $0 } }
}

enum WorldPhrases {
    /// The templates of `task` in `lang`.
    static func of(_ task: WorldTask, _ lang: Lang) -> TaskPhrases { table[task]![lang.index] }

    private static let table: [WorldTask: [TaskPhrases]] = [
        .capital: capital, .capitalReverse: capitalReverse, .add: add, .count: count,
        .successor: sequence(.successor), .day: sequence(.day), .month: sequence(.month),
        .colour: colour, .animal: animal, .opposite: opposite
    ]

    private static let capital: [TaskPhrases] = [
        TaskPhrases(
            [
                "The capital {ofA} is {B}.", "{B} is the capital {ofA}.",
                "Everyone knows that the capital {ofA} is {B}.",
                "The capital city {ofA} is called {B}."
            ],
            questions: ["What is the capital {ofA}?", "Which city is the capital {ofA}?"],
            corpus: ["Name the capital {ofA}.", "Tell me the capital {ofA}."],
            followUp: "And the capital {ofA}?", topic: "the capital {ofA}"),
        TaskPhrases(
            [
                "Die Hauptstadt {ofA} ist {B}.", "{B} ist die Hauptstadt {ofA}.",
                "Jeder weiß, dass die Hauptstadt {ofA} {B} ist.",
                "Die Hauptstadt {ofA} heißt {B}."
            ],
            questions: ["Was ist die Hauptstadt {ofA}?", "Welche Stadt ist die Hauptstadt {ofA}?"],
            corpus: ["Nenne die Hauptstadt {ofA}.", "Sag mir die Hauptstadt {ofA}."],
            followUp: "Und die Hauptstadt {ofA}?", topic: "die Hauptstadt {ofA}"),
        TaskPhrases(
            [
                "La capitale {ofA} est {B}.", "{B} est la capitale {ofA}.",
                "Tout le monde sait que la capitale {ofA} est {B}.",
                "La capitale {ofA} s'appelle {B}."
            ],
            questions: ["Quelle est la capitale {ofA} ?", "Quelle ville est la capitale {ofA} ?"],
            corpus: ["Nomme la capitale {ofA}.", "Dis-moi la capitale {ofA}."],
            followUp: "Et la capitale {ofA} ?", topic: "la capitale {ofA}"),
        TaskPhrases(
            [
                "La capitale {ofA} è {B}.", "{B} è la capitale {ofA}.", "Tutti sanno che la capitale {ofA} è {B}.",
                "La capitale {ofA} si chiama {B}."
            ],
            questions: ["Qual è la capitale {ofA}?", "Quale città è la capitale {ofA}?"],
            corpus: ["Nomina la capitale {ofA}.", "Dimmi la capitale {ofA}."],
            followUp: "E la capitale {ofA}?", topic: "la capitale {ofA}"),
        TaskPhrases(
            [
                "La capital {ofA} es {B}.", "{B} es la capital {ofA}.",
                "Todo el mundo sabe que la capital {ofA} es {B}.",
                "La capital {ofA} se llama {B}."
            ],
            questions: ["¿Cuál es la capital {ofA}?", "¿Qué ciudad es la capital {ofA}?"],
            corpus: ["Nombra la capital {ofA}.", "Dime la capital {ofA}."],
            followUp: "¿Y la capital {ofA}?", topic: "la capital {ofA}")
    ]

    private static let capitalReverse: [TaskPhrases] = [
        TaskPhrases(
            ["{B} is the capital {ofA}.", "{B} is indeed the capital {ofA}."],
            questions: ["{B} is the capital of which country?", "Of which country is {B} the capital?"],
            corpus: ["Which country has {B} as its capital?"], followUp: "And {B}?"),
        TaskPhrases(
            ["{B} ist die Hauptstadt {ofA}.", "{B} ist tatsächlich die Hauptstadt {ofA}."],
            questions: ["{B} ist die Hauptstadt welches Landes?", "Von welchem Land ist {B} die Hauptstadt?"],
            corpus: ["Welches Land hat {B} als Hauptstadt?"], followUp: "Und {B}?"),
        TaskPhrases(
            ["{B} est la capitale {ofA}.", "{B} est bien la capitale {ofA}."],
            questions: ["{B} est la capitale de quel pays ?", "Quel pays a {B} comme capitale ?"],
            corpus: ["Quel pays a pour capitale {B} ?"], followUp: "Et {B} ?"),
        TaskPhrases(
            ["{B} è la capitale {ofA}.", "{B} è proprio la capitale {ofA}."],
            questions: ["{B} è la capitale di quale paese?", "Di quale paese è capitale {B}?"],
            corpus: ["Quale paese ha come capitale {B}?"], followUp: "E {B}?"),
        TaskPhrases(
            ["{B} es la capital {ofA}.", "{B} es precisamente la capital {ofA}."],
            questions: ["¿{B} es la capital de qué país?", "¿De qué país es capital {B}?"],
            corpus: ["¿Qué país tiene como capital {B}?"], followUp: "¿Y {B}?")
    ]

    private static let add: [TaskPhrases] = [
        TaskPhrases(
            [
                "{A} plus {B} is {C}.", "{A} plus {B} equals {C}.", "If you add {B} to {A}, you get {C}.",
                "The sum of {A} and {B} is {C}."
            ],
            questions: ["What is {A} plus {B}?", "How much is {A} plus {B}?"],
            corpus: ["Add {A} and {B}.", "Calculate {A} plus {B}."],
            followUp: "And {A} plus {B}?", topic: "the sum of {A} and {B}"),
        TaskPhrases(
            [
                "{A} plus {B} ist {C}.", "{A} plus {B} ergibt {C}.", "Wenn man {B} zu {A} addiert, erhält man {C}.",
                "Die Summe von {A} und {B} ist {C}."
            ],
            questions: ["Was ist {A} plus {B}?", "Wie viel ist {A} plus {B}?"],
            corpus: ["Addiere {A} und {B}.", "Rechne {A} plus {B}."],
            followUp: "Und {A} plus {B}?", topic: "die Summe von {A} und {B}"),
        TaskPhrases(
            [
                "{A} plus {B} font {C}.", "{A} plus {B} égale {C}.", "Si on ajoute {B} à {A}, on obtient {C}.",
                "La somme de {A} et de {B} est {C}."
            ],
            questions: ["Combien font {A} plus {B} ?", "Que donne {A} plus {B} ?"],
            corpus: ["Additionne {A} et {B}.", "Calcule {A} plus {B}."],
            followUp: "Et {A} plus {B} ?", topic: "la somme de {A} et de {B}"),
        TaskPhrases(
            [
                "{A} più {B} fa {C}.", "{A} più {B} è uguale a {C}.", "Se si aggiunge {B} a {A}, si ottiene {C}.",
                "La somma di {A} e {B} è {C}."
            ],
            questions: ["Quanto fa {A} più {B}?", "Quanto è {A} più {B}?"],
            corpus: ["Somma {A} e {B}.", "Calcola {A} più {B}."],
            followUp: "E {A} più {B}?", topic: "la somma di {A} e {B}"),
        TaskPhrases(
            [
                "{A} más {B} son {C}.", "{A} más {B} es igual a {C}.", "Si se suma {B} a {A}, se obtiene {C}.",
                "La suma de {A} y {B} es {C}."
            ],
            questions: ["¿Cuánto es {A} más {B}?", "¿Cuántos son {A} más {B}?"],
            corpus: ["Suma {A} y {B}.", "Calcula {A} más {B}."],
            followUp: "¿Y {A} más {B}?", topic: "la suma de {A} y {B}")
    ]

    private static let count: [TaskPhrases] = [
        TaskPhrases(
            [
                "Counting from {A} to {B}: {L}.", "We count from {A} to {B}: {L}.",
                "From {A} to {B} the numbers are {L}."
            ],
            questions: ["Count from {A} to {B}.", "Please count from {A} to {B}."],
            corpus: ["Can you count from {A} to {B}?"], followUp: "And from {A} to {B}?", answer: "{L}."),
        TaskPhrases(
            [
                "Von {A} bis {B} gezählt: {L}.", "Wir zählen von {A} bis {B}: {L}.",
                "Von {A} bis {B} lauten die Zahlen {L}."
            ],
            questions: ["Zähle von {A} bis {B}.", "Bitte zähle von {A} bis {B}."],
            corpus: ["Kannst du von {A} bis {B} zählen?"], followUp: "Und von {A} bis {B}?", answer: "{L}."),
        TaskPhrases(
            [
                "En comptant de {A} à {B} : {L}.", "Nous comptons de {A} à {B} : {L}.",
                "De {A} à {B}, les nombres sont {L}."
            ],
            questions: ["Compte de {A} à {B}.", "Compte de {A} à {B}, s'il te plaît."],
            corpus: ["Peux-tu compter de {A} à {B} ?"], followUp: "Et de {A} à {B} ?", answer: "{L}."),
        TaskPhrases(
            ["Contando da {A} a {B}: {L}.", "Contiamo da {A} a {B}: {L}.", "Da {A} a {B} i numeri sono {L}."],
            questions: ["Conta da {A} a {B}.", "Per favore, conta da {A} a {B}."],
            corpus: ["Puoi contare da {A} a {B}?"], followUp: "E da {A} a {B}?", answer: "{L}."),
        TaskPhrases(
            ["Contando de {A} a {B}: {L}.", "Contamos de {A} a {B}: {L}.", "De {A} a {B}, los números son {L}."],
            questions: ["Cuenta de {A} a {B}.", "Por favor, cuenta de {A} a {B}."],
            corpus: ["¿Puedes contar de {A} a {B}?"], followUp: "¿Y de {A} a {B}?", answer: "{L}.")
    ]

    /// Successors, next day and next month share one pattern; only the noun (and its German gender) changes.
    private static func sequence(_ task: WorldTask) -> [TaskPhrases] {
        let i = task == .successor ? 0 : task == .day ? 1 : 2
        let en = ["number", "day", "month"][i], fr = ["nombre", "jour", "mois"][i]
        let it = ["numero", "giorno", "mese"][i], es = ["número", "día", "mes"][i]
        let deNom = ["die Zahl", "der Tag", "der Monat"][i], deAcc = ["die Zahl", "den Tag", "den Monat"][i]
        let deWhich = ["Welche Zahl", "Welcher Tag", "Welcher Monat"][i], deRel = ["die", "der", "der"][i]
        return [
            TaskPhrases(
                [
                    "After {A} comes {B}.", "{B} comes after {A}.", "The \(en) after {A} is {B}.",
                    "{A} is followed by {B}."
                ],
                questions: ["Which \(en) comes after {A}?", "What \(en) follows {A}?"],
                corpus: ["Name the \(en) after {A}.", "Tell me the \(en) that follows {A}."], followUp: "And after {A}?"
            ),
            TaskPhrases(
                [
                    "Nach {A} kommt {B}.", "{B} kommt nach {A}.",
                    "\(WorldGrammar.capitalized(deNom)) nach {A} ist {B}.", "Auf {A} folgt {B}."
                ],
                questions: ["\(deWhich) kommt nach {A}?", "\(deWhich) folgt auf {A}?"],
                corpus: ["Nenne \(deAcc) nach {A}.", "Sag mir \(deAcc), \(deRel) auf {A} folgt."],
                followUp: "Und nach {A}?"),
            TaskPhrases(
                [
                    "Après {A} vient {B}.", "{B} vient après {A}.", "Le \(fr) après {A} est {B}.",
                    "{A} est suivi de {B}."
                ],
                questions: ["Quel \(fr) vient après {A} ?", "Quel \(fr) suit {A} ?"],
                corpus: ["Nomme le \(fr) qui vient après {A}.", "Dis-moi le \(fr) qui suit {A}."],
                followUp: "Et après {A} ?"),
            TaskPhrases(
                ["Dopo {A} viene {B}.", "{B} viene dopo {A}.", "Il \(it) dopo {A} è {B}.", "{A} precede {B}."],
                questions: ["Quale \(it) viene dopo {A}?", "Quale \(it) segue {A}?"],
                corpus: ["Nomina il \(it) che viene dopo {A}.", "Dimmi il \(it) che segue {A}."],
                followUp: "E dopo {A}?"),
            TaskPhrases(
                [
                    "Después de {A} viene {B}.", "{B} viene después de {A}.", "El \(es) después de {A} es {B}.",
                    "A {A} le sigue {B}."
                ],
                questions: ["¿Qué \(es) viene después de {A}?", "¿Qué \(es) sigue a {A}?"],
                corpus: ["Nombra el \(es) que viene después de {A}.", "Dime el \(es) que sigue a {A}."],
                followUp: "¿Y después de {A}?")
        ]
    }

    private static let colour: [TaskPhrases] = [
        TaskPhrases(
            ["{A} is {B}.", "{A} is usually {B}.", "Everyone knows that {A} is {B}.", "{A} always looks {B}."],
            questions: ["What colour is {A}?", "Which colour does {A} have?"],
            corpus: ["Name the colour {ofA}.", "Tell me the colour {ofA}."], followUp: "And {A}?",
            topic: "the colour {ofA}"),
        TaskPhrases(
            ["{A} ist {B}.", "{A} ist meistens {B}.", "Jeder weiß, dass {A} {B} ist.", "{A} sieht immer {B} aus."],
            questions: ["Welche Farbe hat {A}?", "Was ist die Farbe {ofA}?"],
            corpus: ["Nenne die Farbe {ofA}.", "Sag mir die Farbe {ofA}."], followUp: "Und {A}?",
            topic: "die Farbe {ofA}"),
        TaskPhrases(
            ["{A} est {B}.", "{A} est souvent {B}.", "Tout le monde sait que {A} est {B}.", "{A} semble toujours {B}."],
            questions: ["De quelle couleur est {A} ?", "Quelle est la couleur {ofA} ?"],
            corpus: ["Nomme la couleur {ofA}.", "Dis-moi la couleur {ofA}."], followUp: "Et {A} ?",
            topic: "la couleur {ofA}"),
        TaskPhrases(
            ["{A} è {B}.", "{A} è di solito {B}.", "Tutti sanno che {A} è {B}.", "{A} sembra sempre {B}."],
            questions: ["Di che colore è {A}?", "Qual è il colore {ofA}?"],
            corpus: ["Nomina il colore {ofA}.", "Dimmi il colore {ofA}."], followUp: "E {A}?", topic: "il colore {ofA}"),
        TaskPhrases(
            ["{A} es {B}.", "{A} suele ser {B}.", "Todo el mundo sabe que {A} es {B}.", "{A} siempre parece {B}."],
            questions: ["¿De qué color es {A}?", "¿Cuál es el color {ofA}?"],
            corpus: ["Nombra el color {ofA}.", "Dime el color {ofA}."], followUp: "¿Y {A}?", topic: "el color {ofA}")
    ]

    private static let animal: [TaskPhrases] = [
        TaskPhrases(
            ["{A} says {B}.", "{A} goes {B}.", "Everyone knows that {A} says {B}.", "The sound {ofA} is {B}."],
            questions: ["What does {A} say?", "What sound does {A} make?"],
            corpus: ["Name the sound {ofA}.", "Tell me the sound {ofA}."], followUp: "And {A}?",
            topic: "the sound {ofA}"),
        TaskPhrases(
            ["{A} macht {B}.", "{A} sagt {B}.", "Jeder weiß, dass {A} {B} macht.", "Das Geräusch {ofA} ist {B}."],
            questions: ["Was sagt {A}?", "Welches Geräusch macht {A}?"],
            corpus: ["Nenne das Geräusch {ofA}.", "Sag mir das Geräusch {ofA}."], followUp: "Und {A}?",
            topic: "das Geräusch {ofA}"),
        TaskPhrases(
            ["{A} fait {B}.", "{A} dit {B}.", "Tout le monde sait que {A} fait {B}.", "Le cri {ofA} est {B}."],
            questions: ["Que dit {A} ?", "Quel cri fait {A} ?"],
            corpus: ["Nomme le cri {ofA}.", "Dis-moi le cri {ofA}."], followUp: "Et {A} ?", topic: "le cri {ofA}"),
        TaskPhrases(
            ["{A} fa {B}.", "{A} dice {B}.", "Tutti sanno che {A} fa {B}.", "Il verso {ofA} è {B}."],
            questions: ["Cosa dice {A}?", "Che verso fa {A}?"],
            corpus: ["Nomina il verso {ofA}.", "Dimmi il verso {ofA}."], followUp: "E {A}?", topic: "il verso {ofA}"),
        TaskPhrases(
            ["{A} hace {B}.", "{A} dice {B}.", "Todo el mundo sabe que {A} hace {B}.", "El sonido {ofA} es {B}."],
            questions: ["¿Qué dice {A}?", "¿Qué sonido hace {A}?"],
            corpus: ["Nombra el sonido {ofA}.", "Dime el sonido {ofA}."], followUp: "¿Y {A}?", topic: "el sonido {ofA}")
    ]

    private static let opposite: [TaskPhrases] = [
        TaskPhrases(
            [
                "The opposite of {A} is {B}.", "{B} is the opposite of {A}.",
                "Everyone knows that the opposite of {A} is {B}.",
                "{A} and {B} are opposites."
            ],
            questions: ["What is the opposite of {A}?", "Which word means the opposite of {A}?"],
            corpus: ["Name the opposite of {A}.", "Tell me the opposite of {A}."],
            followUp: "And the opposite of {A}?", topic: "the opposite of {A}"),
        TaskPhrases(
            [
                "Das Gegenteil von {A} ist {B}.", "{B} ist das Gegenteil von {A}.",
                "Jeder weiß, dass das Gegenteil von {A} {B} ist.",
                "{A} und {B} sind Gegensätze."
            ],
            questions: ["Was ist das Gegenteil von {A}?", "Welches Wort bedeutet das Gegenteil von {A}?"],
            corpus: ["Nenne das Gegenteil von {A}.", "Sag mir das Gegenteil von {A}."],
            followUp: "Und das Gegenteil von {A}?", topic: "das Gegenteil von {A}"),
        TaskPhrases(
            [
                "Le contraire de {A} est {B}.", "{B} est le contraire de {A}.",
                "Tout le monde sait que le contraire de {A} est {B}.",
                "{A} et {B} sont des contraires."
            ],
            questions: ["Quel est le contraire de {A} ?", "Quel mot est le contraire de {A} ?"],
            corpus: ["Nomme le contraire de {A}.", "Dis-moi le contraire de {A}."],
            followUp: "Et le contraire de {A} ?", topic: "le contraire de {A}"),
        TaskPhrases(
            [
                "Il contrario di {A} è {B}.", "{B} è il contrario di {A}.",
                "Tutti sanno che il contrario di {A} è {B}.",
                "{A} e {B} sono contrari."
            ],
            questions: ["Qual è il contrario di {A}?", "Quale parola è il contrario di {A}?"],
            corpus: ["Nomina il contrario di {A}.", "Dimmi il contrario di {A}."],
            followUp: "E il contrario di {A}?", topic: "il contrario di {A}"),
        TaskPhrases(
            [
                "Lo contrario de {A} es {B}.", "{B} es lo contrario de {A}.",
                "Todo el mundo sabe que lo contrario de {A} es {B}.",
                "{A} y {B} son contrarios."
            ],
            questions: ["¿Qué es lo contrario de {A}?", "¿Qué palabra es lo contrario de {A}?"],
            corpus: ["Nombra lo contrario de {A}.", "Dime lo contrario de {A}."],
            followUp: "¿Y lo contrario de {A}?", topic: "lo contrario de {A}")
    ]
}
