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

    /// The weights file of an unsharded checkpoint, and the index of a sharded one (Hugging Face names).
    public static let weightsFile = "model.safetensors", shardIndexFile = "model.safetensors.index.json"

    /// Loads a model from `model.safetensors` or, when that is absent, from the shards listed in
    /// `model.safetensors.index.json` (its `weight_map`: tensor name → shard file). Every parameter must be present
    /// with the right shape (F32/F16/BF16), and no tensor may be left over.
    public static func load(from dir: URL) throws -> Transformer {
        let config = try loadConfig(from: dir)
        let model = try Transformer(config: config, seed: 0)
        let tensors = try TensorSource(folder: dir)
        var expected = Set<String>()
        for spec in model.layout.specs {
            expected.insert(spec.name)
            let (file, entry) = try tensors.entry(spec.name, shape: spec.shape)
            guard entry.shape == spec.shape else {
                throw EngineError.checkpoint(
                    "\(file.source): tensor \"\(spec.name)\" has shape \(entry.shape), expected \(spec.shape)")
            }
            model.params.copy(from: try file.tensor(spec.name).data, offset: spec.offset)
        }
        // HF may store a tied lm_head and rotary buffers; anything else unexpected is an error.
        let leftover = tensors.names.filter {
            !expected.contains($0) && !($0 == "lm_head.weight" && config.tieWordEmbeddings)
                && !$0.hasSuffix("rotary_emb.inv_freq")
        }.sorted()
        guard leftover.isEmpty else {
            throw EngineError.checkpoint(
                "\(tensors.description): unexpected tensors \(leftover.prefix(5).joined(separator: ", ")) for this config. HINT: check model_type/num_local_experts in config.json"
            )
        }
        return model
    }

    /// Where a checkpoint's tensors are: one safetensors file, or shards named by an index.
    private struct TensorSource: CustomStringConvertible {
        /// The parsed files, and for a sharded checkpoint the shard of each tensor name.
        var files: [String: SafeTensors.File] = [:]
        var shardOf: [String: String]?
        let description: String

        init(folder dir: URL) throws {
            let single = dir.appendingPathComponent(weightsFile), index = dir.appendingPathComponent(shardIndexFile)
            let fm = FileManager.default
            guard !fm.fileExists(atPath: single.path), fm.fileExists(atPath: index.path) else {
                files[weightsFile] = try SafeTensors.File(data: try read(single), source: single.path)
                description = single.path
                return
            }
            description = index.path
            let json = try? JSONSerialization.jsonObject(with: try read(index))
            guard let map = (json as? [String: Any])?["weight_map"] as? [String: Any] else {
                throw EngineError.checkpoint(
                    "\(index.path): expected a JSON object with \"weight_map\": {tensor name: shard file}")
            }
            var shardOf: [String: String] = [:]
            for (name, value) in map {
                guard let shard = value as? String, !shard.isEmpty, !shard.contains("/"), shard != "..",
                    shard.hasSuffix(".safetensors")
                else {
                    throw EngineError.checkpoint(
                        "\(index.path): weight_map[\"\(name)\"]: expected the file name of a .safetensors shard "
                            + "in this folder")
                }
                shardOf[name] = shard
            }
            for shard in Set(shardOf.values).sorted() {
                let url = dir.appendingPathComponent(shard)
                guard fm.fileExists(atPath: url.path) else {
                    throw EngineError.checkpoint(
                        "\(url.path): missing shard (listed in \(shardIndexFile)); expected every shard of the index")
                }
                files[shard] = try SafeTensors.File(data: try read(url), source: url.path)
            }
            // A shard's tensor that the index does not list would be silently ignored: an error instead.
            for (shard, file) in files {
                if let stray = file.entries.keys.sorted().first(where: { shardOf[$0] != shard }) {
                    throw EngineError.checkpoint(
                        "\(file.source): tensor \"\(stray)\" is not mapped to this shard in \(shardIndexFile)")
                }
            }
            self.shardOf = shardOf
        }

        /// Every tensor name of the checkpoint.
        var names: [String] { shardOf.map { Array($0.keys) } ?? files.values.flatMap { $0.entries.keys } }

        /// The file holding `name` and its entry; throws naming the file (or index) where it should be.
        func entry(_ name: String, shape: [Int]) throws -> (SafeTensors.File, SafeTensors.File.Entry) {
            let fileName = shardOf.map { $0[name] } ?? weightsFile
            guard let fileName, let file = files[fileName] else {
                throw EngineError.checkpoint("\(description): missing tensor \"\(name)\" (shape \(shape))")
            }
            guard let entry = file.entries[name] else {
                throw EngineError.checkpoint("\(file.source): missing tensor \"\(name)\" (shape \(shape))")
            }
            return (file, entry)
        }
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
