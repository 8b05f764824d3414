import Foundation
import PolyglotLab
import XCTest
@testable import PolyglotServe

final class CompletionRequestTests: XCTestCase {
    private func parse(_ json: String, _ endpoint: CompletionEndpoint = .chat) throws -> CompletionRequest {
        try CompletionRequest.parse(JSONValue.parse(Data(json.utf8)), endpoint: endpoint)
    }

    func testDefaultsAndAllKnownParameters() throws {
        let plain = try parse(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#)
        XCTAssertEqual(plain.generation, GenerationRequest(messages: [Message(role: .user, content: "hi")]))
        XCTAssertNil(plain.requestedMaxTokens)
        XCTAssertFalse(plain.stream)

        let full = try parse(
            #"""
            {"model":"m","messages":[{"role":"developer","content":"sys"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
             {"role":"assistant","content":null}],"temperature":0,"top_p":0.9,"max_completion_tokens":7,"seed":-1,"stop":"END",
             "stream":true,"stream_options":{"include_usage":true},"n":1,"top_k":5,"logit_bias":{}}
            """#)
        XCTAssertEqual(
            full.generation.messages,
            [
                Message(role: .system, content: "sys"), Message(role: .user, content: "ab"),
                Message(role: .assistant, content: "")
            ])
        XCTAssertEqual(full.generation.temperature, 0)
        XCTAssertEqual(full.generation.topP, 0.9)
        XCTAssertEqual(full.requestedMaxTokens, 7)
        XCTAssertEqual(full.generation.seed, UInt64.max, "negative seeds keep their bits")
        XCTAssertEqual(full.generation.stop, ["END"])
        XCTAssertTrue(full.stream)
        XCTAssertTrue(full.includeUsage)
    }

    func testPromptForms() throws {
        XCTAssertEqual(try parse(#"{"model":"m","prompt":"x"}"#, .text).generation.prompt, "x")
        XCTAssertEqual(try parse(#"{"model":"m","prompt":["y"]}"#, .text).generation.prompt, "y")
        XCTAssertThrowsError(try parse(#"{"model":"m","prompt":["a","b"]}"#, .text)) { error in
            XCTAssertEqual((error as? OpenAIError)?.param, "prompt")
        }
        XCTAssertThrowsError(try parse(#"{"model":"m","prompt":5}"#, .text)) { error in
            XCTAssertEqual((error as? OpenAIError)?.code, "invalid_type")
        }
    }

    func testErrorsNameTheParameterAndTheKinds() throws {
        XCTAssertThrowsError(try parse(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"top_p":true}"#)) {
            error in
            let e = error as? OpenAIError
            XCTAssertEqual(e?.status, .badRequest)
            XCTAssertEqual(e?.message, "Invalid type for 'top_p': expected a number, got a boolean.")
        }
        XCTAssertThrowsError(try parse(#"{"model":"m","messages":[{"role":"user","content":{"x":1}}]}"#)) { error in
            XCTAssertEqual((error as? OpenAIError)?.param, "messages[0].content")
        }
        XCTAssertThrowsError(try parse(#"{"model":"m","messages":"hi"}"#)) { error in
            XCTAssertEqual(
                (error as? OpenAIError)?.message, "Invalid type for 'messages': expected an array, got a string.")
        }
    }
}
