// Model hyper-parameters with HF `config.json` names (LlamaForCausalLM / MixtralForCausalLM).
import Foundation

/// Decoder configuration; dense when `numLocalExperts == 0`, Mixtral-style MoE otherwise.
public struct ModelConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var ropeTheta: Double
    public var rmsNormEps: Double
    public var tieWordEmbeddings: Bool
    public var numLocalExperts: Int
    public var numExpertsPerTok: Int
    public var routerAuxLossCoef: Double
    public var architectures: [String]
    public var modelType: String

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", numKeyValueHeads = "num_key_value_heads"
        case intermediateSize = "intermediate_size", maxPositionEmbeddings = "max_position_embeddings"
        case ropeTheta = "rope_theta", rmsNormEps = "rms_norm_eps", tieWordEmbeddings = "tie_word_embeddings"
        case numLocalExperts = "num_local_experts", numExpertsPerTok = "num_experts_per_tok"
        case routerAuxLossCoef = "router_aux_loss_coef", architectures, modelType = "model_type"
        case headDim = "head_dim", hiddenAct = "hidden_act", torchDtype = "torch_dtype"
        case outputRouterLogits = "output_router_logits", ropeParameters = "rope_parameters"
    }

    /// transformers v5 keeps rope_theta in `rope_parameters` (formats.md §5.1).
    private struct RopeParameters: Decodable {
        var ropeTheta: Double?
        enum CodingKeys: String, CodingKey { case ropeTheta = "rope_theta" }
    }

    /// A dense (Llama) or MoE (Mixtral, when `experts > 0`) configuration.
    public init(
        vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
        numKeyValueHeads: Int? = nil, intermediateSize: Int, maxPositionEmbeddings: Int,
        ropeTheta: Double = 10_000, rmsNormEps: Double = 1e-5, tieWordEmbeddings: Bool = false,
        experts: Int = 0, expertsPerToken: Int = 2, routerAuxLossCoef: Double = 0.02
    ) {
        self.vocabSize = vocabSize; self.hiddenSize = hiddenSize; self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads; self.numKeyValueHeads = numKeyValueHeads ?? numAttentionHeads
        self.intermediateSize = intermediateSize; self.maxPositionEmbeddings = maxPositionEmbeddings
        self.ropeTheta = ropeTheta; self.rmsNormEps = rmsNormEps; self.tieWordEmbeddings = tieWordEmbeddings
        self.numLocalExperts = experts; self.numExpertsPerTok = experts > 0 ? expertsPerToken : 0
        self.routerAuxLossCoef = experts > 0 ? routerAuxLossCoef : 0
        self.architectures = [experts > 0 ? "MixtralForCausalLM" : "LlamaForCausalLM"]
        self.modelType = experts > 0 ? "mixtral" : "llama"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func req(_ k: CodingKeys) throws -> Int {
            guard let v = try c.decodeIfPresent(Int.self, forKey: k) else {
                throw EngineError.invalidConfig("config.json: missing key \"\(k.rawValue)\"")
            }
            return v
        }
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? "llama"
        guard modelType == "llama" || modelType == "mixtral" else {
            throw EngineError.invalidConfig(
                "config.json: \"model_type\" must be \"llama\" or \"mixtral\", got \"\(modelType)\"")
        }
        architectures =
            try c.decodeIfPresent([String].self, forKey: .architectures)
            ?? [modelType == "mixtral" ? "MixtralForCausalLM" : "LlamaForCausalLM"]
        vocabSize = try req(.vocabSize); hiddenSize = try req(.hiddenSize); numHiddenLayers = try req(.numHiddenLayers)
        numAttentionHeads = try req(.numAttentionHeads)
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? numAttentionHeads
        intermediateSize = try req(.intermediateSize); maxPositionEmbeddings = try req(.maxPositionEmbeddings)
        ropeTheta =
            try c.decodeIfPresent(Double.self, forKey: .ropeTheta)
            ?? c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)?.ropeTheta ?? 10_000
        rmsNormEps = try c.decodeIfPresent(Double.self, forKey: .rmsNormEps) ?? 1e-6
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
        if modelType == "mixtral" {
            numLocalExperts = try req(.numLocalExperts); numExpertsPerTok = try req(.numExpertsPerTok)
            routerAuxLossCoef = try c.decodeIfPresent(Double.self, forKey: .routerAuxLossCoef) ?? 0.02
        } else {
            numLocalExperts = 0; numExpertsPerTok = 0; routerAuxLossCoef = 0
        }
        if let hd = try c.decodeIfPresent(Int.self, forKey: .headDim), numAttentionHeads > 0,
            hd != hiddenSize / numAttentionHeads
        {
            throw EngineError.invalidConfig(
                "config.json: \"head_dim\" \(hd) must equal hidden_size/num_attention_heads")
        }
        try validate()
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(architectures, forKey: .architectures); try c.encode(modelType, forKey: .modelType)
        try c.encode(vocabSize, forKey: .vocabSize); try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers);
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numKeyValueHeads, forKey: .numKeyValueHeads); try c.encode(headDim, forKey: .headDim)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(ropeTheta, forKey: .ropeTheta); try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encode("silu", forKey: .hiddenAct); try c.encode("float32", forKey: .torchDtype)
        if isMoE {
            try c.encode(numLocalExperts, forKey: .numLocalExperts);
            try c.encode(numExpertsPerTok, forKey: .numExpertsPerTok)
            try c.encode(routerAuxLossCoef, forKey: .routerAuxLossCoef);
            try c.encode(false, forKey: .outputRouterLogits)
        }
    }

    /// True for the Mixtral-style sparse MoE MLP.
    public var isMoE: Bool { numLocalExperts > 0 }
    /// Parameters used per token out of `total`: an MoE layer runs only top-k of its experts.
    public func activeParameters(of total: Int) -> Int {
        guard isMoE else { return total }
        return total - numHiddenLayers * (numLocalExperts - numExpertsPerTok) * 3 * hiddenSize * intermediateSize
    }
    /// Channels per attention head.
    public var headDim: Int { hiddenSize / max(numAttentionHeads, 1) }

    /// Floating-point operations of one training step per token over windows of `T` tokens, every token carrying
    /// loss: the products of the forward pass (the projections, the experts a token is routed to and the router,
    /// causal attention's two products over the (T+1)/2 keys a query sees on average, the LM head), ×3 with the
    /// backward pass's two products per forward one. Norms, activations and the optimizer are not counted: this is
    /// the work a GEMM rate bounds.
    public func trainingFLOPsPerToken(T: Int) -> Double {
        let C = Double(hiddenSize), F = Double(intermediateSize), V = Double(vocabSize)
        let q = Double(numAttentionHeads * headDim), kv = Double(numKeyValueHeads * headDim)
        let projections = C * (q + 2 * kv) + q * C
        let mlp = isMoE ? Double(numExpertsPerTok) * 3 * C * F + C * Double(numLocalExperts) : 3 * C * F
        let attention = 2 * q * Double(T + 1) / 2
        let forward = 2 * (Double(numHiddenLayers) * (projections + mlp + attention) + C * V)
        return 3 * forward
    }

    /// The engine's size limit: weights and the RoPE table each hold at most 2^31 floats (8 GiB), so a
    /// config.json with absurd sizes is an error rather than an allocation the machine cannot make.
    public static let maxElements = 1 << 31

    /// Parameters of the model (`ParamLayout`'s total); nil when the count overflows `Int`.
    public var parameterCount: Int? {
        func product(_ xs: Int...) -> Int? {
            var p = 1
            for x in xs {
                let (r, overflow) = p.multipliedReportingOverflow(by: x)
                if overflow || x < 0 { return nil }
                p = r
            }
            return p
        }
        func sum(_ xs: Int?...) -> Int? {
            var s = 0
            for x in xs {
                guard let x else { return nil }
                let (r, overflow) = s.addingReportingOverflow(x)
                if overflow { return nil }
                s = r
            }
            return s
        }
        let C = hiddenSize, V = vocabSize, F = intermediateSize, E = numLocalExperts
        let kvDim = product(numKeyValueHeads, headDim)
        let attention = sum(product(2, C), product(2, C, C), kvDim.flatMap { product(2, $0, C) })
        let mlp = isMoE ? sum(product(E, C), product(3, E, F, C)) : product(3, F, C)
        let layer = sum(attention, mlp)
        let head = tieWordEmbeddings ? 0 : product(V, C)
        return sum(product(V, C), layer.flatMap { product(numHiddenLayers, $0) }, C, head)
    }

    /// Throws with the offending HF key when the numbers cannot form a model.
    public func validate() throws {
        func check(_ ok: Bool, _ key: String, _ what: String) throws {
            if !ok { throw EngineError.invalidConfig("\"\(key)\": \(what)") }
        }
        try check(vocabSize > 0, "vocab_size", "expected > 0, got \(vocabSize)")
        try check(hiddenSize > 0, "hidden_size", "expected > 0, got \(hiddenSize)")
        try check(numHiddenLayers > 0, "num_hidden_layers", "expected > 0, got \(numHiddenLayers)")
        try check(
            numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0, "num_attention_heads",
            "expected a divisor of hidden_size \(hiddenSize), got \(numAttentionHeads)")
        try check(headDim % 2 == 0, "num_attention_heads", "head dim \(headDim) must be even for RoPE")
        try check(
            numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0, "num_key_value_heads",
            "expected a divisor of num_attention_heads \(numAttentionHeads), got \(numKeyValueHeads)")
        try check(intermediateSize > 0, "intermediate_size", "expected > 0, got \(intermediateSize)")
        try check(maxPositionEmbeddings > 0, "max_position_embeddings", "expected > 0, got \(maxPositionEmbeddings)")
        try check(ropeTheta > 0, "rope_theta", "expected > 0, got \(ropeTheta)")
        try check(rmsNormEps > 0, "rms_norm_eps", "expected > 0, got \(rmsNormEps)")
        if isMoE {
            try check(
                numExpertsPerTok > 0 && numExpertsPerTok <= numLocalExperts, "num_experts_per_tok",
                "expected 1...\(numLocalExperts), got \(numExpertsPerTok)")
            try check(routerAuxLossCoef >= 0, "router_aux_loss_coef", "expected ≥ 0, got \(routerAuxLossCoef)")
        }
        try check(
            parameterCount.map { $0 <= Self.maxElements } ?? false, "hidden_size",
            "the model would have \(parameterCount.map(String.init) ?? "more than 2^63") parameters, over the "
                + "limit of \(Self.maxElements) (vocab_size, hidden_size, num_hidden_layers, intermediate_size, "
                + "num_local_experts)")
        try check(
            maxPositionEmbeddings <= Self.maxElements / headDim, "max_position_embeddings",
            "expected at most \(Self.maxElements / headDim) positions for head dim \(headDim), "
                + "got \(maxPositionEmbeddings)")
    }

    /// Names accepted by `preset(named:)`.
    public static let presetNames = ["tiny-dense", "tiny-moe", "small-dense"]

    /// The built-in presets of the study (issue 3).
    public static func preset(named name: String) throws -> ModelConfig {
        switch name {
        case "tiny-dense":
            return ModelConfig(
                vocabSize: 2048, hiddenSize: 128, numHiddenLayers: 4, numAttentionHeads: 4,
                intermediateSize: 512, maxPositionEmbeddings: 128)
        case "tiny-moe":
            return ModelConfig(
                vocabSize: 2048, hiddenSize: 128, numHiddenLayers: 4, numAttentionHeads: 4,
                intermediateSize: 512, maxPositionEmbeddings: 128, experts: 8, expertsPerToken: 2)
        case "small-dense":
            return ModelConfig(
                vocabSize: 8192, hiddenSize: 256, numHiddenLayers: 6, numAttentionHeads: 8,
                intermediateSize: 1024, maxPositionEmbeddings: 256)
        default:
            throw EngineError.invalidConfig(
                "unknown preset \"\(name)\"; expected one of \(presetNames.joined(separator: ", "))")
        }
    }
}
