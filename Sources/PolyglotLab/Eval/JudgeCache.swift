// The judge cache: every reply of an LLM judge kept on disk under a key of everything that changes it, so a
// re-run asks the judge nothing it was asked before and an interrupted (even killed) run resumes. API keys are
// never part of a key nor written.
import Foundation
import PolyglotEngine

/// A JSON Lines file of judge replies, one line per request: `{"key", "reply", "judge_model", "prompt",
/// "question_id", "turn", "tstamp"}`, the fields beside key and reply there for a person reading it.
final class JudgeCache {
    let url: URL
    /// Problems found on opening (a torn last line, malformed lines), each with file:line.
    private(set) var problems: [EvalError] = []
    private var replies: [String: String] = [:]
    private let appender: JSONLAppender

    /// The default file for a judge model: `<cache folder>/judge/<model>.jsonl`.
    static func defaultFile(judgeModel: String) -> URL {
        let safe = String(judgeModel.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
        return BaseModels.cacheDirectory.appendingPathComponent("judge").appendingPathComponent(safe + ".jsonl")
    }

    init(_ url: URL) throws {
        self.url = url
        appender = try JSONLAppender(url)
        if let torn = appender.repaired { problems.append(torn) }
        for r in try JSONL.read(url, problems: &problems) {
            guard let key = r.object["key"] as? String, let reply = r.object["reply"] as? String else {
                problems.append(
                    EvalError(
                        file: url.path, line: r.line,
                        "expected a judge cache line with string `key` and `reply`"))
                continue
            }
            replies[key] = reply
        }
    }

    func reply(for key: String) -> String? { replies[key] }

    /// Stores a reply (appended and synced at once, so a killed run keeps it).
    func store(_ reply: String, for request: JudgeRequest, key: String, judgeModel: String) throws {
        try appender.append([
            "key": key, "reply": reply, "judge_model": judgeModel, "prompt": request.promptName,
            "question_id": jsonQuestionID(request.questionID), "turn": request.turn,
            "tstamp": Date().timeIntervalSince1970
        ])
        replies[key] = reply
    }
}

extension JudgeRequest {
    /// The cache key: a fingerprint of everything that changes the judge's reply — where it is asked (URL, judge
    /// model, temperature, token budget), the prompt (name — which also tells the variant: FastChat's `single-v1`…,
    /// or `compact-v1`… —, system text, template, the filled text) and what it judges (references, answers). Two FNV-1a passes make 128 bits: a collision would return another judgment.
    func cacheKey(endpoint: ChatEndpoint, temperature: Double) -> String {
        let fields: [Any] = [
            "polyglot-judge-cache-1", endpoint.completionsURL, endpoint.model, temperature,
            endpoint.maxTokens, promptName, system, template, user, references, answers
        ]
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        let first = FNV1a64.hash(data), second = FNV1a64.hash(Data([0x01]) + data)
        return [first, second].map { word in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
