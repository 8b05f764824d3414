// Language compositions of an aligned dataset (method.md "compositions"): parallel copies, one
// sampled language per item, same-id subsets, shuffling and train/validation splits. Each result is
// a new Dataset whose provenance records the step on top of its parent's.

import PolyglotEngine

/// A composition request that cannot be met (unknown language, n larger than the data, …).
public struct CompositionError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Dataset {
    // MARK: - Language compositions

    /// Every item in every listed language (ENDEFRITES: items × 5 examples). Items lacking one of the
    /// languages are left out and counted in the warnings.
    public func parallel(_ langs: [Lang]) throws(CompositionError) -> Dataset {
        try checkLanguages(langs)
        let (complete, dropped) = try itemsComplete(in: langs)
        let items = complete.map { item in
            DataItem(id: item.id, translations: item.translations.filter { langs.contains($0.key) })
        }
        return deriving(
            items, name: "\(name)/\(Self.label(langs))", provenance: step("parallel", langs),
            warnings: droppedWarning(dropped, langs))
    }

    /// One language only (the study's monolingual runs).
    public func monolingual(_ lang: Lang) throws(CompositionError) -> Dataset { try parallel([lang]) }

    /// Every item exactly once, in one language drawn uniformly from `langs` with `seed`.
    /// `balanced` makes the language counts differ by at most one.
    public func sampled(_ langs: [Lang], seed: UInt64, balanced: Bool = false) throws(CompositionError) -> Dataset {
        try checkLanguages(langs)
        let (complete, dropped) = try itemsComplete(in: langs)
        var rng = SeededRNG(seed: seed, stream: "data.sampled")
        let choice: [Lang]
        if balanced {
            // Equal shares; the remainder goes to randomly chosen languages, then the order is shuffled.
            var extraOrder = langs
            shuffle(&extraOrder, &rng)
            var assignment: [Lang] = []
            assignment.reserveCapacity(complete.count)
            for (i, lang) in extraOrder.enumerated() {
                let share = complete.count / langs.count + (i < complete.count % langs.count ? 1 : 0)
                assignment += repeatElement(lang, count: share)
            }
            shuffle(&assignment, &rng)
            choice = assignment
        } else {
            choice = complete.map { _ in langs[uniform(langs.count, &rng)] }
        }
        return sampledDataset(
            complete, choice: choice, dropped: dropped, langs: langs,
            step: step(balanced ? "sampled balanced" : "sampled", langs, seed: seed))
    }

    /// Every item exactly once, its language drawn with probability proportional to `weights`.
    public func sampled(weights: [Lang: Double], seed: UInt64) throws(CompositionError) -> Dataset {
        let langs = weights.keys.sorted()
        try checkLanguages(langs)
        guard weights.values.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.values.reduce(0, +) > 0 else {
            throw CompositionError(
                "language weights must be finite, non-negative and not all zero, got \(Self.describe(weights))")
        }
        let total = weights.values.reduce(0, +)
        let drawn = langs.filter { weights[$0, default: 0] > 0 }  // non-empty: the weights sum to > 0
        var cumulative: [(lang: Lang, bound: Double)] = []
        var running = 0.0
        for lang in drawn { running += weights[lang, default: 0] / total; cumulative.append((lang, running)) }
        let (complete, dropped) = try itemsComplete(in: drawn)
        var rng = SeededRNG(seed: seed, stream: "data.sampled.weighted")
        let choice: [Lang] = complete.map { _ in
            let u = rng.nextDouble()
            // rounding can leave u past the last bound
            return cumulative.first { u < $0.bound }?.lang ?? drawn[drawn.count - 1]
        }
        return sampledDataset(
            complete, choice: choice, dropped: dropped, langs: langs,
            step: step("sampled weights \(Self.describe(weights))", langs, seed: seed))
    }

    private func sampledDataset(_ items: [DataItem], choice: [Lang], dropped: Int, langs: [Lang], step: Provenance)
        -> Dataset
    {
        let chosen = zip(items, choice).compactMap { item, lang in  // items are complete in `langs`: none is dropped
            item.translations[lang].map { DataItem(id: item.id, translations: [lang: $0]) }
        }
        return deriving(
            chosen, name: "\(name)/\(Self.label(langs))-sampled", provenance: step,
            warnings: droppedWarning(dropped, langs))
    }

    // MARK: - Subsets, order and splits

    /// `n` items drawn with `seed`, each with all its translations: the same ids in every language
    /// (how "-small" variants are made). `perLang` draws n items independently for each language.
    public func sample(n: Int, seed: UInt64, perLang: Bool = false) throws(CompositionError) -> Dataset {
        guard n > 0 else { throw CompositionError("sample size must be positive, got \(n)") }
        let tag = "\(name)/sample\(n)\(perLang ? "-perlang" : "")"
        guard perLang else {
            guard n <= items.count else {
                throw CompositionError("cannot sample \(n) items from \(name), which has \(items.count)")
            }
            var rng = SeededRNG(seed: seed, stream: "data.sample")
            let picked = pick(n, of: items.count, &rng).map { items[$0] }
            return deriving(picked, name: tag, provenance: step("sample", languages, seed: seed, n: n))
        }
        var chosen: [Int: [Lang: Example]] = [:]
        for lang in languages {
            let candidates = items.indices.filter { items[$0].translations[lang] != nil }
            guard n <= candidates.count else {
                throw CompositionError(
                    "cannot sample \(n) \(lang.code) items from \(name), which has \(candidates.count)")
            }
            var rng = SeededRNG(seed: seed, stream: "data.sample.\(lang.rawValue)")
            for k in pick(n, of: candidates.count, &rng) {
                chosen[candidates[k], default: [:]][lang] = items[candidates[k]].translations[lang]
            }
        }
        let picked = chosen.sorted { $0.key < $1.key }.map { DataItem(id: items[$0.key].id, translations: $0.value) }
        return deriving(picked, name: tag, provenance: step("sample perLang", languages, seed: seed, n: n))
    }

    /// The items in a seeded random order (translations stay together).
    public func shuffled(seed: UInt64) -> Dataset {
        var rng = SeededRNG(seed: seed, stream: "data.shuffle")
        var order = items
        shuffle(&order, &rng)
        return deriving(order, name: name, provenance: step("shuffle", languages, seed: seed))
    }

    /// Splits by item id (all translations of an item land on the same side), so no item is in both.
    /// `validation` is a fraction in (0, 1); both parts keep the dataset's item order.
    public func split(validation fraction: Double, seed: UInt64) throws(CompositionError) -> (
        train: Dataset, validation: Dataset
    ) {
        guard fraction > 0 && fraction < 1 else {
            throw CompositionError("validation fraction must be between 0 and 1, got \(fraction)")
        }
        return try split(validationCount: Int((fraction * Double(items.count)).rounded()), seed: seed)
    }

    /// Splits off `validationCount` items (chosen with `seed`) as the validation set.
    public func split(validationCount: Int, seed: UInt64) throws(CompositionError) -> (
        train: Dataset, validation: Dataset
    ) {
        guard validationCount > 0 && validationCount < items.count else {
            throw CompositionError(
                "validation size must leave both parts non-empty: got \(validationCount) of \(items.count) items")
        }
        var rng = SeededRNG(seed: seed, stream: "data.split")
        let held = Set(pick(validationCount, of: items.count, &rng))
        let train = items.indices.filter { !held.contains($0) }.map { items[$0] }
        let validation = items.indices.filter { held.contains($0) }.map { items[$0] }
        let n = validationCount
        return (
            deriving(
                train, name: "\(name)/train", provenance: step("split train", languages, seed: seed, n: items.count - n)
            ),
            deriving(
                validation, name: "\(name)/validation",
                provenance: step("split validation", languages, seed: seed, n: n))
        )
    }

    /// The flat training list of (itemID, lang, conversation) examples: item order, then study order
    /// within an item; with `shuffleSeed`, a seeded permutation of that list (languages interleave).
    public func trainingExamples(shuffleSeed: UInt64? = nil) -> [Example] {
        var list = examples
        if let shuffleSeed {
            var rng = SeededRNG(seed: shuffleSeed, stream: "data.training-order")
            shuffle(&list, &rng)
        }
        return list
    }

    // MARK: - Helpers

    /// `EN DE FR IT ES` → `ENDEFRITES` (the study's names).
    static func label(_ langs: [Lang]) -> String { langs.sorted().map(\.code).joined() }

    private static func describe(_ weights: [Lang: Double]) -> String {
        weights.sorted { $0.key < $1.key }.map { "\($0.key.code):\(Table.format($0.value))" }.joined(separator: " ")
    }

    private func checkLanguages(_ langs: [Lang]) throws(CompositionError) {
        guard !langs.isEmpty else { throw CompositionError("no languages given") }
        if let twice = langs.first(where: { l in langs.filter { $0 == l }.count > 1 }) {
            throw CompositionError("language \(twice.code) listed twice")
        }
        let present = Set(languages)
        if let absent = langs.first(where: { !present.contains($0) }) {
            throw CompositionError(
                "dataset \(name) has no \(absent.code) examples (it has \(languages.map(\.code).joined(separator: " ")))"
            )
        }
    }

    /// Items that exist in every language of `langs`; none at all is an error, not an empty set.
    private func itemsComplete(in langs: [Lang]) throws(CompositionError) -> (items: [DataItem], dropped: Int) {
        let complete = items.filter { item in langs.allSatisfy { item.translations[$0] != nil } }
        guard !complete.isEmpty else {
            throw CompositionError(
                "no item of \(name) exists in all of \(langs.map(\.code).joined(separator: " ")) (aligned by \(alignment.rawValue))"
            )
        }
        return (complete, items.count - complete.count)
    }

    private func droppedWarning(_ dropped: Int, _ langs: [Lang]) -> [String] {
        dropped == 0
            ? []
            : [
                "\(dropped) item\(dropped == 1 ? "" : "s") lacking one of \(langs.map(\.code).joined(separator: " ")) left out"
            ]
    }

    func step(_ mode: String, _ langs: [Lang], seed: UInt64? = nil, n: Int? = nil) -> Provenance {
        Provenance(source: name, mode: mode, languages: langs.sorted(), seed: seed, n: n, parents: [provenance])
    }
}

// MARK: - Seeded choices (own algorithms, so a seed gives the same result on every platform)

/// Uniform integer in 0..<n without modulo bias (Lemire's multiply-and-reject).
func uniform(_ n: Int, _ rng: inout SeededRNG) -> Int {
    let bound = UInt64(n)
    while true {
        let product = rng.next().multipliedFullWidth(by: bound)
        if product.low >= (0 &- bound) % bound { return Int(product.high) }
    }
}

/// Fisher–Yates shuffle.
func shuffle<T>(_ a: inout [T], _ rng: inout SeededRNG) {
    guard a.count > 1 else { return }
    for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, uniform(i + 1, &rng)) }
}

/// `k` distinct indices of 0..<n, sorted (so subsets keep the dataset's order).
func pick(_ k: Int, of n: Int, _ rng: inout SeededRNG) -> [Int] {
    var indices = Array(0..<n)
    for i in 0..<k { indices.swapAt(i, i + uniform(n - i, &rng)) }  // partial Fisher–Yates
    return indices[0..<k].sorted()
}
