import Foundation
import XCTest
@testable import PolyglotLab

final class PlotTerminalTests: XCTestCase {
    /// Visible terminal columns of a line, ANSI escapes excluded.
    private func visibleColumns(_ line: Substring) -> Int {
        var n = 0, escape = false
        for ch in line {
            if ch == "\u{1B}" { escape = true }
            if escape { if ch == "m" { escape = false }; continue }
            n += TextMetrics.columns(String(ch))
        }
        return n
    }

    private func assertFits(_ text: String, width: Int, file: StaticString = #filePath, line: UInt = #line) {
        for l in text.split(separator: "\n") {
            XCTAssertLessThanOrEqual(visibleColumns(l), width, "too wide: \(l)", file: file, line: line)
        }
    }

    func testSmallBarChartExactText() throws {
        let t = Table(
            title: "score", columns: ["lang", "score"],
            rows: [[.text("en"), .number(8)], [.text("de"), .number(5.5)], [.text("Español"), .missing]])
        let text = try Plot.terminal(t, PlotSpec(kind: .bars), width: 40)
        // width 40 = name (7) + space + bar (26) + space + value (4); 26 cells span 0…8.
        let full = String(repeating: "█", count: 26)
        let expected = [
            "score",
            "en      \(full) 8.00",
            // 5.5/8·26 = 17 7/8
            "de      \(String(repeating: "█", count: 17))▉\(String(repeating: " ", count: 8)) 5.50",
            "Español \(String(repeating: " ", count: 26)) n/a",
            "1 missing value shown as gaps (Español)"
        ]
        XCTAssertEqual(text.split(separator: "\n").map(String.init), expected)
    }

    func testEveryKindFitsTheWidthAndIsDeterministic() throws {
        for width in [30, 60, 100] {
            for c in PlotFixtures.goldenCases {
                let text = try Plot.terminal(c.table, c.spec, width: width)
                assertFits(text, width: width)
                XCTAssertEqual(text, try Plot.terminal(c.table, c.spec, width: width))
                XCTAssertFalse(text.contains("\u{1B}"), "\(c.name): no colour unless asked")
                let coloured = try Plot.terminal(c.table, c.spec, width: width, color: true)
                XCTAssertTrue(coloured.contains("\u{1B}[38;2;"), "\(c.name) colour")
                assertFits(coloured, width: width)
            }
        }
    }

    func testGroupedBarsShowLegendAndEighthBlocks() throws {
        let text = try Plot.terminal(PlotFixtures.scores, PlotSpec(kind: .bars, x: "lang", group: "model"), width: 80)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "MT-Bench-X score by language")
        XCTAssertEqual(lines[1], "model: ■ EN-mono ■ DEFRITES-parallel ■ DEFRITES-sampled")
        XCTAssertTrue(lines[2].hasPrefix("EN EN-mono "), lines[2])
        XCTAssertTrue(lines[2].hasSuffix(" 6.10"))
        XCTAssertEqual(lines.count, 2 + 15)
        // Bar lengths are proportional to the values (6.3 is the maximum and fills the bar area).
        let full = lines[3].filter { $0 == "█" }.count
        let en = lines[2].filter { $0 == "█" }.count
        XCTAssertEqual(Double(en) / Double(full), 6.1 / 6.3, accuracy: 0.03)
    }

    func testDivergingAndPairedBars() throws {
        let div = try Plot.terminal(
            PlotFixtures.improvement, PlotSpec(kind: .diverging, x: "lang", group: "composition"), width: 70)
        let loss = try XCTUnwrap(div.split(separator: "\n").first { $0.hasSuffix("-1.50") })
        let gain = try XCTUnwrap(div.split(separator: "\n").first { $0.hasSuffix("+9.90") })
        let axisLoss = try XCTUnwrap(loss.firstIndex(of: "│")), axisGain = try XCTUnwrap(gain.firstIndex(of: "│"))
        XCTAssertEqual(
            loss.distance(from: loss.startIndex, to: axisLoss), gain.distance(from: gain.startIndex, to: axisGain),
            "the zero line is in the same column")
        XCTAssertEqual(loss[loss.index(before: axisLoss)], "█", "a loss grows to the left")
        XCTAssertEqual(gain[gain.index(after: axisGain)], "█", "a gain grows to the right")
        let paired = try Plot.terminal(PlotFixtures.sizes, PlotSpec(kind: .paired, x: "lang", group: "size"), width: 70)
        XCTAssertTrue(paired.contains("Δ +1.10"))
        XCTAssertTrue(paired.hasSuffix("Δ = 8x7B MoE − 7B dense"))
    }

    func testHeatmapShadesAndLegend() throws {
        let text = try Plot.terminal(
            PlotFixtures.transfer, PlotSpec(kind: .heatmap, x: "eval", group: "train"), width: 80)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 1 + 1 + 5 + 1)
        XCTAssertTrue(lines[2].hasPrefix("EN-mono ███ 6.50"), lines[2])
        XCTAssertEqual(lines.last, "░ 4.20–4.78  ▒ 4.78–5.35  ▓ 5.35–5.93  █ 5.93–6.50  (score)")
        let narrow = try Plot.terminal(
            PlotFixtures.transfer, PlotSpec(kind: .heatmap, x: "eval", group: "train"), width: 30)
        XCTAssertFalse(narrow.contains("6.50 "), "values are dropped when cells do not fit")
        assertFits(narrow, width: 30)
    }

    func testLossSparklinesFallAndSummarise() throws {
        let text = try Plot.terminal(PlotFixtures.history, PlotSpec(kind: .lines), width: 90)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[1], "loss over step, shared scale 1.44…5.72")
        let train = try XCTUnwrap(lines.first { $0.hasPrefix("parallel · train") })
        XCTAssertTrue(
            train.contains("▇") && train.contains("▁"), "train starts near the top of the shared scale: \(train)")
        XCTAssertTrue(train.hasSuffix("5.30 → 1.44, min 1.44 @ 200"), train)
        let spark = train.filter { "▁▂▃▄▅▆▇█".contains($0) }
        let levels = spark.map {
            "▁▂▃▄▅▆▇█".distance(from: "▁▂▃▄▅▆▇█".startIndex, to: "▁▂▃▄▅▆▇█".firstIndex(of: $0) ?? "▁▂▃▄▅▆▇█".startIndex)
        }
        XCTAssertEqual(levels, levels.sorted(by: >), "a falling loss gives a non-increasing sparkline")
    }

    func testRadarIsABarListPerCategory() throws {
        let text = try Plot.terminal(
            PlotFixtures.radar, PlotSpec(kind: .radar, x: "category", group: "model", yRange: 0...10), width: 60)
        for cat in PlotFixtures.categories { XCTAssertTrue(text.contains("\n" + cat), cat) }
        XCTAssertTrue(text.contains("8.30"))
    }

    func testFixedRangesSetTheBarOrigin() throws {
        let t = Table(
            title: "", columns: ["lang", "score"],
            rows: [[.text("en"), .number(10)], [.text("de"), .number(5.05)], [.text("fr"), .number(0.5)]])
        let lines = try Plot.terminal(t, PlotSpec(kind: .bars, yRange: 1...10), width: 40).split(separator: "\n")
        // 1…10 over 30 cells (40 − "en " − " 10.00"): 10 fills the bar, 5.05 takes 4.05/9·30 = 13.5 cells,
        // 0.5 is below the range (empty).
        XCTAssertEqual(lines[0].filter { $0 == "█" }.count, 30)
        XCTAssertEqual(lines[1].filter { $0 == "█" }.count, 13)
        XCTAssertEqual(lines[1].filter { $0 == "▌" }.count, 1, "13.5 cells")
        XCTAssertFalse(lines[2].contains("█"))
        let negative = try Plot.terminal(t, PlotSpec(kind: .diverging, yRange: -10 ... -1), width: 40)
        assertFits(negative, width: 40)
        XCTAssertFalse(negative.contains("█"), "values above an all-negative range draw no bar")
        XCTAssertTrue(negative.split(separator: "\n").allSatisfy { $0.contains("│") }, "bars start at the range end −1")
    }

    func testNoColorEnvironmentAndFlag() {
        XCTAssertTrue(Plot.colorEnabled(noColorFlag: false, environment: [:]))
        XCTAssertFalse(Plot.colorEnabled(noColorFlag: false, environment: ["NO_COLOR": "1"]))
        XCTAssertTrue(Plot.colorEnabled(noColorFlag: false, environment: ["NO_COLOR": ""]))
        XCTAssertFalse(Plot.colorEnabled(noColorFlag: true, environment: [:]))
    }

    func testWideCharactersAndErrors() throws {
        let t = Table(
            title: "漢字のタイトルはとても長いです", columns: ["lang", "score"],
            rows: [[.text("日本語"), .number(3)], [.text("Français"), .number(4)]])
        let text = try Plot.terminal(t, PlotSpec(kind: .bars), width: 24)
        assertFits(text, width: 24)
        XCTAssertThrowsError(try Plot.terminal(t, PlotSpec(kind: .lines)))
    }
}
