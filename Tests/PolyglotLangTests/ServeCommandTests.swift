// `serve` and `stop` in a session: servers live in the session's resources (owned by the serve commands),
// and an API key named by `api_key_env` never shows in outputs or errors.

import Foundation
import XCTest
@testable import PolyglotLang

final class ServeCommandTests: XCTestCase {
    func testResourcesHoldOneObjectPerType() {
        final class Counter { var n = 0 }
        final class Other {}
        let resources = SessionResources()
        resources.shared(Counter.self) { Counter() }.n += 1
        resources.shared(Counter.self) { Counter() }.n += 1
        XCTAssertEqual(resources.shared(Counter.self) { Counter() }.n, 2, "made once, then shared")
        let other = resources.shared(Other.self) { Other() }
        XCTAssertTrue(resources.shared(Other.self) { Other() } === other, "one per type")
    }

    func testServeAndStopWithAKeyThatNeverShows() throws {
        let key = "sk-lang-test-5ecret"
        setenv("POLYGLOT_LANG_SERVE_KEY", key, 1)
        defer { unsetenv("POLYGLOT_LANG_SERVE_KEY") }
        let session = makeSession()
        let run = pg(
            """
            let m = pretrain builtin:corpus config: {sentences: 300, steps: 1, batch: 2, context: 256} seed: 1
            let s = serve m port: 0 api_key_env: "POLYGLOT_LANG_SERVE_KEY"
            print s
            stop
            stop
            """, session: session)
        XCTAssertNil(run.error)
        XCTAssertTrue(run.output.contains("stopped 1 server(s)"), "\(run.output)")
        XCTAssertTrue(run.output.contains("stopped 0 server(s)"), "the first stop emptied the store")
        XCTAssertFalse(run.output.joined(separator: "\n").contains(key), "\(run.output)")
        unsetenv("POLYGLOT_LANG_SERVE_KEY")
        let unset = pg("serve m port: 0 api_key_env: \"POLYGLOT_LANG_SERVE_KEY\"", session: session)
        let error = try XCTUnwrap(unset.error)
        XCTAssertTrue(error.contains("POLYGLOT_LANG_SERVE_KEY"), error)
        XCTAssertFalse(error.contains(key), error)
    }
}
