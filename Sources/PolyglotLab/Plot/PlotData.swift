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
    /// `intervals[g][c]` from the table's interval columns (drawn as error bars); nil where there is none.
    var intervals: [[ClosedRange<Double>?]]
    /// What the intervals are ("95% CI …"); nil when the table has none for the drawn value.
    var intervalLabel: String?
    /// Sentence for the figure when some values are missing (drawn as gaps); nil otherwise.
    var missingNote: String?

    var present: [Double] { values.flatMap { $0.compactMap { $0 } } }

    /// The values and their interval bounds: what a value axis has to show.
    var extent: [Double] {
        present + intervals.flatMap { $0.compactMap { $0 }.flatMap { [$0.lowerBound, $0.upperBound] } }
    }

    /// True when no group column was given (one unnamed series: no legend).
    var isSingleSeries: Bool { groups.count == 1 && groups[0].isEmpty }

    /// One legend square per group in palette order (empty for a single series).
    var legend: [LegendEntry] {
        isSingleSeries ? [] : groups.enumerated().map { LegendEntry(label: $1, color: Palette.color($0)) }
    }

    /// The figure's note on its error bars, when it draws any.
    var intervalNote: String? {
        guard let intervalLabel, intervals.contains(where: { $0.contains { $0 != nil } }) else { return nil }
        return "Error bars: \(intervalLabel)."
    }
}

/// One line of a line chart: a run and a split, with y nil where a value is missing and the point's
/// interval where the table has one.
struct LineSeries: Equatable {
    var run: String
    var style: String
    var points: [(x: Double, y: Double?, interval: ClosedRange<Double>?)]

    static func == (a: LineSeries, b: LineSeries) -> Bool {
        a.run == b.run && a.style == b.style && a.points.count == b.points.count
            && zip(a.points, b.points).allSatisfy { $0.x == $1.x && $0.y == $1.y && $0.interval == $1.interval }
    }
}

struct LineData: Equatable {
    var title: String
    var xLabel: String
    var yLabel: String
    var runs: [String]
    var styles: [String]
    var series: [LineSeries]
    var intervalLabel: String?
    var missingNote: String?

    /// The figure's note on its error bars, when it draws any.
    var intervalNote: String? {
        guard let intervalLabel, series.contains(where: { $0.points.contains { $0.interval != nil } }) else {
            return nil
        }
        return "Error bars: \(intervalLabel)."
    }
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
            !used.contains(i)
                && table.rows.contains {
                    if case .text = $0[i] { false } else if case .missing = $0[i] { false } else { true }
                }
        }
        if numeric.count == 1 { return numeric[0] }
        if let p = preferred, let i = table.columnIndex(p), numeric.contains(i) { return i }
        throw PlotError.cannotInferColumn(role: "value", candidates: numeric.map { table.columns[$0] })
    }

    /// The value column: the one named, else the table's estimate, else the only numeric column left.
    func value(named name: String?, excluding used: Set<Int>, preferred: String?) throws -> Int {
        if let name { return try index(name, role: "value") }
        if let estimated = table.estimate?.value, let i = table.columnIndex(estimated), !used.contains(i) { return i }
        return try inferValue(excluding: used, preferred: preferred)
    }

    /// The interval columns when `valueColumn` is the table's estimate and it has an interval.
    func interval(for valueColumn: Int) -> (low: Int, high: Int, label: String)? {
        guard let e = table.estimate, table.columns[valueColumn] == e.value, let iv = e.interval,
            let lo = table.columnIndex(iv.low), let hi = table.columnIndex(iv.high)
        else { return nil }
        return (lo, hi, iv.label)
    }

    /// Row `r`'s interval: nil when a bound is missing or they are out of order.
    func interval(row r: Int, _ columns: (low: Int, high: Int, label: String)?) throws -> ClosedRange<Double>? {
        guard let columns, let lo = try number(row: r, column: columns.low),
            let hi = try number(row: r, column: columns.high), lo <= hi
        else { return nil }
        return lo...hi
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
        if let yRange,
            !(yRange.lowerBound < yRange.upperBound && yRange.lowerBound.isFinite && yRange.upperBound.isFinite)
        {
            throw PlotError.badRange("y range \(yRange) must be finite with lower < upper")
        }
    }

    /// Kinds that tell groups apart by colour need a distinct palette colour for each.
    private func checkColours(_ groups: Int) throws {
        guard kind != .heatmap, groups > Palette.series.count else { return }
        throw PlotError.tooManyGroups(found: groups, limit: Palette.series.count)
    }

    func gridData(_ table: Table) throws -> GridData {
        guard !table.rows.isEmpty else { throw PlotError.emptyTable(table.title) }
        let cols = Columns(table: table)
        var used = Set<Int>()
        let xi: Int
        if let x {
            xi = try cols.index(x, role: "x")
        } else {
            guard let i = cols.firstText(excluding: []) else {
                throw PlotError.cannotInferColumn(role: "x", candidates: [])
            }
            xi = i
        }
        used.insert(xi)
        let gi = try group.map { try cols.index($0, role: "group") }
        if let gi { used.insert(gi) }
        let vi = try cols.value(named: value, excluding: used, preferred: nil)
        let intervalColumns = cols.interval(for: vi)

        var categories: [String] = [], catIndex: [String: Int] = [:]
        var groups: [String] = [], groupIndex: [String: Int] = [:]
        var cells: [[Int: (row: Int, value: Double?, interval: ClosedRange<Double>?)]] = []
        for r in table.rows.indices {
            let c = intern(table.rows[r][xi].text, &categories, &catIndex)
            let g = intern(gi.map { table.rows[r][$0].text } ?? "", &groups, &groupIndex)
            if g == cells.count { cells.append([:]) }
            let v = try cols.number(row: r, column: vi)
            if let previous = cells[g][c] {
                throw PlotError.duplicate(x: categories[c], group: groups[g], rows: (previous.row + 1, r + 1))
            }
            cells[g][c] = (r, v, try v.flatMap { _ in try cols.interval(row: r, intervalColumns) })
        }
        var missing: [String] = []
        let values: [[Double?]] = groups.indices.map { g in
            categories.indices.map { c in
                let v = cells[g][c]?.value
                if v == nil { missing.append(groups[g].isEmpty ? categories[c] : "\(categories[c]) × \(groups[g])") }
                return v
            }
        }
        let intervals = groups.indices.map { g in categories.indices.map { c in cells[g][c]?.interval } }
        try checkRange()
        try checkColours(groups.count)
        return GridData(
            title: title ?? table.title, xLabel: xLabel ?? table.columns[xi], yLabel: yLabel ?? table.columns[vi],
            groupLabel: gi.map { table.columns[$0] } ?? "", categories: categories, groups: groups,
            values: values, intervals: intervals, intervalLabel: intervalColumns?.label,
            missingNote: missingSentence(missing))
    }

    func lineData(_ table: Table) throws -> LineData {
        guard !table.rows.isEmpty else { throw PlotError.emptyTable(table.title) }
        let cols = Columns(table: table)
        let xi = try cols.index(x ?? (table.columnIndex("step") != nil ? "step" : table.columns[0]), role: "x")
        let gi = try (group ?? (table.columnIndex("run") != nil ? "run" : nil)).map {
            try cols.index($0, role: "group")
        }
        let si = try (style ?? (table.columnIndex("split") != nil ? "split" : nil)).map {
            try cols.index($0, role: "style")
        }
        let used = Set([xi] + [gi, si].compactMap { $0 })
        let vi = try cols.value(named: value, excluding: used, preferred: "loss")
        let intervalColumns = cols.interval(for: vi)

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
            if y == nil {
                missing.append(
                    [run, split, "step \(table.rows[r][xi].text)"].filter { !$0.isEmpty }.joined(separator: " "))
            }
            let interval = try y.flatMap { _ in try cols.interval(row: r, intervalColumns) }
            series[seriesIndex[key] ?? 0].points.append((step, y, interval))
        }
        for i in series.indices { series[i].points.sort { $0.x < $1.x } }
        try checkRange()
        try checkColours(runs.count)
        return LineData(
            title: title ?? table.title, xLabel: xLabel ?? table.columns[xi], yLabel: yLabel ?? table.columns[vi],
            runs: runs, styles: styles, series: series, intervalLabel: intervalColumns?.label,
            missingNote: missingSentence(missing))
    }
}
