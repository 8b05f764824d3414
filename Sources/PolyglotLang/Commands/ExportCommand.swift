// `export X to: PATH`: every exportable lab object in the formats other tools read.

import Foundation
import PolyglotLab

extension CommandRegistry {
    static let export = CommandSpec(
        "export", category: "data",
        summary: "Write a dataset for GPU trainers (messages, sharegpt or alpaca JSONL), atomically.",
        positionals: [Parameter("value", .any, "a dataset")],
        keywords: [
            Parameter("to", .string, "the file (combined layout) or folder (per-language layout)"),
            Parameter("format", .string, default: .string("messages"), "datasets: messages | sharegpt | alpaca"),
            Parameter("layout", .string, default: .string("combined"), "datasets: combined (one file) | per-language (a folder)"),
            Parameter("system_prompt", .bool, default: .bool(false), "datasets: add the language's system prompt"),
        ],
        example: "export endefrites to: \"out/endefrites.jsonl\" format: \"messages\"",
        details: """
        messages JSONL is read as-is by TRL's SFTTrainer and axolotl (type chat_template); sharegpt and alpaca by
        LLaMA-Factory (add the dataset_info.json entry it prints). Re-loading an export gives back the same items.
        """) { inv in
        let path = inv.session.openablePath(inv.string("to")!)
        switch inv.value("value") {
        case .object(let d as DatasetObject):
            guard let format = ExportFormat(rawValue: inv.string("format")!) else {
                throw inv.error("unknown dataset format '\(inv.string("format")!)'", at: "format",
                                notes: ["expected one of: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))"])
            }
            guard let layout = ExportLayout(rawValue: inv.string("layout")!) else {
                throw inv.error("unknown layout '\(inv.string("layout")!)'", at: "layout",
                                notes: ["expected one of: \(ExportLayout.allCases.map(\.rawValue).joined(separator: ", "))"])
            }
            let files = try inv.lab {
                try DatasetExporter.export(d.dataset, to: path, format: format, layout: layout,
                                           systemPrompt: inv.bool("system_prompt")!)
            }
            inv.session.emit("wrote \(d.dataset.exampleCount) examples (\(format.rawValue)) to \(files.joined(separator: ", "))")
        case let v:
            throw inv.error("cannot export \(v.typeName)", at: "value", notes: ["expected a dataset"])
        }
        return .none
    }
}
