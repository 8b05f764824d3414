import Foundation
import XCTest
@testable import PolyglotLab

final class PlotReportTests: XCTestCase {
    private var directory: URL!

    /// A fresh folder per test process; kept for inspection when POLYGLOT_KEEP_REPORT=1.
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("polyglot-plot-report-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("figs"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if ProcessInfo.processInfo.environment["POLYGLOT_KEEP_REPORT"] != "1" {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// A demo notebook: one cell per figure kind (plus an edge case), each with code, output and its figure.
    private func demoCells() throws -> [ReportCell] {
        var cells = [
            ReportCell(
                title: "setup", code: "let s = score(\"mini\") # <b>not bold</b> & \"quoted\"",
                output: ["loaded 5 languages: English, Deutsch, Français, Italiano, Español"])
        ]
        for c in PlotFixtures.goldenCases + PlotFixtures.edgeCases {
            try Plot.writeSVG(c.table, c.spec, to: directory.appendingPathComponent("figs/\(c.name).svg"))
            cells.append(
                ReportCell(
                    title: c.name, code: "plot T kind: \"\(c.spec.kind.rawValue)\" to: \"figs/\(c.name).svg\"",
                    output: try Plot.terminal(c.table, c.spec, width: 72).split(separator: "\n").map(String.init),
                    figures: ["figs/\(c.name).svg"]))
        }
        return cells
    }

    func testReportInlinesFiguresAndEscapesCode() throws {
        var cells = try demoCells()
        cells.append(ReportCell(code: "plot T to: \"gone.svg\"", figures: ["gone.svg"]))
        let html = HTMLReport.render(title: "Demo <notebook>", cells: cells, baseDirectory: directory)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("<title>Demo &lt;notebook&gt;</title>"))
        XCTAssertTrue(html.contains("# &lt;b&gt;not bold&lt;/b&gt; &amp; &quot;quoted&quot;"))
        XCTAssertFalse(html.contains("<b>not bold</b>"))
        XCTAssertEqual(
            html.components(separatedBy: "<svg xmlns").count - 1,
            PlotFixtures.goldenCases.count + PlotFixtures.edgeCases.count,
            "one inlined figure per plot cell")
        XCTAssertFalse(html.contains("<?xml"), "XML prologs are dropped when inlining")
        for part in html.components(separatedBy: "<svg xmlns").dropFirst() {
            let end = try XCTUnwrap(part.range(of: "</svg>"))
            _ = SVGProbe.parse("<svg xmlns" + part[..<end.upperBound])  // every inlined figure is still well-formed
        }
        XCTAssertTrue(
            html.contains(
                "<p class=\"warning\">figure not found: \(directory.appendingPathComponent("gone.svg").path)</p>"))
        XCTAssertFalse(
            html.contains("src=\"http") || html.contains("href=\"http"), "self-contained: no external references")
        XCTAssertTrue(html.contains("Français"))
        XCTAssertEqual(html, HTMLReport.render(title: "Demo <notebook>", cells: cells, baseDirectory: directory))
    }

    func testPNGFiguresAreEmbeddedAsDataURIs() throws {
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
        try png.write(to: directory.appendingPathComponent("figs/tiny.png"))
        let html = HTMLReport.render(
            title: "t", cells: [ReportCell(code: "x", figures: ["figs/tiny.png", "figs/notes.txt"])],
            baseDirectory: directory)
        XCTAssertTrue(html.contains("src=\"data:image/png;base64,\(png.base64EncodedString())\""))
        XCTAssertTrue(html.contains("figure not found"), "a missing file is reported, not fatal")
    }

    func testWriteIsAtomic() throws {
        let url = directory.appendingPathComponent("report.html")
        try HTMLReport.write(
            title: "t", cells: [ReportCell(code: "1 + 1", output: ["2"])], baseDirectory: directory, to: url)
        XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).contains("<pre class=\"output\">2</pre>"))
        XCTAssertThrowsError(
            try HTMLReport.write(
                title: "t", cells: [], baseDirectory: directory,
                to: url.appendingPathComponent("r.html")), "a file cannot be a folder")
    }

    /// Opens the demo report in headless Chromium and checks the screenshot shows coloured figures.
    func testReportScreenshotInHeadlessChromium() throws {
        guard
            let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(
                where: FileManager.default.isExecutableFile)
        else {
            throw XCTSkip("chromium is not installed (apt-get install -y chromium); skipping the screenshot check")
        }
        let report = directory.appendingPathComponent("report.html")
        try HTMLReport.write(title: "Demo notebook", cells: try demoCells(), baseDirectory: directory, to: report)
        let shot = directory.appendingPathComponent("report.png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1100,2400",
            "--screenshot=\(shot.path)", report.absoluteString
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "chromium exit status")
        let png = try Data(contentsOf: shot)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG was written")

        let stats = pixelStats(try PNGImage.decode(shot))
        XCTAssertGreaterThan(stats.inkFraction, 0.05, "the page shows content, not a blank screen")
        XCTAssertGreaterThan(stats.paletteHits, 2000, "Okabe–Ito bar colours are visible (figures rendered)")
    }

    /// Share of non-background pixels and the number of pixels close to the first two series colours.
    private func pixelStats(_ image: PNGImage) -> (inkFraction: Double, paletteHits: Int) {
        let targets = [Palette.rgb(Palette.color(0)), Palette.rgb(Palette.color(1))]
        var ink = 0, hits = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.pixel(x: x, y: y)
                let (r, g, b) = (Int(p.r), Int(p.g), Int(p.b))
                if min(r, g, b) < 200 { ink += 1 }
                let nearTarget = targets.contains { abs(r - $0.0) < 12 && abs(g - $0.1) < 12 && abs(b - $0.2) < 12 }
                if nearTarget { hits += 1 }
            }
        }
        return (Double(ink) / Double(image.width * image.height), hits)
    }
}
