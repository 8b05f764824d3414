// How the server listens and whom it lets in.

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
    /// Largest accepted request body; larger ones get 413.
    public var maxBodyBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8000, apiKeyEnvironmentVariable: String? = nil,
                maxBodyBytes: Int = 1 << 20) {
        self.host = host
        self.port = port
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
        self.maxBodyBytes = maxBodyBytes
    }

    /// Reads the API key from the environment; nil when no key is required.
    func resolveAPIKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        guard let name = apiKeyEnvironmentVariable else { return nil }
        guard let key = environment[name], !key.isEmpty else {
            throw ServeError.configuration("environment variable \(name) (named by the API key option) is not set or empty")
        }
        return key
    }

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ServeError.configuration("port must be in 0...65535, got \(port)") }
        guard !host.isEmpty else { throw ServeError.configuration("host must not be empty") }
        guard maxBodyBytes > 0 else { throw ServeError.configuration("maxBodyBytes must be positive, got \(maxBodyBytes)") }
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
