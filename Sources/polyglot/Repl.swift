// The interactive loop: read a (possibly multi-line) input, run it as one cell, print its output,
// keep it for `save`. Errors print and the session goes on.

import ArgumentParser
import Foundation
import PolyglotLang

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the interactive REPL (the default).")

    @OptionGroup var options: SessionOptions

    func run() throws {
        let session = try options.makeSession(
            baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        session.echo = { Terminal.print($0) }
        let interactive = isatty(STDIN_FILENO) == 1
        let reader: LineReader = interactive ? EditlineReader(completer: Completer(session: session)) : PipeReader()
        session.readLine = { prompt in
            if case .line(let l) = reader.read(prompt: prompt) { return l }
            return nil
        }
        if interactive {
            print("Polyglot \(Polyglot.version) — type `help` for commands, Ctrl-D to leave.")
        } else {
            Interrupt.installHandler()
        }
        var failures = 0
        var cellNumber = 0
        while true {
            guard let input = readCell(reader) else { break }
            if input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            reader.addHistory(input)
            cellNumber += 1
            let result = session.execute(input, file: "<cell \(cellNumber)>")
            let cell = NotebookCell(
                code: input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                output: result.output)
            session.history.append((cell, result.error != nil))
            if let e = result.error {
                failures += 1
                Terminal.error(session.render(e))
            }
        }
        if interactive { offerToSave(session, reader) }
        if !interactive, failures > 0 { throw ExitCode(1) }
    }

    /// Lines until brackets and braces are balanced; nil at end of input.
    private func readCell(_ reader: LineReader) -> String? {
        var lines: [String] = []
        while true {
            switch reader.read(prompt: lines.isEmpty ? "pg> " : "... ") {
            case .end:
                return lines.isEmpty ? nil : lines.joined(separator: "\n")
            case .interrupted:
                print("^C")
                lines = []
            case .line(let l):
                lines.append(l)
                let text = lines.joined(separator: "\n")
                if !Lexer.needsContinuation(text) { return text }
            }
        }
    }

    /// A yes/no question first, then a file name (empty: a fresh `session-YYYYMMDD-HHMM.pg`); an existing file is
    /// only replaced when the person says so. Ctrl-D keeps the cells: it answers yes, then takes the default name.
    private func offerToSave(_ session: Session, _ reader: LineReader) {
        let unsaved = session.history.count - session.savedCount
        print("")
        guard unsaved > 0, ask(reader, "Save \(unsaved) unsaved cell(s) as a notebook? (y/n) ", atEnd: true) else {
            return
        }
        while true {
            let fallback = Self.defaultNotebookName(in: session.baseDirectory, at: Date())
            var ended = false
            var name = fallback
            switch reader.read(prompt: "File name (empty: \(fallback)): ") {
            case .line(let typed) where !typed.trimmingCharacters(in: .whitespaces).isEmpty:
                name = typed.trimmingCharacters(in: .whitespaces)
            case .line: break
            case .end: ended = true
            case .interrupted: continue
            }
            if FileManager.default.fileExists(atPath: session.resolve(name).path),
                !ask(reader, "\(name) exists. Replace it? (y/n) ", atEnd: false)
            {
                continue
            }
            let result = session.execute("save \(Value.string(name).repr)", file: "<exit>")
            guard let e = result.error else { return }
            Terminal.error(session.render(e))
            if ended {
                Terminal.error("\(unsaved) cell(s) not saved")
                return
            }
        }
    }

    /// y/yes or n/no in any case; anything else asks again. Ctrl-D answers `atEnd`.
    private func ask(_ reader: LineReader, _ question: String, atEnd: Bool) -> Bool {
        while true {
            switch reader.read(prompt: question) {
            case .end: return atEnd
            case .interrupted: continue
            case .line(let answer):
                switch answer.trimmingCharacters(in: .whitespaces).lowercased() {
                case "y", "yes": return true
                case "n", "no": return false
                default: print("Please answer y or n.")
                }
            }
        }
    }

    /// `session-YYYYMMDD-HHMM.pg` (local time), with `-2`, `-3`, … when that file exists in `folder`.
    static func defaultNotebookName(in folder: URL, at date: Date) -> String {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.dateFormat = "yyyyMMdd-HHmm"
        let stem = "session-" + format.string(from: date)
        var name = stem + ".pg", n = 1
        while FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            n += 1
            name = "\(stem)-\(n).pg"
        }
        return name
    }
}
