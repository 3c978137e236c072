#!/usr/bin/env python3
"""Writes tests/fixtures/tokenizers/hf_reference_ids.json: the ids Hugging Face `tokenizers` gives the real
tokenizer files under tests/fixtures/tokenizers (qwen3, llama3_1, llama2, deepseek_v3), and their
decodes, for test_tokenizer.

Also two variants of Llama 2's file as newer conversions write them (the Metaspace pre-tokenizer and
decoder), described in the output under "variants".

The texts are the 14 adversarial strings of reference_ids.json, strings made to break SentencePiece-style
and digit-splitting tokenizers (leading and doubled spaces, blank lines, indentation, digits at
boundaries, bytes outside the vocabulary, special tokens), and the first GSM8K test questions and
answers and MATH problems and solutions of tests/fixtures/data. Ids are without special tokens added
(`add_special_tokens=False`); special tokens written in a text are matched as added tokens.

Needs only PyPI. Run from the repository root:

    /tmp/ref/bin/python tests/reference/tokenizer_ids.py
"""
import json
import pathlib
from importlib.metadata import version

from tokenizers import Tokenizer

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"
NAMES = ["qwen3", "llama3_1", "llama2", "deepseek_v3"]

ADVERSARIAL = [
    " leading space",
    "  two leading spaces",
    "trailing space ",
    "a  b   c    d",
    "\n\nblank lines\n\n\nthree\n",
    "Step 1: x = 3.\n\nStep 2:\n  - y = 4\n    - z = 12",
    "12345678901234567890 and 3.14159 and 1,000,000",
    "x1y22z333",
    "Tab\tafter\ttabs",
    "emoji 🧮 and rare CJK 𠀋 and a lone combining \u0301 mark",
    "<s> looks special </s> and <unk>",
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
    "<｜begin▁of▁sentence｜><｜User｜>2+2?<｜Assistant｜><think>\n",
    "▁already▁has▁the▁meta▁space",
    "</s>glued<s>x and<unk>y",
]

# Variants of Llama 2's file the way newer conversions write SentencePiece-style tokenizers: the
# Metaspace pre-tokenizer instead of the Prepend/Replace normalizers (Mistral v0.3: prepend_scheme "first",
# no split, Llama 2's decoder chain), and Metaspace with split and its own decoder. The test builds each
# from llama2/tokenizer.json with these keys replaced.
META = "\u2581"
VARIANTS = {
    "llama2_metaspace_first": {
        "normalizer": None,
        "pre_tokenizer": {"type": "Metaspace", "replacement": META, "prepend_scheme": "first", "split": False},
    },
    "llama2_metaspace_split": {
        "normalizer": None,
        "pre_tokenizer": {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": True},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "ByteFallback"},
            {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": True}]},
    },
}


def dataset_texts():
    out = []
    with open(FIX / "data" / "gsm8k" / "test.jsonl") as f:
        for line, _ in zip(f, range(10)):
            r = json.loads(line)
            out += [r["question"], r["answer"]]
    math_files = sorted((FIX / "data" / "math" / "train").rglob("*.json"))[:10]
    for p in math_files:
        r = json.loads(p.read_text())
        out += [r["problem"], r["solution"]]
    return out


def main():
    texts = json.loads((FIX / "tokenizers" / "reference_ids.json").read_text())["texts"]
    texts = texts + ADVERSARIAL + dataset_texts()
    result = {
        "what": "HF tokenizers' ids (add_special_tokens=False) and decodes of `texts` (tests/reference/tokenizer_ids.py)",
        "tokenizers": version("tokenizers"),
        "texts": texts,
        "ids": {},
        "decoded": {},
        "variants": {name: {"base": "llama2", "set": keys} for name, keys in VARIANTS.items()},
    }
    base = json.loads((FIX / "tokenizers" / "llama2" / "tokenizer.json").read_text())
    for name in NAMES + list(VARIANTS):
        if name in VARIANTS:
            tok = Tokenizer.from_str(json.dumps(base | VARIANTS[name]))
        else:
            tok = Tokenizer.from_file(str(FIX / "tokenizers" / name / "tokenizer.json"))
        ids = [tok.encode(t, add_special_tokens=False).ids for t in texts]
        result["ids"][name] = ids
        result["decoded"][name] = [tok.decode(i, skip_special_tokens=False) for i in ids]
    out = FIX / "tokenizers" / "hf_reference_ids.json"
    out.write_text(json.dumps(result, ensure_ascii=False) + "\n")
    print(f"wrote {out}: {len(texts)} texts x {len(NAMES) + len(VARIANTS)} tokenizers")


if __name__ == "__main__":
    main()
