#!/usr/bin/env bash
# Session 47's judge of phases 57 (two readings) and 58 (one) against Models/default: held-out
# technical writing, seed 1, 10% adversarial sentences, fp32, one thread, 200 documents per set.
#   judge-commands.sh NAME MODEL PASSES [SETS]   writes NAME-passP-SET.jsonl (predictions) and .out here
#   (or in OUT_DIR); PASSES: the readings (rmt-train eval --passes), SETS (default all):
#   qa2x-128-4  qa2 with its supporting facts apart (--cross-segment), 4 segments of 128 tokens (as trained)
#   qa3-128-4   qa3, 4 segments of 128 tokens
#   qa2x-4      qa2 facts apart, 4 full 499-token segments (objprobe-s34's qa2-cross-4 documents)
#   qa3-16      qa3 at 16 full segments (objprobe-s34's qa3-16-200 documents)
#   memory-4    the seven other tasks at 4 full segments, 50 each
#   qa2x-16     qa2 facts apart at 16 full segments (session 48; not in the default SETS)
#   qa3-4       qa3 at 4 full segments (session 54, phase61-s52/judge-4.sh; not in the default SETS)
# BIN=DIR: the rmt-train to use (default: .build/release of the checkpoint). Pair two files with
# Scripts/paired-compare.py A B; qa2's kinds of documents with Scripts/qa2-errors.py --predictions A --against B.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=$1 model=$2 passes=$3 sets=${4:-"qa2x-128-4 qa3-128-4 qa2x-4 qa3-16 memory-4"} out=${OUT_DIR:-$here}
ev() {  # ev SET ARGS...: skipped when its predictions are there (written atomically at the end)
  local set=$1 file=$out/$name-pass$passes-$1; shift
  [[ " $sets " == *" $set "* ]] || return 0
  [ -s "$file.jsonl" ] && return 0
  RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 5 "${BIN:-$here/../../../../.build/release}/rmt-train" eval --model "$model" \
    --passes "$passes" --noise "$HOME/.cache/rmt/noise/technical/eval" --seed 1 --adversarial-rate 0.1 --batch-size 8 --json \
    --predictions "$file.jsonl" "$@" > "$file.out"
}
ev qa2x-128-4 --task babi-qa2 --segments 4 --samples 200 --cross-segment --data-segment-length 128 --segment-length 128
ev qa3-128-4 --task babi-qa3 --segments 4 --samples 200 --data-segment-length 128 --segment-length 128
ev qa2x-4 --task babi-qa2 --segments 4 --samples 200 --cross-segment
ev qa3-16 --task babi-qa3 --segments 16 --samples 200
ev qa2x-16 --task babi-qa2 --segments 16 --samples 200 --cross-segment
ev qa3-4 --task babi-qa3 --segments 4 --samples 200
ev memory-4 --task memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1,reasoning --segments 4 --samples 50
