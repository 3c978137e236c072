#!/usr/bin/env python3
"""Regenerates every figure the README quotes from the demo project, with how each was measured.

    python3 tools/demo_figures.py [--gpo build/bin/gpo] [--workdir DIR] [--json]

It builds a fresh demo project with `gpo demo` (its defaults), then runs the commands the README names, in
this order: the pair sets the README counts (from the demo's analysis of the planted errors and its
sampled answers), a greedy evaluation of the demo policy, and the agreement of every selector with the
planted first errors, before and after the worked solutions are analysed too. Every
number comes from the gpo command's own --json result; nothing is computed here but the layout. Needs only
Python's standard library and a built gpo.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import time


def run(gpo, *args):
    """The last JSON line a `gpo ... --json` command prints (its result)."""
    started = time.monotonic()
    out = subprocess.run([gpo, *args, "--json"], capture_output=True, text=True)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    if out.returncode != 0 or not result.get("ok", False):
        sys.exit(f"gpo {' '.join(args)} failed: {result.get('error') or out.stderr.strip()[-400:]}")
    result["_seconds"] = round(time.monotonic() - started, 1)
    return result


def selectors(report, labels):
    rows = {}
    for c in report["comparisons"]:
        if c["labels"] == labels:
            rows[c["selector"]] = {k: c[k] for k in ("n", "exact", "within_1", "processbench_f1")}
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gpo", default="build/bin/gpo")
    ap.add_argument("--workdir", help="where the demo project is made (default: a temporary folder)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON, not Markdown")
    a = ap.parse_args()
    gpo = str(pathlib.Path(a.gpo).resolve())
    work = pathlib.Path(a.workdir or tempfile.mkdtemp(prefix="gpo-demo-figures-"))
    work.mkdir(parents=True, exist_ok=True)
    p = str(work / "demo.gpo")

    f = {"gpo_version": subprocess.run([gpo, "--version"], capture_output=True, text=True).stdout.strip()}
    demo = run(gpo, "demo", "-p", p)
    f["demo"] = {"how": "gpo demo -p P (demo task seed 1; 1,000 train and 200 test problems)",
                 "seconds": demo["_seconds"]}
    e = demo["eval"]
    f["demo_policy_sampled"] = {
        "how": f"gpo demo's evaluation: {e['samples'] // max(1, e['problems'])} samples a problem at "
               f"temperature 1, seed 0, on the first {e['problems']} demo-test problems",
        "pass_at_1": e["pass_at_1"], "pass_at_k": e.get("pass_at_k"), "k": e.get("k"),
        "trajectories_stored": e["trajectories_added"], "samples": e["samples"]}
    pairs = {}
    for name, extra in [("gpo-abs", []), ("random-reset", ["--from", "random-reset"]),
                        ("bs-sampled", ["--selector", "binary-search", "--rejected", "sampled"]),
                        ("whole", ["--from", "whole", "-d", "demo-test"])]:
        r = run(gpo, "pairs", "build", "-p", p, name, *extra)
        pairs[name] = {"how": "gpo pairs build -p P " + " ".join([name, *extra]),
                       **{k: r[k] for k in r if k in ("pairs", "unpaired", "report", "tokens_sampled")}}
    f["pairs"] = pairs
    g = run(gpo, "eval", "-p", p, "-d", "demo-test", "--limit", "200")
    f["demo_policy_greedy"] = {"how": "gpo eval -p P -d demo-test --limit 200 (greedy)",
                               "pass_at_1": g["pass_at_1"], "problems": g["problems"]}
    planted = run(gpo, "agreement", "-p", p)
    f["agreement_planted"] = {
        "how": "gpo agreement -p P after gpo demo: picks of the analysis of the 200 planted errors (K = 4) "
               "against their labelled first errors",
        "selectors": selectors(planted, "first_error:demo-test")}
    run(gpo, "analyze", "-p", p, "-d", "demo-test", "--source", "reference", "-k", "4")
    both = run(gpo, "agreement", "-p", p)
    f["agreement_planted_and_worked"] = {
        "how": "then gpo analyze -p P -d demo-test --source reference -k 4 and gpo agreement -p P: the 200 "
               "planted errors and the 200 worked solutions (labelled error-free)",
        "selectors": selectors(both, "first_error:demo-test")}

    if a.json:
        print(json.dumps(f, indent=2))
        return
    print(f"# Demo figures ({f['gpo_version']})\n")
    s, gr = f["demo_policy_sampled"], f["demo_policy_greedy"]
    print(f"- demo policy pass@1, sampled: {s['pass_at_1']:.3f} ({s['how']}; {s['samples']} samples stored as "
          f"{s['trajectories_stored']} distinct trajectories)")
    print(f"- demo policy pass@1, greedy: {gr['pass_at_1']:.3f} ({gr['how']})\n")
    print("| selector | exact, 200 planted errors | within ±1 | exact, 400 (planted + worked) | ProcessBench F1 |")
    print("|---|---|---|---|---|")
    one, two = f["agreement_planted"]["selectors"], f["agreement_planted_and_worked"]["selectors"]
    num = lambda v: "–" if v is None else f"{v:.3f}"
    for sel in sorted(one, key=lambda k: -(one[k]["exact"] or 0)):
        t = two.get(sel, {})
        print(f"| `{sel}` | {num(one[sel]['exact'])} | {num(one[sel]['within_1'])} | {num(t.get('exact'))} | "
              f"{num(t.get('processbench_f1'))} |")
    print()
    for name, r in f["pairs"].items():
        print(f"- `{r['how']}`: {r.get('pairs')} pairs; {json.dumps(r.get('report'))}")


if __name__ == "__main__":
    main()
