// `polyglot bench serve`: N concurrent clients send chat requests over real HTTP and we measure
// throughput and latency percentiles — the numbers docs/perf.md records for the tiny model.

import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import PolyglotLab

/// Measured throughput and latency of a served model.
public struct ServeBenchmarkResult: Sendable, Equatable {
    public var model: String
    public var clients: Int
    public var requests: Int
    public var failures: Int
    public var seconds: Double
    public var requestsPerSecond: Double
    public var p50Milliseconds: Double
    public var p99Milliseconds: Double
    public var completionTokens: Int
    public var tokensPerSecond: Double

    /// One row, ready for printing, export and plots.
    public var table: Table {
        Table(
            title: "serve benchmark: \(model)",
            columns: ["model", "clients", "requests", "failures", "req/s", "p50 ms", "p99 ms", "tokens/s"],
            rows: [
                [
                    .text(model), .int(clients), .int(requests), .int(failures), .number(requestsPerSecond),
                    .number(p50Milliseconds), .number(p99Milliseconds), .number(tokensPerSecond)
                ]
            ],
            notes: [
                "\(clients) concurrent clients, non-streaming /v1/chat/completions, wall time \(Table.format(seconds)) s; "
                    + "p50/p99 are nearest-rank percentiles of per-request latency."
            ])
    }
}

/// Load generator for an OpenAI-compatible endpoint.
public enum ServeBenchmark {
    /// Benchmarks a running server at `baseURL` (ending in /v1): `clients` clients each send
    /// `requestsPerClient` requests back to back (request i uses seed i, so runs are comparable).
    public static func run(
        baseURL: String, model: String, clients: Int = 16, requestsPerClient: Int = 4,
        maxTokens: Int = 16, apiKey: String? = nil
    ) async throws -> ServeBenchmarkResult {
        guard clients > 0, requestsPerClient > 0, maxTokens > 0 else {
            throw ServeError.benchmark("clients, requestsPerClient and maxTokens must be positive")
        }
        guard let url = URL(string: baseURL + "/chat/completions"), url.host != nil else {
            throw ServeError.benchmark("'\(baseURL)' is not an http URL ending in /v1")
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = clients
        configuration.timeoutIntervalForRequest = 600
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }

        let clock = ContinuousClock()
        let start = clock.now
        let samples = await withTaskGroup(of: [Sample].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var samples: [Sample] = []
                    for k in 0..<requestsPerClient {
                        let body = requestBody(model: model, seed: client * requestsPerClient + k, maxTokens: maxTokens)
                        samples.append(await send(body, to: url, apiKey: apiKey, session: session, clock: clock))
                    }
                    return samples
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        let seconds = (clock.now - start).seconds
        let ok = samples.filter { $0.completionTokens != nil }
        guard !ok.isEmpty else {
            throw ServeError.benchmark(
                "all \(samples.count) requests failed; first error: \(samples.first?.error ?? "none")")
        }
        let latencies = ok.map(\.milliseconds).sorted()
        let tokens = ok.reduce(0) { $0 + ($1.completionTokens ?? 0) }
        return ServeBenchmarkResult(
            model: model, clients: clients, requests: samples.count, failures: samples.count - ok.count,
            seconds: seconds,
            requestsPerSecond: Double(ok.count) / seconds,
            p50Milliseconds: percentile(latencies, 0.50), p99Milliseconds: percentile(latencies, 0.99),
            completionTokens: tokens, tokensPerSecond: Double(tokens) / seconds)
    }

    /// Serves `generator` on a free loopback port, benchmarks it, and stops the server.
    public static func run(
        generator: any TextGenerator, clients: Int = 16, requestsPerClient: Int = 4,
        maxTokens: Int = 16
    ) async throws -> ServeBenchmarkResult {
        let handle = try await OpenAIServer.start([generator], options: ServeOptions(port: 0))
        do {
            let result = try await run(
                baseURL: handle.baseURL, model: generator.modelID, clients: clients,
                requestsPerClient: requestsPerClient, maxTokens: maxTokens)
            await handle.stop()
            return result
        } catch {
            await handle.stop()
            throw error
        }
    }

    /// `run(generator:…)` for synchronous callers (the CLI's `polyglot bench serve`).
    public static func measure(
        generator: any TextGenerator, clients: Int = 16, requestsPerClient: Int = 4,
        maxTokens: Int = 16
    ) throws -> ServeBenchmarkResult {
        try blockingWait {
            try await run(
                generator: generator, clients: clients, requestsPerClient: requestsPerClient, maxTokens: maxTokens)
        }
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    private struct Sample: Sendable {
        var milliseconds: Double
        var completionTokens: Int?
        var error: String?
    }

    private static func requestBody(model: String, seed: Int, maxTokens: Int) -> Data {
        let json = JSONValue.object([
            ("model", .string(model)),
            (
                "messages",
                .array([
                    .object([
                        ("role", .string("user")),
                        ("content", .string("Benchmark request \(seed): describe your favourite city."))
                    ])
                ])
            ),
            ("max_tokens", .int(Int64(maxTokens))), ("seed", .int(Int64(seed))), ("temperature", .double(0.7))
        ])
        return Data(json.serialized.utf8)
    }

    private static func send(
        _ body: Data, to url: URL, apiKey: String?, session: URLSession,
        clock: ContinuousClock
    ) async -> Sample {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let start = clock.now
        let (data, response, error) = await withCheckedContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                continuation.resume(returning: (data, response, error))
            }.resume()
        }
        let ms = (clock.now - start).seconds * 1000
        if let error { return Sample(milliseconds: ms, error: "\(error)") }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200, let data, let json = try? JSONValue.parse(data),
            case .int(let tokens)? = json["usage"]?["completion_tokens"]
        else {
            return Sample(
                milliseconds: ms,
                error: "HTTP \(status): \(String(decoding: data ?? Data(), as: UTF8.self).prefix(200))")
        }
        return Sample(milliseconds: ms, completionTokens: Int(tokens))
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
