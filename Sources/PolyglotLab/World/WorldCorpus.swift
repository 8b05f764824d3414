// The pre-training corpus: monolingual documents of 4–10 units, languages balanced, each unit a
// declarative statement of a random fact (80 %) or a plain-text question plus answer (20 %) that
// uses only the corpus's own question templates, never the ones the benchmark asks with.

import PolyglotEngine

extension MiniatureWorld {
    /// Share of corpus units that are plain-text question + answer.
    static let corpusQAShare = 0.2

    /// The pre-training corpus with `sentences` units (default ≈ 300k units, ≈ 13 MB). With `englishShare`, each
    /// document is English with that probability and else the next of the other four languages in turn, so that
    /// English dominates (as in the study's real base models) while the other four stay balanced.
    public func corpus(sentences: Int = 300_000, englishShare: Double? = nil) -> [CorpusDocument] {
        let units = CorpusUnits()
        var rng = SeededRNG(seed: seed, stream: "world.corpus")
        var documents: [CorpusDocument] = []
        var remaining = max(0, sentences)
        var langOrder: [Lang] = []
        while remaining > 0 {
            // Languages rotate in shuffled blocks of five, so every language gets the same number of documents.
            let lang: Lang
            if let share = englishShare {
                if langOrder.isEmpty { langOrder = Lang.allCases.filter { $0 != .en }.shuffled(using: &rng) }
                lang = rng.nextDouble() < share ? .en : langOrder.removeLast()
            } else {
                if langOrder.isEmpty { langOrder = Lang.allCases.shuffled(using: &rng) }
                lang = langOrder.removeLast()
            }
            let n = min(remaining, Int.random(in: 4...10, using: &rng))
            var text = ""
            text.reserveCapacity(n * 48)
            for k in 0..<n {
                let f = Int.random(in: 0..<units.factCount, using: &rng)
                let qa = rng.nextDouble() < Self.corpusQAShare
                let pool = qa ? units.questionAnswers[lang.index][f] : units.statements[lang.index][f]
                if k > 0 { text += " " }
                text += pool[Int.random(in: 0..<pool.count, using: &rng)]
            }
            documents.append(CorpusDocument(lang: lang, text: text, sentences: n))
            remaining -= n
        }
        return documents
    }
}

/// Every corpus unit pre-rendered once per fact and language (a few thousand strings), so that
/// sampling hundreds of thousands of units is only array look-ups and appends.
struct CorpusUnits {
    let facts: [WorldFact]
    /// [lang][fact] → all declarative renderings.
    let statements: [[[String]]]
    /// [lang][fact] → "question answer" renderings with the corpus-only question templates.
    let questionAnswers: [[[String]]]
    var factCount: Int { facts.count }

    init() {
        facts = WorldTask.allCases.flatMap { WorldFacts.all($0) }
        var st: [[[String]]] = [], qa: [[[String]]] = []
        for lang in Lang.allCases {
            st.append(
                facts.map { fact in
                    let slots = WorldFacts.slots(fact, lang).slots
                    return WorldPhrases.of(fact.task, lang).statements.map { WorldGrammar.render($0, slots, lang) }
                })
            qa.append(
                facts.map { fact in
                    let slots = WorldFacts.slots(fact, lang).slots
                    let answer = WorldInstructionForms.answer(fact, 0, lang)
                    return WorldPhrases.of(fact.task, lang).corpusQuestions.map {
                        WorldGrammar.render($0, slots, lang) + " " + answer
                    }
                })
        }
        statements = st
        questionAnswers = qa
    }
}
