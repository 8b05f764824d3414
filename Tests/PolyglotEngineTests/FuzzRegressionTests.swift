import Foundation
import XCTest

@testable import PolyglotEngine

/// Minimal reproducers of what `polyglot fuzz` found in the checkpoint readers: each input used to trap or
/// attempt an impossible allocation, and now gets an error naming the file and the key.
final class FuzzRegressionTests: XCTestCase {
    /// A safetensors file: 8-byte little-endian header length, the JSON header, `dataBytes` zero bytes.
    private func safetensors(_ header: String, dataBytes: Int) -> Data {
        var out = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(Data(header.utf8))
        out.append(Data(count: dataBytes))
        return out
    }

    private func assertCheckpointError(
        _ body: () throws -> Void, mentions text: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(text), "\(error)", file: file, line: line)
        }
    }

    /// safetensors input 24 (seed 1): an end offset of Int64.max overflowed `base + offset`.
    func testHugeDataOffsetIsAMalformedEntry() {
        let header = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,9223372036854775807]}}"#
        let data = safetensors(header, dataBytes: 8)
        assertCheckpointError(
            { _ = try SafeTensors.File(data: data, source: "w.safetensors") },
            mentions: "w.safetensors: tensor \"w\": malformed entry")
    }

    /// safetensors input 184 (seed 1): a shape of [Int64.max, 8] overflowed the element count.
    func testHugeShapeIsASizeMismatch() throws {
        let header = #"{"w":{"dtype":"F32","shape":[9223372036854775807,8],"data_offsets":[0,8]}}"#
        let data = safetensors(header, dataBytes: 8)
        let file = try SafeTensors.File(data: data, source: "w.safetensors")
        assertCheckpointError(
            { _ = try file.tensor("w") },
            mentions: "8 bytes for shape [9223372036854775807, 8] in F32")
    }

    /// Two tensors reading the same bytes are a corrupt file, not two tensors.
    func testOverlappingTensorsAreRejected() {
        let header =
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        let data = safetensors(header, dataBytes: 12)
        assertCheckpointError(
            { _ = try SafeTensors.File(data: data, source: "x.safetensors") },
            mentions: "tensors \"a\" and \"b\" overlap (data_offsets [0, 8] and [4, 12])")
    }

    /// tokenizer input 62 (seed 1): one vocabulary id of 123456789012 sized the id table (a 987 GB allocation).
    func testHugeTokenIdIsAnError() throws {
        var vocab = (0..<256).map { "\(JSONText.quoted(ByteLevelAlphabet.encode([UInt8($0)]))): \($0)" }
        vocab[65] = "\(JSONText.quoted(ByteLevelAlphabet.encode([65]))): 123456789012"
        let json = #"{"model": {"type": "BPE", "vocab": {"# + vocab.joined(separator: ", ") + #"}, "merges": []}}"#
        assertCheckpointError(
            { _ = try BPETokenizer(huggingFaceJSON: Data(json.utf8), path: "t/tokenizer.json") },
            mentions: "t/tokenizer.json:model.vocab: ids must be contiguous from 0; "
                + "id 65 is missing")
    }

    /// config input 97 (seed 2): config.json sizes whose parameter count overflows, or whose RoPE table cannot be
    /// allocated, are errors of validate().
    func testAbsurdConfigSizesAreErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func config(vocab: Int, hidden: Int, positions: Int) -> String {
            #"{"model_type": "llama", "vocab_size": \#(vocab), "hidden_size": \#(hidden), "num_hidden_layers": 1, "#
                + #""num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": \#(positions)}"#
        }
        try config(vocab: 1 << 40, hidden: 1 << 40, positions: 16).write(
            to: dir.appendingPathComponent("config.json"),
            atomically: true, encoding: .utf8)
        assertCheckpointError(
            { _ = try Checkpoint.load(from: dir) },
            mentions: "\"hidden_size\": the model would have more than 2^63 parameters")
        try config(vocab: 64, hidden: 8, positions: 1 << 60).write(
            to: dir.appendingPathComponent("config.json"),
            atomically: true, encoding: .utf8)
        assertCheckpointError(
            { _ = try Checkpoint.load(from: dir) },
            mentions: "\"max_position_embeddings\": expected at most 536870912 positions")
        XCTAssertEqual(
            try ModelConfig.preset(named: "small-dense").parameterCount,
            try Transformer(config: ModelConfig.preset(named: "small-dense"), seed: 0).parameterCount,
            "parameterCount agrees with the layout the model allocates")
        XCTAssertEqual(
            try ModelConfig.preset(named: "tiny-moe").parameterCount,
            try Transformer(config: ModelConfig.preset(named: "tiny-moe"), seed: 0).parameterCount)
    }
}
