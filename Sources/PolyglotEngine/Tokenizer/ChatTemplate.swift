// The chat template the miniature models are trained and prompted with:
//
//   <|system|>{system}<|end|><|user|>{u1}<|end|><|assistant|>{a1}<|end|><|user|>{u2}<|end|><|assistant|>…
//
// Each role marker and <|end|> is one special-token id; message contents are encoded as plain text (a
// special-token string typed inside a message stays text, so content cannot inject markers). No spaces or
// newlines are added around markers. The system turn is optional and must come first.
// Training rendering: the loss mask is 1 exactly on the tokens of every assistant reply and on the <|end|>
// that closes it, 0 everywhere else (markers, system and user text). Prompt rendering ends with
// <|assistant|>, so generation continues with the reply and should stop at <|end|>.

import Foundation

/// Who speaks a chat message (engine-local mirror of the lab's roles).
public enum ChatRole: String, Sendable, CaseIterable {
    case system, user, assistant
}

/// One message of a conversation to render.
public struct ChatMessage: Sendable, Equatable {
    public var role: ChatRole
    public var content: String
    /// A message with a role and its text.
    public init(_ role: ChatRole, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// Token ids of a rendered conversation with a per-token loss mask (1 = train on this token).
public struct ChatEncoding: Sendable, Equatable {
    public var ids: [Int]
    public var lossMask: [UInt8]
    /// Whether the rendering was cut to fit the maximum length.
    public var truncated: Bool
}

/// Errors of chat rendering.
public enum ChatTemplateError: Error, CustomStringConvertible, Equatable {
    case systemNotFirst(index: Int)
    case promptEndsWithAssistant
    case invalidMaxLength(Int)

    public var description: String {
        switch self {
        case .systemNotFirst(let index):
            return "message \(index) is a system message: expected the system message only at position 0"
        case .promptEndsWithAssistant:
            return "the prompt already ends with an assistant message: expected a user message last"
        case .invalidMaxLength(let n):
            return "maximum length \(n): expected a positive number of tokens"
        }
    }
}

/// Renders conversations to token ids with the special-token chat template.
public struct ChatTemplate: Sendable {
    public let tokenizer: any Tokenizer
    /// Ids of <|system|>, <|user|>, <|assistant|>, <|end|> and <|pad|>.
    public let systemId: Int, userId: Int, assistantId: Int, endId: Int, padId: Int

    /// A template over `tokenizer`, which must define the five chat special tokens.
    public init(tokenizer: any Tokenizer) throws {
        self.tokenizer = tokenizer
        systemId = try tokenizer.specialTokenId(SpecialToken.system)
        userId = try tokenizer.specialTokenId(SpecialToken.user)
        assistantId = try tokenizer.specialTokenId(SpecialToken.assistant)
        endId = try tokenizer.specialTokenId(SpecialToken.end)
        padId = try tokenizer.specialTokenId(SpecialToken.pad)
    }

    private func markerId(_ role: ChatRole) -> Int {
        switch role {
        case .system: return systemId
        case .user: return userId
        case .assistant: return assistantId
        }
    }

    private static func markerText(_ role: ChatRole) -> String {
        switch role {
        case .system: return SpecialToken.system
        case .user: return SpecialToken.user
        case .assistant: return SpecialToken.assistant
        }
    }

    /// Renders a whole conversation for training, cut to at most `maxLength` tokens (the start is kept).
    public func encodeForTraining(_ messages: [ChatMessage], maxLength: Int? = nil) throws -> ChatEncoding {
        if let maxLength, maxLength <= 0 { throw ChatTemplateError.invalidMaxLength(maxLength) }
        let (ids, mask) = try renderIds(messages)
        let limit = maxLength ?? ids.count
        return ChatEncoding(
            ids: Array(ids.prefix(limit)), lossMask: Array(mask.prefix(limit)),
            truncated: ids.count > limit)
    }

    /// Renders the conversation so far followed by <|assistant|>, ready for generation.
    public func encodePrompt(_ messages: [ChatMessage]) throws -> [Int] {
        if messages.last?.role == .assistant { throw ChatTemplateError.promptEndsWithAssistant }
        return try renderIds(messages).ids + [assistantId]
    }

    /// The template as text (markers spelled out), for display and for cross-checks with other tokenizers.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        let text = messages.map { Self.markerText($0.role) + $0.content + SpecialToken.end }.joined()
        return addGenerationPrompt ? text + SpecialToken.assistant : text
    }

    private func renderIds(_ messages: [ChatMessage]) throws -> (ids: [Int], mask: [UInt8]) {
        try validate(messages)
        var ids: [Int] = []
        var mask: [UInt8] = []
        for message in messages {
            let content = tokenizer.encode(message.content)
            ids.append(markerId(message.role))
            ids += content
            ids.append(endId)
            // The marker is never trained; the reply and its closing <|end|> are, for assistant turns only.
            mask.append(0)
            mask += [UInt8](repeating: message.role == .assistant ? 1 : 0, count: content.count + 1)
        }
        return (ids, mask)
    }

    private func validate(_ messages: [ChatMessage]) throws {
        if let index = messages.indices.dropFirst().first(where: { messages[$0].role == .system }) {
            throw ChatTemplateError.systemNotFirst(index: index)
        }
    }
}

// MARK: - Hugging Face

extension ChatTemplate {
    /// This template in Jinja, as Hugging Face tokenizers render chats (`chat_template`): the same text as `render`,
    /// with `{% generation %}` around what training is on (each reply and its <|end|>), so TRL's
    /// `assistant_only_loss` masks exactly as `encodeForTraining` does.
    public static let jinja =
        "{%- for message in messages -%}"
        + "{%- if message['role'] == 'system' and not loop.first -%}"
        + "{{ raise_exception('a system message must come first') }}{%- endif -%}"
        + "{%- if message['role'] == 'assistant' -%}"
        + "\(SpecialToken.assistant){% generation %}{{ message['content'] }}\(SpecialToken.end){% endgeneration %}"
        + "{%- elif message['role'] in ['system', 'user'] -%}"
        + "<|{{ message['role'] }}|>{{ message['content'] }}\(SpecialToken.end)"
        + "{%- else -%}{{ raise_exception('unknown role ' + message['role']) }}{%- endif -%}"
        + "{%- endfor -%}"
        + "{%- if add_generation_prompt -%}\(SpecialToken.assistant){%- endif -%}"

    /// `tokenizer_config.json` for Hugging Face `AutoTokenizer` next to a `tokenizer.json`: a fast tokenizer without
    /// a BOS token, <|end|> ending a reply, <|pad|> padding, and `jinja` as the chat template.
    public static func huggingFaceTokenizerConfig(modelMaxLength: Int) -> Data {
        let config: [String: Any] = [
            "tokenizer_class": "PreTrainedTokenizerFast", "bos_token": NSNull(), "unk_token": NSNull(),
            "eos_token": SpecialToken.end, "pad_token": SpecialToken.pad, "model_max_length": modelMaxLength,
            "clean_up_tokenization_spaces": false, "chat_template": jinja
        ]
        // Sorted keys and no escaped slashes: the same bytes every time.
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? JSONSerialization.data(withJSONObject: config, options: options)) ?? Data()
    }

    /// The chat template a Hugging Face tokenizer folder declares: `chat_template.jinja`, else the `chat_template` of
    /// `tokenizer_config.json` (a string, or the one named "default" of a list); nil when neither file has one.
    /// Throws naming the file when it cannot be read or is not such JSON.
    public static func declaredJinja(in dir: URL) throws -> (template: String, file: String)? {
        let jinjaFile = dir.appendingPathComponent("chat_template.jinja")
        if let data = FileManager.default.contents(atPath: jinjaFile.path) {
            return (String(decoding: data, as: UTF8.self), jinjaFile.path)
        }
        let configFile = dir.appendingPathComponent("tokenizer_config.json")
        guard let data = FileManager.default.contents(atPath: configFile.path) else { return nil }
        guard let config = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw TokenizerError.invalidFile(
                path: configFile.path, location: "line 1", message: "expected a JSON object")
        }
        switch config["chat_template"] {
        case nil, is NSNull: return nil
        case let template as String: return (template, configFile.path)
        case let named as [[String: Any]]:
            if let template = named.first(where: { $0["name"] as? String == "default" })?["template"] as? String {
                return (template, configFile.path)
            }
        default: break
        }
        throw TokenizerError.invalidFile(
            path: configFile.path, location: "chat_template",
            message: "expected a string, or a list of {name, template} with one named \"default\"")
    }
}
