#!/usr/bin/env bash
# Session 46's record for phases 54-56 (reasoning's reading; Scripts/train-memory.sh): held out on
# technical writing, 10% adversarial sentences, fp32, one thread, at one 499-token segment (reasoning's
# errors do not grow with length: the same stories fail at 1, 16 and 2048 segments):
#   NAME-reasoning-1          reasoning, seed 1, 200 documents — the default's are objprobe-s34's hard-1
#                             set (../phase39-s37/default-hard-1.jsonl), paired by Scripts/reasoning-errors.py
#   NAME-same-axis-1-seed3    reasoning:same-axis (only stories whose two relations lie on one axis, where
#                             every default error is), seed 3, 400 documents, paired by Scripts/paired-compare.py
#   judge-commands.sh NAME MODEL   (e.g. p55-500 /work/runs/p55-500; NAME default writes the reference)
#   BIN=DIR: the rmt-train to judge with (one that knows reasoning:same-axis: session 46 or later).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../../..
name=$1 model=$2
ev() {  # ev SET ARGS...: skip when NAME-SET.jsonl is there
  local file=$name-$1; shift
  [ -s "$here/$file.jsonl" ] && return 0
  RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 "${BIN:-$root/.build/release}/rmt-train" eval --model "$model" \
    --noise "$HOME/.cache/rmt/noise/technical/eval" --adversarial-rate 0.1 --batch-size 8 --json \
    --segments 1 --predictions "$here/$file.jsonl" "$@" > "$here/$file.out"
}
[ "$name" = default ] || ev reasoning-1 --task reasoning --seed 1 --samples 200
ev same-axis-1-seed3 --task reasoning:same-axis --seed 3 --samples 400
[ "$name" = default ] && exit 0
python3 "$root/Scripts/reasoning-errors.py" "$here/$name-reasoning-1.jsonl"
python3 "$root/Scripts/reasoning-errors.py" --against "$here/../phase39-s37/default-hard-1.jsonl" "$here/$name-reasoning-1.jsonl"
python3 "$root/Scripts/paired-compare.py" "$here/$name-same-axis-1-seed3.jsonl" "$here/default-same-axis-1-seed3.jsonl" | tail -1
