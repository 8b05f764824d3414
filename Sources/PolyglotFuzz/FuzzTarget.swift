// A fuzz target: one input format and the code that reads it, fed mutated real inputs. Running an
// input never throws: it returns what a user would see (a result, or the error message), and any
// crash, hang or runaway allocation is caught by the driver in the worker process around it.

import Foundation

public protocol FuzzTarget: AnyObject {
    /// The name on the command line (`polyglot fuzz run dataset`).
    var name: String { get }
    /// What is read, for `--help` and the run's summary.
    var summary: String { get }
    var dialect: InputDialect { get }
    /// The seed corpus: real files of the format (with where each came from, for the report).
    func seeds() throws -> [FuzzSeed]
    /// Reads one input; the text is the result's description or the error the user would get.
    func run(_ input: [UInt8]) -> FuzzOutcome
}

public struct FuzzSeed: Sendable {
    public var origin: String
    public var bytes: [UInt8]

    public init(origin: String, bytes: [UInt8]) {
        self.origin = origin
        self.bytes = bytes
    }

    init(file url: URL, root: URL) throws {
        origin = url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : url.path
        bytes = Array(try Data(contentsOf: url))
    }
}

/// What one input gave.
public enum FuzzOutcome: Equatable, Sendable {
    case result(String)
    case error(String)

    public var description: String {
        switch self {
        case .result(let s): "result: \(s)"
        case .error(let s): "error: \(s)"
        }
    }

    /// Runs `body`, turning a thrown error into the message a user would read.
    static func of(_ body: () throws -> String) -> FuzzOutcome {
        do { return .result(try body()) } catch { return .error("\(error)") }
    }
}

/// Where targets find their seeds and write their files.
public struct FuzzEnvironment {
    /// The checkout: `stdlib/`, `notebooks/` and `Tests/Fixtures/fuzz/`.
    public var root: URL
    /// MT-Bench-X (`../shared/data/mt-bench-x`), when present: more real seeds for the evaluation targets.
    public var mtBenchX: URL?
    /// A private scratch folder: inputs that must be files are written here.
    public var work: URL

    public init(root: URL, mtBenchX: URL?, work: URL) {
        self.root = root
        self.mtBenchX = mtBenchX
        self.work = work
    }

    var fixtures: URL { root.appendingPathComponent("Tests/Fixtures/fuzz") }

    /// The files of a folder with one of the extensions, in name order (recursively).
    func files(under folder: URL, extensions: Set<String>) -> [URL] {
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        return (walker?.compactMap { $0 as? URL } ?? []).filter { extensions.contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
    }

    func seeds(under folder: URL, extensions: Set<String>) throws -> [FuzzSeed] {
        try files(under: folder, extensions: extensions).map { try FuzzSeed(file: $0, root: root) }
    }

    /// Writes an input where a loader expects a file (replacing the previous input).
    func write(_ bytes: [UInt8], to relativePath: String) throws -> URL {
        let url = work.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url
    }
}

/// Every target, in the order `make fuzz` runs them.
public enum FuzzTargets {
    public static let names = [
        "dsl-parse", "dsl-run", "notebook", "dataset", "answers", "judgments", "bench",
        "config", "tokenizer", "safetensors", "serve-request"
    ]

    public static func make(_ name: String, environment env: FuzzEnvironment) throws -> any FuzzTarget {
        switch name {
        case "dsl-parse": return try DSLParseTarget(env)
        case "dsl-run": return try DSLRunTarget(env)
        case "notebook": return NotebookTarget(env)
        case "dataset": return DatasetTarget(env)
        case "answers": return try AnswersTarget(env)
        case "judgments": return try JudgmentsTarget(env)
        case "bench": return BenchTarget(env)
        case "config": return try CheckpointTarget(env, part: .config)
        case "tokenizer": return TokenizerTarget(env)
        case "safetensors": return try CheckpointTarget(env, part: .safetensors)
        case "serve-request": return ServeRequestTarget(env)
        default:
            throw FuzzError("unknown fuzz target '\(name)'; expected one of: \(names.joined(separator: ", "))")
        }
    }
}

public struct FuzzError: Error, CustomStringConvertible {
    public var description: String
    public init(_ message: String) { description = message }
}
