import XCTest
@testable import PolyglotLab

/// A fresh temporary folder per test, removed afterwards.
class DataTestCase: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("polyglot-data-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Writes `text` to `name` inside the test folder and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A parallel Alpaca-style folder: `items` ids in every language of `langs`.
    func parallelFolder(_ name: String = "par", items: Int, langs: [Lang] = Lang.allCases) throws -> String {
        for lang in langs {
            let lines = (0..<items).map { i in
                "{\"instruction\": \"\(lang.code) instruction \(i)\", \"input\": \"\", \"output\": \"\(lang.code) answer number \(i)\", \"id\": \"alpaca-\(i)\"}"
            }
            try write("\(name)/\(lang.rawValue).jsonl", lines.joined(separator: "\n") + "\n")
        }
        return path(name)
    }

    func assertThrowsDataError(
        _ expression: @autoclosure () throws -> Any, file: StaticString = #filePath, line: UInt = #line,
        _ check: (DataError) -> Void
    ) {
        do {
            _ = try expression()
            XCTFail("expected a DataError", file: file, line: line)
        } catch let error as DataError {
            check(error)
        } catch {
            XCTFail("expected a DataError, got \(error)", file: file, line: line)
        }
    }
}

/// The fixture the other data tests build on writes what they assume.
final class DataTestSupportTests: DataTestCase {
    func testParallelFolderWritesOneLineOrientedFilePerLanguage() throws {
        let folder = try parallelFolder(items: 3, langs: [.en, .it])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["en.jsonl", "it.jsonl"])
        let lines = try String(contentsOfFile: folder + "/it.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(
            lines[1],
            #"{"instruction": "IT instruction 1", "input": "", "output": "IT answer number 1", "id": "alpaca-1"}"#)
    }
}
