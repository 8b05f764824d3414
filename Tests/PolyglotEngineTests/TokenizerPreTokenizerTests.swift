import XCTest
@testable import PolyglotEngine

final class TokenizerPreTokenizerTests: XCTestCase {
    private func assertPieces(_ text: String, _ expected: [String], file: StaticString = #filePath, line: UInt = #line)
    {
        XCTAssertEqual(PreTokenizer.pieces(text), expected, file: file, line: line)
    }

    func testLeadingSpaceAttachesToWords() {
        assertPieces("Hello world", ["Hello", " world"])
        assertPieces("Wie geht's dir?", ["Wie", " geht", "'s", " dir", "?"])
        assertPieces("Ça va, très bien!", ["Ça", " va", ",", " très", " bien", "!"])
    }

    func testContractionsAreCaseSensitiveAndTriedFirst() {
        assertPieces(
            "we're they'll I'd you've I'm don't",
            [
                "we", "'re", " they", "'ll", " I", "'d", " you", "'ve", " I", "'m", " don", "'t"
            ])
        assertPieces("IT'S", ["IT", "'", "S"])
        assertPieces("l'amico", ["l", "'", "amico"])
        assertPieces("!'s", ["!'", "s"])  // an "other" run is greedy and swallows the apostrophe
    }

    func testNumbersAndPunctuationRuns() {
        assertPieces("In 2024, 3.5 ...", ["In", " 2024", ",", " 3", ".", "5", " ..."])
        assertPieces("x²½", ["x", "²½"])  // superscript two and one-half are \p{N}
    }

    func testWhitespaceRunsGiveUpTheirLastCharacter() {
        assertPieces("a  b", ["a", " ", " b"])
        assertPieces("a\n\nb", ["a", "\n", "\n", "b"])  // "\n\n": first char by \s+(?!\S), then "\n" by \s+
        assertPieces("a \n b", ["a", " \n", " b"])
        assertPieces("a\tb", ["a", "\t", "b"])
        assertPieces("end   ", ["end", "   "])
        assertPieces("   ", ["   "])
        assertPieces("", [])
    }

    func testUnicodeClasses() {
        assertPieces("日本語のテキスト", ["日本語のテキスト"])
        assertPieces("e\u{301}t\u{301}e", ["e", "\u{301}", "t", "\u{301}", "e"])  // combining marks are not \p{L}
        assertPieces("hi 👋🏽 there", ["hi", " 👋🏽", " there"])
        assertPieces("a\u{00A0}b", ["a", "\u{00A0}", "b"])  // no-break space is \s but not the optional prefix
        assertPieces("a\u{0}b", ["a", "\u{0}", "b"])
    }
}
