// Tree-walking evaluation of statements. Functions see their own locals and the session's
// globals (no closures); `let` at top level or in a top-level block defines a global.

import Foundation

final class Interpreter {
    private unowned let session: Session
    private var frames: [[String: Value]] = []  // function locals, innermost last
    private static let maxCalls = 400
    private var limit = NestingLimit.interpreter()
    private var depth = 0

    init(session: Session) { self.session = session }

    // MARK: - Statements

    /// Runs top-level statements; each expression statement whose value is not none is printed.
    func runTopLevel(_ stmts: [Stmt]) throws {
        // Measured on the thread that runs the cell (a nested `use` runs on the same one).
        if depth == 0 { limit = NestingLimit.interpreter() }
        for s in stmts {
            try checkInterrupt(nil)
            if case .expression(let e) = s {
                let v = try evaluate(e)
                if v != .none { session.emit(v.repr) }
            } else {
                _ = try execute(s)
            }
        }
    }

    /// Runs a block and returns the value of its last expression statement (none otherwise).
    private func executeBlock(_ stmts: [Stmt]) throws -> Value {
        try enterNesting(stmts.first.map(Interpreter.span(of:)) ?? nil)
        defer { depth -= 1 }
        var last = Value.none
        for s in stmts { last = try execute(s) }
        return last
    }

    private func execute(_ s: Stmt) throws -> Value {
        switch s {
        case .expression(let e):
            return try evaluate(e)
        case .letBinding(let name, let e, let span):
            try checkBindable(name, span)
            define(name, try evaluate(e))
            return .none
        case .assign(let name, let e, let span):
            guard lookup(name) != nil else {
                throw PolyglotError.runtime(
                    "cannot assign to '\(name)': it is not defined", at: span,
                    notes: ["expected 'let \(name) = …' to define it first"])
            }
            assign(name, try evaluate(e))
            return .none
        case .function(let decl):
            if session.registry.commands[decl.name] != nil || !session.registry.subcommands(of: decl.name).isEmpty {
                throw PolyglotError.runtime(
                    "'\(decl.name)' is a command and cannot be redefined", at: decl.span,
                    notes: ["expected another function name"])
            }
            session.functions[decl.name] = decl
            return .none
        case .forLoop(let variable, let sequence, let body, let span):
            let seq = try evaluate(sequence)
            let items: [Value]
            switch seq {
            case .list(let xs): items = xs
            case .record(let r): items = r.keys.map { .string($0) }
            case .string(let str): items = str.map { .string(String($0)) }
            default:
                throw PolyglotError.runtime(
                    "cannot loop over \(seq.typeName)", at: sequence.span,
                    notes: ["expected a list, a record or a string"])
            }
            for item in items {
                try checkInterrupt(span)
                define(variable, item)
                _ = try executeBlock(body)
            }
            return .none
        }
    }

    /// One evaluation deeper; deep recursion of user functions or a small thread stack ends here, located.
    private func enterNesting(_ span: Span?) throws {
        depth += 1
        guard limit.allows(depth) else {
            depth -= 1
            throw PolyglotError.runtime("expression nested too deeply", at: span, notes: [limit.explanation])
        }
    }

    private static func span(of s: Stmt) -> Span? {
        switch s {
        case .letBinding(_, _, let span), .assign(_, _, let span), .forLoop(_, _, _, let span): return span
        case .expression(let e): return e.span
        case .function(let d): return d.span
        }
    }

    private func checkBindable(_ name: String, _ span: Span) throws {
        if session.registry.commands[name] != nil || !session.registry.subcommands(of: name).isEmpty {
            throw PolyglotError.runtime(
                "'\(name)' is a command name and cannot be a variable", at: span,
                notes: ["expected another name, e.g. '\(name)_1' or 'my_\(name)'"])
        }
    }

    private func checkInterrupt(_ span: Span?) throws {
        if Interrupt.isRequested {
            throw PolyglotError(.interrupted, "interrupted", at: span)
        }
    }

    // MARK: - Variables

    private func define(_ name: String, _ v: Value) {
        if frames.isEmpty { session.globals[name] = v } else { frames[frames.count - 1][name] = v }
    }

    private func assign(_ name: String, _ v: Value) {
        if !frames.isEmpty, frames[frames.count - 1][name] != nil {
            frames[frames.count - 1][name] = v
        } else {
            session.globals[name] = v
        }
    }

    private func lookup(_ name: String) -> Value? {
        if let f = frames.last, let v = f[name] { return v }
        return session.globals[name]
    }

    // MARK: - Expressions

    func evaluate(_ e: Expr) throws -> Value {
        try enterNesting(e.span)
        defer { depth -= 1 }
        switch e {
        case .literal(let v, _):
            return v
        case .interpolated(let parts, _):
            var s = ""
            for p in parts {
                switch p {
                case .text(let t): s += t
                case .expr(let x): s += try evaluate(x).text
                }
            }
            return .string(s)
        case .variable(let name, let span):
            if let v = lookup(name) { return v }
            let known =
                Array(session.globals.keys) + (frames.last.map { Array($0.keys) } ?? [])
                + Array(session.functions.keys) + session.registry.headWords
            throw PolyglotError.runtime(
                "unknown variable '\(name)'", at: span,
                notes: Suggest.note(for: name, in: known))
        case .list(let items, _):
            return .list(try items.map(evaluate))
        case .record(let fields, _):
            return .record(Record(try fields.map { ($0.0, try evaluate($0.1)) }))
        case .negate(let x, let span):
            switch try evaluate(x) {
            case .int(let i):
                let (r, overflow) = 0.subtractingReportingOverflow(i)
                if overflow {
                    throw PolyglotError.runtime(
                        "integer overflow in '-'", at: span,
                        notes: ["write the operand as a number, e.g. 2.0, to use floats"])
                }
                return .int(r)
            case .float(let d): return .float(-d)
            case let v:
                throw PolyglotError.runtime("cannot negate \(v.typeName)", at: span, notes: ["expected a number"])
            }
        case .not(let x, _):
            return .bool(!(try condition(x)))
        case .chain(let first, let links):
            return try chain(first, links)
        case .update(let base, let changes, _):
            return try update(try evaluate(base), with: try evaluate(changes), base.span, changes.span)
        case .field(let x, let name, let span):
            return try field(of: try evaluate(x), name, span)
        case .index(let x, let i, let span):
            return try index(try evaluate(x), try evaluate(i), span)
        case .call(let name, let args, let span):
            return try call(name, args, span)
        case .ifElse(let cond, let then, let otherwise, _):
            if try condition(cond) { return try executeBlock(then) }
            return try otherwise.map(executeBlock) ?? .none
        }
    }

    /// `a + b - c`, `a and b and c`: left to right in a loop; `and`/`or` stop at the first operand that decides.
    private func chain(_ first: Expr, _ links: [ChainLink]) throws -> Value {
        if let op = links.first?.op, op == .and || op == .or {
            let decisive = op == .or
            if try condition(first) == decisive { return .bool(decisive) }
            for link in links {
                if try condition(link.operand) == decisive { return .bool(decisive) }
            }
            return .bool(!decisive)
        }
        var value = try evaluate(first)
        for link in links {
            value = try Arithmetic.apply(link.op, value, try evaluate(link.operand), at: link.span)
        }
        return value
    }

    private func update(_ base: Value, with changes: Value, _ baseSpan: Span, _ changesSpan: Span) throws -> Value {
        guard case .record(var record) = base else {
            throw PolyglotError.runtime(
                "'with' updates a record, not \(base.typeName)", at: baseSpan,
                notes: ["expected a record on the left, e.g. recipe with {seed: 2}"])
        }
        guard case .record(let fields) = changes else {
            throw PolyglotError.runtime(
                "'with' takes a record of fields, not \(changes.typeName)", at: changesSpan,
                notes: ["expected e.g. recipe with {seed: 2}"])
        }
        for (key, value) in fields.fields { record[key] = Optional(value) }
        return .record(record)
    }

    private func condition(_ e: Expr) throws -> Bool {
        let v = try evaluate(e)
        guard case .bool(let b) = v else {
            throw PolyglotError.runtime(
                "condition is \(v.typeName), not a boolean", at: e.span,
                notes: ["expected true or false, e.g. 'len(xs) > 0'"])
        }
        return b
    }

    private func field(of v: Value, _ name: String, _ span: Span) throws -> Value {
        switch v {
        case .record(let r):
            if let f = r[name] { return f }
            throw PolyglotError.runtime(
                "record has no field '\(name)'", at: span,
                notes: Suggest.note(for: name, in: r.keys) + ["fields: \(r.keys.joined(separator: ", "))"])
        case .object(let o):
            if let f = o.field(name) { return f }
            throw PolyglotError.runtime(
                "\(o.typeName) has no field '\(name)'", at: span,
                notes: Suggest.note(for: name, in: o.fieldNames)
                    + ["fields: \(o.fieldNames.joined(separator: ", "))"])
        default:
            throw PolyglotError.runtime(
                "\(v.typeName) has no fields", at: span, notes: ["expected a record or an object"])
        }
    }

    private func index(_ v: Value, _ i: Value, _ span: Span) throws -> Value {
        switch (v, i) {
        case (.list(let xs), .int(let k)):
            let j = k < 0 ? xs.count + k : k
            guard xs.indices.contains(j) else {
                throw PolyglotError.runtime(
                    "index \(k) is out of range for a list of \(xs.count)", at: span,
                    notes: ["expected an index from \(-xs.count) to \(xs.count - 1)"])
            }
            return xs[j]
        case (.string(let s), .int(let k)):
            let chars = Array(s)
            let j = k < 0 ? chars.count + k : k
            guard chars.indices.contains(j) else {
                throw PolyglotError.runtime("index \(k) is out of range for a string of \(chars.count)", at: span)
            }
            return .string(String(chars[j]))
        case (.record, .string(let key)), (.object, .string(let key)):
            return try field(of: v, key, span)
        default:
            throw PolyglotError.runtime(
                "cannot index \(v.typeName) with \(i.typeName)", at: span,
                notes: ["expected list[integer], string[integer] or record[\"field\"]"])
        }
    }

    // MARK: - Calls

    private func call(_ name: String, _ args: [CallArgument], _ span: Span) throws -> Value {
        try checkInterrupt(span)
        if let decl = session.functions[name] { return try callFunction(decl, args, span) }
        if let spec = try resolveCommand(name, args, span) {
            let rest = spec.name.contains(" ") ? Array(args.dropFirst()) : args
            return try spec.run(try spec.bind(rest, at: span, session: session, evaluate: evaluate))
        }
        let known = Array(session.functions.keys) + session.registry.headWords
        throw PolyglotError.runtime(
            "unknown command or function '\(name)'", at: span,
            notes: Suggest.note(for: name, in: known))
    }

    /// `load dataset …`: a head word plus a bare sub-command word as first argument.
    private func resolveCommand(_ name: String, _ args: [CallArgument], _ span: Span) throws -> CommandSpec? {
        if let spec = session.registry.commands[name] { return spec }
        let subs = session.registry.subcommands(of: name)
        if subs.isEmpty { return nil }
        let words = subs.map { String($0.name.dropFirst(name.count + 1)) }
        if let first = args.first, first.label == nil, let word = CommandSpec.bareWord(first.value) {
            if let spec = session.registry.commands["\(name) \(word)"] { return spec }
            throw PolyglotError.runtime(
                "unknown '\(name)' kind '\(word)'", at: first.span,
                notes: Suggest.note(for: word, in: words)
                    + ["expected one of: \(words.map { "\(name) \($0)" }.joined(separator: ", "))"])
        }
        throw PolyglotError.runtime(
            "'\(name)' needs a kind", at: span,
            notes: ["expected one of: \(words.map { "\(name) \($0)" }.joined(separator: ", "))"])
    }

    private func callFunction(_ decl: FunctionDecl, _ args: [CallArgument], _ span: Span) throws -> Value {
        let expected = ["expected \(decl.signature)"]
        var given: [String: CallArgument] = [:]
        for (i, a) in args.enumerated() {
            let name: String
            if let label = a.label {
                guard decl.parameters.contains(where: { $0.name == label }) else {
                    throw PolyglotError.runtime(
                        "function '\(decl.name)' has no parameter '\(label):'", at: a.span,
                        notes: Suggest.note(for: label, in: decl.parameters.map(\.name))
                            + expected)
                }
                name = label
            } else {
                guard i < decl.parameters.count else {
                    throw PolyglotError.runtime(
                        "function '\(decl.name)' takes \(decl.parameters.count) argument(s), got \(args.count)",
                        at: span, notes: expected)
                }
                name = decl.parameters[i].name
            }
            if given[name] != nil {
                throw PolyglotError.runtime(
                    "argument '\(name)' of '\(decl.name)' is given twice", at: a.span,
                    notes: ["it is already given by position"] + expected)
            }
            given[name] = a
        }
        if let missing = decl.parameters.first(where: { given[$0.name] == nil && $0.defaultValue == nil }) {
            throw PolyglotError.runtime(
                "function '\(decl.name)' needs its argument '\(missing.name)'", at: span,
                notes: expected)
        }
        guard frames.count < Interpreter.maxCalls else {
            throw PolyglotError.runtime(
                "too many nested calls (more than \(Interpreter.maxCalls))", at: span,
                notes: ["a function probably calls itself without end"])
        }
        var frame: [String: Value] = [:]
        for p in decl.parameters {
            if let a = given[p.name] { frame[p.name] = try evaluate(a.value) }
        }
        frames.append(frame)
        defer { frames.removeLast() }
        // Defaults are evaluated at the call, in the function's frame: they see the globals and earlier parameters.
        for p in decl.parameters where given[p.name] == nil {
            if let d = p.defaultValue { define(p.name, try evaluate(d)) }
        }
        return try executeBlock(decl.body)
    }
}
