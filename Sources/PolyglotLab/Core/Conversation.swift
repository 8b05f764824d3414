// A chat conversation: the unit of instruction data, of benchmark answers and of chat.

public enum Role: String, Codable, Sendable {
    case system, user, assistant
}

public struct Message: Codable, Equatable, Hashable, Sendable {
    public var role: Role
    public var content: String
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

public struct Conversation: Equatable, Hashable, Sendable {
    public var messages: [Message]
    public init(_ messages: [Message]) { self.messages = messages }

    /// Alternating user/assistant turns, starting with the user (LIMA's list-of-strings form).
    public init(turns: [String]) {
        messages = turns.enumerated().map { i, t in Message(role: i % 2 == 0 ? .user : .assistant, content: t) }
    }

    public var userTurns: [String] { messages.filter { $0.role == .user }.map(\.content) }
    public var assistantTurns: [String] { messages.filter { $0.role == .assistant }.map(\.content) }
}
