// Values of the language: plain data plus opaque lab objects (datasets, models, tables, …).

/// A lab object held by a variable: shows itself in the REPL and exposes read-only fields.
public protocol LabObject: AnyObject {
    /// Lower-case kind shown in errors and `vars`: "dataset", "model", "table", …
    var typeName: String { get }
    /// What a statement whose value is this object prints.
    func display() -> String
    var fieldNames: [String] { get }
    func field(_ name: String) -> Value?
}

/// An object that `a + b` combines with another of its kind (answers of several models, judgments of several runs).
public protocol CombinableObject: LabObject {
    /// The union; throws a message when the two cannot be combined.
    func combined(with other: Self) throws -> Self
}

extension CombinableObject {
    /// The union with `other` when it is of the same kind, else nil.
    func combined(withAny other: LabObject) throws -> LabObject? {
        guard let other = other as? Self else { return nil }
        return try combined(with: other)
    }
}

/// Ordered fields, so records print in the order they were written.
public struct Record: Equatable {
    public var fields: [(key: String, value: Value)]

    public init(_ fields: [(key: String, value: Value)] = []) { self.fields = fields }

    public subscript(key: String) -> Value? {
        get { fields.first { $0.key == key }?.value }
        set {
            if let i = fields.firstIndex(where: { $0.key == key }) {
                if let newValue { fields[i].value = newValue } else { fields.remove(at: i) }
            } else if let newValue {
                fields.append((key, newValue))
            }
        }
    }

    public var keys: [String] { fields.map(\.key) }

    public static func == (a: Record, b: Record) -> Bool {
        a.fields.count == b.fields.count
            && zip(a.fields, b.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

public enum Value: Equatable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list([Value])
    case record(Record)
    case object(LabObject)

    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.float(x), .float(y)): return x == y
        case let (.int(x), .float(y)), let (.float(y), .int(x)): return Double(x) == y
        case let (.string(x), .string(y)): return x == y
        case let (.list(x), .list(y)): return x == y
        case let (.record(x), .record(y)): return x == y
        case let (.object(x), .object(y)): return x === y
        default: return false
        }
    }

    /// The kind name used in error messages ("expected a number, got a string").
    public var typeName: String {
        switch self {
        case .none: "none"
        case .bool: "boolean"
        case .int: "integer"
        case .float: "number"
        case .string: "string"
        case .list: "list"
        case .record: "record"
        case .object(let o): o.typeName
        }
    }

    public var double: Double? {
        switch self {
        case .int(let i): Double(i)
        case .float(let d): d
        default: nil
        }
    }

    /// How a value is written back as source: strings quoted, lists and records in brackets.
    public var repr: String {
        switch self {
        case .none: return "none"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d): return Value.format(d)
        case .string(let s): return Value.quote(s)
        case .list(let xs): return "[" + xs.map(\.repr).joined(separator: ", ") + "]"
        case .record(let r):
            return "{" + r.fields.map { "\($0.key): \($0.value.repr)" }.joined(separator: ", ") + "}"
        case .object(let o): return o.display()
        }
    }

    /// How `print` and string interpolation show a value: strings without quotes.
    public var text: String {
        if case .string(let s) = self { return s }
        return repr
    }

    /// Shortest text that reads back as the same Double; integral values keep a ".0".
    public static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        return String(d)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "{": out += "\\{"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}
