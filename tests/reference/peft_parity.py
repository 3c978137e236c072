#!/usr/bin/env python3
"""Writes tests/fixtures/reference/peft/: LoRA adapters both ways between PEFT and gpo, with PEFT's logits.

- `peft-adapter/`: an adapter PEFT made and trained (r 4, alpha 8, every linear layer of the Llama, 10
  AdamW steps of language modelling on the pair texts), saved by `save_pretrained`;
- `gpo-adapter/`: an adapter `gpo train` made and saved (DPO with `use_peft`, 5 steps on the same pairs);
  made here by running the `gpo` binary given with `--gpo` (default build/bin/gpo);
- `expected.safetensors`: `input_ids` [2, 24] and, for each adapter, the logits [2, 24, V] of
  `peft.PeftModel.from_pretrained(base, adapter)` (float32, CPU): test_reference checks gpo's logits of the
  same folders against them. Both adapters name their base as `../../trl/model` (trl_parity.py's model).

Needs only PyPI and a built `gpo`. Run from the repository root after trl_parity.py:

    /tmp/ref/bin/python tests/reference/peft_parity.py --gpo build/bin/gpo
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from safetensors.torch import save_file
from transformers import AutoTokenizer, LlamaForCausalLM

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "reference"
BASE = FIX / "trl" / "model"
OUT = FIX / "peft"
BASE_FROM_ADAPTER = "../../trl/model"  # as each adapter folder names its base
LENGTH = 24
MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def texts():
    rows = [json.loads(line) for line in open(FIX / "trl" / "pairs.jsonl")]
    return [r["prompt"] + r["chosen"] for r in rows]


def name_base(adapter_dir):
    path = adapter_dir / "adapter_config.json"
    config = json.loads(path.read_text())
    config["base_model_name_or_path"] = BASE_FROM_ADAPTER
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def peft_adapter(tokenizer, where):
    torch.manual_seed(0)
    model = get_peft_model(
        LlamaForCausalLM.from_pretrained(BASE, dtype=torch.float32),
        LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=MODULES, task_type="CAUSAL_LM"),
    )
    batch = tokenizer(texts(), return_tensors="pt", padding=True)
    labels = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    for _ in range(10):
        loss = model(**batch, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.save_pretrained(where)
    (where / "README.md").unlink(missing_ok=True)  # PEFT's model-card template
    name_base(where)


def gpo_adapter(gpo, where):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        project = tmp / "p.gpo"
        data = ROOT / "tests" / "fixtures" / "data" / "gsm8k" / "test.jsonl"
        subprocess.run([gpo, "import", "-p", project, "-f", "gsm8k", data], check=True, capture_output=True)
        config = {
            "algorithm": "dpo", "run_name": "lora", "pairs": {"file": str(FIX / "trl" / "pairs.jsonl")},
            "policy": str(BASE), "use_peft": True, "lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.0,
            "lora_target_modules": ["all-linear"], "learning_rate": 1e-2, "max_steps": 5,
            "per_device_train_batch_size": 4, "logging_steps": 1, "save_steps": 100,
        }
        (tmp / "run.json").write_text(json.dumps(config))
        subprocess.run([gpo, "train", "--project", project, "--config", tmp / "run.json"], check=True,
                       capture_output=True)
        shutil.copytree(tmp / "p.gpo.runs" / "run-1" / "adapter", where)
    name_base(where)


def peft_logits(adapter_dir, ids):
    base = LlamaForCausalLM.from_pretrained(BASE, dtype=torch.float32).eval()
    with torch.no_grad():
        plain = base(input_ids=ids).logits
    model = PeftModel.from_pretrained(base, adapter_dir).eval()
    with torch.no_grad():
        logits = model(input_ids=ids).logits.contiguous()
    # A tensor PEFT did not find would leave that layer as the base's: the adapter must change the logits.
    if (logits - plain).abs().max() < 1e-3:
        sys.exit(f"{adapter_dir}: PEFT's logits are the base model's; the adapter did not load")
    return logits


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gpo", default=str(ROOT / "build" / "bin" / "gpo"))
    args = parser.parse_args()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    tokenizer = AutoTokenizer.from_pretrained(BASE)
    peft_adapter(tokenizer, OUT / "peft-adapter")
    gpo_adapter(args.gpo, OUT / "gpo-adapter")
    ids = torch.tensor([tokenizer(t)["input_ids"][:LENGTH] for t in texts()[:2]], dtype=torch.int64)
    save_file(
        {
            "input_ids": ids,
            "logits_peft_adapter": peft_logits(OUT / "peft-adapter", ids),
            "logits_gpo_adapter": peft_logits(OUT / "gpo-adapter", ids),
        },
        OUT / "expected.safetensors",
        metadata={p: version(p) for p in ("peft", "transformers", "torch")},
    )
    print(f"wrote {OUT} (PEFT {version('peft')})")


if __name__ == "__main__":
    main()
