// A minimal OpenAI-compatible chat-completions client (vLLM, llama.cpp, OpenAI) with timeouts and polite retries.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where and how to reach a chat-completions server. The API key is read from `keyEnv` at call time and never stored.
public struct ChatEndpoint: Sendable {
    /// Base URL up to `/v1`, e.g. `http://127.0.0.1:8000/v1`.
    public var baseURL: String
    public var model: String
    /// Name of the environment variable holding the API key (nil: no Authorization header).
    public var keyEnv: String?
    /// Per-request timeout in seconds.
    public var timeout: Double
    /// Total tries per request (first try included).
    public var maxAttempts: Int
    /// Back-off before retry k (1-based) is `baseDelay · 2^(k−1)` seconds, capped at `maxDelay`, unless Retry-After says otherwise.
    public var baseDelay: Double
    public var maxDelay: Double
    /// Completion budget of the judge (FastChat: 2048).
    public var maxTokens: Int

    /// The judge's completion budget unless told otherwise (FastChat's).
    public static let defaultMaxTokens = 2048

    public init(
        baseURL: String, model: String, keyEnv: String? = nil, timeout: Double = 120, maxAttempts: Int = 6,
        baseDelay: Double = 1, maxDelay: Double = 60, maxTokens: Int = defaultMaxTokens
    ) {
        self.baseURL = baseURL
        self.model = model
        self.keyEnv = keyEnv
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxTokens = maxTokens
    }

    var completionsURL: String {
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return trimmed + "/chat/completions"
    }
}

/// Why a chat request failed for good.
public enum ChatError: Error, CustomStringConvertible, Equatable {
    /// The server refused the request in a way retrying cannot fix (400/401/403/404, insufficient_quota).
    case rejected(status: Int, message: String)
    /// Every try failed with a retryable problem; `last` describes the final one.
    case gaveUp(attempts: Int, last: String)
    case missingKey(env: String)
    case badResponse(String)

    public var description: String {
        switch self {
        case .rejected(let s, let m): "the server refused the request (HTTP \(s)): \(m)"
        case .gaveUp(let n, let last): "the server failed \(n) times; last error: \(last)"
        case .missingKey(let env): "environment variable \(env) is not set; expected the server's API key there"
        case .badResponse(let m): "unexpected server response: \(m)"
        }
    }
}

/// Sends chat requests; one instance owns one HTTP connection pool. Call `shutdown()` when done.
public final class ChatCompletionClient: Sendable {
    public let endpoint: ChatEndpoint
    private let http: HTTPClient
    private let apiKey: String?

    /// `maxConnections` should be at least the number of requests kept in flight.
    public init(endpoint: ChatEndpoint, maxConnections: Int = 16) throws {
        self.endpoint = endpoint
        if let env = endpoint.keyEnv {
            guard let key = ProcessInfo.processInfo.environment[env], !key.isEmpty else {
                throw ChatError.missingKey(env: env)
            }
            apiKey = key
        } else {
            apiKey = nil
        }
        var config = HTTPClient.Configuration()
        config.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, maxConnections)
        config.timeout.connect = .seconds(10)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    public func shutdown() async throws { try await http.shutdown() }

    /// One completion (temperature 0 is the judge setting), at most `maxTokens` long (default: the endpoint's), with
    /// a sampling seed when given (sent as the signed 64-bit integer of the same bits, as servers expect), retried on
    /// 429/5xx/network errors with back-off and Retry-After.
    public func complete(
        _ messages: [Message], temperature: Double = 0, maxTokens: Int? = nil, seed: UInt64? = nil
    ) async throws -> String {
        var body: [String: Any] = [
            "model": endpoint.model, "temperature": temperature, "max_tokens": maxTokens ?? endpoint.maxTokens,
            "n": 1, "messages": messages.map { ["role": $0.role.rawValue, "content": $0.content] }
        ]
        if let seed { body["seed"] = Int64(bitPattern: seed) }
        let payload = try JSONSerialization.data(withJSONObject: body)
        var lastProblem = ""
        for attempt in 1...max(1, endpoint.maxAttempts) {
            var wait = min(endpoint.maxDelay, endpoint.baseDelay * pow(2, Double(attempt - 1)))
            do {
                var request = HTTPClientRequest(url: endpoint.completionsURL)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
                request.body = .bytes(ByteBuffer(bytes: payload))
                let response = try await http.execute(request, timeout: .milliseconds(Int64(endpoint.timeout * 1000)))
                let data = Data(try await response.body.collect(upTo: 16 << 20).readableBytesView)
                let status = Int(response.status.code)
                if status == 200 { return try Self.content(of: data) }
                let message = Self.errorMessage(data)
                lastProblem = "HTTP \(status): \(message)"
                let retryable = [429, 500, 502, 503, 504].contains(status) && !message.contains("insufficient_quota")
                guard retryable else { throw ChatError.rejected(status: status, message: message) }
                if let after = response.headers.first(name: "retry-after").flatMap(Double.init) {
                    wait = min(endpoint.maxDelay, after)
                }
            } catch let e as ChatError {
                throw e
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastProblem = "network: \(error)"  // connection refused/reset/timeout: retry
            }
            if attempt < endpoint.maxAttempts { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
        }
        throw ChatError.gaveUp(attempts: endpoint.maxAttempts, last: lastProblem)
    }

    static func content(of data: Data) throws -> String {
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ChatError.badResponse(
                "expected a JSON object, got `\(String(decoding: data.prefix(80), as: UTF8.self))`")
        }
        guard let choices = json["choices"] as? [[String: Any]],
            let message = choices.first?["message"] as? [String: Any]
        else {
            throw ChatError.badResponse("expected `choices[0].message`; \(errorMessage(data))")
        }
        return (message["content"] as? String) ?? ""  // content may be null (tool calls only)
    }

    /// `error.message`, then top-level `message`, then `error` as a string, then the raw body (formats.md §6.4).
    static func errorMessage(_ data: Data) -> String {
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        if let e = json?["error"] as? [String: Any], let m = e["message"] as? String {
            return (e["code"] as? String).map { "\(m) (\($0))" } ?? m
        }
        if let m = json?["message"] as? String { return m }
        if let e = json?["error"] as? String { return e }
        return String(decoding: data.prefix(300), as: UTF8.self)
    }
}
