#!/usr/bin/env python3
"""Loads a checkpoint directory with Hugging Face transformers (AutoModelForCausalLM: LlamaForCausalLM or
MixtralForCausalLM, chosen by config.json) and prints the logits of every position as JSON.
Usage: hf_transformers_logits.py DIR 3,1,4. Exit 3 when torch or transformers is not installed."""
import json, sys

try:
    import torch
    from transformers import AutoModelForCausalLM
except ImportError as error:
    print(f"not installed: {error}", file=sys.stderr)
    sys.exit(3)

directory, ids = sys.argv[1], [int(t) for t in sys.argv[2].split(",")]
model = AutoModelForCausalLM.from_pretrained(directory, torch_dtype=torch.float32)
model.eval()
with torch.no_grad():
    logits = model(torch.tensor([ids])).logits[0].double()
print(json.dumps({"architecture": type(model).__name__, "logits": logits.tolist()}))
