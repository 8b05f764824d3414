// The instruction-record formats the loader reads, and their conversion to a `Conversation`
// (formats.md §2): Bactrian-X/Alpaca, LIMA/Lima-X, ShareGPT and chat messages.

/// A record format; detected from each record's keys unless the user fixes one.
public enum RecordFormat: String, CaseIterable, Sendable {
    /// `{"instruction","input","output","id"}` (Bactrian-X, Alpaca; LLaMA-Factory's `system`/`history` too).
    case alpaca
    /// `{"conversations": [user, assistant, …], "source"?}` (LIMA, Lima-X).
    case lima
    /// `{"conversations": [{"from": "human"|"gpt"|"system", "value"}]}`.
    case sharegpt
    /// `{"messages": [{"role","content"}]}` (TRL, axolotl, OpenAI).
    case messages

    /// Accepts the format names and the dataset names users know them by (`bactrian`, `lima-x`, `chat`).
    public static func parse(_ text: String) -> RecordFormat? {
        switch text.lowercased() {
        case "alpaca", "bactrian", "bactrian-x", "bactrianx": .alpaca
        case "lima", "lima-x", "limax": .lima
        case "sharegpt", "vicuna": .sharegpt
        case "messages", "chat", "openai": .messages
        default: nil
        }
    }

    /// The format a record's keys indicate, or nil when none fits.
    static func detect(_ record: JSONValue) -> RecordFormat? {
        if record["messages"] != nil { return .messages }
        if let conversations = record["conversations"] {
            if case .array(let turns) = conversations, case .object = turns.first { return .sharegpt }
            return .lima
        }
        if record["instruction"] != nil { return .alpaca }
        return nil
    }
}

/// One record converted to the canonical form, before languages are aligned.
struct DecodedRecord {
    var id: String?
    var lang: Lang?
    var source: String?
    var conversation: Conversation
}

/// Why a record could not be converted (the loader adds the file:line).
struct RecordProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

extension RecordFormat {
    /// Converts a parsed record; `languageField` nil means "`lang` or `language` when present".
    static func decode(_ record: JSONValue, format fixed: RecordFormat?, languageField: String?) throws(RecordProblem)
        -> DecodedRecord
    {
        guard case .object = record else {
            throw RecordProblem("expected a JSON object record, found \(record.typeName)")
        }
        guard let format = fixed ?? detect(record) else {
            let keys = objectKeys(record).map { "\"\($0)\"" }.joined(separator: ", ")
            throw RecordProblem(
                "unknown record format (keys \(keys.isEmpty ? "none" : keys)); expected \"instruction\"/\"output\" (alpaca), \"conversations\" (lima, sharegpt) or \"messages\""
            )
        }
        let conversation: Conversation
        switch format {
        case .alpaca: conversation = try alpacaConversation(record)
        case .lima: conversation = try limaConversation(record)
        case .sharegpt: conversation = try sharegptConversation(record)
        case .messages: conversation = try messagesConversation(record)
        }
        guard !conversation.messages.isEmpty else { throw RecordProblem("record has no turns") }
        return DecodedRecord(
            id: try identifier(record), lang: try language(record, field: languageField),
            source: try optionalString(record, "source"), conversation: conversation)
    }

    // MARK: - Formats

    /// Alpaca: user turn = instruction + "\n\n" + input when input is non-empty.
    private static func alpacaConversation(_ r: JSONValue) throws(RecordProblem) -> Conversation {
        let instruction = try requiredString(r, "instruction", format: .alpaca)
        let input = try optionalString(r, "input") ?? ""
        let output = try requiredString(r, "output", format: .alpaca)
        var messages: [Message] = []
        if let system = try optionalString(r, "system"), !system.isEmpty {
            messages.append(Message(role: .system, content: system))
        }
        if let history = r["history"], history != .null {  // LLaMA-Factory: [[q, a], …] before the final turn
            guard case .array(let pairs) = history else {
                throw RecordProblem(
                    "field \"history\": expected array of [question, answer] pairs, found \(history.typeName)")
            }
            for (i, pair) in pairs.enumerated() {
                guard case .array(let qa) = pair, qa.count == 2, let q = qa[0].string, let a = qa[1].string else {
                    throw RecordProblem("field \"history\"[\(i)]: expected [question, answer] strings")
                }
                messages += [Message(role: .user, content: q), Message(role: .assistant, content: a)]
            }
        }
        messages.append(Message(role: .user, content: input.isEmpty ? instruction : instruction + "\n\n" + input))
        messages.append(Message(role: .assistant, content: output))
        return Conversation(messages)
    }

    /// LIMA: a list of strings; even positions are the user, odd ones the assistant.
    private static func limaConversation(_ r: JSONValue) throws(RecordProblem) -> Conversation {
        guard let value = r["conversations"] else {
            throw RecordProblem("missing field \"conversations\" (lima record)")
        }
        guard case .array(let turns) = value else {
            throw RecordProblem("field \"conversations\": expected array of strings, found \(value.typeName)")
        }
        var texts: [String] = []
        for (i, turn) in turns.enumerated() {
            guard let text = turn.string else {
                throw RecordProblem("field \"conversations\"[\(i)]: expected string, found \(turn.typeName)")
            }
            texts.append(text)
        }
        return Conversation(turns: texts)
    }

    private static func sharegptConversation(_ r: JSONValue) throws(RecordProblem) -> Conversation {
        guard let value = r["conversations"] else {
            throw RecordProblem("missing field \"conversations\" (sharegpt record)")
        }
        guard case .array(let turns) = value else {
            throw RecordProblem(
                "field \"conversations\": expected array of {from, value} objects, found \(value.typeName)")
        }
        var messages: [Message] = []
        if let system = try optionalString(r, "system"), !system.isEmpty {
            messages.append(Message(role: .system, content: system))
        }
        for (i, turn) in turns.enumerated() {
            let path = "\"conversations\"[\(i)]"
            guard case .object = turn else {
                throw RecordProblem("field \(path): expected object, found \(turn.typeName)")
            }
            guard let from = turn["from"]?.string else { throw RecordProblem("field \(path): missing string \"from\"") }
            guard let text = turn["value"]?.string else {
                throw RecordProblem("field \(path): missing string \"value\"")
            }
            guard let role = sharegptRoles[from] else {
                throw RecordProblem("field \(path).from: unsupported role \"\(from)\"; expected human, gpt or system")
            }
            messages.append(Message(role: role, content: text))
        }
        return Conversation(messages)
    }

    private static let sharegptRoles: [String: Role] = [
        "human": .user, "user": .user, "gpt": .assistant, "assistant": .assistant, "chatgpt": .assistant,
        "system": .system
    ]

    private static func messagesConversation(_ r: JSONValue) throws(RecordProblem) -> Conversation {
        guard let value = r["messages"] else { throw RecordProblem("missing field \"messages\" (messages record)") }
        guard case .array(let turns) = value else {
            throw RecordProblem(
                "field \"messages\": expected array of {role, content} objects, found \(value.typeName)")
        }
        var messages: [Message] = []
        for (i, turn) in turns.enumerated() {
            let path = "\"messages\"[\(i)]"
            guard case .object = turn else {
                throw RecordProblem("field \(path): expected object, found \(turn.typeName)")
            }
            guard let roleName = turn["role"]?.string else {
                throw RecordProblem("field \(path): missing string \"role\"")
            }
            guard let text = turn["content"]?.string else {
                throw RecordProblem("field \(path): missing string \"content\"")
            }
            guard let role = Role(rawValue: roleName) else {
                throw RecordProblem(
                    "field \(path).role: unsupported role \"\(roleName)\"; expected system, user or assistant")
            }
            messages.append(Message(role: role, content: text))
        }
        return Conversation(messages)
    }

    // MARK: - Fields

    /// `id` as a string; numeric ids keep their digits.
    private static func identifier(_ r: JSONValue) throws(RecordProblem) -> String? {
        switch r["id"] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case .number(let n)?: return n
        case let other?: throw RecordProblem("field \"id\": expected string or number, found \(other.typeName)")
        }
    }

    private static func language(_ r: JSONValue, field: String?) throws(RecordProblem) -> Lang? {
        let key = field ?? (r["lang"] != nil ? "lang" : "language")
        guard let value = r[key] else {
            if let field { throw RecordProblem("missing language field \"\(field)\"") }
            return nil
        }
        guard let text = value.string else {
            throw RecordProblem("field \"\(key)\": expected a language code string, found \(value.typeName)")
        }
        guard let lang = Lang.parse(text) else {
            throw RecordProblem("field \"\(key)\": unknown language \"\(text)\"; expected en, de, fr, it or es")
        }
        return lang
    }

    private static func requiredString(_ r: JSONValue, _ key: String, format: RecordFormat) throws(RecordProblem)
        -> String
    {
        guard let value = r[key] else { throw RecordProblem("missing field \"\(key)\" (\(format.rawValue) record)") }
        guard let s = value.string else {
            throw RecordProblem("field \"\(key)\": expected string, found \(value.typeName)")
        }
        return s
    }

    private static func optionalString(_ r: JSONValue, _ key: String) throws(RecordProblem) -> String? {
        switch r[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw RecordProblem("field \"\(key)\": expected string, found \(other.typeName)")
        }
    }

    private static func objectKeys(_ r: JSONValue) -> [String] {
        if case .object(let members) = r { return members.map(\.key) }
        return []
    }
}
