// Tokens are slices of the source with their kind and position (clox style).

public struct SourcePosition: Equatable, Sendable {
    public var line: Int  // 1-based
    public var column: Int  // 1-based, in Characters
}

/// Where a token or expression sits in its file; `length` is the width of the caret underline.
public struct Span: Equatable, Sendable {
    public var file: String
    public var start: SourcePosition
    public var length: Int

    public init(file: String, line: Int, column: Int, length: Int) {
        self.file = file
        start = SourcePosition(line: line, column: column)
        self.length = max(1, length)
    }

    public var location: String { "\(file):\(start.line):\(start.column)" }
}

public enum TokenKind: Equatable, Sendable {
    case identifier
    case int(Int)
    case float(Double)
    case string  // raw contents between quotes, escapes and `{…}` still inside
    case builtinRef  // builtin:NAME
    case keyword(Keyword)
    case symbol(Symbol)
    case newline
    case eof
}

public enum Keyword: String, CaseIterable, Sendable {
    case `let`, fn, `if`, `else`, `for`, `in`, and, or, not, `true`, `false`, none
}

public enum Symbol: String, CaseIterable, Sendable {
    case lparen = "(", rparen = ")", lbracket = "[", rbracket = "]", lbrace = "{", rbrace = "}"
    case comma = ",", colon = ":", semicolon = ";", dot = "."
    case equal = "=", equalEqual = "==", bangEqual = "!=", less = "<", lessEqual = "<=", greater = ">",
        greaterEqual = ">="
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
}

public struct Token: Equatable, Sendable {
    public var kind: TokenKind
    public var text: String
    public var span: Span
    /// True when whitespace or a line start precedes the token (`a -1` vs `a - 1` vs `a-1`).
    public var spaceBefore: Bool
}
