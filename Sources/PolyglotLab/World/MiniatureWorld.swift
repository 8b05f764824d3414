// The miniature world (issue 5, data part): a deterministic five-language world of facts from which
// the pre-training corpus, the two instruction sets and the MT-Bench-shaped benchmark are generated.
// Design and sizes follow the measured prototype in docs/miniature.md. One seed fixes everything:
// which facts are held out for the benchmark, and every sampling choice.

import PolyglotEngine

/// A monolingual pre-training document.
public struct CorpusDocument: Equatable, Sendable {
    public let lang: Lang
    public let text: String
    /// Number of corpus units (sentences, or question-plus-answer pairs) in the document.
    public let sentences: Int
}

/// What went wrong on purpose in one language of a synthetic item.
public enum InstructionNoise: String, CaseIterable, Codable, Sendable {
    /// The first answer states a different fact of the same task.
    case wrongAnswer = "wrong_answer"
    /// The first answer is in another language.
    case mixedLanguage = "mixed_language"
    /// The first answer is cut off after about half of its words.
    case truncated
}

/// One instruction item rendered in several languages.
public struct ParallelItem: Equatable, Sendable {
    public let id: String
    public let task: WorldTask
    public let kind: InstructionKind
    public let conversations: [Lang: Conversation]
    /// Deliberate noise per language (empty for clean items and for lima-mini).
    public let noise: [Lang: InstructionNoise]
    /// The facts the item is about (for held-out checks).
    public let facts: [WorldFact]
}

/// One benchmark question in one language (FastChat MT-Bench shape: two turns with references).
public struct MiniBenchQuestion: Equatable, Sendable {
    /// MT-Bench numbering: writing 81–90, roleplay 91–100, reasoning 101–110, math 111–120,
    /// coding 121–130, extraction 131–140, stem 141–150, humanities 151–160.
    public let number: Int
    public let category: String
    public let lang: Lang
    public let turns: [String]
    public let references: [String]
    /// The word (in `lang`) each turn's answer must contain to be correct.
    public let factWords: [String]
    /// Per turn: the form the turn asks for, if it asks for one.
    public let requiredForms: [RequiredForm?]
    /// The facts of turn 1 and turn 2.
    public let facts: [WorldFact]
    /// Per turn, the fact the answer must state and the form asked for (for the built-in judge's checks).
    public let truth: [TurnFact]
    /// Per turn, whether it is asked with a template of the instruction sets or a held-out one.
    public let phrasings: [Phrasing]

    /// FastChat id, e.g. `81_DE`.
    public var id: String { "\(number)_\(lang.code)" }
    /// The form the question asks for (first turn that asks for one).
    public var requiredForm: RequiredForm? { requiredForms.compactMap { $0 }.first }
}

/// Plain-text completion check that a base model knows a held-out fact.
public struct KnowledgeProbe: Equatable, Sendable {
    public let fact: WorldFact
    public let lang: Lang
    /// Corpus-style prefix, e.g. "Die Hauptstadt von Österreich ist".
    public let prefix: String
    /// The expected continuation, e.g. "Wien".
    public let expected: String
}

/// The generator of the miniature world's data.
public struct MiniatureWorld: Sendable {
    public let seed: UInt64
    /// Facts that appear in the corpus but never in an instruction set; the benchmark asks about them.
    public let heldOut: Set<WorldFact>

    public init(seed: UInt64 = 0) {
        self.seed = seed
        heldOut = Self.holdOut(seed: seed)
    }

    /// Held-out facts of one task in a fixed order.
    func heldOut(_ task: WorldTask) -> [WorldFact] { heldOut.filter { $0.task == task }.sorted() }

    /// Facts of one task that instruction sets may use.
    func trainable(_ task: WorldTask) -> [WorldFact] { WorldFacts.all(task).filter { !heldOut.contains($0) } }

    /// The canonical corpus sentence stating `fact` in `lang` (e.g. "La capitale de l'Autriche est Vienne.").
    public func statement(of fact: WorldFact, in lang: Lang) -> String {
        WorldGrammar.render(WorldPhrases.of(fact.task, lang).statements[0], WorldFacts.slots(fact, lang).slots, lang)
    }

    /// Plain-text knowledge probes: every held-out fact (not the reverse capitals) in every language.
    public func knowledgeProbes() -> [KnowledgeProbe] {
        heldOut.filter { $0.task != .capitalReverse }.sorted().flatMap { fact in
            Lang.allCases.map { lang in
                let canonical = statement(of: fact, in: lang)
                let word = WorldFacts.slots(fact, lang).factWord
                // statement 0 ends with "<fact word>." by construction
                let prefix = String(canonical.dropLast(word.count + 1)).trimmingTrailingSpaces()
                return KnowledgeProbe(fact: fact, lang: lang, prefix: prefix, expected: word)
            }
        }
    }
}
