// The two standard bases of the miniature study, `builtin:dense` and `builtin:moe`: pre-trained on
// first use and cached in the user's cache folder, keyed by recipe (config, corpus and seeds).

import Foundation
import PolyglotEngine

public enum BaseModels {
    /// `$POLYGLOT_CACHE`, else `$XDG_CACHE_HOME/polyglot`, else `~/.cache/polyglot`.
    public static var cacheDirectory: URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["POLYGLOT_CACHE"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("polyglot")
        }
        return UserHome.directory.appendingPathComponent(".cache/polyglot")
    }

    /// The recipe behind a builtin name (`dense`, `moe`).
    public static func recipe(named name: String) -> PretrainRecipe? {
        switch name {
        case "dense": PretrainRecipe(kind: .dense)
        case "moe": PretrainRecipe(kind: .moe)
        default: nil
        }
    }

    /// The cached model for `recipe`, pre-training it (and its tokenizer) when it is not cached yet.
    /// `name` names the model (default `builtin:KIND`), cached or not.
    public static func load(
        _ recipe: PretrainRecipe, name: String? = nil, cache: URL = cacheDirectory,
        shouldCancel: () -> Bool = { false },
        progress: (PretrainProgress) -> Void = { _ in }
    ) throws -> (model: LabModel, cached: Bool) {
        let dir = cache.appendingPathComponent(recipe.key)
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path) {
            let model = try LabModel.load(from: dir)
            model.name = name ?? "builtin:\(recipe.kind.rawValue)"
            model.provenance.removeAll { $0.key == "loaded from" }
            return (model, true)
        }
        progress(
            PretrainProgress(
                phase: "generating builtin:corpus", step: 0, totalSteps: recipe.steps, loss: .nan,
                tokensPerSecond: 0, secondsLeft: .nan))
        let texts = Pretraining.corpusTexts(recipe)
        let tokenizer = try cachedTokenizer(recipe, texts: texts, cache: cache)
        let model = try Pretraining.pretrain(
            recipe, texts: texts, tokenizer: tokenizer, name: name, shouldCancel: shouldCancel,
            progress: progress)
        try model.save(to: dir)
        return (model, false)
    }

    /// One tokenizer per corpus (its size and English share) and merge count, shared by the dense and the MoE base.
    static func cachedTokenizer(_ recipe: PretrainRecipe, texts: [String], cache: URL) throws -> BPETokenizer {
        let url = cache.appendingPathComponent(
            "tokenizer-w\(recipe.worldSeed)-s\(recipe.corpusSentences)-m\(recipe.merges)"
                + (recipe.englishShare.map { "-en\($0)" } ?? "") + ".json")
        if let data = FileManager.default.contents(atPath: url.path) {
            return try BPETokenizer(huggingFaceJSON: data, path: url.path)
        }
        let tokenizer = try Pretraining.trainTokenizer(texts: texts, merges: recipe.merges)
        try tokenizer.write(to: url)
        return tokenizer
    }
}
