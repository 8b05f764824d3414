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
        let n = lock.withLock { () -> Int in next += 1; return next }
        return "\(prefix)\(runTag)\(String(n, radix: 36))"
    }
}

struct OpenAIRoutes: Sendable {
    /// Slots in the order the models were given (that is the order /v1/models lists them).
    let slots: [ModelSlot]
    let maxBodyBytes: Int
    let ids = ResponseIDs()
    let started = Int(Date().timeIntervalSince1970)

    func register(on router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in Response.json(.object([("status", .string("ok"))])) }
        router.get("/v1/models") { _, _ in
            Response.json(.object([("object", .string("list")), ("data", .array(slots.map(modelCard)))]))
        }
        router.get("/v1/models/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let slot = slots.first(where: { $0.generator.modelID == id }) else { throw OpenAIError.modelNotFound(id) }
            return Response.json(modelCard(slot))
        }
        router.post("/v1/chat/completions") { request, _ in try await complete(request, endpoint: .chat) }
        router.post("/v1/completions") { request, _ in try await complete(request, endpoint: .text) }
    }

    private func modelCard(_ slot: ModelSlot) -> JSONValue {
        .object([
            ("id", .string(slot.generator.modelID)), ("object", .string("model")), ("created", .int(Int64(started))),
            ("owned_by", .string("polyglot")), ("max_model_len", .int(Int64(slot.generator.contextLength))),
        ])
    }

    // MARK: - Completions

    private func complete(_ request: Request, endpoint: CompletionEndpoint) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw OpenAIError.bodyTooLarge(limit: maxBodyBytes)
        }
        var parsed = try CompletionRequest.decode(Data(body.readableBytesView), endpoint: endpoint)
        guard let slot = slots.first(where: { $0.generator.modelID == parsed.model }) else {
            throw OpenAIError.modelNotFound(parsed.model)
        }
        let promptTokens = try await slot.countTokens(parsed.generation)
        parsed.generation.maxTokens = try completionBudget(
            promptTokens: promptTokens, requested: parsed.requestedMaxTokens, context: slot.generator.contextLength)
        let reply = Reply(endpoint: endpoint, id: ids.make(endpoint.idPrefix), created: Int(Date().timeIntervalSince1970),
                          model: parsed.model, promptTokens: promptTokens)
        return parsed.stream
            ? streamingResponse(slot: slot, parsed: parsed, reply: reply)
            : try await wholeResponse(slot: slot, parsed: parsed, reply: reply)
    }

    /// Completion tokens allowed: as requested, or the rest of the context; 400 if the prompt does not fit.
    private func completionBudget(promptTokens: Int, requested: Int?, context: Int) throws -> Int {
        let param = "messages"
        guard promptTokens < context else {
            throw OpenAIError.invalidRequest(
                "This model's maximum context length is \(context) tokens. However, your prompt resulted in "
                    + "\(promptTokens) tokens. Please reduce the length of the prompt.",
                param: param, code: "context_length_exceeded")
        }
        guard let requested else { return context - promptTokens }
        guard promptTokens + requested <= context else {
            throw OpenAIError.invalidRequest(
                "This model's maximum context length is \(context) tokens. However, you requested "
                    + "\(promptTokens + requested) tokens (\(promptTokens) in the prompt, \(requested) for the completion). "
                    + "Please reduce the length of the prompt or max_tokens.",
                param: "max_tokens", code: "context_length_exceeded")
        }
        return requested
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

    /// Server-sent events. Generation runs on the model's queue and hands text over through an AsyncStream;
    /// a failed write (client gone) or a cancelled task sets the flag that makes the generator stop.
    private func streamingResponse(slot: ModelSlot, parsed: CompletionRequest, reply: Reply) -> Response {
        let body = ResponseBody { writer in
            let cancel = CancellationFlag()
            let (pieces, sink) = AsyncStream<String>.makeStream()
            let producer = Task { () -> Result<GenerationOutcome, any Error> in
                defer { sink.finish() }
                do {
                    return .success(try await slot.generate(parsed.generation, cancel: cancel) { piece in
                        if case .terminated = sink.yield(piece) { return false }
                        return true
                    })
                } catch {
                    return .failure(error)
                }
            }
            func send(_ event: String) async throws { try await writer.write(ByteBuffer(string: "data: \(event)\n\n")) }
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
                throw error
            }
            switch await producer.value {
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

/// Builds the JSON documents of one response, whole or as chunks.
struct Reply: Sendable {
    let endpoint: CompletionEndpoint
    let id: String
    let created: Int
    let model: String
    let promptTokens: Int

    private func envelope(object: String, choices: [JSONValue]) -> [(String, JSONValue)] {
        [("id", .string(id)), ("object", .string(object)), ("created", .int(Int64(created))),
         ("model", .string(model)), ("choices", .array(choices))]
    }

    private func choice(_ content: (String, JSONValue), finishReason: String?) -> JSONValue {
        .object([("index", .int(0)), content, ("logprobs", .null), ("finish_reason", finishReason.map(JSONValue.string) ?? .null)])
    }

    private func usage(_ completionTokens: Int) -> JSONValue {
        .object([("prompt_tokens", .int(Int64(promptTokens))), ("completion_tokens", .int(Int64(completionTokens))),
                 ("total_tokens", .int(Int64(promptTokens + completionTokens)))])
    }

    func whole(_ outcome: GenerationOutcome) -> JSONValue {
        let content: (String, JSONValue) = endpoint == .chat
            ? ("message", .object([("role", .string("assistant")), ("content", .string(outcome.text))]))
            : ("text", .string(outcome.text))
        return .object(envelope(object: endpoint.objectName, choices: [choice(content, finishReason: outcome.finishReason)])
            + [("usage", usage(outcome.completionTokens))])
    }

    /// First chunk of a chat stream announces the role (legacy completions have no roles).
    func openingChunk() -> JSONValue {
        guard endpoint == .chat else { return chunk(text: "") }
        return .object(envelope(object: endpoint.chunkObjectName, choices: [
            choice(("delta", .object([("role", .string("assistant")), ("content", .string(""))])), finishReason: nil),
        ]))
    }

    /// One piece of text; the last chunk carries an empty delta and the finish reason.
    func chunk(text: String, finishReason: String? = nil) -> JSONValue {
        let content: (String, JSONValue) = endpoint == .chat
            ? ("delta", finishReason == nil ? .object([("content", .string(text))]) : .object([]))
            : ("text", .string(text))
        return .object(envelope(object: endpoint.chunkObjectName, choices: [choice(content, finishReason: finishReason)]))
    }

    /// With `stream_options.include_usage`: a final chunk with no choices and the token counts.
    func usageChunk(_ outcome: GenerationOutcome) -> JSONValue {
        .object(envelope(object: endpoint.chunkObjectName, choices: []) + [("usage", usage(outcome.completionTokens))])
    }
}
