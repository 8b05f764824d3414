// Parses one record file (JSON Lines or a JSON array) into located records. The container is
// detected from the first non-blank byte; array elements are reported at the line they start on.

import Foundation

struct RecordFileParser {
    let path: String
    let options: LoadOptions
    /// Language given for the whole file (option or file name); records may name their own.
    let fileLanguage: Lang?

    init(path: String, options: LoadOptions) {
        self.path = path
        self.options = options
        self.fileLanguage = options.language ?? DatasetLoader.language(fromFileName: path)
    }

    func parse() -> FileResult {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            return FileResult(fatal: DataError(file: path, "cannot read file: \(error.localizedDescription)"))
        }
        return data.withUnsafeBytes { raw in
            parse(raw.bindMemory(to: UInt8.self))
        }
    }

    func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> FileResult {
        var scanner = JSONScanner(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.position = 3 }  // UTF-8 byte order mark
        scanner.skipWhitespace()
        guard !scanner.atEnd else {
            return FileResult(
                fatal: DataError(file: path, "file is empty; expected a JSON array or JSON Lines records"))
        }
        switch bytes[scanner.position] {
        case UInt8(ascii: "["): return parseArray(scanner)
        case UInt8(ascii: "{"): return parseLines(bytes, from: scanner.position)
        default:
            let (line, column) = lineAndColumn(of: scanner.position, in: bytes)
            return FileResult(
                fatal: DataError(
                    file: path, line: line, column: column,
                    "expected '[' (JSON array) or '{' (JSON Lines record), found \(scanner.describeByte())"))
        }
    }

    // MARK: - Containers

    /// JSON Lines: one record per line; blank lines are allowed.
    private func parseLines(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> FileResult {
        var result = FileResult()
        let contentStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0  // skip a byte order mark
        var lineStart = 0
        var line = 1
        // Lines before `start` are blank (a BOM or whitespace); count them so numbers stay right.
        while let nl = nextNewline(bytes, from: lineStart), nl < start { lineStart = nl + 1; line += 1 }
        while lineStart < bytes.count {
            let lineEnd = nextNewline(bytes, from: lineStart) ?? bytes.count
            var scanner = JSONScanner(bytes, from: max(lineStart, contentStart), to: lineEnd)
            scanner.skipWhitespace()
            if !scanner.atEnd {
                do throws(JSONSyntaxError) {
                    let value = try scanner.parseDocument()
                    add(value, line: line, to: &result)
                } catch {
                    // A record cut at the line end is usually pretty-printed JSON, not a truncated file.
                    let hint =
                        error.message.hasPrefix("unexpected end of input")
                        ? " (JSON Lines needs each record on one line)" : ""
                    result.errors.append(
                        DataError(file: path, line: line, column: error.offset - lineStart + 1, error.message + hint))
                }
                if options.onError == .fail && !result.errors.isEmpty { return result }
            }
            lineStart = lineEnd + 1
            line += 1
        }
        return result
    }

    /// A JSON array of records. A syntax error is fatal even when skipping (the next element cannot
    /// be found); a well-formed but invalid record is skippable.
    private func parseArray(_ start: JSONScanner) -> FileResult {
        var result = FileResult()
        var scanner = start
        scanner.position += 1  // [
        var line = 1
        var counted = 0  // newlines are counted up to this offset
        func lineAt(_ offset: Int) -> Int {
            line += countNewlines(scanner.bytes, from: counted, to: offset)
            counted = offset
            return line
        }
        scanner.skipWhitespace()
        if !scanner.atEnd, scanner.bytes[scanner.position] == UInt8(ascii: "]") {
            scanner.position += 1
        } else {
            while true {
                scanner.skipWhitespace()
                let elementLine = lineAt(scanner.position)
                do throws(JSONSyntaxError) {
                    let value = try scanner.parseValue(depth: 1)
                    add(value, line: elementLine, to: &result)
                    if options.onError == .fail && !result.errors.isEmpty { return result }
                    scanner.skipWhitespace()
                    guard !scanner.atEnd else {
                        throw scanner.fail("unexpected end of file: the JSON array is not closed with ']'")
                    }
                    let b = scanner.bytes[scanner.position]
                    scanner.position += 1
                    if b == UInt8(ascii: "]") { break }
                    if b != UInt8(ascii: ",") {
                        scanner.position -= 1;
                        throw scanner.fail("expected ',' or ']' after array element, found \(scanner.describeByte())")
                    }
                } catch {
                    let (l, c) = lineAndColumn(of: error.offset, in: scanner.bytes)
                    let at = l == elementLine ? "column \(c)" : "line \(l), column \(c)"
                    result.fatal = DataError(
                        file: path, line: elementLine,
                        "array element starting here is malformed at \(at): \(error.message)")
                    return result
                }
            }
        }
        scanner.skipWhitespace()
        if !scanner.atEnd {
            let (l, c) = lineAndColumn(of: scanner.position, in: scanner.bytes)
            result.fatal = DataError(
                file: path, line: l, column: c,
                "unexpected \(scanner.describeByte()) after the closing ']' of the array")
        }
        return result
    }

    // MARK: - Records

    private func add(_ value: JSONValue, line: Int, to result: inout FileResult) {
        let location = SourceLocation(file: path, line: line)
        do throws(RecordProblem) {
            let record = try RecordFormat.decode(value, format: options.format, languageField: options.languageField)
            let lang: Lang
            switch (record.lang, fileLanguage) {
            case (let r?, let f?) where r != f:
                throw RecordProblem("record language \(r.code) contradicts the file's language \(f.code)")
            case (let r?, _): lang = r
            case (nil, let f?): lang = f
            case (nil, nil):
                throw RecordProblem(
                    "cannot tell the language: the file name names none (or several) of en de fr it es, the record has no \"lang\" field, and no language was given"
                )
            }
            result.records.append(LocatedRecord(record: record, lang: lang, location: location))
        } catch {
            result.errors.append(DataError(at: location, error.message))
        }
    }

    // MARK: - Positions

    private func nextNewline(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let hit = memchr(base + start, 0x0A, bytes.count - start)
        else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    private func countNewlines(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        var n = 0
        var i = from
        while i < to, let nl = nextNewline(bytes, from: i), nl < to { n += 1; i = nl + 1 }
        return n
    }

    private func lineAndColumn(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        let clamped = min(offset, bytes.count)
        let line = 1 + countNewlines(bytes, from: 0, to: clamped)
        var lineStart = clamped
        while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        return (line, clamped - lineStart + 1)
    }
}
