import XCTest
@testable import PolyglotLab

final class DataExportTests: DataTestCase {
    /// A small parallel set with a multi-turn item, quotes, newlines and non-ASCII text.
    private func sample() throws -> Dataset {
        try write("src/en.jsonl", """
        {"id": "a", "conversations": ["Say \\"hi\\"\\nplease", "hi"], "source": "wikihow"}
        {"id": "b", "conversations": ["q1", "a1", "q2", "a2"]}
        """)
        try write("src/de.jsonl", """
        {"id": "a", "conversations": ["Sag „hallo“", "hallo"]}
        {"id": "b", "conversations": ["F1", "A1", "F2", "Ä2"]}
        """)
        return try DatasetLoader.load(path("src"))
    }

    private func assertSameItems(_ a: Dataset, _ b: Dataset, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(a.items.map(\.id)), Set(b.items.map(\.id)), file: file, line: line)
        for item in a.items {
            for (lang, ex) in item.translations {
                XCTAssertEqual(b.item(item.id)?.translations[lang]?.conversation, ex.conversation, "\(item.id) \(lang)", file: file, line: line)
                XCTAssertEqual(b.item(item.id)?.translations[lang]?.source, ex.source, file: file, line: line)
            }
        }
    }

    func testRoundTripEveryFormatAndLayout() throws {
        let data = try sample()
        for format in ExportFormat.allCases {
            for layout in ExportLayout.allCases {
                let target = path("out/\(format.rawValue)-\(layout.rawValue)" + (layout == .combined ? ".jsonl" : ""))
                let written = try DatasetExporter.export(data, to: target, format: format, layout: layout)
                XCTAssertEqual(written.count, layout == .combined ? 1 : 2)
                let back = try DatasetLoader.load(target, options: LoadOptions(format: RecordFormat(rawValue: format.rawValue) ?? .alpaca))
                assertSameItems(data, back)
                XCTAssertEqual(back.alignment, .id)
            }
        }
    }

    func testRecordShapesMatchWhatTrainersRead() throws {
        let data = try sample()
        let m = path("m.jsonl"), s = path("s.jsonl"), a = path("a.jsonl")
        try DatasetExporter.export(data, to: m, format: .messages, systemPrompt: true)
        try DatasetExporter.export(data, to: s, format: .sharegpt, systemPrompt: true)
        try DatasetExporter.export(data, to: a, format: .alpaca)
        let firstLine = { (p: String) in try String(contentsOfFile: p, encoding: .utf8).split(separator: "\n")[0] }
        XCTAssertEqual(try firstLine(m), #"{"id":"a","lang":"en","source":"wikihow","messages":[{"role":"system","content":"\#(Lang.en.systemPrompt)"},{"role":"user","content":"Say \"hi\"\nplease"},{"role":"assistant","content":"hi"}]}"#)
        XCTAssertEqual(try firstLine(s), #"{"id":"a","lang":"en","source":"wikihow","system":"\#(Lang.en.systemPrompt)","conversations":[{"from":"human","value":"Say \"hi\"\nplease"},{"from":"gpt","value":"hi"}]}"#)
        let alpacaLines = try String(contentsOfFile: a, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(alpacaLines.count, 4)
        XCTAssertEqual(alpacaLines[3], #"{"id":"b","lang":"de","instruction":"F2","input":"","output":"Ä2","history":[["F1","A1"]]}"#)
        // Every line is valid JSON for Foundation too (what Python's json module would also accept).
        for p in [m, s, a] {
            for line in try String(contentsOfFile: p, encoding: .utf8).split(separator: "\n") {
                XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)))
            }
        }
        // The system prompt survives a reload as the conversation's first message.
        let back = try DatasetLoader.load(m)
        XCTAssertEqual(back.item("b")?.translations[.de]?.conversation.messages.first, Message(role: .system, content: Lang.de.systemPrompt))
        XCTAssertEqual(try DatasetLoader.load(s).item("b")?.translations[.de]?.conversation, back.item("b")?.translations[.de]?.conversation)
    }

    func testAlpacaRejectsConversationsThatDoNotEndWithTheAssistant() throws {
        let p = try write("odd_en.jsonl", "{\"conversations\": [\"only a question\"]}\n")
        let data = try DatasetLoader.load(p)
        assertThrowsDataError(try DatasetExporter.export(data, to: path("x.jsonl"), format: .alpaca)) { e in
            XCTAssertEqual(e.location, "\(p):1")
            XCTAssertTrue(e.message.contains("turns must alternate user/assistant and end with the assistant"), e.message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.jsonl")), "nothing is written on failure")
        XCTAssertThrowsError(try DatasetExporter.export(data, to: path("folder"), format: .alpaca, layout: .perLanguage))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("folder")), "no partial per-language export")
    }

    func testLLaMAFactoryEntriesAreValidJSONNamingTheExportedFields() throws {
        for format in ExportFormat.allCases {
            let text = DatasetExporter.llamaFactoryEntry(name: "limax_\(format)", fileName: "limax.jsonl", format: format)
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]])
            let entry = try XCTUnwrap(json["limax_\(format)"])
            XCTAssertEqual(entry["file_name"] as? String, "limax.jsonl")
            let columns = try XCTUnwrap(entry["columns"] as? [String: String])
            switch format {
            case .alpaca: XCTAssertEqual(columns["prompt"], "instruction"); XCTAssertNil(entry["formatting"])
            case .sharegpt: XCTAssertEqual(columns["messages"], "conversations"); XCTAssertEqual(entry["formatting"] as? String, "sharegpt")
            case .messages: XCTAssertEqual((entry["tags"] as? [String: String])?["role_tag"], "role")
            }
        }
    }

    func testExportWritesAtomicallyAndReplacesOldFiles() throws {
        let data = try sample()
        let target = path("atomic/train.jsonl")
        try write("atomic/train.jsonl", "old content\n")
        try DatasetExporter.export(data.parallel([.en]), to: target)
        XCTAssertEqual(try DatasetLoader.load(target).exampleCount, 2)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: path("atomic"))
        XCTAssertEqual(leftovers, ["train.jsonl"], "no temporary files remain")
    }
}
