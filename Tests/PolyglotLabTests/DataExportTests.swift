import XCTest
@testable import PolyglotLab

final class DataExportTests: DataTestCase {
    /// A small parallel set with a multi-turn item, quotes, newlines and non-ASCII text.
    private func sample() throws -> Dataset {
        try write(
            "src/en.jsonl",
            """
            {"id": "a", "conversations": ["Say \\"hi\\"\\nplease", "hi"], "source": "wikihow"}
            {"id": "b", "conversations": ["q1", "a1", "q2", "a2"]}
            """)
        try write(
            "src/de.jsonl",
            """
            {"id": "a", "conversations": ["Sag „hallo“", "hallo"]}
            {"id": "b", "conversations": ["F1", "A1", "F2", "Ä2"]}
            """)
        return try DatasetLoader.load(path("src"))
    }

    private func assertSameItems(_ a: Dataset, _ b: Dataset, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(a.items.map(\.id)), Set(b.items.map(\.id)), file: file, line: line)
        for item in a.items {
            for (lang, ex) in item.translations {
                XCTAssertEqual(
                    b.item(item.id)?.translations[lang]?.conversation, ex.conversation, "\(item.id) \(lang)",
                    file: file, line: line)
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
                let back = try DatasetLoader.load(
                    target, options: LoadOptions(format: RecordFormat(rawValue: format.rawValue) ?? .alpaca))
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
        XCTAssertEqual(
            try firstLine(m),
            #"{"id":"a","lang":"en","source":"wikihow","messages":[{"role":"system","content":"\#(Lang.en.systemPrompt)"},{"role":"user","content":"Say \"hi\"\nplease"},{"role":"assistant","content":"hi"}]}"#
        )
        XCTAssertEqual(
            try firstLine(s),
            #"{"id":"a","lang":"en","source":"wikihow","system":"\#(Lang.en.systemPrompt)","conversations":[{"from":"human","value":"Say \"hi\"\nplease"},{"from":"gpt","value":"hi"}]}"#
        )
        let alpacaLines = try String(contentsOfFile: a, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(alpacaLines.count, 4)
        XCTAssertEqual(
            alpacaLines[3],
            #"{"id":"b","lang":"de","instruction":"F2","input":"","output":"Ä2","history":[["F1","A1"]]}"#)
        // Every line is valid JSON for Foundation too (what Python's json module would also accept).
        for p in [m, s, a] {
            for line in try String(contentsOfFile: p, encoding: .utf8).split(separator: "\n") {
                XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)))
            }
        }
        // The system prompt survives a reload as the conversation's first message.
        let back = try DatasetLoader.load(m)
        XCTAssertEqual(
            back.item("b")?.translations[.de]?.conversation.messages.first,
            Message(role: .system, content: Lang.de.systemPrompt))
        XCTAssertEqual(
            try DatasetLoader.load(s).item("b")?.translations[.de]?.conversation,
            back.item("b")?.translations[.de]?.conversation)
    }

    func testAlpacaRejectsConversationsThatDoNotEndWithTheAssistant() throws {
        let p = try write("odd_en.jsonl", "{\"conversations\": [\"only a question\"]}\n")
        let data = try DatasetLoader.load(p)
        assertThrowsDataError(try DatasetExporter.export(data, to: path("x.jsonl"), format: .alpaca)) { e in
            XCTAssertEqual(e.location, "\(p):1")
            XCTAssertTrue(
                e.message.contains("turns must alternate user/assistant and end with the assistant"), e.message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.jsonl")), "nothing is written on failure")
        XCTAssertThrowsError(
            try DatasetExporter.export(data, to: path("folder"), format: .alpaca, layout: .perLanguage))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("folder")), "no partial per-language export")
    }

    func testLLaMAFactoryEntriesAreValidJSONNamingTheExportedFields() throws {
        for format in ExportFormat.allCases {
            let text = DatasetExporter.llamaFactoryEntry(
                name: "limax_\(format)", fileName: "limax.jsonl", format: format)
            let json = try XCTUnwrap(
                try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]])
            let entry = try XCTUnwrap(json["limax_\(format)"])
            XCTAssertEqual(entry["file_name"] as? String, "limax.jsonl")
            let columns = try XCTUnwrap(entry["columns"] as? [String: String])
            switch format {
            case .alpaca: XCTAssertEqual(columns["prompt"], "instruction"); XCTAssertNil(entry["formatting"])
            case .sharegpt:
                XCTAssertEqual(columns["messages"], "conversations");
                XCTAssertEqual(entry["formatting"] as? String, "sharegpt")
            case .messages: XCTAssertEqual((entry["tags"] as? [String: String])?["role_tag"], "role")
            }
        }
    }

    /// TRL, axolotl and LLaMA-Factory all read JSON Lines through Hugging Face `datasets`; it must load
    /// every export without conversion (rows, columns, and the role/content or from/value records).
    func testHuggingFaceDatasetsLoadsEveryExport() throws {
        let probe = try runPython(["-c", "import datasets"])
        guard probe.status == 0 else {
            throw XCTSkip("python3 with the `datasets` package not available (pip install datasets)")
        }
        let data = try sample()
        var files: [String] = []
        for format in ExportFormat.allCases {
            let file = path("hf/\(format.rawValue).jsonl")
            try DatasetExporter.export(data, to: file, format: format, systemPrompt: format != .alpaca)
            files.append(file)
        }
        let script = """
            import sys, datasets
            for path in sys.argv[1:]:
                d = datasets.load_dataset("json", data_files=path, split="train")
                row = d[3]
                if "messages" in d.column_names:
                    turns = [m["role"] + ":" + m["content"] for m in row["messages"]]
                elif "conversations" in d.column_names:
                    turns = [row["system"][:5]] + [t["from"] + ":" + t["value"] for t in row["conversations"]]
                else:
                    turns = [str(row["history"]), row["instruction"], row["output"]]
                print(len(d), ",".join(sorted(d.column_names)), "|".join(turns[1:] if "messages" in d.column_names else turns))
            """
        let run = try runPython(["-c", script] + files)
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertEqual(
            run.output.split(separator: "\n").map(String.init),
            [
                "4 id,lang,messages,source user:F1|assistant:A1|user:F2|assistant:Ä2",
                "4 conversations,id,lang,source,system Ein G|human:F1|gpt:A1|human:F2|gpt:Ä2",
                "4 history,id,input,instruction,lang,output,source [['F1', 'A1']]|F2|Ä2"
            ])
    }

    private func runPython(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        // Keep the datasets cache inside the test folder; progress bars go to stderr, which is dropped.
        process.environment = ProcessInfo.processInfo.environment.merging(["HF_DATASETS_CACHE": path("hf-cache")]) {
            $1
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus,
            String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        )
    }

    func testShuffledExportFollowsTheTrainingOrder() throws {
        let data = try DatasetLoader.load(try parallelFolder(items: 20, langs: [.en, .fr]))
        let file = path("shuffled.jsonl")
        try DatasetExporter.export(data, to: file, shuffleSeed: 3)
        let written = try DatasetLoader.load(file).items.map(\.id)
        let expected = data.trainingExamples(shuffleSeed: 3).map(\.itemID).reduce(into: [String]()) { ids, id in
            if !ids.contains(id) { ids.append(id) }  // reloaded items appear in first-occurrence order
        }
        XCTAssertEqual(written, expected)
        XCTAssertNotEqual(written, data.items.map(\.id))
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
