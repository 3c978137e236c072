#!/usr/bin/env python3
"""Writes tests/fixtures/math_verify/cases.jsonl: every (gold, prediction, expected verdict) case of
Math-Verify's own test suite, as its tests parametrise them, for `gpo bench verify-cases`.

Needs only PyPI: it downloads Math-Verify's source distribution (which ships its tests), collects them with
pytest, and keeps each parametrised case that names a gold answer, a prediction and the verdict expected.
Run from the repository root:

    python3 -m venv /tmp/mv && /tmp/mv/bin/pip install pytest math-verify
    /tmp/mv/bin/python tests/reference/math_verify_cases.py
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile

import math_verify  # noqa: F401  (the tests import it; fail early without it)
from importlib.metadata import version

OUT = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "math_verify"

COLLECTOR = '''
import json, os
def pytest_collection_modifyitems(session, config, items):
    with open(os.environ["CASES_OUT"], "w") as f:
        for it in items:
            cs = getattr(it, "callspec", None)
            if not cs:
                continue
            p = cs.params
            if not all(k in p for k in ("gold", "pred", "expected")):
                continue
            if not (isinstance(p["gold"], str) and isinstance(p["pred"], str)):
                continue
            f.write(json.dumps({"test": it.nodeid.split("::", 1)[1], "gold": p["gold"], "pred": p["pred"],
                                "expected": int(bool(p["expected"]))}, ensure_ascii=False) + "\\n")
'''


def main():
    mv_version = version("math-verify")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d",
                        str(tmp), f"math-verify=={mv_version}"], check=True)
        sdist = next(tmp.glob("math_verify-*.tar.gz"))
        with tarfile.open(sdist) as t:
            t.extractall(tmp, filter="data")
        root = next(p for p in tmp.iterdir() if p.is_dir())
        work = tmp / "run"
        shutil.copytree(root / "tests", work / "tests")
        (work / "tests" / "__init__.py").touch()
        (work / "conftest.py").write_text(COLLECTOR)
        cases = work / "cases.jsonl"
        subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "tests"], cwd=work, check=True,
                       env={**__import__("os").environ, "CASES_OUT": str(cases)})
        OUT.mkdir(parents=True, exist_ok=True)
        shutil.copy(cases, OUT / "cases.jsonl")
        shutil.copy(root / "LICENCE", OUT / "LICENSE")
    n = sum(1 for _ in open(OUT / "cases.jsonl"))
    (OUT / "SOURCE.md").write_text(
        f"# Math-Verify's test cases\n\n`cases.jsonl`: the {n} parametrised (gold, pred, expected) cases of the "
        f"tests in Math-Verify {mv_version}'s source distribution on PyPI (`math-verify`), as pytest collects "
        "them, one JSON object a line: `test` (the test and its parameter id), `gold`, `pred`, `expected` "
        "(1: Math-Verify's tests expect the two to match). Written by `tests/reference/math_verify_cases.py`. "
        "Licence: Apache-2.0, The HuggingFace Team (`LICENSE`, copied from the same distribution).\n")
    print(f"wrote {n} cases to {OUT}")


if __name__ == "__main__":
    main()
