// Vertical bar charts: grouped bars (score per language by model), paired bars (two groups side by
// side with their difference), and diverging bars (gains and losses around zero). The layout widens
// the figure rather than letting bars or labels overlap: bars are at least as wide as their value
// labels, and category labels are turned vertical or truncated when they do not fit their slot.
// Where the table has an interval for a bar (score's 95% CI), an error bar is drawn over it and the
// value label sits above the error bar.

enum BarChart {
    /// Bars are labelled with their values when there are at most this many.
    static let maxLabelledBars = 24
    static let maxCategoryLabelWidth = 150.0

    static func figure(_ d: GridData, kind: PlotKind, yRange: ClosedRange<Double>?) throws -> Figure {
        if kind == .paired, d.groups.count != 2 { throw PlotError.needsTwoGroups(found: d.groups) }
        let f = ChartFrame.self
        let nBars = d.categories.count * d.groups.count
        let showValues = nBars <= maxLabelledBars
        let valueText: (Double) -> String =
            kind == .diverging ? NumberText.signed : { NumberText.fixed($0, decimals: 2) }
        let diffs: [Double?] =
            kind == .paired
            ? d.categories.indices.map { c in d.values[1][c].flatMap { b in d.values[0][c].map { b - $0 } } } : []

        // Bar width: wide enough for the widest value label (and a pair for its difference label).
        var barWidth = 10.0
        if showValues {
            let widest = d.present.map { TextMetrics.width(valueText($0), fontSize: f.valueSize) }.max() ?? 0
            barWidth = max(barWidth, widest + 4)
        }
        let diffWidest =
            diffs.compactMap { $0 }.map { TextMetrics.width("Δ " + NumberText.signed($0), fontSize: f.valueSize) }.max()
            ?? 0
        barWidth = max(barWidth, diffWidest / 2 + 2)
        let gap = max(10, barWidth * 0.8)
        var slot = Double(d.groups.count) * barWidth + gap
        slot = max(slot, 480 / Double(max(1, d.categories.count)))  // small charts still get a readable width
        barWidth = min(60, (slot - gap) / Double(d.groups.count))

        // Value scale: bars start at zero; a fixed range is honoured as given.
        let lo = min(0, d.extent.min() ?? 0), hi = max(0, d.extent.max() ?? 1)
        let scale =
            yRange.map { NiceScale(min: $0.lowerBound, max: $0.upperBound, fixed: true) }
            ?? NiceScale(min: lo, max: hi == lo ? lo + 1 : hi)

        // Category labels: horizontal when they fit their slot, otherwise vertical.
        let labels = d.categories.map {
            TextMetrics.truncate($0, fontSize: f.tickSize, maxWidth: maxCategoryLabelWidth)
        }
        let widestLabel = labels.map { TextMetrics.width($0, fontSize: f.tickSize) }.max() ?? 0
        let vertical = widestLabel > slot - 4
        let tickBand = vertical ? widestLabel + 10 : f.tickSize + 10

        let left = f.margin + f.labelSize + 10 + f.tickLabelWidth(scale) + 8
        let plotWidth = slot * Double(d.categories.count)
        var fig = Figure(
            width: (left + plotWidth + f.margin).rounded(.up), height: 0, title: d.title,
            description: "\(kind.rawValue) chart of \(d.yLabel) by \(d.xLabel)")
        let headerBottom = f.header(&fig, title: d.title, legendHeading: d.groupLabel, entries: d.legend)

        var rawNotes = [d.intervalNote, d.missingNote].compactMap { $0 }
        if kind == .paired { rawNotes.append("Δ = \(d.groups[1]) − \(d.groups[0])") }
        let notes = f.wrap(rawNotes, width: fig.width)
        let pad = (showValues ? f.valueSize + 6 : 4) + (kind == .paired ? f.valueSize + 4 : 0)
        let top = headerBottom + 6, plotHeight = 260.0
        let bottom = top + plotHeight
        let innerTop = top + pad, innerBottom = bottom - (lo < 0 && showValues ? f.valueSize + 6 : 0)
        fig.height = (bottom + tickBand + f.labelSize + 12 + f.notesHeight(notes) + f.margin).rounded(.up)

        f.valueAxis(
            &fig, scale: scale, left: left, right: left + plotWidth, top: innerTop, bottom: innerBottom, label: d.yLabel
        )
        let y = { (v: Double) in scale.position(v, from: innerBottom, to: innerTop) }
        let zero = y(min(max(0, scale.lo), scale.hi))

        for c in d.categories.indices {
            let slotLeft = left + Double(c) * slot
            let firstBar = slotLeft + (slot - barWidth * Double(d.groups.count)) / 2
            var pairTop = Double.infinity
            for g in d.groups.indices {
                let x = firstBar + Double(g) * barWidth
                let centre = x + barWidth / 2
                guard let v = d.values[g][c] else {
                    if showValues {
                        fig.text(
                            TextMark(
                                text: "n/a", x: centre, y: zero - 3, size: f.valueSize, anchor: .middle,
                                color: "#888888", role: "value"))
                    }
                    continue
                }
                let end = y(v)
                let color =
                    kind == .diverging && d.groups.count == 1
                    ? (v < 0 ? Palette.negative : Palette.positive) : Palette.color(g)
                let tip = [d.groups[g], d.categories[c], valueText(v)].filter { !$0.isEmpty }.joined(separator: " · ")
                fig.add(
                    .rect(
                        x: x + 0.5, y: min(zero, end), width: barWidth - 1, height: abs(end - zero),
                        fill: color, stroke: nil, tooltip: tip))
                // The bar's extent with its error bar, in pixels: value labels go beyond it.
                var (upper, lower) = (min(zero, end), max(zero, end))
                if let interval = d.intervals[g][c] {
                    let high = y(interval.upperBound), low = y(interval.lowerBound)
                    f.errorBar(&fig, x: centre, low: low, high: high, capWidth: min(10, barWidth / 2), color: "#333333")
                    (upper, lower) = (min(upper, high), max(lower, low))
                }
                pairTop = min(pairTop, upper)
                if showValues {
                    let below = v < 0
                    fig.text(
                        TextMark(
                            text: valueText(v), x: centre, y: below ? lower + f.valueSize + 2 : upper - 3,
                            size: f.valueSize, anchor: .middle, role: "value"))
                    if !below { pairTop = min(pairTop, upper - f.valueSize - 2) }
                }
            }
            if kind == .paired, let delta = diffs[c], pairTop.isFinite {
                fig.text(
                    TextMark(
                        text: "Δ " + NumberText.signed(delta), x: slotLeft + slot / 2, y: pairTop - 3,
                        size: f.valueSize, anchor: .middle, bold: true, color: "#444444", role: "value"))
            }
            let cx = slotLeft + slot / 2
            fig.text(f.categoryLabel(labels[c], centre: cx, axis: bottom, vertical: vertical))
        }
        fig.add(.line(x1: left, y1: bottom, x2: left + plotWidth, y2: bottom, stroke: "#444444", width: 1, dash: nil))
        let axisY = bottom + tickBand + f.labelSize
        fig.text(
            TextMark(
                text: TextMetrics.truncate(d.xLabel, fontSize: f.labelSize, maxWidth: plotWidth),
                x: left + plotWidth / 2, y: axisY, size: f.labelSize, anchor: .middle, role: "axis"))
        f.notes(&fig, notes, top: axisY + 4)
        return fig
    }
}
