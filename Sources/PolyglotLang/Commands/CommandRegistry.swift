// The single source of truth for every command: the interpreter checks arguments against it,
// `help` prints it, the REPL completes from it and `docs/commands.md` is generated from it.

public struct Parameter {
    public var name: String
    public var type: ParameterType
    /// nil: required. `.none` is a valid default meaning "not given".
    public var defaultValue: Value?
    /// `none` is accepted even though the default is something else (`pivot … mean: none`: no mean column).
    public var orNone: Bool
    public var doc: String

    public init(
        _ name: String, _ type: ParameterType, default defaultValue: Value? = nil, orNone: Bool = false,
        _ doc: String
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.orNone = orNone
        self.doc = doc
    }

    /// Whether `none` passes for this parameter: it means "not given" (the default is none) or "without".
    var acceptsNone: Bool { orNone || defaultValue == Value.none }

    /// The type as help and the reference show it.
    var typeDescription: String { type.description + (orNone ? " or none" : "") }

    /// `recipe:`, taken by commands with many options: a record of them, written once and passed around.
    /// The argument binding spreads its fields over the keywords (explicit keywords win).
    public static let recipe = Parameter(
        "recipe", .record, default: Value.none,
        "a record of this command's options, e.g. study_recipe (explicit keywords win; other fields are errors)")
}

public struct CommandSpec {
    /// One word, or two for a sub-command (`load dataset`).
    public var name: String
    public var category: String
    public var summary: String
    public var positionals: [Parameter]
    /// The last positional takes any number of values (`print a b c`).
    public var variadic: Bool
    public var keywords: [Parameter]
    public var example: String
    /// Longer text for `help NAME` (rubrics, formulas).
    public var details: String
    /// The file that declares the command, relative to the package root
    /// (`Sources/PolyglotLang/Commands/EvalCommands.swift`): help and the reference lead from a command to its code.
    public var sourceFile: String
    public var run: (Invocation) throws -> Value

    public init(
        _ name: String, category: String, summary: String, positionals: [Parameter] = [],
        variadic: Bool = false, keywords: [Parameter] = [], example: String, details: String = "",
        declaredIn filePath: String = #filePath, run: @escaping (Invocation) throws -> Value
    ) {
        self.name = name
        self.category = category
        self.summary = summary
        self.positionals = positionals
        self.variadic = variadic
        self.keywords = keywords
        self.example = example
        self.details = details
        self.sourceFile = CommandSpec.packageRelative(filePath)
        self.run = run
    }

    /// `…/Sources/X/Y.swift` → `Sources/X/Y.swift`, the same on every machine (the docs test compares it).
    static func packageRelative(_ filePath: String) -> String {
        guard let r = filePath.range(of: "/Sources/", options: .backwards) else { return filePath }
        return String(filePath[filePath.index(after: r.lowerBound)...])
    }

    public var usage: String {
        var parts = [name]
        for (i, p) in positionals.enumerated() {
            let dots = variadic && i == positionals.count - 1 ? "…" : ""
            parts.append(p.defaultValue == nil ? p.name.uppercased() + dots : "[\(p.name.uppercased())\(dots)]")
        }
        for k in keywords {
            parts.append(k.defaultValue.map { "[\(k.name): \($0.repr)]" } ?? "\(k.name): …")
        }
        return parts.joined(separator: " ")
    }

    /// The text of `help NAME`.
    public var help: String {
        var out = ["\(name) — \(summary)", "", "usage: \(usage)"]
        if !positionals.isEmpty {
            out.append("")
            for p in positionals {
                let req = p.defaultValue.map { "default \($0.repr)" } ?? "required"
                out.append("  \(p.name.uppercased())  \(p.doc) (\(p.typeDescription), \(req))")
            }
        }
        if !keywords.isEmpty {
            out.append("")
            for k in keywords {
                let req = k.defaultValue.map { "default \($0.repr)" } ?? "required"
                out.append("  \(k.name):  \(k.doc) (\(k.typeDescription), \(req))")
            }
        }
        if !details.isEmpty { out += ["", details] }
        out += ["", "example:", "  " + example.replacingOccurrences(of: "\n", with: "\n  ")]
        out += ["", "source: \(sourceFile)"]
        return out.joined(separator: "\n")
    }
}

public final class CommandRegistry {
    public private(set) var commands: [String: CommandSpec] = [:]

    public init() {}

    public func register(_ spec: CommandSpec) {
        precondition(commands[spec.name] == nil, "command '\(spec.name)' registered twice")
        commands[spec.name] = spec
    }

    public func register(_ specs: [CommandSpec]) { specs.forEach(register) }

    /// Names a call can start with: `load` for `load dataset`.
    public var headWords: [String] { Array(Set(commands.keys.map { String($0.split(separator: " ")[0]) })).sorted() }

    public func subcommands(of head: String) -> [CommandSpec] {
        commands.values.filter { $0.name.hasPrefix(head + " ") }.sorted { $0.name < $1.name }
    }

    public var sorted: [CommandSpec] { commands.values.sorted { $0.name < $1.name } }

    /// The generated command reference (`docs/commands.md`).
    public func markdownReference() -> String {
        var out =
            "# Command reference\n\nGenerated from the command registry by `polyglot docs`; do not edit by hand.\n"
        let categories = Dictionary(grouping: sorted, by: \.category).keys.sorted()
        for category in categories {
            out += "\n## \(category)\n"
            for spec in sorted where spec.category == category {
                out += "\n### `\(spec.name)`\n\n\(spec.summary)\n\n```\n\(spec.usage)\n```\n"
                let params =
                    spec.positionals.map { ($0.name.uppercased(), $0) } + spec.keywords.map { ("\($0.name):", $0) }
                if !params.isEmpty {
                    out += "\n| argument | type | default | meaning |\n|---|---|---|---|\n"
                    for (label, p) in params {
                        let d = p.defaultValue.map { "`\($0.repr)`" } ?? "required"
                        out += "| `\(label)` | \(p.typeDescription) | \(d) | \(p.doc) |\n"
                    }
                }
                if !spec.details.isEmpty { out += "\n\(spec.details)\n" }
                out += "\nExample:\n\n```\n\(spec.example)\n```\n"
                out += "\nSource: [`\(spec.sourceFile)`](../\(spec.sourceFile))\n"
            }
        }
        return out
    }
}
