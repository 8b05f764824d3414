#!/usr/bin/env python3
"""Independent NumPy re-implementation of HF LlamaForCausalLM / MixtralForCausalLM (modeling_llama.py,
modeling_mixtral.py semantics: rotate-half RoPE, repeat_kv GQA, softmax→top-k→renormalise routing),
reading a checkpoint directory (config.json + model.safetensors). Usage: hf_llama_reference.py DIR 3,1,4
Prints the logits of every position as JSON (float64)."""
import json, struct, sys
import numpy as np


def load_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    dtypes = {"F32": np.float32, "F16": np.float16}
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, t = e["data_offsets"]
        out[name] = np.frombuffer(raw[base + b:base + t], dtype=dtypes[e["dtype"]]).reshape(e["shape"]).astype(np.float64)
    return out


def rmsnorm(x, w, eps):
    return w * (x / np.sqrt((x * x).mean(-1, keepdims=True) + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], axis=-1)


def silu(x):
    return x / (1 + np.exp(-x))


def main():
    d, ids = sys.argv[1], [int(t) for t in sys.argv[2].split(",")]
    cfg = json.load(open(f"{d}/config.json"))
    W = load_safetensors(f"{d}/model.safetensors")
    C, H = cfg["hidden_size"], cfg["num_attention_heads"]
    Hkv, D, eps = cfg.get("num_key_value_heads", H), cfg["hidden_size"] // H, cfg["rms_norm_eps"]
    T = len(ids)
    inv_freq = 1.0 / (cfg["rope_theta"] ** (np.arange(0, D, 2) / D))
    freqs = np.outer(np.arange(T), inv_freq)
    emb = np.concatenate([freqs, freqs], axis=-1)
    cos, sin = np.cos(emb)[:, None, :], np.sin(emb)[:, None, :]
    x = W["model.embed_tokens.weight"][ids]
    mask = np.triu(np.full((T, T), -np.inf), 1)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        h = rmsnorm(x, W[p + "input_layernorm.weight"], eps)
        q = (h @ W[p + "self_attn.q_proj.weight"].T).reshape(T, H, D)
        k = (h @ W[p + "self_attn.k_proj.weight"].T).reshape(T, Hkv, D)
        v = (h @ W[p + "self_attn.v_proj.weight"].T).reshape(T, Hkv, D)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = H // Hkv  # repeat_kv: query head i reads kv head i // rep
        k, v = np.repeat(k, rep, axis=1), np.repeat(v, rep, axis=1)
        s = np.einsum("thd,shd->hts", q, k) / np.sqrt(D) + mask
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        att = np.einsum("hts,shd->thd", s, v).reshape(T, H * D)
        x = x + att @ W[p + "self_attn.o_proj.weight"].T
        h = rmsnorm(x, W[p + "post_attention_layernorm.weight"], eps)
        if cfg.get("model_type") == "mixtral":
            logits = h @ W[p + "block_sparse_moe.gate.weight"].T
            probs = np.exp(logits - logits.max(-1, keepdims=True))
            probs /= probs.sum(-1, keepdims=True)
            k_top = cfg["num_experts_per_tok"]
            out = np.zeros_like(h)
            for t in range(T):
                top = np.argsort(-probs[t], kind="stable")[:k_top]
                wts = probs[t, top] / probs[t, top].sum()
                for e, w in zip(top, wts):
                    pe = p + f"block_sparse_moe.experts.{e}."
                    y = silu(h[t] @ W[pe + "w1.weight"].T) * (h[t] @ W[pe + "w3.weight"].T)
                    out[t] += w * (y @ W[pe + "w2.weight"].T)
            x = x + out
        else:
            y = silu(h @ W[p + "mlp.gate_proj.weight"].T) * (h @ W[p + "mlp.up_proj.weight"].T)
            x = x + y @ W[p + "mlp.down_proj.weight"].T
    x = rmsnorm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else W["lm_head.weight"]
    print(json.dumps((x @ head.T).tolist()))


if __name__ == "__main__":
    main()
