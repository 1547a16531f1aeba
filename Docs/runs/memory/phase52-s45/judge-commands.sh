#!/usr/bin/env bash
# Session 45's record for phases 52 and 53 (phase 45 with memory distillation toward the default,
# weights 10 and 100; Scripts/train-memory.sh): qa3 at 16 segments on technical writing, 200
# documents of seed 1 (objprobe-s34/judge.sh) and 200 of seed 2, at step 125, paired against the
# default and phase 45 (seed 1) and the default and phase 50 (seed 2; phase 45 was not read there).
#   judge-commands.sh NAME MODEL   (e.g. p52-125 /work/runs/p52-125). BIN=DIR: the rmt-train to judge with.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../../..
name=$1 model=$2
N=$HOME/.cache/rmt/noise/technical/eval
s43=$here/../phase49-s43
OUT_DIR=$here SETS=qa3-16-200 "$here/../objprobe-s34/judge.sh" "$name" "$model" &
[ -s "$here/$name-qa3-16-200-seed2.jsonl" ] || RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 "${BIN:-$root/.build/release}/rmt-train" eval \
  --model "$model" --noise "$N" --seed 2 --adversarial-rate 0.1 --batch-size 8 --task babi-qa3 --segments 16 --samples 200 --json \
  --predictions "$here/$name-qa3-16-200-seed2.jsonl" > "$here/$name-qa3-16-200-seed2.out"
wait
for ref in "$s43/default-s43-qa3-16-200.jsonl" "$here/../phase43-s41/p45-125-qa3-16-200.jsonl"; do
  python3 "$root/Scripts/paired-compare.py" "$here/$name-qa3-16-200.jsonl" "$ref" | tail -1
done
for ref in "$s43/seed2/default-qa3-16-200-seed2.jsonl" "$s43/seed2/p50-qa3-16-200-seed2.jsonl"; do
  python3 "$root/Scripts/paired-compare.py" "$here/$name-qa3-16-200-seed2.jsonl" "$ref" | tail -1
done
