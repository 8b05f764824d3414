// The notebook language: lexer and parser, the interpreter (in the sandbox), and the notebook file
// format. Seeds are the language's own code: stdlib/*.pg, the shipped notebooks and each of their cells.

import Foundation
import PolyglotLang

/// stdlib/*.pg, notebooks/*.pg whole, and every code cell of the notebooks on its own.
private func languageSeeds(_ env: FuzzEnvironment, cells: Bool) throws -> [FuzzSeed] {
    let files =
        try env.seeds(under: env.root.appendingPathComponent("stdlib"), extensions: ["pg"])
        + env.seeds(under: env.root.appendingPathComponent("notebooks"), extensions: ["pg"])
    guard cells else { return files }
    var seeds = files
    for file in files where file.origin.hasPrefix("notebooks/") {
        let notebook = try Notebook.parse(String(decoding: file.bytes, as: UTF8.self), file: file.origin)
        for (i, cell) in notebook.cells.enumerated() where !cell.code.isEmpty {
            seeds.append(FuzzSeed(origin: "\(file.origin) cell \(i + 1)", bytes: Array(cell.source.utf8)))
        }
    }
    return seeds
}

/// The error as the CLI prints it: location, message, the source line and a caret under the span.
private func rendered(_ error: PolyglotError, in source: String) -> String {
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    let line = error.span.flatMap { lines.indices.contains($0.start.line - 1) ? String(lines[$0.start.line - 1]) : nil }
    return error.render(sourceLine: line)
}

/// Lexer (with the REPL's continuation check) and parser, with the stdlib's functions callable.
final class DSLParseTarget: FuzzTarget {
    let name = "dsl-parse"
    let summary = "lexer and parser of the notebook language (with error rendering)"
    let dialect = InputDialect.dsl
    private let env: FuzzEnvironment
    private let session: Session

    init(_ env: FuzzEnvironment) throws {
        self.env = env
        session = Session()
        try session.loadLibrary(Stdlib.sources())
    }

    func seeds() throws -> [FuzzSeed] { try languageSeeds(env, cells: true) }

    func run(_ input: [UInt8]) -> FuzzOutcome {
        let source = String(decoding: input, as: UTF8.self)
        let continues = Lexer.needsContinuation(source)
        do {
            let statements = try Parser.parse(
                source, file: "fuzz.pg", isCallable: session.isCallable,
                commandNames: session.registry.headWords)
            return .result("\(statements.count) statement(s)\(continues ? ", open bracket" : "")")
        } catch let error as PolyglotError {
            return .error(rendered(error, in: source))
        } catch {
            return .error("\(error)")
        }
    }
}

/// The interpreter on a fresh session (stdlib loaded) per input, in the sandbox, with a 0.25 s budget: a looping
/// program is cut there (most of this target's time was looping programs waiting out a 1 s budget), well inside the
/// 2 s hang limit even on a loaded machine.
final class DSLRunTarget: FuzzTarget {
    let name = "dsl-run"
    let summary = "interpreter on mutated programs, in a sandbox (no training, servers, network or file writes)"
    let dialect = InputDialect.dsl
    private let env: FuzzEnvironment
    private let registry = Sandbox.registry()
    private let deadline = Deadline(seconds: 0.25)
    private let folder: URL

    init(_ env: FuzzEnvironment) throws {
        self.env = env
        // Programs run in a scratch folder that sees the notebooks' data (read-only use: writes are declined).
        folder = env.work.appendingPathComponent("dsl")
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = folder.appendingPathComponent("data")
        if !fm.fileExists(atPath: data.path) {
            try fm.createSymbolicLink(at: data, withDestinationURL: env.root.appendingPathComponent("notebooks/data"))
        }
        fm.changeCurrentDirectoryPath(folder.path)
        // The builtin data sets are generated once per process; not within one input's time budget.
        let warmUp = Session(seed: 0, registry: registry, baseDirectory: folder)
        let builtins = "load dataset builtin:lima-mini\nload dataset builtin:bactrian-mini\nload bench builtin:bench"
        _ = warmUp.execute(builtins, file: "warm-up.pg")
    }

    func seeds() throws -> [FuzzSeed] { try languageSeeds(env, cells: true) }

    func run(_ input: [UInt8]) -> FuzzOutcome {
        let source = String(decoding: input, as: UTF8.self)
        let session = Session(seed: 0, registry: registry, baseDirectory: folder)
        do {
            try session.loadLibrary(Stdlib.sources())
        } catch {
            return .error("stdlib: \(error)")
        }
        let result = deadline.run { session.execute(source, file: "fuzz.pg") }
        if let error = result.error { return .error(rendered(error, in: source)) }
        return .result("\(result.output.count) output line(s)")
    }
}

/// The `*.pg` file format: parse, render, and the diff `replay --check` prints.
final class NotebookTarget: FuzzTarget {
    let name = "notebook"
    let summary = "notebook file parser, writer and replay diff"
    let dialect = InputDialect.dsl
    private let env: FuzzEnvironment

    init(_ env: FuzzEnvironment) { self.env = env }

    func seeds() throws -> [FuzzSeed] { try languageSeeds(env, cells: false) }

    func run(_ input: [UInt8]) -> FuzzOutcome {
        guard let text = String(validating: input, as: UTF8.self) else { return .error("not valid UTF-8 text") }
        return FuzzOutcome.of {
            let notebook = try Notebook.parse(text, file: "fuzz.pg")
            var cleared = notebook
            for i in cleared.cells.indices { cleared.cells[i].output = [] }
            let diff = NotebookRunner.check(recorded: notebook, replayed: cleared, file: "fuzz.pg")
            return "\(notebook.cells.count) cell(s), \(notebook.render().utf8.count) bytes, "
                + "diff of \(diff?.count ?? 0) characters"
        }
    }
}
