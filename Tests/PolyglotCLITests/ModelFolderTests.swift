import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import XCTest

/// Model folders written by `polyglot model new` and the DSL's `new model` are complete: they load, chat and serve.
/// The CLI tools run the DSL commands of the same name, so they answer with the same messages.
final class ModelFolderTests: XCTestCase {
    func testModelNewWritesAFolderThatLoadsChatsAndServes() throws {
        let dir = try temporaryDirectory("pg-model-new")
        let new = try runPolyglot(["model", "new", "--preset", "tiny-dense", "--out", "m"], cwd: dir)
        XCTAssertEqual(new.status, 0, new.stderr)
        XCTAssertTrue(new.stdout.contains("wrote tiny-dense ("), new.stdout)
        XCTAssertTrue(new.stdout.contains("byte-level tokenizer of 261 tokens) to m"), new.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m/tokenizer.json").path))

        let repl = try runPolyglot(
            [],
            stdin: """
                let m = load model "m"
                show m
                let reply = chat m "Hallo" max_tokens: 4
                print "chatted"
                new model preset: "tiny-moe" out: "moe" seed: 1
                show (load model "moe")
                """ + "\n", cwd: dir)
        XCTAssertEqual(repl.status, 0, repl.stdout + repl.stderr)
        XCTAssertTrue(
            repl.stdout.contains(
                "tokenizer     byte-level (256 bytes + 5 chat tokens, no merges): "
                    + "vocabulary 261 instead of the preset's 2048"), repl.stdout)
        XCTAssertTrue(repl.stdout.contains("chatted\n"), repl.stdout)
        XCTAssertTrue(repl.stdout.contains("initialised   preset tiny-moe, seed 1"), repl.stdout)

        let logits = try runPolyglot(["logits", "--model", "m", "--ids", "1,2,3"], cwd: dir)
        XCTAssertEqual(logits.status, 0, logits.stderr)
        let values = try JSONSerialization.jsonObject(with: Data(logits.stdout.utf8)) as? [Double]
        XCTAssertEqual(values?.count, 261)
        let noIds = try runPolyglot(["logits", "--model", "m"], cwd: dir)
        XCTAssertEqual(noIds.status, 1)
        XCTAssertTrue(noIds.stderr.contains("error: logits needs ids: or prompt:"), noIds.stderr)

        let (status, stdout, reply) = try serve(folder: "m", in: dir) { base in
            try post(
                base + "/v1/chat/completions",
                #"{"model": "m", "messages": [{"role": "user", "content": "Hallo"}], "max_tokens": 4}"#)
        }
        XCTAssertEqual(reply.status, 200, reply.body)
        XCTAssertTrue(reply.body.contains("\"chat.completion\""), reply.body)
        XCTAssertEqual(status, 0, stdout)
        XCTAssertTrue(stdout.contains("stopped 1 server(s)"), stdout)
    }

    func testAFolderWithoutATokenizerIsRefusedNamingTheFile() throws {
        let dir = try temporaryDirectory("pg-model-incomplete")
        XCTAssertEqual(try runPolyglot(["model", "new", "--preset", "tiny-dense", "--out", "m"], cwd: dir).status, 0)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("m/tokenizer.json"))
        let load = try runPolyglot([], stdin: "load model \"m\"\n", cwd: dir)
        XCTAssertEqual(load.status, 1)
        XCTAssertTrue(
            load.stderr.contains(
                "<cell 1>:1:1: error: \(dir.path)/m: incomplete model folder, missing tokenizer.json"), load.stderr)
        let serve = try runPolyglot(["serve", "--model", "m", "--port", "0"], cwd: dir)
        XCTAssertEqual(serve.status, 1)
        XCTAssertTrue(serve.stderr.contains("missing tokenizer.json"), serve.stderr)
        let bad = try runPolyglot(["model", "new", "--preset", "tiny", "--out", "x"], cwd: dir)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("new model has no preset: \"tiny\""), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("expected one of \"tiny-dense\", \"tiny-moe\", \"small-dense\""), bad.stderr)
    }

    /// Runs `polyglot serve --model FOLDER --port 0` until `body` has used its base URL, then stops it with Ctrl-C
    /// (SIGINT); returns its exit status, its output and what `body` returned.
    func serve<T>(folder: String, in dir: URL, _ body: (String) throws -> T) throws -> (Int32, String, T) {
        let p = Process()
        p.executableURL = polyglotBinary
        p.arguments = ["serve", "--model", folder, "--port", "0"]
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.standardError
        try p.run()
        var text = ""
        while !text.contains("Ctrl-C stops") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
            p.terminate()
            p.waitUntilExit()
            XCTFail("no address in the output of serve: \(text)")
            throw POSIXError(.EIO)
        }
        let result = try body(String(text[range]))
        p.interrupt()
        text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text, result)
    }

    func post(_ url: String, _ json: String) throws -> (status: Int, body: String) {
        var request = URLRequest(url: try XCTUnwrap(URL(string: url)))
        request.httpMethod = "POST"
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        /// Written by the data task before it signals, read after the wait.
        final class Reply: @unchecked Sendable { var status = 0, body = "" }
        let reply = Reply(), done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            reply.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            reply.body = data.map { String(decoding: $0, as: UTF8.self) } ?? "\(error.map { "\($0)" } ?? "no response")"
            done.signal()
        }.resume()
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "no answer from \(url)")
        return (reply.status, reply.body)
    }
}
