// Noise in synthetic instruction data, at a controlled rate: a share of items whose replies are fluent and in the
// right language but answer another item's instruction, as a machine-generated reply can be confidently wrong. The
// study explains why curated data can beat a larger synthetic set by such noise (signal to noise, after the
// Superficial Alignment Hypothesis); `corrupt` lets a notebook vary it at equal size.

import PolyglotEngine

extension Dataset {
    /// The dataset with round(share × items) items, drawn with `seed`, answering with the replies of another item
    /// (drawn too, among those with every language of the item) in each of their languages; the rest is unchanged.
    public func withWrongReplies(share: Double, seed: UInt64) throws(CompositionError) -> Dataset {
        guard share.isFinite, share >= 0, share <= 1 else {
            throw CompositionError("share must be between 0 and 1, got \(share)")
        }
        var rng = SeededRNG(seed: seed, stream: "data.noise")
        let noisy = pick(Int((share * Double(items.count)).rounded()), of: items.count, &rng)
        var out = items
        // Items that have all of a language set, computed once per set rather than once per noisy item.
        var candidates: [[Lang]: [Int]] = [:]
        for i in noisy {
            let langs = items[i].languages
            let all =
                candidates[langs]
                ?? items.indices.filter { j in langs.allSatisfy { items[j].translations[$0] != nil } }
            candidates[langs] = all
            let donors = all.filter { $0 != i }
            guard !donors.isEmpty else { continue }
            let donor = items[donors[uniform(donors.count, &rng)]]
            for lang in langs {
                // Both exist: `langs` are the item's, and the donor was drawn among items with all of them.
                out[i].translations[lang]!.conversation =
                    items[i].translations[lang]!.conversation.replies(from: donor.translations[lang]!.conversation)
            }
        }
        let percent = Int((share * 100).rounded())
        return deriving(
            out, name: "\(name)/noisy\(percent)",
            provenance: step("wrong replies \(percent) %", languages, seed: seed, n: noisy.count))
    }
}

extension Conversation {
    /// This conversation's user turns with `other`'s replies in order (its last reply for any turn beyond them).
    func replies(from other: Conversation) -> Conversation {
        let replies = other.assistantTurns
        var k = 0
        return Conversation(
            messages.map { m in
                guard m.role == .assistant, let last = replies.last else { return m }
                defer { k += 1 }
                return Message(role: .assistant, content: k < replies.count ? replies[k] : last)
            })
    }
}
