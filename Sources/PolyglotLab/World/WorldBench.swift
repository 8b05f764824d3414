// The MT-Bench-shaped benchmark of the miniature world: 8 categories × 10 questions × 2 turns × 5
// languages, every question about held-out facts (stated in the corpus, absent from both instruction
// sets), so it measures instruction following rather than memorisation. Turn 2 is always a
// follow-up that needs turn 1 (an elliptic question, or a question about the sentence of turn 1).
//
// Category → skill of the world:
//   writing     write one sentence about a capital, colour, animal sound or opposite
//   roleplay    answer as a persona (tour guide: capitals, farmer: animals, teacher: sums, opposites)
//   reasoning   successor of a number, next day, next month
//   math        addition in number words
//   coding      produce the numbers of a range as a comma-separated list (strict format)
//   extraction  pick the capital/sound out of a given sentence, then its country/animal
//   stem        colours of things and sounds of animals
//   humanities  capitals and months

extension MiniatureWorld {
    /// The benchmark's categories with their first MT-Bench question number.
    public static let benchCategories: [(name: String, first: Int)] = [
        ("writing", 81), ("roleplay", 91), ("reasoning", 101), ("math", 111),
        ("coding", 121), ("extraction", 131), ("stem", 141), ("humanities", 151)
    ]

    /// All 400 benchmark questions (80 per language), ordered by number then language.
    public func bench() -> [MiniBenchQuestion] {
        benchPlans().enumerated().flatMap { i, entry in
            Lang.allCases.map { lang in
                let turns = WorldInstructionForms.render(entry.plan, lang)
                return MiniBenchQuestion(
                    number: Self.benchCategories[i / 10].first + i % 10, category: entry.category,
                    lang: lang, turns: turns.user, references: turns.assistant,
                    factWords: turns.factWords, requiredForms: turns.forms,
                    facts: entry.plan.kind == .extraction
                        ? [entry.plan.fact, entry.plan.fact]
                        : entry.plan.facts,
                    truth: Self.truth(of: entry.plan, forms: turns.forms))
            }
        }
    }

    /// What each turn's answer must state: the asked-for value of each fact, or for an extraction the fact word
    /// quoted in the question and then the entity it belongs to.
    static func truth(of plan: InstructionPlan, forms: [RequiredForm?]) -> [TurnFact] {
        let answers =
            plan.kind == .extraction
            ? [TurnFact.value(of: plan.fact), TurnFact.entity(of: plan.fact)]
            : plan.facts.map(TurnFact.value(of:))
        return zip(answers, forms).enumerated().map { turn, pair in
            TurnFact(
                kind: pair.0.kind, index: pair.0.index, form: pair.1,
                quoted: plan.kind == .extraction && turn == 0)
        }
    }

    /// The 80 language-independent question recipes, 10 per category in category order.
    func benchPlans() -> [(category: String, plan: InstructionPlan)] {
        // Turn 2 asks about the next held-out fact of the same task (cyclically).
        func plans(_ kind: InstructionKind, _ task: WorldTask, _ range: Range<Int>) -> [InstructionPlan] {
            let facts = heldOut(task)
            return range.map { i in
                let fact = facts[i % facts.count]
                let second = kind == .extraction ? nil : facts[(i + 1) % facts.count]
                return InstructionPlan(kind: kind, fact: fact, second: second, question: i % 2, answer: 0)
            }
        }
        let layout: [(String, [InstructionPlan])] = [
            (
                "writing",
                plans(.writing, .capital, 0..<3) + plans(.writing, .colour, 0..<3) + plans(.writing, .animal, 0..<2)
                    + plans(.writing, .opposite, 0..<2)
            ),
            (
                "roleplay",
                plans(.roleplay, .capital, 3..<6) + plans(.roleplay, .animal, 0..<3) + plans(.roleplay, .add, 0..<2)
                    + plans(.roleplay, .opposite, 2..<4)
            ),
            (
                "reasoning",
                plans(.question, .successor, 0..<5) + plans(.question, .day, 0..<2) + plans(.question, .month, 0..<3)
            ),
            ("math", mathPlans()),
            ("coding", plans(.list, .count, 0..<10)),
            ("extraction", plans(.extraction, .capital, 3..<10) + plans(.extraction, .animal, 0..<3)),
            ("stem", plans(.question, .colour, 0..<7) + plans(.question, .animal, 0..<3)),
            ("humanities", plans(.question, .capital, 0..<7) + plans(.question, .month, 0..<3))
        ]
        return layout.flatMap { category, plans in plans.map { (category, $0) } }
    }

    /// Math uses 20 distinct held-out sums: turn 1 asks sum i, turn 2 sum i + 10.
    private func mathPlans() -> [InstructionPlan] {
        let sums = heldOut(.add)
        return (0..<10).map { i in
            InstructionPlan(kind: .question, fact: sums[i], second: sums[i + 10], question: i % 2, answer: 0)
        }
    }
}
