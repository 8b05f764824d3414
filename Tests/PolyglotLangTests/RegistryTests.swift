import XCTest
@testable import PolyglotLang
import PolyglotLab

final class RegistryTests: XCTestCase {
    func testEveryCommandHasHelpWithExampleThatParses() throws {
        let s = makeSession()
        for spec in s.registry.sorted {
            XCTAssertFalse(spec.summary.isEmpty, spec.name)
            XCTAssertTrue(spec.help.contains("usage: \(spec.name)"), spec.name)
            XCTAssertNoThrow(try Parser.parse(spec.example, file: "example", isCallable: s.isCallable), spec.name)
        }
    }

    func testHelpNamesKeywordsWithDefaults() {
        let out = pg("help range").output.joined(separator: "\n")
        XCTAssertTrue(out.contains("usage: range END [START] [step: 1]"), out)
        XCTAssertTrue(out.contains("step:  increment (an integer, default 1)"), out)
    }

    func testHelpListsTheChoicesOfAChoiceParameter() {
        let out = pg("help plot").output.joined(separator: "\n")
        XCTAssertTrue(out.contains("[kind: \"bars\"]"), out)
        XCTAssertTrue(
            out.contains(
                "(one of \"bars\", \"paired\", \"diverging\", \"radar\", \"heatmap\", \"lines\", "
                    + "default \"bars\")"), out)
        let compose = pg("help compose").output.joined(separator: "\n")
        XCTAssertTrue(compose.contains("a list of languages: \"en\", \"de\", \"fr\", \"it\", \"es\""), compose)
    }

    /// A choice written the way users know it (an alias, another case) reaches the command as its canonical word.
    func testChoicesAndLanguagesReachTheCommandCanonical() {
        XCTAssertEqual(pg("(load bench builtin:bench lang: \"German\").name").error, nil)
        XCTAssertEqual(
            pg("(compose (load dataset builtin:lima-mini) langs: [\"DE\", \"french\"]).langs").output,
            ["[\"de\", \"fr\"]"])
    }

    /// The typed accessors of a command body cannot fail because every default fits its parameter's type as it is: a
    /// declaration whose default does not (or is an alias such as kind: "bar") would trap when a call leaves it out.
    func testEveryDefaultFitsItsParameterType() {
        for spec in CommandRegistry.standard().sorted {
            for p in spec.positionals + spec.keywords {
                guard let d = p.defaultValue, !(d == .none && p.acceptsNone) else { continue }
                // Equal, not only accepted: a default is not bound again, so it must already be the canonical word.
                XCTAssertEqual(try? p.type.conform(d), d, "\(spec.name) \(p.name): default \(d.repr)")
            }
        }
    }

    /// `llm(…)` is a judge value with the lab's defaults; showing it names the key's variable, never the key.
    func testLLMJudgeValueShowsItsSettingsButNeverTheKey() {
        setenv("POLYGLOT_TEST_JUDGE_KEY", "sk-secret-4711", 1)
        defer { unsetenv("POLYGLOT_TEST_JUDGE_KEY") }
        let r = pg(
            """
            let judge_llm = llm(url: "http://127.0.0.1:9/v1", model: "gpt-4", key_env: "POLYGLOT_TEST_JUDGE_KEY")
            judge_llm
            show judge_llm
            print judge_llm.concurrency judge_llm.max_tokens judge_llm.key_env
            """)
        XCTAssertNil(r.error)
        let out = r.output.joined(separator: "\n")
        XCTAssertFalse(out.contains("sk-secret-4711"), out)
        XCTAssertTrue(
            out.hasPrefix(
                "llm judge gpt-4 at http://127.0.0.1:9/v1\n"
                    + "  api key       from $POLYGLOT_TEST_JUDGE_KEY"), out)
        XCTAssertTrue(out.contains("concurrency   \(LLMJudgeOptions.defaultConcurrency) requests in flight"), out)
        XCTAssertEqual(
            r.output.last,
            "\(LLMJudgeOptions.defaultConcurrency) \(ChatEndpoint.defaultMaxTokens) "
                + "POLYGLOT_TEST_JUDGE_KEY")
        XCTAssertEqual(pg("print llm(url: \"http://x/v1\", model: \"m\", cache: none).key_env").output, ["none"])
    }

    /// help and the reference lead from a command to the file that declares it, relative to the package.
    func testHelpAndReferenceNameTheSourceFile() throws {
        let out = pg("help plot").output.joined(separator: "\n")
        XCTAssertTrue(out.hasSuffix("source: Sources/PolyglotLang/Commands/PlotCommand.swift"), out)
        let reference = CommandRegistry.standard().markdownReference()
        XCTAssertTrue(
            reference.contains(
                "Source: [`Sources/PolyglotLang/Commands/EvalCommands.swift`]"
                    + "(../Sources/PolyglotLang/Commands/EvalCommands.swift)"))
        for spec in CommandRegistry.standard().sorted {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: root.appendingPathComponent(spec.sourceFile).path),
                "\(spec.name): \(spec.sourceFile)")
        }
    }

    /// docs/commands.md is generated from the registry and must not drift from it.
    func testCommandReferenceIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("docs/commands.md"), encoding: .utf8)
        XCTAssertEqual(
            file, CommandRegistry.standard().markdownReference(),
            "docs/commands.md is stale: run `make docs`")
    }
}

final class CompleterTests: XCTestCase {
    func testCompletesCommandsKeywordsVariablesAndPaths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg-comp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        FileManager.default.createFile(atPath: dir.appendingPathComponent("notes.pg").path, contents: Data())
        let s = Session(baseDirectory: dir)
        _ = s.execute("let results = 1\nlet rate = 2", file: "t")
        let c = Completer(session: s)
        XCTAssertEqual(c.complete(line: "ran", cursor: 3).candidates, ["range"])
        XCTAssertEqual(c.complete(line: "range 5 ste", cursor: 11).candidates, ["step:"])
        XCTAssertEqual(c.complete(line: "print re", cursor: 8).candidates, ["results"])
        XCTAssertEqual(c.complete(line: "use \"no", cursor: 7), Completion(wordStart: 5, candidates: ["notes.pg"]))
        XCTAssertEqual(c.complete(line: "use \"da", cursor: 7).candidates, ["data/"])
        XCTAssertEqual(
            c.complete(line: "plot results kind: \"r", cursor: 21),
            Completion(wordStart: 20, candidates: ["radar"]))
        XCTAssertEqual(
            c.complete(line: "compose d langs: [\"en\", \"", cursor: 25).candidates,
            ["en", "de", "fr", "it", "es"])
    }
}
