import Foundation
import XCTest
@testable import PolyglotLab
import PolyglotEngine

extension PlotFixtures {
    /// The study's nine compositions of one base and dataset, named as the grid names them.
    static let studyModels = [
        "EN", "DE", "FR", "IT", "ES", "ENDEFRITES", "DEFRITES", "ENDEFRITES_sampled",
        "DEFRITES_sampled"
    ].map { "dense·lima·" + $0 }

    /// Judgments shaped like the study's grid: nine models, five languages, 8 questions × 2 turns, seeded scores
    /// (a model tuned on a language scores higher in it).
    static let studyJudgments: JudgmentSet = {
        var rng = SeededRNG(seed: 11, stream: "plot-study-judgments")
        var single: [SingleJudgment] = []
        for (m, model) in studyModels.enumerated() {
            for lang in Lang.allCases {
                let base = model.hasSuffix("·" + lang.code) ? 6.0 : 2.5 + Double(m % 4) * 0.5
                for q in 0..<8 {
                    for turn in 1...2 {
                        let score = min(10, max(1, (base + Double(rng.next() % 5) - 2).rounded()))
                        single.append(
                            SingleJudgment(
                                questionID: "\(81 + q)_\(lang.code)", model: model,
                                judge: ["builtin"], userPrompt: "", judgment: "", score: score,
                                turn: turn, tstamp: 0, lang: lang, category: "writing"))
                    }
                }
            }
        }
        return JudgmentSet(single: single)
    }()

    /// `score … by: [model, lang]` of the study-shaped judgments: a real score table with its 95% CI.
    static let studyScores = ScoreAnalysis.score(studyJudgments, by: [.model, .lang], resamples: 200)

    /// The figures of docs/figures in the shapes the study notebook makes them.
    static var studyCases: [(name: String, table: Table, spec: PlotSpec)] {
        // As the notebook selects them: the models in the study's order.
        let nine = (try? studyScores.selecting(column: "model", values: studyModels)) ?? studyScores
        let mono = (try? studyScores.selecting(column: "model", values: Array(studyModels.prefix(5)))) ?? studyScores
        return [
            (
                "study-nine-bars", nine,
                PlotSpec(
                    kind: .bars, x: "lang", group: "model", title: "dense · lima: score by composition and language",
                    yRange: 1...10)
            ),
            (
                "study-mono-heatmap", mono,
                PlotSpec(
                    kind: .heatmap, x: "lang", group: "model",
                    title: "monolingual tuning: train × evaluation language (dense, lima)")
            )
        ]
    }
}

/// Renders SVG with rsvg-convert (Debian librsvg2-bin) onto a larger, transparent canvas, so anything drawn
/// outside the figure's own canvas (cut-off text) shows up as pixels there.
enum OverflowCheck {
    static let pad = 48.0

    static var rsvgConvert: String? {
        ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile)
    }

    /// Sides of the canvas past which the SVG draws visible pixels, each with how far ("left by 9 px"); empty when
    /// everything stays inside.
    static func overflow(svg: String) throws -> [String] {
        guard let rsvg = rsvgConvert else {
            throw XCTSkip("rsvg-convert is not installed (apt-get install -y librsvg2-bin); skipping the pixel check")
        }
        let size = try canvasSize(svg)
        let f = NumberText.coordinate
        let (w, h) = (size.width + 2 * pad, size.height + 2 * pad)
        let (width, height) = (f(size.width), f(size.height))
        let padded = svg.replacingOccurrences(
            of: "width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\"",
            with: "width=\"\(f(w))\" height=\"\(f(h))\" viewBox=\"\(f(-pad)) \(f(-pad)) \(f(w)) \(f(h))\"")
        XCTAssertNotEqual(padded, svg, "the root element's size was found and padded")
        // Render with the font the layout measures (DejaVu Sans, the widest of the figure's list): where Helvetica
        // or Arial resolve to a narrower font (Liberation Sans), text that overflows for DejaVu users would hide.
        let widest = padded.replacingOccurrences(
            of: "font-family=\"Helvetica, Arial, 'DejaVu Sans', sans-serif\"", with: "font-family=\"DejaVu Sans\"")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("polyglot-plot-pixels-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("figure.svg"), output = dir.appendingPathComponent("figure.png")
        try Data(widest.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: rsvg)
        process.arguments = ["--format", "png", "--output", output.path, input.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PNGError("rsvg-convert failed on \(input.path)") }
        let image = try PNGImage.decode(output)

        // The canvas covers pixels pad ..< pad + ceil(size); a pixel beyond it that is not transparent was drawn there.
        let left = Int(pad), top = Int(pad)
        let right = left + Int(size.width.rounded(.up)), bottom = top + Int(size.height.rounded(.up))
        var reach = (left: 0, right: 0, top: 0, bottom: 0)
        for y in 0..<image.height {
            for x in 0..<image.width where image.pixel(x: x, y: y).a > 24 {
                reach.left = max(reach.left, left - x)
                reach.right = max(reach.right, x - right + 1)
                reach.top = max(reach.top, top - y)
                reach.bottom = max(reach.bottom, y - bottom + 1)
            }
        }
        return [("left", reach.left), ("right", reach.right), ("top", reach.top), ("bottom", reach.bottom)]
            .filter { $0.1 > 0 }.map { "\($0.0) by \($0.1) px" }
    }

    /// Width and height of the root `<svg>` element.
    static func canvasSize(_ svg: String) throws -> (width: Double, height: Double) {
        guard let root = svg.split(separator: "\n").first(where: { $0.hasPrefix("<svg ") }) else {
            throw PNGError("no <svg> element")
        }
        func attribute(_ name: String) -> Double? {
            guard let start = root.range(of: " \(name)=\"") else { return nil }
            return Double(root[start.upperBound...].prefix { $0 != "\"" })
        }
        guard let w = attribute("width"), let h = attribute("height") else {
            throw PNGError("the <svg> element has no size")
        }
        return (w, h)
    }
}

/// CIEDE2000 colour difference of two sRGB colours (Sharma, Wu & Dalal 2005), for palette distinctness.
enum ColourDifference {
    static func lab(_ hex: String) -> (l: Double, a: Double, b: Double) {
        let (r, g, b) = Palette.rgb(hex)
        func linear(_ c: Int) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        let (lr, lg, lb) = (linear(r), linear(g), linear(b))
        let x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047
        let y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb
        let z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
    }

    static func ciede2000(_ first: String, _ second: String) -> Double { ciede2000(lab(first), lab(second)) }

    typealias Lab = (l: Double, a: Double, b: Double)

    static func ciede2000(_ first: Lab, _ second: Lab) -> Double {
        let (l1, a1, b1) = first, (l2, a2, b2) = second
        let meanC = (hypot(a1, b1) + hypot(a2, b2)) / 2
        let g = 0.5 * (1 - sqrt(pow(meanC, 7) / (pow(meanC, 7) + pow(25, 7))))
        let (a1p, a2p) = ((1 + g) * a1, (1 + g) * a2)
        let (c1, c2) = (hypot(a1p, b1), hypot(a2p, b2))
        func hue(_ b: Double, _ a: Double) -> Double {
            let h = atan2(b, a) * 180 / .pi
            return h < 0 ? h + 360 : h
        }
        let (h1, h2) = (hue(b1, a1p), hue(b2, a2p))
        var dh = h2 - h1
        if c1 * c2 == 0 { dh = 0 } else if dh > 180 { dh -= 360 } else if dh < -180 { dh += 360 }
        let dL = l2 - l1, dC = c2 - c1, dH = 2 * sqrt(c1 * c2) * sin(dh * .pi / 360)
        let meanL = (l1 + l2) / 2, meanCp = (c1 + c2) / 2
        var meanH = h1 + h2
        if c1 * c2 != 0 {
            meanH = abs(h1 - h2) <= 180 ? meanH / 2 : (meanH < 360 ? (meanH + 360) / 2 : (meanH - 360) / 2)
        }
        func cosd(_ d: Double) -> Double { cos(d * .pi / 180) }
        let t =
            1 - 0.17 * cosd(meanH - 30) + 0.24 * cosd(2 * meanH) + 0.32 * cosd(3 * meanH + 6)
            - 0.20 * cosd(4 * meanH - 63)
        let dTheta = 30 * exp(-pow((meanH - 275) / 25, 2))
        let rc = 2 * sqrt(pow(meanCp, 7) / (pow(meanCp, 7) + pow(25, 7)))
        let sl = 1 + 0.015 * pow(meanL - 50, 2) / sqrt(20 + pow(meanL - 50, 2))
        let sc = 1 + 0.045 * meanCp, sh = 1 + 0.015 * meanCp * t
        let rt = -sin(2 * dTheta * .pi / 180) * rc
        return sqrt(pow(dL / sl, 2) + pow(dC / sc, 2) + pow(dH / sh, 2) + rt * (dC / sc) * (dH / sh))
    }
}

final class PlotPixelTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/plot")

    /// Every figure kind, the layout edge cases and the study's figure shapes, rendered to pixels: nothing is drawn
    /// past the canvas (a title or label cut off at the edge would be).
    func testNoTextFallsOutsideTheCanvas() throws {
        for c in PlotFixtures.goldenCases + PlotFixtures.edgeCases + PlotFixtures.studyCases {
            let overflow = try OverflowCheck.overflow(svg: try Plot.svg(c.table, c.spec))
            XCTAssertEqual(overflow, [], "\(c.name): drawn outside the canvas")
        }
    }

    /// The check itself: the study's heatmap as the notebook drew it before titles wrapped had its title cut off on
    /// both sides ("onolingual tuning: … (d"), and the check must say so.
    func testOverflowCheckCatchesTheCutOffHeatmapTitle() throws {
        let url = Self.fixtures.appendingPathComponent("mono-heatmap-cut-title.svg")
        let svg = try String(contentsOf: url, encoding: .utf8)
        let overflow = try OverflowCheck.overflow(svg: svg)
        XCTAssertTrue(overflow.contains { $0.hasPrefix("left") }, "\(overflow)")
        XCTAssertTrue(overflow.contains { $0.hasPrefix("right") }, "\(overflow)")
    }

    /// A long title wraps onto several lines instead of being cut, and every word of it is drawn.
    func testLongTitlesWrapWithoutLosingWords() throws {
        for c in PlotFixtures.studyCases {
            let fig = try Plot.figure(c.table, c.spec)
            let title = fig.texts.filter { $0.role == "title" }
            XCTAssertEqual(
                title.map(\.text).joined(separator: " "), c.spec.title, "\(c.name): the whole title is drawn")
            let margin = ChartFrame.margin - 0.5
            XCTAssertTrue(
                title.allSatisfy { $0.box.x >= margin && $0.box.x + $0.box.width <= fig.width - margin },
                "\(c.name): each title line fits between the margins")
        }
        let heatmap = try Plot.figure(PlotFixtures.studyCases[1].table, PlotFixtures.studyCases[1].spec)
        XCTAssertGreaterThan(
            heatmap.texts.filter { $0.role == "title" }.count, 1,
            "the 5×5 heatmap is narrower than its title")
    }

    /// Colours that tell groups apart stay distinct (CIEDE2000 ≥ 20) for 1…N groups in every kind that colours
    /// groups; one group more than the palette holds is an error that says so.
    func testGroupColoursStayDistinctOrTheFigureRefuses() throws {
        let limit = Palette.series.count
        XCTAssertGreaterThanOrEqual(
            limit, PlotFixtures.studyModels.count,
            "the study's nine compositions fit the palette")
        for n in 1...(limit + 1) {
            let groups = (0..<n).map { "model \($0 + 1)" }
            let values = (0..<n).map { g in PlotFixtures.langs.indices.map { Double(($0 + g) % 7) + 1 } }
            let table = PlotFixtures.grid(
                "\(n) groups", x: "lang", group: "model", value: "score", groups: groups,
                values: values)
            var history = Table(title: "\(n) runs", columns: ["run", "step", "loss"])
            for g in groups {
                for step in 0..<3 { history.rows.append([.text(g), .int(step), .number(Double(3 - step))]) }
            }
            let figures: [(PlotKind, Table, PlotSpec)] =
                [
                    (.bars, table, PlotSpec(kind: .bars, x: "lang", group: "model")),
                    (.diverging, table, PlotSpec(kind: .diverging, x: "lang", group: "model")),
                    (.radar, table, PlotSpec(kind: .radar, x: "lang", group: "model")),
                    (.lines, history, PlotSpec(kind: .lines))
                ] + (n == 2 ? [(.paired, table, PlotSpec(kind: .paired, x: "lang", group: "model"))] : [])
            for (kind, t, spec) in figures {
                guard n <= limit else {
                    XCTAssertThrowsError(try Plot.figure(t, spec)) {
                        let expected =
                            "plot: \(n) groups, but only \(limit) colours stay distinct; expected at most "
                            + "\(limit) (select fewer groups, or draw a heatmap)"
                        XCTAssertEqual("\($0)", expected, "\(kind)")
                    }
                    XCTAssertThrowsError(try Plot.terminal(t, spec), "\(kind): the terminal drawing refuses too")
                    continue
                }
                let fig = try Plot.figure(t, spec)
                let colours = legendColours(fig)
                XCTAssertEqual(Set(colours).count, n, "\(kind), \(n) groups: one colour per group")
                for i in colours.indices {
                    for j in colours.indices where j > i {
                        XCTAssertGreaterThanOrEqual(
                            ColourDifference.ciede2000(colours[i], colours[j]), 20,
                            "\(kind), \(n) groups: \(colours[i]) and \(colours[j]) look alike")
                    }
                }
            }
        }
    }

    /// The colour difference against published CIEDE2000 test pairs (Sharma, Wu & Dalal 2005, pairs 1, 7 and 17).
    func testColourDifferenceMatchesPublishedPairs() {
        XCTAssertEqual(ColourDifference.ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)), 2.0425, accuracy: 1e-4)
        XCTAssertEqual(ColourDifference.ciede2000((50, 0, 0), (50, -1, 2)), 2.3669, accuracy: 1e-4)
        XCTAssertEqual(ColourDifference.ciede2000((50, 2.5, 0), (73, 25, -18)), 27.1492, accuracy: 1e-4)
        XCTAssertEqual(ColourDifference.ciede2000("#0072B2", "#0072B2"), 0)
        XCTAssertEqual(ColourDifference.ciede2000("#000000", "#FFFFFF"), 100, accuracy: 0.01)
    }

    /// Legend swatch colours in order: squares for bars and radar, line samples for lines.
    private func legendColours(_ fig: Figure) -> [String] {
        let legendTop = fig.texts.filter { $0.role == "legend" }.map(\.y).max() ?? 0
        return fig.marks.compactMap { m -> String? in
            switch m {
            case let .rect(_, y, 12, 12, fill, nil, nil) where y < legendTop: return fill
            case let .line(_, y1, _, y2, stroke, 2.5, _) where y1 == y2 && y1 < legendTop: return stroke
            default: return nil
            }
        }
    }
}
