// What the loopback server tests share: a server around a test body, OpenAI request bodies, reading the
// answer back (whole or streamed), and answers collected from client threads.

import Foundation
import Logging
import XCTest
@testable import PolyglotServe

extension XCTestCase {
    // Tests are synchronous on purpose: the blocking socket client must not occupy Swift's cooperative
    // threads, which the server's request handlers need (there may be only 2 of them).
    func withServer(
        _ generators: [any TextGenerator], options: ServeOptions = ServeOptions(port: 0),
        logger: Logger = OpenAIServer.defaultLogger, _ body: (ServeHandle) throws -> Void
    ) throws {
        let handle = try OpenAIServer.startInBackground(generators, options: options, logger: logger)
        defer { handle.stopAndWait() }
        try body(handle)
    }

    func chatBody(
        model: String = "echo", content: String = "alpha beta gamma delta", maxTokens: Int = 8,
        seed: Int? = 7, stream: Bool = false, extra: String = ""
    ) -> String {
        let seedPart = seed.map { ",\"seed\":\($0)" } ?? ""
        return """
            {"model":"\(model)","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"\(content)"}],\
            "max_tokens":\(maxTokens),"temperature":0.5\(seedPart),"stream":\(stream)\(extra)}
            """
    }

    /// The assistant's text of a whole chat answer.
    func content(_ reply: HTTPReply) -> String? {
        guard case .string(let s)? = reply.json?["choices"]?.firstElement?["message"]?["content"] else { return nil }
        return s
    }

    /// The assistant's text of a streamed chat answer: its deltas joined.
    func streamedContent(_ reply: HTTPReply) -> String {
        reply.events.compactMap { event -> String? in
            let chunk = try? JSONValue.parse(Data(event.utf8))
            guard case .string(let s)? = chunk?["choices"]?.firstElement?["delta"]?["content"] else { return nil }
            return s
        }.joined()
    }
}

/// Answers collected from client threads.
final class ConcurrentResults: @unchecked Sendable {
    private let condition = NSCondition()
    private var answers: [Int: String?] = [:]

    func set(_ key: Int, _ text: String?) {
        condition.lock()
        answers[key] = text
        condition.broadcast()
        condition.unlock()
    }

    func waitForAll(_ count: Int, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while answers.count < count { if !condition.wait(until: deadline) { return false } }
        return true
    }

    var values: [Int: String?] {
        condition.lock()
        defer { condition.unlock() }
        return answers
    }
}
