// The interactive loop: read a (possibly multi-line) input, run it as one cell, print its output,
// keep it for `save`. Errors print and the session goes on.

import ArgumentParser
import Foundation
import PolyglotLang

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the interactive REPL (the default).")

    @OptionGroup var options: SessionOptions

    func run() throws {
        let session = try options.makeSession(baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
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
            let cell = NotebookCell(code: input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
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

    private func offerToSave(_ session: Session, _ reader: LineReader) {
        let unsaved = session.history.count - session.savedCount
        guard unsaved > 0 else { print(""); return }
        print("")
        let answer = reader.read(prompt: "Save \(unsaved) unsaved cell(s) as a notebook? File name (empty: discard): ")
        guard case .line(let name) = answer, !name.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        let result = session.execute("save \(Value.string(name.trimmingCharacters(in: .whitespaces)).repr)", file: "<exit>")
        if let e = result.error { Terminal.error(session.render(e)) }
    }
}
