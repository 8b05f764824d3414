// Turns a `Table` plus a `PlotSpec` into the numbers a renderer needs. Both the SVG and the terminal
// renderers read these, so column inference, ordering (first appearance) and the missing-value note
// are decided once.

/// Values laid out as series × categories (bars, paired, diverging, radar, heatmap).
struct GridData: Equatable {
    var title: String
    var xLabel: String
    var yLabel: String
    /// Name of the group column (legend heading); empty for a single series.
    var groupLabel: String
    var categories: [String]
    var groups: [String]
    /// `values[g][c]`; nil where the cell is missing, NaN or absent.
    var values: [[Double?]]
    /// Sentence for the figure when some values are missing (drawn as gaps); nil otherwise.
    var missingNote: String?

    var present: [Double] { values.flatMap { $0.compactMap { $0 } } }

    /// True when no group column was given (one unnamed series: no legend).
    var isSingleSeries: Bool { groups.count == 1 && groups[0].isEmpty }

    /// One legend square per group in palette order (empty for a single series).
    var legend: [LegendEntry] {
        isSingleSeries ? [] : groups.enumerated().map { LegendEntry(label: $1, color: Palette.color($0)) }
    }
}

/// One line of a line chart: a run and a split, with y nil where a value is missing.
struct LineSeries: Equatable {
    var run: String
    var style: String
    var points: [(x: Double, y: Double?)]

    static func == (a: LineSeries, b: LineSeries) -> Bool {
        a.run == b.run && a.style == b.style && a.points.count == b.points.count
            && zip(a.points, b.points).allSatisfy { $0.x == $1.x && $0.y == $1.y }
    }
}

struct LineData: Equatable {
    var title: String
    var xLabel: String
    var yLabel: String
    var runs: [String]
    var styles: [String]
    var series: [LineSeries]
    var missingNote: String?
}

// MARK: - Column resolution

private struct Columns {
    let table: Table

    func index(_ name: String, role: String) throws -> Int {
        guard let i = table.columnIndex(name) else {
            throw PlotError.unknownColumn(name, role: role, available: table.columns)
        }
        return i
    }

    /// A column is numeric when every non-missing cell is a number and at least one is present.
    func isNumeric(_ i: Int) -> Bool {
        var seen = false
        for row in table.rows {
            switch row[i] {
            case .int, .number: seen = true
            case .missing: continue
            case .text: return false
            }
        }
        return seen
    }

    func firstText(excluding used: Set<Int>) -> Int? {
        table.columns.indices.first { !used.contains($0) && !isNumeric($0) }
    }

    /// The value column when not named: the only unused column holding numbers (a stray text cell in
    /// it is then reported by `number(row:column:)` with its row, which is more helpful than "no column").
    func inferValue(excluding used: Set<Int>, preferred: String?) throws -> Int {
        let numeric = table.columns.indices.filter { i in
            !used.contains(i) && table.rows.contains { if case .text = $0[i] { false } else if case .missing = $0[i] { false } else { true } }
        }
        if numeric.count == 1 { return numeric[0] }
        if let p = preferred, let i = table.columnIndex(p), numeric.contains(i) { return i }
        throw PlotError.cannotInferColumn(role: "value", candidates: numeric.map { table.columns[$0] })
    }

    /// Row `r`'s numeric value in column `i`: nil for missing/NaN/infinite (drawn as a gap), an error for text.
    func number(row r: Int, column i: Int) throws -> Double? {
        switch table.rows[r][i] {
        case .missing: return nil
        case .int(let v): return Double(v)
        case .number(let d): return d.isFinite ? d : nil
        case .text(let s): throw PlotError.notNumeric(column: table.columns[i], row: r + 1, found: s)
        }
    }
}

/// Appends `value` to `list` unless present, returning its index (keeps first-appearance order).
private func intern(_ value: String, _ list: inout [String], _ index: inout [String: Int]) -> Int {
    if let i = index[value] { return i }
    index[value] = list.count
    list.append(value)
    return list.count - 1
}

private func missingSentence(_ items: [String]) -> String? {
    guard !items.isEmpty else { return nil }
    let shown = items.prefix(3).joined(separator: ", ")
    let more = items.count > 3 ? ", …" : ""
    let noun = items.count == 1 ? "value" : "values"
    return "\(items.count) missing \(noun) shown as gaps (\(shown)\(more))"
}

// MARK: - Extraction

extension PlotSpec {
    private func checkRange() throws {
        if let yRange, !(yRange.lowerBound < yRange.upperBound && yRange.lowerBound.isFinite && yRange.upperBound.isFinite) {
            throw PlotError.badRange("y range \(yRange) must be finite with lower < upper")
        }
    }

    func gridData(_ table: Table) throws -> GridData {
        guard !table.rows.isEmpty else { throw PlotError.emptyTable(table.title) }
        let cols = Columns(table: table)
        var used = Set<Int>()
        let xi: Int
        if let x { xi = try cols.index(x, role: "x") } else {
            guard let i = cols.firstText(excluding: []) else {
                throw PlotError.cannotInferColumn(role: "x", candidates: [])
            }
            xi = i
        }
        used.insert(xi)
        let gi = try group.map { try cols.index($0, role: "group") }
        if let gi { used.insert(gi) }
        let vi = try value.map { try cols.index($0, role: "value") } ?? cols.inferValue(excluding: used, preferred: nil)

        var categories: [String] = [], catIndex: [String: Int] = [:]
        var groups: [String] = [], groupIndex: [String: Int] = [:]
        var cells: [[Int: (row: Int, value: Double?)]] = []
        for r in table.rows.indices {
            let c = intern(table.rows[r][xi].text, &categories, &catIndex)
            let g = intern(gi.map { table.rows[r][$0].text } ?? "", &groups, &groupIndex)
            if g == cells.count { cells.append([:]) }
            let v = try cols.number(row: r, column: vi)
            if let previous = cells[g][c] {
                throw PlotError.duplicate(x: categories[c], group: groups[g], rows: (previous.row + 1, r + 1))
            }
            cells[g][c] = (r, v)
        }
        var missing: [String] = []
        let values: [[Double?]] = groups.indices.map { g in
            categories.indices.map { c in
                let v = cells[g][c]?.value
                if v == nil { missing.append(groups[g].isEmpty ? categories[c] : "\(categories[c]) × \(groups[g])") }
                return v
            }
        }
        try checkRange()
        return GridData(
            title: title ?? table.title, xLabel: xLabel ?? table.columns[xi], yLabel: yLabel ?? table.columns[vi],
            groupLabel: gi.map { table.columns[$0] } ?? "", categories: categories, groups: groups,
            values: values, missingNote: missingSentence(missing))
    }

    func lineData(_ table: Table) throws -> LineData {
        guard !table.rows.isEmpty else { throw PlotError.emptyTable(table.title) }
        let cols = Columns(table: table)
        let xi = try cols.index(x ?? (table.columnIndex("step") != nil ? "step" : table.columns[0]), role: "x")
        let gi = try (group ?? (table.columnIndex("run") != nil ? "run" : nil)).map { try cols.index($0, role: "group") }
        let si = try (style ?? (table.columnIndex("split") != nil ? "split" : nil)).map { try cols.index($0, role: "style") }
        let used = Set([xi] + [gi, si].compactMap { $0 })
        let vi = try value.map { try cols.index($0, role: "value") } ?? cols.inferValue(excluding: used, preferred: "loss")

        var runs: [String] = [], runIndex: [String: Int] = [:]
        var styles: [String] = [], styleIndex: [String: Int] = [:]
        var series: [LineSeries] = [], seriesIndex: [String: Int] = [:]
        var missing: [String] = []
        for r in table.rows.indices {
            guard let step = try cols.number(row: r, column: xi) else {
                throw PlotError.notNumeric(column: table.columns[xi], row: r + 1, found: "(missing)")
            }
            let run = gi.map { table.rows[r][$0].text } ?? ""
            let split = si.map { table.rows[r][$0].text } ?? ""
            _ = intern(run, &runs, &runIndex)
            _ = intern(split, &styles, &styleIndex)
            let key = run + "\u{1F}" + split
            if seriesIndex[key] == nil {
                seriesIndex[key] = series.count
                series.append(LineSeries(run: run, style: split, points: []))
            }
            let y = try cols.number(row: r, column: vi)
            if y == nil { missing.append([run, split, "step \(table.rows[r][xi].text)"].filter { !$0.isEmpty }.joined(separator: " ")) }
            series[seriesIndex[key] ?? 0].points.append((step, y))
        }
        for i in series.indices { series[i].points.sort { $0.x < $1.x } }
        try checkRange()
        return LineData(
            title: title ?? table.title, xLabel: xLabel ?? table.columns[xi], yLabel: yLabel ?? table.columns[vi],
            runs: runs, styles: styles, series: series, missingNote: missingSentence(missing))
    }
}
