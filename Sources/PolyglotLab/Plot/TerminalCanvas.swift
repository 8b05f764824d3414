// Terminal drawings of the same figures for the REPL (no `to:`): horizontal Unicode bars with
// eighth-block precision, shaded heatmap cells, sparklines for losses, and radar charts as a
// per-category bar list. Lines never exceed `width` columns (ANSI escapes excluded); colour is optional.

struct TerminalCanvas {
    let width: Int
    let color: Bool

    private static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    private static let shades: [Character] = ["░", "▒", "▓", "█"]
    private static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    private func paint(_ s: String, series i: Int) -> String {
        color && !s.isEmpty ? Palette.ansi(i) + s + Palette.ansiReset : s
    }

    private func heading(_ title: String) -> [String] {
        title.isEmpty ? [] : [TextMetrics.fit(title, columns: width).trimmingTrailingSpaces()]
    }

    private func legend(_ d: GridData) -> [String] {
        guard !d.isSingleSeries else { return [] }
        var lines: [String] = [], line = d.groupLabel.isEmpty ? "" : d.groupLabel + ":",
            used = TextMetrics.columns(line)
        for (i, g) in d.groups.enumerated() {
            let label = TextMetrics.fit(g, columns: min(TextMetrics.columns(g), max(4, width - 4)))
                .trimmingTrailingSpaces()
            let cols = 3 + TextMetrics.columns(label)
            if used + cols > width, used > 0 {
                lines.append(line)
                line = ""
                used = 0
            }
            line += (used == 0 ? "" : " ") + paint("■", series: i) + " " + label
            used += cols
        }
        lines.append(line.trimmingTrailingSpaces())
        return lines
    }

    /// A bar of `cells` (fractional) columns, drawn with eighth blocks.
    private static func bar(_ cells: Double) -> String {
        let eighthsTotal = Int((max(0, cells) * 8).rounded())
        var s = String(repeating: "█", count: eighthsTotal / 8)
        if eighthsTotal % 8 > 0 { s.append(eighths[eighthsTotal % 8 - 1]) }
        return s
    }

    // MARK: - Bars (also paired, diverging, and radar as a bar list)

    func bars(_ d: GridData, kind: PlotKind, range: ClosedRange<Double>?) -> String {
        let values = d.present
        let lo = range?.lowerBound ?? min(0, values.min() ?? 0)
        let hi = range?.upperBound ?? max(0, values.max() ?? 1)
        let number: (Double) -> String = kind == .diverging ? NumberText.signed : { NumberText.fixed($0, decimals: 2) }
        // A value with its interval, when the table has one: "6.10 [5.80–6.40]".
        let label = { (g: Int, c: Int) -> String in
            guard let v = d.values[g][c] else { return "n/a" }
            guard let iv = d.intervals[g][c] else { return number(v) }
            return number(v) + " [" + number(iv.lowerBound) + "–" + number(iv.upperBound) + "]"
        }
        let single = d.isSingleSeries
        let catW = min(14, d.categories.map(TextMetrics.columns).max() ?? 0)
        let groupW = single ? 0 : min(16, max(kind == .paired ? 1 : 0, d.groups.map(TextMetrics.columns).max() ?? 0))
        let labels = d.groups.indices.flatMap { g in d.categories.indices.map { label(g, $0) } }
        let valueW = max(4, (labels.map(TextMetrics.columns).max() ?? 0) + (kind == .paired ? 2 : 0))
        let barW = max(4, width - catW - groupW - valueW - (single ? 3 : 4))
        // Bars grow from the origin: zero when the range spans it, else the range end nearest to zero.
        // Columns left of it hold values below it (losses), columns right of it values above.
        let origin = min(max(0, lo), hi)
        let span = max(hi - lo, 1e-12)
        let negW = Int((Double(barW) * (origin - lo) / span).rounded())
        let posW = barW - negW
        let axis = negW > 0 ? "│" : ""
        let cell = Double(barW) / span
        let spaces = { (n: Int) in String(repeating: " ", count: max(0, n)) }

        var out = heading(d.title) + legend(d)
        for (c, category) in d.categories.enumerated() {
            for g in d.groups.indices {
                let catText = TextMetrics.fit(g == 0 ? category : "", columns: catW)
                let groupText = single ? "" : " " + TextMetrics.fit(d.groups[g], columns: groupW)
                var barText: String
                if let v = d.values[g][c] {
                    let clamped = min(max(v, lo), hi)
                    if clamped < origin {
                        let n = min(negW, Int(((origin - clamped) * cell).rounded()))
                        barText =
                            spaces(negW - n) + paint(String(repeating: "█", count: n), series: g) + axis + spaces(posW)
                    } else {
                        let b = Self.bar(min((clamped - origin) * cell, Double(posW)))
                        barText = spaces(negW) + axis + paint(b, series: g) + spaces(posW - b.count)
                    }
                } else {
                    barText = spaces(negW) + axis + spaces(posW)
                }
                out.append("\(catText)\(groupText) \(barText) \(label(g, c))".trimmingTrailingSpaces())
            }
            if kind == .paired, let a = d.values[0][c], let b = d.values[1][c] {
                let pad = spaces(catW + 1 + groupW + 1 + barW + axis.count + 1)
                out.append(pad + "Δ " + NumberText.signed(b - a))
            }
        }
        if kind == .paired { out.append("Δ = \(d.groups[1]) − \(d.groups[0])") }
        if d.intervalNote != nil, let what = d.intervalLabel { out.append("[low–high]: \(what)") }
        if let note = d.missingNote { out.append(note) }
        return out.map { clip($0) }.joined(separator: "\n")
    }

    // MARK: - Heatmap

    func heatmap(_ d: GridData, range: ClosedRange<Double>?) -> String {
        let lo = range?.lowerBound ?? d.present.min() ?? 0
        let hi = range?.upperBound ?? d.present.max() ?? 1
        let span = hi > lo ? hi - lo : 1
        let level = { (v: Double) in min(3, max(0, Int(((v - lo) / span * 4).rounded(.down)))) }
        let rowW = min(16, d.groups.map(TextMetrics.columns).max() ?? 0)
        let valueW = d.present.map { NumberText.fixed($0, decimals: 2).count }.max() ?? 4
        let withValues = rowW + 1 + d.categories.count * (3 + 1 + valueW + 1) <= width
        let cellW = withValues ? 3 + 1 + valueW : max(1, min(4, (width - rowW - 1) / max(1, d.categories.count) - 1))

        var out = heading(d.title)
        out.append(
            String(repeating: " ", count: rowW + 1)
                + d.categories.map { TextMetrics.fit($0, columns: cellW) }.joined(separator: " "))
        for (g, name) in d.groups.enumerated() {
            let cells = d.categories.indices.map { c -> String in
                guard let v = d.values[g][c] else { return TextMetrics.fit(" ·", columns: cellW) }
                let shade = String(repeating: Self.shades[level(v)], count: withValues ? 3 : cellW)
                let coloured = color ? ansiScale((v - lo) / span) + shade + Palette.ansiReset : shade
                return withValues
                    ? coloured + " " + String(repeating: " ", count: valueW - NumberText.fixed(v, decimals: 2).count)
                        + NumberText.fixed(v, decimals: 2) : coloured
            }
            out.append(
                (TextMetrics.fit(name, columns: rowW) + " " + cells.joined(separator: " ")).trimmingTrailingSpaces())
        }
        let bounds = (0...4).map { NumberText.fixed(lo + span * Double($0) / 4, decimals: 2) }
        out.append(
            Self.shades.indices.map { "\(Self.shades[$0]) \(bounds[$0])–\(bounds[$0 + 1])" }.joined(separator: "  ")
                + (d.yLabel.isEmpty ? "" : "  (\(d.yLabel))"))
        if let note = d.missingNote { out.append(note) }
        return out.map { clip($0) }.joined(separator: "\n")
    }

    private func ansiScale(_ t: Double) -> String {
        let (r, g, b) = Palette.rgb(Palette.scale(t))
        return "\u{1B}[38;2;\(r);\(g);\(b)m"
    }

    // MARK: - Radar as a bar list

    func radar(_ d: GridData, range: ClosedRange<Double>?) -> String {
        bars(d, kind: .bars, range: range)
    }

    // MARK: - Sparklines

    func lines(_ d: LineData) -> String {
        let ys = d.series.flatMap { $0.points.compactMap(\.y) }
        let lo = ys.min() ?? 0, hi = ys.max() ?? 1
        let labels = d.series.map { [$0.run, $0.style].filter { !$0.isEmpty }.joined(separator: " · ") }
        let labelW = min(24, labels.map(TextMetrics.columns).max() ?? 0)
        let summaries = d.series.map { s -> String in
            let present = s.points.compactMap { p in p.y.map { (p.x, $0) } }
            guard let first = present.first, let last = present.last,
                let best = present.min(by: { $0.1 < $1.1 })
            else { return "no values" }
            return
                "\(NumberText.fixed(first.1, decimals: 2)) → \(NumberText.fixed(last.1, decimals: 2)), min \(NumberText.fixed(best.1, decimals: 2)) @ \(NumberText.coordinate(best.0))"
        }
        let summaryW = summaries.map(TextMetrics.columns).max() ?? 0
        let sparkW = max(8, width - labelW - summaryW - 2 - (labelW > 0 ? 1 : 0))

        var out = heading(d.title)
        out.append(
            "\(d.yLabel) over \(d.xLabel), shared scale \(NumberText.fixed(lo, decimals: 2))…\(NumberText.fixed(hi, decimals: 2))"
        )
        for (i, s) in d.series.enumerated() {
            let spark = sparkline(s.points.map(\.y), width: sparkW, lo: lo, hi: hi)
            let colourIndex = d.runs.firstIndex(of: s.run) ?? 0
            let label = labelW > 0 ? TextMetrics.fit(labels[i], columns: labelW) + " " : ""
            out.append(
                (label + paint(spark, series: colourIndex) + String(repeating: " ", count: sparkW - spark.count)
                    + "  " + summaries[i]).trimmingTrailingSpaces())
        }
        if let note = d.missingNote { out.append(note) }
        return out.map { clip($0) }.joined(separator: "\n")
    }

    /// One character per bucket of values (bucket mean), blank where a bucket has no value.
    private func sparkline(_ values: [Double?], width: Int, lo: Double, hi: Double) -> String {
        let n = min(width, values.count)
        guard n > 0 else { return "" }
        return String(
            (0..<n).map { b -> Character in
                let slice = values[(b * values.count / n)..<((b + 1) * values.count / n)].compactMap { $0 }
                guard !slice.isEmpty else { return " " }
                let mean = slice.reduce(0, +) / Double(slice.count)
                let t = hi > lo ? (mean - lo) / (hi - lo) : 0.5
                return Self.sparks[min(7, max(0, Int((t * 7).rounded())))]
            })
    }

    /// Cuts a line to `width` visible columns, keeping ANSI escapes intact.
    private func clip(_ line: String) -> String {
        var out = "", used = 0, inEscape = false
        for ch in line {
            if ch == "\u{1B}" { inEscape = true }
            if inEscape {
                out.append(ch)
                if ch == "m" { inEscape = false }
                continue
            }
            let w = TextMetrics.columns(String(ch))
            if used + w > width { break }
            out.append(ch)
            used += w
        }
        if color && out.contains("\u{1B}") && !out.hasSuffix(Palette.ansiReset) { out += Palette.ansiReset }
        return out
    }
}
