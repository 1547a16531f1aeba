#!/usr/bin/env python3
"""Position-encoding experiments' report: markdown tables and SVG plots (issue 11).

Reads every RESULTS/NAME-sSEED/eval.jsonl (the `rmt-train eval --segment-length … --json` rows)
written by Scripts/position-experiment1.sh (NAME = TASK-SCHEME: one model per task, one table per
task) or Scripts/position-experiment2.sh (NAME = SCHEME: one model on a task mixture, one table
per task and evaluation document size, i.e. the rows' "segments"). Each table gives accuracy
against reading length (mean over the seeds that finished, each seed in parentheses) per scheme.
Experiment 1 also names the best scheme at the longest length; experiment 2 adds the column
"longest / trained" (accuracy at the longest reading length over accuracy at the training
length) and, for an absolute model whose refused.txt holds its refusal of the longer lengths, a
row "absolute, no interpolation" marked "refused". With --plots DIR it draws one SVG per table
with `rmt-tool plot-eval` (the project's SVG writer), one line per scheme (seeds averaged),
absolute + interpolation dashed.
--trained TEXT names the training length in the text and plot titles where the models' own
length does not say it (a range: `--trained 16-64` for models of length 64 trained on 16…64).
Usage: Scripts/position-report.py [RESULTS] [--plots DIR] [--prefix exp1] [--bin .build/release] [--trained 16-64]
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
trained_text = option("--trained", None)
results = args[0] if args else "Docs/runs/position/exp1"
prefix = option("--prefix", os.path.basename(os.path.normpath(results)))

ORDER = ["absolute", "none", "alibi", "kerple_log", "kerple_power", "t5", "t5-attention", "t5-attention-log_n", "fire", "cope", "dape", "alibi-log_n"]
acc = defaultdict(dict)      # (task, segments or None, scheme) -> {seed: {length: accuracy}}
files = defaultdict(list)    # (task, segments or None, scheme) -> [eval.jsonl]
refused = {}                 # scheme -> the refusal line (experiment 2's absolute model)
trained = {}                 # table key -> the training segment length
for name in sorted(os.listdir(results)):
    path = os.path.join(results, name, "eval.jsonl")
    if not os.path.isfile(path):
        continue
    stem, seed = name.rsplit("-s", 1)
    scheme = next((s for s in sorted(ORDER, key=len, reverse=True) if stem == s or stem.endswith("-" + s)), None)
    if scheme is None:
        continue
    mixture = stem == scheme   # experiment 2: one model per scheme, tables per task and document size
    refusal = os.path.join(results, name, "refused.txt")
    if os.path.isfile(refusal) and open(refusal).read().strip():
        refused[scheme] = open(refusal).read().strip().splitlines()[0]
    for line in open(path):
        row = json.loads(line)
        key = (row["task"], row["segments"] if mixture else None, scheme)
        if path not in files[key]:
            files[key].append(path)
        acc[key].setdefault(int(seed), {})[row["segment_length"]] = row["accuracy"]
        trained[key[:2]] = row.get("trained_segment_length")

for table in sorted({k[:2] for k in acc}, key=lambda t: (t[0], t[1] or 0)):
    task, segments = table
    rows = {s: acc[(task, segments, s)] for s in ORDER if (task, segments, s) in acc}
    lengths = sorted({n for seeds in rows.values() for s in seeds.values() for n in s})
    S = trained.get(table) or lengths[0]
    size = f", documents of {segments} segments of {S}" if segments else ""
    print(f"\n**{task}**{size} (accuracy; mean of the seeds, each seed in parentheses; trained at {trained_text or S})\n")
    ratio = segments is not None and S in lengths and lengths[-1] > S
    print("| scheme | " + " | ".join(str(n) for n in lengths) + (f" | {lengths[-1]} / {S} |" if ratio else " |"))
    print("|---|" + "---|" * (len(lengths) + ratio))
    best = None
    for scheme, seeds in rows.items():
        cells, means = [], {}
        for n in lengths:
            values = [seeds[s][n] for s in sorted(seeds) if n in seeds[s]]
            if not values:
                cells.append("–"); continue
            means[n] = sum(values) / len(values)
            cells.append(f"{means[n]:.2f}" + (" (" + "/".join(f"{v:.2f}" for v in values) + ")" if len(values) > 1 else ""))
            if n == lengths[-1] and scheme != "absolute" and (best is None or means[n] > best[1]):
                best = (scheme, means[n])
        if ratio:
            cells.append(f"{means[lengths[-1]] / means[S]:.2f}" if means.get(S) and lengths[-1] in means else "–")
        label = f"absolute (+ interpolation beyond {S})" if scheme == "absolute" else scheme.replace("-log_n", " + log_n")
        print(f"| {label} | " + " | ".join(cells) + " |")
        if scheme in refused:
            print("| absolute, no interpolation | " + " | ".join(cells[i] if n <= S else "refused" for i, n in enumerate(lengths))
                  + (" | refused |" if ratio else " |"))
    print(f"\nseeds: " + ", ".join(f"{s}: {sorted(seeds)}" for s, seeds in rows.items()))
    if best and segments is None:
        print(f"best at {lengths[-1]}: {best[0]} {best[1]:.2f}")
    if plots:
        os.makedirs(plots, exist_ok=True)
        def label(s):
            return f"absolute (+ interpolation beyond {S})" if s == "absolute" else s.replace("-log_n", " + log_n")
        series = [f"{label(s)}={f}" for s in rows for f in files[(task, segments, s)]]
        title = f"{task}, trained at {trained_text or S} tokens" + (f", documents of {segments}×{S} tokens" if segments else "")
        out = f"{prefix}-{task}" + (f"-{segments}seg" if segments else "") + ".svg"
        subprocess.run([os.path.join(binary, "rmt-tool"), "plot-eval", *series, "--task", task,
                        *(["--segments", str(segments)] if segments else []),
                        "--dashed", label("absolute"), "--title", f"{'Experiment 2' if segments else 'Experiment 1'}: {title}",
                        "--out", os.path.join(plots, out)], check=True)
