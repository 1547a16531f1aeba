#!/usr/bin/env bash
# The one memorize-distract miss at 2048 segments (document 39 of eval-ledger-2048-bf16.jsonl), read again
# alone with --first, at 2048 segments and at 16 … 1536, with --predictions (session 26).
cd "$(dirname "$0")/../../../../.."
BIN=${BIN:-$(swift build -c release --show-bin-path)}
N=${NOISE:-$HOME/.cache/rmt/noise/technical/eval}
D=Docs/runs/memory/phase11-technical-ledger/miss-2048
RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task memorize-distract --noise "$N" --seed 1 --segments 2048 \
  --first 39 --samples 1 --batch-size 1 --precision bf16 --predictions $D/predictions-2048-39.jsonl --json
RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task memorize-distract --noise "$N" --seed 1 --segments 16,64,256,512,1024,1536 \
  --first 39 --samples 1 --batch-size 1 --precision bf16 --predictions $D/predictions-lengths-39.jsonl --json > $D/out-lengths.json
