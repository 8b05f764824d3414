import XCTest
@testable import PolyglotLab

/// Tables that know their estimate (score's mean and 95% CI): plotted by default, intervals as error bars.
final class PlotEstimateTests: XCTestCase {
    /// Vertical error-bar strokes (the dark line over the white halo) with their x and pixel extent.
    private func errorBars(_ fig: Figure, color: String = "#333333") -> [(x: Double, top: Double, bottom: Double)] {
        fig.marks.compactMap { m in
            if case let .line(x1, y1, x2, y2, stroke, 1.2, nil) = m, stroke == color, x1 == x2, y1 != y2 {
                return (x1, min(y1, y2), max(y1, y2))
            }
            return nil
        }
    }

    func testAnalysesNameTheirEstimateAndSelectingKeepsIt() throws {
        let scores = PlotFixtures.studyScores
        XCTAssertEqual(scores.estimate?.value, "mean")
        XCTAssertEqual(scores.estimate?.interval?.low, "ci_low")
        XCTAssertEqual(scores.estimate?.interval?.high, "ci_high")
        let j = PlotFixtures.studyJudgments, models = PlotFixtures.studyModels
        let improvement = try ScoreAnalysis.improvement(j, multi: [models[5]], mono: [models[0]])
        XCTAssertEqual(improvement.estimate, Table.Estimate(value: "percent"))
        XCTAssertEqual(ScoreAnalysis.agreement(j, j).estimate, Table.Estimate(value: "pearson"))

        let two = try scores.selecting(column: "model", values: [models[3], models[1]])
        XCTAssertEqual(two.estimate, scores.estimate, "selecting rows keeps the columns, so the estimate stays")
        XCTAssertEqual(two.rows.count, 10)
        XCTAssertEqual(two.rows.first?.first, .text(models[3]), "rows come in the order of the values")
        let wide = try scores.pivot(rows: "model", columns: "lang", value: "mean")
        XCTAssertNil(wide.estimate, "pivot makes new columns")
    }

    func testScoreTablesDrawTheMeanWithTheirIntervalAsErrorBars() throws {
        let scores = PlotFixtures.studyScores
        let fig = try Plot.figure(scores, PlotSpec(kind: .bars, x: "lang", group: "model"))
        XCTAssertEqual(fig.description, "bars chart of mean by lang")
        let bars = errorBars(fig)
        XCTAssertEqual(bars.count, 45, "one error bar per model and language")
        let rects = fig.marks.compactMap { m -> (x: Double, y: Double, w: Double)? in
            if case let .rect(x, y, w, _, _, _, _?) = m { return (x, y, w) } else { return nil }
        }
        for rect in rects {
            let bar = try XCTUnwrap(
                bars.first { abs($0.x - (rect.x + rect.w / 2)) < 0.01 },
                "an error bar centred on the bar")
            XCTAssertLessThanOrEqual(bar.top, rect.y + 0.01, "the mean lies inside its percentile interval")
            XCTAssertGreaterThanOrEqual(bar.bottom, rect.y - 0.01)
        }
        let note = "Error bars: 95% CI (percentile bootstrap of the mean)."
        XCTAssertTrue(fig.texts.contains { $0.role == "note" && $0.text == note })
        assertNoOverlap(fig)
        for value in fig.texts.filter({ $0.role == "value" }) {
            let below = bars.contains { abs($0.x - value.x) < 0.01 && value.box.y + value.box.height > $0.top + 0.01 }
            XCTAssertFalse(
                below,
                "the value label \(value.text) sits above its error bar")
        }

        let sd = try Plot.figure(scores, PlotSpec(kind: .bars, x: "lang", group: "model", value: "n"))
        XCTAssertEqual(sd.description, "bars chart of n by lang", "value: still picks the column")
        XCTAssertTrue(errorBars(sd).isEmpty, "another column has no interval")
        XCTAssertFalse(sd.texts.contains { $0.text.hasPrefix("Error bars") })
    }

    func testPairedBarsAndLinesDrawIntervalsToo() throws {
        let scores = PlotFixtures.studyScores
        let two = try scores.selecting(column: "model", values: Array(PlotFixtures.studyModels.prefix(2)))
        let paired = try Plot.figure(two, PlotSpec(kind: .paired, x: "lang", group: "model"))
        XCTAssertEqual(errorBars(paired).count, 10)
        assertNoOverlap(paired)
        for delta in paired.texts.filter({ $0.text.hasPrefix("Δ ") && $0.role == "value" }) {
            let clashes = errorBars(paired).contains {
                delta.box.y + delta.box.height > $0.top + 0.01 && abs($0.x - delta.x) < 40
            }
            XCTAssertFalse(
                clashes,
                "the difference label clears the error bars")
        }

        var byTurn = ScoreAnalysis.score(PlotFixtures.studyJudgments, by: [.model, .turn], resamples: 200)
        byTurn = try byTurn.selecting(column: "model", values: Array(PlotFixtures.studyModels.prefix(3)))
        let lines = try Plot.figure(byTurn, PlotSpec(kind: .lines, x: "turn", group: "model"))
        let colours = (0..<3).map(Palette.color)
        XCTAssertEqual(
            colours.map { errorBars(lines, color: $0).count }, [2, 2, 2],
            "an error bar per point, in its line's colour")
        XCTAssertTrue(lines.texts.contains { $0.role == "note" && $0.text.hasPrefix("Error bars: 95% CI") })

        let terminal = try Plot.terminal(two, PlotSpec(kind: .bars, x: "lang", group: "model"))
        let first = two.rows[0]
        let shown = [2, 4, 5].map { NumberText.fixed(first[$0].double ?? 0, decimals: 2) }  // mean, ci_low, ci_high
        let expected = "\(shown[0]) [\(shown[1])–\(shown[2])]"
        XCTAssertTrue(terminal.contains(expected), terminal)
    }
}
