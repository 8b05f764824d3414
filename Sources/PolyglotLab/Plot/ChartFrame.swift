import Foundation

// Shared pieces of every chart: "nice" tick scales, the title/legend block at the top, notes at the
// bottom and the value axis with grid lines.

/// A linear scale with round tick values (1, 2, 2.5 or 5 × 10^k) covering `lo…hi`.
struct NiceScale {
    let lo: Double, hi: Double, step: Double

    /// Ticks covering the data range; `fixed` keeps the given bounds instead of rounding them outwards.
    init(min a: Double, max b: Double, targetTicks: Int = 5, fixed: Bool = false) {
        var lo = a, hi = b
        if !(lo.isFinite && hi.isFinite) { lo = 0; hi = 1 }
        if lo == hi { lo -= lo == 0 ? 1 : abs(lo) * 0.1; hi += hi == 0 ? 1 : abs(hi) * 0.1 }
        let raw = (hi - lo) / Double(max(1, targetTicks))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        self.step = step
        self.lo = fixed ? lo : (lo / step).rounded(.down) * step
        self.hi = fixed ? hi : (hi / step).rounded(.up) * step
    }

    var ticks: [Double] {
        let first = (lo / step - 1e-9).rounded(.up)
        let last = (hi / step + 1e-9).rounded(.down)
        guard first <= last else { return [] }
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    func label(_ v: Double) -> String { NumberText.tick(v, step: step) }

    /// Maps `v` from the scale onto the pixel interval `a…b` (b may be smaller than a).
    func position(_ v: Double, from a: Double, to b: Double) -> Double {
        a + (min(max(v, lo), hi) - lo) / (hi - lo) * (b - a)
    }
}

/// One legend entry: a filled square, or a line sample with an optional dash.
struct LegendEntry {
    var label: String
    var color: String
    var dash: String? = nil
    var isLine = false
}

enum ChartFrame {
    static let titleSize = 16.0
    static let labelSize = 12.0
    static let tickSize = 11.0
    static let valueSize = 10.0
    static let margin = 16.0

    static let titleLineHeight = titleSize * 1.25

    /// Draws the title (wrapped onto as many lines as it needs) and a wrapping legend; returns the y where
    /// the plot may start.
    static func header(_ fig: inout Figure, title: String, legendHeading: String, entries: [LegendEntry]) -> Double {
        let lines = TextMetrics.wrap(title, fontSize: titleSize, maxWidth: fig.width - 2 * margin, bold: true)
        for (i, line) in lines.enumerated() {
            fig.text(
                TextMark(
                    text: line, x: fig.width / 2, y: margin + titleSize * 0.75 + Double(i) * titleLineHeight,
                    size: titleSize, anchor: .middle, bold: true, role: "title"))
        }
        var y = margin + titleSize + Double(lines.count - 1) * titleLineHeight + 10
        guard !entries.isEmpty else { return y }
        let rowHeight = labelSize + 8
        var x = margin
        let baseline = { (top: Double) in top + labelSize * 0.8 }
        if !legendHeading.isEmpty {
            let h = TextMetrics.truncate(legendHeading + ":", fontSize: labelSize, maxWidth: 160, bold: true)
            fig.text(TextMark(text: h, x: x, y: baseline(y), size: labelSize, bold: true, role: "legend"))
            x += TextMetrics.width(h, fontSize: labelSize, bold: true) + 10
        }
        for e in entries {
            let swatch = e.isLine ? 24.0 : 12.0
            // A label is cut only when it cannot fit a legend row of its own.
            let label = TextMetrics.truncate(
                e.label, fontSize: labelSize,
                maxWidth: fig.width - 2 * margin - swatch - 6)
            let w = swatch + 6 + TextMetrics.width(label, fontSize: labelSize) + 16
            if x + w > fig.width - margin, x > margin {
                x = margin
                y += rowHeight
            }
            if e.isLine {
                let ly = y + labelSize * 0.5
                fig.add(.line(x1: x, y1: ly, x2: x + swatch, y2: ly, stroke: e.color, width: 2.5, dash: e.dash))
            } else {
                fig.add(.rect(x: x, y: y + 1, width: swatch, height: swatch, fill: e.color, stroke: nil, tooltip: nil))
            }
            fig.text(TextMark(text: label, x: x + swatch + 6, y: baseline(y), size: labelSize, role: "legend"))
            x += w
        }
        return y + rowHeight + 4
    }

    /// Notes wrapped to the figure width (a word wider than the figure is split, not cut).
    static func wrap(_ notes: [String], width: Double) -> [String] {
        notes.flatMap { TextMetrics.wrap($0, fontSize: tickSize, maxWidth: width - 2 * margin) }
    }

    /// Already wrapped note lines in grey from `top` down.
    static func notes(_ fig: inout Figure, _ lines: [String], top: Double) {
        var y = top
        for line in lines {
            y += tickSize + 4
            fig.text(TextMark(text: line, x: margin, y: y, size: tickSize, color: "#555555", role: "note"))
        }
    }

    /// Height that `lines` wrapped note lines take.
    static func notesHeight(_ lines: [String]) -> Double {
        Double(lines.count) * (tickSize + 4) + (lines.isEmpty ? 0 : 6)
    }

    /// A category name under the axis at `axis`: centred, or turned −90° (reading upwards, ending at the axis).
    static func categoryLabel(_ text: String, centre: Double, axis: Double, vertical: Bool) -> TextMark {
        vertical
            ? TextMark(
                text: text, x: centre + tickSize * 0.25, y: axis + 8, size: tickSize, anchor: .end, rotated: true,
                role: "tick")
            : TextMark(
                text: text, x: centre, y: axis + 6 + tickSize * 0.75, size: tickSize, anchor: .middle, role: "tick")
    }

    /// An error bar: a vertical line from `low` to `high` (pixels) at `x` with caps `capWidth` wide, dark on a
    /// white halo so it shows over dark bars as well as over the background.
    static func errorBar(_ fig: inout Figure, x: Double, low: Double, high: Double, capWidth: Double, color: String) {
        for (stroke, width) in [("#ffffff", 3.2), (color, 1.2)] {
            fig.add(.line(x1: x, y1: low, x2: x, y2: high, stroke: stroke, width: width, dash: nil))
            for y in [low, high] {
                fig.add(
                    .line(
                        x1: x - capWidth / 2, y1: y, x2: x + capWidth / 2, y2: y, stroke: stroke, width: width,
                        dash: nil))
            }
        }
    }

    /// Widest y tick label of `scale` in pixels.
    static func tickLabelWidth(_ scale: NiceScale) -> Double {
        scale.ticks.map { TextMetrics.width(scale.label($0), fontSize: tickSize) }.max() ?? 0
    }

    /// Horizontal grid lines, y tick labels and the rotated y axis label for a value axis.
    static func valueAxis(
        _ fig: inout Figure, scale: NiceScale, left: Double, right: Double,
        top: Double, bottom: Double, label: String
    ) {
        for t in scale.ticks {
            let y = scale.position(t, from: bottom, to: top)
            let isZero = abs(t) < scale.step * 1e-9
            fig.add(
                .line(
                    x1: left, y1: y, x2: right, y2: y, stroke: isZero ? "#444444" : "#e3e3e3",
                    width: isZero ? 1.2 : 1, dash: nil))
            fig.text(
                TextMark(
                    text: scale.label(t), x: left - 6, y: y + tickSize * 0.35, size: tickSize,
                    anchor: .end, color: "#444444", role: "tick"))
        }
        let l = TextMetrics.truncate(label, fontSize: labelSize, maxWidth: bottom - top)
        fig.text(
            TextMark(
                text: l, x: margin + labelSize * 0.75, y: (top + bottom) / 2, size: labelSize,
                anchor: .middle, rotated: true, role: "axis"))
    }
}
