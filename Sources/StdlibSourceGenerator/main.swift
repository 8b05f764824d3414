// Writes the Swift source that embeds the stdlib in PolyglotLang (run by the EmbedStdlib build plugin):
//   StdlibSourceGenerator OUTPUT.swift stdlib/a.pg stdlib/b.pg …
// Each file becomes a raw string literal with more `#`s than any run of `#` in it, so its text is kept byte
// for byte (and its line numbers, which errors in the stdlib name).

import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("StdlibSourceGenerator: \(message)\n".utf8))
    exit(1)
}

/// The longest run of `#` in `text`.
func longestHashRun(_ text: String) -> Int {
    var longest = 0, run = 0
    for c in text.unicodeScalars {
        run = c == "#" ? run + 1 : 0
        longest = max(longest, run)
    }
    return longest
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let output = arguments.first else { fail("usage: StdlibSourceGenerator OUTPUT.swift FILE.pg …") }
var entries: [String] = []
for path in arguments.dropFirst() {
    guard let data = FileManager.default.contents(atPath: path) else { fail("\(path): cannot read") }
    guard let text = String(data: data, encoding: .utf8) else { fail("\(path): not UTF-8 text") }
    let hashes = String(repeating: "#", count: longestHashRun(text) + 1)
    let name = "stdlib/" + URL(fileURLWithPath: path).lastPathComponent
    entries.append("    Stdlib.Source(file: \"\(name)\", text: \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)),")
}
let source = """
    // Generated at build time from stdlib/*.pg by the EmbedStdlib plugin: edit those files, not this one.

    extension Stdlib {
        static let embedded: [Source] = [
    \(entries.joined(separator: "\n"))
        ]
    }

    """
do {
    try Data(source.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
} catch {
    fail("\(output): cannot write (\(error.localizedDescription))")
}
