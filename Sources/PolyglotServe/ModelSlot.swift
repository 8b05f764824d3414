// One served model: a serial queue in front of a generator that is not thread-safe (it has one
// KV cache). Requests queue in arrival order; each runs alone with a fresh generation state.
// Generation runs on the slot's own dispatch thread, never on Swift's small cooperative pool, so a
// long generation cannot starve the HTTP server's tasks.

import Dispatch
import Foundation

/// Set once, read from any thread: "the client is gone, stop generating".
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false

    var isSet: Bool { lock.withLock { set } }
    func cancel() { lock.withLock { set = true } }
}

/// What a finished generation reports back to the route.
struct GenerationOutcome: Sendable {
    var text: String
    var completionTokens: Int
    var finishReason: String
}

final class ModelSlot: @unchecked Sendable {
    let generator: any TextGenerator
    private let queue: DispatchQueue
    /// Set when the server stops: running generations end at their next piece of text.
    private let shutdown: CancellationFlag

    init(generator: any TextGenerator, shutdown: CancellationFlag) {
        self.generator = generator
        self.shutdown = shutdown
        queue = DispatchQueue(label: "polyglot.serve.\(generator.modelID)")
    }

    /// Returns once every job queued so far has finished (used by `stop()`, so the model is free afterwards).
    func drain() async {
        await withCheckedContinuation { continuation in queue.async { continuation.resume() } }
    }

    /// Prompt tokens, counted on the slot's queue (the protocol promises generators single-threaded use).
    /// Throws 503 once the server is stopping: after `stop()` the generator belongs to its owner again.
    func countTokens(_ request: GenerationRequest) async throws -> Int {
        let generator = self.generator, shutdown = self.shutdown
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                guard !shutdown.isSet else { return continuation.resume(throwing: OpenAIError.shuttingDown) }
                continuation.resume(returning: generator.tokenCount(request))
            }
        }
    }

    /// Queues a generation. `onText` receives filtered text (stop strings removed) on the slot's thread and
    /// returns false when the receiver is gone. Skipped without calling the generator when `cancel` is
    /// already set once the job reaches the front of the queue.
    func generate(
        _ request: GenerationRequest, cancel: CancellationFlag, onText: @escaping @Sendable (String) -> Bool
    ) async throws -> GenerationOutcome {
        let generator = self.generator, shutdown = self.shutdown
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                guard !cancel.isSet, !shutdown.isSet else {
                    continuation.resume(
                        returning: GenerationOutcome(text: "", completionTokens: 0, finishReason: "stop"))
                    return
                }
                var filter = StopSequenceFilter(stops: request.stop)
                var text = ""
                func deliver(_ piece: String) -> Bool {
                    guard !piece.isEmpty else { return true }
                    text += piece
                    if !onText(piece) { cancel.cancel() }
                    return !cancel.isSet && !shutdown.isSet
                }
                do {
                    let result = try generator.generate(request) { piece in
                        guard !cancel.isSet, !shutdown.isSet else { return false }
                        return deliver(filter.feed(piece)) && !filter.stopped
                    }
                    _ = deliver(filter.flush())
                    // A stop string ends the answer as "stop" even if the generator saw it as cut short.
                    let reason = filter.stopped ? "stop" : result.finishReason
                    continuation.resume(
                        returning: GenerationOutcome(
                            text: text, completionTokens: result.completionTokens, finishReason: reason))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
