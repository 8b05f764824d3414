// Line chart of training histories: loss over steps, one colour per run and one dash per split
// (train solid, validation dashed). A missing loss breaks the line; a lone point is drawn as a dot.
// Points with an interval in the table get an error bar in their line's colour.

enum LineChart {
    static let dashes: [String?] = [nil, "7 4", "2 3", "9 3 2 3"]

    static func figure(_ d: LineData, yRange: ClosedRange<Double>?) -> Figure {
        let f = ChartFrame.self
        let xs = d.series.flatMap { $0.points.map(\.x) }
        let ys = d.series.flatMap { s in
            s.points.flatMap { p in [p.y, p.interval?.lowerBound, p.interval?.upperBound].compactMap { $0 } }
        }
        let xScale = NiceScale(min: xs.min() ?? 0, max: xs.max() ?? 1, targetTicks: 6)
        let yScale =
            yRange.map { NiceScale(min: $0.lowerBound, max: $0.upperBound, fixed: true) }
            ?? NiceScale(min: ys.min() ?? 0, max: ys.max() ?? 1)

        let left = f.margin + f.labelSize + 10 + f.tickLabelWidth(yScale) + 8
        let plotWidth = 560.0, plotHeight = 280.0
        var fig = Figure(
            width: left + plotWidth + 24 + f.margin, height: 0, title: d.title,
            description: "line chart of \(d.yLabel) over \(d.xLabel)")
        let entries = d.series.map { s in
            LegendEntry(
                label: [s.run, s.style].filter { !$0.isEmpty }.joined(separator: " · "),
                color: Palette.color(d.runs.firstIndex(of: s.run) ?? 0),
                dash: dashes[(d.styles.firstIndex(of: s.style) ?? 0) % dashes.count], isLine: true)
        }
        let showLegend = !(entries.count == 1 && entries[0].label.isEmpty)
        let top = f.header(&fig, title: d.title, legendHeading: "", entries: showLegend ? entries : []) + 6
        let bottom = top + plotHeight, right = left + plotWidth
        let notes = f.wrap([d.intervalNote, d.missingNote].compactMap { $0 }, width: fig.width)
        let axisY = bottom + 6 + f.tickSize + 6 + f.labelSize
        fig.height = (axisY + 8 + f.notesHeight(notes) + f.margin).rounded(.up)

        f.valueAxis(&fig, scale: yScale, left: left, right: right, top: top, bottom: bottom, label: d.yLabel)
        for t in xScale.ticks {
            let x = xScale.position(t, from: left, to: right)
            fig.add(.line(x1: x, y1: bottom, x2: x, y2: bottom + 4, stroke: "#444444", width: 1, dash: nil))
            fig.text(
                TextMark(
                    text: xScale.label(t), x: x, y: bottom + 6 + f.tickSize * 0.75, size: f.tickSize,
                    anchor: .middle, color: "#444444", role: "tick"))
        }
        fig.add(.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#444444", width: 1, dash: nil))
        fig.text(
            TextMark(
                text: TextMetrics.truncate(d.xLabel, fontSize: f.labelSize, maxWidth: plotWidth),
                x: left + plotWidth / 2, y: axisY, size: f.labelSize, anchor: .middle, role: "axis"))

        let px = { (x: Double) in xScale.position(x, from: left, to: right) }
        let py = { (y: Double) in yScale.position(y, from: bottom, to: top) }
        for (s, entry) in zip(d.series, entries) {
            var segment: [(Double, Double)] = []
            func flush() {
                if segment.count > 1 {
                    fig.add(.polyline(points: segment, stroke: entry.color, width: 2, dash: entry.dash))
                } else if let p = segment.first {
                    fig.add(.circle(cx: p.0, cy: p.1, r: 2.5, fill: entry.color))
                }
                segment = []
            }
            for p in s.points {
                if let y = p.y { segment.append((px(p.x), py(y))) } else { flush() }
            }
            flush()
            // Runs share their x values, so each run's error bars are shifted a little to stay apart.
            let runIndex = Double(d.runs.firstIndex(of: s.run) ?? 0)
            let dodge = min(6, 24 / Double(d.runs.count)) * (runIndex - Double(d.runs.count - 1) / 2)
            for p in s.points {
                guard let interval = p.interval else { continue }
                f.errorBar(
                    &fig, x: px(p.x) + dodge, low: py(interval.lowerBound), high: py(interval.upperBound),
                    capWidth: 6, color: entry.color)
            }
        }
        f.notes(&fig, notes, top: axisY + 4)
        return fig
    }
}
