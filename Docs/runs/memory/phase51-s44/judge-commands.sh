#!/usr/bin/env bash
# Session 44's record for phase 51 (phase 45 with another data seed, 431; Scripts/train-memory.sh):
# qa3 at 16 segments on technical writing, 200 documents of seed 1 (judge.sh) and 200 of seed 2,
# at step 125, paired against the default and phase 45 (seed 1) and the default and phase 50 (seed 2).
# P51: the step-125 checkpoint model (outside the repository). BIN=DIR: the rmt-train to judge with.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../../..
P51=${P51:-/work/runs/p51-125}
N=$HOME/.cache/rmt/noise/technical/eval
s43=$here/../phase49-s43
[ -f "$P51/model.safetensors" ] && OUT_DIR=$here SETS=qa3-16-200 "$here/../objprobe-s34/judge.sh" p51-125 "$P51"
[ -s "$here/p51-125-qa3-16-200-seed2.jsonl" ] || RMT_THREADS=1 "${BIN:-$root/.build/release}/rmt-train" eval --model "$P51" \
  --noise "$N" --seed 2 --adversarial-rate 0.1 --batch-size 8 --task babi-qa3 --segments 16 --samples 200 --json \
  --predictions "$here/p51-125-qa3-16-200-seed2.jsonl" > "$here/p51-125-qa3-16-200-seed2.out"
for ref in "$s43/default-s43-qa3-16-200.jsonl" "$here/../phase43-s41/p45-125-qa3-16-200.jsonl" "$s43/p50-125-qa3-16-200.jsonl"; do
  python3 "$root/Scripts/paired-compare.py" "$here/p51-125-qa3-16-200.jsonl" "$ref" | tail -1
done
for ref in "$s43/seed2/default-qa3-16-200-seed2.jsonl" "$s43/seed2/p50-qa3-16-200-seed2.jsonl"; do
  python3 "$root/Scripts/paired-compare.py" "$here/p51-125-qa3-16-200-seed2.jsonl" "$ref" | tail -1
done
