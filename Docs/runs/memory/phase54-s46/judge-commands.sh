#!/usr/bin/env bash
# Session 46's record for phase 54 (reasoning's reading with the memory held; Scripts/train-memory.sh):
# held out on technical writing, seed 1, 10% adversarial sentences, fp32, one thread per set
# (objprobe-s34/judge.sh's sets, which the default's predictions come from):
#   hard-1            qa3, qa2 and reasoning at one 499-token segment, 200 documents each
#   reasoning-16-200  reasoning at 16 segments, 200 documents
#   memory-16         the six memory tasks (memorize, detect, both distractor tasks, unknown, qa1) at 16, 50 each
#   qa3-16-200        qa3 at 16 segments, 200 documents
# then paired against the default (Scripts/paired-compare.py) and reasoning sorted by where it goes wrong
# (Scripts/reasoning-errors.py).
#   judge-commands.sh NAME MODEL   (e.g. p54-500 /work/runs/p54-500). BIN=DIR: the rmt-train to judge with.
#   SETS="…": only those sets. Two sets run at a time (two cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../../..
name=$1 model=$2
judge() { OUT_DIR=$here SETS="$*" "$here/../objprobe-s34/judge.sh" "$name" "$model"; }
want() { [ -z "${SETS:-}" ] || [[ " $SETS " == *" $1 "* ]]; }
{ want hard-1 && judge hard-1; want memory-16 && judge memory-16; true; } &
{ want reasoning-16-200 && judge reasoning-16-200; want qa3-16-200 && judge qa3-16-200; true; } &
wait
pairs=("hard-1:$here/../phase39-s37/default-hard-1.jsonl"
       "reasoning-16-200:$here/../objprobe-s34/default-reasoning-16-200.jsonl"
       "memory-16:$here/../objprobe-s34/default-memory-16.jsonl"
       "qa3-16-200:$here/../phase49-s43/default-s43-qa3-16-200.jsonl")
for pair in "${pairs[@]}"; do
  set=${pair%%:*} ref=${pair#*:}
  [ -s "$here/$name-$set.jsonl" ] || continue
  echo "== $set against the default"
  python3 "$root/Scripts/paired-compare.py" "$here/$name-$set.jsonl" "$ref"
  case $set in hard-1|reasoning-16-200)
    python3 "$root/Scripts/reasoning-errors.py" "$here/$name-$set.jsonl"
    python3 "$root/Scripts/reasoning-errors.py" --against "$ref" "$here/$name-$set.jsonl" ;;
  esac
done
