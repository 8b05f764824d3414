import Foundation

// A renderer-independent list of drawing marks with every text's estimated box. Chart layouts build a
// `Figure`; `svg()` serializes it with fixed number formatting (so bytes are deterministic), and tests
// read `textBoxes` to check that no labels overlap.

/// An axis-aligned rectangle in figure pixels (y grows downwards).
struct Box: Equatable {
    var x: Double, y: Double, width: Double, height: Double

    func intersects(_ o: Box) -> Bool {
        x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height
    }
}

enum TextAnchor: String { case start, middle, end }

/// One text item. `(x, y)` is the anchor point on the baseline; `rotated` turns it by −90° about it.
struct TextMark: Equatable {
    var text: String
    var x: Double, y: Double
    var size: Double
    var anchor: TextAnchor = .start
    var rotated = false
    var bold = false
    var color = "#222222"
    /// Role for tests and overlap checks: "title", "tick", "value", "legend", "axis", "note", "label".
    var role: String

    /// The estimated ink box (ascent 0.75 em above, descent 0.25 em below the baseline).
    var box: Box {
        let w = TextMetrics.width(text, fontSize: size, bold: bold)
        let along: Double
        switch anchor {
        case .start: along = 0
        case .middle: along = -w / 2
        case .end: along = -w
        }
        if rotated {  // text runs upwards from (x, y)
            return Box(x: x - 0.75 * size, y: y - along - w, width: size, height: w)
        }
        return Box(x: x + along, y: y - 0.75 * size, width: w, height: size)
    }
}

enum Mark: Equatable {
    case rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String?, tooltip: String?)
    case line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double, dash: String?)
    case polyline(points: [(Double, Double)], stroke: String, width: Double, dash: String?)
    case polygon(points: [(Double, Double)], fill: String, opacity: Double, stroke: String)
    case circle(cx: Double, cy: Double, r: Double, fill: String)
    case text(TextMark)

    static func == (a: Mark, b: Mark) -> Bool { a.svg == b.svg }

    var svg: String {
        let f = NumberText.coordinate
        func pts(_ p: [(Double, Double)]) -> String { p.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ") }
        func dashAttr(_ d: String?) -> String { d.map { " stroke-dasharray=\"\($0)\"" } ?? "" }
        switch self {
        case let .rect(x, y, w, h, fill, stroke, tooltip):
            let s = stroke.map { " stroke=\"\($0)\"" } ?? ""
            let open = "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"\(fill)\"\(s)"
            guard let tooltip else { return open + "/>" }
            return open + "><title>\(XML.escape(tooltip))</title></rect>"
        case let .line(x1, y1, x2, y2, stroke, width, dash):
            return
                "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\"\(dashAttr(dash))/>"
        case let .polyline(points, stroke, width, dash):
            return
                "<polyline points=\"\(pts(points))\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\" stroke-linejoin=\"round\"\(dashAttr(dash))/>"
        case let .polygon(points, fill, opacity, stroke):
            return
                "<polygon points=\"\(pts(points))\" fill=\"\(fill)\" fill-opacity=\"\(f(opacity))\" stroke=\"\(stroke)\" stroke-width=\"2\"/>"
        case let .circle(cx, cy, r, fill):
            return "<circle cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"\(f(r))\" fill=\"\(fill)\"/>"
        case let .text(t):
            var attrs = "x=\"\(f(t.x))\" y=\"\(f(t.y))\" font-size=\"\(f(t.size))\""
            if t.anchor != .start { attrs += " text-anchor=\"\(t.anchor.rawValue)\"" }
            if t.bold { attrs += " font-weight=\"bold\"" }
            if t.color != "#222222" { attrs += " fill=\"\(t.color)\"" }
            if t.rotated { attrs += " transform=\"rotate(-90 \(f(t.x)) \(f(t.y)))\"" }
            return "<text \(attrs)>\(XML.escape(t.text))</text>"
        }
    }
}

/// A finished chart: size, marks in paint order, and the accessible title/description.
struct Figure {
    var width: Double
    var height: Double
    var title: String
    var description: String
    var marks: [Mark] = []

    mutating func add(_ m: Mark) { marks.append(m) }
    mutating func text(_ t: TextMark) { marks.append(.text(t)) }

    var texts: [TextMark] { marks.compactMap { if case .text(let t) = $0 { t } else { nil } } }
    var textBoxes: [(role: String, text: String, box: Box)] { texts.map { ($0.role, $0.text, $0.box) } }

    /// Self-contained SVG 1.1 (no ids, no external references), one element per line.
    func svg() -> String {
        let f = NumberText.coordinate
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"Helvetica, Arial, 'DejaVu Sans', sans-serif\">",
            "<title>\(XML.escape(title))</title>",
            "<desc>\(XML.escape(description))</desc>",
            "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>"
        ]
        lines += marks.map(\.svg)
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }
}

enum XML {
    /// Escapes text and attribute content; drops control characters that XML 1.0 forbids.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || (0xFFFE...0xFFFF).contains(u.value) { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
