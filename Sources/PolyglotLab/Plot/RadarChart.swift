import Foundation

// Radar (polar) chart: one spoke per category (MT-Bench's 8 categories), clockwise from the top, one
// polygon per group. The radial axis defaults to 0…nice max; the study's figures use 1…10 via `yRange`.
// A missing value breaks the outline there (drawn as a gap) instead of pretending it is zero.
// Ring values sit inside the circle and spoke names outside, so the two never collide; when the spoke
// names would collide with each other, spokes are numbered and the names listed in a key below.

enum RadarChart {
    static let minRadius = 170.0
    static let maxSpokeLabelWidth = 130.0

    static func figure(_ d: GridData, yRange: ClosedRange<Double>?) -> Figure {
        let f = ChartFrame.self
        let n = d.categories.count
        let scale =
            yRange.map { NiceScale(min: $0.lowerBound, max: $0.upperBound, fixed: true) }
            ?? NiceScale(min: min(0, d.present.min() ?? 0), max: d.present.max() ?? 1)
        let radius = max(minRadius, Double(n) * 24 / (2 * Double.pi))
        let names = d.categories.map { TextMetrics.truncate($0, fontSize: f.labelSize, maxWidth: maxSpokeLabelWidth) }
        let angle = { (k: Int) in 2 * Double.pi * Double(k) / Double(max(1, n)) }

        // Spoke labels relative to the centre; anchored away from the circle.
        func spokeLabels(_ texts: [String]) -> [TextMark] {
            texts.indices.map { k in
                let s = sin(angle(k)), c = cos(angle(k))
                let anchor: TextAnchor = s > 0.3 ? .start : (s < -0.3 ? .end : .middle)
                let dy = c > 0.3 ? -4 : (c < -0.3 ? f.labelSize * 0.8 : f.labelSize * 0.35)
                return TextMark(
                    text: texts[k], x: (radius + 10) * s, y: -(radius + 10) * c + dy, size: f.labelSize,
                    anchor: anchor, role: "label")
            }
        }
        var labels = spokeLabels(names)
        var key: [String] = []
        let collide = labels.indices.contains { i in
            labels.indices.contains { j in j > i && labels[i].box.intersects(labels[j].box) }
        }
        if collide {
            labels = spokeLabels((0..<n).map { String($0 + 1) })
            key = [
                "Spokes: "
                    + d.categories.enumerated().map {
                        "\($0 + 1) " + TextMetrics.truncate($1, fontSize: f.tickSize, maxWidth: 240)
                    }.joined(separator: " · ")
            ]
        }
        let side = (labels.map { TextMetrics.width($0.text, fontSize: f.labelSize) }.max() ?? 0) + 14
        let width = max(480, 2 * (radius + side + f.margin)).rounded(.up)
        var fig = Figure(
            width: width, height: 0, title: d.title, description: "radar chart of \(d.yLabel) by \(d.xLabel)")
        let headerBottom = f.header(&fig, title: d.title, legendHeading: d.groupLabel, entries: d.legend)
        let cx = width / 2, cy = headerBottom + f.labelSize + 14 + radius
        let notes = f.wrap(key + (d.missingNote.map { [$0] } ?? []), width: width)
        fig.height = (cy + radius + f.labelSize + 22 + f.notesHeight(notes) + f.margin).rounded(.up)

        func point(_ k: Int, _ r: Double) -> (Double, Double) { (cx + r * sin(angle(k)), cy - r * cos(angle(k))) }
        let r = { (v: Double) in scale.position(v, from: 0, to: radius) }

        // Rings with their values just inside them.
        for t in scale.ticks {
            let corners = max(n, 3)  // with fewer than 3 spokes the rings are still drawn as triangles
            let ring = (0..<corners).map { k in
                (
                    cx + r(t) * sin(2 * .pi * Double(k) / Double(corners)),
                    cy - r(t) * cos(2 * .pi * Double(k) / Double(corners))
                )
            }
            fig.add(.polygon(points: ring, fill: "none", opacity: 0, stroke: "#dddddd"))
            // Halfway between the first two spokes, so the labels stay clear of the data points.
            let half = Double.pi / Double(corners)
            fig.text(
                TextMark(
                    text: scale.label(t), x: cx + r(t) * sin(half) + 2, y: cy - r(t) * cos(half) + f.valueSize + 1,
                    size: f.valueSize, color: "#777777", role: "tick"))
        }
        for k in 0..<n {
            let (x, y) = point(k, radius)
            fig.add(.line(x1: cx, y1: cy, x2: x, y2: y, stroke: "#cccccc", width: 1, dash: nil))
            var label = labels[k]
            label.x += cx
            label.y += cy
            fig.text(label)
        }

        // One outline per group; consecutive present values are joined, gaps stay open.
        for g in d.groups.indices {
            let color = Palette.color(g)
            let values = d.values[g]
            if values.allSatisfy({ $0 != nil }) {
                fig.add(
                    .polygon(
                        points: values.indices.map { point($0, r(values[$0] ?? 0)) }, fill: color, opacity: 0.12,
                        stroke: color))
            } else {
                // Walk once around, back to the first spoke; each missing value ends a segment.
                var segment: [(Double, Double)] = []
                for k in 0...n {
                    if let v = values[k % n] {
                        segment.append(point(k % n, r(v)))
                        continue
                    }
                    if segment.count > 1 { fig.add(.polyline(points: segment, stroke: color, width: 2, dash: nil)) }
                    segment = []
                }
                if segment.count > 1 { fig.add(.polyline(points: segment, stroke: color, width: 2, dash: nil)) }
            }
            for k in values.indices {
                guard let v = values[k] else { continue }
                let (x, y) = point(k, r(v))
                fig.add(.circle(cx: x, cy: y, r: 3, fill: color))
            }
        }
        f.notes(&fig, notes, top: cy + radius + f.labelSize + 18)
        return fig
    }
}
