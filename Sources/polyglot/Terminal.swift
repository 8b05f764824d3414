// Terminal output: recorded output to stdout, diagnostics to stderr, transient progress on a
// terminal only (it is never part of a notebook's output).

import Foundation
import PolyglotLang

enum Terminal {
    nonisolated(unsafe) static var useColor = false
    static let stdoutIsTTY = isatty(STDOUT_FILENO) == 1
    static let stderrIsTTY = isatty(STDERR_FILENO) == 1
    nonisolated(unsafe) private static var progressShown = false

    static func print(_ line: OutputLine) {
        clearProgress()
        switch line {
        case .text(let s): Swift.print(s)
        case .volatile(let s): Swift.print(useColor ? "\u{1B}[2m\(s)\u{1B}[0m" : s)
        }
        fflush(stdout)
    }

    static func error(_ text: String) {
        clearProgress()
        let shown = useColor && stderrIsTTY ? "\u{1B}[31m\(text)\u{1B}[0m" : text
        FileHandle.standardError.write(Data((shown + "\n").utf8))
    }

    static func progress(_ text: String) {
        guard stderrIsTTY else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        progressShown = true
    }

    static func clearProgress() {
        guard progressShown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        progressShown = false
    }
}
