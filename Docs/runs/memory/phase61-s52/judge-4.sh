#!/usr/bin/env bash
# judge-4.sh NAME MODEL — judge.sh's two 16-segment sets at 4 full segments (session 54: is a candidate's
# loss at 16 segments the held-out genre or the length?): held-out technical writing, seed 1, 10%
# adversarial sentences, fp32, one thread, 200 documents each, written here as NAME-pass1-SET.jsonl/.out
# and paired with the default's predictions of the same documents:
#   qa2x-4  qa2 with its supporting facts apart (../objprobe-s34/default-qa2-cross-4.jsonl: default 109)
#   qa3-4   qa3 (default-pass1-qa3-4.jsonl here, written by `judge-4.sh default Models/default`: 129)
# ~1.5 minutes each on session 54's AMD EPYC. BIN=DIR: the rmt-train to use (default .build/release).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../../..
name=$1 model=$2 bin=${BIN:-$root/.build/release}
# the default's qa2x-4 predictions are objprobe-s34's, so only its qa3-4 set is read here
if [ "$name" = default ]; then sets="qa3-4"; else sets="qa2x-4 qa3-4"; fi
OUT_DIR=$here BIN=$bin "$here/../phase57-s47/judge-commands.sh" "$name" "$model" 1 "$sets"
[ "$name" = default ] && exit 0
python3 "$root/Scripts/paired-compare.py" "$here/../objprobe-s34/default-qa2-cross-4.jsonl" "$here/$name-pass1-qa2x-4.jsonl"
python3 "$root/Scripts/paired-compare.py" "$here/default-pass1-qa3-4.jsonl" "$here/$name-pass1-qa3-4.jsonl"
