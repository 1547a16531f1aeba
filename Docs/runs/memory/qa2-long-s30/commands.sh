#!/usr/bin/env bash
# Session 30: where Models/default's qa2 answers go wrong at 64 segments. The first 24 documents of
# the 64-segment ledger (technical writing, seed 1), with predictions and the documents as text,
# then each read again by rmt-ask with the answer traced after every segment (fp32, as the ledger).
#   commands.sh [WORK]   (WORK: a scratch folder, default /tmp/qa2-long; outputs land here)
set -euo pipefail
cd "$(dirname "$0")/../../../.."
D=Docs/runs/memory/qa2-long-s30
W=${1:-/tmp/qa2-long}; mkdir -p "$W/docs" "$W/traces"
BIN=${BIN:-$(swift build -c release --show-bin-path)}
export RMT_THREADS=1 OPENBLAS_NUM_THREADS=1
[ -f "$D/predictions-default-64.jsonl" ] || {
  "$BIN/rmt-train" eval --model Models/default --task babi-qa2 --segments 64 --samples 24 --seed 1 \
    --noise "${NOISE:-$HOME/.cache/rmt/noise/technical/eval}" --batch-size 8 \
    --predictions "$W/predictions.jsonl" --documents "$W/docs"
  cp "$W/predictions.jsonl" "$D/predictions-default-64.jsonl"; }
python3 - "$D/predictions-default-64.jsonl" <<'PY' > "$W/questions.tsv"
import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l); print(f"{d['task']}-{d['segments']}-{d['index']}\t{d['question']}")
PY
mkdir -p "$D/traces"
while IFS=$'\t' read -r name question; do
  [ -f "$D/traces/$name.trace.jsonl" ] && continue
  "$BIN/rmt-ask" "$W/docs/$name.txt" --question "$question" --model Models/default --precision fp32 \
    --trace "$D/traces/$name.trace.jsonl" --trace-every 1 --quiet > /dev/null
done < "$W/questions.tsv"
python3 Scripts/qa2-errors.py --predictions "$D/predictions-default-64.jsonl" --traces "$D/traces" | tee "$D/trace-report.txt"
# What the memory holds of the people at 64 segments: the first 48 documents again, the final segment
# asking where a person of the story is (rmt-train eval --probe, Docs/training.md "Memory probes").
# The same at 4 and 16 segments.
for n in 4 16 64; do
  [ -f "$D/probes-default-$n.jsonl" ] && continue
  "$BIN/rmt-train" eval --model Models/default --task babi-qa2 --segments $n --samples 48 --seed 1 \
    --noise "${NOISE:-$HOME/.cache/rmt/noise/technical/eval}" --batch-size 8 --probe --predictions "$W/probes-$n.jsonl"
  cp "$W/probes-$n.jsonl" "$D/probes-default-$n.jsonl"
done
python3 Scripts/probe-report.py "$D"/probes-default-{4,16,64}.jsonl | tee "$D/probe-report.txt"
