// The seam between the HTTP server and whatever produces text (a loaded or tuned model).
// The server owns queuing and cancellation; a generator only has to generate.

import PolyglotLab

/// One generation job, decoded from an OpenAI-style request.
public struct GenerationRequest: Sendable, Equatable {
    /// Chat turns (for /v1/chat/completions); nil for plain completions.
    public var messages: [Message]?
    /// Raw prompt (for /v1/completions); nil for chat.
    public var prompt: String?
    public var temperature: Double
    public var topP: Double
    /// Upper bound on generated tokens; the server has already clamped it to the context.
    public var maxTokens: Int
    /// Sampling seed; nil lets the generator choose (output then need not be reproducible).
    public var seed: UInt64?
    /// Stop strings; the server also enforces them on the emitted text, so honouring them is optional.
    public var stop: [String]

    public init(
        messages: [Message]? = nil, prompt: String? = nil, temperature: Double = 1, topP: Double = 1,
        maxTokens: Int = 16, seed: UInt64? = nil, stop: [String] = []
    ) {
        self.messages = messages
        self.prompt = prompt
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.seed = seed
        self.stop = stop
    }
}

/// Something that turns a request into text, token by token. Implementations need NOT be thread-safe:
/// the server calls one generator from one thread at a time (requests queue per model).
public protocol TextGenerator: AnyObject, Sendable {
    /// The name clients pass as `model`.
    var modelID: String { get }
    /// Context window in tokens (prompt + completion).
    var contextLength: Int { get }
    /// Prompt tokens after the chat template is applied.
    func tokenCount(_ request: GenerationRequest) -> Int
    /// Generates, calling `onText` with each new piece of text (UTF-8 complete); returning false from onText
    /// stops early (client gone). Returns completion token count and finish reason ("stop" | "length").
    func generate(_ request: GenerationRequest, onText: (String) -> Bool) throws
        -> (completionTokens: Int, finishReason: String)
}
