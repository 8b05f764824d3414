// The server against hostile or broken clients, over real loopback HTTP with raw sockets: 64 streams at once,
// a client that stops reading, a body sent byte by byte, a 100 MB body (declared and chunked), bytes that are
// not UTF-8, max_tokens of 10^9, unknown models, a wrong API key. After each, the server answers a normal
// request exactly as before. Every wait is bounded; the limits are set low so the suite stays short.

import Foundation
import Logging
import XCTest
@testable import PolyglotServe

final class HostileClientTests: XCTestCase {
    private let chatPath = "/v1/chat/completions"

    /// The answer to a fixed normal request (compared before and after each hostile one).
    private func normalAnswer(_ port: Int) throws -> String? {
        let reply = try httpRequest(port: port, "POST", chatPath, body: chatBody(maxTokens: 6))
        XCTAssertEqual(reply.status, 200, reply.body)
        return content(reply)
    }

    private func assertOpenAIError(_ reply: HTTPReply, status: Int, code: String, line: UInt = #line) {
        XCTAssertEqual(reply.status, status, reply.body, line: line)
        XCTAssertEqual(reply.json?["error"]?["code"], .string(code), reply.body, line: line)
        let error = reply.json?["error"]
        guard case .string(let message)? = error?["message"], case .string? = error?["type"] else {
            return XCTFail("not an OpenAI error body: \(reply.body)", line: line)
        }
        XCTAssertFalse(message.isEmpty, line: line)
    }

    func testSixtyFourConcurrentStreamingClientsEachGetTheirOwnAnswer() throws {
        let echo = EchoGenerator(tokenDelay: 0.0005)
        try withServer([echo]) { server in
            let port = server.port, clients = 64
            let expected = try (0..<clients).map {
                try content(httpRequest(port: port, "POST", chatPath, body: chatBody(maxTokens: 12, seed: $0)))
            }
            let results = ConcurrentResults()
            let start = Date()
            for seed in 0..<clients {
                Thread {
                    let reply = try? httpRequest(
                        port: port, "POST", self.chatPath,
                        body: self.chatBody(maxTokens: 12, seed: seed, stream: true))
                    results.set(seed, reply.flatMap { $0.events.last == "[DONE]" ? self.streamedContent($0) : nil })
                }.start()
            }
            XCTAssertTrue(results.waitForAll(clients, timeout: 30), "all \(clients) streams ended")
            print("serve: \(clients) concurrent streams of 12 tokens in \(Date().timeIntervalSince(start)) s")
            let streamed = results.values
            for seed in 0..<clients { XCTAssertEqual(streamed[seed] ?? nil, expected[seed], "client \(seed)") }
            XCTAssertEqual(echo.maxActive, 1, "one generation at a time per model")
            XCTAssertEqual(try normalAnswer(port), try normalAnswer(port))
        }
    }

    func testAClientThatStopsReadingIsDroppedWithoutHoldingUpOthers() throws {
        let requested = 50_000
        let echo = EchoGenerator(contextLength: 1_000_000)
        // The backlog (1024 pieces of 20 kB) is larger than the kernel's buffers, so the writer stalls too.
        let options = ServeOptions(port: 0, stalledWriteTimeout: .milliseconds(500))
        try withServer([echo], options: options) { server in
            let reference = try normalAnswer(server.port)
            // Every piece is a 20 kB word, so the whole answer would be 1 GB of events.
            let word = String(repeating: "w", count: 20_000)
            let stalled = try LoopbackConnection(port: server.port, timeoutSeconds: 10, receiveBufferBytes: 4_096)
            try stalled.send(
                LoopbackConnection.requestBytes(
                    "POST", "/v1/completions",
                    body: Data(
                        #"{"model":"echo","prompt":"\#(word)","max_tokens":\#(requested),"stream":true}"#.utf8),
                    headers: [:]))
            // The client reads nothing now; its generation must end by itself once the backlog is full.
            let deadline = Date().addingTimeInterval(10)
            while echo.emittedPerCall.count < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            let emitted = try XCTUnwrap(echo.emittedPerCall.last, "the stalled generation ended")
            // Stopped by the backlog, not only later by the stall timeout: at most the backlog plus what the
            // kernels and NIO hold (a few MB, i.e. some hundreds of 20 kB pieces).
            XCTAssertLessThan(
                emitted, options.streamBacklogPieces + 512,
                "generation stopped once the reader fell behind")
            print("serve: a reader that stopped got \(emitted) of \(requested) tokens generated")
            let start = Date()
            XCTAssertEqual(try normalAnswer(server.port), reference, "the next client is served normally")
            XCTAssertLessThan(Date().timeIntervalSince(start), 2)
            // Still not reading for twice the stall timeout: the server hangs up, so when the client reads at
            // last, what the kernels buffered arrives and then the end.
            Thread.sleep(forTimeInterval: 1)
            let (data, closed) = stalled.readToEnd()
            XCTAssertTrue(closed, "the server closed the stalled connection")
            print("serve: the stalled reader received \(data.count) bytes, then the end of the connection")
            XCTAssertFalse(String(decoding: data.suffix(200), as: UTF8.self).contains("[DONE]"))
            XCTAssertLessThan(data.count, 20 << 20, "no more than the kernel's buffers and the backlog")
            XCTAssertEqual(try normalAnswer(server.port), reference)
        }
    }

    func testABodySentByteByByteGets408WhileOthersAreServed() throws {
        let options = ServeOptions(port: 0, bodyTimeout: .milliseconds(600))
        try withServer([EchoGenerator()], options: options) { server in
            let reference = try normalAnswer(server.port)
            let body = Data(chatBody().utf8)
            let slow = try LoopbackConnection(port: server.port, timeoutSeconds: 10)
            let start = Date()
            try slow.send(LoopbackConnection.head("POST", chatPath, headers: ["Content-Length": "\(body.count)"]))
            let trickler = Thread {
                for byte in body {
                    guard (try? slow.send(Data([byte]))) != nil, !Thread.current.isCancelled else { return }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            trickler.start()
            defer { trickler.cancel() }
            XCTAssertEqual(try normalAnswer(server.port), reference, "others are served meanwhile")
            let (data, closed) = slow.readToEnd()
            let elapsed = Date().timeIntervalSince(start)
            assertOpenAIError(try parseReply(data), status: 408, code: "request_timeout")
            XCTAssertEqual(try parseReply(data).headers["connection"], "close")
            XCTAssertTrue(closed)
            XCTAssertLessThan(
                elapsed, 3,
                "answered at the timeout, not after \(Double(body.count) * 0.05) s of trickle")
            print("serve: a body trickled at 20 B/s was cut off after \(elapsed) s")
            XCTAssertEqual(try normalAnswer(server.port), reference)
        }
    }

    func testAHundredMegabyteBodyIsRefusedBeforeAByteOfItIsRead() throws {
        try withServer([EchoGenerator()]) { server in
            let reference = try normalAnswer(server.port)
            // Only the head is sent, without `Connection: close`: the 413 must come without reading any body,
            // and the server must hang up rather than read the 100 MB to keep the connection.
            let connection = try LoopbackConnection(port: server.port, timeoutSeconds: 5)
            try connection.send(
                LoopbackConnection.head(
                    "POST", chatPath, headers: ["Content-Length": "\(100_000_000)"], keepAlive: true))
            let (data, closed) = connection.readToEnd()
            let reply = try parseReply(data)
            assertOpenAIError(reply, status: 413, code: "request_too_large")
            XCTAssertEqual(reply.headers["connection"], "close")
            XCTAssertTrue(closed, "the connection is closed, not drained")
            XCTAssertEqual(try normalAnswer(server.port), reference)
        }
    }

    func testAChunkedBodyIsCutOffAtTheLimit() throws {
        let limit = 64 << 10
        try withServer([EchoGenerator()], options: ServeOptions(port: 0, maxBodyBytes: limit)) { server in
            let reference = try normalAnswer(server.port)
            let connection = try LoopbackConnection(port: server.port, timeoutSeconds: 5)
            try connection.send(
                LoopbackConnection.head(
                    "POST", chatPath, headers: ["Transfer-Encoding": "chunked"], keepAlive: true))
            // 80 kB in 16 kB chunks and no final chunk: the body never ends, so only the limit can answer.
            let chunk = Data("4000\r\n".utf8) + Data(repeating: UInt8(ascii: " "), count: 0x4000) + Data("\r\n".utf8)
            for _ in 0..<5 { try connection.send(chunk) }
            let (data, closed) = connection.readToEnd()
            assertOpenAIError(try parseReply(data), status: 413, code: "request_too_large")
            XCTAssertTrue(closed)
            XCTAssertEqual(try normalAnswer(server.port), reference)
        }
    }

    func testBytesThatAreNotUTF8GetA400NamingTheByte() throws {
        try withServer([EchoGenerator()]) { server in
            let reference = try normalAnswer(server.port)
            let prefix = Data(#"{"model":"echo","messages":[{"role":"user","content":"a"#.utf8)
            for bad: [UInt8] in [[0xFF], [0xC3, 0x28], [0xE2, 0x82]] {
                let body = prefix + Data(bad) + Data(#"b"}]}"#.utf8)
                let reply = try httpRequest(port: server.port, "POST", chatPath, bodyData: body)
                assertOpenAIError(reply, status: 400, code: "invalid_json")
                let hex = String(bad[0], radix: 16, uppercase: true)
                let expected = "not valid UTF-8: byte 0x\(hex) at offset \(prefix.count)"
                XCTAssertTrue(reply.body.contains(expected), reply.body)
            }
            // Not UTF-8 in the path: rejected (by the router or the HTTP parser), and serving goes on.
            let connection = try LoopbackConnection(port: server.port, timeoutSeconds: 5)
            try connection.send(
                Data("GET /v1/models/".utf8) + Data([0xFF, 0xFE]) + Data(" HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            let status = try parseReply(connection.readToEnd().data).status
            XCTAssertTrue([400, 404].contains(status), "status \(status)")
            XCTAssertEqual(try normalAnswer(server.port), reference)
        }
    }

    func testAHugeMaxTokensIsClampedToTheContextAndTheResponseSaysSo() throws {
        let context = 64
        try withServer([EchoGenerator(contextLength: context)]) { server in
            let reference = try normalAnswer(server.port)
            for requested in [1_000_000_000, 1_000_000_000_000] {
                let whole = try httpRequest(port: server.port, "POST", chatPath, body: chatBody(maxTokens: requested))
                XCTAssertEqual(whole.status, 200, whole.body)
                guard case .int(let prompt)? = whole.json?["usage"]?["prompt_tokens"] else {
                    return XCTFail(whole.body)
                }
                let allowed = context - Int(prompt)
                XCTAssertEqual(whole.headers["x-polyglot-max-tokens-clamped"], "\(allowed)")
                XCTAssertEqual(
                    whole.json?["max_tokens_clamped"],
                    .object([("requested", .int(Int64(requested))), ("allowed", .int(Int64(allowed)))]))
                XCTAssertEqual(whole.json?["choices"]?.firstElement?["finish_reason"], .string("length"))
                XCTAssertEqual(whole.json?["usage"]?["completion_tokens"], .int(Int64(allowed)))
            }
            let streamed = try httpRequest(
                port: server.port, "POST", chatPath,
                body: chatBody(maxTokens: 1_000_000_000, stream: true))
            XCTAssertNotNil(streamed.headers["x-polyglot-max-tokens-clamped"])
            let last = try XCTUnwrap(streamed.events.dropLast().last.flatMap { try? JSONValue.parse(Data($0.utf8)) })
            XCTAssertEqual(last["choices"]?.firstElement?["finish_reason"], .string("length"))
            XCTAssertNotNil(last["max_tokens_clamped"], "the final chunk states the clamp")
            let within = try httpRequest(port: server.port, "POST", chatPath, body: chatBody(maxTokens: 4))
            XCTAssertNil(within.headers["x-polyglot-max-tokens-clamped"], "nothing to state when it fits")
            XCTAssertNil(within.json?["max_tokens_clamped"])
            XCTAssertEqual(try normalAnswer(server.port), reference)
        }
    }

    func testUnknownModelsGet404InOpenAIsShape() throws {
        try withServer([EchoGenerator()]) { server in
            let reference = try normalAnswer(server.port)
            for stream in [false, true] {
                let body = chatBody(model: "gpt-9", stream: stream)
                let reply = try httpRequest(port: server.port, "POST", chatPath, body: body)
                assertOpenAIError(reply, status: 404, code: "model_not_found")
                XCTAssertEqual(reply.json?["error"]?["param"], .string("model"))
                XCTAssertTrue(reply.body.contains("gpt-9"), reply.body)
            }
            let card = try httpRequest(port: server.port, "GET", "/v1/models/gpt-9")
            assertOpenAIError(card, status: 404, code: "model_not_found")
            XCTAssertEqual(try normalAnswer(server.port), reference)
        }
    }

    func testWithoutTheRightKeyRequestsGet401AndTheKeyIsNeverLoggedOrEchoed() throws {
        let key = "sk-polyglot-Q7hidden9"
        setenv("POLYGLOT_HOSTILE_TEST_KEY", key, 1)
        defer { unsetenv("POLYGLOT_HOSTILE_TEST_KEY") }
        let log = CapturedLog()
        var logger = Logger(label: "polyglot.serve.test") { _ in log.handler() }
        logger.logLevel = .trace
        let options = ServeOptions(port: 0, apiKeyEnvironmentVariable: "POLYGLOT_HOSTILE_TEST_KEY")
        var replies: [HTTPReply] = []
        try withServer([EchoGenerator()], options: options, logger: logger) { server in
            let attempts: [[String: String]] = [
                [:], ["Authorization": "Bearer \(key.dropLast())"], ["Authorization": "Bearer \(key)x"],
                ["Authorization": key], ["Authorization": "Basic \(key)"]
            ]
            for headers in attempts {
                let reply = try httpRequest(port: server.port, "POST", chatPath, body: chatBody(), headers: headers)
                assertOpenAIError(reply, status: 401, code: "invalid_api_key")
                replies.append(reply)
            }
            let right = ["Authorization": "Bearer \(key)"]
            let ok = try httpRequest(port: server.port, "POST", chatPath, body: chatBody(), headers: right)
            XCTAssertEqual(ok.status, 200, ok.body)
            replies.append(ok)
            // Errors after a good key do not echo it either.
            replies.append(try httpRequest(port: server.port, "POST", chatPath, body: "{", headers: right))
            replies.append(
                try httpRequest(port: server.port, "POST", chatPath, body: chatBody(model: "x"), headers: right))
        }
        let everything = replies.map { "\($0.headers) \($0.body)" }.joined(separator: "\n")
        XCTAssertFalse(everything.contains(key), "a reply echoes the key")
        let lines = log.lines
        XCTAssertTrue(lines.contains { $0.contains("401 invalid_api_key") }, "rejections are logged: \(lines)")
        XCTAssertFalse(lines.joined(separator: "\n").contains(key), "the log holds the key")
        XCTAssertFalse("\(options)".contains(key), "the options hold only the variable's name")
    }
}

/// Every log line at every level, with its metadata, as one string each.
private final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var captured: [String] = []

    var lines: [String] { lock.withLock { captured } }
    func append(_ line: String) { lock.withLock { captured.append(line) } }

    /// A handler writing into this log (a value, as swift-log expects: metadata is per logger copy).
    func handler() -> some LogHandler { Handler(log: self) }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
            file: String, function: String, line: UInt
        ) {
            log.append("\(level) \(message) \(metadata.merging(explicit ?? [:]) { $1 })")
        }
    }
}
