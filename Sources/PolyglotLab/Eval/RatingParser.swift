// Reading a judge's verdict out of its free text, with FastChat's exact rules (common.py).
import Foundation

enum RatingParser {
    private static let primary = try? NSRegularExpression(pattern: #"\[\[(\d+\.?\d*)\]\]"#)
    private static let backup = try? NSRegularExpression(pattern: #"\[(\d+\.?\d*)\]"#)

    /// The first `[[n]]`, else the first `[n]`; −1 when neither occurs (the raw text is kept by the caller).
    static func rating(_ text: String) -> Double {
        for regex in [primary, backup].compactMap({ $0 }) {
            let range = NSRange(text.startIndex..., in: text)
            if let m = regex.firstMatch(in: text, range: range), let r = Range(m.range(at: 1), in: text),
                let v = Double(text[r])
            {
                return v
            }
        }
        return -1
    }

    /// Pairwise `[[A]]` format: substring tests in FastChat's order A, B, C (tie), then MT-Bench-X's D (both bad).
    static func verdict(_ text: String) -> String {
        if text.contains("[[A]]") { return "A" }
        if text.contains("[[B]]") { return "B" }
        if text.contains("[[C]]") { return "tie" }
        if text.contains("[[D]]") { return "both bad" }
        return "error"
    }
}
