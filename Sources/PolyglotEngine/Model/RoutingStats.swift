// Dims legend: N rows (tokens), E experts, K top-k.
// Which experts a mixture-of-experts model routes each token to, per layer: counted only when asked for (an inference
// pass over tagged sequences), so training and decoding never pay for it.

/// Routed slots and router probability mass per tag (a sequence's `tag`; nil = untagged), layer and expert.
public struct RoutingStats: Sendable, Equatable {
    public let layers: Int, experts: Int, expertsPerToken: Int
    /// slots[tag][layer][expert]: every routed slot (top-k per token) counts once, so a layer's slots are K·tokens.
    public private(set) var slots: [Int?: [[Int]]] = [:]
    /// mass[tag][layer][expert]: Σ over tokens of the router's softmax probability of the expert (before top-k), so
    /// a layer's mass is the number of tokens; it shows preferences the top-k cut hides.
    public private(set) var mass: [Int?: [[Double]]] = [:]
    /// tokens[tag]: routed tokens (the input positions of the tag's sequences).
    public private(set) var tokens: [Int?: Int] = [:]

    init(layers: Int, experts: Int, expertsPerToken: Int) {
        self.layers = layers; self.experts = experts; self.expertsPerToken = expertsPerToken
    }

    /// Adds the experts each valid row of one layer's pass chose (`tags`: N, the tag of each row).
    mutating func record(layer: Int, acts: MoEActivations, valid: UnsafePointer<Float>, tags: [Int?], N: Int) {
        let E = acts.E, K = acts.K
        for n in 0..<N where valid[n] != 0 {
            let tag = tags[n]
            if slots[tag] == nil {
                slots[tag] = [[Int]](repeating: [Int](repeating: 0, count: E), count: layers)
                mass[tag] = [[Double]](repeating: [Double](repeating: 0, count: E), count: layers)
            }
            if layer == 0 { tokens[tag, default: 0] += 1 }
            for slot in 0..<K { slots[tag]![layer][Int(acts.topIdx[n * K + slot])] += 1 }
            for e in 0..<E { mass[tag]![layer][e] += Double(acts.probs.ptr[n * E + e]) }
        }
    }
}

/// What a forward pass fills when routing is asked for: the stats and the tag of each of the batch's rows.
final class RoutingRecorder {
    var stats: RoutingStats
    init(_ config: ModelConfig) {
        stats = RoutingStats(
            layers: config.numHiddenLayers, experts: config.numLocalExperts, expertsPerToken: config.numExpertsPerTok)
    }
}

extension Transformer {
    /// Runs `sequences` through the model (teacher-forced, no gradients: batches of `batchSize`, each padded to T)
    /// and counts, per sequence tag, layer and expert, the routed slots and the router's probability mass. Every
    /// input position (all tokens but the last, up to T) is counted. Throws for a dense model.
    public func routing(of sequences: [TrainingSequence], batchSize: Int, T: Int) throws -> RoutingStats {
        guard config.isMoE else { throw EngineError.invalidInput("routing needs a mixture-of-experts model") }
        let recorder = RoutingRecorder(config)
        _ = try Trainer.evaluate(model: self, sequences, batchSize: batchSize, T: T, packing: false, routing: recorder)
        return recorder.stats
    }
}
