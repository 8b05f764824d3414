// Source text → tokens. Newlines are statement separators, except inside ( ) and [ ], where a command or list
// may continue over several lines, and after a token that cannot end a statement (a comma, an operator, `=`, a
// keyword's colon): `tune base on: mix,` continues on the next line. The rule looks only at the line's last
// token, so the REPL knows to read on, and indentation never matters.

public struct Lexer {
    private let chars: [Character]
    private let file: String
    private var i = 0
    private var line: Int
    private var column = 1
    private var nesting: [Character] = []  // open ( [ { in order
    private var lastKind: TokenKind?

    /// `firstLine` lets a notebook cell report positions in its file.
    public init(_ source: String, file: String, firstLine: Int = 1, firstColumn: Int = 1) {
        chars = Array(source)
        self.file = file
        line = firstLine
        column = firstColumn
    }

    public static func tokenize(_ source: String, file: String, firstLine: Int = 1, firstColumn: Int = 1) throws
        -> [Token]
    {
        var lexer = Lexer(source, file: file, firstLine: firstLine, firstColumn: firstColumn)
        var tokens: [Token] = []
        while true {
            let t = try lexer.next()
            tokens.append(t)
            if t.kind == .eof { return tokens }
        }
    }

    /// True when the text ends inside an open bracket or string: the REPL then asks for more lines.
    public static func needsContinuation(_ source: String) -> Bool {
        var lexer = Lexer(source, file: "<input>")
        do {
            while try lexer.next().kind != .eof {}
            return !lexer.nesting.isEmpty || lexer.lastKind.map(Lexer.continuesLine) == true
        } catch { return false }
    }

    private var atEnd: Bool { i >= chars.count }
    private func peek(_ k: Int = 0) -> Character? { i + k < chars.count ? chars[i + k] : nil }

    private mutating func advance() -> Character {
        let c = chars[i]
        i += 1
        if c == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        return c
    }

    private func span(line: Int, column: Int, length: Int) -> Span {
        Span(file: file, line: line, column: column, length: length)
    }

    /// A line ending with one of these tokens goes on on the next line.
    static func continuesLine(_ kind: TokenKind) -> Bool {
        switch kind {
        case .symbol(let s):
            return [
                .comma, .colon, .equal, .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual,
                .plus, .minus, .star, .slash, .percent, .dot
            ].contains(s)
        case .keyword(let k): return [.and, .or, .not].contains(k)
        default: return false
        }
    }

    public mutating func next() throws -> Token {
        let token = try scan()
        if token.kind != .eof { lastKind = token.kind }
        return token
    }

    private mutating func scan() throws -> Token {
        var spaceBefore = i == 0
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" {
                _ = advance()
                spaceBefore = true
            } else if c == "#" {
                while let d = peek(), d != "\n" { _ = advance() }
            } else if c == "\n", nesting.last.map({ $0 != "{" }) == true || lastKind.map(Lexer.continuesLine) == true {
                _ = advance()  // inside ( or [, or after a trailing operator: a newline is just space
                spaceBefore = true
            } else {
                break
            }
        }
        let startLine = line, startColumn = column, start = i
        guard let c = peek() else {
            return Token(kind: .eof, text: "", span: span(line: line, column: column, length: 1), spaceBefore: true)
        }
        func make(_ kind: TokenKind) -> Token {
            let text = String(chars[start..<i])
            return Token(
                kind: kind, text: text, span: span(line: startLine, column: startColumn, length: text.count),
                spaceBefore: spaceBefore)
        }
        if c == "\n" {
            _ = advance()
            return Token(
                kind: .newline, text: "\\n", span: span(line: startLine, column: startColumn, length: 1),
                spaceBefore: spaceBefore)
        }
        if c.isNumber && c.isASCII { return make(try number(startLine: startLine, startColumn: startColumn)) }
        if c.isLetter || c == "_" {
            while let d = peek(), d.isLetter || d.isNumber || d == "_" { _ = advance() }
            let word = String(chars[start..<i])
            if word == "builtin", peek() == ":", let n = peek(1), n.isLetter {
                _ = advance()
                while let d = peek(), d.isLetter || d.isNumber || d == "_" || d == "-" || d == "." { _ = advance() }
                return make(.builtinRef)
            }
            if let k = Keyword(rawValue: word) { return make(.keyword(k)) }
            return make(.identifier)
        }
        if c == "\"" {
            let content = try string(startLine: startLine, startColumn: startColumn)
            var t = make(.string)
            t.text = content
            return t
        }
        _ = advance()
        if let n = peek(), let two = Symbol(rawValue: String([c, n])) {
            _ = advance()
            return make(.symbol(two))
        }
        guard let sym = Symbol(rawValue: String(c)) else {
            throw PolyglotError.syntax(
                "unexpected character '\(c)'",
                at: span(line: startLine, column: startColumn, length: 1),
                notes: ["expected a name, a number, a string, an operator or a bracket"])
        }
        switch sym {
        case .lparen, .lbracket, .lbrace: nesting.append(c)
        case .rparen, .rbracket, .rbrace: if !nesting.isEmpty { nesting.removeLast() }
        default: break
        }
        return make(.symbol(sym))
    }

    private mutating func number(startLine: Int, startColumn: Int) throws -> TokenKind {
        let start = i
        while let d = peek(), d.isASCII, d.isNumber || d == "_" { _ = advance() }
        var isFloat = false
        if peek() == ".", let d = peek(1), d.isASCII, d.isNumber {
            isFloat = true
            _ = advance()
            while let d = peek(), d.isASCII, d.isNumber { _ = advance() }
        }
        if let e = peek(), e == "e" || e == "E" {
            let signed = peek(1) == "-" || peek(1) == "+"
            if let d = peek(signed ? 2 : 1), d.isASCII, d.isNumber {
                isFloat = true
                _ = advance()
                if signed { _ = advance() }
                while let d = peek(), d.isASCII, d.isNumber { _ = advance() }
            }
        }
        let text = String(chars[start..<i]).replacingOccurrences(of: "_", with: "")
        if isFloat, let d = Double(text) { return .float(d) }
        if let v = Int(text) { return .int(v) }
        throw PolyglotError.syntax(
            "number '\(text)' is out of range",
            at: span(line: startLine, column: startColumn, length: i - start),
            notes: ["expected an integer between \(Int.min) and \(Int.max)"])
    }

    private mutating func string(startLine: Int, startColumn: Int) throws -> String {
        _ = advance()  // opening quote
        let contentStart = i
        while let c = peek(), c != "\"" {
            if c == "\n" { break }
            if c == "\\" { _ = advance() }
            if !atEnd { _ = advance() }
        }
        guard peek() == "\"" else {
            throw PolyglotError.syntax(
                "unterminated string", at: span(line: startLine, column: startColumn, length: 1),
                notes: ["expected a closing '\"' on the same line"])
        }
        let content = String(chars[contentStart..<i])
        _ = advance()
        return content
    }
}
