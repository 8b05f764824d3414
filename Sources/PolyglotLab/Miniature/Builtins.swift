// The `builtin:` names of the miniature world: data generated on demand by the project's own code
// (deterministic for the world seed), so the study runs with no downloads.

import Foundation

public enum Builtins {
    /// The world every builtin name refers to (seed 0).
    public static let world = MiniatureWorld(seed: 0)

    public static let datasetNames = ["lima-mini", "bactrian-mini"]
    public static let modelNames = ["dense", "moe"]
    public static let allNames = ["corpus", "lima-mini", "bactrian-mini", "bench", "dense", "moe"]

    /// `builtin:lima-mini` → `lima-mini`; nil when the text is not a builtin reference.
    public static func name(_ reference: String) -> String? {
        reference.hasPrefix("builtin:") ? String(reference.dropFirst("builtin:".count)) : nil
    }

    static let cache = Cache()

    /// The curated (Lima-X-like) and synthetic (Bactrian-X-like) instruction sets.
    public static func dataset(_ name: String) -> Dataset? {
        cache.value(name) { () -> Dataset? in
            switch name {
            case "lima-mini":
                return Dataset(
                    name: "lima-mini", parallel: world.limaMini().map { ($0.id, $0.conversations) },
                    source: "builtin:lima-mini (curated, exactly parallel; world seed \(world.seed))")
            case "bactrian-mini":
                return Dataset(
                    name: "bactrian-mini", parallel: world.bactrianMini().map { ($0.id, $0.conversations) },
                    source: "builtin:bactrian-mini (synthetic, quasi-parallel, noisy; world seed \(world.seed))")
            default:
                return nil
            }
        }
    }

    /// What `show builtin:NAME` prints: provenance and size tables.
    public static func describe(_ name: String) -> [Table]? {
        switch name {
        case "corpus":
            return [MiniatureWorld.corpusSummary(world.corpus()), world.heldOutSummary()]
        case "lima-mini":
            let items = world.limaMini()
            return [
                MiniatureWorld.summary(of: items, title: "builtin:lima-mini — curated, exactly parallel"),
                MiniatureWorld.composition(of: items, title: "builtin:lima-mini by task")
            ]
        case "bactrian-mini":
            let items = world.bactrianMini()
            return [
                MiniatureWorld.summary(
                    of: items, title: "builtin:bactrian-mini — synthetic, quasi-parallel, with noise"),
                MiniatureWorld.composition(of: items, title: "builtin:bactrian-mini by task")
            ]
        case "bench":
            return [MiniatureWorld.benchSummary(world.bench())]
        default:
            return nil
        }
    }

    /// Generated values are kept for the process: the world is deterministic, so they never go stale.
    final class Cache: @unchecked Sendable {
        private var values: [String: Any] = [:]
        private let lock = NSLock()

        func value<T>(_ key: String, _ make: () -> T?) -> T? {
            lock.lock()
            defer { lock.unlock() }
            if let v = values[key] as? T { return v }
            let v = make()
            if let v { values[key] = v }
            return v
        }
    }
}

extension Builtins {
    /// Judge prompts for an LLM judge of builtin:bench, in FastChat's four forms (English for every language,
    /// like a multilingual judge that reads the answer's language itself).
    static let benchJudgePrompts: [String: JudgePrompt] = {
        let system =
            "You are a strict grader of a small multilingual assistant. The answer must be correct and written in the language of the question."
        let rate = "Rate the answer from 1 to 10 and reply in exactly this format: \"Rating: [[5]]\"."
        let ref = "\n\n[The Start of Reference Answer]\n{ref_answer_1}\n[The End of Reference Answer]"
        let one =
            "[Question]\n{question}\n\n[The Start of Assistant's Answer]\n{answer}\n[The End of Assistant's Answer]"
        let two =
            "[Question 1]\n{question_1}\n[Answer 1]\n{answer_1}\n\n[Question 2]\n{question_2}\n[Answer 2]\n{answer_2}\n\nGrade answer 2 only."
        let ref2 = "\n\n[Reference Answer 2]\n{ref_answer_2}"
        let forms: [(String, String)] = [
            ("single-v1", one + "\n\n" + rate), ("single-math-v1", one + ref + "\n\n" + rate),
            ("single-v1-multi-turn", two + "\n" + rate), ("single-math-v1-multi-turn", two + ref2 + "\n" + rate)
        ]
        return Dictionary(
            uniqueKeysWithValues: forms.map { name, template in
                (
                    name,
                    JudgePrompt(
                        name: name, type: "single", systemPrompt: system, template: template, outputFormat: "[[rating]]"
                    )
                )
            })
    }()

    /// `builtin:bench`: the MT-Bench-shaped benchmark of the miniature world (8 categories × 10 × 5 languages).
    public static func benchmark() -> Benchmark {
        cache.value("bench") { () -> Benchmark? in
            Benchmark(
                name: "builtin:bench",
                questions: world.bench().map {
                    BenchQuestion(
                        id: $0.id, category: $0.category, lang: $0.lang, turns: $0.turns, reference: $0.references,
                        referenceAnswer: $0.references, keyWords: $0.factWords, truth: $0.truth,
                        phrasings: $0.phrasings)
                }, judgePrompts: Dictionary(uniqueKeysWithValues: Lang.allCases.map { ($0, benchJudgePrompts) }))
        }!
    }
}
