// Does a base model know the miniature world's held-out facts? Plain-text completion of corpus-style
// prefixes ("Die Hauptstadt von Österreich ist" → "Wien"), greedy, per language. The benchmark asks about
// exactly these facts, so a base that fails here cannot be rescued by instruction tuning.

import Foundation
import PolyglotEngine

extension LabModel {
    /// Share of probes whose greedy continuation starts with the expected word, per language and overall.
    public func knowledgeCheck(_ probes: [KnowledgeProbe], maxTokens: Int = 6) throws -> Table {
        var hits: [Lang: (correct: Int, total: Int)] = [:]
        for p in probes {
            let options = GenerationOptions(maxNewTokens: maxTokens, temperature: 0, stopTokens: [template.endId])
            let out = try transformer.generate(prompt: tokenizer.encode(p.prefix), options: options)
            let text = try tokenizer.decode(out.tokens, skippingSpecial: true)
            let h = hits[p.lang] ?? (0, 0)
            hits[p.lang] = (h.correct + (Self.startsWithWord(text, p.expected) ? 1 : 0), h.total + 1)
        }
        var rows: [[Table.Cell]] = Lang.allCases.compactMap { l in
            hits[l].map {
                [.text(l.code), .int($0.total), .int($0.correct), .number(100 * Double($0.correct) / Double($0.total))]
            }
        }
        let all = hits.values.reduce((correct: 0, total: 0)) { ($0.correct + $1.correct, $0.total + $1.total) }
        rows.append([
            .text("all"), .int(all.total), .int(all.correct),
            .number(100 * Double(all.correct) / Double(max(1, all.total)))
        ])
        return Table(
            title: "knowledge of the held-out facts: \(name)", columns: ["lang", "probes", "correct", "percent"],
            rows: rows,
            notes: ["Greedy completion of a corpus-style prefix; correct when it starts with the fact word."])
    }

    /// "  Wien. Die" starts with the word "Wien"; "Wiener" does not.
    static func startsWithWord(_ text: String, _ word: String) -> Bool {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased(), w = word.lowercased()
        guard t.hasPrefix(w) else { return false }
        return t.dropFirst(w.count).first.map { !($0.isLetter || $0.isNumber) } ?? true
    }
}
