// Tokens → statements, by recursive descent with one function per precedence level.
//
// Precedence, lowest first:  or  <  and  <  not  <  comparison (== != < <= > >=)
//                            <  additive (+ -)  <  multiplicative (* / %)  <  unary -  <  postfix (. [] ())
//
// Commands read like sentences: `tune base on: mix epochs: 3`. A name that is a command (or a user
// function) followed by something that can start an argument is a call; its arguments run to the end
// of the line, a closing bracket or a comma. `name(args)` (no space before the parenthesis) is the
// same call in nested form.

extension TokenKind {
    var isNumber: Bool {
        switch self {
        case .int, .float: true
        default: false
        }
    }
}

public struct Parser {
    private var tokens: [Token]
    private var pos = 0
    private let isCallable: (String) -> Bool
    private var declaredFunctions: Set<String> = []
    /// Parameters of the function being parsed: they shadow commands and functions of the same name.
    private var parameters: Set<String> = []
    private let commandNames: [String]

    /// `isCallable` says which names are commands or functions defined earlier in the session;
    /// `commandNames` feeds the "did you mean" of unknown commands.
    public init(tokens: [Token], isCallable: @escaping (String) -> Bool, commandNames: [String]) {
        self.tokens = tokens
        self.isCallable = isCallable
        self.commandNames = commandNames
    }

    public static func parse(_ source: String, file: String, firstLine: Int = 1,
                             isCallable: @escaping (String) -> Bool = { _ in false },
                             commandNames: [String] = []) throws -> [Stmt] {
        let tokens = try Lexer.tokenize(source, file: file, firstLine: firstLine)
        var parser = Parser(tokens: tokens, isCallable: isCallable, commandNames: commandNames)
        return try parser.program()
    }

    // MARK: - Token helpers

    private var current: Token { tokens[pos] }
    private func peek(_ k: Int = 1) -> Token { tokens[min(pos + k, tokens.count - 1)] }
    private mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    private func isSymbol(_ s: Symbol, _ t: Token? = nil) -> Bool { (t ?? current).kind == .symbol(s) }
    private func isKeyword(_ k: Keyword, _ t: Token? = nil) -> Bool { (t ?? current).kind == .keyword(k) }

    private mutating func match(_ s: Symbol) -> Bool {
        if isSymbol(s) {
            _ = advance()
            return true
        }
        return false
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .eof: return "end of input"
        case .newline: return "end of line"
        case .string: return "a string"
        case .int, .float: return "number \(t.text)"
        default: return "'\(t.text)'"
        }
    }

    @discardableResult
    private mutating func expect(_ s: Symbol, _ what: String) throws -> Token {
        guard isSymbol(s) else {
            throw PolyglotError.syntax("expected '\(s.rawValue)' \(what), found \(describe(current))", at: current.span)
        }
        return advance()
    }

    private mutating func expectIdentifier(_ what: String) throws -> Token {
        guard current.kind == .identifier else {
            throw PolyglotError.syntax("expected \(what), found \(describe(current))", at: current.span)
        }
        return advance()
    }

    private mutating func skipNewlines() {
        while current.kind == .newline || isSymbol(.semicolon) { _ = advance() }
    }

    // MARK: - Statements

    mutating func program() throws -> [Stmt] {
        var stmts: [Stmt] = []
        skipNewlines()
        while current.kind != .eof {
            stmts.append(try statement())
            try endOfStatement()
            skipNewlines()
        }
        return stmts
    }

    private mutating func endOfStatement() throws {
        switch current.kind {
        case .newline, .eof: return
        case .symbol(.semicolon), .symbol(.rbrace): return
        default:
            throw PolyglotError.syntax("expected end of statement, found \(describe(current))", at: current.span,
                                       notes: ["put one statement per line, or separate them with ';'"])
        }
    }

    private mutating func block(_ what: String) throws -> [Stmt] {
        try expect(.lbrace, what)
        var stmts: [Stmt] = []
        skipNewlines()
        while !isSymbol(.rbrace) {
            if current.kind == .eof {
                throw PolyglotError.syntax("expected '}' to close the block, found end of input", at: current.span)
            }
            stmts.append(try statement())
            try endOfStatement()
            skipNewlines()
        }
        _ = advance()
        return stmts
    }

    private mutating func statement() throws -> Stmt {
        let start = current
        if isKeyword(.let) {
            _ = advance()
            let name = try expectIdentifier("a variable name after 'let'")
            try expect(.equal, "after the variable name in 'let'")
            return .letBinding(name.text, try expression(), span(from: start, to: name))
        }
        if isKeyword(.fn) { return .function(try functionDecl()) }
        if isKeyword(.for) {
            _ = advance()
            let variable = try expectIdentifier("a loop variable after 'for'")
            guard isKeyword(.in) else {
                throw PolyglotError.syntax("expected 'in' after the loop variable, found \(describe(current))",
                                           at: current.span)
            }
            _ = advance()
            let sequence = try expression(noBrace: true)
            let body = try block("to start the loop body")
            return .forLoop(variable: variable.text, sequence: sequence, body: body, start.span)
        }
        if start.kind == .identifier, isSymbol(.equal, peek()) {
            _ = advance()
            _ = advance()
            return .assign(start.text, try expression(), start.span)
        }
        if start.kind == .identifier, !isCallable(start.text), !declaredFunctions.contains(start.text),
           [.identifier, .builtinRef, .string].contains(peek().kind) || peek().kind.isNumber {
            let candidates = commandNames + Keyword.allCases.map(\.rawValue) + Array(declaredFunctions)
            throw PolyglotError.syntax("unknown command '\(start.text)'", at: start.span,
                                       notes: Suggest.note(for: start.text, in: candidates)
                                           + ["expected a command, 'let', 'fn', 'for', 'if' or an expression"])
        }
        return .expression(try expression())
    }

    private mutating func functionDecl() throws -> FunctionDecl {
        let start = advance()
        let name = try expectIdentifier("a function name after 'fn'")
        try expect(.lparen, "after the function name")
        var params: [String] = []
        if !isSymbol(.rparen) {
            repeat {
                let p = try expectIdentifier("a parameter name")
                if params.contains(p.text) {
                    throw PolyglotError.syntax("parameter '\(p.text)' appears twice", at: p.span)
                }
                params.append(p.text)
            } while match(.comma)
        }
        try expect(.rparen, "after the parameters")
        declaredFunctions.insert(name.text)
        let outer = parameters
        parameters = Set(params)
        defer { parameters = outer }
        let body = try block("to start the function body")
        return FunctionDecl(name: name.text, parameters: params, body: body, span: span(from: start, to: name))
    }

    private func span(from a: Token, to b: Token) -> Span {
        var s = a.span
        if b.span.start.line == a.span.start.line {
            s.length = b.span.start.column + b.span.length - a.span.start.column
        }
        return s
    }

    // MARK: - Expressions

    mutating func expression(noBrace: Bool = false) throws -> Expr { try or(noBrace) }

    private mutating func or(_ nb: Bool) throws -> Expr {
        var e = try and(nb)
        while isKeyword(.or) {
            let op = advance()
            e = .binary(.or, e, try and(nb), op.span)
        }
        return e
    }

    private mutating func and(_ nb: Bool) throws -> Expr {
        var e = try not(nb)
        while isKeyword(.and) {
            let op = advance()
            e = .binary(.and, e, try not(nb), op.span)
        }
        return e
    }

    private mutating func not(_ nb: Bool) throws -> Expr {
        if isKeyword(.not) {
            let op = advance()
            return .not(try not(nb), op.span)
        }
        return try comparison(nb)
    }

    private static let comparisons: [Symbol: BinaryOperator] = [
        .equalEqual: .equal, .bangEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
        .greater: .greater, .greaterEqual: .greaterEqual,
    ]

    private mutating func comparison(_ nb: Bool) throws -> Expr {
        var e = try additive(nb)
        while case .symbol(let s) = current.kind, let op = Self.comparisons[s] {
            let t = advance()
            e = .binary(op, e, try additive(nb), t.span)
        }
        return e
    }

    private mutating func additive(_ nb: Bool) throws -> Expr {
        var e = try multiplicative(nb)
        while isSymbol(.plus) || (isSymbol(.minus) && !looksLikeNegativeArgument()) {
            let t = advance()
            let rhs = try multiplicative(nb)
            e = .binary(t.kind == .symbol(.plus) ? .add : .subtract, e, rhs, t.span)
        }
        return e
    }

    /// In `f a -1` the `-1` is a second argument; in `a - 1` and `a-1` it is a subtraction.
    private func looksLikeNegativeArgument() -> Bool {
        inCommandArguments > 0 && current.spaceBefore && !peek().spaceBefore
    }

    private var inCommandArguments = 0

    private mutating func multiplicative(_ nb: Bool) throws -> Expr {
        var e = try unary(nb)
        while isSymbol(.star) || isSymbol(.slash) || isSymbol(.percent) {
            let t = advance()
            let op: BinaryOperator = t.kind == .symbol(.star) ? .multiply : t.kind == .symbol(.slash) ? .divide : .remainder
            e = .binary(op, e, try unary(nb), t.span)
        }
        return e
    }

    private mutating func unary(_ nb: Bool) throws -> Expr {
        if isSymbol(.minus) {
            let t = advance()
            return .negate(try unary(nb), t.span)
        }
        return try postfix(nb)
    }

    private mutating func postfix(_ nb: Bool) throws -> Expr {
        var e = try primary(nb)
        while true {
            if isSymbol(.dot) {
                _ = advance()
                let name = try expectIdentifier("a field name after '.'")
                e = .field(e, name.text, name.span)
            } else if isSymbol(.lbracket), !current.spaceBefore {
                let t = advance()
                let i = try expression()
                try expect(.rbracket, "after the index")
                e = .index(e, i, t.span)
            } else {
                return e
            }
        }
    }

    private mutating func primary(_ nb: Bool) throws -> Expr {
        let t = current
        switch t.kind {
        case .int(let i):
            _ = advance()
            return .literal(.int(i), t.span)
        case .float(let d):
            _ = advance()
            return .literal(.float(d), t.span)
        case .string:
            _ = advance()
            return try interpolation(t)
        case .builtinRef:
            _ = advance()
            return .literal(.string(t.text), t.span)
        case .keyword(.true), .keyword(.false):
            _ = advance()
            return .literal(.bool(t.kind == .keyword(.true)), t.span)
        case .keyword(.none):
            _ = advance()
            return .literal(.none, t.span)
        case .keyword(.if):
            return try ifExpression()
        case .identifier:
            _ = advance()
            if isSymbol(.lparen), !current.spaceBefore {
                return .call(t.text, try parenArguments(), t.span)
            }
            if !parameters.contains(t.text), isCallable(t.text) || declaredFunctions.contains(t.text) {
                return .call(t.text, try commandArguments(nb), t.span)
            }
            return .variable(t.text, t.span)
        case .symbol(.lparen):
            _ = advance()
            let e = try expression()
            try expect(.rparen, "to close the parenthesis")
            return e
        case .symbol(.lbracket):
            _ = advance()
            var items: [Expr] = []
            if !isSymbol(.rbracket) {
                repeat {
                    if isSymbol(.rbracket) { break }  // trailing comma
                    items.append(try expression())
                } while match(.comma)
            }
            try expect(.rbracket, "to close the list")
            return .list(items, t.span)
        case .symbol(.lbrace) where !nb:
            return try recordLiteral()
        default:
            throw PolyglotError.syntax("expected an expression, found \(describe(t))", at: t.span)
        }
    }

    private mutating func recordLiteral() throws -> Expr {
        let open = advance()
        var fields: [(String, Expr)] = []
        skipNewlines()
        while !isSymbol(.rbrace) {
            let key = try expectIdentifier("a field name in the record")
            try expect(.colon, "after the field name '\(key.text)'")
            if fields.contains(where: { $0.0 == key.text }) {
                throw PolyglotError.syntax("field '\(key.text)' appears twice", at: key.span)
            }
            fields.append((key.text, try expression()))
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        skipNewlines()
        try expect(.rbrace, "to close the record")
        return .record(fields, open.span)
    }

    private mutating func ifExpression() throws -> Expr {
        let t = advance()
        let condition = try expression(noBrace: true)
        let then = try block("after the condition of 'if'")
        var otherwise: [Stmt]?
        // `else` may sit on the next line after the closing brace.
        var look = pos
        while tokens[look].kind == .newline { look += 1 }
        if tokens[look].kind == .keyword(.else) {
            pos = look
            _ = advance()
            if isKeyword(.if) {
                otherwise = [.expression(try ifExpression())]
            } else {
                otherwise = try block("after 'else'")
            }
        }
        return .ifElse(condition: condition, then: then, otherwise: otherwise, t.span)
    }

    // MARK: - Arguments

    private mutating func parenArguments() throws -> [CallArgument] {
        try expect(.lparen, "to start the arguments")
        var args: [CallArgument] = []
        if !isSymbol(.rparen) {
            repeat {
                if isSymbol(.rparen) { break }
                args.append(try argument(noBrace: false, after: args))
            } while match(.comma)
        }
        try expect(.rparen, "to close the arguments")
        return args
    }

    private mutating func commandArguments(_ nb: Bool) throws -> [CallArgument] {
        var args: [CallArgument] = []
        inCommandArguments += 1
        defer { inCommandArguments -= 1 }
        while canStartArgument(at: pos, noBrace: nb) {
            args.append(try argument(noBrace: nb, after: args))
            _ = match(.comma)  // `f a, b` reads as well as `f a b`
        }
        return args
    }

    private mutating func argument(noBrace: Bool, after previous: [CallArgument]) throws -> CallArgument {
        let t = current
        if t.kind == .identifier, isSymbol(.colon, peek()) {
            _ = advance()
            _ = advance()
            if previous.contains(where: { $0.label == t.text }) {
                throw PolyglotError.syntax("keyword '\(t.text):' is given twice", at: t.span)
            }
            return CallArgument(label: t.text, value: try expression(noBrace: noBrace), span: t.span)
        }
        if previous.contains(where: { $0.label != nil }) {
            throw PolyglotError.syntax("positional argument after keyword arguments", at: t.span,
                                       notes: ["expected 'name: value' or the end of the command"])
        }
        let value = try expression(noBrace: noBrace)
        return CallArgument(label: nil, value: value, span: value.span)
    }

    private func canStartArgument(at index: Int, noBrace: Bool = false) -> Bool {
        let t = tokens[min(index, tokens.count - 1)]
        switch t.kind {
        case .identifier, .int, .float, .string, .builtinRef: return true
        case .keyword(let k): return [.true, .false, .none, .not, .if].contains(k)
        case .symbol(.lbracket), .symbol(.lparen): return true
        case .symbol(.lbrace): return !noBrace
        case .symbol(.minus): return t.spaceBefore && !tokens[min(index + 1, tokens.count - 1)].spaceBefore
        default: return false
        }
    }

    // MARK: - Strings

    /// Splits `"tune on {l}"` into text and expression parts; `\{` is a literal brace.
    private func interpolation(_ t: Token) throws -> Expr {
        var parts: [StringPart] = []
        var text = ""
        let chars = Array(t.text)
        var i = 0
        let baseColumn = t.span.start.column + 1
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                let n = chars[i + 1]
                switch n {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "\"", "\\", "{", "}": text.append(n)
                default:
                    throw PolyglotError.syntax("unknown escape '\\\(n)' in string",
                                               at: Span(file: t.span.file, line: t.span.start.line,
                                                        column: baseColumn + i, length: 2),
                                               notes: ["expected one of \\n \\t \\\" \\\\ \\{ \\}"])
                }
                i += 2
            } else if c == "{" {
                guard let close = chars[(i + 1)...].firstIndex(of: "}") else {
                    throw PolyglotError.syntax("expected '}' to close the interpolation",
                                               at: Span(file: t.span.file, line: t.span.start.line,
                                                        column: baseColumn + i, length: 1),
                                               notes: ["write \\{ for a literal brace"])
                }
                if !text.isEmpty { parts.append(.text(text)) }
                text = ""
                let inner = String(chars[(i + 1)..<close])
                let tokens = try Lexer.tokenize(inner, file: t.span.file, firstLine: t.span.start.line,
                                                firstColumn: baseColumn + i + 1)
                var sub = Parser(tokens: tokens, isCallable: isCallable, commandNames: commandNames)
                sub.declaredFunctions = declaredFunctions
                let e = try sub.expression()
                if sub.current.kind != .eof {
                    throw PolyglotError.syntax("expected '}' after the interpolated expression, found \(sub.describe(sub.current))",
                                               at: sub.current.span)
                }
                parts.append(.expr(e))
                i = close + 1
            } else {
                text.append(c)
                i += 1
            }
        }
        if parts.isEmpty { return .literal(.string(text), t.span) }
        if !text.isEmpty { parts.append(.text(text)) }
        return .interpolated(parts, t.span)
    }
}
