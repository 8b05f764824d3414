// Line input for the REPL: libedit (history, completion, editing) on a terminal, plain reads from
// a pipe. Ctrl-C at the prompt abandons the current line; Ctrl-D ends input.

import CEditline
import Foundation
import PolyglotEngine
import PolyglotLab
import PolyglotLang

enum LineInput {
    case line(String)
    case interrupted
    case end
}

protocol LineReader {
    func read(prompt: String) -> LineInput
    func addHistory(_ entry: String)
}

/// stdin is not a terminal: no prompts, no editing.
struct PipeReader: LineReader {
    func read(prompt: String) -> LineInput {
        guard let l = readLine(strippingNewline: true) else { return .end }
        return .line(l)
    }

    func addHistory(_ entry: String) {}
}

/// libedit through its readline interface. Completion callbacks are C function pointers, so the
/// completer they consult lives in a global.
final class EditlineReader: LineReader {
    nonisolated(unsafe) static var completer: Completer?
    private let historyPath: String

    init(completer: Completer) {
        EditlineReader.completer = completer
        historyPath =
            ProcessInfo.processInfo.environment["POLYGLOT_HISTORY"]
            ?? UserHome.directory.appendingPathComponent(".polyglot_history").path
        rl_readline_name = UnsafePointer(strdup("polyglot"))
        using_history()
        stifle_history(2000)
        _ = read_history(historyPath)
        rl_completer_word_break_characters = strdup(" \t\n\"(),[]{}:=;+-*/<>")
        rl_attempted_completion_function = { text, start, end in
            EditlineReader.matches(start: Int(start), end: Int(end))
        }
        Interrupt.installHandler()
    }

    func read(prompt: String) -> LineInput {
        Interrupt.clear()
        guard let raw = readline(prompt) else {
            if Interrupt.isRequested {
                Interrupt.clear()
                return .interrupted
            }
            return .end
        }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    func addHistory(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        _ = add_history(entry)
        // Atomically, as a notebook: a kill during the write must not truncate the history (errors only lose history).
        try? atomicWrite(to: URL(fileURLWithPath: historyPath)) { tmp in
            guard write_history(tmp.path) == 0 else { throw EngineError.io("\(tmp.path): cannot write the history") }
        }
    }

    /// The readline completion array: the replacement for the word, then the candidates, then NULL.
    private static func matches(start: Int, end: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1  // never fall back to file names of the cwd
        guard let completer, let buffer = rl_line_buffer else { return nil }
        let line = String(cString: buffer)
        let cursorChars = String(decoding: Array(line.utf8.prefix(end)), as: UTF8.self).count
        let result = completer.complete(line: line, cursor: cursorChars)
        guard !result.candidates.isEmpty else { return nil }
        // readline replaces the text from `start`; our word may start later (after a quote).
        let wordChars = Array(line.prefix(cursorChars))
        let startChars = String(decoding: Array(line.utf8.prefix(start)), as: UTF8.self).count
        let keep = String(wordChars[startChars..<max(startChars, result.wordStart)])
        let candidates = result.candidates.map { keep + $0 }
        let common = candidates.dropFirst().reduce(candidates[0]) { prefix, c in
            String(zip(prefix, c).prefix { $0 == $1 }.map(\.0))
        }
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: candidates.count + 2)
        array[0] = strdup(common)
        for (i, c) in candidates.enumerated() { array[i + 1] = strdup(c) }
        array[candidates.count + 1] = nil
        if candidates.count == 1, !candidates[0].hasSuffix("/"), !candidates[0].hasSuffix(":") {
            rl_completion_append_character = 32
        } else {
            rl_completion_append_character = 0
        }
        return array
    }
}

extension Interrupt {
    /// SIGINT sets the interrupt flag. No SA_RESTART: a read at the prompt returns, so the REPL
    /// can abandon the line. The calling (main) thread unblocks it: a parent may hand down a mask that blocks it, and
    /// then Ctrl-C would reach some other thread, whose handler run leaves readline waiting.
    static func installHandler() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interrupt.request() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
    }
}
