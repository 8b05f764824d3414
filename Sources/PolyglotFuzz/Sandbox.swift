// The sandbox the DSL fuzz target runs programs in: every command is registered with its real
// signature (so argument checking runs as usual), but commands that train or load models, start
// servers, reach the network or write files answer with a located error instead of running, and a
// program still running after its time budget is interrupted the way Ctrl-C interrupts it.

import Foundation
import PolyglotLang
import Synchronization

enum Sandbox {
    /// Why a command is not run; commands not listed run for real.
    static let declined: [String: String] = [
        "pretrain": "trains a model", "tune": "trains a model", "probe": "generates with a model",
        "answer": "generates with a model", "chat": "generates with a model", "complete": "generates with a model",
        "logits": "runs a model", "routing": "runs a model", "new model": "writes a checkpoint",
        "serve": "starts a server",
        "stop": "stops servers", "annotate": "asks a person and writes a file",
        "save": "writes a file", "export": "writes files", "plan": "writes files"
    ]

    /// Commands that run unless one argument asks for what the sandbox declines.
    static let declinedArguments: [String: (argument: String, reason: String, applies: (Value) -> Bool)] = [
        "plot": ("to", "writes a file", { $0 != .none }),
        "findings": ("to", "writes a file", { $0 != .none }),
        // `llm(…)` only makes a judge value; judging with it reaches the network.
        "judge": ("with", "reaches the network", { if case .object = $0 { true } else { false } }),
        "load model": ("path", "pre-trains or loads a builtin base", isBuiltinReference),
        // Describing a builtin regenerates the miniature world's corpus or instruction sets (seconds each time).
        "show": ("value", "regenerates the miniature world", isBuiltinReference)
    ]

    private static func isBuiltinReference(_ value: Value) -> Bool {
        if case .string(let s) = value { s.hasPrefix("builtin:") } else { false }
    }

    /// The standard registry with the declined commands replaced.
    static func registry() -> CommandRegistry {
        let sandboxed = CommandRegistry()
        for var spec in CommandRegistry.standard().sorted {
            let name = spec.name
            if let reason = declined[name] {
                spec.run = { inv in throw inv.error("'\(name)' is not run in the fuzzing sandbox (it \(reason))") }
            } else if let rule = declinedArguments[name] {
                let real = spec.run
                spec.run = { inv in
                    guard !rule.applies(inv.value(rule.argument)) else {
                        let why = "(it \(rule.reason))"
                        throw inv.error(
                            "'\(name)' with this \(rule.argument) is not run in the fuzzing sandbox \(why)",
                            at: rule.argument)
                    }
                    return try real(inv)
                }
            }
            sandboxed.register(spec)
        }
        return sandboxed
    }
}

/// Interrupts the running program when one input has used its time budget. A watchdog thread checks
/// the start time of the current input; a program that never polls `Interrupt` still shows up as a hang.
final class Deadline: @unchecked Sendable {
    private let started = Atomic<UInt64>(0)  // uptime in ns of the current input's start; 0 when idle
    private let budget: UInt64

    init(seconds: Double) {
        budget = UInt64(seconds * 1e9)
        let thread = Thread {  // lives as long as the process, like the deadline
            while true {
                Thread.sleep(forTimeInterval: 0.02)
                let start = self.started.load(ordering: .relaxed)
                if start != 0, DispatchTime.now().uptimeNanoseconds - start > self.budget { Interrupt.request() }
            }
        }
        thread.stackSize = 1 << 16
        thread.start()
    }

    /// Runs `body` under the budget.
    func run<T>(_ body: () -> T) -> T {
        started.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
        defer { started.store(0, ordering: .relaxed) }
        return body()
    }
}
