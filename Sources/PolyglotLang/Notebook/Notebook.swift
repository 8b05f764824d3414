// The notebook file format (`*.pg`), a valid script of the language:
//
//   # polyglot notebook v1 · seed 42
//   # %% optional cell title
//   let xs = [1, 2, 3]
//   sum xs
//   #> 6
//   #~ 1,234 tokens/s        ← volatile output: rewritten by replay, never compared
//
// Running the file as a script ignores the `#>`/`#~` lines (they are comments). A file without
// `# %%` markers is one cell. Parsing then writing a notebook gives back the same bytes.

import Foundation

public struct NotebookCell: Equatable {
    public var title: String?
    /// Code lines between the marker and the recorded output (no trailing blank lines).
    public var code: [String]
    public var output: [OutputLine]
    /// Blank lines after the output, kept so that a round trip is exact.
    public var trailingBlankLines: Int
    /// False for code before the first `# %%` marker (or a plain script).
    public var hasMarker: Bool
    /// Line number (1-based) of the first code line in the file.
    public var firstCodeLine: Int

    public init(
        title: String? = nil, code: [String], output: [OutputLine] = [], trailingBlankLines: Int = 0,
        hasMarker: Bool = true, firstCodeLine: Int = 0
    ) {
        self.title = title
        self.code = code
        self.output = output
        self.trailingBlankLines = trailingBlankLines
        self.hasMarker = hasMarker
        self.firstCodeLine = firstCodeLine
    }

    public var source: String { code.joined(separator: "\n") }
}

public struct Notebook: Equatable {
    public static let formatVersion = 1
    public var seed: UInt64?
    public var hasHeader: Bool
    public var cells: [NotebookCell]

    public init(seed: UInt64?, cells: [NotebookCell], hasHeader: Bool = true) {
        self.seed = seed
        self.cells = cells
        self.hasHeader = hasHeader
    }

    public static func header(seed: UInt64?) -> String {
        "# polyglot notebook v\(formatVersion)" + (seed.map { " · seed \($0)" } ?? "")
    }

    // MARK: - Reading

    public static func parse(_ text: String, file: String) throws -> Notebook {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }  // the final newline
        var seed: UInt64?
        var hasHeader = false
        var index = 0
        if let first = lines.first, first.hasPrefix("# polyglot notebook v") {
            (seed, hasHeader) = (try parseHeader(first, file: file), true)
            index = 1
        }
        var cells: [NotebookCell] = []
        var current: NotebookCell?
        func finish() {
            guard var c = current else { return }
            var trailing = 0
            if c.output.isEmpty {
                while c.code.last?.trimmingCharacters(in: .whitespaces).isEmpty == true {
                    c.code.removeLast()
                    trailing += 1
                }
            }
            c.trailingBlankLines += trailing
            if c.hasMarker || !c.code.isEmpty || !c.output.isEmpty || c.trailingBlankLines > 0 { cells.append(c) }
            current = nil
        }
        while index < lines.count {
            let line = lines[index]
            let lineNumber = index + 1
            index += 1
            if line.hasPrefix("# %%") {
                finish()
                let title = line.dropFirst(4).trimmingCharacters(in: .whitespaces)
                current = NotebookCell(title: title.isEmpty ? nil : title, code: [], firstCodeLine: lineNumber + 1)
                continue
            }
            if current == nil { current = NotebookCell(code: [], hasMarker: false, firstCodeLine: lineNumber) }
            if let out = outputLine(line) {
                // Blank lines between code and output belong to the code.
                current!.output.append(out)
            } else if !current!.output.isEmpty, line.trimmingCharacters(in: .whitespaces).isEmpty {
                current!.trailingBlankLines += 1
            } else if !current!.output.isEmpty || current!.trailingBlankLines > 0 {
                // Code after recorded output: keep it as code; the output moves after it on rewrite.
                current!.code += Array(repeating: "", count: current!.trailingBlankLines) + [line]
                current!.trailingBlankLines = 0
            } else {
                current!.code.append(line)
            }
        }
        finish()
        return Notebook(seed: seed, cells: cells, hasHeader: hasHeader)
    }

    private static func parseHeader(_ line: String, file: String) throws -> UInt64? {
        let rest = line.dropFirst("# polyglot notebook v".count)
        let versionText = rest.prefix { $0.isNumber }
        guard let version = Int(versionText) else {
            throw PolyglotError.syntax(
                "malformed notebook header", at: Span(file: file, line: 1, column: 1, length: line.count),
                notes: ["expected '# polyglot notebook v1 · seed N'"])
        }
        guard version <= formatVersion else {
            throw PolyglotError.syntax(
                "notebook format v\(version) is newer than this polyglot (it reads v\(formatVersion))",
                at: Span(file: file, line: 1, column: 1, length: line.count))
        }
        guard let r = line.range(of: "seed ") else { return nil }
        let digits = line[r.upperBound...].prefix { $0.isNumber }
        guard let seed = UInt64(digits) else {
            throw PolyglotError.syntax(
                "malformed seed in notebook header",
                at: Span(
                    file: file, line: 1, column: line.distance(from: line.startIndex, to: r.upperBound) + 1, length: 1),
                notes: ["expected a non-negative integer after 'seed'"])
        }
        return seed
    }

    private static func outputLine(_ line: String) -> OutputLine? {
        for (prefix, volatile) in [("#>", false), ("#~", true)] where line.hasPrefix(prefix) {
            var body = line.dropFirst(2)
            if body.first == " " { body = body.dropFirst() }
            return volatile ? .volatile(String(body)) : .text(String(body))
        }
        return nil
    }

    // MARK: - Writing

    public func render() -> String {
        var out: [String] = []
        if hasHeader { out.append(Notebook.header(seed: seed)) }
        for c in cells {
            if c.hasMarker { out.append("# %%" + (c.title.map { " " + $0 } ?? "")) }
            out += c.code
            out += c.output.map(Notebook.render)
            out += Array(repeating: "", count: c.trailingBlankLines)
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func render(_ line: OutputLine) -> String {
        switch line {
        case .text(let s): s.isEmpty ? "#>" : "#> " + s
        case .volatile(let s): s.isEmpty ? "#~" : "#~ " + s
        }
    }

    /// The notebook as replay compares it: volatile output lines left out.
    public func renderForComparison() -> [String] {
        var copy = self
        for i in copy.cells.indices {
            copy.cells[i].output.removeAll { if case .volatile = $0 { true } else { false } }
        }
        return copy.render().split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
