// Tokens → statements, by recursive descent with one function per precedence level.
//
// Precedence, lowest first:  or  <  and  <  not  <  comparison (== != < <= > >=)
//                            <  additive (+ -)  <  multiplicative (* / %)  <  unary -
//                            <  postfix (. [] () and `with {…}`)
//
// Operators of one level form a flat chain, parsed by a loop, so `1 + 1 + … + 1` never recurses. What does
// recurse (brackets, blocks, prefix operators, postfix links) counts against a `NestingLimit`.
//
// Commands read like sentences: `tune base on: mix epochs: 3`. A name that is a command (or a user
// function) followed by something that can start an argument is a call; its arguments run to the end
// of the line, a closing bracket or a comma. `name(args)` (no space before the parenthesis) is the
// same call in nested form. Spacing never changes what a line means: where it would (`f a -1`, `f xs [0]`,
// `f (x) + 1`), the parser stops with an error that shows both readings.

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
    private let isVariable: (String) -> Bool
    private var declaredFunctions: Set<String> = []
    /// Names bound by `let`, `for`, assignments and parameters in this source: variables, not typos.
    private var declaredVariables: Set<String> = []
    /// Parameters of the function being parsed: they shadow commands and functions of the same name.
    private var parameters: Set<String> = []
    private let commandNames: [String]
    private let functionNames: [String]
    private var limit = NestingLimit.parser()
    private var depth = 0
    /// > 0 while reading a command's arguments outside brackets, where juxtaposition separates arguments.
    private var inCommandArguments = 0

    /// `isCallable` says which names are commands or functions defined earlier in the session, `isVariable`
    /// which are its variables; `commandNames` and `functionNames` feed the "did you mean" of unknown names.
    public init(
        tokens: [Token], isCallable: @escaping (String) -> Bool, commandNames: [String],
        isVariable: @escaping (String) -> Bool = { _ in false }, functionNames: [String] = []
    ) {
        self.tokens = tokens
        self.isCallable = isCallable
        self.isVariable = isVariable
        self.commandNames = commandNames
        self.functionNames = functionNames
    }

    public static func parse(
        _ source: String, file: String, firstLine: Int = 1,
        isCallable: @escaping (String) -> Bool = { _ in false },
        commandNames: [String] = [], isVariable: @escaping (String) -> Bool = { _ in false },
        functionNames: [String] = []
    ) throws -> [Stmt] {
        let tokens = try Lexer.tokenize(source, file: file, firstLine: firstLine)
        var parser = Parser(
            tokens: tokens, isCallable: isCallable, commandNames: commandNames,
            isVariable: isVariable, functionNames: functionNames)
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

    /// One level deeper (a bracket, a block, a prefix operator, a postfix link); the caller steps back out.
    private mutating func enterNesting(at t: Token) throws {
        depth += 1
        guard limit.allows(depth) else {
            depth -= 1
            throw PolyglotError.syntax(
                "expression nested too deeply", at: t.span,
                notes: [limit.explanation, "split it with 'let' into smaller steps"])
        }
    }

    /// The source text of tokens[from..<to], as written (strings keep their quotes).
    private func sourceText(_ from: Int, _ to: Int) -> String {
        var out = ""
        for (k, t) in tokens[from..<to].enumerated() {
            if k > 0, t.spaceBefore { out += " " }
            out += t.kind == .string ? "\"\(t.text)\"" : t.text
        }
        return out
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
            throw PolyglotError.syntax(
                "expected end of statement, found \(describe(current))", at: current.span,
                notes: ["put one statement per line, or separate them with ';'"])
        }
    }

    private mutating func block(_ what: String) throws -> [Stmt] {
        let open = try expect(.lbrace, what)
        try enterNesting(at: open)
        defer { depth -= 1 }
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
            declaredVariables.insert(name.text)
            return .letBinding(name.text, try expression(), span(from: start, to: name))
        }
        if isKeyword(.fn) { return .function(try functionDecl()) }
        if isKeyword(.for) {
            _ = advance()
            let variable = try expectIdentifier("a loop variable after 'for'")
            guard isKeyword(.in) else {
                throw PolyglotError.syntax(
                    "expected 'in' after the loop variable, found \(describe(current))",
                    at: current.span)
            }
            _ = advance()
            declaredVariables.insert(variable.text)
            let sequence = try expression(noBrace: true)
            let body = try block("to start the loop body")
            return .forLoop(variable: variable.text, sequence: sequence, body: body, start.span)
        }
        if start.kind == .identifier, isSymbol(.equal, peek()) {
            _ = advance()
            _ = advance()
            declaredVariables.insert(start.text)
            return .assign(start.text, try expression(), start.span)
        }
        if start.kind == .identifier, !isCallable(start.text), !declaredFunctions.contains(start.text),
            peek().text != "with", [.identifier, .builtinRef, .string].contains(peek().kind) || peek().kind.isNumber
        {
            let candidates = commandNames + Keyword.allCases.map(\.rawValue) + Array(declaredFunctions)
            throw PolyglotError.syntax(
                "unknown command '\(start.text)'", at: start.span,
                notes: Suggest.note(for: start.text, in: candidates)
                    + ["expected a command, 'let', 'fn', 'for', 'if' or an expression"])
        }
        return .expression(try expression())
    }

    private mutating func functionDecl() throws -> FunctionDecl {
        let start = advance()
        let name = try expectIdentifier("a function name after 'fn'")
        try expect(.lparen, "after the function name")
        var params: [FunctionParameter] = []
        if !isSymbol(.rparen) {
            repeat {
                let p = try expectIdentifier("a parameter name")
                if params.contains(where: { $0.name == p.text }) {
                    throw PolyglotError.syntax("parameter '\(p.text)' appears twice", at: p.span)
                }
                var parameter = FunctionParameter(name: p.text)
                if match(.colon) {
                    let from = pos
                    parameter.defaultValue = try expression()
                    parameter.defaultSource = sourceText(from, pos)
                } else if let keyword = params.last(where: { $0.defaultValue != nil }) {
                    throw PolyglotError.syntax(
                        "parameter '\(p.text)' needs a default: it comes after '\(keyword.name):'", at: p.span,
                        notes: ["expected the parameters without defaults first, e.g. fn f(a, b, c: 1)"])
                }
                params.append(parameter)
            } while match(.comma)
        }
        try expect(.rparen, "after the parameters")
        declaredFunctions.insert(name.text)
        declaredVariables.formUnion(params.map(\.name))
        let outer = parameters
        parameters = Set(params.map(\.name))
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

    mutating func expression(noBrace: Bool = false) throws -> Expr {
        try enterNesting(at: current)
        defer { depth -= 1 }
        return try or(noBrace)
    }

    // Each level below is one loop that collects a flat chain (no closures: a debug build's frames are large,
    // and every frame here is paid once per bracket level).

    private mutating func or(_ nb: Bool) throws -> Expr {
        let first = try and(nb)
        var links: [ChainLink] = []
        while isKeyword(.or) {
            let t = advance()
            links.append(ChainLink(op: .or, operand: try and(nb), span: t.span))
        }
        return links.isEmpty ? first : .chain(first, links)
    }

    private mutating func and(_ nb: Bool) throws -> Expr {
        let first = try not(nb)
        var links: [ChainLink] = []
        while isKeyword(.and) {
            let t = advance()
            links.append(ChainLink(op: .and, operand: try not(nb), span: t.span))
        }
        return links.isEmpty ? first : .chain(first, links)
    }

    private mutating func not(_ nb: Bool) throws -> Expr {
        var ops: [Token] = []
        defer { depth -= ops.count }
        while isKeyword(.not) {
            try enterNesting(at: current)
            ops.append(advance())
        }
        return ops.reversed().reduce(try comparison(nb)) { .not($0, $1.span) }
    }

    private static let comparisons: [Symbol: BinaryOperator] = [
        .equalEqual: .equal, .bangEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
        .greater: .greater, .greaterEqual: .greaterEqual
    ]

    private mutating func comparison(_ nb: Bool) throws -> Expr {
        let first = try additive(nb)
        var links: [ChainLink] = []
        while case .symbol(let s) = current.kind, let op = Self.comparisons[s] {
            let t = advance()
            links.append(ChainLink(op: op, operand: try additive(nb), span: t.span))
        }
        return links.isEmpty ? first : .chain(first, links)
    }

    private mutating func additive(_ nb: Bool) throws -> Expr {
        let first = try multiplicative(nb)
        var links: [ChainLink] = []
        while isSymbol(.plus) || isSymbol(.minus) {
            try rejectAmbiguousMinus()
            let t = advance()
            links.append(
                ChainLink(
                    op: t.kind == .symbol(.plus) ? .add : .subtract, operand: try multiplicative(nb),
                    span: t.span))
        }
        return links.isEmpty ? first : .chain(first, links)
    }

    /// `f a -1` could be `f(a - 1)` or `f(a, -1)`; `f a - 1` and `f a-1` are the subtraction.
    private func rejectAmbiguousMinus() throws {
        guard isSymbol(.minus), inCommandArguments > 0, current.spaceBefore, !peek().spaceBefore,
            peek().kind != .newline
        else { return }
        throw PolyglotError.syntax(
            "'-' after a space but not before its operand is ambiguous here", at: current.span,
            notes: ["write 'a - 1' to subtract, or 'a, -1' to pass -1 as another argument"])
    }

    private static let multiplicatives: [Symbol: BinaryOperator] = [
        .star: .multiply, .slash: .divide,
        .percent: .remainder
    ]

    private mutating func multiplicative(_ nb: Bool) throws -> Expr {
        let first = try unary(nb)
        var links: [ChainLink] = []
        while case .symbol(let s) = current.kind, let op = Self.multiplicatives[s] {
            let t = advance()
            links.append(ChainLink(op: op, operand: try unary(nb), span: t.span))
        }
        return links.isEmpty ? first : .chain(first, links)
    }

    private mutating func unary(_ nb: Bool) throws -> Expr {
        var ops: [Token] = []
        defer { depth -= ops.count }
        while isSymbol(.minus) {
            try enterNesting(at: current)
            ops.append(advance())
        }
        return ops.reversed().reduce(try postfix(nb)) { .negate($0, $1.span) }
    }

    /// `with` starts a record update unless it is a keyword argument (`judge a with: builtin`).
    private var atRecordUpdate: Bool {
        current.kind == .identifier && current.text == "with" && !isSymbol(.colon, peek())
            && canStartOperand(peek())
    }

    private mutating func postfix(_ nb: Bool) throws -> Expr {
        var e = try primary(nb)
        var links = 0
        defer { depth -= links }
        while isSymbol(.dot) || isSymbol(.lbracket) || atRecordUpdate {
            try enterNesting(at: current)
            links += 1
            if isSymbol(.dot) {
                _ = advance()
                let name = try expectIdentifier("a field name after '.'")
                e = .field(e, name.text, name.span)
            } else if isSymbol(.lbracket) {
                if current.spaceBefore, inCommandArguments > 0 {
                    throw PolyglotError.syntax(
                        "'[' after a space is ambiguous in a command's arguments",
                        at: current.span,
                        notes: [
                            "write 'xs[0]' (no space) to index, or 'xs, [0]' to pass "
                                + "the list as another argument"
                        ])
                }
                let t = advance()
                let outer = insideBrackets()
                let i = try expression()
                inCommandArguments = outer
                try expect(.rbracket, "after the index")
                e = .index(e, i, t.span)
            } else {
                let t = advance()
                e = .update(e, try postfix(false), t.span)
            }
        }
        return e
    }

    /// Inside brackets a command's arguments have ended: juxtaposition and spacing rules start afresh. Returns
    /// the outer state, restored at the closing bracket (a parse error abandons the parser anyway).
    private mutating func insideBrackets() -> Int {
        defer { inCommandArguments = 0 }
        return inCommandArguments
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
                let outer = insideBrackets()
                let args = try parenArguments()
                inCommandArguments = outer
                return .call(t.text, args, t.span)
            }
            if !parameters.contains(t.text), isCallable(t.text) || declaredFunctions.contains(t.text) {
                return .call(t.text, try commandArguments(nb, after: t), t.span)
            }
            try rejectUnknownName(t)
            return .variable(t.text, t.span)
        case .symbol(.lparen):
            _ = advance()
            let outer = insideBrackets()
            let e = try expression()
            inCommandArguments = outer
            try expect(.rparen, "to close the parenthesis")
            return e
        case .symbol(.lbracket):
            _ = advance()
            var items: [Expr] = []
            let outer = insideBrackets()
            if !isSymbol(.rbracket) {
                repeat {
                    if isSymbol(.rbracket) { break }  // trailing comma
                    items.append(try expression())
                } while match(.comma)
            }
            inCommandArguments = outer
            try expect(.rbracket, "to close the list")
            return .list(items, t.span)
        case .symbol(.lbrace) where !nb:
            let outer = insideBrackets()
            let record = try recordLiteral()
            inCommandArguments = outer
            return record
        default:
            throw PolyglotError.syntax("expected an expression, found \(describe(t))", at: t.span)
        }
    }

    /// `let e = compse d …`: a name that is not a variable, followed by what reads as its arguments, is a
    /// misspelt command or function; say which, rather than "expected end of statement".
    private func rejectUnknownName(_ t: Token) throws {
        guard inCommandArguments == 0, current.spaceBefore, !parameters.contains(t.text),
            !declaredVariables.contains(t.text), !isVariable(t.text)
        else { return }
        switch current.kind {
        case .identifier where !isSymbol(.colon, peek()) && !(current.text == "with" && atRecordUpdate): break
        case .int, .float, .string, .builtinRef, .symbol(.lparen): break
        default: return
        }
        let functions = Array(declaredFunctions) + functionNames
        if let command = Suggest.closest(to: t.text, in: commandNames) {
            throw PolyglotError.syntax(
                "unknown name '\(t.text)' — did you mean the command '\(command)'?",
                at: t.span)
        }
        if let function = Suggest.closest(to: t.text, in: functions) {
            throw PolyglotError.syntax(
                "unknown name '\(t.text)' — did you mean the function '\(function)'?",
                at: t.span)
        }
        throw PolyglotError.syntax(
            "unknown name '\(t.text)'", at: t.span,
            notes: ["expected a command or a function before its arguments"])
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
                try enterNesting(at: current)
                defer { depth -= 1 }
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

    private mutating func commandArguments(_ nb: Bool, after name: Token) throws -> [CallArgument] {
        var args: [CallArgument] = []
        inCommandArguments += 1
        defer { inCommandArguments -= 1 }
        try rejectAmbiguousParenthesis(after: name)
        while canStartArgument(at: pos, noBrace: nb) {
            args.append(try argument(noBrace: nb, after: args))
            _ = match(.comma)  // `f a, b` reads as well as `f a b`
        }
        return args
    }

    /// `f (x) + 1` could be `f(x) + 1` or `f((x) + 1)`; `f (x)` alone, or followed by arguments, is fine.
    private func rejectAmbiguousParenthesis(after name: Token) throws {
        guard isSymbol(.lparen), current.spaceBefore else { return }
        var level = 0, k = pos
        repeat {
            if case .symbol(let s) = tokens[k].kind {
                if s == .lparen || s == .lbracket || s == .lbrace { level += 1 }
                if s == .rparen || s == .rbracket || s == .rbrace { level -= 1 }
            }
            k += 1
        } while level > 0 && k < tokens.count - 1
        let next = tokens[k], afterNext = tokens[min(k + 1, tokens.count - 1)]
        let continues: Bool
        switch next.kind {
        case .symbol(let s):
            continues =
                Self.comparisons[s] != nil || [.plus, .star, .slash, .percent, .dot].contains(s)
                || (s == .minus && next.spaceBefore == afterNext.spaceBefore) || (s == .lbracket && !next.spaceBefore)
        case .keyword(let kw): continues = kw == .and || kw == .or
        case .identifier: continues = next.text == "with" && afterNext.kind != .symbol(.colon)
        default: continues = false
        }
        guard continues else { return }
        throw PolyglotError.syntax(
            "a space between '\(name.text)' and '(' makes the rest of the line its argument",
            at: current.span,
            notes: [
                "write '\(name.text)(…) \(next.text) …' to use the result, or "
                    + "'\(name.text) ((…) \(next.text) …)' for one argument"
            ])
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
            throw PolyglotError.syntax(
                "positional argument after keyword arguments", at: t.span,
                notes: ["expected 'name: value' or the end of the command"])
        }
        let value = try expression(noBrace: noBrace)
        return CallArgument(label: nil, value: value, span: value.span)
    }

    private func canStartOperand(_ t: Token, noBrace: Bool = false) -> Bool {
        switch t.kind {
        case .identifier, .int, .float, .string, .builtinRef: return true
        case .keyword(let k): return [.true, .false, .none, .not, .if].contains(k)
        case .symbol(.lbracket), .symbol(.lparen), .symbol(.minus): return true
        case .symbol(.lbrace): return !noBrace
        default: return false
        }
    }

    private func canStartArgument(at index: Int, noBrace: Bool = false) -> Bool {
        canStartOperand(tokens[min(index, tokens.count - 1)], noBrace: noBrace)
    }

    // MARK: - Strings

    /// Splits `"tune on {l}"` into text and expression parts; `\{` is a literal brace.
    private func interpolation(_ t: Token) throws -> Expr {
        var parts: [StringPart] = []
        var text = ""
        let chars = Array(t.text)
        var i = 0
        let baseColumn = t.span.start.column + 1
        /// The span of `length` characters of the string's text from character `offset`.
        func textSpan(_ offset: Int, length: Int) -> Span {
            Span(file: t.span.file, line: t.span.start.line, column: baseColumn + offset, length: length)
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                let n = chars[i + 1]
                switch n {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "\"", "\\", "{", "}": text.append(n)
                default:
                    throw PolyglotError.syntax(
                        "unknown escape '\\\(n)' in string",
                        at: textSpan(i, length: 2),
                        notes: ["expected one of \\n \\t \\\" \\\\ \\{ \\}"])
                }
                i += 2
            } else if c == "{" {
                guard let close = chars[(i + 1)...].firstIndex(of: "}") else {
                    throw PolyglotError.syntax(
                        "expected '}' to close the interpolation",
                        at: textSpan(i, length: 1),
                        notes: ["write \\{ for a literal brace"])
                }
                if !text.isEmpty { parts.append(.text(text)) }
                text = ""
                let inner = String(chars[(i + 1)..<close])
                let tokens = try Lexer.tokenize(
                    inner, file: t.span.file, firstLine: t.span.start.line,
                    firstColumn: baseColumn + i + 1)
                var sub = Parser(
                    tokens: tokens, isCallable: isCallable, commandNames: commandNames,
                    isVariable: isVariable, functionNames: functionNames)
                sub.declaredFunctions = declaredFunctions
                sub.declaredVariables = declaredVariables
                sub.parameters = parameters
                sub.limit = limit
                sub.depth = depth
                let e = try sub.expression()
                if sub.current.kind != .eof {
                    throw PolyglotError.syntax(
                        "expected '}' after the interpolated expression, found \(sub.describe(sub.current))",
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
