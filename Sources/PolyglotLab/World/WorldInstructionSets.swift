// The two instruction sets of the study, in miniature:
// - lima-mini (curated, like Lima-X): clean, exactly parallel (same fact, same templates in every
//   language), multi-turn where a follow-up is natural.
// - bactrian-mini (synthetic, like Bactrian-X): ten times larger, quasi-parallel (each language picks
//   its own question and answer phrasing) and deliberately noisy, with the noise recorded per item.
// Both use only facts that are not held out for the benchmark.

import Foundation
import PolyglotEngine

extension MiniatureWorld {
    /// Probability that a question-like item gets an elliptic follow-up turn.
    static let followUpShare = 0.35
    /// Answer phrasings (of the four statements) per item recipe in the plan pool.
    static let answerPhrasingsPerRecipe = 2
    /// Noise shares of bactrian-mini per language of an item (the realised shares are in `summary`).
    public static let bactrianNoiseRates: [(InstructionNoise, Double)] = [
        (.wrongAnswer, 0.05), (.mixedLanguage, 0.03), (.truncated, 0.03)
    ]

    /// lima-mini: `items` exactly parallel items (at most the size of the plan pool, ≈ 1,120).
    public func limaMini(items: Int = 1_000) -> [ParallelItem] {
        var rng = SeededRNG(seed: seed, stream: "world.lima")
        let plans = Array(planPool(&rng).shuffled(using: &rng).prefix(items))
        return plans.enumerated().map { i, plan in
            var conversations: [Lang: Conversation] = [:]
            for lang in Lang.allCases { conversations[lang] = WorldInstructionForms.render(plan, lang).conversation }
            return ParallelItem(
                id: String(format: "lima-%04d", i + 1), task: plan.fact.task, kind: plan.kind,
                conversations: conversations, noise: [:], facts: plan.facts)
        }
    }

    /// bactrian-mini: `items` quasi-parallel items with recorded noise (default 10× lima-mini).
    public func bactrianMini(items: Int = 10_000) -> [ParallelItem] {
        var rng = SeededRNG(seed: seed, stream: "world.bactrian")
        let pool = planPool(&rng)
        return (0..<max(0, items)).map { i in
            let base = pool[Int.random(in: 0..<pool.count, using: &rng)]
            var conversations: [Lang: Conversation] = [:]
            var noise: [Lang: InstructionNoise] = [:]
            for lang in Lang.allCases {
                var plan = base  // quasi-parallel: each language phrases question and answer its own way
                plan.question = Int.random(in: 0..<2, using: &rng)
                plan.answer = Int.random(in: 0..<4, using: &rng)
                var turns = WorldInstructionForms.render(plan, lang)
                let r = rng.nextDouble()
                var threshold = 0.0
                for (kind, rate) in Self.bactrianNoiseRates {
                    threshold += rate
                    if r < threshold {
                        noise[lang] = kind
                        turns.assistant[0] = noisyAnswer(kind, plan, turns.assistant[0], lang, &rng)
                        break
                    }
                }
                conversations[lang] = turns.conversation
            }
            return ParallelItem(
                id: String(format: "bactrian-%05d", i + 1), task: base.fact.task, kind: base.kind,
                conversations: conversations, noise: noise, facts: base.facts)
        }
    }

    private func noisyAnswer(
        _ noise: InstructionNoise, _ plan: InstructionPlan, _ clean: String, _ lang: Lang,
        _ rng: inout SeededRNG
    ) -> String {
        switch noise {
        case .wrongAnswer:
            let others = trainable(plan.fact.task).filter {
                WorldFacts.slots($0, lang).factWord != WorldFacts.slots(plan.fact, lang).factWord
            }
            guard !others.isEmpty else { return clean }
            var wrong = plan
            wrong.fact = others[Int.random(in: 0..<others.count, using: &rng)]
            wrong.second = nil
            return WorldInstructionForms.render(wrong, lang).assistant[0]
        case .mixedLanguage:
            let other = Lang.allCases.filter { $0 != lang }[Int.random(in: 0..<4, using: &rng)]
            return WorldInstructionForms.render(plan, other).assistant[0]
        case .truncated:
            let words = clean.split(separator: " ")
            if words.count >= 2 { return words.prefix(words.count / 2).joined(separator: " ") }
            return String(clean.prefix(max(1, clean.count / 2)))  // a one-word answer loses its end
        }
    }

    /// Every item recipe over the trainable facts: each fact asked with both question templates,
    /// plus writing, roleplay and extraction items where the task has them, and lists for counting; each recipe
    /// with two of the four answer phrasings, so the pool stays above lima-mini's 1,000 items although about a
    /// third of the facts are held out.
    func planPool(_ rng: inout SeededRNG) -> [InstructionPlan] {
        var pool: [InstructionPlan] = []
        for task in WorldTask.allCases {
            let facts = trainable(task)
            // Counting always answers with the bare list: one phrasing, or its items would repeat.
            let answerPhrasings = WorldPhrases.of(task, .en).answer == nil ? Self.answerPhrasingsPerRecipe : 1
            for fact in facts {
                for kind in WorldInstructionForms.kinds(for: task) {
                    let questionVariants = kind == .question ? [0, 1] : [Int.random(in: 0..<2, using: &rng)]
                    for q in questionVariants {
                        for answer in Array(0..<4).shuffled(using: &rng).prefix(answerPhrasings) {
                            var plan = InstructionPlan(kind: kind, fact: fact, second: nil, question: q, answer: answer)
                            if kind != .extraction, facts.count > 1, rng.nextDouble() < Self.followUpShare {
                                let others = facts.filter { $0 != fact }
                                plan.second = others[Int.random(in: 0..<others.count, using: &rng)]
                            }
                            pool.append(plan)
                        }
                    }
                }
            }
        }
        return pool
    }
}
