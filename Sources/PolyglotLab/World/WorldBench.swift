// The MT-Bench-shaped benchmark of the miniature world: 8 categories × 10 questions × 2 turns × 5
// languages, every question about held-out facts (stated in the corpus, absent from both instruction
// sets, up to trivial rewording: `WorldHoldout`), so it measures instruction following rather than memorisation.
// Turn 2 is always a follow-up that needs turn 1 (an elliptic question, or a question about the sentence of turn 1).
// About a quarter of the turns are phrased with held-out templates (`WorldUnseenForms`), recorded per turn.
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
                    truth: Self.truth(of: entry.plan, forms: turns.forms), phrasings: turns.phrasings)
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

    /// The 80 language-independent question recipes, 10 per category in category order: (kind, task, questions)
    /// per category.
    static let benchLayout: [(category: String, parts: [(InstructionKind, WorldTask, Int)])] = [
        (
            "writing",
            [(.writing, .capital, 3), (.writing, .colour, 2), (.writing, .animal, 1), (.writing, .opposite, 4)]
        ),
        (
            "roleplay",
            [(.roleplay, .capital, 3), (.roleplay, .add, 4), (.roleplay, .opposite, 2), (.roleplay, .animal, 1)]
        ),
        ("reasoning", [(.question, .successor, 4), (.question, .day, 2), (.question, .month, 4)]),
        ("math", [(.question, .add, 10)]),
        ("coding", [(.list, .count, 10)]),
        ("extraction", [(.extraction, .capital, 7), (.extraction, .animal, 3)]),
        ("stem", [(.question, .colour, 7), (.question, .animal, 3)]),
        ("humanities", [(.question, .capital, 7), (.question, .month, 3)])
    ]

    /// Questions 1, 4 and 7 of each category (counting from 0; not extraction) use held-out phrasings: 42 of 160 turns.
    static func asksUnseen(_ number: Int, _ kind: InstructionKind) -> Bool { kind != .extraction && number % 3 == 1 }

    /// The recipes: each turn asks the next benchmark fact of its task (cyclically), so the questions spread over as
    /// many distinct held-out facts as the task has.
    func benchPlans() -> [(category: String, plan: InstructionPlan)] {
        let queues = Dictionary(uniqueKeysWithValues: WorldTask.allCases.map { ($0, benchFacts($0)) })
        var taken: [WorldTask: Int] = [:]
        func next(_ task: WorldTask) -> WorldFact {
            defer { taken[task, default: 0] += 1 }
            return queues[task]![taken[task, default: 0] % queues[task]!.count]
        }
        return Self.benchLayout.flatMap { category, parts in
            parts.flatMap { kind, task, n in (0..<n).map { _ in (kind, task) } }.enumerated().map { i, entry in
                let (kind, task) = entry
                let fact = next(task)
                var plan = InstructionPlan(
                    kind: kind, fact: fact, second: kind == .extraction ? nil : next(task), question: i % 2, answer: 0)
                if Self.asksUnseen(i, kind) { plan.phrasing = .unseen }
                return (category, plan)
            }
        }
    }
}
