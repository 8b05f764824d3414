// The basics of the language: printing, lists and numbers, help, variables, seeds, saving, `use`.

import Foundation
import PolyglotEngine

extension CommandRegistry {
    /// Every command of Polyglot.
    public static func standard() -> CommandRegistry {
        let r = CommandRegistry()
        r.register(CoreCommands.all)
        r.register(tableCommands)
        r.register(dataCommands)
        r.register(modelCommands)
        r.register([routing])
        r.register(tuneCommands)
        r.register([plot])
        r.register(serveCommands)
        r.register(evalCommands)
        r.register(studyCommands)
        r.register([plan])
        return r
    }
}

enum CoreCommands {
    static var all: [CommandSpec] {
        [print, len, range, sum, mean, round, keys, help, vars, seed, save, use, exists]
    }

    static func numbers(_ inv: Invocation, _ name: String) throws -> [Double] {
        try inv.list(name).map {
            guard let d = $0.double else {
                throw inv.error("\(inv.spec.name) needs a list of numbers, found \($0.typeName) \($0.repr)", at: name)
            }
            return d
        }
    }

    static let print = CommandSpec(
        "print", category: "basics", summary: "Print values (strings without quotes), separated by spaces.",
        positionals: [Parameter("values", .any, default: .list([]), "what to print")], variadic: true,
        example: "print \"tune on {lang}\""
    ) { inv in
        inv.session.emit(inv.positional.map(\.text).joined(separator: " "))
        return .none
    }

    static let len = CommandSpec(
        "len", category: "basics", summary: "Number of items of a list, fields of a record or characters of a string.",
        positionals: [Parameter("value", .any, "a list, record or string")], example: "len [\"en\", \"de\"]"
    ) { inv in
        switch inv.value("value") {
        case .list(let xs): return .int(xs.count)
        case .record(let r): return .int(r.fields.count)
        case .string(let s): return .int(s.count)
        case let v: throw inv.error("len needs a list, record or string, got \(v.typeName)", at: "value")
        }
    }

    static let range = CommandSpec(
        "range", category: "basics", summary: "Integers from START (default 0) up to, not including, END.",
        positionals: [
            Parameter("end", .int, "stop before this"), Parameter("start", .int, default: .int(0), "first value")
        ],
        keywords: [Parameter("step", .int, default: .int(1), "increment")], example: "range 5"
    ) { inv in
        let end = inv.int("end"), start = inv.int("start"), step = inv.int("step")
        guard step != 0 else { throw inv.error("step must not be 0", at: "step") }
        let (distance, overflow) = end.subtractingReportingOverflow(start)
        guard !overflow, distance.dividedReportingOverflow(by: step).partialValue.magnitude <= 10_000_000 else {
            throw inv.error("range is too long (over 10 million)", at: "end")
        }
        return .list(Swift.stride(from: start, to: end, by: step).map { .int($0) })
    }

    static let sum = CommandSpec(
        "sum", category: "basics", summary: "Sum of a list of numbers (an integer when all are integers).",
        positionals: [Parameter("values", .list, "numbers")], example: "sum [1, 2, 3]"
    ) { inv in
        let xs = inv.list("values")
        if xs.allSatisfy({ if case .int = $0 { true } else { false } }) {
            var total = 0
            for case .int(let i) in xs {
                let (r, o) = total.addingReportingOverflow(i)
                if o { throw inv.error("integer overflow in sum", at: "values") }
                total = r
            }
            return .int(total)
        }
        return .float(try numbers(inv, "values").reduce(0, +))
    }

    static let mean = CommandSpec(
        "mean", category: "basics", summary: "Arithmetic mean of a list of numbers.",
        positionals: [Parameter("values", .list, "numbers")], example: "mean [7.5, 8.0, 6.5]"
    ) { inv in
        let xs = try numbers(inv, "values")
        guard !xs.isEmpty else { throw inv.error("mean of an empty list", at: "values") }
        return .float(xs.reduce(0, +) / Double(xs.count))
    }

    static let round = CommandSpec(
        "round", category: "basics", summary: "Round a number to DIGITS decimals (half away from zero).",
        positionals: [Parameter("value", .number, "a number"), Parameter("digits", .int, default: .int(0), "decimals")],
        example: "round 3.14159 2"
    ) { inv in
        let x = inv.double("value"), d = inv.int("digits")
        if d == 0 {
            guard let i = Int(exactly: x.rounded()) else {
                throw inv.error(
                    "round \(x) does not fit an integer", at: "value",
                    notes: [
                        "expected a number between \(Int.min) and \(Int.max), "
                            + "or DIGITS to keep a number"
                    ])
            }
            return .int(i)
        }
        let f = Foundation.pow(10.0, Double(d))
        return .float((x * f).rounded() / f)
    }

    static let keys = CommandSpec(
        "keys", category: "basics", summary: "Field names of a record (or of a lab object).",
        positionals: [Parameter("value", .any, "a record or object")], example: "keys {name: \"x\", n: 3}"
    ) { inv in
        switch inv.value("value") {
        case .record(let r): return .list(r.keys.map { .string($0) })
        case .object(let o): return .list(o.fieldNames.map { .string($0) })
        case let v: throw inv.error("keys needs a record, got \(v.typeName)", at: "value")
        }
    }

    static let help = CommandSpec(
        "help", category: "basics", summary: "List the commands, or show one command's usage, keywords and example.",
        positionals: [Parameter("command", .name, default: Value.none, "a command name")], example: "help tune"
    ) { inv in
        let reg = inv.session.registry
        guard let name = inv.string(ifGiven: "command") else {
            var out = ["Commands (help NAME for details):"]
            for (category, specs) in Dictionary(grouping: reg.sorted, by: \.category).sorted(by: { $0.key < $1.key }) {
                out.append("")
                out.append("  \(category)")
                for s in specs {
                    out.append("    \(s.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(s.summary)")
                }
            }
            out += [
                "",
                "Language: let x = …, fn f(a, b: default) { … } called as f(1) or f(1, b: 2), if c { … } else { … },",
                "for x in xs { … }, \"text {expr}\", none, record with {field: value} (an updated copy).",
                "A line that ends with a comma, an operator or a keyword's colon continues on the next line."
            ]
            inv.session.emit(out.joined(separator: "\n"))
            return .none
        }
        if let spec = reg.commands[name] {
            inv.session.emit(spec.help)
        } else if !reg.subcommands(of: name).isEmpty {
            inv.session.emit(reg.subcommands(of: name).map(\.help).joined(separator: "\n\n"))
        } else {
            throw inv.error("no command '\(name)'", at: "command", notes: Suggest.note(for: name, in: reg.headWords))
        }
        return .none
    }

    static let vars = CommandSpec(
        "vars", category: "basics", summary: "The variables and functions defined in this session.",
        example: "vars"
    ) { inv in
        let s = inv.session
        var out: [String] = []
        for (name, v) in s.globals.sorted(by: { $0.key < $1.key }) where !s.libraryGlobals.contains(name) {
            var shown = v.repr.split(separator: "\n").first.map(String.init) ?? ""
            if shown.count > 60 { shown = String(shown.prefix(57)) + "…" }
            out.append("\(name): \(v.typeName) = \(shown)")
        }
        for (name, f) in s.functions.sorted(by: { $0.key < $1.key }) where !s.libraryFunctions.contains(name) {
            out.append("fn \(f.signature)")
        }
        s.emit(out.isEmpty ? "(nothing defined yet)" : out.joined(separator: "\n"))
        return .none
    }

    static let seed = CommandSpec(
        "seed", category: "basics", summary: "Set the session seed: every later random choice derives from it.",
        positionals: [Parameter("seed", .int, "a non-negative integer")], example: "seed 42"
    ) { inv in
        let n = inv.int("seed")
        guard n >= 0 else { throw inv.error("seed must be non-negative", at: "seed") }
        inv.session.setSeed(UInt64(n))
        return .none
    }

    static let save = CommandSpec(
        "save", category: "basics",
        summary: "Write the cells run so far in this session, with their outputs, as a notebook (atomically).",
        positionals: [Parameter("path", .string, "the notebook file, e.g. \"study.pg\"")],
        keywords: [Parameter("failed", .bool, default: .bool(false), "also write the cells that failed")],
        example: "save \"my-study.pg\""
    ) { inv in
        let s = inv.session
        let cells = s.history.filter { !$0.failed || inv.bool("failed") }.map(\.cell)
        let url = s.resolve(inv.string("path"))
        let nb = Notebook(seed: s.initialSeed, cells: cells)
        do {
            try atomicWrite(Data(nb.render().utf8), to: url)
        } catch {
            throw inv.error("cannot save to '\(url.path)': \(error)", at: "path")
        }
        s.savedCount = s.history.count
        s.emit("saved \(cells.count) cell(s) to \(inv.string("path"))")
        return .none
    }

    static let exists = CommandSpec(
        "exists", category: "basics",
        summary: "Whether a file or folder exists (relative paths: the notebook's folder).",
        positionals: [Parameter("path", .string, "a path")],
        example: "if exists(\"data/mt-bench-x\") { load bench \"data/mt-bench-x\" }"
    ) { inv in
        .bool(FileManager.default.fileExists(atPath: inv.session.resolve(inv.string("path")).path))
    }

    static let use = CommandSpec(
        "use", category: "basics",
        summary: "Run a .pg file in this session (its functions and variables stay defined).",
        positionals: [Parameter("path", .string, "a .pg file, relative to the notebook's folder")],
        example: "use \"my-helpers.pg\""
    ) { inv in
        let url = inv.session.resolve(inv.string("path"))
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw inv.error("no such file '\(url.path)'", at: "path")
        }
        try inv.session.use(url)
        return .none
    }
}
