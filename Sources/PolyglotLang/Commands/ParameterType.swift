// What a command's parameter accepts, checked by the argument binding before the command runs: plain types,
// lab objects, and the words of a fixed set (choices, study languages), so no command body re-checks a value.

import PolyglotLab

/// The words a choice parameter accepts (`kind: "bars"`); other spellings users know (`"bar"`) map to one of them.
public struct Choices: Equatable {
    /// The canonical words, as help, the reference and "expected one of" show them.
    public let names: [String]
    private let toCanonical: (String) -> String?

    /// Exactly these words.
    public init(_ names: [String]) {
        self.names = names
        toCanonical = { names.contains($0) ? $0 : nil }
    }

    /// The raw values of an enum of the lab; `parse` also accepts its aliases.
    public init<T: CaseIterable & RawRepresentable>(_ type: T.Type, parse: @escaping (String) -> T? = T.init(rawValue:))
    where T.RawValue == String {
        names = T.allCases.map(\.rawValue)
        toCanonical = { parse($0)?.rawValue }
    }

    /// The five study languages by code; `Lang.parse` also reads their names (`"german"`).
    public static let languages = Choices(Lang.self, parse: Lang.parse)

    /// The canonical word for `word`.
    func pick(_ word: String) throws -> Value {
        guard let name = toCanonical(word) else { throw ParameterType.Mismatch.notAChoice(word, self) }
        return .string(name)
    }

    var quotedList: String { names.map(Value.quote).joined(separator: ", ") }

    public static func == (a: Choices, b: Choices) -> Bool { a.names == b.names }
}

/// A field of a `.fields` record parameter: its name, what it accepts, and whether the record must have it.
public struct RecordField: Equatable {
    public let name: String
    public let type: ParameterType
    public let required: Bool

    public init(_ name: String, _ type: ParameterType, required: Bool = false) {
        (self.name, self.type, self.required) = (name, type, required)
    }
}

public indirect enum ParameterType: Equatable {
    case any, int, number, string, bool, list, record
    /// A word written bare or quoted: `help tune`, `help "tune"`.
    case name
    case object(String)  // a lab object of this typeName
    /// One word of a fixed set; the command receives the canonical word.
    case choice(Choices)
    /// A study language code (en de fr it es); the command receives the code.
    case language
    /// A list whose every item is of this type.
    case listOf(ParameterType)
    /// The first of these types that fits (`with: "builtin"` or an LLM judge).
    case either([ParameterType])
    /// A record of these fields only, each of its type (`tag: {base: "dense", seed: 1}`).
    case fields([RecordField])

    public static let stringList = ParameterType.listOf(.string)
    public static let languages = ParameterType.listOf(.language)

    /// A choice among the raw values of a lab enum (and their aliases, when `parse` reads some).
    public static func choice<T: CaseIterable & RawRepresentable>(
        of type: T.Type,
        parse: @escaping (String) -> T? = T.init(rawValue:)
    )
        -> ParameterType where T.RawValue == String
    {
        .choice(Choices(type, parse: parse))
    }

    var description: String {
        switch self {
        case .any: "any value"
        case .int: "an integer"
        case .number: "a number"
        case .string: "a string"
        case .bool: "a boolean"
        case .list: "a list"
        case .record: "a record"
        case .name: "a name"
        case .object(let t): "a \(t)"
        case .choice(let c): "one of \(c.quotedList)"
        case .language: "a language: \(Choices.languages.quotedList)"
        case .listOf(.string): "a list of strings"
        case .listOf(.int): "a list of integers"
        case .listOf(.language): "a list of languages: \(Choices.languages.quotedList)"
        case .listOf(.choice(let c)): "a list of some of \(c.quotedList)"
        case .listOf(let t): "a list of items each \(t.description)"
        case .either(let ts):
            ts.dropLast().map(\.description).joined(separator: ", ") + " or " + (ts.last?.description ?? "")
        case .fields(let fs): "a record {\(Self.fieldList(fs))}"
        }
    }

    /// "model: a model, on: a dataset, name?: a string": the fields a `.fields` record takes (? = may be left out).
    static func fieldList(_ fields: [RecordField]) -> String {
        fields.map { "\($0.name)\($0.required ? "" : "?"): \($0.type.description)" }.joined(separator: ", ")
    }

    /// Why a value does not fit a type.
    indirect enum Mismatch: Error {
        /// A value of another kind.
        case type
        /// A word that is none of the choices.
        case notAChoice(String, Choices)
        /// The list's item at this index does not fit.
        case item(Int, Mismatch)
        /// A record's field that is not one of these.
        case unknownField(String, [RecordField])
        /// A record lacks this required field of these.
        case missingField(String, [RecordField])
        /// The record's field of this name does not fit.
        case field(String, Mismatch)
    }

    /// The value as the command receives it (int widened to number, a choice's canonical word), or why it does
    /// not fit.
    func conform(_ v: Value) throws -> Value {
        switch (self, v) {
        case (.any, _): return v
        case (.int, .int): return v
        case (.number, .int(let i)): return .float(Double(i))
        case (.number, .float): return v
        case (.string, .string), (.name, .string): return v
        case (.bool, .bool): return v
        case (.list, .list): return v
        case (.record, .record): return v
        case (.object(let t), .object(let o)) where o.typeName == t: return v
        case (.choice(let choices), .string(let word)): return try choices.pick(word)
        case (.language, .string(let word)): return try Choices.languages.pick(word)
        case (.listOf(let itemType), .list(let items)):
            return .list(
                try items.enumerated().map { i, item in
                    do { return try itemType.conform(item) } catch let m as Mismatch { throw Mismatch.item(i, m) }
                })
        case (.fields(let fields), .record(let r)):
            var out = Record()
            for (key, value) in r.fields {
                guard let f = fields.first(where: { $0.name == key }) else { throw Mismatch.unknownField(key, fields) }
                do { out[key] = try f.type.conform(value) } catch let m as Mismatch { throw Mismatch.field(key, m) }
            }
            if let missing = fields.first(where: { $0.required && r[$0.name] == nil }) {
                throw Mismatch.missingField(missing.name, fields)
            }
            return .record(out)
        case (.either(let types), _):
            // A word near one of the choices is more likely a typo of it than a value of another type.
            var wrongWord: Mismatch?
            for t in types {
                do { return try t.conform(v) } catch let m as Mismatch {
                    if case .notAChoice = m, wrongWord == nil { wrongWord = m }
                }
            }
            throw wrongWord ?? Mismatch.type
        default: throw Mismatch.type
        }
    }
}
