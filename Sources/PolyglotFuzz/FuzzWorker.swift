// The worker side of a fuzz run: one process runs a range of inputs of one target and reports the
// index of each input on its progress channel before running it, so when the process dies or stops
// reporting, the driver knows which input did it.

import Foundation
import PolyglotEngine

/// A deliberate failure at one input, so a test can check that the driver catches and reproduces it.
public enum FuzzInjection: Equatable, Sendable {
    case crash(index: Int)
    case hang(index: Int)

    /// `crash:17` or `hang:5`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let index = Int(parts[1]), index >= 0 else { return nil }
        switch parts[0] {
        case "crash": self = .crash(index: index)
        case "hang": self = .hang(index: index)
        default: return nil
        }
    }

    public var text: String {
        switch self {
        case .crash(let i): "crash:\(i)"
        case .hang(let i): "hang:\(i)"
        }
    }
}

public enum FuzzWorker {
    /// Caps the address space of this process, so a runaway allocation fails here (and is reported)
    /// instead of pushing the shared machine into swap.
    public static func limitMemory(megabytes: Int) {
        var limit = rlimit(rlim_cur: rlim_t(megabytes) << 20, rlim_max: rlim_t(megabytes) << 20)
        #if os(Linux)
            setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        #else
            setrlimit(RLIMIT_AS, &limit)
        #endif
    }

    /// The mutator of a target: its seeds, mutated in its dialect.
    public static func mutator(for target: any FuzzTarget) throws -> Mutator {
        let seeds = try target.seeds()
        guard !seeds.isEmpty else { throw FuzzError("fuzz target \(target.name) has no seed inputs") }
        return Mutator(corpus: seeds.map(\.bytes), dialect: target.dialect)
    }

    /// Runs inputs `range` of the run with `seed`, writing "INDEX\n" to `progress` before each one and
    /// `finished` after the last.
    public static func run(
        _ target: any FuzzTarget, seed: UInt64, range: Range<Int>, progress: FileHandle,
        injection: FuzzInjection? = nil
    ) throws {
        let mutator = try mutator(for: target)
        // Tables built on first use (the language identifier, the builtin world) are built before the clock starts.
        _ = target.run(mutator.corpus[0])
        for index in range {
            progress.write(Data("\(index)\n".utf8))
            switch injection {
            case .crash(index)?: fatalError("fuzz self-check: crash injected at input \(index)")
            case .hang(index)?: while true { Thread.sleep(forTimeInterval: 1) }
            default: break
            }
            _ = target.run(mutator.input(seed: seed, index: index))
        }
        progress.write(Data("\(FuzzWorker.finished)\n".utf8))
    }

    /// The progress line after the last input: the process's exit is no longer timed as an input.
    public static let finished = "done"
}
