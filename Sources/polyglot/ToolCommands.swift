// Command-line tools around the REPL: report, and `serve`, `model new`, `logits`, which run the DSL command of the
// same name as one line of the language (same registry command, argument names, checks and messages).

import ArgumentParser
import Foundation
import PolyglotLab
import PolyglotLang

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one self-contained HTML page of a notebook: code, outputs and figures inlined.")

    @Argument(help: "A .pg notebook (run or replayed, so its outputs are recorded).") var notebook: String
    @Option(name: .shortAndLong, help: "The HTML file to write.") var output: String = "report.html"

    func run() throws {
        let (url, nb) = try NotebookFile.read(notebook)
        let cells = nb.cells.map { cell in
            ReportCell(
                title: cell.title, code: cell.source, output: cell.output.map(\.content),
                figures: cell.output.compactMap { CommandRegistry.figurePath(inOutputLine: $0.content) })
        }
        let out = URL(fileURLWithPath: output)
        try HTMLReport.write(
            title: url.deletingPathExtension().lastPathComponent, cells: cells,
            baseDirectory: url.deletingLastPathComponent(), to: out)
        print("wrote \(output): \(cells.count) cells, \(cells.reduce(0) { $0 + $1.figures.count }) figures")
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve models over an OpenAI-compatible HTTP API until Ctrl-C (the DSL's `serve`).")

    @Option(name: .customLong("model"), help: "A model folder or builtin:dense / builtin:moe (repeatable).")
    var models: [String] = []
    @Option(help: "TCP port (0 picks a free one).") var port: Int = 8000
    @Option(help: "Address to bind.") var host: String = "127.0.0.1"
    @Option(name: .customLong("api-key-env"), help: "Require Authorization: Bearer $NAME.") var apiKeyEnv: String?

    func run() throws {
        guard !models.isEmpty else { throw ValidationError("give at least one --model DIR|builtin:NAME") }
        // Blocked before the server starts its threads: they inherit the mask, so only sigwait below sees the signals.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        let line = ToolSession()
        let loads = models.map { "(load model \(Value.string($0).repr))" }.joined(separator: ", ")
        try line.run(
            "let server = serve [\(loads)] port: \(port) host: \(Value.string(host).repr)"
                + (apiKeyEnv.map { " api_key_env: \(Value.string($0).repr)" } ?? ""))
        Terminal.print(.volatile("Ctrl-C stops the server"))
        var received: Int32 = 0
        sigwait(&stopSignals, &received)
        try line.run("stop")
    }
}

struct ModelTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Model folders.",
        subcommands: [New.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a fresh model folder of a preset, byte-level tokenizer included (the DSL's `new model`).")
        @Option(help: "tiny-dense | tiny-moe | small-dense") var preset: String
        @Option(help: "Initialisation seed.") var seed: UInt64 = 0
        @Option(help: "The model folder to write.") var out: String

        func run() throws {
            try ToolSession().run(
                "new model preset: \(Value.string(preset).repr) out: \(Value.string(out).repr) seed: \(seed)")
        }
    }
}

struct Logits: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the next-token logits after token ids (or a prompt) as a JSON array (the DSL's `logits`).")
    @Option(help: "A model folder or builtin:dense / builtin:moe.") var model: String
    @Option(help: "Comma-separated token ids, e.g. 1,2,3.") var ids: String?
    @Option(help: "Text to encode instead of ids.") var prompt: String?

    func run() throws {
        let tokens = try ids.map { list in
            try list.split(separator: ",").map { s -> Value in
                guard let i = Int(s.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("not a token id: '\(s)'")
                }
                return .int(i)
            }
        }
        let keywords =
            (tokens.map { " ids: \(Value.list($0).repr)" } ?? "")
            + (prompt.map { " prompt: \(Value.string($0).repr)" } ?? "")
        try ToolSession().run("print (logits (load model \(Value.string(model).repr))\(keywords))")
    }
}

/// A session in the current folder for one line of the language, written for the tool's options.
struct ToolSession {
    let session = Session(baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))

    init() {
        session.echo = { Terminal.print($0) }
        session.progress = Terminal.progress
    }

    /// Runs `source`; an error is printed with the line and a caret, and the tool exits 1.
    func run(_ source: String) throws {
        guard let e = session.execute(source, file: "<command line>").error else { return }
        Terminal.error(session.render(e))
        throw ExitCode(1)
    }
}
