// Approximate text measurement without a font engine: a per-character width factor (relative to the
// font size) for a Helvetica-like sans-serif. Wide (CJK, full-width) characters count as one em, so
// layout decisions (rotation, truncation, bar width) are made on the safe side.

enum TextMetrics {
    /// Width factor of one character in em.
    static func advance(_ c: Character) -> Double {
        guard let s = c.unicodeScalars.first else { return 0.55 }
        let v = s.value
        if isWide(v) { return 1.0 }
        if v < 0x20 { return 0 }
        switch c {
        case "i", "j", "l", "I", ".", ",", ":", ";", "'", "|", "!", "·": return 0.28
        case " ", "f", "t", "r", "(", ")", "[", "]", "-", "/": return 0.36
        case "m", "w", "M", "W", "%", "@", "—": return 0.86
        case "A"..."Z", "&", "+", "=", "#", "×", "−": return 0.68
        default: return 0.56
        }
    }

    /// East Asian wide and full-width ranges (CJK, Hangul, kana, full-width forms, emoji).
    static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    /// Estimated width in pixels of `text` at `fontSize`.
    static func width(_ text: String, fontSize: Double) -> Double {
        text.reduce(0) { $0 + advance($1) } * fontSize
    }

    /// `text` shortened with "…" so that it fits `maxWidth` pixels (unchanged when it already fits).
    static func truncate(_ text: String, fontSize: Double, maxWidth: Double) -> String {
        if width(text, fontSize: fontSize) <= maxWidth { return text }
        let budget = maxWidth - advance("…") * fontSize
        var out = "", used = 0.0
        for c in text {
            let w = advance(c) * fontSize
            if used + w > budget { break }
            out.append(c)
            used += w
        }
        return out.trimmingTrailingSpaces() + "…"
    }

    /// Terminal columns taken by `text` (wide characters take two cells).
    static func columns(_ text: String) -> Int {
        text.reduce(0) { n, c in
            guard let v = c.unicodeScalars.first?.value else { return n }
            return n + (isWide(v) ? 2 : 1)
        }
    }

    /// `text` cut to `maxColumns` terminal cells with "…", then right-padded to exactly that width.
    static func fit(_ text: String, columns maxColumns: Int) -> String {
        guard maxColumns > 0 else { return "" }
        var out = text
        if columns(text) > maxColumns {
            out = ""
            var used = 0
            for c in text {
                let w = columns(String(c))
                if used + w > maxColumns - 1 { break }
                out.append(c)
                used += w
            }
            out += "…"
        }
        return out + String(repeating: " ", count: max(0, maxColumns - columns(out)))
    }
}

/// Fixed, locale-independent number formatting for SVG coordinates and tick labels.
enum NumberText {
    /// Coordinates with at most 2 decimals and no trailing zeros ("12", "12.5", "-3.25").
    static func coordinate(_ d: Double) -> String {
        let r = (d * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        var s = String(r)
        while s.hasSuffix("0") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// A tick label for `value` given the tick spacing `step` (as many decimals as the step needs).
    static func tick(_ value: Double, step: Double) -> String {
        if abs(step) >= 1e5 || (abs(step) < 1e-4 && step != 0) {  // keep axis labels short: "2.5e+06"
            return value == 0 ? "0" : String(format: "%.3g", value)
        }
        var decimals = 0
        var s = abs(step)
        while decimals < 6, s > 0, (s - s.rounded()).magnitude > 1e-9 * max(1, s) {
            s *= 10
            decimals += 1
        }
        return fixed(value, decimals: decimals)
    }

    /// `value` with exactly `decimals` digits after the point, using "−"-free ASCII minus.
    static func fixed(_ value: Double, decimals: Int) -> String {
        let scale = (0..<decimals).reduce(1.0) { acc, _ in acc * 10 }
        let scaled = (abs(value) * scale).rounded()
        if scaled == 0 { return decimals == 0 ? "0" : "0." + String(repeating: "0", count: decimals) }
        let negative = value < 0
        var digits = String(format: "%.0f", scaled)
        if decimals > 0 {
            while digits.count <= decimals { digits = "0" + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (negative ? "-" : "") + digits
    }

    /// A value label with an explicit sign (diverging bars): "+4.60", "-1.20", "0.00".
    static func signed(_ value: Double) -> String {
        let s = fixed(value, decimals: 2)
        return value > 0 && s != "0.00" ? "+" + s : s
    }
}
