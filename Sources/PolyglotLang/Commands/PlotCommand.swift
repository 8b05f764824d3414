// `plot`: any table (scores, improvement, agreement, routing, training history) as an SVG figure,
// or inline in the terminal with Unicode blocks.

import Foundation
import PolyglotEngine
import PolyglotLab

extension CommandRegistry {
    /// The output line that links a written figure; replay compares it, so the figure's bytes are checked.
    static func figureLine(path: String, fingerprint: String) -> String { "figure: \(path) (\(fingerprint))" }

    /// Parses a figure line back (for the HTML report).
    public static func figurePath(inOutputLine line: String) -> String? {
        guard line.hasPrefix("figure: ") else { return nil }
        let rest = line.dropFirst("figure: ".count)
        return String(rest.split(separator: " (").first ?? rest)
    }

    static let plot = CommandSpec(
        "plot", category: "figures",
        summary: "Draw a table as a figure: an SVG file with to:, else inline in the terminal.",
        positionals: [
            Parameter(
                "data", .any,
                "a table, a list of tables with the same columns, a model (its loss curves) or a routing (its shares)")
        ],
        keywords: [
            Parameter(
                "kind", .choice(of: PlotKind.self, parse: PlotKind.parse), default: .string("bars"),
                "bars per group, paired bars with differences, diverging around zero, radar per category, "
                    + "heatmap grid, loss lines"),
            Parameter("x", .string, default: Value.none, "column along the x axis (default: the first text column)"),
            Parameter("group", .string, default: Value.none, "column whose values make the bars, polygons or lines"),
            Parameter(
                "value", .string, default: Value.none,
                "numeric column to draw (default: the table's estimate, e.g. score's mean with its 95% CI "
                    + "as error bars; else the only numeric column left)"),
            Parameter("title", .string, default: Value.none, "figure title"),
            Parameter("y_range", .list, default: Value.none, "fixed value range, e.g. [1, 10]"),
            Parameter("to", .string, default: Value.none, "write an SVG file here"),
            Parameter("volatile", .bool, default: .bool(false), "do not check the figure's bytes on replay")
        ],
        example: "plot scores kind: \"bars\" x: \"lang\" group: \"model\" to: \"scores.svg\""
    ) { inv in
        let table = try plotTable(inv)
        var spec = PlotSpec(
            kind: inv.choice("kind", as: PlotKind.self), x: inv.string(ifGiven: "x"),
            group: inv.string(ifGiven: "group"), value: inv.string(ifGiven: "value"),
            title: inv.string(ifGiven: "title") ?? (table.title.isEmpty ? nil : table.title))
        if let r = inv.list(ifGiven: "y_range") {
            guard r.count == 2, let lo = r[0].double, let hi = r[1].double, lo < hi else {
                throw inv.error("y_range must be [low, high] with low < high", at: "y_range")
            }
            spec.yRange = lo...hi
        }
        let session = inv.session
        if let path = inv.string(ifGiven: "to") {
            let svg = try inv.lab { try Plot.svg(table, spec) }
            let data = Data(svg.utf8)
            try inv.lab { try atomicWrite(data, to: session.resolve(path)) }
            session.emit(figureLine(path: path, fingerprint: Plot.fingerprint(data)), volatile: inv.bool("volatile"))
        } else {
            let text = try inv.lab {
                try Plot.terminal(table, spec, width: session.terminalWidth ?? 80, color: session.color)
            }
            session.emit(text)
        }
        return .none
    }

    private static func plotTable(_ inv: Invocation) throws -> Table {
        switch inv.value("data") {
        case .list(let xs):
            let tables = try xs.map { x in
                guard let t = table(of: x) else {
                    throw inv.error(
                        "plot takes tables, models or routings, found \(x.typeName) in the list", at: "data")
                }
                return t
            }
            guard let first = tables.first else { throw inv.error("nothing to plot: the list is empty", at: "data") }
            guard tables.allSatisfy({ $0.columns == first.columns }) else {
                throw inv.error(
                    "the tables have different columns", at: "data", notes: ["expected tables with the same columns"])
            }
            let shared = tables.allSatisfy { $0.estimate == first.estimate } ? first.estimate : nil
            return Table(title: first.title, columns: first.columns, rows: tables.flatMap(\.rows), estimate: shared)
        case let v:
            guard let t = table(of: v) else {
                throw inv.error("plot takes a table, a model or a routing, got \(v.typeName)", at: "data")
            }
            return t
        }
    }

    /// What `plot` draws of a value: a table itself, a model's loss curves, a routing's shares.
    private static func table(of value: Value) -> Table? {
        switch value {
        case .object(let t as TableObject): return t.table
        case .object(let m as ModelObject):
            guard case .object(let t as TableObject)? = m.field("history") else { return Table(title: "", columns: []) }
            return t.table
        case .object(let r as RoutingObject): return r.shares
        default: return nil
        }
    }
}
