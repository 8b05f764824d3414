// Text measurement without a font engine: per-character advance widths of DejaVu Sans (regular and
// bold), the widest font of the figures' font-family list, so layout decisions (wrapping, rotation,
// truncation, bar width) hold in every font the list may pick. Characters outside the table count as
// wide (CJK, full-width: one em) or as a broad letter, on the safe side.

enum TextMetrics {
    /// Width of an unlisted narrow character in em (DejaVu's capitals and Cyrillic are at most this wide).
    static let unlistedAdvance = 0.84

    /// Width factor of one character in em.
    static func advance(_ c: Character, bold: Bool = false) -> Double {
        if let w = (bold ? GlyphWidths.bold : GlyphWidths.regular)[c] { return w }
        guard let s = c.unicodeScalars.first else { return 0 }
        let v = s.value
        if isWide(v) { return 1.0 }
        if v < 0x20 || (0x300...0x36F).contains(v) { return 0 }  // control characters, combining marks
        return unlistedAdvance
    }

    /// East Asian wide and full-width ranges (CJK, Hangul, kana, full-width forms, emoji).
    static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    /// Estimated width in pixels of `text` at `fontSize`.
    static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
        text.reduce(0) { $0 + advance($1, bold: bold) } * fontSize
    }

    /// `text` shortened with "…" so that it fits `maxWidth` pixels (unchanged when it already fits).
    static func truncate(_ text: String, fontSize: Double, maxWidth: Double, bold: Bool = false) -> String {
        if width(text, fontSize: fontSize, bold: bold) <= maxWidth { return text }
        let budget = maxWidth - advance("…", bold: bold) * fontSize
        var out = "", used = 0.0
        for c in text {
            let w = advance(c, bold: bold) * fontSize
            if used + w > budget { break }
            out.append(c)
            used += w
        }
        return out.trimmingTrailingSpaces() + "…"
    }

    /// `text` broken into lines of at most `maxWidth` pixels: at spaces, and inside a word only when the word
    /// alone is wider than a line, so nothing is lost.
    static func wrap(_ text: String, fontSize: Double, maxWidth: Double, bold: Bool = false) -> [String] {
        var lines: [String] = [], line = ""
        func fits(_ s: String) -> Bool { width(s, fontSize: fontSize, bold: bold) <= maxWidth }
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if fits(candidate) {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = ""
            for c in word {  // a word wider than a line is split where it overflows
                if !line.isEmpty, !fits(line + String(c)) {
                    lines.append(line)
                    line = ""
                }
                line.append(c)
            }
        }
        lines.append(line)
        return lines
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
