import Foundation
import PolyglotEngine

// One self-contained HTML page for a notebook: each cell's code, its recorded output and its figures.
// SVG figures are inlined (their XML prolog dropped), PNG/JPEG figures embedded as data URIs, so the
// page opens from disk in any browser without a server. The lead's notebook parser supplies the cells.

/// One notebook cell as shown in a report.
public struct ReportCell: Equatable, Sendable {
    public var title: String?
    public var code: String
    public var output: [String]
    /// Figure files written by the cell; relative paths are resolved against the report's base directory.
    public var figures: [String]

    public init(title: String? = nil, code: String, output: [String] = [], figures: [String] = []) {
        self.title = title
        self.code = code
        self.output = output
        self.figures = figures
    }
}

/// Renders notebooks as HTML pages.
public enum HTMLReport {
    /// The page for `title` and `cells`; figures are read relative to `baseDirectory`. A figure that
    /// cannot be read is shown as a visible warning in its cell rather than failing the whole report.
    public static func render(title: String, cells: [ReportCell], baseDirectory: URL) -> String {
        var html = [
            "<!DOCTYPE html>",
            "<html lang=\"en\">",
            "<head>",
            "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>\(XML.escape(title))</title>",
            "<style>\n\(css)\n</style>",
            "</head>",
            "<body>",
            "<main>",
            "<h1>\(XML.escape(title))</h1>"
        ]
        for (i, cell) in cells.enumerated() {
            html.append("<section class=\"cell\" id=\"cell-\(i + 1)\">")
            let heading = cell.title.map { "Cell \(i + 1): \($0)" } ?? "Cell \(i + 1)"
            html.append("<h2>\(XML.escape(heading))</h2>")
            if !cell.code.isEmpty {
                html.append("<pre class=\"code\"><code>\(XML.escape(cell.code))</code></pre>")
            }
            if !cell.output.isEmpty {
                html.append("<pre class=\"output\">\(XML.escape(cell.output.joined(separator: "\n")))</pre>")
            }
            for path in cell.figures {
                html.append(figure(path, baseDirectory: baseDirectory))
            }
            html.append("</section>")
        }
        html += ["</main>", "</body>", "</html>"]
        return html.joined(separator: "\n") + "\n"
    }

    /// Renders and writes the page atomically to `url`.
    public static func write(title: String, cells: [ReportCell], baseDirectory: URL, to url: URL) throws {
        try atomicWrite(Data(render(title: title, cells: cells, baseDirectory: baseDirectory).utf8), to: url)
    }

    private static func figure(_ path: String, baseDirectory: URL) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path)
        let caption = "<figcaption>\(XML.escape(path))</figcaption>"
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return "<p class=\"warning\">figure not found: \(XML.escape(url.path))</p>"
        }
        switch url.pathExtension.lowercased() {
        case "svg":
            guard let text = String(data: data, encoding: .utf8), let start = text.range(of: "<svg") else {
                return "<p class=\"warning\">not an SVG file: \(XML.escape(url.path))</p>"
            }
            return
                "<figure>\n\(text[start.lowerBound...].trimmingCharacters(in: .whitespacesAndNewlines))\n\(caption)</figure>"
        case "png", "jpg", "jpeg":
            let mime = url.pathExtension.lowercased() == "png" ? "image/png" : "image/jpeg"
            return
                "<figure><img alt=\"\(XML.escape(path))\" src=\"data:\(mime);base64,\(data.base64EncodedString())\">\(caption)</figure>"
        default:
            return "<p class=\"warning\">unsupported figure type: \(XML.escape(url.path))</p>"
        }
    }

    private static let css = """
        body { margin: 0; background: #f6f6f4; color: #222; font: 15px/1.5 Helvetica, Arial, 'DejaVu Sans', sans-serif; }
        main { max-width: 1100px; margin: 0 auto; padding: 24px; }
        h1 { font-size: 26px; margin: 8px 0 20px; }
        h2 { font-size: 15px; color: #555; margin: 0 0 8px; font-weight: 600; }
        .cell { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 14px 18px; margin-bottom: 18px; }
        pre { margin: 6px 0; padding: 10px 12px; overflow-x: auto; white-space: pre; font: 13px/1.45 'DejaVu Sans Mono', Menlo, Consolas, monospace; }
        pre.code { background: #f0f3f7; border-left: 3px solid #0072B2; }
        pre.output { background: #fafafa; border-left: 3px solid #bbb; color: #333; }
        figure { margin: 12px 0 4px; overflow-x: auto; }
        figure svg, figure img { max-width: 100%; height: auto; display: block; }
        figcaption { font-size: 12px; color: #777; margin-top: 4px; }
        .warning { color: #a33; background: #fff3f0; border: 1px solid #e6b8ad; padding: 6px 10px; }
        """
}
