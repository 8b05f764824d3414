// Command-line tools around the REPL: report, serve, bench, model new, logits.

import ArgumentParser
import Foundation
import PolyglotEngine
import PolyglotLab
import PolyglotLang
import PolyglotServe

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one self-contained HTML page of a notebook: code, outputs and figures inlined.")

    @Argument(help: "A .pg notebook (run or replayed, so its outputs are recorded).") var notebook: String
    @Option(name: .shortAndLong, help: "The HTML file to write.") var output: String = "report.html"

    func run() throws {
        let (url, nb) = try NotebookFile.read(notebook)
        let cells = nb.cells.map { cell in
            ReportCell(title: cell.title, code: cell.source, output: cell.output.map(\.content),
                       figures: cell.output.compactMap { CommandRegistry.figurePath(inOutputLine: $0.content) })
        }
        let out = URL(fileURLWithPath: output)
        try HTMLReport.write(title: url.deletingPathExtension().lastPathComponent, cells: cells,
                             baseDirectory: url.deletingLastPathComponent(), to: out)
        print("wrote \(output): \(cells.count) cells, \(cells.reduce(0) { $0 + $1.figures.count }) figures")
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve models over an OpenAI-compatible HTTP API until Ctrl-C.")

    @Option(name: .customLong("model"), help: "A checkpoint folder or builtin:dense / builtin:moe (repeatable).")
    var models: [String] = []
    @Option(help: "TCP port (0 picks a free one).") var port: Int = 8000
    @Option(help: "Address to bind.") var host: String = "127.0.0.1"
    @Option(name: .customLong("api-key-env"), help: "Require Authorization: Bearer $NAME.") var apiKeyEnv: String?

    func run() throws {
        guard !models.isEmpty else { throw ValidationError("give at least one --model DIR|builtin:NAME") }
        let generators = try models.map { ModelGenerator(try loadModel($0)) }
        var options = ServeOptions()
        options.host = host
        options.port = port
        options.apiKeyEnvironmentVariable = apiKeyEnv
        try OpenAIServer.runUntilSignal(generators, options: options) { h in
            print("serving \(h.modelIDs.joined(separator: ", ")) at \(h.baseURL) (Ctrl-C stops)")
        }
    }
}

/// A checkpoint folder or a builtin base, as the CLI tools take them.
func loadModel(_ reference: String) throws -> LabModel {
    if let name = Builtins.name(reference) {
        guard let recipe = BaseModels.recipe(named: name) else { throw ValidationError("no builtin model '\(name)'") }
        return try BaseModels.load(recipe) { Terminal.progress("\($0.phase) \($0.step)/\($0.totalSteps)") }.model
    }
    return try LabModel.load(from: URL(fileURLWithPath: reference))
}

struct ModelTool: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "model", abstract: "Model checkpoints.",
                                                    subcommands: [New.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a freshly initialised checkpoint of a preset.")
        @Option(help: "tiny-dense | tiny-moe | small-dense") var preset: String
        @Option(help: "Initialisation seed.") var seed: UInt64 = 0
        @Option(help: "Checkpoint folder to write.") var out: String

        func run() throws {
            let t = try Checkpoint.writeFresh(preset: preset, seed: seed, to: URL(fileURLWithPath: out))
            print("wrote \(preset) (\(t.parameterCount) parameters, seed \(seed)) to \(out)")
        }
    }
}

struct Logits: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the next-token logits after token ids as a JSON array (to compare implementations).")
    @Option(help: "A checkpoint folder.") var model: String
    @Option(help: "Comma-separated token ids, e.g. 1,2,3.") var ids: String

    func run() throws {
        let tokens = try ids.split(separator: ",").map { s -> Int in
            guard let i = Int(s.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("not a token id: '\(s)'") }
            return i
        }
        let t = try Checkpoint.load(from: URL(fileURLWithPath: model))
        print("[" + (try t.nextTokenLogits(tokens)).map { "\($0)" }.joined(separator: ", ") + "]")
    }
}
