// Test double for a model: deterministic "words" drawn from the prompt with a seeded RNG, an optional
// per-token delay (to test streaming and disconnects), and bookkeeping that catches concurrent use.

import Foundation
import PolyglotEngine
import PolyglotLab
@testable import PolyglotServe

final class EchoGenerator: TextGenerator, @unchecked Sendable {
    let modelID: String
    let contextLength: Int
    /// Pause after each token, to make streams observable and slots busy.
    let tokenDelay: TimeInterval
    /// Stop by itself ("stop") after this many tokens; nil: only max_tokens ends it.
    let naturalLength: Int?
    /// Throw `Failure` after this many tokens, like a model that runs out of memory mid-answer.
    let failAfter: Int?

    struct Failure: Error, CustomStringConvertible {
        var description: String { "simulated model failure" }
    }

    private let lock = NSLock()
    private var active = 0
    private var _maxActive = 0
    private var _emittedPerCall: [Int] = []

    init(
        modelID: String = "echo", contextLength: Int = 256, tokenDelay: TimeInterval = 0, naturalLength: Int? = nil,
        failAfter: Int? = nil
    ) {
        self.modelID = modelID
        self.contextLength = contextLength
        self.tokenDelay = tokenDelay
        self.naturalLength = naturalLength
        self.failAfter = failAfter
    }

    /// Most generations that ever ran at the same time (must stay 1: the server serializes per model).
    var maxActive: Int { lock.withLock { _maxActive } }
    /// Tokens emitted by each finished call, in order.
    var emittedPerCall: [Int] { lock.withLock { _emittedPerCall } }

    private func promptText(_ request: GenerationRequest) -> String {
        request.prompt ?? (request.messages ?? []).map { "\($0.role.rawValue): \($0.content)" }.joined(separator: "\n")
    }

    private func words(_ request: GenerationRequest) -> [Substring] {
        promptText(request).split(whereSeparator: { $0 == " " || $0 == "\n" })
    }

    func tokenCount(_ request: GenerationRequest) -> Int { words(request).count }

    func generate(_ request: GenerationRequest, onText: (String) -> Bool) throws -> (
        completionTokens: Int, finishReason: String
    ) {
        lock.withLock {
            active += 1; _maxActive = max(_maxActive, active)
        }
        var emitted = 0
        defer {
            lock.withLock {
                active -= 1; _emittedPerCall.append(emitted)
            }
        }
        // A stable hash of the prompt (Swift's hashValue is randomized per process).
        let promptHash = promptText(request).utf8.reduce(UInt64(14_695_981_039_346_656_037)) {
            ($0 ^ UInt64($1)) &* 1_099_511_628_211
        }
        var rng = SeededRNG(seed: (request.seed ?? 0) ^ promptHash)
        let vocabulary = words(request).filter { !$0.hasSuffix(":") }
        let limit = min(request.maxTokens, naturalLength ?? Int.max)
        while emitted < limit {
            if let failAfter, emitted == failAfter { throw Failure() }
            let word = vocabulary.isEmpty ? "…" : String(vocabulary[Int(rng.next() % UInt64(vocabulary.count))])
            emitted += 1
            if tokenDelay > 0 { Thread.sleep(forTimeInterval: tokenDelay) }
            if !onText(emitted == 1 ? word : " " + word) { break }
        }
        return (emitted, emitted == request.maxTokens ? "length" : "stop")
    }
}
