#!/usr/bin/env bash
# Phase 26 (Scripts/train-memory.sh, session 30) held out against Models/default on the same
# documents: technical writing, seed 1, no adversarial sentences, batch 8, fp32 — the documents and
# batches of the default's own ledgers (Docs/runs/memory/phase11-technical-ledger/eval-ledger-64.jsonl
# at 64 segments), so Scripts/ledger-compare.py pairs them document by document. One ledger per model and part; resumable (a ledger continues).
# The ledgers go to this folder, or to D=FOLDER (phase 27 used it so: Docs/runs/memory/phase27-s31).
#   commands-eval.sh MODEL NAME qa2-64|qa3-64
#     qa2-64, qa3-64: that task at 64 segments, 96 documents (the default: eval-ledger-64.jsonl);
#                     one ledger each, so the two run side by side
set -euo pipefail
cd "$(dirname "$0")/../../../.."
D=${D:-Docs/runs/memory/phase26-s30}
model=${1:?model folder}; name=${2:?name}; part=${3:?qa2-64 or qa3-64}
run() {  # run TASKS SCHEDULE
  RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 MODEL=$model TASKS=$1 NOISE=${NOISE:-$HOME/.cache/rmt/noise/technical/eval} \
    LEDGER=$D/ledger-$name-$part.jsonl PLOT=/tmp/$name-$part.svg BATCH=8 BIN=${BIN:-$(swift build -c release --show-bin-path)} \
    SCHEDULE="$2" nice -n 5 Scripts/eval-default.sh
}
case "$part" in
  qa2-64|qa3-64) run "babi-${part%-64}" "64:16 64:32 64:48 64:64 64:96" ;;
  *) echo "commands-eval.sh: part is qa2-64 or qa3-64" >&2; exit 2 ;;
esac
