// The server as seen by the official `openai` Python package (pip install openai). Skips with a message
// where python3 or the package is missing.

import Foundation
import XCTest
@testable import PolyglotServe

final class OpenAIPythonClientTests: XCTestCase {
    private static let script = #"""
        import json, sys
        import openai
        client = openai.OpenAI(base_url=sys.argv[1], api_key=sys.argv[2], max_retries=0, timeout=30)
        out = {"models": [m.id for m in client.models.list()]}
        messages = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "one two three four"}]
        r = client.chat.completions.create(model="echo", messages=messages, seed=5, max_tokens=9, temperature=0.3)
        out["chat"] = {"content": r.choices[0].message.content, "finish": r.choices[0].finish_reason,
                       "role": r.choices[0].message.role, "usage": [r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens]}
        pieces, usage = [], None
        for chunk in client.chat.completions.create(model="echo", messages=messages, seed=5, max_tokens=9, temperature=0.3,
                                                    stream=True, stream_options={"include_usage": True}):
            if chunk.usage is not None:
                usage = chunk.usage.total_tokens
            for c in chunk.choices:
                if c.delta.content:
                    pieces.append(c.delta.content)
        out["stream"] = {"content": "".join(pieces), "pieces": len(pieces), "total_tokens": usage}
        c = client.completions.create(model="echo", prompt="red green blue", max_tokens=4, seed=1)
        out["completion"] = {"text": c.choices[0].text, "finish": c.choices[0].finish_reason}
        try:
            client.chat.completions.create(model="missing", messages=messages)
            out["not_found"] = None
        except openai.NotFoundError as e:
            out["not_found"] = [e.status_code, e.code]
        try:
            openai.OpenAI(base_url=sys.argv[1], api_key="wrong", max_retries=0).models.list()
            out["auth"] = None
        except openai.AuthenticationError as e:
            out["auth"] = e.status_code
        print(json.dumps(out))
        """#

    func testOfficialOpenAIPythonClient() throws {
        guard let python = which("python3") else {
            throw XCTSkip("python3 not found; install it to run the openai client check")
        }
        guard run(python, ["-c", "import openai"]).status == 0 else {
            throw XCTSkip("the openai Python package is not installed (pip install openai)")
        }
        setenv("POLYGLOT_SERVE_PY_KEY", "py-key", 1)
        defer { unsetenv("POLYGLOT_SERVE_PY_KEY") }
        // Synchronous start: the blocking wait for python must not occupy the server's cooperative threads.
        let handle = try OpenAIServer.startInBackground(
            [EchoGenerator(tokenDelay: 0.001)],
            options: ServeOptions(port: 0, apiKeyEnvironmentVariable: "POLYGLOT_SERVE_PY_KEY"))
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "polyglot-openai-\(handle.port).py")
        try Data(Self.script.utf8).write(to: scriptURL, options: .atomic)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let result = run(python, [scriptURL.path, handle.baseURL, "py-key"])
        handle.stopAndWait()
        XCTAssertEqual(result.status, 0, result.output)
        print("openai client result: \(result.output)")
        // The JSON is the last line; warnings (stderr) may come before it.
        let lastLine = result.output.split(separator: "\n").last.map(String.init) ?? ""
        let json = try JSONValue.parse(Data(lastLine.utf8))
        XCTAssertEqual(json["models"], .array([.string("echo")]))
        XCTAssertEqual(json["chat"]?["finish"], .string("length"))
        XCTAssertEqual(json["chat"]?["role"], .string("assistant"))
        XCTAssertEqual(
            json["chat"]?["usage"], .array([.int(8), .int(9), .int(17)]), "8 prompt words in the echo double")
        XCTAssertNotNil(json["chat"]?["content"])
        XCTAssertEqual(
            json["stream"]?["content"], json["chat"]?["content"], "stream and whole answer agree for one seed")
        XCTAssertEqual(json["stream"]?["pieces"], .int(9))
        XCTAssertEqual(json["stream"]?["total_tokens"], .int(17))
        XCTAssertEqual(json["completion"]?["finish"], .string("length"))
        XCTAssertEqual(json["not_found"], .array([.int(404), .string("model_not_found")]))
        XCTAssertEqual(json["auth"], .int(401))
    }

    private func which(_ name: String) -> String? {
        let found = run("/usr/bin/env", ["which", name])
        let path = found.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return found.status == 0 && !path.isEmpty ? path : nil
    }

    private func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
