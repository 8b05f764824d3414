// The engine trains and generates on token ids; a Tokenizer is the only bridge between text and ids.

/// Text ↔ token ids, with named special tokens.
public protocol Tokenizer: Sendable {
    /// Number of token ids (ids are 0..<vocabSize).
    var vocabSize: Int { get }
    /// Special token strings and their ids, e.g. "<|end|>".
    var specialTokens: [String: Int] { get }
    /// Token ids for `text`; special-token strings in the text become special ids only when `allowSpecial`.
    func encode(_ text: String, allowSpecial: Bool) -> [Int]
    /// The raw bytes behind `ids` (special tokens contribute their text); throws on an unknown id.
    func decodeBytes(_ ids: [Int]) throws -> [UInt8]
}

extension Tokenizer {
    /// Token ids for plain text (special-token strings are encoded as ordinary text).
    public func encode(_ text: String) -> [Int] { encode(text, allowSpecial: false) }

    /// The text behind `ids`; bytes that do not form valid UTF-8 become U+FFFD.
    public func decode(_ ids: [Int]) throws -> String {
        String(decoding: try decodeBytes(ids), as: UTF8.self)
    }

    /// The text behind `ids`, leaving out special tokens when `skippingSpecial` (e.g. a reply's closing <|end|>).
    public func decode(_ ids: [Int], skippingSpecial: Bool) throws -> String {
        guard skippingSpecial else { return try decode(ids) }
        let special = Set(specialTokens.values)
        return try decode(ids.filter { !special.contains($0) })
    }

    /// The id of a special token, or a thrown error naming the missing token.
    public func specialTokenId(_ token: String) throws -> Int {
        guard let id = specialTokens[token] else { throw TokenizerError.missingSpecialToken(token) }
        return id
    }
}

/// The special tokens of the chat template, in the order they are added to a trained vocabulary.
public enum SpecialToken {
    public static let system = "<|system|>"
    public static let user = "<|user|>"
    public static let assistant = "<|assistant|>"
    public static let end = "<|end|>"
    public static let pad = "<|pad|>"
    /// All chat-template tokens.
    public static let chat = [system, user, assistant, end, pad]
}

/// Errors of tokenizer training, encoding, decoding and file reading.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    case unknownTokenId(Int, vocabSize: Int)
    case missingSpecialToken(String)
    case invalidTrainingRequest(String)
    case invalidVocabulary(String)
    case invalidFile(path: String, location: String, message: String)

    public var description: String {
        switch self {
        case let .unknownTokenId(id, vocabSize):
            return "unknown token id \(id): expected an id in 0..<\(vocabSize)"
        case let .missingSpecialToken(token):
            return "the tokenizer has no special token \(token); HINT: train it with the chat special tokens"
        case let .invalidTrainingRequest(message):
            return "invalid tokenizer training request: \(message)"
        case let .invalidVocabulary(message):
            return "invalid vocabulary: \(message)"
        case let .invalidFile(path, location, message):
            return "\(path):\(location): \(message)"
        }
    }
}
