// The study's conclusions from a grid run with several seeds: `findings`.

import Foundation
import PolyglotEngine
import PolyglotLab

extension CommandRegistry {
    static let studyCommands: [CommandSpec] = [findings]

    static let findings = CommandSpec(
        "findings", category: "evaluation",
        summary:
            "The study's observations measured on a grid (models named base·data·COMPOSITION), mean ± 95% CI over seeds.",
        positionals: [Parameter("runs", .list, "judgments, one per seed, each of the same grid")],
        keywords: [
            Parameter(
                "to", .string, default: Value.none, "write the findings as Markdown here (e.g. docs/findings.md)"),
            Parameter("title", .string, default: .string("Findings of the miniature study"), "Markdown title"),
            Parameter(
                "notes", .stringList, default: .list([]), "paragraphs written under the title (how the runs were made)"),
            Parameter("figures", .stringList, default: .list([]), "figure files to link, relative to the Markdown file")
        ],
        example: "findings [j1, j2, j3] to: \"docs/findings.md\"",
        details: """
            Each observation is a contrast of 5-language average scores, computed per seed: (1) ENDEFRITES − the mean of
            the five monolingual models; (2) ENDEFRITES − ENDEFRITES_sampled and DEFRITES − DEFRITES_sampled; (3) ENDEFRITES
            − DEFRITES, on all languages and on DE FR IT ES only; (4) moe − dense on shared data, and the spread over datasets
            dense − moe; (5) bactrian_small − lima, and bactrian − bactrian_small. "reproduces" when the 95% t-interval over
            seeds lies above 0, "reversed" when below, else "not shown".
            """
    ) { inv in
        let runs = try inv.list("runs").enumerated().map { i, v -> JudgmentSet in
            guard case .object(let o as JudgmentsObject) = v else {
                throw inv.error("runs[\(i)] is \(v.typeName); expected judgments (one per seed)", at: "runs")
            }
            return o.judgments
        }
        let study = try inv.lab { try StudyFindings(runs: runs) }
        if let path = inv.string(ifGiven: "to") {
            let md = study.markdown(
                title: inv.string("title"), preamble: inv.strings("notes"),
                figures: inv.strings("figures"))
            try inv.lab { try atomicWrite(Data(md.utf8), to: inv.session.resolve(path)) }
            inv.session.emit("wrote \(path)")
        }
        return .object(TableObject(study.contrastTable()))
    }
}
