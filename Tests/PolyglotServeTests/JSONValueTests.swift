import Foundation
import XCTest
@testable import PolyglotServe

final class JSONValueTests: XCTestCase {
    func testParsingKeepsKinds() throws {
        let v = try JSONValue.parse(Data(#"{"b":true,"i":3,"d":0.5,"s":"x","n":null,"a":[1,"y"]}"#.utf8))
        XCTAssertEqual(v["b"], .bool(true))
        XCTAssertEqual(v["i"], .int(3))
        XCTAssertEqual(v["d"], .double(0.5))
        XCTAssertEqual(v["s"], .string("x"))
        XCTAssertEqual(v["n"], .null)
        XCTAssertEqual(v["a"], .array([.int(1), .string("y")]))
        XCTAssertNil(v["missing"])
    }

    func testSerializationEscapesAndKeepsOrder() throws {
        let v = JSONValue.object([
            ("z", .string("a\"b\\c\nd\u{1}é")), ("a", .array([.int(-2), .double(1.5), .double(2), .null, .bool(false)]))
        ])
        XCTAssertEqual(v.serialized, #"{"z":"a\"b\\c\nd\u0001é","a":[-2,1.5,2,null,false]}"#)
        let back = try JSONValue.parse(Data(v.serialized.utf8))
        XCTAssertEqual(back["z"], .string("a\"b\\c\nd\u{1}é"))
    }

    func testMalformedJSONThrowsWithAReason() {
        XCTAssertThrowsError(try JSONValue.parse(Data(#"{"a": }"#.utf8))) { error in
            XCTAssertTrue(error is JSONValue.ParseError)
            XCTAssertFalse("\(error)".isEmpty)
        }
    }
}
