// The one way a command waits for async lab work (the LLM judge): commands run synchronously on the thread of
// the REPL or notebook runner, which is never a Swift concurrency thread, so blocking it cannot starve the pool.

import Foundation

/// Runs `body` to completion and returns its result (or throws its error).
func blockingWait<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    guard let result = box.result else { throw CancellationError() }  // unreachable: the task sets it before signalling
    return try result.get()
}

private final class ResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }
