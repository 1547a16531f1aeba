#!/usr/bin/env bash
# eval-default.sh — the long-context evaluation of the shipped model (Models/default), resumable.
#
# Runs `rmt-train eval` with a ledger (Docs/runs/default/eval-ledger.jsonl): every finished
# batch is recorded, so the script can be stopped at any point and run again to continue.
# Phases go from cheap to expensive so that a partial run already covers every length:
#   1. 1, 2, 4, 7, 16, 64 segments × 200 documents per task
#   2. 2048 and 4096 segments (~1M and ~2M tokens) × 8, then 16, 32, 50 documents
#   3. 512 segments × 200 documents
# Noise: the held-out novel (../shared/corpus/valid, never used in training), or NOISE=PATH.
# At ~35k tokens/s on 2 cores the whole protocol is ~420M tokens (about 3.5 hours) per two tasks.
# Then: Scripts/eval-default.sh --report  (table + Docs/plots/default-accuracy.svg)
set -euo pipefail
cd "$(dirname "$0")/.."
unset OPENBLAS_CORETYPE

MODEL=${MODEL:-Models/default}
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

if [ "${1:-}" = "--report" ]; then
    exec "$BIN/rmt-train" eval --model "$MODEL" --task "$TASKS" --noise "$NOISE" --seed 1 \
        --ledger "$LEDGER" --report --paper --plot "$PLOT"
fi
eval_point 1,2,4,7,16,64 200
for n in 8 16 32 50; do eval_point 2048,4096 "$n"; done
eval_point 512 200
