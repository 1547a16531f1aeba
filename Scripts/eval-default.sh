#!/usr/bin/env bash
# eval-default.sh — the long-context evaluation of a shipped model, resumable.
#
# Its defaults are those of the finished protocol of Models/small-memorize (the former default;
# Docs/results.md, "Models/small-memorize"): that model, its ledger, plot and table. For the
# current Models/default (MiniLM, question-aware) set the model, its tasks, held-out noise and a
# ledger of its own, as Docs/results.md did for it (e.g. MODEL=Models/default
# TASKS=memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1
# NOISE=~/.cache/rmt/noise/technical/eval LEDGER=runs/default-technical.jsonl PLOT=… SCHEDULE=…);
# a ledger opens only for the model, seed and noise it was started with.
#
# Runs `rmt-train eval` with a ledger (Docs/runs/default/eval-ledger.jsonl): every finished
# batch is recorded, so the script can be stopped at any point and run again to continue.
# Phases go from cheap to expensive so that a partial run already covers every length:
#   1. 1, 2, 4, 7, 16, 64 segments × 200 documents per task
#   2. 2048 and 4096 segments (~1M and ~2M tokens) × 8, then 16, 32, 50 documents
#   3. 512 segments × 200 documents
# SCHEDULE="SEGMENTS:DOCUMENTS …" replaces these phases (e.g. a cheap first pass on an expensive model).
# Noise: the held-out novel (../shared/corpus/valid, never used in training), or NOISE=PATH.
# At ~35k tokens/s on 2 cores the whole protocol is ~420M tokens (about 3.5 hours) per two tasks.
# Then: Scripts/eval-default.sh --report        (table + Docs/plots/default-accuracy.svg)
#       Scripts/eval-default.sh --update-docs   (… and the table into Docs/results.md)
set -euo pipefail
cd "$(dirname "$0")/.."
unset OPENBLAS_CORETYPE

MODEL=${MODEL:-Models/small-memorize}
TASKS=${TASKS:-memorize,detect}
NOISE=${NOISE:-../shared/corpus/valid}
LEDGER=${LEDGER:-Docs/runs/default/eval-ledger.jsonl}
PLOT=${PLOT:-Docs/plots/default-accuracy.svg}
BATCH=${BATCH:-8}
BIN=${BIN:-$(swift build -c release --show-bin-path)}
[ -x "$BIN/rmt-train" ] || swift build -c release --product rmt-train >&2

eval_point() {  # eval_point SEGMENTS SAMPLES
    "$BIN/rmt-train" eval --model "$MODEL" --task "$TASKS" --noise "$NOISE" --seed 1 \
        --segments "$1" --samples "$2" --batch-size "$BATCH" --ledger "$LEDGER" --plot "$PLOT" --paper
}

report() {
    "$BIN/rmt-train" eval --model "$MODEL" --task "$TASKS" --noise "$NOISE" --seed 1 \
        --ledger "$LEDGER" --report --paper --plot "$PLOT" "$@"
}
if [ "${1:-}" = "--report" ]; then report; exit; fi
if [ "${1:-}" = "--update-docs" ]; then
    report --json | python3 -c '
import json, re, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
tasks = list(dict.fromkeys(r["task"] for r in rows))
paper = {"memorize": {2048: "≈90%", 4096: "≈90.5%"}, "detect": {2048: "≈97%", 4096: "≈96%"},
         "reasoning": {2048: "≈83.5%", 4096: "≈82%"}}
by = {(r["task"], r["segments"]): r for r in rows}
lengths = sorted({r["segments"] for r in rows})
head = "| segments | tokens per document | " + " | ".join(
    f"{t} (documents, 95% interval) | paper {t}" for t in tasks) + " |"
lines = [head, "|" + "---:|" * (2 + 2 * len(tasks))]
for n in lengths:
    tokens = next(by[(t, n)]["tokens"] for t in tasks if (t, n) in by)
    cells = [str(n), f"{tokens:,}"]
    for t in tasks:
        r = by.get((t, n))
        if r is None:
            cells.append("—")
        else:
            acc, n_docs, lo, hi = 100 * r["accuracy"], r["samples"], 100 * r["ci95_low"], 100 * r["ci95_high"]
            cells.append(f"**{acc:.1f}%** ({n_docs}, {lo:.1f}–{hi:.1f}%)")
        cells.append(paper.get(t, {}).get(n, ""))
    lines.append("| " + " | ".join(cells) + " |")
table = "\n".join(lines) + "\n\n![accuracy against length](plots/default-accuracy.svg)\n"
doc = open("Docs/results.md").read()
doc = re.sub(r"<!-- eval:begin -->.*<!-- eval:end -->",
             lambda m: "<!-- eval:begin -->\n" + table + "<!-- eval:end -->", doc, flags=re.S)
open("Docs/results.md", "w").write(doc)
print(table)
'
    exit
fi
if [ -n "${SCHEDULE:-}" ]; then
    # SCHEDULE="16,64:40 2048:4 …": points in the order given, each SEGMENTS:DOCUMENTS (totals;
    # a point the ledger already holds is skipped or topped up).
    for point in $SCHEDULE; do eval_point "${point%%:*}" "${point##*:}"; done
    exit
fi
eval_point 1,2,4,7,16,64 200
for n in 8 16 32 50; do eval_point 2048,4096 "$n"; done
eval_point 512 200
