// The server over real HTTP on a free loopback port: shapes, streaming, determinism, every bad-request
// kind, concurrency, disconnects and auth.

import Foundation
import XCTest
@testable import PolyglotServe

final class ServerTests: XCTestCase {
    func testNonStreamingChatHasOpenAIShapeAndUsage() throws {
        let echo = EchoGenerator()
        try withServer([echo]) { server in
            let reply = try httpRequest(port: server.port, "POST", "/v1/chat/completions", body: chatBody())
            XCTAssertEqual(reply.status, 200, reply.body)
            XCTAssertEqual(reply.headers["content-type"], "application/json")
            let json = try XCTUnwrap(reply.json)
            XCTAssertEqual(json["object"], .string("chat.completion"))
            XCTAssertEqual(json["model"], .string("echo"))
            guard case .string(let id)? = json["id"], case .int(let created)? = json["created"] else {
                return XCTFail("id/created missing: \(reply.body)")
            }
            XCTAssertTrue(id.hasPrefix("chatcmpl-"))
            XCTAssertGreaterThan(created, 1_700_000_000)
            let choice = try XCTUnwrap(json["choices"]?.firstElement)
            XCTAssertEqual(choice["index"], .int(0))
            XCTAssertEqual(choice["message"]?["role"], .string("assistant"))
            XCTAssertEqual(choice["finish_reason"], .string("length"))
            let text = try XCTUnwrap(content(reply))
            XCTAssertEqual(text.split(separator: " ").count, 8)
            // Prompt "system: be brief\nuser: alpha beta gamma delta" has 8 whitespace tokens for the echo double.
            XCTAssertEqual(
                json["usage"],
                .object([("prompt_tokens", .int(8)), ("completion_tokens", .int(8)), ("total_tokens", .int(16))]))
        }
    }

    func testSameSeedSameTextDifferentSeedDifferentText() throws {
        try withServer([EchoGenerator()]) { server in
            let texts = try [7, 7, 8].map { seed in
                try content(
                    httpRequest(
                        port: server.port, "POST", "/v1/chat/completions", body: chatBody(maxTokens: 12, seed: seed)))
            }
            XCTAssertNotNil(texts[0])
            XCTAssertEqual(texts[0], texts[1])
            XCTAssertNotEqual(texts[0], texts[2])
        }
    }

    func testStreamingMatchesNonStreamingAndEndsWithDone() throws {
        try withServer([EchoGenerator(tokenDelay: 0.002)]) { server in
            let whole = try httpRequest(
                port: server.port, "POST", "/v1/chat/completions", body: chatBody(maxTokens: 10))
            let streamed = try httpRequest(
                port: server.port, "POST", "/v1/chat/completions",
                body: chatBody(maxTokens: 10, stream: true, extra: ",\"stream_options\":{\"include_usage\":true}"))
            XCTAssertEqual(streamed.status, 200)
            XCTAssertEqual(streamed.headers["content-type"], "text/event-stream")
            let events = streamed.events
            XCTAssertEqual(events.last, "[DONE]")
            let chunks = events.dropLast().compactMap { try? JSONValue.parse(Data($0.utf8)) }
            XCTAssertEqual(chunks.count, events.count - 1, "every event before [DONE] is JSON")
            XCTAssertTrue(chunks.allSatisfy { $0["object"] == .string("chat.completion.chunk") })
            XCTAssertEqual(Set(chunks.map { $0["id"]?.serialized ?? "" }).count, 1, "one id per stream")
            XCTAssertEqual(chunks.first?["choices"]?.firstElement?["delta"]?["role"], .string("assistant"))
            XCTAssertGreaterThan(
                chunks.filter { $0["choices"]?.firstElement?["delta"]?["content"] != nil }.count, 5,
                "text arrives in pieces")
            XCTAssertEqual(streamedContent(streamed), content(whole))
            let finish = chunks.compactMap { $0["choices"]?.firstElement?["finish_reason"] }.filter { $0 != .null }
            XCTAssertEqual(finish, [.string("length")])
            XCTAssertEqual(chunks.last?["choices"], .array([]))
            XCTAssertEqual(chunks.last?["usage"]?["completion_tokens"], .int(10))
        }
    }

    func testLegacyCompletionsAndStopStrings() throws {
        try withServer([EchoGenerator()]) { server in
            let body = #"{"model":"echo","prompt":"red green blue","max_tokens":30,"seed":3}"#
            let full = try httpRequest(port: server.port, "POST", "/v1/completions", body: body)
            XCTAssertEqual(full.json?["object"], .string("text_completion"))
            guard case .string(let text)? = full.json?["choices"]?.firstElement?["text"] else {
                return XCTFail(full.body)
            }
            let cut = try XCTUnwrap(text.range(of: "blue"), "30 draws from 3 words include 'blue'")
            let stopped = try httpRequest(
                port: server.port, "POST", "/v1/completions",
                body: #"{"model":"echo","prompt":"red green blue","max_tokens":30,"seed":3,"stop":["blue","zzz"]}"#)
            XCTAssertEqual(stopped.json?["choices"]?.firstElement?["text"], .string(String(text[..<cut.lowerBound])))
            XCTAssertEqual(stopped.json?["choices"]?.firstElement?["finish_reason"], .string("stop"))
            let streamed = try httpRequest(
                port: server.port, "POST", "/v1/completions",
                body:
                    #"{"model":"echo","prompt":"red green blue","max_tokens":30,"seed":3,"stop":"blue","stream":true}"#)
            let pieces = streamed.events.dropLast().compactMap { event -> String? in
                guard case .string(let s)? = (try? JSONValue.parse(Data(event.utf8)))?["choices"]?.firstElement?["text"]
                else { return nil }
                return s
            }
            XCTAssertEqual(pieces.joined(), String(text[..<cut.lowerBound]))
        }
    }

    func testModelsHealthAndUnknownRoute() throws {
        try withServer([EchoGenerator(modelID: "a", contextLength: 64), EchoGenerator(modelID: "b")]) { server in
            let models = try httpRequest(port: server.port, "GET", "/v1/models")
            XCTAssertEqual(models.json?["object"], .string("list"))
            guard case .array(let data)? = models.json?["data"] else { return XCTFail(models.body) }
            XCTAssertEqual(data.map { $0["id"] }, [.string("a"), .string("b")])
            XCTAssertEqual(data.first?["max_model_len"], .int(64))
            XCTAssertEqual(try httpRequest(port: server.port, "GET", "/v1/models/b").json?["id"], .string("b"))
            XCTAssertEqual(
                try httpRequest(port: server.port, "GET", "/health").json, .object([("status", .string("ok"))]))
            let missing = try httpRequest(port: server.port, "GET", "/v2/nothing")
            XCTAssertEqual(missing.status, 404)
            XCTAssertEqual(missing.json?["error"]?["type"], .string("not_found_error"))
            // Each model answers under its own id.
            let fromB = try httpRequest(port: server.port, "POST", "/v1/chat/completions", body: chatBody(model: "b"))
            XCTAssertEqual(fromB.json?["model"], .string("b"))
        }
    }

    /// (body, expected status, expected error code, expected param) for each kind of bad request.
    private let badRequests: [(String, Int, String, String?)] = [
        (#"{"model":"echo","messages":[{"role":"user","content":"hi"}"#, 400, "invalid_json", nil),
        (#"[1,2]"#, 400, "invalid_json", nil),
        (#"{"messages":[{"role":"user","content":"hi"}]}"#, 400, "missing_required_parameter", "model"),
        (#"{"model":"echo"}"#, 400, "missing_required_parameter", "messages"),
        (#"{"model":"echo","messages":[]}"#, 400, "invalid_value", "messages"),
        (#"{"model":"echo","messages":[{"role":"robot","content":"hi"}]}"#, 400, "invalid_value", "messages[0].role"),
        (#"{"model":"echo","messages":[{"role":"user"}]}"#, 400, "missing_required_parameter", "messages[0].content"),
        (
            #"{"model":"echo","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}"#, 400, "invalid_type",
            "temperature"
        ),
        (
            #"{"model":"echo","messages":[{"role":"user","content":"hi"}],"temperature":3}"#, 400, "invalid_value",
            "temperature"
        ),
        (
            #"{"model":"echo","messages":[{"role":"user","content":"hi"}],"max_tokens":2.5}"#, 400, "invalid_type",
            "max_tokens"
        ),
        (
            #"{"model":"echo","messages":[{"role":"user","content":"hi"}],"max_tokens":0}"#, 400, "invalid_value",
            "max_tokens"
        ),
        (
            #"{"model":"echo","messages":[{"role":"user","content":"hi"}],"stream":"yes"}"#, 400, "invalid_type",
            "stream"
        ),
        (#"{"model":"echo","messages":[{"role":"user","content":"hi"}],"stop":[1]}"#, 400, "invalid_type", "stop[0]"),
        (#"{"model":"echo","messages":[{"role":"user","content":"hi"}],"seed":"x"}"#, 400, "invalid_type", "seed"),
        (#"{"model":"echo","messages":[{"role":"user","content":"hi"}],"n":2}"#, 400, "invalid_value", "n"),
        (#"{"model":"nope","messages":[{"role":"user","content":"hi"}]}"#, 404, "model_not_found", "model"),
        (
            #"{"model":"echo","messages":[{"role":"user","content":"a b c d e f g h i j k l m n o p"}]}"#, 400,
            "context_length_exceeded", "messages"
        )
    ]

    func testEveryBadRequestKindGetsOpenAIErrorAndServerKeepsServing() throws {
        try withServer([EchoGenerator(contextLength: 16)], options: ServeOptions(port: 0, maxBodyBytes: 4096)) {
            server in
            for (body, status, code, param) in badRequests {
                let reply = try httpRequest(port: server.port, "POST", "/v1/chat/completions", body: body)
                XCTAssertEqual(reply.status, status, body)
                let error = try XCTUnwrap(reply.json?["error"], "OpenAI error shape for \(body): \(reply.body)")
                XCTAssertEqual(error["code"], .string(code), body)
                XCTAssertEqual(error["param"], param.map(JSONValue.string) ?? .null, body)
                guard case .string(let message)? = error["message"], case .string? = error["type"] else {
                    return XCTFail("message/type missing: \(reply.body)")
                }
                XCTAssertFalse(message.isEmpty)
            }
            let huge =
                Data(#"{"model":"echo","messages":[{"role":"user","content":""#.utf8)
                + Data(repeating: UInt8(ascii: "x"), count: 10_000)
                + Data(#""}]}"#.utf8)
            let tooLarge = try httpRequest(port: server.port, "POST", "/v1/chat/completions", bodyData: huge)
            XCTAssertEqual(tooLarge.status, 413)
            XCTAssertEqual(tooLarge.json?["error"]?["code"], .string("request_too_large"))
            // Still serving after all of them.
            let ok = try httpRequest(port: server.port, "POST", "/v1/chat/completions", body: chatBody(maxTokens: 4))
            XCTAssertEqual(ok.status, 200, ok.body)
        }
    }

    func testEightConcurrentClientsAreServedOneAtATimeWithoutMixing() throws {
        let echo = EchoGenerator(tokenDelay: 0.001)
        try withServer([echo]) { server in
            let port = server.port
            // Expected answers, computed one by one first.
            let expected = try (0..<8).map {
                try content(
                    httpRequest(port: port, "POST", "/v1/chat/completions", body: chatBody(maxTokens: 20, seed: $0)))
            }
            let results = ConcurrentResults()
            let threads = (0..<8).map { seed in
                Thread {
                    let stream = seed % 2 == 1
                    let reply = try? httpRequest(
                        port: port, "POST", "/v1/chat/completions",
                        body: self.chatBody(maxTokens: 20, seed: seed, stream: stream))
                    let text = reply.flatMap { stream ? self.streamedContent($0) : self.content($0) }
                    results.set(seed, text)
                }
            }
            threads.forEach { $0.start() }
            XCTAssertTrue(results.waitForAll(8, timeout: 30), "all 8 clients answered")
            let concurrent = results.values
            for seed in 0..<8 { XCTAssertEqual(concurrent[seed] ?? nil, expected[seed], "seed \(seed)") }
            XCTAssertEqual(echo.maxActive, 1, "the generator was never used by two requests at once")
        }
    }

    func testClientThatHangsUpMidStreamFreesTheSlot() throws {
        let echo = EchoGenerator(tokenDelay: 0.02)
        try withServer([echo]) { server in
            let connection = try LoopbackConnection(port: server.port)
            try connection.send(
                LoopbackConnection.requestBytes(
                    "POST", "/v1/chat/completions", body: Data(chatBody(maxTokens: 200, stream: true).utf8),
                    headers: [:]))
            var received = ""
            while received.components(separatedBy: "\"content\":").count < 4, let piece = connection.receive() {
                received += String(decoding: piece, as: UTF8.self)
            }
            XCTAssertTrue(received.contains("data: "), "stream started: \(received)")
            connection.hangUp()
            // The abandoned stream would take 200 × 20 ms = 4 s; the next request must not wait for it.
            let start = Date()
            let next = try httpRequest(port: server.port, "POST", "/v1/chat/completions", body: chatBody(maxTokens: 5))
            XCTAssertEqual(next.status, 200)
            XCTAssertLessThan(Date().timeIntervalSince(start), 2.0)
            XCTAssertEqual(echo.emittedPerCall.count, 2)
            XCTAssertLessThan(echo.emittedPerCall[0], 100, "generation stopped early: \(echo.emittedPerCall)")
        }
    }

    func testGenerationFailureIsA500OrAnInStreamErrorAndServingGoesOn() throws {
        try withServer([EchoGenerator(modelID: "flaky", failAfter: 3), EchoGenerator()]) { server in
            let whole = try httpRequest(
                port: server.port, "POST", "/v1/chat/completions", body: chatBody(model: "flaky"))
            XCTAssertEqual(whole.status, 500)
            XCTAssertEqual(whole.json?["error"]?["type"], .string("server_error"))
            let streamed = try httpRequest(
                port: server.port, "POST", "/v1/chat/completions", body: chatBody(model: "flaky", stream: true))
            XCTAssertEqual(streamed.status, 200, "headers were sent before the failure")
            let events = streamed.events
            XCTAssertEqual(events.last, "[DONE]")
            let error = try XCTUnwrap(events.dropLast().last.flatMap { try? JSONValue.parse(Data($0.utf8)) })
            guard case .string(let message)? = error["error"]?["message"] else { return XCTFail(streamed.body) }
            XCTAssertTrue(message.contains("simulated model failure"), message)
            XCTAssertEqual(
                events.filter { $0.contains("\"content\":\"") }.count, 4, "role chunk + 3 tokens before the failure")
            XCTAssertEqual(
                try httpRequest(port: server.port, "POST", "/v1/chat/completions", body: chatBody()).status, 200)
        }
    }

    func testStopEndsARunningStreamPromptly() throws {
        let echo = EchoGenerator(tokenDelay: 0.02)
        let handle = try OpenAIServer.startInBackground([echo], options: ServeOptions(port: 0))
        let connection = try LoopbackConnection(port: handle.port)
        try connection.send(
            LoopbackConnection.requestBytes(
                "POST", "/v1/chat/completions", body: Data(chatBody(maxTokens: 240, stream: true).utf8), headers: [:]))
        var received = ""
        // Wait for the role chunk and one generated token, so the generation is surely running.
        while received.components(separatedBy: "\"content\":\"").count < 3, let piece = connection.receive() {
            received += String(decoding: piece, as: UTF8.self)
        }
        XCTAssertTrue(received.hasPrefix("HTTP/1.1 200"), received)
        let start = Date()
        handle.stopAndWait()
        XCTAssertLessThan(Date().timeIntervalSince(start), 2, "240 tokens × 20 ms would take 4.8 s")
        var rest = ""
        while let piece = connection.receive() { rest += String(decoding: piece, as: UTF8.self) }
        XCTAssertTrue(rest.contains("[DONE]"), "the stream is closed properly: \(rest.suffix(200))")
        XCTAssertEqual(echo.emittedPerCall.count, 1, "the generation ended before stop returned")
        XCTAssertLessThan(echo.emittedPerCall.first ?? 240, 240)
    }

    func testDifferentModelsGenerateInParallel() throws {
        let a = EchoGenerator(modelID: "a", tokenDelay: 0.05), b = EchoGenerator(modelID: "b", tokenDelay: 0.05)
        try withServer([a, b]) { server in
            let results = ConcurrentResults()
            let start = Date()
            for (i, model) in ["a", "b"].enumerated() {
                Thread {
                    let reply = try? httpRequest(
                        port: server.port, "POST", "/v1/chat/completions",
                        body: self.chatBody(model: model, maxTokens: 10))
                    results.set(i, reply.flatMap(self.content))
                }.start()
            }
            XCTAssertTrue(results.waitForAll(2, timeout: 10))
            // Serialized they would need 2 × 10 × 50 ms = 1 s.
            XCTAssertLessThan(Date().timeIntervalSince(start), 0.9)
        }
    }

    func testAPIKeyRequiredWhenConfigured() throws {
        setenv("POLYGLOT_SERVE_TEST_KEY", "s3cret", 1)
        defer { unsetenv("POLYGLOT_SERVE_TEST_KEY") }
        try withServer(
            [EchoGenerator()], options: ServeOptions(port: 0, apiKeyEnvironmentVariable: "POLYGLOT_SERVE_TEST_KEY")
        ) { server in
            let none = try httpRequest(port: server.port, "POST", "/v1/chat/completions", body: chatBody())
            XCTAssertEqual(none.status, 401)
            XCTAssertEqual(none.json?["error"]?["code"], .string("invalid_api_key"))
            XCTAssertFalse(none.body.contains("s3cret"), "the key is never echoed")
            let wrong = try httpRequest(
                port: server.port, "GET", "/v1/models", headers: ["Authorization": "Bearer s3cre"])
            XCTAssertEqual(wrong.status, 401)
            let right = try httpRequest(
                port: server.port, "POST", "/v1/chat/completions", body: chatBody(),
                headers: ["Authorization": "Bearer s3cret"])
            XCTAssertEqual(right.status, 200)
            XCTAssertEqual(
                try httpRequest(port: server.port, "GET", "/health").status, 200, "health stays open for probes")
        }
    }

    func testStartupErrors() async throws {
        await assertStartFails([], ServeOptions(port: 0), contains: "no model")
        await assertStartFails([EchoGenerator(), EchoGenerator()], ServeOptions(port: 0), contains: "served twice")
        await assertStartFails(
            [EchoGenerator()], ServeOptions(port: 0, apiKeyEnvironmentVariable: "POLYGLOT_SERVE_UNSET_VAR"),
            contains: "POLYGLOT_SERVE_UNSET_VAR")
        await assertStartFails([EchoGenerator()], ServeOptions(port: 70_000), contains: "port")
        await assertStartFails([EchoGenerator()], ServeOptions(host: "", port: 0), contains: "host must not be empty")
        let first = try await OpenAIServer.start([EchoGenerator()], options: ServeOptions(port: 0))
        await assertStartFails([EchoGenerator()], ServeOptions(port: first.port), contains: "cannot listen")
        await first.stop()
    }

    private func assertStartFails(
        _ generators: [any TextGenerator], _ options: ServeOptions, contains fragment: String,
        line: UInt = #line
    ) async {
        do {
            let handle = try await OpenAIServer.start(generators, options: options)
            await handle.stop()
            XCTFail("server started", line: line)
        } catch {
            XCTAssertTrue("\(error)".contains(fragment), "\(error)", line: line)
        }
    }

    func testSynchronousStartAndStopForTheREPL() throws {
        let handle = try OpenAIServer.startInBackground([EchoGenerator()], options: ServeOptions(port: 0))
        XCTAssertEqual(handle.baseURL, "http://127.0.0.1:\(handle.port)/v1")
        XCTAssertEqual(try httpRequest(port: handle.port, "GET", "/health").status, 200)
        handle.stopAndWait()
        XCTAssertThrowsError(try LoopbackConnection(port: handle.port), "port closed after stop")
    }
}

extension JSONValue {
    /// First element of an array (test convenience).
    var firstElement: JSONValue? {
        guard case .array(let items) = self else { return nil }
        return items.first
    }
}
