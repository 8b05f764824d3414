// What a benchmark turn's answer must state, as checkable truth: the kind of fact (a capital, a number…),
// which one, and every fact of that kind in the five languages, so a judge can tell the right fact, a wrong
// fact of the same kind, and the right fact in another language apart.

/// A kind of fact an answer states; every fact of a kind is a candidate a wrong answer could name.
public enum FactKind: String, CaseIterable, Codable, Sendable {
    case capital, country, number, numberRun = "number_run", day, month, colour, sound, animal, opposite

    typealias V = WorldVocabulary

    /// How many facts of this kind exist (numbers 0–20; counting runs as in `WorldFacts.countRuns`).
    public var count: Int {
        switch self {
        case .capital, .country: V.countries.count
        case .number: V.numbers.count
        case .numberRun: WorldFacts.countRuns.count
        case .day: V.days.count
        case .month: V.months.count
        case .colour: V.colours.count
        case .sound, .animal: V.animals.count
        case .opposite: V.opposites.count * 2
        }
    }

    /// The ways fact `index` is written in `lang` (colours in both genders; entities without their article).
    /// A counting run has no single word: its facts are the numbers of `runNumbers(index)`.
    public func forms(_ index: Int, _ lang: Lang) -> [String] {
        switch self {
        case .capital: [V.countries[index].capital[lang]]
        case .country: [WorldGrammar.withoutArticle(V.countries[index].country[lang])]
        case .number: [V.numbers[index][lang]]
        case .numberRun: runNumbers(index).map { V.numbers[$0][lang] }
        case .day: [V.days[index][lang]]
        case .month: [V.months[index][lang]]
        case .colour: V.colours[index][lang].split(separator: "/").map(String.init)
        case .sound: [V.animals[index].sound[lang]]
        case .animal: [WorldGrammar.withoutArticle(V.animals[index].animal[lang])]
        case .opposite:
            [WorldGrammar.withoutArticle((index % 2 == 0 ? V.opposites[index / 2].0 : V.opposites[index / 2].1)[lang])]
        }
    }

    /// The numbers of counting run `index`, in order.
    public func runNumbers(_ index: Int) -> [Int] {
        let (from, to) = WorldFacts.countRuns[index]
        return Array(from...to)
    }

    /// Numbers can also be written as digits, in any language.
    public var allowsDigits: Bool { self == .number || self == .numberRun }
}

/// The truth of one benchmark turn: the fact its answer must state and the form the turn asks for.
public struct TurnFact: Equatable, Sendable {
    public var kind: FactKind
    public var index: Int
    public var form: RequiredForm?
    /// The question itself contains the fact (extraction: "Read this sentence: … Which city does it name?"), so an
    /// answer that names it states it; otherwise the answer must name it more often than the question does.
    public var quoted: Bool

    public init(kind: FactKind, index: Int, form: RequiredForm? = nil, quoted: Bool = false) {
        self.kind = kind
        self.index = index
        self.form = form
        self.quoted = quoted
    }

    /// The value a question about `fact` asks for.
    static func value(of fact: WorldFact) -> (kind: FactKind, index: Int) {
        switch fact.task {
        case .capital: (.capital, fact.index)
        case .capitalReverse: (.country, fact.index)
        case .add: (.number, WorldFacts.addends(fact.index).0 + WorldFacts.addends(fact.index).1)
        case .successor: (.number, fact.index + 1)
        case .count: (.numberRun, fact.index)
        case .day: (.day, (fact.index + 1) % WorldVocabulary.days.count)
        case .month: (.month, (fact.index + 1) % WorldVocabulary.months.count)
        case .colour: (.colour, WorldVocabulary.things[fact.index].colour)
        case .animal: (.sound, fact.index)
        // Fact 2p asks for the opposite of word 2p (pair p's first word): word 2p + 1, and the other way round.
        case .opposite: (.opposite, fact.index ^ 1)
        }
    }

    /// The entity an extraction's second turn asks for ("Which country in that sentence has Vienna as its capital?").
    static func entity(of fact: WorldFact) -> (kind: FactKind, index: Int) {
        fact.task == .animal ? (.animal, fact.index) : (.country, fact.index)
    }
}

extension TurnFact {
    /// One entry of `truth` in question.jsonl.
    var jsonObject: [String: Any] {
        var object: [String: Any] = ["kind": kind.rawValue, "index": index, "quoted": quoted]
        if let form { object["form"] = form.rawValue }
        return object
    }

    /// Reads an entry of `truth` back; nil unless the kind is known and the index within it.
    init?(json: Any) {
        guard let o = json as? [String: Any], let kind = (o["kind"] as? String).flatMap(FactKind.init(rawValue:)),
            let index = o["index"] as? Int, (0..<kind.count).contains(index)
        else { return nil }
        var form: RequiredForm?
        if let name = o["form"] {
            guard let f = (name as? String).flatMap(RequiredForm.init(rawValue:)) else { return nil }
            form = f
        }
        self.init(kind: kind, index: index, form: form, quoted: o["quoted"] as? Bool ?? false)
    }
}
