// The `polyglot` command line: the REPL by default, and `run`, `replay`, `docs`.

import ArgumentParser
import Foundation
import PolyglotEngine
import PolyglotLang

@main
struct Polyglot: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "polyglot",
        abstract: "A notebook-style REPL for multilingual instruction-tuning experiments.",
        discussion: "Type `help` in the REPL for the commands of the language.",
        version: version,
        subcommands: [
            Repl.self, Run.self, Replay.self, Report.self, Serve.self, Bench.self, Fuzz.self, ModelTool.self,
            Logits.self, Docs.self
        ],
        defaultSubcommand: Repl.self)
}

/// Options shared by every command that starts a session.
struct SessionOptions: ParsableArguments {
    @Option(help: "Session seed (a notebook header's seed takes precedence).")
    var seed: UInt64 = 0

    @Flag(
        name: .customLong("no-stdlib"),
        help: "Do not load the stdlib (stdlib/*.pg, built in; $POLYGLOT_STDLIB names a folder to read instead).")
    var noStdlib = false

    @Flag(name: .customLong("no-color"), help: "No ANSI colours (also when NO_COLOR is set).")
    var noColor = false

    /// Notebooks run in their own folder, so relative paths in them mean the same on every machine.
    func makeSession(baseDirectory: URL) throws -> Session {
        let session = Session(seed: seed, baseDirectory: baseDirectory)
        Terminal.useColor = !noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && Terminal.stdoutIsTTY
        session.progress = Terminal.progress
        do {
            // Before the chdir: a relative $POLYGLOT_STDLIB means the folder polyglot was started in.
            let library = noStdlib ? [] : try Stdlib.sources()
            FileManager.default.changeCurrentDirectoryPath(baseDirectory.path)
            try session.loadLibrary(library)
        } catch let e as PolyglotError {
            Terminal.error(session.render(e))
            throw ExitCode(70)
        }
        return session
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Execute a notebook or script, print its outputs, exit 1 at the first failing cell.")

    @Argument(help: "A .pg notebook or script.") var file: String
    @OptionGroup var options: SessionOptions

    func run() throws {
        let (url, notebook) = try NotebookFile.read(file)
        let session = try options.makeSession(baseDirectory: url.deletingLastPathComponent())
        session.echo = { Terminal.print($0) }
        let run = NotebookRunner.execute(notebook, file: file, session: session)
        if let failure = run.failure {
            Terminal.error(session.render(failure.error))
            Terminal.error("\(file): cell \(failure.cell + 1) failed")
            throw ExitCode(1)
        }
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-execute a notebook and rewrite its recorded outputs (atomically), or --check them.")

    @Argument(help: "A .pg notebook.") var file: String
    @Flag(help: "Do not rewrite: exit 1 with a unified diff if any recorded output differs.") var check = false
    @OptionGroup var options: SessionOptions

    func run() throws {
        let (url, notebook) = try NotebookFile.read(file)
        let session = try options.makeSession(baseDirectory: url.deletingLastPathComponent())
        let run = NotebookRunner.execute(notebook, file: file, session: session)
        if let failure = run.failure {
            Terminal.error(session.render(failure.error))
            Terminal.error("\(file): cell \(failure.cell + 1) failed; the notebook was not changed")
            throw ExitCode(1)
        }
        if check {
            if let diff = NotebookRunner.check(recorded: notebook, replayed: run.notebook, file: file) {
                print(diff)
                Terminal.error(
                    "\(file): replayed outputs differ from the recorded ones (this run: OpenBLAS "
                        + "\(NumericsRevision.blasKernels) kernels, \(NumericsRevision.kernelPolicy); trained weights change with the "
                        + "kernel set: POLYGLOT_KERNELS)")
                throw ExitCode(1)
            }
            print("\(file): \(notebook.cells.count) cell(s) replayed, outputs match")
        } else {
            do {
                try atomicWrite(Data(run.notebook.render().utf8), to: url)
            } catch {
                Terminal.error("cannot write \(file): \(error)")
                throw ExitCode(74)
            }
            print("\(file): \(notebook.cells.count) cell(s) replayed and recorded")
        }
    }
}

struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the command reference (docs/commands.md) generated from the command registry.")

    func run() throws {
        print(CommandRegistry.standard().markdownReference(), terminator: "")
    }
}

enum NotebookFile {
    static func read(_ path: String) throws -> (URL, Notebook) {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Terminal.error("error: cannot read '\(path)': no such file")
            throw ExitCode(66)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            Terminal.error("error: '\(path)' is not valid UTF-8 text")
            throw ExitCode(65)
        }
        do {
            return (url, try Notebook.parse(text, file: path))
        } catch let e as PolyglotError {
            Terminal.error(
                e.render(
                    sourceLine: text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)))
            throw ExitCode(65)
        }
    }
}
