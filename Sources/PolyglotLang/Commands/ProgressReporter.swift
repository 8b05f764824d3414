// How commands show work in progress, in one format: a bar and counts redrawn on the terminal, never recorded
// in a notebook; and the number formats of their progress lines and summaries.

import Foundation
import PolyglotLab

public struct ProgressReporter {
    /// Where a line goes: a session's `progress` (the terminal, in the REPL and `run`), or the terminal directly.
    let show: (String) -> Void

    public init(show: @escaping (String) -> Void) { self.show = show }

    /// `[████················] answering 3/80`
    func count(_ done: Int, of total: Int, _ activity: String) {
        show(Self.bar(done, total) + " \(activity) \(done)/\(total)")
    }

    /// The callback of lab work that counts items, for `activity` ("judging").
    func counter(_ activity: String) -> @Sendable (Int, Int) -> Void {
        { done, total in self.count(done, of: total, activity) }
    }

    public func pretraining(_ p: PretrainProgress) {
        guard p.step > 0 else { return show(p.phase + " …") }
        show(
            Self.bar(p.step, p.totalSteps) + " \(p.phase) · step \(p.step)/\(p.totalSteps)"
                + " · loss \(Self.fixed(p.loss, 3)) · \(Int(p.tokensPerSecond)) tok/s"
                + " · ETA \(Self.duration(p.secondsLeft))")
    }

    func tuning(_ p: TuneProgress) {
        show(
            Self.bar(p.step, p.totalSteps) + " step \(p.step)/\(p.totalSteps) · epoch \(p.epoch)"
                + " · loss \(Self.fixed(p.loss, 3))" + (p.validationLoss.map { " · val \(Self.fixed($0, 3))" } ?? "")
                + " · \(Int(p.tokensPerSecond)) tok/s · ETA \(Self.duration(p.secondsLeft))")
    }

    /// "12.3 s wall time, 15.2K tokens/s": the real (non-padding) tokens trained on per second of wall time.
    static func wallTime(since started: Date, tokens: Int) -> String {
        let seconds = Date().timeIntervalSince(started)
        return "\(duration(seconds)) wall time, "
            + String(format: "%.1fK tokens/s", Double(tokens) / max(seconds, 1e-9) / 1000)
    }

    static func bar(_ done: Int, _ total: Int, width: Int = 20) -> String {
        let filled = total > 0 ? min(width, done * width / total) : 0
        return "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "]"
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    static func duration(_ s: Double) -> String {
        s < 60 ? String(format: "%.1f s", s) : String(format: "%d min %02d s", Int(s) / 60, Int(s) % 60)
    }
}

extension Invocation {
    var progress: ProgressReporter { ProgressReporter(show: session.progress) }
}
