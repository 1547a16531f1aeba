#!/usr/bin/env bash
# Session 43's record for phases 49 (phase 45 from the default calibrated on its training
# distribution, one temperature) and 50 (phase 45 with each task's answer loss at its own
# temperature, --loss-temperature): qa3 at 16 segments (200 documents, technical writing) by
# judge.sh at step 125, paired against the default and phase 45. Models outside the repository:
# P49 and P50 (the step-125 checkpoint models). BIN=DIR: the rmt-train to judge with (session 43 or
# later: its predictions record the logits).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../../..
P49=${P49:-/work/runs/p49-125} P50=${P50:-/work/runs/p50-125}
[ -f "$P49/model.safetensors" ] && OUT_DIR=$here SETS=qa3-16-200 "$here/../objprobe-s34/judge.sh" p49-125 "$P49"
[ -f "$P50/model.safetensors" ] && OUT_DIR=$here SETS=qa3-16-200 "$here/../objprobe-s34/judge.sh" p50-125 "$P50"
for f in "$here"/p*-qa3-16-200.jsonl; do
  python3 "$root/Scripts/paired-compare.py" "$f" "$here/../phase41-s39/default-s39-qa3-16-200.jsonl" | tail -1
  python3 "$root/Scripts/paired-compare.py" "$f" "$here/../phase43-s41/p45-125-qa3-16-200.jsonl" | tail -1
done
# The default read again with logits, its documents written as text for analysis.py (DOCS, ~40 MB, not kept):
DOCS=${DOCS:-/tmp/qa3-16-docs}; mkdir -p "$DOCS"; N=$HOME/.cache/rmt/noise/technical/eval
[ -s "$here/default-s43-qa3-16-200.jsonl" ] || RMT_THREADS=1 "${BIN:-$root/.build/release}/rmt-train" eval --model "$root/Models/default" \
  --noise "$N" --seed 1 --adversarial-rate 0.1 --batch-size 8 --task babi-qa3 --segments 16 --samples 200 --documents "$DOCS" \
  --predictions "$here/default-s43-qa3-16-200.jsonl" --json > "$here/default-s43-qa3-16-200.out"
python3 "$here/analysis.py" "$DOCS"
# 200 other documents (seed 2): the default and phase 50.
mkdir -p "$here/seed2"
for m in default:$root/Models/default p50:$P50; do
  [ -s "$here/seed2/${m%%:*}-qa3-16-200-seed2.jsonl" ] || RMT_THREADS=1 "${BIN:-$root/.build/release}/rmt-train" eval --model "${m#*:}" \
    --noise "$N" --seed 2 --adversarial-rate 0.1 --batch-size 8 --task babi-qa3 --segments 16 --samples 200 --json \
    --predictions "$here/seed2/${m%%:*}-qa3-16-200-seed2.jsonl" > "$here/seed2/${m%%:*}.out"
done
python3 "$root/Scripts/paired-compare.py" "$here/seed2/p50-qa3-16-200-seed2.jsonl" "$here/seed2/default-qa3-16-200-seed2.jsonl" | tail -1
