#!/usr/bin/env python3
"""Experiment 1 report: markdown tables and SVG plots from Docs/runs/position/exp1.

Reads every RESULTS/TASK-SCHEME-sSEED/eval.jsonl written by Scripts/position-experiment1.sh and
prints, per task, a markdown table of accuracy against reading length (mean over the seeds that
finished, with each seed's value), plus the best scheme at the longest length against absolute +
interpolation. With --plots DIR it also draws one SVG per task with `rmt-tool plot-eval` (the
project's SVG writer), one line per scheme (seeds averaged), absolute + interpolation dashed.
Usage: Scripts/position-experiment1-report.py [RESULTS] [--plots DIR] [--bin .build/release]
"""
import json, os, subprocess, sys
from collections import defaultdict

args = sys.argv[1:]
def option(name, default):
    if name in args:
        i = args.index(name); value = args[i + 1]; del args[i:i + 2]; return value
    return default
plots = option("--plots", None)
binary = option("--bin", ".build/release")
results = args[0] if args else "Docs/runs/position/exp1"

ORDER = ["absolute", "none", "alibi", "kerple_log", "kerple_power", "t5", "fire", "cope", "dape", "alibi-log_n"]
LABEL = {"absolute": "absolute (+ interpolation beyond 32)", "alibi-log_n": "alibi + log_n"}
acc = defaultdict(dict)      # (task, scheme) -> {seed: {length: accuracy}}
files = defaultdict(list)    # (task, scheme) -> [eval.jsonl]
for name in sorted(os.listdir(results)):
    path = os.path.join(results, name, "eval.jsonl")
    if not os.path.isfile(path):
        continue
    stem, seed = name.rsplit("-s", 1)
    scheme = next((s for s in sorted(ORDER, key=len, reverse=True) if stem.endswith("-" + s)), None)
    if scheme is None:
        continue
    task = stem[: -len(scheme) - 1]
    files[(task, scheme)].append(path)
    for line in open(path):
        row = json.loads(line)
        acc[(task, scheme)].setdefault(int(seed), {})[row["segment_length"]] = row["accuracy"]

tasks = sorted({t for t, _ in acc})
for task in tasks:
    lengths = sorted({n for (t, _), seeds in acc.items() if t == task for s in seeds.values() for n in s})
    print(f"\n**{task}** (accuracy; mean of the seeds, each seed in parentheses; trained at {lengths[0]})\n")
    print("| scheme | " + " | ".join(str(n) for n in lengths) + " |")
    print("|---|" + "---|" * len(lengths))
    best = None
    for scheme in ORDER:
        seeds = acc.get((task, scheme))
        if not seeds:
            continue
        cells = []
        for n in lengths:
            values = [seeds[s][n] for s in sorted(seeds) if n in seeds[s]]
            if not values:
                cells.append("–"); continue
            mean = sum(values) / len(values)
            cells.append(f"{mean:.2f}" + (" (" + "/".join(f"{v:.2f}" for v in values) + ")" if len(values) > 1 else ""))
            if n == lengths[-1] and scheme != "absolute" and (best is None or mean > best[1]):
                best = (scheme, mean)
        print(f"| {LABEL.get(scheme, scheme)} | " + " | ".join(cells) + " |")
    print(f"\nseeds: " + ", ".join(f"{s}: {sorted(acc[(task, s)])}" for s in ORDER if (task, s) in acc))
    if best:
        print(f"best at {lengths[-1]}: {best[0]} {best[1]:.2f}")
    if plots:
        os.makedirs(plots, exist_ok=True)
        series = [f"{LABEL.get(s, s)}={f}" for s in ORDER for f in files.get((task, s), [])]
        subprocess.run([os.path.join(binary, "rmt-tool"), "plot-eval", *series, "--task", task,
                        "--dashed", LABEL["absolute"], "--title", f"Experiment 1: {task}, trained at {lengths[0]} tokens",
                        "--out", os.path.join(plots, f"exp1-{task}.svg")], check=True)
