import Foundation
import XCTest

@testable import PolyglotLab

/// `answer … to:` and `judge … with: llm(…)` in a real `polyglot` process killed with SIGKILL mid-way, then run
/// again: the re-run asks nothing twice and the files hold whole, distinct lines.
final class EvalCrashSafetyTests: XCTestCase {
    /// The `polyglot` binary built beside the test bundle (the CLI tests depend on it, so it is always built).
    let binary: URL = {
        var dir = Bundle.main.bundleURL
        if dir.pathExtension == "xctest" { dir.deleteLastPathComponent() }
        return dir.appendingPathComponent("polyglot")
    }()

    /// Starts `polyglot run SCRIPT` in `dir` with its own cache folder; stdout and stderr go to files there.
    func start(_ script: String, in dir: URL, name: String) throws -> Process {
        let file = try EvalFixtures.write(script + "\n", name + ".pg", in: dir)
        let p = Process()
        p.executableURL = binary
        p.arguments = ["run", file.path]
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["POLYGLOT_CACHE"] = dir.appendingPathComponent("cache").path
        p.environment = env
        FileManager.default.createFile(atPath: dir.appendingPathComponent(name + ".out").path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: dir.appendingPathComponent(name + ".out"))
        p.standardError = p.standardOutput
        try p.run()
        return p
    }

    func output(_ name: String, in dir: URL) -> String {
        (try? String(contentsOf: dir.appendingPathComponent(name + ".out"), encoding: .utf8)) ?? ""
    }

    /// Waits until `file` holds at least `count` newlines, then kills the process with SIGKILL. Polls with
    /// `Task.sleep`, so the loopback judge's handlers keep the concurrency pool.
    func killMidway(_ p: Process, after count: Int, linesIn file: URL, timeout: Double = 300) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && p.isRunning {
            let data = FileManager.default.contents(atPath: file.path) ?? Data()
            if data.filter({ $0 == UInt8(ascii: "\n") }).count >= count { break }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertTrue(p.isRunning, "the run ended before it could be killed mid-way")
        kill(p.processIdentifier, SIGKILL)
        try await waitForExit(p)
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
    }

    func waitForExit(_ p: Process) async throws {
        while p.isRunning { try await Task.sleep(nanoseconds: 20_000_000) }
        p.waitUntilExit()
    }

    /// The whole lines of a file (a torn last line, which the re-run reports and drops, is left out).
    func wholeLines(_ file: URL) throws -> [String] {
        let text = try String(contentsOf: file, encoding: .utf8)
        let pieces = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return Array(pieces.dropLast())
    }

    func object(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    func testKilledJudgeRunResumesAskingNothingTwice() async throws {
        let dir = temporaryDirectory()
        let questions = Array(Builtins.benchmark().questions.filter { $0.lang == .de }.prefix(12))
        let answers = questions.map {
            ModelAnswer(
                questionID: $0.id, answerID: "a", modelID: "toy", turns: $0.turns.map { "Antwort auf: " + $0 },
                tstamp: 0)
        }
        try ModelAnswer.write(answers, to: dir.appendingPathComponent("toy.jsonl"))
        let total = questions.map { min(2, $0.turns.count) }.reduce(0, +)
        let server = try await LoopbackJudge(delay: 0.2) { _, _ in .text("Bewertung: [[7]]") }
        let script = """
            let a = load answers "toy.jsonl" bench: builtin:bench
            let j = judge a with: llm(url: "\(server.url)", model: "slow-judge", concurrency: 2, cache: "judge-cache.jsonl")
            j
            """
        let cache = dir.appendingPathComponent("judge-cache.jsonl")
        try await killMidway(try start(script, in: dir, name: "first"), after: 5, linesIn: cache)
        let askedBeforeKill = await server.log.users()
        let kept = try wholeLines(cache)
        XCTAssertTrue(kept.allSatisfy { object($0) != nil }, "every whole line is a JSON object")

        let rerun = try start(script, in: dir, name: "second")
        try await waitForExit(rerun)
        let askedByRerun = await server.log.users().dropFirst(askedBeforeKill.count)
        await server.stop()
        let out = output("second", in: dir)
        XCTAssertEqual(rerun.terminationStatus, 0, out)
        XCTAssertEqual(askedByRerun.count, total - kept.count, "only what the cache lacked is asked")
        XCTAssertEqual(Set(askedByRerun).count, askedByRerun.count)
        // Requests in flight at the kill were never answered into the cache: only they are asked again.
        XCTAssertEqual(Set(askedBeforeKill).intersection(askedByRerun).count, askedBeforeKill.count - kept.count)
        XCTAssertTrue(out.contains("judged \(total) turns"), out)
        XCTAssertTrue(out.contains("\(kept.count) of \(total) judge replies from the cache"), out)
        let final = try wholeLines(cache)
        let keys = final.compactMap { object($0)?["key"] as? String }
        XCTAssertEqual(keys.count, total, "every line whole")
        XCTAssertEqual(Set(keys).count, total, "no line twice")
        XCTAssertEqual(Array(final.prefix(kept.count)), kept, "what the killed run wrote is kept as it was")
    }

    func testKilledAnswerRunResumesWithoutRegeneratingOrDuplicating() async throws {
        let dir = temporaryDirectory()
        // A small, fast model (pre-trained once, then loaded from the run's cache folder by the second process).
        let script = """
            let tiny = {sentences: 2000, merges: 200, d_model: 32, layers: 1, heads: 2, ffn: 64, steps: 2, batch: 4}
            let m = pretrain builtin:corpus config: tiny seed: 1
            let a = answer m on: builtin:bench langs: ["de"] max_tokens: 24 to: "answers.jsonl" seed: 1
            """
        let file = dir.appendingPathComponent("answers.jsonl")
        try await killMidway(try start(script, in: dir, name: "first"), after: 5, linesIn: file)
        let kept = try wholeLines(file)
        XCTAssertGreaterThanOrEqual(kept.count, 5)
        XCTAssertTrue(kept.allSatisfy { object($0) != nil }, "every whole line is a JSON object")

        let rerunStart = Date()
        let rerun = try start(script, in: dir, name: "second")
        try await waitForExit(rerun)
        let out = output("second", in: dir)
        XCTAssertEqual(rerun.terminationStatus, 0, out)
        let questions = Builtins.benchmark().questions.filter { $0.lang == .de }
        XCTAssertTrue(out.contains("answered \(questions.count) questions × 2 turns → answers.jsonl"), out)
        XCTAssertTrue(out.contains("\(kept.count) of them resumed from answers.jsonl"), out)
        let final = try wholeLines(file)
        XCTAssertEqual(
            final.compactMap { object($0)?["question_id"] as? String }, questions.map(\.id),
            "one whole line per question, in benchmark order")
        // Generation is seeded, so a regenerated answer would read the same: its time stamp tells it apart. Answers
        // arrive in any order (a loaded model answers one question per core), so they are matched by question.
        let stamps = { (lines: [String]) in
            Dictionary(
                lines.compactMap { line in
                    self.object(line).flatMap { o in
                        (o["question_id"] as? String).flatMap { id in (o["tstamp"] as? Double).map { (id, $0) } }
                    }
                }, uniquingKeysWith: { first, _ in first })
        }
        let keptStamps = stamps(kept), finalStamps = stamps(final)
        XCTAssertEqual(keptStamps.count, kept.count)
        for (id, before) in keptStamps {
            XCTAssertEqual(
                finalStamps[id] ?? .nan, before, accuracy: 1e-3,
                "\(id), answered before the kill, is not generated again")
        }
        XCTAssertLessThan(keptStamps.values.max() ?? .infinity, rerunStart.timeIntervalSince1970)
    }
}
