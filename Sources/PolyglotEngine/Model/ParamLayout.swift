// Dims legend: V vocab, C channels, L layers, H heads, Hkv kv-heads, D head dim, F ffn hidden, E experts.
// All parameters live in one flat buffer; gradients (and AdamW moments) share this exact layout.

/// One named parameter tensor inside the flat buffer (HF checkpoint name and shape).
public struct ParamSpec: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    /// Matrices get weight decay; norm gains do not.
    public let decays: Bool
    public var count: Int { shape.reduce(1, *) }
}

/// Offsets of one decoder layer's tensors; expert tensors are stored back to back per kind.
struct LayerOffsets {
    var attnNorm = 0, q = 0, k = 0, v = 0, o = 0, mlpNorm = 0  // (C) (H·D,C) (Hkv·D,C) (Hkv·D,C) (C,H·D) (C)
    var gate = 0, up = 0, down = 0  // dense: (F,C) (F,C) (C,F)
    var router = 0, w1 = 0, w2 = 0, w3 = 0  // MoE: (E,C) (E,F,C) (E,C,F) (E,F,C)
}

/// Names, shapes and offsets of every parameter of a `ModelConfig`.
struct ParamLayout {
    private(set) var specs: [ParamSpec] = []
    private(set) var total = 0
    var embed = 0, finalNorm = 0, lmHead = 0  // (V,C) (C) (V,C); lmHead == embed when tied
    var layers: [LayerOffsets] = []

    init(_ cfg: ModelConfig) {
        let C = cfg.hiddenSize, V = cfg.vocabSize, F = cfg.intermediateSize
        let qDim = cfg.numAttentionHeads * cfg.headDim, kvDim = cfg.numKeyValueHeads * cfg.headDim
        embed = add("model.embed_tokens.weight", [V, C])
        for l in 0..<cfg.numHiddenLayers {
            let p = "model.layers.\(l)."
            var o = LayerOffsets()
            o.attnNorm = add(p + "input_layernorm.weight", [C], decays: false)
            o.q = add(p + "self_attn.q_proj.weight", [qDim, C])
            o.k = add(p + "self_attn.k_proj.weight", [kvDim, C])
            o.v = add(p + "self_attn.v_proj.weight", [kvDim, C])
            o.o = add(p + "self_attn.o_proj.weight", [C, qDim])
            o.mlpNorm = add(p + "post_attention_layernorm.weight", [C], decays: false)
            if cfg.isMoE {
                let E = cfg.numLocalExperts
                o.router = add(p + "block_sparse_moe.gate.weight", [E, C])
                for (kind, shape) in [("w1", [F, C]), ("w2", [C, F]), ("w3", [F, C])] {
                    for e in 0..<E {
                        let off = add(p + "block_sparse_moe.experts.\(e).\(kind).weight", shape)
                        if e == 0 {
                            if kind == "w1" { o.w1 = off } else if kind == "w2" { o.w2 = off } else { o.w3 = off }
                        }
                    }
                }
            } else {
                o.gate = add(p + "mlp.gate_proj.weight", [F, C])
                o.up = add(p + "mlp.up_proj.weight", [F, C])
                o.down = add(p + "mlp.down_proj.weight", [C, F])
            }
            layers.append(o)
        }
        finalNorm = add("model.norm.weight", [C], decays: false)
        lmHead = cfg.tieWordEmbeddings ? embed : add("lm_head.weight", [V, C])
    }

    private mutating func add(_ name: String, _ shape: [Int], decays: Bool = true) -> Int {
        let spec = ParamSpec(name: name, shape: shape, offset: total, decays: decays)
        specs.append(spec)
        total += spec.count
        return spec.offset
    }
}
