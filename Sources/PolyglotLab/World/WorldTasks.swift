// The world's facts: ten task types over the closed vocabulary (332 facts plus the 40 reverse
// capital facts), and the slots each fact fills in a template of a given language.

/// A kind of fact the world states and asks about.
public enum WorldTask: String, CaseIterable, Codable, Sendable {
    case capital, capitalReverse = "capital_rev", add, successor = "succ", count, day, month, colour, animal, opposite
}

/// One fact: a task and an index into that task's fact list (`WorldFacts.count(of:)`).
public struct WorldFact: Hashable, Comparable, Sendable {
    public let task: WorldTask
    public let index: Int
    public static func < (a: WorldFact, b: WorldFact) -> Bool {
        a.task == b.task
            ? a.index < b.index
            : WorldTask.allCases.firstIndex(of: a.task)! < WorldTask.allCases.firstIndex(of: b.task)!
    }
}

enum WorldFacts {
    typealias V = WorldVocabulary

    /// Counting runs (from, to) with 3–5 numbers and `to` ≤ 20: 54 runs.
    static let countRuns: [(Int, Int)] = (2...4).flatMap { span in (0...(20 - span)).map { ($0, $0 + span) } }

    static func count(of task: WorldTask) -> Int {
        switch task {
        case .capital, .capitalReverse: V.countries.count
        case .add: 121
        case .successor: 20
        case .count: countRuns.count
        case .day: V.days.count
        case .month: V.months.count
        case .colour: V.things.count
        case .animal: V.animals.count
        case .opposite: V.opposites.count * 2
        }
    }

    static func all(_ task: WorldTask) -> [WorldFact] { (0..<count(of: task)).map { WorldFact(task: task, index: $0) } }

    /// The two addends of an `add` fact (a, b ∈ 0…10).
    static func addends(_ index: Int) -> (Int, Int) { (index / 11, index % 11) }

    /// The directed opposite pair (word, its opposite) of an `opposite` fact.
    static func oppositePair(_ index: Int) -> (Phrase, Phrase) {
        let pair = V.opposites[index / 2]
        return index % 2 == 0 ? (pair.0, pair.1) : (pair.1, pair.0)
    }

    /// A number as a referent: Spanish uses the article ("el siete" → "del siete").
    static func numberPhrase(_ n: Int, _ lang: Lang) -> String {
        lang == .es ? "el " + V.numbers[n][lang] : V.numbers[n][lang]
    }

    /// The slots of `fact` in `lang`, and the fact word an answer must contain.
    static func slots(_ fact: WorldFact, _ lang: Lang) -> (slots: Slots, factWord: String) {
        var s = Slots()
        switch fact.task {
        case .capital, .capitalReverse:
            let c = V.countries[fact.index]
            s.a = c.country[lang]; s.b = c.capital[lang]
            return (s, fact.task == .capital ? s.b : WorldGrammar.withoutArticle(s.a))
        case .add:
            let (x, y) = addends(fact.index)
            s.a = V.numbers[x][lang]; s.b = V.numbers[y][lang]; s.c = V.numbers[x + y][lang]
            return (s, s.c)
        case .successor:
            s.a = numberPhrase(fact.index, lang); s.b = numberPhrase(fact.index + 1, lang)
            return (s, V.numbers[fact.index + 1][lang])
        case .count:
            let (from, to) = countRuns[fact.index]
            s.a = numberPhrase(from, lang); s.b = numberPhrase(to, lang)
            s.list = (from...to).map { V.numbers[$0][lang] }.joined(separator: ", ")
            return (s, V.numbers[to][lang])
        case .day:
            let next = (fact.index + 1) % V.days.count
            s.a = lang == .es ? "el " + V.days[fact.index][lang] : V.days[fact.index][lang]
            s.b = lang == .es ? "el " + V.days[next][lang] : V.days[next][lang]
            return (s, V.days[next][lang])
        case .month:
            let next = (fact.index + 1) % V.months.count
            s.a = V.months[fact.index][lang]; s.b = V.months[next][lang]
            return (s, s.b)
        case .colour:
            let t = V.things[fact.index]
            s.a = t.thing[lang]
            s.b = WorldGrammar.agree(V.colours[t.colour][lang], with: s.a, lang)
            return (s, s.b)
        case .animal:
            let an = V.animals[fact.index]
            s.a = an.animal[lang]; s.b = an.sound[lang]
            return (s, s.b)
        case .opposite:
            let (w, o) = oppositePair(fact.index)
            s.a = w[lang]; s.b = o[lang]
            return (s, s.b)
        }
    }

    /// The entity a fact is about, as a short answer ("Austria.", "The snow.", "Der Hund.").
    static func entityAnswer(_ fact: WorldFact, _ lang: Lang) -> String {
        WorldGrammar.render("{A}.", slots(fact, lang).slots, lang)
    }
}
