import XCTest
@testable import PolyglotLab

final class DataLoaderTests: DataTestCase {
    // MARK: - Formats

    func testAlpacaJSONArrayJoinsInstructionAndInput() throws {
        let p = try write(
            "bactrian_de.json",
            """
            [
              {"instruction": "Übersetze", "input": "Hallo Welt", "output": "Hello world", "id": "alpaca-1"},
              {"instruction": "Nenne drei Farben", "input": "", "output": "Rot, Grün, Blau", "id": "alpaca-2"}
            ]
            """)
        let data = try DatasetLoader.load(p)
        XCTAssertEqual(data.languages, [.de])
        XCTAssertEqual(data.items.map(\.id), ["alpaca-1", "alpaca-2"])
        let first = try XCTUnwrap(data.item("alpaca-1")?.translations[.de])
        XCTAssertEqual(
            first.conversation,
            Conversation([
                Message(role: .user, content: "Übersetze\n\nHallo Welt"),
                Message(role: .assistant, content: "Hello world")
            ]))
        XCTAssertEqual(first.location, SourceLocation(file: p, line: 2))
        XCTAssertEqual(data.item("alpaca-2")?.translations[.de]?.location?.line, 3)
        XCTAssertEqual(data.item("alpaca-2")?.translations[.de]?.conversation.userTurns, ["Nenne drei Farben"])
    }

    func testLimaMultiTurnShareGPTAndMessagesRecords() throws {
        let lima = try write(
            "train_limax_FR.jsonl",
            """
            {"conversations": ["q1", "a1", "q2", "a2"], "source": "wikihow"}

            {"conversations": ["only", "pair"]}
            """)
        let limaData = try DatasetLoader.load(lima)
        XCTAssertEqual(limaData.alignment, .lineOrder)
        XCTAssertEqual(limaData.items.map(\.id), ["#1", "#2"])
        let ex = try XCTUnwrap(limaData.item("#1")?.translations[.fr])
        XCTAssertEqual(ex.conversation.userTurns, ["q1", "q2"])
        XCTAssertEqual(ex.conversation.assistantTurns, ["a1", "a2"])
        XCTAssertEqual(ex.source, "wikihow")
        XCTAssertEqual(limaData.item("#2")?.translations[.fr]?.location?.line, 3)
        XCTAssertTrue(limaData.summary().notes.contains { $0.contains("aligned by line order") })

        let share = try write(
            "sharegpt_it.jsonl",
            """
            {"id": "identity_0", "conversations": [{"from": "system", "value": "S"}, {"from": "human", "value": "Chi sei?"}, {"from": "gpt", "value": "Vicuna"}]}
            """)
        XCTAssertEqual(
            try DatasetLoader.load(share).item("identity_0")?.translations[.it]?.conversation.messages.map(\.role),
            [.system, .user, .assistant])

        let chat = try write(
            "chat.jsonl",
            """
            {"id": 7, "lang": "ES", "messages": [{"role": "user", "content": "Hola"}, {"role": "assistant", "content": "¡Hola!"}]}
            """)
        let chatData = try DatasetLoader.load(chat)
        XCTAssertEqual(chatData.item("7")?.translations[.es]?.conversation.assistantTurns, ["¡Hola!"])
    }

    func testLanguageFromFileNames() {
        XCTAssertEqual(DatasetLoader.language(fromFileName: "data/train_limax_DE.jsonl"), .de)
        XCTAssertEqual(DatasetLoader.language(fromFileName: "de.json"), .de)
        XCTAssertEqual(DatasetLoader.language(fromFileName: "/x/bactrian_en.jsonl"), .en)
        XCTAssertEqual(DatasetLoader.language(fromFileName: "spanish.json"), .es)
        XCTAssertNil(DatasetLoader.language(fromFileName: "train_limax_EN_DE_FR_IT_ES.jsonl"))
        XCTAssertNil(DatasetLoader.language(fromFileName: "train.jsonl"))
    }

    // MARK: - Multilingual alignment

    func testFolderAlignsItemsByIDAcrossFiveLanguages() throws {
        let data = try DatasetLoader.load(try parallelFolder(items: 4))
        XCTAssertEqual(data.alignment, .id)
        XCTAssertEqual(data.languages, Lang.allCases)
        XCTAssertEqual(data.itemCount, 4)
        XCTAssertEqual(data.exampleCount, 20)
        let item = try XCTUnwrap(data.item("alpaca-2"))
        XCTAssertEqual(item.languages, Lang.allCases)
        XCTAssertEqual(item.translations[.it]?.conversation.assistantTurns, ["IT answer number 2"])
        XCTAssertEqual(data.warnings, [])
    }

    func testFilePatternPicksLimaXMonolingualTrainFiles() throws {
        for name in ["train_limax_EN", "train_limax_DE", "val_limax_EN", "train_limax_EN_DE_FR_IT_ES"] {
            try write("limax/\(name).jsonl", "{\"conversations\": [\"\(name) q\", \"a\"]}\n")
        }
        assertThrowsDataError(try DatasetLoader.load(path("limax"))) { e in
            XCTAssertEqual(e.file, path("limax/train_limax_EN_DE_FR_IT_ES.jsonl"))
        }
        let data = try DatasetLoader.load(path("limax"), options: LoadOptions(filePattern: "train_limax_??.jsonl"))
        XCTAssertEqual(data.languages, [.en, .de])
        XCTAssertEqual(data.item("#1")?.translations[.en]?.conversation.userTurns, ["train_limax_EN q"])
        XCTAssertEqual(data.itemCount, 1, "the val file is not mixed in")
        assertThrowsDataError(try DatasetLoader.load(path("limax"), options: LoadOptions(filePattern: "*.parquet"))) {
            e in
            XCTAssertEqual(e.description, "\(path("limax")): folder has no .json or .jsonl files matching *.parquet")
        }
    }

    func testPerRecordLanguageFieldAndExplicitLanguage() throws {
        let combined = try write(
            "train_limax_EN_DE_FR_IT_ES.jsonl",
            """
            {"conversations": ["hi", "hello"], "lang": "en"}
            {"conversations": ["hallo", "hallo"], "lang": "de"}
            {"conversations": ["hi 2", "hello 2"], "lang": "en"}
            """)
        let data = try DatasetLoader.load(combined)
        XCTAssertEqual(data.examples(in: .en).map(\.itemID), ["#1", "#2"])
        XCTAssertEqual(data.examples(in: .de).map(\.itemID), ["#1"])
        XCTAssertTrue(data.warnings.contains { $0.hasPrefix("DE lacks 1 of 2 items") })

        let plain = try write("train.jsonl", "{\"conversations\": [\"q\", \"a\"]}\n")
        XCTAssertEqual(try DatasetLoader.load(plain, options: LoadOptions(language: .it)).languages, [.it])
        assertThrowsDataError(try DatasetLoader.load(plain)) { e in
            XCTAssertEqual(e.location, "\(plain):1")
            XCTAssertTrue(e.message.hasPrefix("cannot tell the language"), e.message)
        }
        let contradicting = try write("x_de.jsonl", "{\"conversations\": [\"q\", \"a\"], \"lang\": \"fr\"}\n")
        assertThrowsDataError(try DatasetLoader.load(contradicting)) { e in
            XCTAssertEqual(e.description, "\(contradicting):1: record language FR contradicts the file's language DE")
        }
    }

    func testMissingIDsFallBackToLineOrderAndCustomLanguageField() throws {
        try write(
            "mixed/en.jsonl",
            "{\"instruction\": \"a\", \"output\": \"A\", \"id\": \"x\"}\n{\"instruction\": \"b\", \"output\": \"B\", \"id\": \"y\"}\n"
        )
        try write(
            "mixed/de.jsonl",
            "{\"instruction\": \"a\", \"output\": \"A\"}\n{\"instruction\": \"b\", \"output\": \"B\"}\n")
        let data = try DatasetLoader.load(path("mixed"))
        XCTAssertEqual(data.alignment, .lineOrder)
        XCTAssertEqual(data.items.map(\.id), ["#1", "#2"])
        XCTAssertEqual(data.item("#2")?.translations[.de]?.conversation.userTurns, ["b"])
        XCTAssertEqual(
            data.warnings,
            ["2 of 4 records have no id (first at \(path("mixed/de.jsonl")):1); all languages aligned by line order"])

        let p = try write(
            "by_field.jsonl",
            "{\"conversations\": [\"q\", \"a\"], \"sprache\": \"Deutsch\"}\n{\"conversations\": [\"q\", \"a\"]}\n")
        assertThrowsDataError(try DatasetLoader.load(p, options: LoadOptions(languageField: "sprache"))) { e in
            XCTAssertEqual(e.description, "\(p):2: missing language field \"sprache\"")
        }
        XCTAssertEqual(
            try DatasetLoader.load(p, options: LoadOptions(onError: .skip, languageField: "sprache")).languages, [.de])
    }

    func testWarnsAboutDuplicatesEmptyTurnsAndDifferentIDSets() throws {
        try write(
            "w/en.jsonl",
            """
            {"instruction": "a", "input": "", "output": "A", "id": "1"}
            {"instruction": "b", "input": "", "output": "", "id": "2"}
            {"instruction": "dup", "input": "", "output": "D", "id": "1"}
            """)
        try write(
            "w/de.jsonl",
            """
            {"instruction": " ", "input": "", "output": "A", "id": "1"}
            """)
        let data = try DatasetLoader.load(path("w"))
        XCTAssertEqual(data.item("1")?.translations[.en]?.conversation.userTurns, ["a"], "first occurrence wins")
        let w = data.warnings
        XCTAssertTrue(
            w.contains("EN: 1 duplicate id kept only at first occurrence (e.g. \(path("w/en.jsonl")):3)"), "\(w)")
        XCTAssertTrue(w.contains("DE lacks 1 of 2 items present in other languages (e.g. 2)"), "\(w)")
        XCTAssertTrue(w.contains("1 record has an empty instruction (e.g. \(path("w/de.jsonl")):1)"), "\(w)")
        XCTAssertTrue(w.contains("1 record has an empty output (e.g. \(path("w/en.jsonl")):2)"), "\(w)")
        XCTAssertTrue(
            data.summary().notes.contains("warning: DE lacks 1 of 2 items present in other languages (e.g. 2)"))
    }

    // MARK: - Bad input

    func testBadRecordsReportFileLineAndReason() throws {
        let cases: [(String, String)] = [
            (
                #"{"instruction": "x", "output": "y", "id": "1""#,
                ":1:46: unexpected end of input inside an object (JSON Lines needs each record on one line)"
            ),
            (#"{"instruction": 5, "output": "y"}"#, ":1: field \"instruction\": expected string, found number"),
            (#"{"instruction": "x", "id": "1"}"#, ":1: missing field \"output\" (alpaca record)"),
            (
                #"{"messages": [{"role": "bot", "content": "x"}]}"#,
                ":1: field \"messages\"[0].role: unsupported role \"bot\"; expected system, user or assistant"
            ),
            (#"{"conversations": "text"}"#, ":1: field \"conversations\": expected array of strings, found string"),
            (#"{"conversations": []}"#, ":1: record has no turns"),
            (
                #"{"conversations": [{"from": "human", "value": "x"}, {"from": "tool", "value": "y"}]}"#,
                ":1: field \"conversations\"[1].from: unsupported role \"tool\"; expected human, gpt or system"
            ),
            (
                #"{"instruction": "x", "output": "y", "lang": "zh"}"#,
                ":1: field \"lang\": unknown language \"zh\"; expected en, de, fr, it or es"
            ),
            (
                #"{"foo": 1}"#,
                ":1: unknown record format (keys \"foo\"); expected \"instruction\"/\"output\" (alpaca), \"conversations\" (lima, sharegpt) or \"messages\""
            ),
            (#"["an array file", "of strings"]"#, ":1: expected a JSON object record, found string"),
            (
                #"{"instruction": "x", "output": "y", "id": [1]}"#,
                ":1: field \"id\": expected string or number, found array"
            )
        ]
        for (i, (line, expected)) in cases.enumerated() {
            let p = try write("bad\(i)_en.jsonl", "\n" + line + "\n")  // a blank first line: the record is on line 2
            assertThrowsDataError(try DatasetLoader.load(p)) { e in
                XCTAssertEqual(e.description, p + expected.replacingOccurrences(of: ":1", with: ":2"))
            }
        }
    }

    func testInvalidUTF8EmptyFileAndArrayWithBrokenElement() throws {
        var bytes = Array("{\"instruction\": \"ok\", \"output\": \"ok\"}\n{\"instruction\": \"b".utf8)
        bytes += [0xFF]
        bytes += Array("d\", \"output\": \"x\"}\n".utf8)
        let utf8 = try write("utf8_en.jsonl", bytes: bytes)
        assertThrowsDataError(try DatasetLoader.load(utf8)) { e in
            XCTAssertEqual(e.description, "\(utf8):2:19: invalid UTF-8 inside a string")
        }

        let empty = try write("empty_en.jsonl", "  \n\n")
        assertThrowsDataError(try DatasetLoader.load(empty)) { e in
            XCTAssertEqual(e.description, "\(empty): file is empty; expected a JSON array or JSON Lines records")
        }

        let array = try write(
            "arr_en.json",
            """
            [
              {"instruction": "a", "output": "A"},
              {"instruction": "b",
               "output": "B" "oops": 1},
              {"instruction": "c", "output": "C"}
            ]
            """)
        assertThrowsDataError(try DatasetLoader.load(array)) { e in
            XCTAssertEqual(e.location, "\(array):3")
            XCTAssertEqual(
                e.message,
                "array element starting here is malformed at line 4, column 18: expected ',' or '}' in object, found '\"'"
            )
        }
        let truncated = try write(
            "trunc_en.json", "[\n {\"instruction\": \"a\", \"output\": \"A\"},\n {\"instruction\": \"b\", \"out")
        assertThrowsDataError(try DatasetLoader.load(truncated, options: LoadOptions(onError: .skip))) { e in
            XCTAssertEqual(e.location, "\(truncated):3")
            XCTAssertTrue(e.message.contains("unexpected end of input inside a string"), e.message)
        }
        let notJSON = try write("text_en.jsonl", "hello\n")
        assertThrowsDataError(try DatasetLoader.load(notJSON)) { e in
            XCTAssertEqual(
                e.description, "\(notJSON):1:1: expected '[' (JSON array) or '{' (JSON Lines record), found 'h'")
        }
        assertThrowsDataError(
            try DatasetLoader.load(try write("only_bad_en.jsonl", "{\"x\": 1}\n"), options: LoadOptions(onError: .skip))
        ) { e in
            XCTAssertTrue(e.message.hasPrefix("no records loaded; skipped 1 bad record: "), e.message)
        }
        assertThrowsDataError(try DatasetLoader.load(try write("de.json.gz", bytes: [0x1F, 0x8B]))) { e in
            XCTAssertEqual(e.message, "compressed files are not read; decompress it first (gunzip -k)")
        }
        assertThrowsDataError(try DatasetLoader.load(path("missing"))) { e in
            XCTAssertEqual(e.description, "\(path("missing")): no such file or folder")
        }
    }

    func testSkipModeCountsAndLocatesBadRecords() throws {
        let lines = (1...10).map { i in
            i % 3 == 0
                ? "{\"instruction\": \"broken \(i)\""
                : "{\"instruction\": \"i\(i)\", \"output\": \"o\", \"id\": \"\(i)\"}"
        }
        let p = try write("skip_de.jsonl", lines.joined(separator: "\n"))
        assertThrowsDataError(try DatasetLoader.load(p)) { XCTAssertEqual($0.line, 3) }
        let data = try DatasetLoader.load(p, options: LoadOptions(onError: .skip))
        XCTAssertEqual(data.itemCount, 7)
        let warning = try XCTUnwrap(data.warnings.first)
        XCTAssertTrue(warning.hasPrefix("skipped 3 bad records: \(p):3:"), warning)
        XCTAssertTrue(warning.contains("\(p):6:") && warning.contains("\(p):9:"), warning)
        // An array file whose elements are well-formed JSON but bad records can skip them too.
        let arr = try write(
            "skiparr_de.json",
            "[{\"instruction\": \"a\", \"output\": \"b\"},\n {\"instruction\": 1, \"output\": \"b\"}]")
        let skipped = try DatasetLoader.load(arr, options: LoadOptions(onError: .skip))
        XCTAssertEqual(skipped.itemCount, 1)
        XCTAssertEqual(
            skipped.warnings.first,
            "skipped 1 bad record: \(arr):2: field \"instruction\": expected string, found number")
    }

    func testByteOrderMarkCRLFAndEscapedUnicode() throws {
        let text =
            "\u{FEFF}\r\n{\"instruction\": \"caf\\u00e9\", \"output\": \"ok\", \"id\": 1}\r\n\r\n{\"instruction\": \"b\", \"output\": \"ok\", \"id\": 2}\r\n"
        let p = try write("crlf_fr.jsonl", text)
        let data = try DatasetLoader.load(p)
        XCTAssertEqual(data.item("1")?.translations[.fr]?.conversation.userTurns, ["café"])
        XCTAssertEqual(data.item("1")?.translations[.fr]?.location?.line, 2)
        XCTAssertEqual(data.item("2")?.translations[.fr]?.location?.line, 4)
        let bomFirst = try write("bom_fr.jsonl", "\u{FEFF}{\"instruction\": \"x\", \"output\": \"y\"}\n")
        XCTAssertEqual(try DatasetLoader.load(bomFirst).exampleCount, 1)
    }

    func testPrettyPrintedObjectInJSONLinesGetsAHint() throws {
        let p = try write("pretty_en.jsonl", "{\n  \"instruction\": \"x\",\n  \"output\": \"y\"\n}\n")
        assertThrowsDataError(try DatasetLoader.load(p)) { e in
            XCTAssertEqual(
                e.description,
                "\(p):1:2: unexpected end of input inside an object (JSON Lines needs each record on one line)")
        }
    }

    func testFormatOverrideRejectsOtherRecords() throws {
        let p = try write("f_en.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}\n")
        XCTAssertEqual(try DatasetLoader.load(p, options: LoadOptions(format: .messages)).itemCount, 1)
        assertThrowsDataError(try DatasetLoader.load(p, options: LoadOptions(format: .alpaca))) { e in
            XCTAssertEqual(e.description, "\(p):1: missing field \"instruction\" (alpaca record)")
        }
        XCTAssertEqual(RecordFormat.parse("Bactrian-X"), .alpaca)
        XCTAssertEqual(RecordFormat.parse("lima-x"), .lima)
        XCTAssertNil(RecordFormat.parse("csv"))
    }

    func testSummaryCountsExamplesAndWhitespaceWords() throws {
        let data = try DatasetLoader.load(try parallelFolder(items: 3, langs: [.en, .de]))
        let table = data.summary()
        XCTAssertEqual(table.columns, ["lang", "examples", "words", "words/example"])
        // Each example: "XX instruction i" (3 words) + "XX answer number i" (4 words).
        XCTAssertEqual(
            table.rows.map { $0.map(\.text) },
            [["EN", "3", "21", "7.00"], ["DE", "3", "21", "7.00"], ["all", "6", "42", "7.00"]])
        let chars = data.summary(tokenCount: { $0.count }, tokenLabel: "chars")
        XCTAssertEqual(chars.columns[2], "chars")
        XCTAssertEqual(Dataset.whitespaceWords("  a\tb\n\nc  "), 3)
        XCTAssertEqual(Dataset.whitespaceWords("Grüße\u{0B}à\u{0C}l'été\r\n"), 3)
        XCTAssertEqual(Dataset.whitespaceWords(""), 0)
    }
}
