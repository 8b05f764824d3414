// The HTTP request bodies of `serve`: the decoding and validation layer of /v1/chat/completions and
// /v1/completions, in-process (the server answers what it throws with a 400).

import Foundation
import PolyglotServe

final class ServeRequestTarget: FuzzTarget {
    let name = "serve-request"
    let summary = "request bodies of serve's /v1/chat/completions and /v1/completions (decoding and validation)"
    let dialect = InputDialect.json
    private let env: FuzzEnvironment

    init(_ env: FuzzEnvironment) { self.env = env }

    func seeds() throws -> [FuzzSeed] {
        try env.seeds(under: env.fixtures.appendingPathComponent("serve"), extensions: ["json"])
    }

    func run(_ input: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let body = Data(input)
            let text = (try? CompletionRequest.decode(body, endpoint: .text)).map { "completion for \($0.model)" }
            let chat = try CompletionRequest.decode(body, endpoint: .chat)
            let maxTokens = chat.requestedMaxTokens.map(String.init) ?? "-"
            return "chat for \(chat.model) (stream \(chat.stream), max_tokens \(maxTokens))"
                + (text.map { "; \($0)" } ?? "")
        }
    }
}
