// Enforces `stop` strings on streamed text: text that might be the start of a stop string is held
// back until it is clearly not one, so a client never sees any part of a stop string.

import Foundation

/// Feeds generated pieces through; emits the text that is safe to send.
struct StopSequenceFilter {
    private let stops: [String]
    private var held = ""
    private(set) var stopped = false

    init(stops: [String]) { self.stops = stops }

    /// Adds a piece; returns the text that can be sent now. After a stop string was seen, `stopped` is true
    /// and everything from the stop string on is dropped.
    mutating func feed(_ piece: String) -> String {
        guard !stopped else { return "" }
        held += piece
        if let cut = stops.compactMap({ held.range(of: $0)?.lowerBound }).min() {
            stopped = true
            let out = String(held[..<cut])
            held = ""
            return out
        }
        // Keep the longest suffix of `held` that is a proper prefix of some stop string.
        let keep =
            stops.map { stop in
                (1..<max(stop.count, 1)).reversed().first { n in
                    n <= held.count && held.hasSuffix(String(stop.prefix(n)))
                } ?? 0
            }.max() ?? 0
        let split = held.index(held.endIndex, offsetBy: -keep)
        let out = String(held[..<split])
        held = String(held[split...])
        return out
    }

    /// The held-back text once generation has ended without a stop string.
    mutating func flush() -> String {
        defer { held = "" }
        return stopped ? "" : held
    }
}
