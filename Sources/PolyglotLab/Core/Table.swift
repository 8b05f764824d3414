// A table of results: the common currency between analysis (score, improvement, agreement,
// routing statistics, training histories), export (CSV/JSON) and plotting.

public struct Table: Equatable, Sendable {
    public enum Cell: Equatable, Sendable {
        case text(String)
        case int(Int)
        case number(Double)
        case missing

        public var double: Double? {
            switch self {
            case .int(let i): Double(i)
            case .number(let d): d.isNaN ? nil : d
            default: nil
            }
        }

        public var text: String {
            switch self {
            case .text(let s): s
            case .int(let i): String(i)
            case .number(let d): Table.format(d)
            case .missing: ""
            }
        }
    }

    /// The column a table of results estimates and the columns bounding its interval, known to the analysis
    /// that made the table (score, improvement, agreement): plots draw that column by default, with the
    /// interval as error bars.
    public struct Estimate: Equatable, Sendable {
        public struct Interval: Equatable, Sendable {
            public var low: String
            public var high: String
            /// What the interval is, for a figure's note: "95% CI (percentile bootstrap of the mean)".
            public var label: String

            public init(low: String, high: String, label: String) {
                self.low = low
                self.high = high
                self.label = label
            }
        }

        public var value: String
        public var interval: Interval?

        public init(value: String, interval: Interval? = nil) {
            self.value = value
            self.interval = interval
        }

        var columns: [String] { [value] + (interval.map { [$0.low, $0.high] } ?? []) }
    }

    public var title: String
    public var columns: [String]
    public var rows: [[Cell]]
    /// Lines printed under the table (formulas, excluded counts, notes on missing cells).
    public var notes: [String]
    /// Set by the analysis that made the table; kept by operations that keep its columns.
    public var estimate: Estimate?

    public init(
        title: String, columns: [String], rows: [[Cell]] = [], notes: [String] = [],
        estimate: Estimate? = nil
    ) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "every row needs one cell per column")
        precondition(
            estimate.map { Set($0.columns).isSubset(of: columns) } ?? true,
            "an estimate names the table's columns")
        self.title = title
        self.columns = columns
        self.rows = rows
        self.notes = notes
        self.estimate = estimate
    }

    public func columnIndex(_ name: String) -> Int? { columns.firstIndex(of: name) }

    public func column(_ name: String) -> [Cell]? {
        guard let i = columnIndex(name) else { return nil }
        return rows.map { $0[i] }
    }

    /// Numbers in tables are shown with 2 decimals (scores are on a 1–10 scale).
    public static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        let r = (d * 100).rounded() / 100
        var s = String(r)
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < 2 { s += String(repeating: "0", count: 2 - decimals) }
        }
        return s == "-0.00" ? "0.00" : s
    }

    /// Aligned plain-text rendering: text left-aligned, numbers right-aligned.
    public func render() -> String {
        let cells = rows.map { $0.map(\.text) }
        var widths = columns.map { $0.count }
        for r in cells { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ values: [String], numeric: [Bool]) -> String {
            values.enumerated().map { i, v in
                let pad = String(repeating: " ", count: widths[i] - v.count)
                return numeric[i] ? pad + v : v + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        let numeric = columns.indices.map { i in
            rows.contains { if case .text = $0[i] { return false } else { return true } }
                && !rows.contains { if case .text = $0[i] { return true } else { return false } }
        }
        var out: [String] = []
        if !title.isEmpty { out.append(title) }
        out.append(line(columns, numeric: numeric))
        out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        for r in cells { out.append(line(r, numeric: numeric)) }
        out.append(contentsOf: notes)
        return out.joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

extension Table {
    /// The rows whose `column` holds one of `values`, grouped in the order of `values` (rows keep their order
    /// within a value); the columns, and so the estimate, stay. A value no row has is named in a note.
    public func selecting(column name: String, values: [String]) throws -> Table {
        guard let i = columnIndex(name) else {
            throw LabError("the table has no column '\(name)'; columns: \(columns.joined(separator: ", "))")
        }
        var wanted: [String] = []
        for v in values where !wanted.contains(v) { wanted.append(v) }
        let byValue = Dictionary(grouping: rows, by: { $0[i].text })
        let absent = wanted.filter { byValue[$0] == nil }
        var out = self
        out.rows = wanted.flatMap { byValue[$0] ?? [] }
        if !absent.isEmpty { out.notes.append("No rows with \(name) " + absent.joined(separator: ", ") + ".") }
        return out
    }

    /// Long → wide: one row per value of `rows`, one column per value of `columns` (both in order of first
    /// appearance), cells from `value`; with `mean`, a last column with the mean of each row's numbers.
    /// Throws when a column is unknown or two source rows fill the same cell.
    public func pivot(
        rows rowKey: String, columns columnKey: String, value: String, mean: String? = nil,
        title: String? = nil
    ) throws -> Table {
        for c in [rowKey, columnKey, value] where columnIndex(c) == nil {
            throw LabError("the table has no column '\(c)'; columns: \(columns.joined(separator: ", "))")
        }
        let r = columnIndex(rowKey)!, c = columnIndex(columnKey)!, v = columnIndex(value)!
        var rowNames: [String] = [], columnNames: [String] = []
        var cells: [String: [String: Cell]] = [:]
        for row in self.rows {
            let rn = row[r].text, cn = row[c].text
            if !rowNames.contains(rn) { rowNames.append(rn) }
            if !columnNames.contains(cn) { columnNames.append(cn) }
            if cells[rn]?[cn] != nil {
                throw LabError("two rows give \(rowKey) '\(rn)', \(columnKey) '\(cn)'; expected one value per cell")
            }
            cells[rn, default: [:]][cn] = row[v]
        }
        let out: [[Cell]] = rowNames.map { rn in
            let values = columnNames.map { cells[rn]?[$0] ?? .missing }
            guard mean != nil else { return [.text(rn)] + values }
            let numbers = values.compactMap(\.double)
            return [.text(rn)] + values + [
                numbers.isEmpty ? .missing : .number(numbers.reduce(0, +) / Double(numbers.count))
            ]
        }
        return Table(
            title: title ?? self.title, columns: [rowKey] + columnNames + (mean.map { [$0] } ?? []), rows: out,
            notes: mean.map { ["\($0) = unweighted mean of the row's \(columnKey) columns."] } ?? [])
    }
}
