// One error type for scan, parse and runtime errors, so all of them print the same way:
//
//   notebook.pg:3:1: error: unknown command 'lett'
//     3 | lett x = 1
//       | ^~~~
//     did you mean 'let'?

public struct PolyglotError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable { case syntax, runtime, interrupted }

    public var kind: Kind
    public var message: String
    public var span: Span?
    /// Extra lines: what was expected, a "did you mean", a hint.
    public var notes: [String]

    public init(_ kind: Kind, _ message: String, at span: Span?, notes: [String] = []) {
        self.kind = kind
        self.message = message
        self.span = span
        self.notes = notes
    }

    public static func syntax(_ message: String, at span: Span, notes: [String] = []) -> PolyglotError {
        PolyglotError(.syntax, message, at: span, notes: notes)
    }

    public static func runtime(_ message: String, at span: Span?, notes: [String] = []) -> PolyglotError {
        PolyglotError(.runtime, message, at: span, notes: notes)
    }

    public var description: String { render(sourceLine: nil) }

    /// The full diagnostic; `sourceLine` is the text of the line the span points into, when known.
    public func render(sourceLine: String?) -> String {
        var out = ""
        if let span { out += "\(span.location): " }
        out += "error: \(message)"
        if let span, let sourceLine {
            let gutter = String(span.start.line)
            let pad = String(repeating: " ", count: gutter.count)
            let lineChars = Array(sourceLine)
            let col = min(max(span.start.column - 1, 0), lineChars.count)
            // Tabs keep their width under the caret.
            let lead = String(lineChars[0..<col].map { $0 == "\t" ? "\t" : " " })
            let width = max(1, min(span.length, max(1, lineChars.count - col)))
            out += "\n  \(gutter) | \(sourceLine)"
            out += "\n  \(pad) | \(lead)^" + String(repeating: "~", count: width - 1)
        }
        for note in notes { out += "\n  \(note)" }
        return out
    }
}

/// "did you mean …" from the closest candidates by edit distance.
enum Suggest {
    static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = max(1, word.count / 3)
        var best: (String, Int)?
        for c in candidates where c != word {
            let d = distance(word.lowercased(), c.lowercased())
            if d <= limit, best == nil || d < best!.1 || (d == best!.1 && c < best!.0) { best = (c, d) }
        }
        return best?.0
    }

    static func note(for word: String, in candidates: [String]) -> [String] {
        closest(to: word, in: candidates).map { ["did you mean '\($0)'?"] } ?? []
    }

    /// Damerau–Levenshtein (optimal string alignment): a swap of two letters costs 1.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
