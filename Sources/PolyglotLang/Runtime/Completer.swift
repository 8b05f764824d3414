// Tab completion for the REPL: commands, the keywords of the command being typed, variables and
// functions, and file paths inside string literals. Driven by the command registry.

import Foundation
import PolyglotLab

public struct Completion: Equatable {
    /// Character offset in the line where the completed word starts.
    public var wordStart: Int
    public var candidates: [String]
}

public struct Completer {
    let session: Session

    public init(session: Session) { self.session = session }

    public func complete(line: String, cursor: Int) -> Completion {
        let chars = Array(line.prefix(cursor))
        // Inside a string literal: complete a path.
        var inString = false, stringStart = 0, i = 0
        while i < chars.count {
            if chars[i] == "\\" { i += 2; continue }
            if chars[i] == "\"" {
                inString.toggle()
                stringStart = i + 1
            }
            i += 1
        }
        if inString {
            let partial = String(chars[stringStart...])
            if let choices = choices(before: String(chars[..<(stringStart - 1)])) {
                return Completion(wordStart: stringStart, candidates: choices.filter { $0.hasPrefix(partial) })
            }
            return completePath(partial, start: stringStart)
        }

        var start = chars.count
        while start > 0, chars[start - 1].isLetter || chars[start - 1].isNumber || chars[start - 1] == "_" {
            start -= 1
        }
        let word = String(chars[start...])
        let before = String(chars[..<start])
        let statement = before.split(separator: ";").last.map(String.init) ?? ""
        let words = statement.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" || $0 == "{" })
            .map(String.init)
        var candidates: [String] = []
        let names = Array(session.globals.keys) + Array(session.functions.keys)
        // The command this word is an argument of: the last head word of the statement.
        if let head = words.last(where: { session.isCallable($0) }), let headIndex = words.lastIndex(of: head) {
            let reg = session.registry
            let following = Array(words[(headIndex + 1)...])
            if following.isEmpty, !reg.subcommands(of: head).isEmpty {
                candidates = reg.subcommands(of: head).map { String($0.name.dropFirst(head.count + 1)) }
            } else {
                if let spec = command(head: head, following: following) {
                    let used = Set(following.filter { $0.hasSuffix(":") }.map { String($0.dropLast()) })
                    candidates = spec.keywords.map(\.name).filter { !used.contains($0) }.map { $0 + ":" }
                }
                candidates += names + reg.headWords
            }
        } else {
            candidates = session.registry.headWords + names + ["let", "fn", "for", "if"]
        }
        let matches = Array(Set(candidates.filter { $0.hasPrefix(word) })).sorted()
        return Completion(wordStart: start, candidates: matches)
    }

    /// The command a statement's words call: `load dataset` when the head word has that sub-command.
    private func command(head: String, following: [String]) -> CommandSpec? {
        let reg = session.registry
        if let kind = following.first, let spec = reg.commands["\(head) \(kind)"] { return spec }
        return reg.commands[head]
    }

    /// The choices of the keyword whose string value starts after `text` (`plot t kind: "`, `langs: ["en", "`).
    private func choices(before text: String) -> [String]? {
        let statement = text.split(separator: ";", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        guard let colon = statement.lastIndex(of: ":") else { return nil }
        let value = statement[statement.index(after: colon)...]
        // Only brackets, commas and finished strings between the keyword and this string.
        let rest = value.replacingOccurrences(of: #""[^"]*""#, with: "", options: .regularExpression)
        guard rest.allSatisfy({ $0 == " " || $0 == "[" || $0 == "," }) else { return nil }
        let words = statement[..<colon].split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" || $0 == "(" })
            .map(String.init)
        guard let keyword = words.last,
            let headIndex = words.lastIndex(where: { session.isCallable($0) }),
            let spec = command(head: words[headIndex], following: Array(words[(headIndex + 1)...])),
            let parameter = spec.keywords.first(where: { $0.name == keyword })
        else { return nil }
        switch parameter.type {
        case .choice(let c), .listOf(.choice(let c)): return c.names
        case .language, .listOf(.language): return Choices.languages.names
        default: return nil
        }
    }

    private func completePath(_ partial: String, start: Int) -> Completion {
        let expanded = UserHome.expandingTilde(partial)
        let dirPart = expanded.contains("/") ? String(expanded[...expanded.lastIndex(of: "/")!]) : ""
        let prefix = String(expanded.dropFirst(dirPart.count))
        let dirURL =
            dirPart.hasPrefix("/") ? URL(fileURLWithPath: dirPart) : session.resolve(dirPart.isEmpty ? "." : dirPart)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dirURL.path)) ?? []
        let shownDir = String(partial.dropLast(prefix.count))
        let matches = entries.filter { $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix(".")) }.sorted()
            .map { name -> String in
                var isDir: ObjCBool = false
                _ = FileManager.default.fileExists(
                    atPath: dirURL.appendingPathComponent(name).path, isDirectory: &isDir)
                return shownDir + name + (isDir.boolValue ? "/" : "")
            }
        return Completion(wordStart: start, candidates: matches)
    }
}
