// A call's arguments checked against its command's spec, in one place for every command: positional count and
// types, unknown keywords ("did you mean"), defaults, and `recipe:` records spread over the keywords.

extension CommandSpec {
    /// The checked invocation of `self` with `args` (after a sub-command's kind word); `evaluate` gives an
    /// argument's value, so a wrong keyword is reported before its value is computed.
    func bind(
        _ args: [CallArgument], at span: Span, session: Session,
        evaluate: (Expr) throws -> Value
    ) throws -> Invocation {
        var positional: [Value] = []
        var named: [String: Value] = [:]
        var spans: [String: Span] = [:]
        for a in args {
            if let label = a.label {
                guard let p = keywords.first(where: { $0.name == label }) else {
                    throw PolyglotError.runtime(
                        "\(name) has no keyword '\(label):'", at: a.span,
                        notes: Suggest.note(for: label, in: keywords.map(\.name))
                            + [expectedKeywords])
                }
                named[label] = try check(try evaluate(a.value), p, a.value, at: a.value.span)
                spans[label] = a.value.span
            } else {
                let i = positional.count
                guard i < positionals.count || (variadic && !positionals.isEmpty) else {
                    throw PolyglotError.runtime(
                        "\(name) takes \(positionals.count) positional argument(s), got more",
                        at: a.span, notes: ["usage: \(usage)"])
                }
                let p = positionals[min(i, positionals.count - 1)]
                // A `.name` parameter takes the word itself (`help tune`), not its value.
                let v: Value
                if p.type == .name, let word = CommandSpec.bareWord(a.value) {
                    v = .string(word)
                } else {
                    v = try evaluate(a.value)
                }
                positional.append(try check(v, p, a.value, at: a.value.span))
                if spans[p.name] == nil { spans[p.name] = a.value.span }
            }
        }
        if case .record(let recipe)? = named[Parameter.recipe.name] {
            try spread(recipe, at: spans[Parameter.recipe.name] ?? span, into: &named, spans: &spans)
        }
        for (i, p) in positionals.enumerated() where i >= positional.count {
            guard let d = p.defaultValue else {
                throw PolyglotError.runtime(
                    "\(name) needs \(p.name.uppercased())", at: span,
                    notes: ["usage: \(usage)"])
            }
            if !(variadic && i == positionals.count - 1) { positional.append(d) }
        }
        for k in keywords where named[k.name] == nil {
            guard let d = k.defaultValue else {
                throw PolyglotError.runtime("\(name) needs '\(k.name):'", at: span, notes: ["usage: \(usage)"])
            }
            named[k.name] = d
        }
        return Invocation(
            session: session, spec: self, span: span, positional: positional, keywords: named,
            argumentSpans: spans)
    }

    /// The recipe's fields become keywords that were not given explicitly; errors point at the recipe.
    private func spread(
        _ recipe: Record, at recipeSpan: Span, into named: inout [String: Value],
        spans: inout [String: Span]
    ) throws {
        let options = keywords.filter { $0.name != Parameter.recipe.name }
        for (field, value) in recipe.fields {
            guard let p = options.first(where: { $0.name == field }) else {
                throw PolyglotError.runtime(
                    "the recipe's field '\(field)' is not an option of \(name)", at: recipeSpan,
                    notes: Suggest.note(for: field, in: options.map(\.name))
                        + [
                            "expected fields among: "
                                + options.map(\.name).joined(separator: ", ")
                        ])
            }
            if named[field] != nil { continue }  // an explicit keyword wins
            do {
                named[field] = try check(value, p, nil, at: recipeSpan)
            } catch var e as PolyglotError {
                e.message = "field '\(field)' of the recipe: " + e.message
                throw e
            }
            spans[field] = recipeSpan
        }
    }

    private var expectedKeywords: String {
        keywords.isEmpty
            ? "expected no keywords"
            : "expected one of: \(keywords.map { $0.name + ":" }.joined(separator: " "))"
    }

    /// The value as the command receives it; errors point at the argument, or at the offending item of a list or
    /// field of a record written in place, and a wrong word of a choice lists the choices and the nearest one.
    private func check(_ v: Value, _ p: Parameter, _ argument: Expr?, at span: Span) throws -> Value {
        if v == .none, p.acceptsNone { return v }
        do {
            return try p.type.conform(v)
        } catch let mismatch as ParameterType.Mismatch {
            var mismatch = mismatch, at = span, offending = v, item = argument, type = p.type
            var what = "got", path: [String] = []
            descent: while true {
                switch mismatch {
                case .item(let i, let inner):
                    if case .list(let values) = offending, i < values.count { offending = values[i] }
                    if case .list(let items, _)? = item, i < items.count {
                        item = items[i]
                        at = items[i].span
                    } else {
                        item = nil
                    }
                    if case .listOf(let itemType) = type { type = itemType }
                    what = "item \(i) is"
                    path.append("item \(i)")
                    mismatch = inner
                case .field(let key, let inner):
                    if case .record(let r) = offending, let value = r[key] { offending = value }
                    if case .record(let fields, _)? = item, let field = fields.first(where: { $0.0 == key }) {
                        item = field.1
                        at = field.1.span
                    } else {
                        item = nil
                    }
                    if case .fields(let fs) = type, let f = fs.first(where: { $0.name == key }) { type = f.type }
                    path.append("field '\(key)'")
                    mismatch = inner
                default: break descent
                }
            }
            let place = (path.reversed() + ["\(p.name) of \(name)"]).joined(separator: " of ")
            switch mismatch {
            case .notAChoice(let word, let choices):
                throw PolyglotError.runtime(
                    "\(name) has no \(p.name): \(Value.quote(word))", at: at,
                    notes: Suggest.note(for: word, in: choices.names)
                        + ["expected one of \(choices.quotedList)"])
            case .unknownField(let key, let fields):
                throw PolyglotError.runtime(
                    "\(place) has no field '\(key)'", at: at,
                    notes: Suggest.note(for: key, in: fields.map(\.name))
                        + ["expected a record {\(ParameterType.fieldList(fields))}"])
            case .missingField(let key, let fields):
                throw PolyglotError.runtime(
                    "\(place) needs the field '\(key)'", at: at,
                    notes: ["expected a record {\(ParameterType.fieldList(fields))}"])
            default:
                // A field's type is named on its own; a list item's with its list's, as the parameter says it.
                let fieldLevel = path.last?.hasPrefix("field") ?? false
                throw PolyglotError.runtime(
                    fieldLevel
                        ? "\(place) must be \(type.description), got \(offending.typeName)"
                        : "\(p.name) of \(name) must be \(p.typeDescription), \(what) \(offending.typeName)",
                    at: at, notes: ["usage: \(usage)"])
            }
        }
    }

    /// A name written bare as an argument (`help tune`, `load dataset`).
    static func bareWord(_ e: Expr) -> String? {
        switch e {
        case .variable(let n, _): return n
        case .call(let n, let a, _) where a.isEmpty: return n
        default: return nil
        }
    }
}
