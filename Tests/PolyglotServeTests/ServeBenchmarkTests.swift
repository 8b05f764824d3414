import XCTest
@testable import PolyglotServe

final class ServeBenchmarkTests: XCTestCase {
    func testPercentileIsNearestRank() {
        let values = (1...100).map(Double.init)
        XCTAssertEqual(ServeBenchmark.percentile(values, 0.50), 50)
        XCTAssertEqual(ServeBenchmark.percentile(values, 0.99), 99)
        XCTAssertEqual(ServeBenchmark.percentile([7], 0.99), 7)
    }

    func testSixteenClientsAgainstAGenerator() async throws {
        let echo = EchoGenerator(tokenDelay: 0.0005)
        let result = try await ServeBenchmark.run(generator: echo, clients: 16, requestsPerClient: 2, maxTokens: 8)
        XCTAssertEqual(result.requests, 32)
        XCTAssertEqual(result.failures, 0)
        XCTAssertEqual(result.completionTokens, 32 * 8)
        XCTAssertGreaterThan(result.requestsPerSecond, 0)
        XCTAssertLessThanOrEqual(result.p50Milliseconds, result.p99Milliseconds)
        XCTAssertEqual(echo.maxActive, 1)
        XCTAssertEqual(result.table.rows.count, 1)
        XCTAssertEqual(result.table.column("requests"), [.int(32)])
        print(result.table.render())
    }

    func testBadBaseURLIsAnError() async {
        do {
            _ = try await ServeBenchmark.run(baseURL: "not a url", model: "m")
            XCTFail("expected an error")
        } catch {
            XCTAssertTrue("\(error)".contains("not an http URL"), "\(error)")
        }
    }
}
