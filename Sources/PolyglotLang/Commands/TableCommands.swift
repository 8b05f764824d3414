// Tables made by hand: the same currency as score, improvement and agreement tables.

import PolyglotLab

extension CommandRegistry {
    static let tableCommands: [CommandSpec] = [table, pivot, select]

    static let table = CommandSpec(
        "table", category: "tables",
        summary: "Make a table from a list of records with the same fields (missing fields are empty cells).",
        positionals: [Parameter("rows", .list, "records, one per row")],
        keywords: [Parameter("title", .string, default: Value.none, "a title shown above the table")],
        example: "table [{lang: \"en\", score: 6.1}, {lang: \"de\", score: 5.4}] title: \"scores\""
    ) { inv in
        let rows = inv.list("rows")
        var columns: [String] = []
        var records: [Record] = []
        for (i, row) in rows.enumerated() {
            guard case .record(let r) = row else {
                throw inv.error(
                    "row \(i) is \(row.typeName), not a record", at: "rows",
                    notes: ["expected a list of records such as {lang: \"en\", score: 6.1}"])
            }
            for k in r.keys where !columns.contains(k) { columns.append(k) }
            records.append(r)
        }
        var cells: [[Table.Cell]] = []
        for (i, r) in records.enumerated() {
            cells.append(
                try columns.map { c in
                    let v = r[c] ?? .none
                    guard let cell = v.cell else {
                        throw inv.error(
                            "row \(i), field '\(c)' is \(v.typeName); a table cell is a string, a number or none",
                            at: "rows")
                    }
                    return cell
                })
        }
        return .object(TableObject(Table(title: inv.string(ifGiven: "title") ?? "", columns: columns, rows: cells)))
    }

    static let pivot = CommandSpec(
        "pivot", category: "tables",
        summary: "Turn a long table wide: a row per value of one column, a column per value of another.",
        positionals: [
            Parameter("table", .object("table"), "a long table, e.g. from score … by: [\"model\", \"lang\"]")
        ],
        keywords: [
            Parameter("rows", .string, "column whose values become the rows"),
            Parameter("columns", .string, "column whose values become the columns"),
            Parameter("value", .string, "column that fills the cells"),
            Parameter(
                "mean", .string, default: .string("avg"), orNone: true,
                "name of a last column with each row's mean (none: no such column)"),
            Parameter("title", .string, default: Value.none, "title (default: the table's)")
        ],
        example: "pivot (score j by: [\"model\", \"lang\"]) rows: \"model\" columns: \"lang\" value: \"mean\""
    ) { inv in
        let table = inv.object("table", as: TableObject.self).table
        let mean = inv.string(ifGiven: "mean")
        if mean?.isEmpty == true {
            throw inv.error(
                "the mean column needs a name", at: "mean",
                notes: ["expected mean: none for no mean column"])
        }
        return .object(
            TableObject(
                try inv.lab {
                    try table.pivot(
                        rows: inv.string("rows"), columns: inv.string("columns"), value: inv.string("value"),
                        mean: mean, title: inv.string(ifGiven: "title"))
                }))
    }

    static let select = CommandSpec(
        "select", category: "tables",
        summary: "Keep the rows whose column holds one of the values, in the order of the values; unlike "
            + "rebuilding a table from its rows, the table stays what it was (a score table keeps its intervals).",
        positionals: [Parameter("table", .object("table"), "a table, e.g. from score … by: [\"model\", \"lang\"]")],
        keywords: [
            Parameter("column", .string, "column to match"),
            Parameter("values", .list, "the values to keep (strings or numbers), in the order wanted")
        ],
        example: "select (score j by: [\"model\", \"lang\"]) column: \"model\" values: [\"m1\", \"m2\"]"
    ) { inv in
        let table = inv.object("table", as: TableObject.self).table
        let texts = try inv.list("values").enumerated().map { i, v -> String in
            guard let cell = v.cell, cell != .missing else {
                throw inv.error("value \(i) is \(v.typeName); expected a string or a number", at: "values")
            }
            return cell.text
        }
        return .object(TableObject(try inv.lab { try table.selecting(column: inv.string("column"), values: texts) }))
    }
}
