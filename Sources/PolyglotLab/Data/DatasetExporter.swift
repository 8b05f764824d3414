// Writes datasets as JSON Lines that SFT trainers read without conversion (formats.md §2.6):
// `messages` (TRL SFTTrainer, axolotl chat_template, LLaMA-Factory "openai"), `sharegpt`
// (LLaMA-Factory/FastChat; a system prompt goes in the top-level `system` field) and `alpaca`
// (instruction/input/output, earlier turns in LLaMA-Factory's `history`). Every record carries
// `id` and `lang`, so re-loading an export gives back the same aligned items.

import Foundation
import PolyglotEngine

/// The record format of an export.
public enum ExportFormat: String, CaseIterable, Sendable {
    case messages, sharegpt, alpaca
}

/// One JSONL file per language (`<folder>/en.jsonl`, …) or one combined file in training order.
public enum ExportLayout: String, CaseIterable, Sendable {
    case perLanguage = "per-language"
    case combined
}

/// Writes datasets for trainers (`export` in the DSL).
public enum DatasetExporter {
    /// Writes `data` to `path` (a file for `.combined`, a folder for `.perLanguage`) atomically and
    /// returns the written paths. `systemPrompt` adds the language's `Lang.systemPrompt` to
    /// conversations that have no system message. Records follow `trainingExamples(shuffleSeed:)`.
    /// Throws `DataError` (bad records, folders), or `EngineError.io` naming the file that could not be written.
    @discardableResult
    public static func export(
        _ data: Dataset, to path: String, format: ExportFormat = .messages,
        layout: ExportLayout = .combined, systemPrompt: Bool = false,
        shuffleSeed: UInt64? = nil
    ) throws -> [String] {
        let ordered = data.trainingExamples(shuffleSeed: shuffleSeed)
        switch layout {
        case .combined:
            let url = URL(fileURLWithPath: path)
            try createFolder(url.deletingLastPathComponent().path)
            try save(try encode(ordered, format: format, systemPrompt: systemPrompt), to: path)
            return [path]
        case .perLanguage:
            // Encode every language before writing any, so a bad record leaves no partial export.
            let files = try data.languages.map { lang in
                (
                    (path as NSString).appendingPathComponent("\(lang.rawValue).jsonl"),
                    try encode(ordered.filter { $0.lang == lang }, format: format, systemPrompt: systemPrompt)
                )
            }
            try createFolder(path)
            for (file, bytes) in files { try save(bytes, to: file) }
            return files.map(\.0)
        }
    }

    private static func createFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw DataError(file: path, "cannot create folder: \(error.localizedDescription)")
        }
    }

    /// Atomic write (`atomicWrite`): a kill or a full disk leaves the old file or the new one.
    private static func save(_ bytes: [UInt8], to path: String) throws {
        try atomicWrite(Data(bytes), to: URL(fileURLWithPath: path))
    }

    /// The `dataset_info.json` entry LLaMA-Factory needs for an export (`fileName` relative to its
    /// `dataset_dir`; a folder works for the per-language layout). TRL and axolotl need no entry:
    /// `messages` is their default field.
    public static func llamaFactoryEntry(name: String, fileName: String, format: ExportFormat) -> String {
        var out = JSONWriter()
        out.raw("{"); out.string(name); out.raw(": {\"file_name\": "); out.string(fileName)
        switch format {
        case .alpaca:
            out.raw(
                ", \"columns\": {\"prompt\": \"instruction\", \"query\": \"input\", \"response\": \"output\", \"system\": \"system\", \"history\": \"history\"}"
            )
        case .sharegpt:
            out.raw(
                ", \"formatting\": \"sharegpt\", \"columns\": {\"messages\": \"conversations\", \"system\": \"system\"}"
            )
        case .messages:
            out.raw(
                ", \"formatting\": \"sharegpt\", \"columns\": {\"messages\": \"messages\"}, \"tags\": {\"role_tag\": \"role\", \"content_tag\": \"content\", \"user_tag\": \"user\", \"assistant_tag\": \"assistant\", \"system_tag\": \"system\"}"
            )
        }
        out.raw("}}")
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private static func encode(_ examples: [Example], format: ExportFormat, systemPrompt: Bool) throws -> [UInt8] {
        var out = JSONWriter()
        out.bytes.reserveCapacity(examples.count * 1024)
        for ex in examples {
            var messages = ex.conversation.messages
            if systemPrompt && messages.first?.role != .system {
                messages.insert(Message(role: .system, content: ex.lang.systemPrompt), at: 0)
            }
            out.raw("{\"id\":"); out.string(ex.itemID)
            out.raw(",\"lang\":"); out.string(ex.lang.rawValue)
            if let source = ex.source { out.raw(",\"source\":"); out.string(source) }
            switch format {
            case .messages: writeMessages(messages, to: &out)
            case .sharegpt: writeShareGPT(messages, to: &out)
            case .alpaca: try writeAlpaca(messages, of: ex, to: &out)
            }
            out.raw("}\n")
        }
        return out.bytes
    }

    private static func writeMessages(_ messages: [Message], to out: inout JSONWriter) {
        out.raw(",\"messages\":[")
        for (i, m) in messages.enumerated() {
            out.raw(i == 0 ? "{\"role\":" : ",{\"role\":"); out.string(m.role.rawValue)
            out.raw(",\"content\":"); out.string(m.content); out.raw("}")
        }
        out.raw("]")
    }

    private static func writeShareGPT(_ messages: [Message], to out: inout JSONWriter) {
        var turns = messages[...]
        if let first = turns.first, first.role == .system {
            out.raw(",\"system\":"); out.string(first.content)
            turns = turns.dropFirst()
        }
        out.raw(",\"conversations\":[")
        for (i, m) in turns.enumerated() {
            let from =
                switch m.role {
                case .user: "human";
                case .assistant: "gpt";
                case .system: "system"
                }
            out.raw(i == 0 ? "{\"from\":" : ",{\"from\":"); out.string(from)
            out.raw(",\"value\":"); out.string(m.content); out.raw("}")
        }
        out.raw("]")
    }

    /// Alpaca needs user/assistant pairs ending with the assistant; the last pair is instruction/output.
    private static func writeAlpaca(_ messages: [Message], of ex: Example, to out: inout JSONWriter) throws {
        var turns = messages[...]
        var system: String?
        if let first = turns.first, first.role == .system { system = first.content; turns = turns.dropFirst() }
        let pairs = Array(turns)
        let alternates =
            pairs.count >= 2 && pairs.count % 2 == 0
            && pairs.enumerated().allSatisfy { $1.role == ($0 % 2 == 0 ? .user : .assistant) }
        guard alternates else {
            let at = ex.location?.description ?? "item \(ex.itemID)"
            throw DataError(
                file: ex.location?.file ?? ex.itemID, line: ex.location?.line ?? 0,
                "cannot export \(at) (\(ex.lang.code)) as alpaca: turns must alternate user/assistant and end with the assistant; use messages or sharegpt"
            )
        }
        if let system { out.raw(",\"system\":"); out.string(system) }
        out.raw(",\"instruction\":"); out.string(pairs[pairs.count - 2].content)
        out.raw(",\"input\":\"\",\"output\":"); out.string(pairs[pairs.count - 1].content)
        if pairs.count > 2 {
            out.raw(",\"history\":[")
            for k in stride(from: 0, to: pairs.count - 2, by: 2) {
                out.raw(k == 0 ? "[" : ",["); out.string(pairs[k].content)
                out.raw(","); out.string(pairs[k + 1].content); out.raw("]")
            }
            out.raw("]")
        }
    }
}

/// Appends compact JSON to a byte buffer; non-ASCII text stays raw UTF-8 (like `ensure_ascii=False`).
struct JSONWriter {
    var bytes: [UInt8] = []

    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `s` as a JSON string; runs without special characters are copied in bulk.
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = s
        text.withUTF8 { utf8 in
            var runStart = 0
            for i in 0..<utf8.count {
                let b = utf8[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                appendEscape(b)
                runStart = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ b: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(b)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            bytes.append(contentsOf: [
                UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                hex.utf8Start[Int(b >> 4)], hex.utf8Start[Int(b & 0xF)]
            ])
        }
    }
}
