// A checkpoint is a directory: config.json (HF names) + model.safetensors (HF tensor names) + optional extras.
import Foundation

/// Saving and loading model directories in the HF layout.
public enum Checkpoint {
    /// Writes `model` (and `extraFiles`, e.g. "tokenizer.json") to `dir` in one atomic step (`atomicWriteFolder`).
    /// An existing `dir` is replaced only when it is empty or a model folder (has a config.json): a typo in a path
    /// must not wipe a folder of notebooks.
    public static func save(_ model: Transformer, to dir: URL, extraFiles: [String: Data] = [:]) throws {
        guard model.lora == nil else {
            throw EngineError.checkpoint(
                "\(dir.path): the model has unmerged LoRA adapters. HINT: call mergeLoRA() before saving")
        }
        for name in extraFiles.keys
        where name.contains("/") || name == "config.json" || name == "model.safetensors" || name.isEmpty {
            throw EngineError.checkpoint(
                "extra file name \"\(name)\" must be a plain file name other than the model files")
        }
        if let present = try? FileManager.default.contentsOfDirectory(atPath: dir.path),
            !present.filter({ !$0.hasPrefix(".") }).isEmpty, !present.contains("config.json")
        {
            throw EngineError.checkpoint(
                "\(dir.path): exists and is not a model folder (no config.json); expected a new, empty or model folder")
        }
        let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let tensors = try model.layout.specs.map { spec in
            (
                name: spec.name,
                tensor: try Tensor(
                    shape: spec.shape, data: model.params.toArray(offset: spec.offset, count: spec.count))
            )
        }
        let files =
            [
                (name: "config.json", data: try enc.encode(model.config)),
                (name: "model.safetensors", data: try SafeTensors.encode(tensors, metadata: ["format": "pt"]))
            ]
            + extraFiles.sorted { $0.key < $1.key }.map { (name: $0.key, data: $0.value) }
        try atomicWriteFolder(dir, files: files)
    }

    /// Reads the model config of a checkpoint directory.
    public static func loadConfig(from dir: URL) throws -> ModelConfig {
        let url = dir.appendingPathComponent("config.json")
        let data = try read(url)
        do { return try JSONDecoder().decode(ModelConfig.self, from: data) } catch let e as EngineError {
            throw EngineError.checkpoint("\(url.path): \(e)")
        } catch {
            throw EngineError.checkpoint("\(url.path): not a valid config (\(error))")
        }
    }

    /// Loads a model; every parameter must be present with the right shape (F32/F16/BF16), and no tensor may be left over.
    public static func load(from dir: URL) throws -> Transformer {
        let config = try loadConfig(from: dir)
        let model = try Transformer(config: config, seed: 0)
        let url = dir.appendingPathComponent("model.safetensors")
        let file = try SafeTensors.File(data: try read(url), source: url.path)
        var expected = Set<String>()
        for spec in model.layout.specs {
            expected.insert(spec.name)
            guard let entry = file.entries[spec.name] else {
                throw EngineError.checkpoint("\(url.path): missing tensor \"\(spec.name)\" (shape \(spec.shape))")
            }
            guard entry.shape == spec.shape else {
                throw EngineError.checkpoint(
                    "\(url.path): tensor \"\(spec.name)\" has shape \(entry.shape), expected \(spec.shape)")
            }
            model.params.copy(from: try file.tensor(spec.name).data, offset: spec.offset)
        }
        // HF may store a tied lm_head and rotary buffers; anything else unexpected is an error.
        let leftover = file.entries.keys.filter {
            !expected.contains($0) && !($0 == "lm_head.weight" && config.tieWordEmbeddings)
                && !$0.hasSuffix("rotary_emb.inv_freq")
        }.sorted()
        guard leftover.isEmpty else {
            throw EngineError.checkpoint(
                "\(url.path): unexpected tensors \(leftover.prefix(5).joined(separator: ", ")) for this config. HINT: check model_type/num_local_experts in config.json"
            )
        }
        return model
    }

    /// The bytes of an extra file stored next to the model (e.g. "tokenizer.json").
    public static func extraFile(named name: String, in dir: URL) throws -> Data {
        try read(dir.appendingPathComponent(name))
    }

    private static func read(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw EngineError.io("\(url.path): cannot read (\(error.localizedDescription))")
        }
    }
}
