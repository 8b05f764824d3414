// Heatmap: groups as rows (models, or experts for MoE routing), categories as columns (languages),
// cell colour from a sequential colour-blind-safe scale with a stepped colour bar on the right (steps
// instead of a gradient so the SVG needs no ids, which would clash when several are inlined in a page).

enum HeatmapChart {
    static let scaleSteps = 40
    static let maxRowLabelWidth = 170.0

    static func figure(_ d: GridData, yRange: ClosedRange<Double>?) -> Figure {
        let f = ChartFrame.self
        let lo = yRange?.lowerBound ?? d.present.min() ?? 0
        let hi = yRange?.upperBound ?? d.present.max() ?? 1
        let scale = NiceScale(min: lo, max: hi == lo ? lo + 1 : hi, fixed: true)
        let t = { (v: Double) in (min(max(v, scale.lo), scale.hi) - scale.lo) / (scale.hi - scale.lo) }

        let cellHeight = d.groups.count > 24 ? 18.0 : 28.0
        let valueSize = cellHeight < 28 ? 9.0 : f.tickSize
        let valueWidest =
            d.present.map { TextMetrics.width(NumberText.fixed($0, decimals: 2), fontSize: valueSize) }.max() ?? 0
        let cellWidth = max(44, valueWidest + 10)
        let colLabels = d.categories.map { TextMetrics.truncate($0, fontSize: f.tickSize, maxWidth: 150) }
        let colWidest = colLabels.map { TextMetrics.width($0, fontSize: f.tickSize) }.max() ?? 0
        let vertical = colWidest > cellWidth - 4
        let rowLabels = d.groups.map { TextMetrics.truncate($0, fontSize: f.tickSize, maxWidth: maxRowLabelWidth) }
        let rowWidest = rowLabels.map { TextMetrics.width($0, fontSize: f.tickSize) }.max() ?? 0

        let left = f.margin + (d.groupLabel.isEmpty ? 0 : f.labelSize + 10) + rowWidest + 8
        let gridWidth = cellWidth * Double(d.categories.count)
        let barLeft = left + gridWidth + 24
        let scaleLabelWidth = f.tickLabelWidth(scale)
        let width = max(360, barLeft + 22 + scaleLabelWidth + 8 + f.labelSize + f.margin).rounded(.up)
        var fig = Figure(
            width: width, height: 0, title: d.title,
            description: "heatmap of \(d.yLabel) by \(d.groupLabel.isEmpty ? "row" : d.groupLabel) and \(d.xLabel)")
        let top = f.header(&fig, title: d.title, legendHeading: "", entries: []) + 4
        let gridHeight = cellHeight * Double(d.groups.count)
        let bottom = top + gridHeight
        let tickBand = vertical ? colWidest + 10 : f.tickSize + 10
        let notes = f.wrap(d.missingNote.map { [$0] } ?? [], width: width)
        let barHeight = max(gridHeight, 160)
        fig.height = (max(bottom + tickBand + f.labelSize + 8, top + barHeight + 8) + f.notesHeight(notes) + f.margin)
            .rounded(.up)

        for g in d.groups.indices {
            let y = top + Double(g) * cellHeight
            fig.text(
                TextMark(
                    text: rowLabels[g], x: left - 8, y: y + cellHeight / 2 + f.tickSize * 0.35, size: f.tickSize,
                    anchor: .end, role: "tick"))
            for c in d.categories.indices {
                let x = left + Double(c) * cellWidth
                guard let v = d.values[g][c] else {
                    fig.add(
                        .rect(
                            x: x + 0.5, y: y + 0.5, width: cellWidth - 1, height: cellHeight - 1, fill: "#ffffff",
                            stroke: "#bbbbbb", tooltip: "\(d.groups[g]) · \(d.categories[c]) · missing"))
                    continue
                }
                let label = NumberText.fixed(v, decimals: 2)
                fig.add(
                    .rect(
                        x: x, y: y, width: cellWidth, height: cellHeight, fill: Palette.scale(t(v)), stroke: "#ffffff",
                        tooltip: "\(d.groups[g]) · \(d.categories[c]) · \(label)"))
                fig.text(
                    TextMark(
                        text: label, x: x + cellWidth / 2, y: y + cellHeight / 2 + valueSize * 0.35, size: valueSize,
                        anchor: .middle, color: Palette.ink(onScale: t(v)), role: "value"))
            }
        }
        for c in d.categories.indices {
            let cx = left + (Double(c) + 0.5) * cellWidth
            fig.text(f.categoryLabel(colLabels[c], centre: cx, axis: bottom, vertical: vertical))
        }
        let axisY = bottom + tickBand + f.labelSize
        fig.text(
            TextMark(
                text: TextMetrics.truncate(d.xLabel, fontSize: f.labelSize, maxWidth: max(gridWidth, 60)),
                x: left + gridWidth / 2, y: axisY, size: f.labelSize, anchor: .middle, role: "axis"))
        if !d.groupLabel.isEmpty {
            fig.text(
                TextMark(
                    text: TextMetrics.truncate(d.groupLabel, fontSize: f.labelSize, maxWidth: gridHeight),
                    x: f.margin + f.labelSize * 0.75, y: top + gridHeight / 2, size: f.labelSize,
                    anchor: .middle, rotated: true, role: "axis"))
        }

        // Colour bar: high values at the top, ticks on its right.
        let step = barHeight / Double(scaleSteps)
        for i in 0..<scaleSteps {
            let u = 1 - (Double(i) + 0.5) / Double(scaleSteps)
            fig.add(
                .rect(
                    x: barLeft, y: top + Double(i) * step, width: 16, height: step + 0.3, fill: Palette.scale(u),
                    stroke: nil, tooltip: nil))
        }
        for tick in scale.ticks {
            let y = scale.position(tick, from: top + barHeight, to: top)
            fig.add(.line(x1: barLeft + 16, y1: y, x2: barLeft + 20, y2: y, stroke: "#444444", width: 1, dash: nil))
            fig.text(
                TextMark(
                    text: scale.label(tick), x: barLeft + 22, y: y + f.tickSize * 0.35, size: f.tickSize,
                    color: "#444444", role: "tick"))
        }
        fig.text(
            TextMark(
                text: TextMetrics.truncate(d.yLabel, fontSize: f.labelSize, maxWidth: barHeight),
                x: barLeft + 22 + scaleLabelWidth + 8 + f.labelSize * 0.75, y: top + barHeight / 2,
                size: f.labelSize, anchor: .middle, rotated: true, role: "axis"))
        f.notes(&fig, notes, top: max(axisY + 4, top + barHeight + 4))
        return fig
    }
}
