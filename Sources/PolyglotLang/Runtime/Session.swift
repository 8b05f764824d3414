// A session is what a REPL or a notebook run works in: variables, functions, the seed, the
// cells run so far and where output goes. The REPL, `run` and `replay` all drive the same type.

import Foundation
import PolyglotEngine
import PolyglotLab

/// One line of a cell's output. Volatile lines (timings, throughput, dates) are recorded as `#~`
/// and are not compared on replay.
public enum OutputLine: Equatable, Sendable {
    case text(String)
    case volatile(String)

    public var content: String {
        switch self {
        case .text(let s), .volatile(let s): s
        }
    }
}

/// What running one cell gave.
public struct CellResult {
    public var output: [OutputLine]
    public var error: PolyglotError?
}

public final class Session {
    public let registry: CommandRegistry
    public var globals: [String: Value] = [:]
    public var functions: [String: FunctionDecl] = [:]
    /// Functions that came from the stdlib (not listed by `vars`).
    public private(set) var libraryFunctions: Set<String> = []
    /// Variables that came from the stdlib (not listed by `vars`).
    public private(set) var libraryGlobals: Set<String> = []
    /// The seed the session started with (written in a saved notebook's header).
    public let initialSeed: UInt64
    public private(set) var seed: UInt64
    private var draws: UInt64 = 0
    /// Cells run in this session (REPL input), for `save`.
    public var history: [(cell: NotebookCell, failed: Bool)] = []
    /// How many of `history` the last `save` wrote (the REPL offers to save the rest on exit).
    public var savedCount = 0
    /// Relative paths in commands resolve against this folder (the notebook's folder, or the cwd).
    public var baseDirectory: URL
    /// Called for every output line as it is produced (the REPL and `run` print it).
    public var echo: (OutputLine) -> Void = { _ in }
    /// What commands keep running between cells (the servers of `serve`), each in a type its commands own.
    public let resources = SessionResources()
    /// Width for inline charts: the REPL's terminal; nil = 80 columns (reproducible in notebooks).
    public var terminalWidth: Int?
    /// ANSI colours in inline charts (only at an interactive terminal without NO_COLOR).
    public var color = false
    /// Asks the person at the REPL for a line (interactive `chat`, `annotate`); nil outside the REPL.
    public var readLine: ((String) -> String?)?
    /// Transient progress (bars, ETA) for a terminal; never recorded.
    public var progress: (String) -> Void = { _ in }
    private var captured: [OutputLine] = []
    private var sourceLines: [String: [Int: String]] = [:]
    private lazy var interpreter = Interpreter(session: self)

    public init(
        seed: UInt64 = 0, registry: CommandRegistry = .standard(),
        baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) {
        self.registry = registry
        initialSeed = seed
        self.seed = seed
        self.baseDirectory = baseDirectory
    }

    // MARK: - Seeds

    /// `seed N`: every later random choice derives from N.
    public func setSeed(_ s: UInt64) {
        seed = s
        draws = 0
    }

    /// A fresh seed for one random use, derived from the session seed and the order of uses, so a
    /// replayed notebook draws exactly the same numbers.
    public func nextSeed() -> UInt64 {
        draws += 1
        var rng = SeededRNG(seed: seed, stream: "draw-\(draws)")
        return rng.next()
    }

    // MARK: - Output

    public func emit(_ text: String, volatile: Bool = false) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let l: OutputLine = volatile ? .volatile(String(line)) : .text(String(line))
            captured.append(l)
            echo(l)
        }
    }

    // MARK: - Running code

    /// Names the parser treats as calls: commands and functions defined so far.
    public func isCallable(_ name: String) -> Bool {
        functions[name] != nil || registry.commands[name] != nil || !registry.subcommands(of: name).isEmpty
    }

    /// Parses and runs source text; output is echoed and returned, errors are returned, never thrown.
    public func execute(_ source: String, file: String, firstLine: Int = 1) -> CellResult {
        captured = []
        Interrupt.clear()
        remember(source, file: file, firstLine: firstLine)
        do {
            let stmts = try Parser.parse(
                source, file: file, firstLine: firstLine, isCallable: isCallable,
                commandNames: registry.headWords, isVariable: { self.globals[$0] != nil },
                functionNames: Array(functions.keys))
            try interpreter.runTopLevel(stmts)
            return CellResult(output: captured, error: nil)
        } catch let e as PolyglotError {
            return CellResult(output: captured, error: e)
        } catch {
            return CellResult(output: captured, error: PolyglotError.runtime("\(error)", at: nil))
        }
    }

    /// Runs a file in this session (`use "lib.pg"`); its outputs are not recorded.
    public func use(_ url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PolyglotError.runtime("cannot read '\(url.path)': \(error.localizedDescription)", at: nil)
        }
        try use(text, file: url.path)
    }

    private func use(_ text: String, file: String) throws {
        let saved = captured
        let result = execute(text, file: file)
        captured = saved
        if let e = result.error { throw e }
    }

    /// Runs the stdlib's files in order at start-up; what they define is not listed by `vars`.
    public func loadLibrary(_ sources: [Stdlib.Source]) throws {
        for source in sources { try use(source.text, file: source.file) }
        libraryFunctions.formUnion(functions.keys)
        libraryGlobals.formUnion(globals.keys)
    }

    /// A path as lab code should open it: unchanged when relative paths already resolve against the
    /// session's folder (the CLI runs in the notebook's folder), so provenance shows what was written.
    public func openablePath(_ path: String) -> String {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        return cwd == baseDirectory.standardizedFileURL && !path.hasPrefix("~/") ? path : resolve(path).path
    }

    public func resolve(_ path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        if path.hasPrefix("~/") { return URL(fileURLWithPath: UserHome.expandingTilde(path)) }
        return baseDirectory.appendingPathComponent(path)
    }

    // MARK: - Errors

    private func remember(_ source: String, file: String, firstLine: Int) {
        var lines = sourceLines[file] ?? [:]
        for (i, l) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            lines[firstLine + i] = String(l)
        }
        sourceLines[file] = lines
    }

    /// The diagnostic with its source line and caret.
    public func render(_ error: PolyglotError) -> String {
        let line = error.span.flatMap { sourceLines[$0.file]?[$0.start.line] }
        return error.render(sourceLine: line)
    }
}
