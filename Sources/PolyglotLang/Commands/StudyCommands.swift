// The study's conclusions from a grid run with several seeds: `findings`.

import Foundation
import PolyglotEngine
import PolyglotLab

extension CommandRegistry {
    static let studyCommands: [CommandSpec] = [findings]

    static let findings = CommandSpec(
        "findings", category: "evaluation",
        summary:
            "The study's claims tested on a grid (each model's role from its provenance, per training regime): "
            + "bootstrap intervals over seeds and questions, Holm-adjusted p-values, verdicts.",
        positionals: [Parameter("runs", .list, "judgments, one per seed, each of the same grid")],
        keywords: [
            Parameter(
                "to", .string, default: Value.none, "write the findings as Markdown here (e.g. docs/findings.md)"),
            Parameter("title", .string, default: .string("Findings of the miniature study"), "Markdown title"),
            Parameter(
                "notes", .stringList, default: .list([]), "paragraphs written under the title (how the runs were made)"),
            Parameter(
                "figures", .stringList, default: .list([]), "figure files to link, relative to the Markdown file"),
            Parameter("resamples", .int, default: .int(1000), "bootstrap resamples (1 to 100000)"),
            Parameter(
                "min_effect", .number, default: .float(0.2),
                "the smallest effect in points (1–10 scale) a verdict other than \"not shown\" needs"),
            Parameter("smaller", .string, default: .string(StudyRoles().smaller), "the smaller base (provenance base)"),
            Parameter("larger", .string, default: .string(StudyRoles().larger), "the larger base it is compared with"),
            Parameter("curated", .string, default: .string(StudyRoles().curated), "the curated dataset"),
            Parameter(
                "synthetic_small", .string, default: .string(StudyRoles().syntheticSmall),
                "the synthetic dataset of the curated one's size"),
            Parameter(
                "synthetic", .string, default: .string(StudyRoles().synthetic), "the larger synthetic dataset"),
            seedKeyword
        ],
        example: "findings [j1, j2, j3] to: \"docs/findings.md\" resamples: 2000 seed: 1",
        details: """
            Each model's role is read from its provenance (base, dataset, composition, regime, seed), which `tune` and
            `grid` record and answers and judgments carry; a model tuned by hand joins with `tune … tag: {…}`, and names
            play no part. The claims are tested within each training regime (equal epochs, equal steps), labelled with
            it and its run lengths. S(model) is a model's mean score over the evaluation languages. The claims, each a
            difference of S (positive = the study's direction), per base and dataset: (1) ENDEFRITES_sampled and
            DEFRITES_sampled − the mean of the five monolingual models (equal size), and ENDEFRITES − that mean (5× the
            data and steps); (2) ENDEFRITES − ENDEFRITES_sampled and DEFRITES − DEFRITES_sampled; (3) ENDEFRITES −
            DEFRITES on the languages other than English, and on all languages (incl. EN, never tuned by DEFRITES); (4)
            larger − smaller base per shared composition and on their mean, and the spread of each base's mean over
            datasets, smaller − larger; (5) synthetic_small − curated, and synthetic − synthetic_small, on the mean of
            the compositions. Intervals: a two-level bootstrap that draws the seeds, then the questions (shared by every
            drawn seed, both sides of a contrast on the same ones). p-values are Holm-adjusted over all claims.
            "reproduces": adjusted p < 0.05 and an effect of at least min_effect; "reversed": the same the other way;
            else "not shown". The Markdown adds each regime's headline (the largest multilingual − monolingual pair, in
            points × 10 and relative to the monolingual score), the larger model's wins per composition, and every
            model's scores by language, category and turn with its wrong-language rate.
            """
    ) { inv in
        let runs = try inv.list("runs").enumerated().map { i, v -> JudgmentSet in
            guard case .object(let o as JudgmentsObject) = v else {
                throw inv.error("runs[\(i)] is \(v.typeName); expected judgments (one per seed)", at: "runs")
            }
            return o.judgments
        }
        let resamples = inv.int("resamples")
        guard (1...100_000).contains(resamples) else {
            throw inv.error("resamples must be between 1 and 100000, got \(resamples)", at: "resamples")
        }
        let minEffect = inv.double("min_effect")
        guard minEffect >= 0, minEffect.isFinite else {
            throw inv.error("min_effect must be a non-negative number of points", at: "min_effect")
        }
        var roles = StudyRoles()
        (roles.smaller, roles.larger) = (inv.string("smaller"), inv.string("larger"))
        (roles.curated, roles.syntheticSmall, roles.synthetic) = (
            inv.string("curated"), inv.string("synthetic_small"), inv.string("synthetic")
        )
        let options = FindingsOptions(resamples: resamples, seed: try inv.seed(), minEffect: minEffect, roles: roles)
        let study = try inv.lab { try StudyFindings(runs: runs, options: options) }
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
