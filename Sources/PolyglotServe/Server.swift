// Starting and stopping the OpenAI-compatible server: in the background of a REPL session (a handle
// with the bound port and `stop`), or in the foreground of `polyglot serve` until SIGINT/SIGTERM.

import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// A running server.
public final class ServeHandle: Sendable {
    /// The address actually bound.
    public let host: String
    /// The port actually bound (the free port chosen when 0 was asked for).
    public let port: Int
    /// Ids of the served models, in the order given.
    public let modelIDs: [String]
    private let group: ServiceGroup
    private let runTask: Task<Void, any Error>
    private let shutdown: CancellationFlag
    private let slots: [ModelSlot]

    fileprivate init(
        host: String, port: Int, modelIDs: [String], group: ServiceGroup,
        runTask: Task<Void, any Error>, shutdown: CancellationFlag, slots: [ModelSlot]
    ) {
        self.host = host
        self.port = port
        self.modelIDs = modelIDs
        self.group = group
        self.runTask = runTask
        self.shutdown = shutdown
        self.slots = slots
    }

    /// Base URL for OpenAI clients, e.g. `http://127.0.0.1:8000/v1`.
    public var baseURL: String {
        "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/v1"
    }

    /// Stops accepting connections, ends running generations at their next token and waits until the
    /// server is closed and no generator is in use any more (the caller may then train or unload the models).
    public func stop() async {
        shutdown.cancel()
        await group.triggerGracefulShutdown()
        _ = await runTask.result
        for slot in slots { await slot.drain() }
    }

    /// `stop()` for synchronous callers (the REPL).
    public func stopAndWait() {
        blockingWait { await self.stop() }
    }

    /// Waits until the server ends (after `stop()`, a signal, or a failure), rethrowing a failure.
    public func wait() async throws {
        try await runTask.value
    }
}

/// OpenAI-compatible HTTP API in front of text generators.
public enum OpenAIServer {
    /// The server's log: warnings and worse (rejected requests are notices), to standard error.
    public static var defaultLogger: Logger {
        var logger = Logger(label: "polyglot.serve")
        logger.logLevel = .warning
        return logger
    }

    /// `start` for synchronous callers (the REPL's `serve MODEL port: 8000`).
    public static func startInBackground(
        _ generators: [any TextGenerator], options: ServeOptions = ServeOptions(),
        logger: Logger = defaultLogger
    ) throws -> ServeHandle {
        try blockingWait { try await start(generators, options: options, logger: logger) }
    }

    /// Starts serving in the background and returns once the port is bound.
    public static func start(
        _ generators: [any TextGenerator], options: ServeOptions = ServeOptions(),
        logger: Logger = defaultLogger
    ) async throws -> ServeHandle {
        try options.validate()
        let apiKey = try options.resolveAPIKey()
        let ids = generators.map(\.modelID)
        guard !ids.isEmpty else { throw ServeError.configuration("no model to serve") }
        if let duplicate = Dictionary(grouping: ids, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw ServeError.configuration("model id '\(duplicate)' is served twice; give each model a distinct id")
        }

        let shutdown = CancellationFlag()
        let router = Router(context: ServeRequestContext.self)
        router.middlewares.add(OpenAIErrorMiddleware())
        if let apiKey { router.middlewares.add(APIKeyMiddleware(expected: apiKey)) }
        let slots = generators.map { ModelSlot(generator: $0, shutdown: shutdown) }
        OpenAIRoutes(slots: slots, options: options).register(on: router)

        // The first event decides start-up: the bound port, or the error that stopped the server.
        let (ready, readySink) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            router: router,
            server: .http1(configuration: HTTP1Channel.Configuration(idleTimeout: TimeAmount(options.idleTimeout))),
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port)),
            onServerRunning: { channel in readySink.yield(.success(channel.localAddress?.port ?? options.port)) },
            logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [app], gracefulShutdownSignals: [], logger: logger))
        let runTask = Task {
            do {
                try await group.run()
                readySink.yield(
                    .failure(
                        ServeError.bindFailed(
                            host: options.host, port: options.port, reason: "server stopped before it was ready")))
            } catch {
                readySink.yield(
                    .failure(ServeError.bindFailed(host: options.host, port: options.port, reason: "\(error)")))
                throw error
            }
        }
        var first: Result<Int, any Error>?
        for await event in ready {
            first = event
            break
        }
        guard let port = try first?.get() else {
            throw ServeError.bindFailed(host: options.host, port: options.port, reason: "no start-up event")
        }
        return ServeHandle(
            host: options.host, port: port, modelIDs: ids, group: group, runTask: runTask, shutdown: shutdown,
            slots: slots)
    }
}

/// Runs async work to completion from synchronous code. Must not be called from a Swift concurrency
/// thread (it blocks the calling thread); the REPL and CLI main threads are fine.
func blockingWait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        do { box.result = .success(try await operation()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    guard let result = box.result else { throw ServeError.configuration("background task ended without a result") }
    return try result.get()
}

func blockingWait(_ operation: @escaping @Sendable () async -> Void) {
    _ = try? blockingWait { () async throws -> Bool in
        await operation(); return true
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
