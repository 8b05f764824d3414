import Foundation
import XCTest
#if canImport(FoundationXML)
    import FoundationXML
#endif
@testable import PolyglotLab
import PolyglotEngine

/// Tables shaped like the study's results, shared by the plot tests.
enum PlotFixtures {
    static let langs = ["EN", "DE", "FR", "IT", "ES"]

    /// Mean score per evaluation language for three training compositions (monolingual figures).
    static var scores: Table {
        let models = ["EN-mono", "DEFRITES-parallel", "DEFRITES-sampled"]
        let values: [[Double]] = [[6.1, 4.2, 4.5, 4.0, 4.4], [6.3, 5.9, 6.0, 5.7, 6.1], [6.0, 5.4, 5.6, 5.5, 5.2]]
        return grid(
            "MT-Bench-X score by language", x: "lang", group: "model", value: "score", groups: models, values: values)
    }

    /// Cross-lingual improvement in % over the monolingual baseline, with losses.
    static var improvement: Table {
        let compositions = ["parallel", "sampled"]
        let values: [[Double]] = [[3.2, 9.9, 7.1, 4.6, 8.0], [-1.5, 4.2, -0.8, 2.5, 3.3]]
        return grid(
            "Improvement over monolingual tuning", x: "lang", group: "composition", value: "improvement %",
            groups: compositions, values: values)
    }

    /// Dense 7B against the MoE model per language.
    static var sizes: Table {
        let values: [[Double]] = [[6.1, 5.5, 5.7, 5.4, 5.6], [7.2, 6.8, 6.9, 6.6, 7.0]]
        return grid(
            "Dense vs MoE", x: "lang", group: "size", value: "score", groups: ["7B dense", "8x7B MoE"], values: values)
    }

    static let categories = ["writing", "roleplay", "reasoning", "math", "coding", "extraction", "stem", "humanities"]

    /// Score per MT-Bench category for two models.
    static var radar: Table {
        let values: [[Double]] = [[7.5, 6.8, 4.1, 2.9, 3.5, 5.2, 6.9, 7.8], [8.1, 7.3, 4.8, 3.6, 4.0, 6.1, 7.4, 8.3]]
        var t = Table(title: "Score per category (DE)", columns: ["category", "model", "score"])
        for (g, model) in ["EN-mono", "parallel"].enumerated() {
            for (c, cat) in categories.enumerated() { t.rows.append([.text(cat), .text(model), .number(values[g][c])]) }
        }
        return t
    }

    /// Train language × eval language (cross-lingual transfer of the monolingual models).
    static var transfer: Table {
        let values: [[Double]] = (0..<5).map { r in
            (0..<5).map { c -> Double in
                if r == c { return 6.5 - Double(r) * 0.2 }
                let spread = Double((r * 3 + c * 7) % 10)
                return 4.0 + spread / 5
            }
        }
        return grid(
            "Train × eval language", x: "eval", group: "train", value: "score",
            groups: langs.map { "\($0)-mono" }, values: values)
    }

    /// Training and validation loss of two runs.
    static var history: Table {
        var t = Table(title: "Loss", columns: ["run", "step", "split", "loss"])
        for (r, run) in ["parallel", "sampled"].enumerated() {
            for step in stride(from: 0, through: 200, by: 10) {
                let s = Double(step)
                t.rows.append([
                    .text(run), .int(step), .text("train"), .number(4.2 * exp(-s / 80) + 1.1 + 0.1 * Double(r))
                ])
                if step % 50 == 0 {
                    t.rows.append([
                        .text(run), .int(step), .text("val"), .number(4.3 * exp(-s / 90) + 1.3 + 0.12 * Double(r))
                    ])
                }
            }
        }
        return t
    }

    static func grid(
        _ title: String, x: String, group: String, value: String, groups: [String], values: [[Double]],
        categories: [String] = langs
    ) -> Table {
        var t = Table(title: title, columns: [x, group, value])
        for (g, name) in groups.enumerated() {
            for (c, cat) in categories.enumerated() { t.rows.append([.text(cat), .text(name), .number(values[g][c])]) }
        }
        return t
    }

    /// Figures that stress the layout: many groups, long and non-ASCII labels, gaps, MoE routing.
    static var edgeCases: [(name: String, table: Table, spec: PlotSpec)] {
        let cats = (1...40).map { "composition \($0) (Español, Français, long name)" }
        let fortyValues: [[Double]] = (0..<2).map { g in
            (0..<40).map { c -> Double in 3 + Double((c * 7 + g * 5) % 13) / 2 }
        }
        let forty = grid(
            "Forty compositions", x: "composition", group: "model", value: "score", groups: ["7B", "8x7B"],
            values: fortyValues, categories: cats)
        var gaps = radar
        gaps.rows[2][2] = .missing
        gaps.rows[12][2] = .number(.nan)
        let experts = (0..<8).map { "expert \($0)" }
        var shares: [[Double]] = []
        for e in 0..<8 {
            let percents: [Int] = (0..<5).map { l in (e * 5 + l * 3) % 9 + 8 }
            shares.append(percents.map { Double($0) / 100 })
        }
        let routing = grid(
            "Routing share per expert", x: "lang", group: "expert", value: "share", groups: experts, values: shares)
        return [
            ("forty", forty, PlotSpec(kind: .bars, x: "composition", group: "model")),
            ("gaps", gaps, PlotSpec(kind: .radar, x: "category", group: "model", yRange: 1...10)),
            ("routing", routing, PlotSpec(kind: .heatmap, x: "lang", group: "expert"))
        ]
    }

    /// Every kind with a fixture and a spec (the golden set).
    static var goldenCases: [(name: String, table: Table, spec: PlotSpec)] {
        [
            ("bars", scores, PlotSpec(kind: .bars, x: "lang", group: "model")),
            ("paired", sizes, PlotSpec(kind: .paired, x: "lang", group: "size")),
            ("diverging", improvement, PlotSpec(kind: .diverging, x: "lang", group: "composition")),
            ("radar", radar, PlotSpec(kind: .radar, x: "category", group: "model", yRange: 0...10)),
            ("heatmap", transfer, PlotSpec(kind: .heatmap, x: "eval", group: "train")),
            ("lines", history, PlotSpec(kind: .lines))
        ]
    }
}

/// XMLParser delegate that records element names and text content.
final class SVGProbe: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var texts: [String] = []
    private var current = ""

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append(name)
        current = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
        current = ""
    }

    /// Parses `svg`, failing the test when the XML is not well-formed.
    static func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> SVGProbe {
        let probe = SVGProbe()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = probe
        let ok = parser.parse()
        XCTAssertTrue(
            ok, "SVG is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
        return probe
    }
}

/// Fails when two text boxes of the figure overlap, naming both.
func assertNoOverlap(_ fig: Figure, file: StaticString = #filePath, line: UInt = #line) {
    let boxes = fig.textBoxes
    for i in boxes.indices {
        XCTAssertTrue(
            boxes[i].box.x >= -0.5 && boxes[i].box.x + boxes[i].box.width <= fig.width + 0.5,
            "text '\(boxes[i].text)' leaves the figure horizontally", file: file, line: line)
        XCTAssertTrue(
            boxes[i].box.y >= -0.5 && boxes[i].box.y + boxes[i].box.height <= fig.height + 0.5,
            "text '\(boxes[i].text)' leaves the figure vertically", file: file, line: line)
        for j in boxes.indices where j > i && boxes[i].box.intersects(boxes[j].box) {
            XCTFail(
                "'\(boxes[i].text)' (\(boxes[i].role)) overlaps '\(boxes[j].text)' (\(boxes[j].role))", file: file,
                line: line)
        }
    }
}

final class PlotSVGTests: XCTestCase {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Golden")

    /// Compares with `Golden/plot-<name>.svg`; writes it instead when POLYGLOT_UPDATE_GOLDEN=1.
    func testGoldenFilesForEveryKind() throws {
        let update = ProcessInfo.processInfo.environment["POLYGLOT_UPDATE_GOLDEN"] == "1"
        XCTAssertEqual(Set(PlotFixtures.goldenCases.map(\.spec.kind)), Set(PlotKind.allCases))
        for c in PlotFixtures.goldenCases + PlotFixtures.edgeCases {
            let svg = try Plot.svg(c.table, c.spec)
            let url = Self.goldenDirectory.appendingPathComponent("plot-\(c.name).svg")
            if update {
                try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
                try atomicWrite(Data(svg.utf8), to: url)
                continue
            }
            guard let golden = try? String(contentsOf: url, encoding: .utf8) else {
                XCTFail("missing golden file \(url.path); run with POLYGLOT_UPDATE_GOLDEN=1 to create it")
                continue
            }
            if golden != svg {
                let a = golden.split(separator: "\n", omittingEmptySubsequences: false)
                let b = svg.split(separator: "\n", omittingEmptySubsequences: false)
                let first = zip(a, b).enumerated().first { $1.0 != $1.1 }
                XCTFail(
                    "\(c.name): SVG differs from \(url.lastPathComponent) at line \((first?.offset ?? min(a.count, b.count)) + 1):\n"
                        + "expected: \(first.map { String($0.element.0) } ?? "(end)")\n     got: \(first.map { String($0.element.1) } ?? "(end)")"
                )
            }
        }
    }

    func testEveryKindIsWellFormedDeterministicAndLabelled() throws {
        for c in PlotFixtures.goldenCases + PlotFixtures.edgeCases {
            let svg = try Plot.svg(c.table, c.spec)
            XCTAssertEqual(svg, try Plot.svg(c.table, c.spec), "\(c.name) is not deterministic")
            let probe = SVGProbe.parse(svg)
            XCTAssertEqual(probe.elements.first, "svg", c.name)
            XCTAssertEqual(probe.elements.dropFirst().first, "title", c.name)
            XCTAssertTrue(probe.texts.contains(c.table.title), "\(c.name) has no visible title")
            XCTAssertFalse(svg.contains("id=\""), "\(c.name) must not use ids (they clash when inlined)")
            XCTAssertFalse(svg.contains("nan") || svg.contains("inf"), "\(c.name) leaked a non-finite number")
            assertNoOverlap(try Plot.figure(c.table, c.spec))
        }
    }

    func testBarsCarryAxisLabelsTicksLegendAndValueLabels() throws {
        let fig = try Plot.figure(PlotFixtures.scores, PlotSpec(kind: .bars, x: "lang", group: "model"))
        let byRole = Dictionary(grouping: fig.texts, by: \.role).mapValues { $0.map(\.text) }
        XCTAssertEqual(byRole["axis"].map(Set.init), ["score", "lang"])
        XCTAssertEqual(byRole["legend"], ["model:", "EN-mono", "DEFRITES-parallel", "DEFRITES-sampled"])
        XCTAssertTrue(Set(PlotFixtures.langs).isSubset(of: Set(byRole["tick"] ?? [])))
        XCTAssertEqual(byRole["value"]?.count, 15, "15 bars ≤ 24, so every bar is labelled")
        XCTAssertTrue(byRole["value"]?.contains("5.90") == true)
        let bars = fig.marks.filter { if case .rect(_, _, _, _, _, _, let tip) = $0 { tip != nil } else { false } }
        XCTAssertEqual(bars.count, 15)
    }

    func testFortyGroupsLongLabelsDoNotOverlap() throws {
        let cats = (1...40).map { "composition number \($0) with a rather long descriptive name" }
        let values: [[Double]] = (0..<3).map { g in (0..<40).map { c -> Double in Double((c * 7 + g * 3) % 11) - 3 } }
        let t = PlotFixtures.grid(
            "Forty groups", x: "composition", group: "model", value: "score",
            groups: ["a", "b", "c"], values: values, categories: cats)
        for kind in [PlotKind.bars, .diverging, .heatmap, .radar] {
            let fig = try Plot.figure(t, PlotSpec(kind: kind, x: "composition", group: "model"))
            assertNoOverlap(fig)
            _ = SVGProbe.parse(fig.svg())
            XCTAssertTrue(
                fig.texts.contains { $0.text.hasSuffix("…") }, "\(kind): long labels are truncated with an ellipsis")
            XCTAssertLessThan(fig.width, 4000, "\(kind) stays a sensible size")
        }
        let bars = try Plot.figure(t, PlotSpec(kind: .bars, x: "composition", group: "model"))
        XCTAssertFalse(bars.texts.contains { $0.role == "value" }, "120 bars are too many for value labels")
        XCTAssertTrue(bars.texts.contains { $0.role == "tick" && $0.rotated }, "crowded category labels turn vertical")
        let radar = try Plot.figure(t, PlotSpec(kind: .radar, x: "composition", group: "model"))
        XCTAssertEqual(
            radar.texts.filter { $0.role == "label" }.map(\.text), (1...40).map(String.init),
            "crowded spokes are numbered")
        XCTAssertTrue(radar.texts.contains { $0.role == "note" && $0.text.hasPrefix("Spokes: 1 composition number 1") })
    }

    func testManyGroupsWrapTheLegend() throws {
        let groups = (1...12).map { "Mixtral-8x7B tuned on composition \($0) (Français)" }
        let values: [[Double]] = (0..<12).map { g in [Double(g) / 2 - 2, Double(g % 5)] }
        let t = PlotFixtures.grid(
            "Twelve models", x: "lang", group: "model", value: "score", groups: groups, values: values,
            categories: ["EN", "DE"])
        for kind in [PlotKind.bars, .diverging, .radar] {
            let fig = try Plot.figure(t, PlotSpec(kind: kind, x: "lang", group: "model"))
            assertNoOverlap(fig)
            let legendRows = Set(fig.texts.filter { $0.role == "legend" }.map(\.y))
            XCTAssertGreaterThan(legendRows.count, 2, "\(kind): a long legend wraps onto several rows")
        }
        let bars = try Plot.figure(t, PlotSpec(kind: .bars, x: "lang", group: "model"))
        XCTAssertEqual(bars.texts.filter { $0.role == "value" }.count, 24, "24 bars are still labelled")
    }

    func testOneBarNegativeValuesAndNonASCIILabels() throws {
        let one = Table(title: "One", columns: ["lang", "score"], rows: [[.text("Español"), .number(-2.5)]])
        for kind in [PlotKind.bars, .diverging, .radar, .heatmap] {
            let fig = try Plot.figure(one, PlotSpec(kind: kind))
            assertNoOverlap(fig)
            let probe = SVGProbe.parse(fig.svg())
            XCTAssertTrue(probe.texts.contains("Español"), "\(kind)")
        }
        let endonyms = Table(
            title: "Scores <&> \"quoted\"", columns: ["Sprache", "score"],
            rows: Lang.allCases.map { [.text($0.endonym), .number(Double($0.code.count))] })
        let svg = try Plot.svg(endonyms, PlotSpec(kind: .bars))
        let probe = SVGProbe.parse(svg)
        XCTAssertTrue(probe.texts.contains("Français") && probe.texts.contains("Scores <&> \"quoted\""))
        XCTAssertTrue(svg.contains("Scores &lt;&amp;&gt; &quot;quoted&quot;"))
    }

    func testDivergingBarsGoBothWaysFromZero() throws {
        let fig = try Plot.figure(PlotFixtures.improvement, PlotSpec(kind: .diverging, x: "lang", group: "composition"))
        let zero = try XCTUnwrap(
            fig.marks.compactMap { m -> Double? in
                if case let .line(_, y1, _, y2, stroke, _, _) = m, y1 == y2, stroke == "#444444" {
                    return y1
                } else {
                    return nil
                }
            }.first)
        let rects = fig.marks.compactMap { m -> (y: Double, h: Double, tip: String)? in
            if case let .rect(_, y, _, h, _, _, tip?) = m { return (y, h, tip) } else { return nil }
        }
        let down = try XCTUnwrap(rects.first { $0.tip.hasSuffix("-1.50") })
        let up = try XCTUnwrap(rects.first { $0.tip.hasSuffix("+9.90") })
        XCTAssertEqual(down.y, zero, accuracy: 0.01, "a loss hangs from the zero line")
        XCTAssertEqual(up.y + up.h, zero, accuracy: 0.01, "a gain stands on the zero line")
        XCTAssertGreaterThan(up.h, down.h * 5)
        XCTAssertTrue(fig.texts.contains { $0.text == "+9.90" } && fig.texts.contains { $0.text == "-0.80" })
    }

    func testPairedBarsShowDifferencesAndNeedTwoGroups() throws {
        let fig = try Plot.figure(PlotFixtures.sizes, PlotSpec(kind: .paired, x: "lang", group: "size"))
        XCTAssertTrue(fig.texts.contains { $0.text == "Δ +1.10" }, "EN: 7.2 − 6.1")
        XCTAssertTrue(fig.texts.contains { $0.text == "Δ = 8x7B MoE − 7B dense" })
        XCTAssertThrowsError(try Plot.svg(PlotFixtures.scores, PlotSpec(kind: .paired, x: "lang", group: "model"))) {
            XCTAssertTrue("\($0)".contains("exactly 2 groups, found 3"), "\($0)")
        }
    }

    func testMissingValuesAreGapsWithANote() throws {
        var t = PlotFixtures.scores
        t.rows[1][2] = .missing
        t.rows[7][2] = .number(.nan)
        t.rows.remove(at: 12)  // (FR, DEFRITES-sampled) absent entirely
        for kind in [PlotKind.bars, .heatmap, .radar] {
            let fig = try Plot.figure(t, PlotSpec(kind: kind, x: "lang", group: "model"))
            let notes = fig.texts.filter { $0.role == "note" }.map(\.text)
            XCTAssertEqual(
                notes.joined(separator: " "),
                "3 missing values shown as gaps (DE × EN-mono, FR × DEFRITES-parallel, FR × DEFRITES-sampled)",
                "\(kind)")
            assertNoOverlap(fig)
            _ = SVGProbe.parse(fig.svg())
        }
        let bars = try Plot.figure(t, PlotSpec(kind: .bars, x: "lang", group: "model"))
        XCTAssertEqual(bars.marks.filter { if case .rect(_, _, _, _, _, _, _?) = $0 { true } else { false } }.count, 12)
        var h = PlotFixtures.history
        h.rows[3][3] = .missing
        let lines = try Plot.figure(h, PlotSpec(kind: .lines))
        XCTAssertEqual(
            lines.marks.filter { if case .polyline = $0 { true } else { false } }.count, 5,
            "one run's train line splits in two")
    }

    func testBadInputThrowsClearErrors() {
        let t = PlotFixtures.scores
        XCTAssertThrowsError(try Plot.svg(t, PlotSpec(kind: .bars, x: "language"))) {
            XCTAssertEqual("\($0)", "plot: no column 'language' for x; expected one of: lang, model, score")
        }
        var bad = t
        bad.rows[2][2] = .text("high")
        XCTAssertThrowsError(try Plot.svg(bad, PlotSpec(kind: .bars, x: "lang", group: "model"))) {
            XCTAssertEqual("\($0)", "plot: row 3, column 'score': expected a number, found 'high'")
        }
        XCTAssertThrowsError(try Plot.svg(t, PlotSpec(kind: .bars, x: "lang"))) {
            XCTAssertTrue("\($0)".hasPrefix("plot: rows 1 and 6 both give x='EN'"), "\($0)")
        }
        XCTAssertThrowsError(try Plot.svg(Table(title: "empty", columns: ["a", "b"]), PlotSpec(kind: .bars))) {
            XCTAssertEqual("\($0)", "plot: table 'empty' has no rows to draw")
        }
        let twoNumbers = Table(
            title: "t", columns: ["lang", "mean", "sd"], rows: [[.text("en"), .number(1), .number(0.1)]])
        XCTAssertThrowsError(try Plot.svg(twoNumbers, PlotSpec(kind: .bars))) {
            XCTAssertEqual("\($0)", "plot: several columns fit value (mean, sd); name one explicitly")
        }
        XCTAssertThrowsError(try Plot.svg(t, PlotSpec(kind: .bars, x: "lang", group: "model", yRange: 5...5))) {
            XCTAssertTrue("\($0)".hasPrefix("plot: bad range"), "\($0)")
        }
        XCTAssertNoThrow(try Plot.svg(twoNumbers, PlotSpec(kind: .bars, value: "sd")))
    }

    func testDegenerateTablesNeverCrash() throws {
        let allMissing = Table(
            title: "nothing yet", columns: ["lang", "model", "score"],
            rows: [[.text("EN"), .text("a"), .missing], [.text("DE"), .text("a"), .number(.infinity)]])
        let flat = Table(
            title: "flat", columns: ["lang", "score"], rows: [[.text("EN"), .int(0)], [.text("DE"), .int(0)]])
        let huge = Table(
            title: "huge", columns: ["lang", "score"],
            rows: [[.text("EN"), .number(1e12)], [.text("DE"), .number(-3e11)]])
        let oneStep = Table(title: "one step", columns: ["step", "loss"], rows: [[.int(5), .number(2.5)]])
        for t in [allMissing, flat, huge] {
            for kind in [PlotKind.bars, .diverging, .radar, .heatmap] {
                let fig = try Plot.figure(
                    t, PlotSpec(kind: kind, x: "lang", group: t.columnIndex("model") == nil ? nil : "model"))
                _ = SVGProbe.parse(fig.svg())
                assertNoOverlap(fig)
                _ = try Plot.terminal(t, PlotSpec(kind: kind, x: "lang"), width: 40)
            }
        }
        let missingNote = try Plot.figure(allMissing, PlotSpec(kind: .bars, x: "lang", group: "model")).texts.filter {
            $0.role == "note"
        }
        XCTAssertEqual(missingNote.map(\.text), ["2 missing values shown as gaps (EN × a, DE × a)"])
        let line = try Plot.figure(oneStep, PlotSpec(kind: .lines))
        XCTAssertEqual(
            line.marks.filter { if case .circle = $0 { true } else { false } }.count, 1, "a single point is a dot")
        _ = SVGProbe.parse(line.svg())
        var badStep = PlotFixtures.history
        badStep.rows[4][1] = .missing
        XCTAssertThrowsError(try Plot.svg(badStep, PlotSpec(kind: .lines))) {
            XCTAssertEqual("\($0)", "plot: row 5, column 'step': expected a number, found '(missing)'")
        }
    }

    func testFingerprintIsStableAndSensitive() throws {
        XCTAssertEqual(Plot.fingerprint(Data()), "fnv1a64:cbf29ce484222325")
        XCTAssertEqual(Plot.fingerprint(Data("a".utf8)), "fnv1a64:af63dc4c8601ec8c")  // published FNV-1a test vector
        let svg = try Plot.svg(PlotFixtures.scores, PlotSpec(kind: .bars, x: "lang", group: "model"))
        var changed = PlotFixtures.scores
        changed.rows[0][2] = .number(6.11)
        XCTAssertNotEqual(
            Plot.fingerprint(Data(svg.utf8)),
            Plot.fingerprint(Data(try Plot.svg(changed, PlotSpec(kind: .bars, x: "lang", group: "model")).utf8)))
        XCTAssertThrowsError(try Plot.fingerprint(of: URL(fileURLWithPath: "/nonexistent/fig.svg"))) {
            XCTAssertEqual("\($0)", "/nonexistent/fig.svg: cannot read figure file")
        }
        if isatty(STDOUT_FILENO) == 0 {  // under a test runner stdout is usually a pipe: the environment decides
            XCTAssertEqual(Plot.terminalColumns(environment: ["COLUMNS": "132"]), 132)
            XCTAssertEqual(Plot.terminalColumns(environment: ["COLUMNS": "wide"]), 80)
        }
    }

    func testKindNamesParse() {
        XCTAssertEqual(PlotKind.parse("Bars"), .bars)
        XCTAssertEqual(PlotKind.parse("loss"), .lines)
        XCTAssertEqual(PlotKind.parse("spider"), .radar)
        XCTAssertNil(PlotKind.parse("pie"))
        for kind in PlotKind.allCases { XCTAssertEqual(PlotKind.parse(kind.rawValue), kind) }
    }

    func testHeatmapHasColourScaleAndReadableCellText() throws {
        let fig = try Plot.figure(PlotFixtures.transfer, PlotSpec(kind: .heatmap, x: "eval", group: "train"))
        let steps = fig.marks.filter { if case .rect(_, _, 16, _, _, nil, nil) = $0 { true } else { false } }
        XCTAssertEqual(steps.count, HeatmapChart.scaleSteps)
        XCTAssertEqual(fig.texts.filter { $0.role == "value" }.count, 25)
        let values = fig.texts.filter { $0.role == "value" }
        let lowest = values.min { (Double($0.text) ?? 0) < (Double($1.text) ?? 0) }
        let highest = values.max { (Double($0.text) ?? 0) < (Double($1.text) ?? 0) }
        XCTAssertEqual(lowest?.color, "#ffffff", "white text on the dark end of the scale")
        XCTAssertEqual(highest?.color, "#111111", "dark text on the light end of the scale")
        XCTAssertEqual(Palette.scale(0), "#440154")
        XCTAssertEqual(Palette.scale(1), "#FDE725")
    }

    func testLinesUseDashPerSplitAndColourPerRun() throws {
        let fig = try Plot.figure(PlotFixtures.history, PlotSpec(kind: .lines))
        let lines = fig.marks.compactMap { m -> (String, String?)? in
            if case let .polyline(_, stroke, _, dash) = m { return (stroke, dash) } else { return nil }
        }
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(Set(lines.map(\.0)).count, 2)
        XCTAssertEqual(lines.filter { $0.1 == nil }.count, 2, "train lines are solid")
        XCTAssertEqual(
            fig.texts.filter { $0.role == "legend" }.map(\.text),
            ["parallel · train", "parallel · val", "sampled · train", "sampled · val"])
    }

    func testTextMeasurementAndTruncation() {
        XCTAssertGreaterThan(TextMetrics.width("漢字", fontSize: 10), TextMetrics.width("ab", fontSize: 10) * 1.5)
        let cut = TextMetrics.truncate("a very long composition label indeed", fontSize: 11, maxWidth: 60)
        XCTAssertTrue(cut.hasSuffix("…"))
        XCTAssertLessThanOrEqual(TextMetrics.width(cut, fontSize: 11), 60)
        XCTAssertEqual(TextMetrics.truncate("short", fontSize: 11, maxWidth: 60), "short")
        XCTAssertEqual(XML.escape("a<b>&\"c\u{7}"), "a&lt;b&gt;&amp;&quot;c")
        XCTAssertEqual(NumberText.fixed(-0.004, decimals: 2), "0.00")
        XCTAssertEqual(NumberText.fixed(2.345, decimals: 1), "2.3")
        XCTAssertEqual(NumberText.signed(4.6), "+4.60")
        XCTAssertEqual(NumberText.coordinate(12.5049), "12.5")
        XCTAssertEqual(NiceScale(min: 0, max: 7.3).ticks, [0, 2, 4, 6, 8])
        XCTAssertEqual(NiceScale(min: 0, max: 1, targetTicks: 4).label(0.75), "0.75")
        XCTAssertEqual(NiceScale(min: 0, max: 1e12).label(4e11), "4e+11")
    }

    func testWriteSVGIsAtomicAndReadable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plot-write-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("fig.svg")
        try Plot.writeSVG(PlotFixtures.scores, PlotSpec(kind: .bars, x: "lang", group: "model"), to: url)
        XCTAssertEqual(
            try String(contentsOf: url, encoding: .utf8),
            try Plot.svg(PlotFixtures.scores, PlotSpec(kind: .bars, x: "lang", group: "model")))
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: dir.path), ["fig.svg"], "no temp file left behind")
        XCTAssertThrowsError(
            try Plot.writeSVG(
                PlotFixtures.scores, PlotSpec(kind: .bars, x: "lang", group: "model"),
                to: url.appendingPathComponent("fig.svg")), "a file cannot be a folder")
    }
}
