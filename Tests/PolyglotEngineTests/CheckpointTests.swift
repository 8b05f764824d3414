import XCTest
@testable import PolyglotEngine

final class CheckpointTests: XCTestCase {
    var dir: URL!
    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func testRoundTripWithExtraFilesAndHFNames() throws {
        for moe in [false, true] {
            let m = try Transformer(config: TransformerTests.tinyConfig(moe: moe), seed: 3)
            try Checkpoint.save(m, to: dir, extraFiles: ["tokenizer.json": Data("{}".utf8)])
            // replaces atomically
            try Checkpoint.save(m, to: dir, extraFiles: ["tokenizer.json": Data("{\"v\":2}".utf8)])
            let back = try Checkpoint.load(from: dir)
            XCTAssertEqual(back.config, m.config)
            XCTAssertEqual(back.params.toArray(), m.params.toArray())
            XCTAssertEqual(try Checkpoint.extraFile(named: "tokenizer.json", in: dir), Data("{\"v\":2}".utf8))
            let names = Set(m.parameterSpecs.map(\.name))
            XCTAssertTrue(names.contains("model.layers.1.self_attn.k_proj.weight"))
            XCTAssertTrue(
                names.contains(
                    moe ? "model.layers.0.block_sparse_moe.experts.3.w2.weight" : "model.layers.0.mlp.down_proj.weight")
            )
            let json =
                try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json")))
                as! [String: Any]
            XCTAssertEqual(json["model_type"] as? String, moe ? "mixtral" : "llama")
            XCTAssertEqual(json["num_key_value_heads"] as? Int, 1)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.deletingLastPathComponent().path)
            .filter { $0.contains(dir.lastPathComponent) && $0 != dir.lastPathComponent }
        XCTAssertEqual(leftovers, [], "no temp directories left behind")
    }

    func testLoadsF16AndBF16() throws {
        let values: [Float] = [0, 1, -2.5, 0.333, 65504, 1e-6, -0.0078125]
        var header = ""
        var payload = Data()
        for v in values {
            withUnsafeBytes(of: SafeTensors.floatToHalf(v).littleEndian) { payload.append(contentsOf: $0) }
        }
        let f16Count = payload.count
        for v in values {
            withUnsafeBytes(of: UInt16(v.bitPattern >> 16).littleEndian) { payload.append(contentsOf: $0) }
        }
        header =
            "{\"a\":{\"dtype\":\"F16\",\"shape\":[7],\"data_offsets\":[0,\(f16Count)]},\"b\":{\"dtype\":\"BF16\",\"shape\":[7],\"data_offsets\":[\(f16Count),\(payload.count)]}}"
        var file = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(Data(header.utf8)); file.append(payload)
        let st = try SafeTensors.File(data: file, source: "test")
        let a = try st.tensor("a").data, b = try st.tensor("b").data
        for (i, v) in values.enumerated() {
            XCTAssertEqual(a[i], v, accuracy: abs(v) * 1e-3 + 1e-7)
            XCTAssertEqual(b[i], v, accuracy: abs(v) * 1e-2 + 1e-7)
        }
        XCTAssertThrowsError(try st.tensor("c")) { XCTAssertTrue("\($0)".contains("\"c\"")) }
        // Corrupt headers fail with the tensor name instead of crashing.
        for bad in [
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,0]}}",
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}",
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,800]}}"
        ] {
            var f = Data()
            withUnsafeBytes(of: UInt64(bad.utf8.count).littleEndian) { f.append(contentsOf: $0) }
            f.append(Data(bad.utf8)); f.append(Data(count: 8))
            XCTAssertThrowsError(try SafeTensors.File(data: f, source: "bad")) {
                XCTAssertTrue("\($0)".contains("\"x\""), "\($0)")
            }
        }
        var dtypeFile = Data()
        let h = "{\"x\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}"
        withUnsafeBytes(of: UInt64(h.utf8.count).littleEndian) { dtypeFile.append(contentsOf: $0) }
        dtypeFile.append(Data(h.utf8)); dtypeFile.append(Data(count: 8))
        XCTAssertThrowsError(try SafeTensors.File(data: dtypeFile, source: "bad").tensor("x")) {
            XCTAssertTrue("\($0)".contains("I64"), "\($0)")
        }
    }

    func testWholeCheckpointInHalfPrecisionLoads() throws {
        let m = try Transformer(config: TransformerTests.tinyConfig(moe: false), seed: 3)
        try Checkpoint.save(m, to: dir)
        // Rewrite the weights as F16 by hand to mimic an HF export.
        var header: [String: Any] = [:], payload = Data()
        for s in m.parameterSpecs {
            let start = payload.count
            for v in m.params.toArray(offset: s.offset, count: s.count) {
                withUnsafeBytes(of: SafeTensors.floatToHalf(v).littleEndian) { payload.append(contentsOf: $0) }
            }
            header[s.name] = ["dtype": "F16", "shape": s.shape, "data_offsets": [start, payload.count]]
        }
        var json = try JSONSerialization.data(withJSONObject: header)
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json); file.append(payload)
        try file.write(to: dir.appendingPathComponent("model.safetensors"))
        let back = try Checkpoint.load(from: dir)
        let a = m.params.toArray(), b = back.params.toArray()
        for i in a.indices { XCTAssertEqual(a[i], b[i], accuracy: abs(a[i]) * 1e-3 + 1e-7) }
    }

    func testLoadErrorsNameTheKey() throws {
        let m = try Transformer(config: TransformerTests.tinyConfig(moe: false), seed: 3)
        try Checkpoint.save(m, to: dir)
        var cfg = m.config; cfg.intermediateSize = 14
        try JSONEncoder().encode(cfg).write(to: dir.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try Checkpoint.load(from: dir)) {
            XCTAssertTrue("\($0)".contains("model.layers.0.mlp.gate_proj.weight"), "\($0)")
        }
        try Data("{\"model_type\":\"llama\"}".utf8).write(to: dir.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try Checkpoint.load(from: dir)) { XCTAssertTrue("\($0)".contains("vocab_size"), "\($0)") }
        try Data([1, 2, 3]).write(to: dir.appendingPathComponent("model.safetensors"))
        try JSONEncoder().encode(m.config).write(to: dir.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try Checkpoint.load(from: dir)) { XCTAssertTrue("\($0)".contains("too short"), "\($0)") }
    }

    func testFreshPresetCheckpointIsSeeded() throws {
        let a = try Transformer(config: try ModelConfig.preset(named: "tiny-moe"), seed: 11)
        try Checkpoint.save(a, to: dir)
        let back = try Checkpoint.load(from: dir)
        XCTAssertEqual(back.config.numLocalExperts, 8)
        XCTAssertEqual(back.params.toArray(), a.params.toArray())
        XCTAssertNotEqual(try Transformer(config: a.config, seed: 12).params.toArray(), a.params.toArray())
    }
}
