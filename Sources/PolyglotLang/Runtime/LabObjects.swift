// Lab values as language objects: what a variable holding a table (and later a dataset, a model,
// judgments…) shows and which fields it exposes.

import PolyglotLab

public final class TableObject: LabObject {
    public let table: Table
    public init(_ table: Table) { self.table = table }

    public var typeName: String { "table" }
    public func display() -> String { table.render() }
    public var fieldNames: [String] { ["title", "columns", "rows", "notes"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "title": return .string(table.title)
        case "columns": return .list(table.columns.map { .string($0) })
        case "rows":
            return .list(table.rows.map { row in .record(Record(zip(table.columns, row).map { ($0, Value($1)) })) })
        case "notes": return .list(table.notes.map { .string($0) })
        default: return nil
        }
    }
}

extension Value {
    init(_ cell: Table.Cell) {
        switch cell {
        case .text(let s): self = .string(s)
        case .int(let i): self = .int(i)
        case .number(let d): self = .float(d)
        case .missing: self = .none
        }
    }

    var cell: Table.Cell? {
        switch self {
        case .string(let s): .text(s)
        case .int(let i): .int(i)
        case .float(let d): .number(d)
        case .none: .missing
        default: nil
        }
    }
}
