// How the server listens, whom it lets in, and the limits that keep hostile or broken clients from
// holding it up (docs/reliability.md, "serve").

import Foundation

/// Listening address, API key and request limits of an OpenAI-compatible server.
public struct ServeOptions: Sendable, Equatable {
    /// Address to bind; loopback by default so a model is never exposed by accident.
    public var host: String
    /// TCP port; 0 picks a free port (read it back from `ServeHandle.port`).
    public var port: Int
    /// Name of an environment variable holding the API key; when set, every request except /health needs
    /// `Authorization: Bearer <key>`. The key itself is never stored in options or logged.
    public var apiKeyEnvironmentVariable: String?
    /// Largest accepted request body; larger ones get 413 (a declared Content-Length before any byte is read).
    public var maxBodyBytes: Int
    /// The whole body must arrive within this time once the head is read, else 408 and the connection
    /// closes: a client sending byte by byte cannot hold a request open.
    public var bodyTimeout: Duration
    /// A connection that sends nothing for this long between requests (or while sending a head) is closed.
    public var idleTimeout: Duration
    /// A streamed write that cannot complete for this long (the client stopped reading) closes the connection.
    public var stalledWriteTimeout: Duration
    /// Streamed pieces a slow reader may fall behind the generator; one more ends its generation, so the
    /// model is free for the next request and the server never buffers a stream without bound.
    public var streamBacklogPieces: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8000, apiKeyEnvironmentVariable: String? = nil,
        maxBodyBytes: Int = 1 << 20, bodyTimeout: Duration = .seconds(30), idleTimeout: Duration = .seconds(60),
        stalledWriteTimeout: Duration = .seconds(30), streamBacklogPieces: Int = 1024
    ) {
        self.host = host
        self.port = port
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
        self.maxBodyBytes = maxBodyBytes
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.stalledWriteTimeout = stalledWriteTimeout
        self.streamBacklogPieces = streamBacklogPieces
    }

    /// Reads the API key from the environment; nil when no key is required.
    func resolveAPIKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        guard let name = apiKeyEnvironmentVariable else { return nil }
        guard let key = environment[name], !key.isEmpty else {
            throw ServeError.configuration(
                "environment variable \(name) (named by the API key option) is not set or empty")
        }
        return key
    }

    func validate() throws {
        guard (0...65_535).contains(port) else {
            throw ServeError.configuration("port must be in 0...65535, got \(port)")
        }
        guard !host.isEmpty else { throw ServeError.configuration("host must not be empty") }
        guard maxBodyBytes > 0 else {
            throw ServeError.configuration("maxBodyBytes must be positive, got \(maxBodyBytes)")
        }
        for (name, value) in [
            ("bodyTimeout", bodyTimeout), ("idleTimeout", idleTimeout),
            ("stalledWriteTimeout", stalledWriteTimeout)
        ] where value <= .zero {
            throw ServeError.configuration("\(name) must be positive, got \(value)")
        }
        guard streamBacklogPieces > 0 else {
            throw ServeError.configuration("streamBacklogPieces must be positive, got \(streamBacklogPieces)")
        }
    }
}

/// Why a server could not start (or a benchmark could not run).
public enum ServeError: Error, CustomStringConvertible, Equatable {
    case configuration(String)
    case bindFailed(host: String, port: Int, reason: String)
    case benchmark(String)

    public var description: String {
        switch self {
        case .configuration(let why): "serve: \(why)"
        case .bindFailed(let host, let port, let reason): "serve: cannot listen on \(host):\(port): \(reason)"
        case .benchmark(let why): "bench serve: \(why)"
        }
    }
}
