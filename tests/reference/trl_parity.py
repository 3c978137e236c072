#!/usr/bin/env python3
"""Writes tests/fixtures/reference/trl/: what TRL's own trainers log on a tiny model, for test_reference.

It makes (and so owns) everything the test reads:
- `model/`: a byte-level BPE tokenizer trained with HF `tokenizers` on the pair texts, and a tiny random
  Llama checkpoint (float32, untied) written by `transformers`;
- `pairs.jsonl`: eight (prompt, chosen, rejected) pairs in TRL's preference format;
- `reference/`: the same Llama with its weights moved by seeded noise, GRPO's KL reference;
- `grpo.json`: GRPOTrainer on one fixed batch (a rollout_func returns fixed completions, a reward function
  fixed rewards) for every loss_type and scale_rewards: the batch in TRL's order, its advantages, and the
  logged loss, grad_norm, reward, reward_std, frac_reward_zero_std, kl and clip ratios of that step;
- `expected.json`: per case, the TRL trainer and its config, the `gpo train` config that asks for the same
  run (the same names: TRL's are ours), the token ids TRL trained on, and every logged step of 5 AdamW
  steps (`trainer.state.log_history`): loss, grad_norm, learning_rate, rewards/*, logps/*, nll_loss, kl, …

The runs read the examples in order (`train_sampling_strategy="sequential"`), so no sampler's random order
enters the comparison, and use a learning rate large enough (1e-3) that every step moves the metrics.
Needs only PyPI (CPU is enough). Run from the repository root:

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install torch transformers trl peft
    /tmp/ref/bin/python tests/reference/trl_parity.py
"""
import json
import os
import pathlib
import shutil
import sys
import warnings
from importlib.metadata import version

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # the figures are CPU float32 ones
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from datasets import Dataset
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
from transformers.utils import logging as hf_logging

import trl
from trl import DPOConfig, DPOTrainer, GRPOConfig, GRPOTrainer, KTOConfig, KTOTrainer
from trl.experimental.cpo import CPOConfig, CPOTrainer
from trl.experimental.orpo import ORPOConfig, ORPOTrainer

OUT = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "trl"
EOS = "<|endoftext|>"
STEPS = 5
BATCH = 4


def pairs():
    """Eight short GSM8K-style pairs: the right answer against a slip. Prompts end on a token boundary
    ("\\n"), so TRL's joint tokenization and gpo's separate one give the same ids (checked below)."""
    out = []
    names = ["Ann", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana"]
    for i, name in enumerate(names):
        a, b = 3 + 2 * i, 2 + (i % 3)
        prompt = f"Question: {name} has {a} apples and buys {b} more. How many apples now?\nAnswer:\n"
        right = f"{name} starts with {a} apples.\n{a} + {b} = {a + b}.\nThe answer is {a + b}."
        wrong = f"{name} starts with {a} apples.\n{a} + {b} = {a + b + 1 + i % 2}.\nThe answer is {a + b + 1 + i % 2}."
        if i % 4 == 3:  # sides and pairs of unequal lengths, so token means, sums and means of means differ
            wrong = f"{name} has {a}.\nThe answer is {a * b}."
        if i % 3 == 0:
            right = f"{name} buys {b} more apples, so {name} has {a} + {b} = {a + b} apples in all.\nThe answer is {a + b}."
        out.append({"prompt": prompt, "chosen": right, "rejected": wrong})
    return out


def make_tokenizer(texts, where):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=384,
        special_tokens=[EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOS, pad_token=EOS)
    fast.save_pretrained(where)
    return fast


def make_model(tokenizer, where):
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=128,
        rms_norm_eps=1e-6,
        tie_word_embeddings=False,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.eos_token_id,
    )
    model = LlamaForCausalLM(config).to(torch.float32)
    model.save_pretrained(where, safe_serialization=True)
    model.generation_config.save_pretrained(where)


def common_args(cls, name, **kw):
    return cls(
        output_dir=str(OUT / "_runs" / name),
        per_device_train_batch_size=BATCH,
        max_steps=STEPS,
        learning_rate=1e-3,
        lr_scheduler_type="linear",
        warmup_steps=0,
        weight_decay=0.0,
        max_grad_norm=1.0,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        bf16=False,
        seed=42,
        train_sampling_strategy="sequential",
        dataloader_num_workers=0,
        **kw,
    )


# Each case: the TRL trainer, its config class and settings, and the `gpo train` settings that ask for
# the same run. The settings both share (the optimiser's) are added to both.
CASES = [
    ("dpo_sigmoid", DPOTrainer, DPOConfig, {"loss_type": ["sigmoid"], "beta": 0.1},
     {"algorithm": "dpo", "loss_type": "sigmoid", "beta": 0.1}),
    ("dpo_ipo", DPOTrainer, DPOConfig, {"loss_type": ["ipo"], "beta": 0.1},
     {"algorithm": "dpo", "loss_type": "ipo", "beta": 0.1}),
    ("simpo", CPOTrainer, CPOConfig, {"loss_type": "simpo", "beta": 2.0, "simpo_gamma": 0.5, "cpo_alpha": 0.0},
     {"algorithm": "simpo", "beta": 2.0, "simpo_gamma": 0.5, "cpo_alpha": 0.0}),
    ("cpo_simpo", CPOTrainer, CPOConfig, {"loss_type": "simpo", "beta": 2.0, "simpo_gamma": 0.5},
     {"algorithm": "simpo", "beta": 2.0, "simpo_gamma": 0.5}),  # both at their default cpo_alpha (1.0)
    ("orpo", ORPOTrainer, ORPOConfig, {"beta": 0.1}, {"algorithm": "orpo", "beta": 0.1}),
    ("kto", KTOTrainer, KTOConfig, {"beta": 0.1}, {"algorithm": "kto", "beta": 0.1}),
]
SHARED_GPO = {
    "learning_rate": 1e-3,
    "per_device_train_batch_size": BATCH,
    "max_steps": STEPS,
    "lr_scheduler_type": "linear",
    "warmup_steps": 0,
    "weight_decay": 0.0,
    "max_grad_norm": 1.0,
    "logging_steps": 1,
    "seed": 42,
    "train_sampling_strategy": "sequential",
}


def unpaired(rows):
    """KTO's unpaired format, as gpo reads a pair for KTO: each pair's chosen side, then its rejected."""
    out = []
    for r in rows:
        out.append({"prompt": r["prompt"], "completion": r["chosen"], "label": True})
        out.append({"prompt": r["prompt"], "completion": r["rejected"], "label": False})
    return out


def token_ids(tokenizer, rows):
    """The ids gpo trains on: prompt and completion tokenized apart, EOS after the completion; checked
    against TRL's joint tokenization (the prompt as a common prefix of prompt+completion)."""
    out = []
    for r in rows:
        p = tokenizer(r["prompt"])["input_ids"]
        ids = {"prompt": p}
        for side in ("chosen", "rejected"):
            joint = tokenizer(r["prompt"] + r[side] + EOS)["input_ids"]
            apart = p + tokenizer(r[side])["input_ids"] + [tokenizer.eos_token_id]
            if joint != apart:
                sys.exit(f"pair {r['prompt']!r}: TRL's and gpo's tokenizations differ; end the prompt on a boundary")
            ids[side] = joint[len(p):]
        out.append(ids)
    return out


def run_case(name, trainer_cls, config_cls, settings, rows, model_dir, tokenizer):
    model = LlamaForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    ref = LlamaForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    data = Dataset.from_list(unpaired(rows) if trainer_cls is KTOTrainer else rows)
    args = common_args(config_cls, name, **settings)
    kwargs = {"model": model, "args": args, "train_dataset": data, "processing_class": tokenizer}
    if trainer_cls in (DPOTrainer, KTOTrainer):
        kwargs["ref_model"] = ref
    trainer = trainer_cls(**kwargs)
    trainer.train()
    steps = [e for e in trainer.state.log_history if "loss" in e and "train_runtime" not in e]
    if len(steps) != STEPS:
        sys.exit(f"{name}: {len(steps)} logged steps, expected {STEPS}")
    keep = lambda k, v: isinstance(v, (int, float)) and k not in ("epoch", "step", "total_flos")
    return [{k: v for k, v in e.items() if keep(k, v)} | {"step": e["step"]} for e in steps]


GRPO_PROMPTS = [
    "Question: Ann has 3 apples and buys 2 more. How many apples now?\nAnswer:\n",
    "Question: Ben has 7 apples and buys 4 more. How many apples now?\nAnswer:\n",
    "Question: Cleo has 5 apples and buys 5 more. How many apples now?\nAnswer:\n",
]
# Four completions of each of three prompts with their rewards; the last of each group stops short of EOS (clipped).
GRPO_COMPLETIONS = [
    [("Ann starts with 3 apples.\nThe answer is 5.", 1.0, True), ("The answer is 6.", 0.0, True),
     ("3 + 2 = 5.\nThe answer is 5.", 1.0, True), ("Ann starts with 3 apples and", 0.0, False)],
    [("The answer is 11.", 1.0, True), ("7 + 4 = 12.\nThe answer is 12.", 0.0, True),
     ("Ben has 7.", 0.5, True), ("Ben starts with 7", 0.0, False)],
    [("The answer is 25.", 0.0, True), ("5 + 5 = 11.", 0.0, True),  # a group without spread
     ("Cleo starts with 5 apples.\nThe answer is 55.", 0.0, True), ("Cleo has", 0.0, False)],
]
GRPO_MAX_COMPLETION = 16


def make_reference(model_dir, where):
    """GRPO's KL reference: the policy with every weight moved by noise of 30% of its mean size (seeded)."""
    torch.manual_seed(1)
    ref = LlamaForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    with torch.no_grad():
        for p in ref.parameters():
            p.add_(0.3 * torch.randn_like(p) * p.abs().mean())
    ref.save_pretrained(where, safe_serialization=True)
    for f in ("tokenizer.json", "tokenizer_config.json"):  # a checkpoint folder of its own
        shutil.copy(model_dir / f, where / f)


def grpo_cases(model_dir, ref_dir, tokenizer):
    eos = tokenizer.eos_token_id
    table = {}
    for prompt, group in zip(GRPO_PROMPTS, GRPO_COMPLETIONS):
        rows = []
        for text, reward, ends in group:
            ids = tokenizer(text)["input_ids"] + ([eos] if ends else [])
            assert len(ids) <= GRPO_MAX_COMPLETION, text
            rows.append((ids, reward))
        table[prompt] = rows

    def rollout(prompts, trainer):
        # TRL passes each prompt num_generations times in a row; hand out that prompt's completions in turn.
        seen = {}
        prompt_ids, completion_ids = [], []
        for p in prompts:
            k = seen.get(p, 0)
            seen[p] = k + 1
            prompt_ids.append(tokenizer(p)["input_ids"])
            completion_ids.append(table[p][k][0])
        return {"prompt_ids": prompt_ids, "completion_ids": completion_ids, "logprobs": None}

    rewards_of = {}
    for p in GRPO_PROMPTS:
        for ids, r in table[p]:
            rewards_of[(p, tuple(ids))] = r

    def reward(prompts, completions, completion_ids, **kw):
        return [rewards_of[(p, tuple(c))] for p, c in zip(prompts, completion_ids)]

    ref_state = LlamaForCausalLM.from_pretrained(ref_dir, dtype=torch.float32).state_dict()
    data = Dataset.from_list([{"prompt": p} for p in GRPO_PROMPTS])
    cases = []
    for loss_type in ("grpo", "bnpo", "dr_grpo", "dapo"):
        for scale in ("group", "batch", "none"):
            name = f"{loss_type}_{scale}"
            print(f"grpo {name}", flush=True)
            args = GRPOConfig(
                output_dir=str(OUT / "_runs" / name), per_device_train_batch_size=12, num_generations=4,
                max_completion_length=GRPO_MAX_COMPLETION, max_steps=1, learning_rate=1e-3, beta=0.04,
                loss_type=loss_type, scale_rewards=scale, temperature=0.7, logging_steps=1,
                save_strategy="no", report_to="none", use_cpu=True, bf16=False, seed=42,
            )
            model = LlamaForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
            trainer = GRPOTrainer(model=model, reward_funcs=reward, args=args, train_dataset=data,
                                  processing_class=tokenizer, rollout_func=rollout)
            trainer.ref_model.load_state_dict(ref_state)
            seen = {}
            inner = trainer._compute_loss

            def capture(model_, inputs, _inner=inner, _seen=seen):
                _seen["inputs"] = {k: inputs[k] for k in ("prompt_ids", "prompt_mask", "completion_ids",
                                                          "completion_mask", "advantages")}
                return _inner(model_, inputs)

            trainer._compute_loss = capture
            trainer.train()
            log = [e for e in trainer.state.log_history if "loss" in e and "train_runtime" not in e]
            assert len(log) == 1, log
            x = seen["inputs"]
            batch = []
            for i in range(x["prompt_ids"].size(0)):
                p = x["prompt_ids"][i][x["prompt_mask"][i].bool()].tolist()
                c = x["completion_ids"][i][x["completion_mask"][i].bool()].tolist()
                prompt = next(q for q in GRPO_PROMPTS if tokenizer(q)["input_ids"] == p)
                batch.append({"prompt_ids": p, "completion_ids": c, "reward": rewards_of[(prompt, tuple(c))],
                              "advantage": x["advantages"][i].item()})
            keep = ("loss", "grad_norm", "reward", "reward_std", "frac_reward_zero_std", "kl",
                    "clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean")
            cases.append({
                "name": name,
                "trl_config": {"loss_type": loss_type, "scale_rewards": scale, "beta": 0.04, "temperature": 0.7,
                               "num_generations": 4, "per_device_train_batch_size": 12,
                               "max_completion_length": GRPO_MAX_COMPLETION},
                "gpo_config": {"algorithm": "grpo", "loss_type": loss_type, "scale_rewards": scale, "beta": 0.04,
                               "temperature": 0.7, "num_generations": 4, "per_device_train_batch_size": 12,
                               "max_completion_length": GRPO_MAX_COMPLETION},
                "batch": batch,
                "logged": {k: log[0][k] for k in keep if k in log[0]},
            })
    return cases


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    hf_logging.set_verbosity_error()
    warnings.filterwarnings("ignore")
    if OUT.exists():
        shutil.rmtree(OUT)
    model_dir = OUT / "model"
    model_dir.mkdir(parents=True)
    rows = pairs()
    texts = [r[k] for r in rows for k in ("prompt", "chosen", "rejected")]
    tokenizer = make_tokenizer(texts, model_dir)
    make_model(tokenizer, model_dir)
    with open(OUT / "pairs.jsonl", "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    cases = []
    for name, trainer_cls, config_cls, settings, gpo in CASES:
        print(f"{name} ({trainer_cls.__name__})", flush=True)
        log = run_case(name, trainer_cls, config_cls, settings, rows, model_dir, tokenizer)
        cases.append({
            "name": name,
            "trainer": trainer_cls.__name__,
            "trl_config": settings | {k: v for k, v in SHARED_GPO.items() if k != "max_steps"} | {"max_steps": STEPS},
            "gpo_config": gpo | SHARED_GPO,
            "log_history": log,
        })
    make_reference(model_dir, OUT / "reference")
    grpo = grpo_cases(model_dir, OUT / "reference", tokenizer)
    with open(OUT / "grpo.json", "w") as f:
        json.dump({"what": "TRL GRPOTrainer's first step on one fixed batch (tests/reference/trl_parity.py)",
                   "versions": {p: version(p) for p in ("trl", "transformers", "torch")},
                   "device": "cpu, float32", "cases": grpo}, f, indent=1)
    shutil.rmtree(OUT / "_runs", ignore_errors=True)
    expected = {
        "what": "TRL's logged training steps on model/ with pairs.jsonl (tests/reference/trl_parity.py)",
        "versions": {p: version(p) for p in ("trl", "transformers", "torch", "tokenizers", "accelerate")},
        "device": "cpu, float32, 1 thread, deterministic algorithms",
        "token_ids": token_ids(tokenizer, rows),
        "cases": cases,
    }
    with open(OUT / "expected.json", "w") as f:
        json.dump(expected, f, indent=1)
    print(f"wrote {OUT} (TRL {trl.__version__})")


if __name__ == "__main__":
    main()
