#!/usr/bin/env bash
# Session 45: where does a fine-tune's qa3 cost at 16 segments lie — in the memory it writes, or in
# how it reads the final segment? `rmt-train eval --memory-from W --model R`: W reads segments 1–15
# from its own memory embeddings, R reads the 16th from the memory W hands on. qa3 at 16 segments on
# technical writing (held out), the judging sets of sessions 43–44 (seed 1 and seed 2, 200 documents
# each), for each pair NAME=READER:WRITER given (default: phase 45's step-125 model against the default, both ways).
#   commands.sh [NAME=READER:WRITER …]   BIN=DIR: the rmt-train to use. Writes NAME-seed{1,2}.jsonl/.out here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../../..
N=$HOME/.cache/rmt/noise/technical/eval
P45=${P45:-/work/runs/p45-125}
pairs=("$@")
[ ${#pairs[@]} -gt 0 ] || pairs=("p45-reads-default=$P45:$root/Models/default" "default-reads-p45=$root/Models/default:$P45")
for pair in "${pairs[@]}"; do
  name=${pair%%=*} models=${pair#*=}
  reader=${models%%:*} writer=${models#*:}
  for seed in 1 2; do
    [ -s "$here/$name-seed$seed.jsonl" ] && continue
    RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 "${BIN:-$root/.build/release}/rmt-train" eval --model "$reader" --memory-from "$writer" \
      --noise "$N" --seed $seed --adversarial-rate 0.1 --batch-size 8 --task babi-qa3 --segments 16 --samples 200 --json \
      --predictions "$here/$name-seed$seed.jsonl" > "$here/$name-seed$seed.out" &
  done
  wait
done
