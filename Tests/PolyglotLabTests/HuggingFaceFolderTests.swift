// Model folders as Hugging Face writes them (TRL's tuned models): sharded weights with an index, transformers v5's
// config.json, tokenizer_config.json with the chat template; and the folders Polyglot writes, which
// `transformers` loads with the same chat rendering and loss mask (Python cross-check, skipped without it).

import Foundation
import XCTest
@testable import PolyglotEngine
@testable import PolyglotLab

final class HuggingFaceFolderTests: XCTestCase {
    private var folders: [URL] = []
    override func tearDown() { for f in folders { try? FileManager.default.removeItem(at: f) } }

    /// A fresh tiny model saved by Polyglot.
    private func savedModel() throws -> (model: LabModel, dir: URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg-hf-folder-\(UUID().uuidString)")
        folders.append(dir)
        let model = try LabModel.fresh(preset: "tiny-dense", seed: 7, name: "tiny")
        try model.save(to: dir)
        return (model, dir)
    }

    /// Splits `model.safetensors` into two shards and an index, as `save_pretrained(max_shard_size:)` does.
    private func shard(_ dir: URL) throws {
        let single = dir.appendingPathComponent("model.safetensors")
        let file = try SafeTensors.File(data: try Data(contentsOf: single), source: single.path)
        let names = file.entries.keys.sorted()
        var weightMap: [String: String] = [:]
        for (k, part) in [names.prefix(names.count / 2), names.dropFirst(names.count / 2)].enumerated() {
            let shardName = "model-0000\(k + 1)-of-00002.safetensors"
            let tensors = try part.map { (name: $0, tensor: try file.tensor($0)) }
            try SafeTensors.encode(tensors).write(to: dir.appendingPathComponent(shardName))
            for name in part { weightMap[name] = shardName }
        }
        let index: [String: Any] = ["metadata": ["total_size": 0], "weight_map": weightMap]
        try JSONSerialization.data(withJSONObject: index).write(
            to: dir.appendingPathComponent("model.safetensors.index.json"))
        try FileManager.default.removeItem(at: single)
    }

    private func loadError(_ dir: URL) -> String {
        do {
            _ = try LabModel.load(from: dir)
            return "loaded"
        } catch { return "\(error)" }
    }

    func testShardedFolderLoadsTheSameWeights() throws {
        let (model, dir) = try savedModel()
        try shard(dir)
        let back = try LabModel.load(from: dir)
        for spec in model.transformer.parameterSpecs {
            XCTAssertEqual(
                try back.transformer.parameter(named: spec.name).data,
                try model.transformer.parameter(named: spec.name).data, spec.name)
        }
    }

    func testBadShardedFoldersNameTheFile() throws {
        let (_, dir) = try savedModel()
        try shard(dir)
        let index = dir.appendingPathComponent("model.safetensors.index.json")
        let second = dir.appendingPathComponent("model-00002-of-00002.safetensors")
        let secondBytes = try Data(contentsOf: second)

        try FileManager.default.removeItem(at: second)
        XCTAssertTrue(loadError(dir).contains("\(second.path): missing shard"), loadError(dir))
        try secondBytes.write(to: second)

        let goodIndex = try Data(contentsOf: index)
        try Data("{\"weight_map\": [1, 2]}".utf8).write(to: index)
        XCTAssertTrue(
            loadError(dir).contains("\(index.path): expected a JSON object with \"weight_map\""), loadError(dir))
        // A tensor the index leaves out of its shard would be ignored; an absent one is named.
        var map = try XCTUnwrap(JSONSerialization.jsonObject(with: goodIndex) as? [String: Any])
        var weights = try XCTUnwrap(map["weight_map"] as? [String: String])
        weights["model.norm.weight"] = nil
        map["weight_map"] = weights
        try JSONSerialization.data(withJSONObject: map).write(to: index)
        XCTAssertTrue(loadError(dir).contains("is not mapped to this shard"), loadError(dir))
        weights["lm_head.weight"] = "../elsewhere.safetensors"
        map["weight_map"] = weights
        try JSONSerialization.data(withJSONObject: map).write(to: index)
        XCTAssertTrue(loadError(dir).contains("weight_map[\"lm_head.weight\"]"), loadError(dir))

        try FileManager.default.removeItem(at: index)
        XCTAssertTrue(
            loadError(dir).contains("missing model.safetensors or model.safetensors.index.json"), loadError(dir))
    }

    func testTheChatTemplateMustBePolyglots() throws {
        let (_, dir) = try savedModel()
        let config = dir.appendingPathComponent("tokenizer_config.json")
        let saved = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
        XCTAssertEqual(saved["chat_template"] as? String, ChatTemplate.jinja)
        XCTAssertEqual(saved["eos_token"] as? String, "<|end|>")

        // transformers v5 writes the template to chat_template.jinja, which comes first.
        let jinja = dir.appendingPathComponent("chat_template.jinja")
        try Data("{{ messages[0]['content'] }}".utf8).write(to: jinja)
        XCTAssertTrue(loadError(dir).contains("\(jinja.path): the chat template is not Polyglot's"), loadError(dir))
        try Data(ChatTemplate.jinja.utf8).write(to: jinja)
        XCTAssertEqual(loadError(dir), "loaded")
        try FileManager.default.removeItem(at: jinja)

        try Data("{\"chat_template\": 3".utf8).write(to: config)
        XCTAssertTrue(loadError(dir).contains("\(config.path):line 1: expected a JSON object"), loadError(dir))
        try Data("{\"chat_template\": [{\"name\": \"default\", \"template\": \"x\"}]}".utf8).write(to: config)
        XCTAssertTrue(loadError(dir).contains("the chat template is not Polyglot's"), loadError(dir))
    }

    func testTransformersV5ConfigKeepsRopeThetaInRopeParameters() throws {
        let json = """
            {"model_type": "llama", "vocab_size": 300, "hidden_size": 32, "num_hidden_layers": 1,
             "num_attention_heads": 2, "intermediate_size": 64, "max_position_embeddings": 64, "dtype": "float32",
             "rope_parameters": {"rope_theta": 500000.0, "rope_type": "default"}}
            """
        XCTAssertEqual(try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8)).ropeTheta, 500_000)
    }

    /// transformers renders a conversation with the saved template to the same ids as Polyglot, and TRL's
    /// assistant mask (the `{% generation %}` spans) is Polyglot's loss mask.
    func testTransformersRendersAndMasksLikePolyglot() throws {
        let (model, dir) = try savedModel()
        let messages = [
            ChatMessage(.system, "Sei kurz."), ChatMessage(.user, "Hauptstadt von Italien?"),
            ChatMessage(.assistant, " Rom."), ChatMessage(.user, "Und Frankreich?"), ChatMessage(.assistant, "Paris")
        ]
        let ours = try model.template.encodeForTraining(messages)
        let script = """
            import json, sys
            from transformers import AutoTokenizer
            tok = AutoTokenizer.from_pretrained(sys.argv[1])
            out = tok.apply_chat_template(json.loads(sys.argv[2]), tokenize=True, return_dict=True,
                                          return_assistant_tokens_mask=True)
            print(json.dumps({"ids": out["input_ids"], "mask": out["assistant_masks"]}))
            """
        let input = try JSONSerialization.data(
            withJSONObject: messages.map { ["role": $0.role.rawValue, "content": $0.content] })
        let p = Process(), out = Pipe()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, dir.path, String(decoding: input, as: UTF8.self)]
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw XCTSkip("python3 with transformers is not available (pip install transformers): cross-check skipped")
        }
        let theirs = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: [Int]])
        XCTAssertEqual(theirs["ids"], ours.ids)
        XCTAssertEqual(theirs["mask"], ours.lossMask.map(Int.init))
    }
}
