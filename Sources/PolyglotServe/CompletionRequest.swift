// Decoding and validating the JSON body of /v1/chat/completions and /v1/completions.
// Unknown parameters are ignored (clients send many); known ones of the wrong type are a 400.

import Foundation
import PolyglotLab

/// Which OpenAI endpoint a request came in on.
public enum CompletionEndpoint: Sendable {
    case chat, text

    /// `object` of a whole response.
    var objectName: String { self == .chat ? "chat.completion" : "text_completion" }
    /// `object` of one streamed chunk (legacy completions stream `text_completion` objects).
    var chunkObjectName: String { self == .chat ? "chat.completion.chunk" : "text_completion" }
    var idPrefix: String { self == .chat ? "chatcmpl-" : "cmpl-" }
}

/// A validated request: the target model, the generation job and how to answer.
public struct CompletionRequest: Sendable {
    public var model: String
    var generation: GenerationRequest
    /// max_tokens as sent (possibly more than the context holds); nil means "until the context is full".
    public var requestedMaxTokens: Int?
    public var stream: Bool
    /// `stream_options.include_usage`: a final chunk carries the token counts.
    var includeUsage: Bool

    /// Decodes and validates a request body; throws the `OpenAIError` (400) the client gets.
    public static func decode(_ body: Data, endpoint: CompletionEndpoint) throws -> CompletionRequest {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body)
        } catch let error as JSONValue.ParseError {
            throw OpenAIError.invalidJSON(error.reason)
        }
        return try parse(json, endpoint: endpoint)
    }

    static func parse(_ body: JSONValue, endpoint: CompletionEndpoint) throws -> CompletionRequest {
        guard case .object = body else {
            throw OpenAIError.invalidJSON("the body must be a JSON object, got \(body.kindName)")
        }
        var generation = GenerationRequest()
        guard let modelValue = body["model"] else { throw OpenAIError.missing("model") }
        guard case .string(let model) = modelValue else {
            throw OpenAIError.wrongType("model", expected: "a string", got: modelValue)
        }
        switch endpoint {
        case .chat: generation.messages = try parseMessages(body["messages"])
        case .text: generation.prompt = try parsePrompt(body["prompt"])
        }
        generation.temperature = try number(body, "temperature", in: 0...2) ?? 1
        generation.topP = try number(body, "top_p", in: 0...1) ?? 1
        // Newer clients send max_completion_tokens instead of max_tokens. Any size is accepted: the server
        // lowers it to what the context leaves and says so in the response.
        let maxTokens =
            try integer(body, "max_tokens", in: 1...Int64.max)
            ?? integer(body, "max_completion_tokens", in: 1...Int64.max)
        if let seed = try integer(body, "seed", in: Int64.min...Int64.max) {
            generation.seed = UInt64(bitPattern: seed)
        }
        generation.stop = try parseStop(body["stop"])
        if let n = try integer(body, "n", in: 1...Int64.max), n != 1 {
            throw OpenAIError.invalidValue("n", "only n = 1 is supported, got \(n).")
        }
        let stream = try boolean(body, "stream") ?? false
        var includeUsage = false
        if let options = body["stream_options"], options != .null {
            guard case .object = options else {
                throw OpenAIError.wrongType("stream_options", expected: "an object", got: options)
            }
            includeUsage = try boolean(options, "include_usage", path: "stream_options.include_usage") ?? false
        }
        return CompletionRequest(
            model: model, generation: generation, requestedMaxTokens: maxTokens.map(Int.init),
            stream: stream, includeUsage: includeUsage)
    }

    private static func parseMessages(_ value: JSONValue?) throws -> [Message] {
        guard let value, value != .null else { throw OpenAIError.missing("messages") }
        guard case .array(let items) = value else {
            throw OpenAIError.wrongType("messages", expected: "an array", got: value)
        }
        guard !items.isEmpty else { throw OpenAIError.invalidValue("messages", "expected at least one message.") }
        return try items.enumerated().map { i, item in
            let path = "messages[\(i)]"
            guard case .object = item else { throw OpenAIError.wrongType(path, expected: "an object", got: item) }
            guard let roleValue = item["role"] else { throw OpenAIError.missing("\(path).role") }
            guard case .string(let roleName) = roleValue else {
                throw OpenAIError.wrongType("\(path).role", expected: "a string", got: roleValue)
            }
            // "developer" is OpenAI's newer name for the system role.
            guard let role = Role(rawValue: roleName == "developer" ? "system" : roleName) else {
                throw OpenAIError.invalidValue(
                    "\(path).role", "expected one of system, user, assistant; got '\(roleName)'.")
            }
            return Message(role: role, content: try parseContent(item["content"], path: "\(path).content"))
        }
    }

    /// Content is a string, or a list of parts of which the text parts are joined (newer clients), or null.
    private static func parseContent(_ value: JSONValue?, path: String) throws -> String {
        switch value {
        case nil: throw OpenAIError.missing(path)
        case .null?: return ""
        case .string(let s)?: return s
        case .array(let parts)?:
            return try parts.enumerated().map { i, part in
                guard case .string(let text)? = part["text"] else {
                    throw OpenAIError.invalidValue(
                        "\(path)[\(i)]", "only text parts ({\"type\": \"text\", \"text\": …}) are supported.")
                }
                return text
            }.joined()
        case let other?: throw OpenAIError.wrongType(path, expected: "a string or an array of text parts", got: other)
        }
    }

    /// A prompt is a string or a list holding exactly one string (batched prompts are not supported).
    private static func parsePrompt(_ value: JSONValue?) throws -> String {
        switch value {
        case nil, .null?: throw OpenAIError.missing("prompt")
        case .string(let s)?: return s
        case .array(let items)? where items.count == 1:
            if case .string(let s) = items[0] { return s }
            throw OpenAIError.wrongType("prompt[0]", expected: "a string", got: items[0])
        case .array?: throw OpenAIError.invalidValue("prompt", "only one prompt per request is supported.")
        case let other?: throw OpenAIError.wrongType("prompt", expected: "a string", got: other)
        }
    }

    private static func parseStop(_ value: JSONValue?) throws -> [String] {
        switch value {
        case nil, .null?: return []
        case .string(let s)?: return s.isEmpty ? [] : [s]
        case .array(let items)?:
            return try items.enumerated().compactMap { i, item in
                guard case .string(let s) = item else {
                    throw OpenAIError.wrongType("stop[\(i)]", expected: "a string", got: item)
                }
                return s.isEmpty ? nil : s
            }
        case let other?: throw OpenAIError.wrongType("stop", expected: "a string or an array of strings", got: other)
        }
    }

    private static func number(_ body: JSONValue, _ key: String, in range: ClosedRange<Double>) throws -> Double? {
        let d: Double
        switch body[key] {
        case nil, .null?: return nil
        case .int(let i)?: d = Double(i)
        case .double(let x)?: d = x
        case let other?: throw OpenAIError.wrongType(key, expected: "a number", got: other)
        }
        guard range.contains(d) else {
            throw OpenAIError.invalidValue(
                key, "expected a number in \(range.lowerBound)...\(range.upperBound), got \(d).")
        }
        return d
    }

    private static func integer(_ body: JSONValue, _ key: String, in range: ClosedRange<Int64>) throws -> Int64? {
        let i: Int64
        switch body[key] {
        case nil, .null?: return nil
        case .int(let x)?: i = x
        case .double(let x)? where x == x.rounded() && abs(x) < 9e15: i = Int64(x)
        case let other?: throw OpenAIError.wrongType(key, expected: "an integer", got: other)
        }
        guard range.contains(i) else {
            throw OpenAIError.invalidValue(key, "expected an integer ≥ \(range.lowerBound), got \(i).")
        }
        return i
    }

    private static func boolean(_ body: JSONValue, _ key: String, path: String? = nil) throws -> Bool? {
        switch body[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?: throw OpenAIError.wrongType(path ?? key, expected: "a boolean", got: other)
        }
    }
}
