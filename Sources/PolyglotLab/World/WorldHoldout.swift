// The split between the benchmark and the instruction sets. Facts are held out by what they state, not by how they
// are asked: "three plus four" and "four plus three" state one sum, a capital asked either way one capital, and
// "after four comes five" is also stated by the counting run "three, four, five" and by "four plus one". So the
// split picks held-out claims, and every fact that states one of them is held out; a tuning conversation then never
// states all of what a benchmark question asks (issue 19, "no near-duplicates across the split").

import PolyglotEngine

/// One thing a fact states, up to trivial rewording: two facts with the same claims are the same fact.
public enum FactClaim: Hashable, Sendable {
    /// Country i has capital i (asked as capital → country or country → capital).
    case capital(Int)
    /// The sum of two addends, smaller first (addition commutes).
    case sum(Int, Int)
    /// Number n is followed by n + 1: a successor, a step of a counting run, "n plus one".
    case step(Int)
    /// Day or month i is followed by the next one.
    case day(Int), month(Int)
    /// The colour of thing i.
    case colour(Int)
    /// The sound of animal i (asked for the sound, or for the animal that makes it).
    case sound(Int)
    /// Opposite pair p, in either direction.
    case opposite(Int)
}

extension WorldFact {
    /// What this fact states (a counting run: each of its steps).
    public var claims: Set<FactClaim> {
        switch task {
        case .capital, .capitalReverse: return [.capital(index)]
        case .add:
            let (a, b) = WorldFacts.addends(index)
            let sum = FactClaim.sum(min(a, b), max(a, b))
            // "n plus one" says what follows n.
            return a == 1 ? [sum, .step(b)] : b == 1 ? [sum, .step(a)] : [sum]
        case .successor: return [.step(index)]
        case .count:
            let (from, to) = WorldFacts.countRuns[index]
            return Set((from..<to).map(FactClaim.step))
        case .day: return [.day(index)]
        case .month: return [.month(index)]
        case .colour: return [.colour(index)]
        case .animal: return [.sound(index)]
        case .opposite: return [.opposite(index / 2)]
        }
    }
}

extension MiniatureWorld {
    /// Held-out claims per kind: enough for about 120 distinct facts behind the benchmark's 160 turns, with the rest
    /// left for the instruction sets (see `heldOutSummary`).
    static let heldOutCapitals = 26, heldOutSums = 28, heldOutDays = 4, heldOutMonths = 8
    static let heldOutColours = 12, heldOutSounds = 8, heldOutOpposites = 12
    /// Every `stepSpacing`-th step (from a seeded offset) is held out: the trained counting runs lie between them.
    static let stepSpacing = 5

    /// The facts stating a held-out claim, for `seed`.
    static func holdOut(seed: UInt64) -> Set<WorldFact> {
        var rng = SeededRNG(seed: seed, stream: "world.heldout")
        var claims = Set<FactClaim>()
        func pick(_ n: Int, of count: Int, _ claim: (Int) -> FactClaim) {
            for i in Array(0..<count).shuffled(using: &rng).prefix(n) { claims.insert(claim(i)) }
        }
        typealias V = WorldVocabulary
        let addendPairs = (0...10).flatMap { a in (a...10).map { b in FactClaim.sum(a, b) } }
        pick(heldOutCapitals, of: V.countries.count) { .capital($0) }
        pick(heldOutSums, of: addendPairs.count) { addendPairs[$0] }
        let offset = Int.random(in: 0..<stepSpacing, using: &rng)
        for step in stride(from: offset, to: WorldFacts.count(of: .successor), by: stepSpacing) {
            claims.insert(.step(step))
        }
        pick(heldOutDays, of: V.days.count) { .day($0) }
        pick(heldOutMonths, of: V.months.count) { .month($0) }
        pick(heldOutColours, of: V.things.count) { .colour($0) }
        pick(heldOutSounds, of: V.animals.count) { .sound($0) }
        pick(heldOutOpposites, of: V.opposites.count) { .opposite($0) }
        return Set(WorldTask.allCases.flatMap(WorldFacts.all).filter { !$0.claims.isDisjoint(with: claims) })
    }

    /// The held-out facts of `task` the benchmark asks about: one per distinct set of claims, in a seeded order.
    func benchFacts(_ task: WorldTask) -> [WorldFact] {
        var seen = Set<Set<FactClaim>>()
        var rng = SeededRNG(seed: seed, stream: "world.bench." + task.rawValue)
        return heldOut(task).filter { seen.insert($0.claims).inserted }.shuffled(using: &rng)
    }

    /// How many distinct facts (distinct sets of claims) stand behind `questions`' turns.
    public static func distinctFacts(_ questions: [MiniBenchQuestion]) -> Int {
        Set(questions.flatMap { $0.facts.map(\.claims) }).count
    }
}
