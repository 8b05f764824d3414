import XCTest
@testable import PolyglotLang

final class NotebookTests: XCTestCase {
    static let issueExample = """
        # polyglot notebook v1 · seed 1
        # %%
        let langs = ["en", "de", "fr", "it", "es"]
        len langs
        #> 5
        # %%
        fn twice(x) { x * 2 }
        [twice(1), twice(2.5)]
        #> [2, 5.0]
        # %%
        for l in langs { if l != "en" { print "tune on {l}" } }
        #> tune on de
        #> tune on fr
        #> tune on it
        #> tune on es

        """

    func testParseRenderRoundTripIsExact() throws {
        let texts = [
            Self.issueExample,
            "let x = 1\nx\n",
            "# polyglot notebook v1\n# %% title here\nx\n#> 1\n#~ 12 tokens/s\n\n\n# %%\n\n",
            "# header comment\n# %% a\n1\n#>\n#> \n"
        ]
        for t in texts {
            let nb = try Notebook.parse(t, file: "n.pg")
            XCTAssertEqual(nb.render(), t.hasSuffix("#> \n") ? t.replacingOccurrences(of: "#> \n", with: "#>\n") : t)
        }
        let nb = try Notebook.parse(Self.issueExample, file: "n.pg")
        XCTAssertEqual(nb.seed, 1)
        XCTAssertEqual(nb.cells.count, 3)
        XCTAssertEqual(nb.cells[1].firstCodeLine, 7)
        XCTAssertEqual(nb.cells[2].output.count, 4)
    }

    func testIssueExampleReplaysUnchanged() throws {
        let nb = try Notebook.parse(Self.issueExample, file: "n.pg")
        let r = NotebookRunner.execute(nb, file: "n.pg", session: makeSession())
        XCTAssertNil(r.failure?.error)
        XCTAssertNil(NotebookRunner.check(recorded: nb, replayed: r.notebook, file: "n.pg"))
        XCTAssertEqual(r.notebook.render(), Self.issueExample)
    }

    func testEditedOutputFailsWithUnifiedDiff() throws {
        let edited = Self.issueExample.replacingOccurrences(of: "#> tune on fr", with: "#> tune on FR")
        let nb = try Notebook.parse(edited, file: "n.pg")
        let r = NotebookRunner.execute(nb, file: "n.pg", session: makeSession())
        let diff = NotebookRunner.check(recorded: nb, replayed: r.notebook, file: "n.pg")
        XCTAssertEqual(
            diff,
            """
            --- n.pg (recorded)
            +++ n.pg (replayed)
            @@ -10,6 +10,6 @@
             # %%
             for l in langs { if l != "en" { print "tune on {l}" } }
             #> tune on de
            -#> tune on FR
            +#> tune on fr
             #> tune on it
             #> tune on es
            """)
    }

    func testVolatileLinesAreNotCompared() throws {
        let recorded = try Notebook.parse("# %%\nprint \"x\"\n#> x\n#~ 99 tokens/s\n", file: "n.pg")
        var replayed = recorded
        replayed.cells[0].output = [.text("x"), .volatile("12 tokens/s")]
        XCTAssertNil(NotebookRunner.check(recorded: recorded, replayed: replayed, file: "n.pg"))
        replayed.cells[0].output = [.text("y")]
        XCTAssertNotNil(NotebookRunner.check(recorded: recorded, replayed: replayed, file: "n.pg"))
    }

    func testErrorsInCellsPointAtFileLines() throws {
        let nb = try Notebook.parse("# %%\nlet a = 1\n# %%\nlet b = a +\n", file: "n.pg")
        let r = NotebookRunner.execute(nb, file: "n.pg", session: makeSession())
        XCTAssertEqual(r.failure?.cell, 1)
        XCTAssertEqual(r.failure?.error.span?.location, "n.pg:4:12")
    }

    func testNewerFormatIsRefused() {
        XCTAssertThrowsError(try Notebook.parse("# polyglot notebook v9\n1\n", file: "n.pg")) { e in
            XCTAssertTrue((e as! PolyglotError).message.contains("newer"))
        }
    }

    func testSaveWritesCellsAtomicallyAndReplays() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg-save-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = Session(seed: 5, baseDirectory: dir)
        for code in ["let x = 2", "x * 21", "oops("] {
            let r = s.execute(code, file: "<cell>")
            s.history.append((NotebookCell(code: [code], output: r.output), r.error != nil))
        }
        XCTAssertNil(s.execute("save \"out.pg\"", file: "<cell>").error)
        let text = try String(contentsOf: dir.appendingPathComponent("out.pg"), encoding: .utf8)
        XCTAssertEqual(text, "# polyglot notebook v1 · seed 5\n# %%\nlet x = 2\n# %%\nx * 21\n#> 42\n")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(files, ["out.pg"], "no temporary file left behind")
    }
}
