import XCTest
@testable import PolyglotLab

final class TableTests: XCTestCase {
    func testRenderAlignsNumbersRight() {
        let t = Table(
            title: "scores", columns: ["lang", "mean"], rows: [[.text("en"), .number(7.5)], [.text("de"), .number(10)]])
        XCTAssertEqual(t.render(), "scores\nlang   mean\n────  ─────\nen     7.50\nde    10.00")
    }
}
