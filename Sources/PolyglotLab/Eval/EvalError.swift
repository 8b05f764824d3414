// Errors and file plumbing shared by the evaluation layer: every problem names file:line and what was expected.
import Foundation
import PolyglotEngine

/// An evaluation error that points at the offending file and line (line 0 = the file as a whole).
public struct EvalError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int = 0, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// One parsed JSON Lines record with the line it came from.
struct JSONLRecord {
    var line: Int
    var object: [String: Any]
}

/// JSON Lines reading and writing that tolerates blank lines and reports malformed ones instead of stopping.
enum JSONL {
    /// Reads every line of `url` that holds a JSON object; malformed lines become `EvalError`s in `problems`.
    static func read(_ url: URL, problems: inout [EvalError]) throws -> [JSONLRecord] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EvalError(file: url.path, "cannot read file: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw EvalError(file: url.path, "expected UTF-8 text")
        }
        var records: [JSONLRecord] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            if let object {
                records.append(JSONLRecord(line: index + 1, object: object))
            } else {
                let preview = line.prefix(40)
                problems.append(EvalError(file: url.path, line: index + 1, "expected one JSON object per line, found `\(preview)…`"))
            }
        }
        return records
    }

    /// Serialises one object as a single line (UTF-8 kept raw, keys sorted for stable diffs).
    static func line(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes all objects atomically, one per line.
    static func write(_ objects: [[String: Any]], to url: URL) throws {
        let text = try objects.map(line).joined(separator: "\n") + (objects.isEmpty ? "" : "\n")
        try atomicWrite(Data(text.utf8), to: url)
    }

    /// Appends one line and flushes it, so an interrupted run keeps everything written so far.
    static func append(_ object: [String: Any], to url: URL) throws {
        let data = Data((try line(object) + "\n").utf8)
        let fm = FileManager.default
        if !fm.fileExists(atPath: url.path) {
            try? fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard fm.createFile(atPath: url.path, contents: data) else {
                throw EvalError(file: url.path, "cannot create file")
            }
            return
        }
        do {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            throw EvalError(file: url.path, "cannot append: \(error.localizedDescription)")
        }
    }
}

// MARK: - Field access with file:line errors

extension JSONLRecord {
    func string(_ key: String, in file: String) throws -> String {
        guard let s = object[key] as? String else {
            throw EvalError(file: file, line: line, "expected string field `\(key)`")
        }
        return s
    }

    /// `question_id` is an int in FastChat and a string like `81_DE` in MT-Bench-X; both become text.
    func questionID(in file: String) throws -> String {
        if let s = object["question_id"] as? String { return s }
        if let n = object["question_id"] as? NSNumber { return n.stringValue }
        throw EvalError(file: file, line: line, "expected `question_id` (int or string)")
    }

    func strings(_ key: String, in file: String) throws -> [String] {
        guard let list = object[key] as? [Any], let strings = list as? [String] else {
            throw EvalError(file: file, line: line, "expected `\(key)` to be a list of strings")
        }
        return strings
    }

    func optionalDouble(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
}

/// Writes a question id back the way it was read: all-digit ids as JSON ints (FastChat), others as strings.
func jsonQuestionID(_ id: String) -> Any { Int(id).map { $0 as Any } ?? id }
