import Foundation
import PolyglotEngine

@testable import PolyglotLab

/// Bases small enough to pre-train in about a second: the real recipe shrunk (d32, context 64, 1,500 corpus
/// sentences, 300 merges, batch 4).
enum TinyBases {
    static func pretrain(
        _ kind: PretrainRecipe.Kind, layers: Int, steps: Int, warmupSteps: Int, experts: Int? = nil, name: String
    ) -> LabModel {
        var recipe = PretrainRecipe(kind: kind)
        recipe.corpusSentences = 1500; recipe.merges = 300; recipe.dModel = 32; recipe.layers = layers; recipe.heads = 2
        recipe.ffnHidden = 64; recipe.context = 64; recipe.steps = steps; recipe.batchSize = 4
        recipe.warmupSteps = warmupSteps
        if let experts { recipe.experts = experts }
        let texts = Pretraining.corpusTexts(recipe)
        let tokenizer = try! Pretraining.trainTokenizer(texts: texts, merges: recipe.merges)
        return try! Pretraining.pretrain(recipe, texts: texts, tokenizer: tokenizer, name: name)
    }
}
