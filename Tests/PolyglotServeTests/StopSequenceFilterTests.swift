import XCTest
@testable import PolyglotServe

final class StopSequenceFilterTests: XCTestCase {
    /// Feeds pieces and returns (emitted text, stopped).
    private func run(_ pieces: [String], stops: [String]) -> (String, Bool) {
        var filter = StopSequenceFilter(stops: stops)
        var out = ""
        for piece in pieces {
            out += filter.feed(piece)
            if filter.stopped { break }
        }
        out += filter.flush()
        return (out, filter.stopped)
    }

    func testStopStringSplitAcrossPiecesIsNeverEmitted() {
        XCTAssertEqual(run(["Hello ", "wor", "ld! ", "More"], stops: ["world"]).0, "Hello ")
        XCTAssertTrue(run(["Hello ", "wor", "ld! "], stops: ["world"]).1)
    }

    func testHeldBackPrefixIsReleasedWhenItIsNotAStop() {
        var filter = StopSequenceFilter(stops: ["###"])
        XCTAssertEqual(filter.feed("a#"), "a", "a possible stop start is held")
        XCTAssertEqual(filter.feed("#b"), "##b", "released once it cannot be the stop string")
        XCTAssertEqual(filter.feed("##"), "", "held again")
        XCTAssertEqual(filter.flush(), "##", "flushed at the end")
        XCTAssertFalse(filter.stopped)
    }

    func testEarliestOfSeveralStopsWins() {
        XCTAssertEqual(run(["one two three"], stops: ["three", "two"]).0, "one ")
    }

    func testNoStopsPassesEverythingThrough() {
        let (text, stopped) = run(["a", "b", "c"], stops: [])
        XCTAssertEqual(text, "abc")
        XCTAssertFalse(stopped)
    }

    func testMultibyteTextAroundTheStop() {
        XCTAssertEqual(run(["Grüß ", "Gott", "—Ende"], stops: ["—E"]).0, "Grüß Gott")
    }
}
