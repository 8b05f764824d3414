// Tree-walking evaluation of statements. Functions see their own locals and the session's
// globals (no closures); `let` at top level or in a top-level block defines a global.

import Foundation

final class Interpreter {
    private unowned let session: Session
    private var frames: [[String: Value]] = []  // function locals, innermost last
    private static let maxDepth = 400

    init(session: Session) { self.session = session }

    // MARK: - Statements

    /// Runs top-level statements; each expression statement whose value is not none is printed.
    func runTopLevel(_ stmts: [Stmt]) throws {
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
                throw PolyglotError.runtime("cannot assign to '\(name)': it is not defined", at: span,
                                            notes: ["expected 'let \(name) = …' to define it first"])
            }
            assign(name, try evaluate(e))
            return .none
        case .function(let decl):
            if session.registry.commands[decl.name] != nil || !session.registry.subcommands(of: decl.name).isEmpty {
                throw PolyglotError.runtime("'\(decl.name)' is a command and cannot be redefined", at: decl.span,
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
                throw PolyglotError.runtime("cannot loop over \(seq.typeName)", at: sequence.span,
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

    private func checkBindable(_ name: String, _ span: Span) throws {
        if session.registry.commands[name] != nil || !session.registry.subcommands(of: name).isEmpty {
            throw PolyglotError.runtime("'\(name)' is a command name and cannot be a variable", at: span,
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
            let known = Array(session.globals.keys) + (frames.last.map { Array($0.keys) } ?? [])
                + Array(session.functions.keys) + session.registry.headWords
            throw PolyglotError.runtime("unknown variable '\(name)'", at: span,
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
                    throw PolyglotError.runtime("integer overflow in '-'", at: span,
                                                notes: ["write the operand as a number, e.g. 2.0, to use floats"])
                }
                return .int(r)
            case .float(let d): return .float(-d)
            case let v: throw PolyglotError.runtime("cannot negate \(v.typeName)", at: span, notes: ["expected a number"])
            }
        case .not(let x, _):
            return .bool(!(try condition(x)))
        case .binary(.and, let a, let b, _):
            return .bool(try condition(a) && condition(b))
        case .binary(.or, let a, let b, _):
            return .bool(try condition(a) || condition(b))
        case .binary(let op, let a, let b, let span):
            return try Arithmetic.apply(op, try evaluate(a), try evaluate(b), at: span)
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

    private func condition(_ e: Expr) throws -> Bool {
        let v = try evaluate(e)
        guard case .bool(let b) = v else {
            throw PolyglotError.runtime("condition is \(v.typeName), not a boolean", at: e.span,
                                        notes: ["expected true or false, e.g. 'len(xs) > 0'"])
        }
        return b
    }

    private func field(of v: Value, _ name: String, _ span: Span) throws -> Value {
        switch v {
        case .record(let r):
            if let f = r[name] { return f }
            throw PolyglotError.runtime("record has no field '\(name)'", at: span,
                                        notes: Suggest.note(for: name, in: r.keys) + ["fields: \(r.keys.joined(separator: ", "))"])
        case .object(let o):
            if let f = o.field(name) { return f }
            throw PolyglotError.runtime("\(o.typeName) has no field '\(name)'", at: span,
                                        notes: Suggest.note(for: name, in: o.fieldNames)
                                            + ["fields: \(o.fieldNames.joined(separator: ", "))"])
        default:
            throw PolyglotError.runtime("\(v.typeName) has no fields", at: span, notes: ["expected a record or an object"])
        }
    }

    private func index(_ v: Value, _ i: Value, _ span: Span) throws -> Value {
        switch (v, i) {
        case (.list(let xs), .int(let k)):
            let j = k < 0 ? xs.count + k : k
            guard xs.indices.contains(j) else {
                throw PolyglotError.runtime("index \(k) is out of range for a list of \(xs.count)", at: span,
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
            throw PolyglotError.runtime("cannot index \(v.typeName) with \(i.typeName)", at: span,
                                        notes: ["expected list[integer], string[integer] or record[\"field\"]"])
        }
    }

    // MARK: - Calls

    private func call(_ name: String, _ args: [CallArgument], _ span: Span) throws -> Value {
        try checkInterrupt(span)
        if let decl = session.functions[name] { return try callFunction(decl, args, span) }
        if let spec = try resolveCommand(name, args, span) {
            let rest = spec.name.contains(" ") ? Array(args.dropFirst()) : args
            return try invoke(spec, rest, span)
        }
        let known = Array(session.functions.keys) + session.registry.headWords
        throw PolyglotError.runtime("unknown command or function '\(name)'", at: span,
                                    notes: Suggest.note(for: name, in: known))
    }

    /// `load dataset …`: a head word plus a bare sub-command word as first argument.
    private func resolveCommand(_ name: String, _ args: [CallArgument], _ span: Span) throws -> CommandSpec? {
        if let spec = session.registry.commands[name] { return spec }
        let subs = session.registry.subcommands(of: name)
        if subs.isEmpty { return nil }
        let words = subs.map { String($0.name.dropFirst(name.count + 1)) }
        if let first = args.first, first.label == nil, let word = Interpreter.bareWord(first.value) {
            if let spec = session.registry.commands["\(name) \(word)"] { return spec }
            throw PolyglotError.runtime("unknown '\(name)' kind '\(word)'", at: first.span,
                                        notes: Suggest.note(for: word, in: words)
                                            + ["expected one of: \(words.map { "\(name) \($0)" }.joined(separator: ", "))"])
        }
        throw PolyglotError.runtime("'\(name)' needs a kind", at: span,
                                    notes: ["expected one of: \(words.map { "\(name) \($0)" }.joined(separator: ", "))"])
    }

    /// A name written bare as an argument (`help tune`, `load dataset`).
    static func bareWord(_ e: Expr) -> String? {
        switch e {
        case .variable(let n, _): return n
        case .call(let n, let a, _) where a.isEmpty: return n
        default: return nil
        }
    }

    private func callFunction(_ decl: FunctionDecl, _ args: [CallArgument], _ span: Span) throws -> Value {
        if let labelled = args.first(where: { $0.label != nil }) {
            throw PolyglotError.runtime("function '\(decl.name)' takes no keyword arguments", at: labelled.span,
                                        notes: ["expected \(decl.name)(\(decl.parameters.joined(separator: ", ")))"])
        }
        guard args.count == decl.parameters.count else {
            throw PolyglotError.runtime(
                "function '\(decl.name)' takes \(decl.parameters.count) argument(s), got \(args.count)", at: span,
                notes: ["expected \(decl.name)(\(decl.parameters.joined(separator: ", ")))"])
        }
        guard frames.count < Interpreter.maxDepth else {
            throw PolyglotError.runtime("too many nested calls (more than \(Interpreter.maxDepth))", at: span,
                                        notes: ["a function probably calls itself without end"])
        }
        let values = try args.map { try evaluate($0.value) }
        frames.append(Dictionary(uniqueKeysWithValues: zip(decl.parameters, values)))
        defer { frames.removeLast() }
        return try executeBlock(decl.body)
    }

    private func invoke(_ spec: CommandSpec, _ args: [CallArgument], _ span: Span) throws -> Value {
        var positional: [Value] = []
        var keywords: [String: Value] = [:]
        var spans: [String: Span] = [:]
        for a in args {
            if let label = a.label {
                guard let p = spec.keywords.first(where: { $0.name == label }) else {
                    let names = spec.keywords.map(\.name)
                    throw PolyglotError.runtime("\(spec.name) has no keyword '\(label):'", at: a.span,
                                                notes: Suggest.note(for: label, in: names)
                                                    + [names.isEmpty ? "expected no keywords" : "expected one of: \(names.map { $0 + ":" }.joined(separator: " "))"])
                }
                keywords[label] = try check(try evaluate(a.value), p, spec, a.value.span)
                spans[label] = a.value.span
            } else {
                let i = positional.count
                guard i < spec.positionals.count || (spec.variadic && !spec.positionals.isEmpty) else {
                    throw PolyglotError.runtime("\(spec.name) takes \(spec.positionals.count) positional argument(s), got more",
                                                at: a.span, notes: ["usage: \(spec.usage)"])
                }
                let p = spec.positionals[min(i, spec.positionals.count - 1)]
                // A `.name` parameter takes the word itself (`help tune`), not its value.
                let v: Value
                if p.type == .name, let word = Interpreter.bareWord(a.value) { v = .string(word) } else { v = try evaluate(a.value) }
                positional.append(try check(v, p, spec, a.value.span))
                if spans[p.name] == nil { spans[p.name] = a.value.span }
            }
        }
        for (i, p) in spec.positionals.enumerated() where i >= positional.count {
            guard let d = p.defaultValue else {
                throw PolyglotError.runtime("\(spec.name) needs \(p.name.uppercased())", at: span,
                                            notes: ["usage: \(spec.usage)"])
            }
            if !(spec.variadic && i == spec.positionals.count - 1) { positional.append(d) }
        }
        for k in spec.keywords where keywords[k.name] == nil {
            guard let d = k.defaultValue else {
                throw PolyglotError.runtime("\(spec.name) needs '\(k.name):'", at: span, notes: ["usage: \(spec.usage)"])
            }
            keywords[k.name] = d
        }
        let invocation = Invocation(session: session, spec: spec, span: span, positional: positional,
                                    keywords: keywords, argumentSpans: spans)
        return try spec.run(invocation)
    }

    private func check(_ v: Value, _ p: Parameter, _ spec: CommandSpec, _ span: Span) throws -> Value {
        if v == .none, p.defaultValue == Value.none { return v }
        guard let accepted = p.type.accept(v) else {
            throw PolyglotError.runtime("\(p.name) of \(spec.name) must be \(p.type.description), got \(v.typeName)",
                                        at: span, notes: ["usage: \(spec.usage)"])
        }
        return accepted
    }
}
