// The OpenAI-compatible endpoints: /v1/models, /v1/chat/completions, /v1/completions, /health.
// Response shapes follow OpenAI (docs/formats.md §6); streaming uses server-sent events ending in [DONE].

import Foundation
import Hummingbird
import NIOCore

/// Numbers response ids uniquely within one server run (ids are labels, not secrets, so no RNG is needed).
final class ResponseIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let runTag = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)

    func make(_ prefix: String) -> String {
        let n = lock.withLock { () -> Int in
            next += 1; return next
        }
        return "\(prefix)\(runTag)\(String(n, radix: 36))"
    }
}

struct OpenAIRoutes: Sendable {
    /// Slots in the order the models were given (that is the order /v1/models lists them).
    let slots: [ModelSlot]
    let options: ServeOptions
    let ids = ResponseIDs()
    let started = Int(Date().timeIntervalSince1970)

    /// Says that `max_tokens` was lowered to what the context leaves; its value is the tokens allowed.
    static let clampedHeader = HTTPFields.Element.Name("X-Polyglot-Max-Tokens-Clamped")!

    func register(on router: Router<ServeRequestContext>) {
        router.get("/health") { _, _ in Response.json(.object([("status", .string("ok"))])) }
        router.get("/v1/models") { _, _ in
            Response.json(.object([("object", .string("list")), ("data", .array(slots.map(modelCard)))]))
        }
        router.get("/v1/models/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let slot = slots.first(where: { $0.generator.modelID == id }) else {
                throw OpenAIError.modelNotFound(id)
            }
            return Response.json(modelCard(slot))
        }
        router.post("/v1/chat/completions") { request, context in
            try await complete(request, context, endpoint: .chat)
        }
        router.post("/v1/completions") { request, context in try await complete(request, context, endpoint: .text) }
    }

    private func modelCard(_ slot: ModelSlot) -> JSONValue {
        .object([
            ("id", .string(slot.generator.modelID)), ("object", .string("model")), ("created", .int(Int64(started))),
            ("owned_by", .string("polyglot")), ("max_model_len", .int(Int64(slot.generator.contextLength)))
        ])
    }

    // MARK: - Completions

    private func complete(_ request: Request, _ context: ServeRequestContext, endpoint: CompletionEndpoint) async throws
        -> Response
    {
        let body = try await readBody(request)
        var parsed = try CompletionRequest.decode(Data(body.readableBytesView), endpoint: endpoint)
        guard let slot = slots.first(where: { $0.generator.modelID == parsed.model }) else {
            throw OpenAIError.modelNotFound(parsed.model)
        }
        let promptTokens = try await slot.countTokens(parsed.generation)
        let budget = try CompletionBudget(
            promptTokens: promptTokens, requested: parsed.requestedMaxTokens, context: slot.generator.contextLength)
        parsed.generation.maxTokens = budget.allowed
        let reply = Reply(
            endpoint: endpoint, id: ids.make(endpoint.idPrefix), created: Int(Date().timeIntervalSince1970),
            model: parsed.model, promptTokens: promptTokens, budget: budget)
        var response =
            parsed.stream
            ? streamingResponse(slot: slot, parsed: parsed, reply: reply, context: context)
            : try await wholeResponse(slot: slot, parsed: parsed, reply: reply)
        if budget.clamped { response.headers[Self.clampedHeader] = String(budget.allowed) }
        return response
    }

    /// The request body, read only while it stays within the limits: a declared Content-Length over the
    /// limit is refused before a byte is read, a chunked body as soon as it passes the limit, and a body
    /// that takes longer than `bodyTimeout` (a client trickling bytes) gets 408.
    private func readBody(_ request: Request) async throws -> ByteBuffer {
        let limit = options.maxBodyBytes, timeout = options.bodyTimeout
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw OpenAIError.bodyTooLarge(limit: limit)
        }
        let received = ByteCount(), body = request.body
        return try await withThrowingTaskGroup(of: ByteBuffer?.self, returning: ByteBuffer.self) { group in
            group.addTask {
                var collected = ByteBuffer()
                for try await piece in body {
                    guard collected.readableBytes + piece.readableBytes <= limit else {
                        throw OpenAIError.bodyTooLarge(limit: limit)
                    }
                    received.add(piece.readableBytes)
                    collected.writeImmutableBuffer(piece)
                }
                return collected
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else {
                throw OpenAIError.bodyTimeout(timeout, received: received.value)
            }
            return buffer
        }
    }

    private func wholeResponse(slot: ModelSlot, parsed: CompletionRequest, reply: Reply) async throws -> Response {
        let cancel = CancellationFlag()
        do {
            let outcome = try await withTaskCancellationHandler {
                try await slot.generate(parsed.generation, cancel: cancel) { _ in true }
            } onCancel: {
                cancel.cancel()
            }
            return Response.json(reply.whole(outcome))
        } catch {
            throw OpenAIError.generationFailed(error)
        }
    }

    /// Server-sent events. Generation runs on the model's queue and hands text over through a bounded buffer:
    /// a reader that falls `streamBacklogPieces` behind ends the generation (the model is freed), and a write
    /// that stalls for `stalledWriteTimeout` closes the connection. A failed write (client gone) or a
    /// cancelled task sets the flag that makes the generator stop.
    private func streamingResponse(
        slot: ModelSlot, parsed: CompletionRequest, reply: Reply,
        context: ServeRequestContext
    ) -> Response {
        let options = self.options
        let body = ResponseBody { writer in
            let cancel = CancellationFlag(), fellBehind = CancellationFlag(), stalled = CancellationFlag()
            let (pieces, sink) = AsyncStream<String>.makeStream(
                bufferingPolicy: .bufferingOldest(options.streamBacklogPieces))
            let producer = Task { () -> Result<GenerationOutcome, any Error> in
                defer { sink.finish() }
                do {
                    return .success(
                        try await slot.generate(parsed.generation, cancel: cancel) { piece in
                            switch sink.yield(piece) {
                            case .enqueued: return true
                            case .dropped: fellBehind.cancel(); return false
                            case .terminated: return false
                            @unknown default: return false
                            }
                        })
                } catch {
                    return .failure(error)
                }
            }
            func send(_ event: String) async throws {
                try await context.write(within: options.stalledWriteTimeout, onStall: { stalled.cancel() }) {
                    try await writer.write(ByteBuffer(string: "data: \(event)\n\n"))
                }
            }
            do {
                try await withTaskCancellationHandler {
                    try await send(reply.openingChunk().serialized)
                    for await piece in pieces { try await send(reply.chunk(text: piece).serialized) }
                } onCancel: {
                    cancel.cancel()
                }
            } catch {
                cancel.cancel()
                _ = await producer.value
                if stalled.isSet {
                    context.logger.notice(
                        "\(reply.id): the client stopped reading for \(options.stalledWriteTimeout); closed")
                }
                throw error
            }
            switch await producer.value {
            case .success where fellBehind.isSet:
                context.logger.notice(
                    "\(reply.id): the client fell \(options.streamBacklogPieces) pieces behind; stopped")
                try await send(OpenAIError.streamBacklogExceeded(pieces: options.streamBacklogPieces).json.serialized)
            case .success(let outcome):
                try await send(reply.chunk(text: "", finishReason: outcome.finishReason).serialized)
                if parsed.includeUsage { try await send(reply.usageChunk(outcome).serialized) }
            case .failure(let error):
                // Headers are already sent (status 200), so the error travels inside the stream.
                try await send(OpenAIError.generationFailed(error).json.serialized)
            }
            try await send("[DONE]")
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: body)
    }
}

/// Bytes of a request body received so far (read from the timeout's side while the body is collected).
private final class ByteCount: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0

    var value: Int { lock.withLock { total } }
    func add(_ n: Int) { lock.withLock { total += n } }
}

/// Completion tokens allowed for one request: as requested, or lowered ("clamped") to what the context
/// leaves after the prompt, which the response then states. A prompt that fills the context is a 400.
struct CompletionBudget: Sendable, Equatable {
    /// max_tokens as sent; nil when absent.
    var requested: Int?
    var allowed: Int
    /// The request asked for more than the context leaves.
    var clamped: Bool { requested.map { $0 > allowed } ?? false }

    init(promptTokens: Int, requested: Int?, context: Int) throws {
        guard promptTokens < context else {
            throw OpenAIError.invalidRequest(
                "This model's maximum context length is \(context) tokens. However, your prompt resulted in "
                    + "\(promptTokens) tokens. Please reduce the length of the prompt.",
                param: "messages", code: "context_length_exceeded")
        }
        self.requested = requested
        allowed = min(requested ?? Int.max, context - promptTokens)
    }
}

/// Builds the JSON documents of one response, whole or as chunks.
struct Reply: Sendable {
    let endpoint: CompletionEndpoint
    let id: String
    let created: Int
    let model: String
    let promptTokens: Int
    let budget: CompletionBudget

    private func envelope(object: String, choices: [JSONValue]) -> [(String, JSONValue)] {
        [
            ("id", .string(id)), ("object", .string(object)), ("created", .int(Int64(created))),
            ("model", .string(model)), ("choices", .array(choices))
        ]
    }

    private func choice(_ content: (String, JSONValue), finishReason: String?) -> JSONValue {
        .object([
            ("index", .int(0)), content, ("logprobs", .null),
            ("finish_reason", finishReason.map(JSONValue.string) ?? .null)
        ])
    }

    private func usage(_ completionTokens: Int) -> JSONValue {
        .object([
            ("prompt_tokens", .int(Int64(promptTokens))), ("completion_tokens", .int(Int64(completionTokens))),
            ("total_tokens", .int(Int64(promptTokens + completionTokens)))
        ])
    }

    /// `{"requested", "allowed"}` when max_tokens was lowered to fit the context (none otherwise).
    private var clampNote: [(String, JSONValue)] {
        guard budget.clamped, let requested = budget.requested else { return [] }
        return [
            (
                "max_tokens_clamped",
                .object([
                    ("requested", .int(Int64(requested))),
                    ("allowed", .int(Int64(budget.allowed)))
                ])
            )
        ]
    }

    func whole(_ outcome: GenerationOutcome) -> JSONValue {
        let content: (String, JSONValue) =
            endpoint == .chat
            ? ("message", .object([("role", .string("assistant")), ("content", .string(outcome.text))]))
            : ("text", .string(outcome.text))
        return .object(
            envelope(object: endpoint.objectName, choices: [choice(content, finishReason: outcome.finishReason)])
                + [("usage", usage(outcome.completionTokens))] + clampNote)
    }

    /// First chunk of a chat stream announces the role (legacy completions have no roles).
    func openingChunk() -> JSONValue {
        guard endpoint == .chat else { return chunk(text: "") }
        return .object(
            envelope(
                object: endpoint.chunkObjectName,
                choices: [
                    choice(
                        ("delta", .object([("role", .string("assistant")), ("content", .string(""))])),
                        finishReason: nil)
                ]))
    }

    /// One piece of text; the last chunk carries an empty delta, the finish reason and any clamping note.
    func chunk(text: String, finishReason: String? = nil) -> JSONValue {
        let content: (String, JSONValue) =
            endpoint == .chat
            ? ("delta", finishReason == nil ? .object([("content", .string(text))]) : .object([]))
            : ("text", .string(text))
        let choices = [choice(content, finishReason: finishReason)]
        return .object(
            envelope(object: endpoint.chunkObjectName, choices: choices) + (finishReason == nil ? [] : clampNote))
    }

    /// With `stream_options.include_usage`: a final chunk with no choices and the token counts.
    func usageChunk(_ outcome: GenerationOutcome) -> JSONValue {
        .object(envelope(object: endpoint.chunkObjectName, choices: []) + [("usage", usage(outcome.completionTokens))])
    }
}
