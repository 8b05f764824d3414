// `export X to: PATH`: every exportable lab object in the formats other tools read.

import Foundation
import PolyglotLab

extension CommandRegistry {
    static let export = CommandSpec(
        "export", category: "data",
        summary:
            "Write a dataset (messages, sharegpt or alpaca JSONL), a table (.csv or .json), judgments or answers (FastChat JSONL), or a builtin dataset/benchmark, atomically.",
        positionals: [Parameter("value", .any, "a dataset, table, judgments, answers, or builtin:NAME")],
        keywords: [
            Parameter("to", .string, "the file (combined layout) or folder (per-language layout)"),
            Parameter(
                "format", .choice(of: ExportFormat.self), default: .string("messages"),
                "datasets: the record format"),
            Parameter(
                "layout", .choice(of: ExportLayout.self), default: .string("combined"),
                "datasets: one combined file, or a folder with a file per language"),
            Parameter("system_prompt", .bool, default: .bool(false), "datasets: add the language's system prompt")
        ],
        example: "export endefrites to: \"out/endefrites.jsonl\" format: \"messages\"",
        details: """
            messages JSONL is read as-is by TRL's SFTTrainer and axolotl (type chat_template); sharegpt and alpaca by
            LLaMA-Factory (add the dataset_info.json entry it prints). Re-loading an export gives back the same items.
            """
    ) { inv in
        let to = inv.string("to"), path = inv.session.openablePath(to)
        var value = inv.value("value")
        if case .string(let ref) = value, let name = Builtins.name(ref) {
            if name == "bench" {
                let files = try inv.lab { try Builtins.benchmark().writeFastChat(to: path) }
                inv.session.emit("wrote builtin:bench as \(files.count) FastChat question files under \(to)")
                return .none
            }
            guard let data = Builtins.dataset(name) else {
                throw inv.error(
                    "no builtin dataset '\(name)'", at: "value",
                    notes: ["expected builtin:lima-mini, builtin:bactrian-mini or builtin:bench"])
            }
            value = .object(DatasetObject(data))
        }
        switch value {
        case .object(let t as TableObject):
            try inv.lab { try t.table.export(to: path) }
            inv.session.emit("wrote \(t.table.rows.count) rows to \(to)")
        case .object(let j as JudgmentsObject):
            try inv.lab { try j.judgments.write(to: path) }
            inv.session.emit("wrote \(j.judgments.single.count + j.judgments.pairs.count) judgments to \(to)")
        case .object(let a as AnswersObject):
            for model in a.answers.models {
                let file =
                    a.answers.models.count == 1 ? path : (path as NSString).appendingPathComponent("\(model).jsonl")
                try inv.lab { try ModelAnswer.write(a.answers.answers[model] ?? [], to: URL(fileURLWithPath: file)) }
            }
            inv.session.emit("wrote answers of \(a.answers.models.count) model(s) to \(to)")
        case .object(let d as DatasetObject):
            let format = inv.choice("format", as: ExportFormat.self)
            let layout = inv.choice("layout", as: ExportLayout.self)
            let files = try inv.lab {
                try DatasetExporter.export(
                    d.dataset, to: path, format: format, layout: layout,
                    systemPrompt: inv.bool("system_prompt"))
            }
            inv.session.emit(
                "wrote \(d.dataset.exampleCount) examples (\(format.rawValue)) to \(files.joined(separator: ", "))")
        case let v:
            throw inv.error(
                "cannot export \(v.typeName)", at: "value", notes: ["expected a dataset, table, judgments or answers"])
        }
        return .none
    }
}
