#!/usr/bin/env bash
# judge.sh NAME MODEL: session 60's held-out judge of one model (technical writing, seed 1, fp32, one thread),
# the sets of sessions 55-59 in the order they were run: qa2 at 64 full segments (100 documents), qa3 at 16
# (200), qa2 with its facts apart at 16 (200), qa2 at 64 on seed 2 (100). The two 16-segment sets carry 10%
# adversarial sentences (judge-commands.sh); the 64-segment sets none, as the default's files they pair with.
# Writes NAME-pass1-SET.jsonl (predictions) and .out beside this script (OUT_DIR=DIR: in DIR, as session 61
# did); a set whose predictions exist is skipped. BIN: the rmt-train to use. Pair with
# Scripts/paired-compare.py --rank against the default's files (README.md here). Do not edit it while it runs:
# bash reads a script as it goes (session 61 lost a set that way).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=$1 model=$2
out=${OUT_DIR:-$here}
BIN=${BIN:-$here/../../../../.build/release}
ev() {  # ev FILE ARGS...
  local file=$out/$name-$1; shift
  [ -s "$file.jsonl" ] && return 0
  RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 "$BIN/rmt-train" eval --model "$model" --noise "$HOME/.cache/rmt/noise/technical/eval" \
    --json --predictions "$file.jsonl" "$@" > "$file.out"
}
ev pass1-qa2-64 --task babi-qa2 --seed 1 --segments 64 --samples 100 --batch-size 4
OUT_DIR=$out BIN=$BIN "$here/../phase57-s47/judge-commands.sh" "$name" "$model" 1 "qa3-16 qa2x-16"
ev seed2-qa2-64 --task babi-qa2 --seed 2 --segments 64 --samples 100 --batch-size 4
