#!/usr/bin/env bash
# Phase 23 (room-neighbour noise) against phase 24 (its control) and Models/default (session 28):
#   dense   `unknown` at 64 segments on the path-dense noise of ../noise-path-s27 (140 documents;
#           the default: 133/140) — the regression test the lever is for;
#   gate    the nine tasks at 16 segments on held-out technical writing (the default's ledger
#           documents: seed 1, the first 40 per task), paired by document;
#   misses  the three documents the default got wrong at 2048 segments (memorize-distract 39,
#           unknown 27 and 28; ../phase11-technical-ledger/miss-2048/), read alone at 2048.
# Usage: commands-candidates.sh NAME MODEL_DIR [dense|gate|misses]...  (one thread; bf16 as the ledgers)
cd "$(dirname "$0")/../../../.."
BIN=${BIN:-$(swift build -c release --show-bin-path)}
D=Docs/runs/memory/noise-path-s28
W=${WORK:-/tmp/noise-path}
T=$HOME/.cache/rmt/noise/technical/eval
name=$1 model=$2; shift 2
[ -d "$W/dense" ] || python3 Docs/runs/memory/noise-path-s27/make-noise.py "$HOME/.cache/rmt/noise/technical/eval/python-docs.txt" "$W"
ev() { RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 5 "$BIN/rmt-train" eval --model "$model" --seed 1 --precision bf16 "$@"; }
for part in "$@"; do
  case $part in
    dense) ev --task unknown --noise "$W/dense" --segments 64 --samples 140 --batch-size 4 \
             --predictions $D/predictions-dense-$name.jsonl --json > $D/eval-dense-$name.jsonl ;;
    gate) ev --task memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1,babi-qa2,babi-qa3,reasoning --noise "$T" \
            --segments 16 --samples 40 --batch-size 8 --predictions $D/predictions-gate16-$name.jsonl --json > $D/eval-gate16-$name.jsonl ;;
    misses) : > $D/eval-misses2048-$name.jsonl
            for m in memorize-distract:39 unknown:27 unknown:28; do
              ev --task ${m%%:*} --noise "$T" --segments 2048 --first ${m#*:} --samples 1 --batch-size 1 \
                 --predictions $D/predictions-misses2048-$name-${m%%:*}-${m#*:}.jsonl --json >> $D/eval-misses2048-$name.jsonl
            done ;;
    *) echo "commands-candidates.sh: parts are dense, gate, misses" >&2; exit 2 ;;
  esac
done
