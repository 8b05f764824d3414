import XCTest
@testable import PolyglotLang

final class LexerTests: XCTestCase {
    func kinds(_ s: String) throws -> [TokenKind] { try Lexer.tokenize(s, file: "t").map(\.kind) }

    func testNumbersStringsAndSymbols() throws {
        XCTAssertEqual(try kinds("3 3.5 3e-4 1_000"), [.int(3), .float(3.5), .float(3e-4), .int(1000), .eof])
        XCTAssertEqual(
            try kinds("a.b >= 2 != 3"),
            [
                .identifier, .symbol(.dot), .identifier, .symbol(.greaterEqual), .int(2), .symbol(.bangEqual), .int(3),
                .eof
            ])
        let t = try Lexer.tokenize("load model builtin:tiny-moe", file: "t")
        XCTAssertEqual(t[2].kind, .builtinRef)
        XCTAssertEqual(t[2].text, "builtin:tiny-moe")
    }

    func testCommentsAndNewlinesInsideBrackets() throws {
        XCTAssertEqual(
            try kinds("x # comment\n[1,\n 2]"),
            [.identifier, .newline, .symbol(.lbracket), .int(1), .symbol(.comma), .int(2), .symbol(.rbracket), .eof])
        XCTAssertTrue(Lexer.needsContinuation("fn f(x) {"))
        XCTAssertTrue(Lexer.needsContinuation("[1,"))
        XCTAssertFalse(Lexer.needsContinuation("fn f(x) { x }"))
    }

    func testPositionsAreLineAndColumn() throws {
        let t = try Lexer.tokenize("let x = 1\n  y", file: "f.pg", firstLine: 10)
        XCTAssertEqual(t.last { $0.kind == .identifier }!.span.location, "f.pg:11:3")
    }

    func testUnterminatedStringAndBadCharacter() {
        XCTAssertThrowsError(try Lexer.tokenize("print \"abc", file: "f.pg")) { e in
            XCTAssertEqual((e as! PolyglotError).span?.location, "f.pg:1:7")
            XCTAssertEqual((e as! PolyglotError).message, "unterminated string")
        }
        XCTAssertThrowsError(try Lexer.tokenize("x = 1 @ 2", file: "f.pg")) { e in
            XCTAssertEqual((e as! PolyglotError).message, "unexpected character '@'")
        }
    }
}
