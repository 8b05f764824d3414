// A lab model behind the server: the chat template for chat requests, plain text for completions,
// stop at the end token, text streamed as complete UTF-8 pieces.

import PolyglotEngine
import PolyglotLab

public final class ModelGenerator: TextGenerator, @unchecked Sendable {
    public let model: LabModel
    public let modelID: String

    public init(_ model: LabModel, id: String? = nil) {
        self.model = model
        modelID = id ?? model.name
    }

    public var contextLength: Int { model.config.maxPositionEmbeddings }

    private func promptIDs(_ request: GenerationRequest) throws -> [Int] {
        if let messages = request.messages {
            return try model.template.encodePrompt(LabModel.chatMessages(messages))
        }
        return model.tokenizer.encode(request.prompt ?? "")
    }

    public func tokenCount(_ request: GenerationRequest) -> Int { (try? promptIDs(request).count) ?? Int.max }

    public func generate(_ request: GenerationRequest, onText: (String) -> Bool) throws
        -> (completionTokens: Int, finishReason: String)
    {
        let prompt = try promptIDs(request)
        let options = GenerationOptions(
            maxNewTokens: request.maxTokens, temperature: Float(request.temperature),
            topP: Float(request.topP), seed: request.seed ?? 0,
            stopTokens: [model.template.endId])
        var decoder = StreamingDecoder(tokenizer: model.tokenizer)
        var clientGone = false
        let result = try model.transformer.generate(prompt: prompt, options: options) { id in
            guard !model.tokenizer.isSpecial(id) else { return true }
            let piece = (try? decoder.push(id)) ?? ""
            if !piece.isEmpty, !onText(piece) { clientGone = true }
            return !clientGone
        }
        let rest = decoder.finish()
        if !rest.isEmpty, !clientGone { _ = onText(rest) }
        return (result.tokens.count, result.stoppedBy != nil ? "stop" : "length")
    }
}
