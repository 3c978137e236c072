#!/usr/bin/env python3
"""Writes tests/fixtures/hf/: tiny random checkpoints of every architecture gpo loads, with what
transformers computes on them, for test_model (logits and greedy tokens) and test_lora.

For each of gpt2, llama (untied), qwen2 (tied, q/k/v biases), qwen2-bf16 (bfloat16 weights, untied),
mistral (untied, no sliding window), qwen3 (q/k norms, head_dim 32) and three scaled-rope checkpoints,
it writes the checkpoint folder as `save_pretrained` does
(config.json, generation_config.json, model.safetensors) plus
- `expected.safetensors`: `input_ids` [3, 24] int64, `attention_mask` [3, 24] (rows 1 and 2 left-padded
  by 5 and 11), `logits` [3, 24, 512] float32 of the float32 weights (bf16: its weights upcast),
  `greedy_prompt` [1, 12] and `greedy_output` [1, 32] (`generate`, 20 new tokens, greedy, no EOS);
- `expected.json`: what they are and the library versions.
Every rope type gpo accepts is covered: "default" by those, "linear", "llama3", "yarn" and "dynamic" by
llama-rope-linear, llama-rope-llama3, qwen2-rope-yarn and llama-rope-dynamic (the loader refuses the
others by name).

Needs only PyPI (CPU is enough). Run from the repository root:

    /tmp/ref/bin/python tests/reference/hf_models.py
"""
import json
import os
import pathlib
import shutil

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import torch
import transformers
from safetensors.torch import save_file
from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, MistralConfig,
                          MistralForCausalLM, Qwen2Config, Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM)

OUT = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "hf"
VOCAB, LENGTH, PADS = 512, 24, (0, 5, 11)
DECODER = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=176, num_hidden_layers=2,
               num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128, rms_norm_eps=1e-6)

MODELS = {
    "gpt2": (GPT2LMHeadModel, GPT2Config(vocab_size=VOCAB, n_embd=64, n_layer=2, n_head=4, n_positions=64,
                                         bos_token_id=0, eos_token_id=1), torch.float32),
    "llama": (LlamaForCausalLM, LlamaConfig(**DECODER, tie_word_embeddings=False, bos_token_id=1,
                                            eos_token_id=2), torch.float32),
    "qwen2": (Qwen2ForCausalLM, Qwen2Config(**DECODER, tie_word_embeddings=True, rope_theta=1e6),
              torch.float32),
    "qwen2-bf16": (Qwen2ForCausalLM, Qwen2Config(**DECODER, tie_word_embeddings=False, rope_theta=1e6),
                   torch.bfloat16),
    "mistral": (MistralForCausalLM, MistralConfig(**DECODER, tie_word_embeddings=False, sliding_window=None,
                                                  bos_token_id=1, eos_token_id=2), torch.float32),
    # Every scaled rope type gpo accepts. The pretraining contexts are short (32) so that head_dim 16 has
    # frequencies in each regime: llama3's kept, blended and scaled bands, yarn's ramp.
    "llama-rope-linear": (LlamaForCausalLM, LlamaConfig(**DECODER, tie_word_embeddings=False, rope_parameters={
        "rope_type": "linear", "factor": 2.0, "rope_theta": 10000.0}), torch.float32),
    "llama-rope-llama3": (LlamaForCausalLM, LlamaConfig(**DECODER, tie_word_embeddings=False, rope_parameters={
        "rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
        "original_max_position_embeddings": 32, "rope_theta": 500000.0}), torch.float32),
    "qwen2-rope-yarn": (Qwen2ForCausalLM, Qwen2Config(**DECODER, tie_word_embeddings=False, rope_parameters={
        "rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32, "rope_theta": 1e6}),
        torch.float32),
    # Qwen3: per-head q/k RMSNorm, no biases, a head_dim that is not hidden / heads, tied like its small models.
    "qwen3": (Qwen3ForCausalLM, Qwen3Config(**DECODER, head_dim=32, tie_word_embeddings=True, rope_theta=1e6),
              torch.float32),
    # dynamic NTK scaling changes nothing inside max_position_embeddings, the only place gpo scores.
    "llama-rope-dynamic": (LlamaForCausalLM, LlamaConfig(**DECODER, tie_word_embeddings=False, rope_parameters={
        "rope_type": "dynamic", "factor": 4.0, "rope_theta": 10000.0}), torch.float32),
}


def write(name, cls, config, dtype, seed):
    where = OUT / name
    if where.exists():
        shutil.rmtree(where)
    torch.manual_seed(seed)
    model = cls(config).to(dtype)
    model.save_pretrained(where, safe_serialization=True)
    model = model.float().eval()  # the reference is computed on the (upcast) stored weights

    g = torch.Generator().manual_seed(100 + seed)
    ids = torch.randint(2, VOCAB, (len(PADS), LENGTH), generator=g)
    mask = torch.ones_like(ids)
    for row, pad in enumerate(PADS):
        ids[row, :pad] = 0
        mask[row, :pad] = 0
    prompt = torch.randint(2, VOCAB, (1, 12), generator=g)
    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=mask).logits.float().contiguous()
        model.generation_config.eos_token_id = None  # 20 tokens whatever they are
        model.generation_config.pad_token_id = 0
        greedy = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=20,
                                do_sample=False)
    assert greedy.shape == (1, 32), greedy.shape
    save_file({"input_ids": ids, "attention_mask": mask, "logits": logits, "greedy_prompt": prompt,
               "greedy_output": greedy}, where / "expected.safetensors")
    (where / "expected.json").write_text(json.dumps({
        "what": "logits of input_ids under attention_mask (left padding in rows 1, 2); greedy_output = "
                "generate(greedy_prompt, 20 new tokens, do_sample=False, no EOS) on the float32 weights",
        "stored_dtype": str(dtype),
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "device": "cpu",
        "made_by": "tests/reference/hf_models.py",
    }, indent=1) + "\n")


def main():
    # Each checkpoint's seed is its place in MODELS: add new ones at the end, and the others stay as they are.
    torch.use_deterministic_algorithms(True)
    for seed, (name, (cls, config, dtype)) in enumerate(MODELS.items()):
        write(name, cls, config, dtype, seed)
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
