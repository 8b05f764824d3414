// Provenance and size tables of the miniature world's data (what `show builtin:…` prints).

extension MiniatureWorld {
    /// Items, conversations, turns and words per language, plus the realised noise shares.
    public static func summary(of items: [ParallelItem], title: String) -> Table {
        var rows: [[Table.Cell]] = []
        for lang in Lang.allCases {
            let conversations = items.compactMap { $0.conversations[lang] }
            let turns = conversations.reduce(0) { $0 + $1.messages.count }
            let words = conversations.reduce(0) {
                $0 + $1.messages.reduce(0) { $0 + WorldGrammar.words($1.content).count }
            }
            var row: [Table.Cell] = [.text(lang.code), .int(conversations.count), .int(turns), .int(words)]
            for noise in InstructionNoise.allCases {
                let n = items.filter { $0.noise[lang] == noise }.count
                row.append(.number(conversations.isEmpty ? 0 : 100 * Double(n) / Double(conversations.count)))
            }
            rows.append(row)
        }
        let multiTurn = items.filter { ($0.conversations.values.first?.messages.count ?? 0) > 2 }.count
        return Table(
            title: title,
            columns: ["lang", "conversations", "messages", "words"]
                + InstructionNoise.allCases.map { "% " + $0.rawValue },
            rows: rows,
            notes: ["\(items.count) items, \(multiTurn) multi-turn; noise shares are measured on the generated items."])
    }

    /// Items per task and instruction kind.
    public static func composition(of items: [ParallelItem], title: String) -> Table {
        var counts: [String: Int] = [:]
        for item in items { counts["\(item.task.rawValue)\t\(item.kind.rawValue)", default: 0] += 1 }
        let rows: [[Table.Cell]] = counts.keys.sorted().map { key in
            let parts = key.split(separator: "\t").map(String.init)
            return [.text(parts[0]), .text(parts[1]), .int(counts[key]!)]
        }
        return Table(title: title, columns: ["task", "kind", "items"], rows: rows)
    }

    /// Questions per category and language; per category (in each language alike) the turns asked with held-out
    /// phrasings and the distinct facts behind its turns.
    public static func benchSummary(_ questions: [MiniBenchQuestion]) -> Table {
        let oneLanguage = questions.filter { $0.lang == .en }
        func unseenTurns(_ qs: [MiniBenchQuestion]) -> Int {
            qs.reduce(0) { $0 + $1.phrasings.filter { $0 == .unseen }.count }
        }
        let rows: [[Table.Cell]] = benchCategories.map { category in
            let inCategory = oneLanguage.filter { $0.category == category.name }
            return [.text(category.name)]
                + Lang.allCases.map { lang in
                    .int(questions.filter { $0.category == category.name && $0.lang == lang }.count)
                }
                + [.int(unseenTurns(inCategory)), .int(distinctFacts(inCategory))]
        }
        let turns = oneLanguage.reduce(0) { $0 + $1.turns.count }, unseen = unseenTurns(oneLanguage)
        let percent = turns == 0 ? 0 : Int((100 * Double(unseen) / Double(turns)).rounded())
        return Table(
            title: "builtin:bench", columns: ["category"] + Lang.allCases.map(\.code) + ["unseen turns", "facts"],
            rows: rows,
            notes: [
                "2 turns per question, references for every turn; all facts held out from both instruction sets "
                    + "(a commuted sum, a reversed capital or a counting run counts as the same fact).",
                "\(distinctFacts(oneLanguage)) distinct facts behind the \(turns) turns of each language; "
                    + "\(unseen) of the \(turns) turns (\(percent) %) ask with phrasings held out from the "
                    + "instruction sets (score … by: [\"phrasing\"])."
            ])
    }

    /// Documents, units, characters and UTF-8 bytes per language.
    public static func corpusSummary(_ documents: [CorpusDocument]) -> Table {
        let rows: [[Table.Cell]] = Lang.allCases.map { lang in
            let docs = documents.filter { $0.lang == lang }
            return [
                .text(lang.code), .int(docs.count), .int(docs.reduce(0) { $0 + $1.sentences }),
                .int(docs.reduce(0) { $0 + $1.text.utf8.count })
            ]
        }
        return Table(
            title: "builtin:corpus", columns: ["lang", "documents", "sentences", "bytes"], rows: rows,
            notes: [
                "\(Int(corpusQAShare * 100)) % of sentences are plain-text question + answer (corpus-only question templates)."
            ])
    }

    /// Held-out facts per task.
    public func heldOutSummary() -> Table {
        let rows: [[Table.Cell]] = WorldTask.allCases.map { task in
            [.text(task.rawValue), .int(WorldFacts.count(of: task)), .int(heldOut(task).count)]
        }
        return Table(title: "held-out facts (benchmark only)", columns: ["task", "facts", "held out"], rows: rows)
    }
}
