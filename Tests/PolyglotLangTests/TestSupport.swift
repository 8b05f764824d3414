import XCTest
@testable import PolyglotLang

/// Runs source in a fresh session (with the prelude) and returns its output lines and rendered error.
func pg(_ source: String, file: String = "t.pg", session: Session? = nil) -> (output: [String], error: String?) {
    let s = session ?? makeSession()
    let r = s.execute(source, file: file)
    return (r.output.map(\.content), r.error.map { s.render($0) })
}

func makeSession() -> Session {
    let s = Session(seed: 1)
    try! s.loadLibrary(Stdlib.embedded)
    return s
}
