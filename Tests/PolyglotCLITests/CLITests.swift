import Foundation
import XCTest

final class CLITests: XCTestCase {
    func testVersionAndHelp() throws {
        let v = try runPolyglot(["--version"])
        XCTAssertEqual(v.status, 0)
        XCTAssertEqual(v.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.1.0")
        let h = try runPolyglot(["help"])
        XCTAssertEqual(h.status, 0)
        XCTAssertTrue(h.stdout.contains("replay"), h.stdout)
    }

    func testTypoExitsOneNamingLineAndColumn() throws {
        let dir = try temporaryDirectory("pg-cli")
        let file = dir.appendingPathComponent("typo.pg")
        try "let x = 1\nlett y = 2\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try runPolyglot(["run", file.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("typo.pg:2:1: error: unknown command 'lett'"), r.stderr)
        XCTAssertTrue(r.stderr.contains("did you mean 'let'?"), r.stderr)
    }

    func testRunPrintsOutputsAndReplayRewritesThenChecks() throws {
        let dir = try temporaryDirectory("pg-cli")
        let file = dir.appendingPathComponent("nb.pg")
        try "# polyglot notebook v1 · seed 3\n# %%\nlet xs = [1, 2, 3]\nsum xs\n#> 999\n".write(
            to: file, atomically: true, encoding: .utf8)
        let run = try runPolyglot(["run", file.path])
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.stdout, "6\n")
        let check = try runPolyglot(["replay", "--check", file.path])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stdout.contains("-#> 999\n+#> 6"), check.stdout)
        XCTAssertEqual(try runPolyglot(["replay", file.path]).status, 0)
        XCTAssertEqual(
            try String(contentsOf: file, encoding: .utf8),
            "# polyglot notebook v1 · seed 3\n# %%\nlet xs = [1, 2, 3]\nsum xs\n#> 6\n")
        XCTAssertEqual(try runPolyglot(["replay", "--check", file.path]).status, 0)
    }

    func testFailingReplayLeavesTheNotebookUntouched() throws {
        let dir = try temporaryDirectory("pg-cli")
        let file = dir.appendingPathComponent("nb.pg")
        let text = "# %%\n1 + 1\n#> 2\n# %%\n1 / 0\n"
        try text.write(to: file, atomically: true, encoding: .utf8)
        let r = try runPolyglot(["replay", file.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("nb.pg:5:3: error: division by zero"), r.stderr)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), text)
    }

    func testPipedStdinRunsWithoutLibedit() throws {
        let r = try runPolyglot([], stdin: "let x = 20\nx * 2 + 2\nfn f(a) {\n  a + 1\n}\nf(1)\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "42\n2\n")
        let bad = try runPolyglot([], stdin: "nope nope\n1\n")
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stdout, "1\n", "the session goes on after an error")
    }

    /// Every fast notebook shipped in notebooks/ replays with its recorded outputs. Notebooks that load the full
    /// builtin bases need minutes of pre-training on a fresh machine: `make notebooks` replays those.
    func testNotebooksReplay() throws {
        let folder = repositoryRoot.appendingPathComponent("notebooks")
        let all = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".pg") }
            .sorted()
        let notebooks = try all.filter { name in  // code lines only: a comment may name the full bases
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            return !text.split(separator: "\n").contains { !$0.hasPrefix("#") && $0.contains("load model builtin:") }
        }
        XCTAssertTrue(notebooks.contains("00-tour.pg") && notebooks.contains("04-study-grid-ci.pg"))
        print(
            "replaying \(notebooks.count) fast notebooks; left to `make notebooks`: \(Set(all).subtracting(notebooks).sorted())"
        )
        for name in notebooks {
            let r = try runPolyglot(["replay", "--check", folder.appendingPathComponent(name).path])
            XCTAssertEqual(r.status, 0, "\(name):\n" + r.stdout + r.stderr)
        }
    }
}

final class ReplTerminalTests: XCTestCase {
    func testHistoryCompletionCtrlCAndCtrlD() throws {
        let home = try temporaryDirectory("pg-home")
        let env = [
            "HOME": home.path, "TERM": "xterm", "PATH": "/usr/bin:/bin",
            "POLYGLOT_HISTORY": home.appendingPathComponent("history").path
        ]
        do {
            let t = try PseudoTerminal(arguments: [], environment: env)
            t.expect("pg> ")
            t.send("let alpha_value = 41\r")
            t.expect("pg> ")
            // Completion of a variable, then of a keyword of the command being typed.
            t.send("alpha_v\t + 1\r")
            t.expect("42")
            t.send("range 4 ste\t2\r")
            t.expect("[0, 2]")
            // Ctrl-C interrupts a long computation and keeps the session.
            t.send("for i in range 5000000 { let t = i }\r")
            Thread.sleep(forTimeInterval: 0.5)
            t.send("\u{03}")
            t.expect("error: interrupted")
            t.send("alpha_value\r")
            t.expect("41")
            // Ctrl-C at the prompt abandons the line.
            t.send("let lost = 1\u{03}")
            t.expect("^C")
            t.send("vars\r")
            t.expect("alpha_value: integer = 41")
            t.expect("pg> ")
            XCTAssertFalse(t.transcript.contains("lost: integer"))
            // Ctrl-D offers to save the unsaved cells.
            t.endSession(saveTo: home.appendingPathComponent("saved.pg").path)
        }
        let saved = try String(contentsOf: home.appendingPathComponent("saved.pg"), encoding: .utf8)
        XCTAssertTrue(saved.contains("# %%\nalpha_value  + 1\n#> 42\n"), saved)
        // libedit writes spaces in its history file as \040.
        let history = try String(contentsOf: home.appendingPathComponent("history"), encoding: .utf8)
            .replacingOccurrences(of: "\\040", with: " ")
        XCTAssertTrue(history.contains("let alpha_value = 41"), history)
        // A new session recalls the history with the Up arrow.
        let t2 = try PseudoTerminal(arguments: [], environment: env)
        t2.expect("pg> ")
        t2.send("\u{1B}[A")
        t2.expect("vars")
        t2.send("\r")
        t2.expect("nothing defined yet")
        t2.expect("pg> ")
        t2.endSession()
    }
}

extension ReplTerminalTests {
    /// The history, the base-model cache, `~/` in paths and its completion all follow $HOME (Foundation alone
    /// reads the passwd entry's home on Linux).
    func testHomeComesFromTheEnvironment() throws {
        let home = try temporaryDirectory("pg-home")
        let t = try PseudoTerminal(
            arguments: [],
            environment: ["HOME": home.path, "TERM": "xterm", "PATH": "/usr/bin:/bin"])
        t.expect("pg> ")
        t.send(
            "let small = pretrain builtin:corpus config: {sentences: 200, merges: 20, d_model: 16, layers: 1, "
                + "heads: 2, ffn: 32, context: 16, steps: 2, batch: 2}\r")
        t.expect("pre-trained dense", timeout: 60)
        t.expect("pg> ")
        t.send("save \"~/notes.pg\"\r")
        t.expect("saved 1 cell(s) to ~/notes.pg")
        t.expect("pg> ")
        t.send("use \"~/no\t")
        t.expect("tes.pg")
        // libedit only sees Ctrl-C while it waits in read(): give it the moment it takes to finish the redraw.
        Thread.sleep(forTimeInterval: 0.2)
        t.send("\u{03}")
        t.expect("pg> ")
        t.endSession()
        XCTAssertTrue(FileManager.default.fileExists(atPath: home.appendingPathComponent("notes.pg").path))
        let history = try String(contentsOf: home.appendingPathComponent(".polyglot_history"), encoding: .utf8)
        XCTAssertTrue(history.contains("pretrain"), history)
        let cache = home.appendingPathComponent(".cache/polyglot")
        let cached = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        XCTAssertTrue(cached.contains { $0.hasPrefix("dense-") }, "\(cached)")
    }

    /// Leaving asks yes or no first (`n` used to save a notebook named "n"), then a file name, empty for a fresh
    /// session-YYYYMMDD-HHMM.pg; an existing file is replaced only when the person says so; Ctrl-D keeps the cells.
    func testLeavingAsksYesOrNoThenAFileNameAndNeverOverwritesSilently() throws {
        let dir = try temporaryDirectory("pg-save")
        let env = [
            "HOME": dir.path, "TERM": "xterm", "PATH": "/usr/bin:/bin",
            "POLYGLOT_HISTORY": dir.appendingPathComponent("history").path
        ]
        func session(running cell: String) throws -> PseudoTerminal {
            let t = try PseudoTerminal(arguments: [], environment: env, cwd: dir)
            t.expect("pg> ")
            t.send(cell + "\r")
            t.expect("pg> ")
            t.leave()
            return t
        }
        func notebooks() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".pg") }.sorted()
        }
        func text(_ name: String) throws -> String {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        }

        let declined = try session(running: "1 + 1")
        declined.answer("n")
        XCTAssertEqual(declined.waitForExit(), 0)
        XCTAssertEqual(try notebooks(), [])

        let accepted = try session(running: "2 + 3")
        accepted.answer("maybe")
        accepted.expect("Please answer y or n.")
        accepted.answer("Yes")
        accepted.expect("File name (empty: session-")
        accepted.answer("")
        accepted.expect("saved 1 cell(s) to session-")
        XCTAssertEqual(accepted.waitForExit(), 0)
        let saved = try notebooks()
        XCTAssertEqual(saved.count, 1)
        let first = try XCTUnwrap(saved.first)
        XCTAssertNotNil(first.range(of: #"^session-[0-9]{8}-[0-9]{4}\.pg$"#, options: .regularExpression), first)
        XCTAssertTrue(try text(first).contains("2 + 3\n#> 5\n"))

        let kept = try session(running: "7 * 6")
        kept.answer("y")
        kept.expect("File name")
        kept.answer(first)
        kept.expect("\(first) exists. Replace it? (y/n)")
        kept.answer("no")
        kept.expect("File name")
        kept.answer("other.pg")
        kept.expect("saved 1 cell(s) to other.pg")
        XCTAssertEqual(kept.waitForExit(), 0)
        XCTAssertTrue(try text(first).contains("2 + 3\n#> 5\n"), "not overwritten")
        XCTAssertTrue(try text("other.pg").contains("7 * 6\n#> 42\n"))

        let ended = try session(running: "40 + 2")
        ended.endInput()
        ended.expect("File name (empty: session-")
        ended.endInput()
        ended.expect("saved 1 cell(s) to session-")
        XCTAssertEqual(ended.waitForExit(), 0)
        XCTAssertEqual(try notebooks().count, 3)
    }
}

final class TuneInterruptTests: XCTestCase {
    /// Ctrl-C during `tune … save:` keeps the partial model and its optimizer state; `resume:` finishes the run
    /// with the same weights (same logits) as a run that was never stopped.
    func testCtrlCStopsTuningAndResumeMatchesAnUninterruptedRun() throws {
        let home = try temporaryDirectory("pg-tune")
        let env = [
            "HOME": home.path, "TERM": "xterm", "PATH": "/usr/bin:/bin",
            "POLYGLOT_CACHE": home.appendingPathComponent("cache").path,
            "POLYGLOT_HISTORY": home.appendingPathComponent("history").path
        ]
        let t = try PseudoTerminal(arguments: [], environment: env)
        t.expect("pg> ")
        t.send(
            "let base = pretrain builtin:corpus config: {sentences: 2000, merges: 300, d_model: 32, layers: 1, heads: 2, ffn: 64, context: 64, steps: 5, batch: 4} seed: 1\r"
        )
        t.expect("pre-trained dense", timeout: 60)
        t.send("let d = load dataset builtin:lima-mini\r")
        t.expect("pg> ")
        t.send("let run = {on: (compose d langs: [\"de\"]), epochs: 16, lr: 1e-3, batch: 8, seed: 2}\r")
        t.expect("pg> ")
        let dir = home.appendingPathComponent("run").path
        t.send(
            "let part = tune base on: run.on epochs: run.epochs lr: run.lr batch: run.batch seed: run.seed save: \"\(dir)\"\r"
        )
        t.expect("step 3/")
        t.send("\u{03}")
        t.expect("stopped early by Ctrl-C")
        t.expect("continue with resume:")
        t.expect("pg> ")
        t.send(
            "let done = tune base on: run.on epochs: run.epochs lr: run.lr batch: run.batch seed: run.seed resume: \"\(dir)\" name: \"t\"\r"
        )
        t.expect("saved to \(dir)\r", timeout: 120)
        t.send("let whole = tune base on: run.on epochs: run.epochs lr: run.lr batch: run.batch seed: run.seed\r")
        t.expect("tuned ", timeout: 120)
        t.send(
            "[logits(done, ids: [5, 6, 7]) == logits(whole, ids: [5, 6, 7]), logits(part, ids: [5, 6, 7]) == logits(whole, ids: [5, 6, 7])]\r"
        )
        t.expect("[true, false]")
        // chat without a text is a conversation inside the REPL, until an empty line.
        t.send("chat done\r")
        t.expect("an empty line ends the conversation")
        t.expect("you> ")
        t.send("Was ist eins plus eins?\r")
        t.expect("t> ")
        t.expect("you> ")
        t.send("Und zwei plus zwei?\r")
        t.expect("you> ")
        t.send("\r")
        t.expect("pg> ")
        t.endSession()
    }
}

final class ReportTests: XCTestCase {
    /// The demo notebook's report inlines its figure; where Chromium is installed, a screenshot of it is taken.
    func testDemoNotebookReportInChromium() throws {
        let dir = try temporaryDirectory("pg-report")
        let nb = dir.appendingPathComponent("00-tour.pg")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("notebooks/00-tour.pg"), to: nb)
        XCTAssertEqual(try runPolyglot(["replay", "--check", nb.path]).status, 0)
        let html = dir.appendingPathComponent("report.html")
        let r = try runPolyglot(["report", nb.path, "-o", html.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = try String(contentsOf: html, encoding: .utf8)
        XCTAssertTrue(page.contains("<svg") && page.contains("Score per evaluation language"), "figure inlined")
        XCTAssertFalse(page.contains("figure not found"))
        guard
            let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(
                where: FileManager.default.fileExists)
        else {
            throw XCTSkip("chromium is not installed (apt-get install chromium): screenshot not taken")
        }
        let png = dir.appendingPathComponent("report.png")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--screenshot=\(png.path)", "--window-size=1000,2600",
            html.absoluteString
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let data = try Data(contentsOf: png)
        XCTAssertEqual(Array(data.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG")
        XCTAssertGreaterThan(data.count, 50_000, "a page with content, not a blank screenshot")
    }
}
