// What to draw from a `Table`: the figure kind and which columns feed it.
// Column roles per kind (x / group / value):
//   bars, paired, diverging  category on the x axis / one bar colour per group / bar height
//   radar                    category per spoke     / one polygon per group   / radius
//   heatmap                  column of the grid     / row of the grid         / cell colour
//   lines                    numeric step           / one colour per run      / y (e.g. loss);
//                            `style` picks the dash (train solid, validation dashed)

/// The figure types of the study.
public enum PlotKind: String, CaseIterable, Sendable {
    /// Score per language, grouped by model or composition.
    case bars
    /// Two groups side by side per category, with the difference printed above each pair.
    case paired
    /// Positive and negative values around zero (improvement in %).
    case diverging
    /// Score per MT-Bench category, one polygon per model.
    case radar
    /// Model × language (or expert × language) grid with a colour scale.
    case heatmap
    /// Loss over steps, one line per run and split.
    case lines

    /// Accepts the kind names and a few synonyms (`bar`, `line`, `loss`, `heat`).
    public static func parse(_ text: String) -> PlotKind? {
        let t = text.lowercased()
        if let k = PlotKind(rawValue: t) { return k }
        switch t {
        case "bar", "grouped": return .bars
        case "pair", "pairs": return .paired
        case "improvement", "diverge": return .diverging
        case "polar", "spider": return .radar
        case "heat", "grid": return .heatmap
        case "line", "loss", "curve", "curves": return .lines
        default: return nil
        }
    }
}

/// A plot request: the kind, the column roles and optional labels.
public struct PlotSpec: Equatable, Sendable {
    public var kind: PlotKind
    /// Category (bars, radar, heatmap column) or step (lines) column; inferred when nil.
    public var x: String?
    /// Series column (bar colour, polygon, heatmap row, line colour); nil means one series.
    public var group: String?
    /// Numeric column; when nil, the table's estimate (score's `mean`) or else the only numeric column
    /// not used as x/group/style.
    public var value: String?
    /// Lines only: column whose values select the dash pattern (e.g. `split`).
    public var style: String?
    /// Figure title; defaults to the table title.
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// Fixed value axis (or radar radius / heatmap colour scale) range; computed when nil.
    public var yRange: ClosedRange<Double>?

    public init(
        kind: PlotKind, x: String? = nil, group: String? = nil, value: String? = nil,
        style: String? = nil, title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
        yRange: ClosedRange<Double>? = nil
    ) {
        self.kind = kind
        self.x = x
        self.group = group
        self.value = value
        self.style = style
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.yRange = yRange
    }
}

/// Why a table cannot be drawn with a spec; messages name the column/row and what was expected.
public enum PlotError: Error, Equatable, CustomStringConvertible {
    case unknownColumn(String, role: String, available: [String])
    case cannotInferColumn(role: String, candidates: [String])
    case notNumeric(column: String, row: Int, found: String)
    case duplicate(x: String, group: String, rows: (Int, Int))
    case emptyTable(String)
    case badRange(String)
    case needsTwoGroups(found: [String])
    case tooManyGroups(found: Int, limit: Int)
    case io(path: String, reason: String)

    public static func == (a: PlotError, b: PlotError) -> Bool { a.description == b.description }

    public var description: String {
        switch self {
        case .unknownColumn(let c, let role, let available):
            return "plot: no column '\(c)' for \(role); expected one of: \(available.joined(separator: ", "))"
        case .cannotInferColumn(let role, let candidates):
            return candidates.isEmpty
                ? "plot: no column fits \(role); name it explicitly"
                : "plot: several columns fit \(role) (\(candidates.joined(separator: ", "))); name one explicitly"
        case .notNumeric(let column, let row, let found):
            return "plot: row \(row), column '\(column)': expected a number, found '\(found)'"
        case .duplicate(let x, let group, let rows):
            return
                "plot: rows \(rows.0) and \(rows.1) both give x='\(x)' group='\(group)'; expected one row per pair (aggregate first)"
        case .emptyTable(let title):
            return "plot: table '\(title)' has no rows to draw"
        case .badRange(let why):
            return "plot: bad range: \(why)"
        case .needsTwoGroups(let found):
            return "plot: paired bars need exactly 2 groups, found \(found.count) (\(found.joined(separator: ", ")))"
        case .tooManyGroups(let found, let limit):
            return "plot: \(found) groups, but only \(limit) colours stay distinct; expected at most \(limit) "
                + "(select fewer groups, or draw a heatmap)"
        case .io(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
