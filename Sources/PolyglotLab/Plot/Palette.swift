// Colours: the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies) for
// series, then four dark colours of Paul Tol's palettes, and a viridis-like sequential scale
// (perceptually ordered, readable in grey) for heatmaps.

enum Palette {
    /// Okabe–Ito (yellow, weak on white, and black late), then Tol's wine, indigo, brown and grey: every pair
    /// stays at least 21 CIEDE2000 units apart. A figure needing more colours is refused (`tooManyGroups`).
    static let series = [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
        "#882255", "#332288", "#661100", "#888888"
    ]
    /// Sign colours for single-series diverging bars: blue gains, vermillion losses.
    static let positive = "#0072B2"
    static let negative = "#D55E00"

    /// Series colour `i` (plot data refuses more groups than colours, so they never repeat in a figure).
    static func color(_ i: Int) -> String { series[i % series.count] }

    /// Matching 24-bit ANSI foreground escape for terminal output.
    static func ansi(_ i: Int) -> String {
        let (r, g, b) = rgb(color(i))
        return "\u{1B}[38;2;\(r);\(g);\(b)m"
    }

    static let ansiReset = "\u{1B}[0m"

    // Viridis sampled at 9 points; interpolated linearly in RGB.
    private static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37)
    ]

    /// Colour of `t` in 0…1 on the sequential scale (clamped).
    static func scale(_ t: Double) -> String {
        let u = min(1, max(0, t.isNaN ? 0 : t)) * Double(viridis.count - 1)
        let i = min(Int(u), viridis.count - 2)
        let w = u - Double(i)
        let a = viridis[i], b = viridis[i + 1]
        func mix(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * w).rounded()) }
        return hex(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// Text colour that stays readable on the scale colour at `t` (white on the dark end).
    static func ink(onScale t: Double) -> String { t < 0.55 ? "#ffffff" : "#111111" }

    static func hex(_ r: Int, _ g: Int, _ b: Int) -> String {
        let digits = Array("0123456789ABCDEF")
        return "#" + [r, g, b].map { String([digits[($0 >> 4) & 15], digits[$0 & 15]]) }.joined()
    }

    static func rgb(_ hex: String) -> (Int, Int, Int) {
        let v = Int(hex.dropFirst(), radix: 16) ?? 0
        return ((v >> 16) & 255, (v >> 8) & 255, v & 255)
    }
}
