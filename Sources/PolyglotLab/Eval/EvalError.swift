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
    /// A last line without its newline that does not parse was cut off by an interrupted write: it is reported
    /// as such and dropped.
    static func read(_ url: URL, problems: inout [EvalError]) throws -> [JSONLRecord] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EvalError(file: url.path, "cannot read file: \(error.localizedDescription)")
        }
        var records: [JSONLRecord] = []
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, bytes) in lines.enumerated() {
            let lineNumber = index + 1
            guard var text = String(data: Data(bytes), encoding: .utf8) else {
                problems.append(EvalError(file: url.path, line: lineNumber, "expected UTF-8 text"))
                continue
            }
            if lineNumber == 1, text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            if let object = parseObject(line) {
                records.append(JSONLRecord(line: lineNumber, object: object))
            } else if index == lines.count - 1 {
                problems.append(EvalError(file: url.path, line: lineNumber, tornLineMessage))
            } else {
                let preview = line.prefix(40)
                problems.append(
                    EvalError(
                        file: url.path, line: lineNumber,
                        "expected one JSON object per line, found `\(preview)…`"))
            }
        }
        return records
    }

    static let tornLineMessage =
        "the last line is cut short (no newline, not a whole JSON object: an interrupted "
        + "write?); dropped"

    private static func parseObject(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
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

    /// Appends one line to `url` (created if missing) with `JSONLAppender`; for one-off appends.
    static func append(_ object: [String: Any], to url: URL) throws {
        let appender = try JSONLAppender(url)
        try appender.append(object)
    }
}

/// Appends whole lines to a JSON Lines file that an interrupted run resumes from. Each line goes out in one
/// `write` call on an `O_APPEND` descriptor and is synced before `append` returns, so a killed process leaves
/// whole lines only, except at worst a torn last one, which opening the file again repairs.
final class JSONLAppender {
    let url: URL
    private let fd: Int32
    /// What opening found: a torn last line that was dropped from the file, or nil.
    let repaired: EvalError?

    init(_ url: URL) throws {
        self.url = url
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        fd = open(url.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EvalError(file: url.path, "cannot open for appending: \(Self.lastError)") }
        do { repaired = try Self.repairTail(fd, url) } catch { close(fd); throw error }
    }

    deinit { close(fd) }

    private static var lastError: String { String(cString: strerror(errno)) }

    /// Writes `object` as one line and syncs it to disk.
    func append(_ object: [String: Any]) throws {
        let bytes = Array((try JSONL.line(object) + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw EvalError(file: url.path, "cannot append: \(Self.lastError)") }
            written += n
        }
        guard fsync(fd) == 0 else { throw EvalError(file: url.path, "cannot sync: \(Self.lastError)") }
    }

    /// A file must end with a newline before lines are appended. When it does not, its last line is either whole
    /// (written by hand without the newline: the newline is added) or torn by a killed writer (it is cut off and
    /// reported, so the appended lines do not glue onto it).
    private static func repairTail(_ fd: Int32, _ url: URL) throws -> EvalError? {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return nil }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EvalError(file: url.path, "cannot read file: \(error.localizedDescription)")
        }
        guard data.last != UInt8(ascii: "\n") else { return nil }
        let start = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let lineNumber = data[..<start].filter { $0 == UInt8(ascii: "\n") }.count + 1
        let tail = String(decoding: data[start...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if (try? JSONSerialization.jsonObject(with: Data(tail.utf8))) is [String: Any] {
            guard Foundation.write(fd, "\n", 1) == 1 else {
                throw EvalError(file: url.path, "cannot append: \(lastError)")
            }
            return nil
        }
        guard ftruncate(fd, off_t(start)) == 0, fsync(fd) == 0 else {
            throw EvalError(file: url.path, "cannot drop the torn last line: \(lastError)")
        }
        return EvalError(file: url.path, line: lineNumber, JSONL.tornLineMessage)
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
        guard let id = questionIDText else {
            throw EvalError(file: file, line: line, "expected `question_id` (int or string)")
        }
        return id
    }

    var questionIDText: String? {
        if let s = object["question_id"] as? String { return s }
        return (object["question_id"] as? NSNumber)?.stringValue
    }

    func strings(_ key: String, in file: String) throws -> [String] {
        guard let list = object[key] as? [Any], let strings = list as? [String] else {
            throw EvalError(file: file, line: line, "expected `\(key)` to be a list of strings")
        }
        return strings
    }

    func optionalDouble(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }

    /// The line's `model_provenance` (answers and judgments); one it cannot read is reported in `problems` and the
    /// line kept without it.
    func modelProvenance(in file: String, problems: inout [EvalError]) -> ModelProvenance? {
        guard let value = object["model_provenance"] else { return nil }
        guard let provenance = ModelProvenance(json: value) else {
            problems.append(
                EvalError(
                    file: file, line: line,
                    "expected `model_provenance` to be \(ModelProvenance.expectedJSON); kept without it"))
            return nil
        }
        return provenance
    }
}

/// Writes a question id back the way it was read: all-digit ids as JSON ints (FastChat), others as strings.
func jsonQuestionID(_ id: String) -> Any { Int(id).map { $0 as Any } ?? id }
