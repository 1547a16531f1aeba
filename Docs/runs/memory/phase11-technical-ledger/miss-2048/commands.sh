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
# The one `unknown` miss at 2048 segments (document 27 of eval-ledger-2048-bf16-b.jsonl), the same way (session 27).
RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task unknown --noise "$N" --seed 1 --segments 2048 \
  --first 27 --samples 1 --batch-size 1 --precision bf16 --predictions $D/predictions-unknown-2048-27.jsonl --json
RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task unknown --noise "$N" --seed 1 --segments 16,64,256,512,1024,1536 \
  --first 27 --samples 1 --batch-size 1 --precision bf16 --predictions $D/predictions-unknown-lengths-27.jsonl --json > $D/out-unknown-lengths.json
# Where between 64 and 256 segments both misses turn to `hallway` (session 27): the same documents at lengths in between.
for doc in "unknown 27" "memorize-distract 39"; do set -- $doc
  RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task $1 --noise "$N" --seed 1 --segments 72,80,88,96,104,112,128,144,160,192,224 \
    --first $2 --samples 1 --batch-size 1 --precision bf16 --predictions $D/predictions-bisect-$2.jsonl --json > $D/out-bisect-$2.json
done
# Where exactly (session 27): each document written as text (rmt-train eval --documents, new) just past its turn, and
# read again by rmt-ask with the answer so far after every segment (not committed: the texts, ~0.5 MB each).
W=${WORK:-/tmp/miss-2048}; mkdir -p "$W"
RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task unknown --noise "$N" --seed 1 --segments 256 \
  --first 27 --samples 1 --batch-size 1 --precision bf16 --documents "$W"
RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task memorize-distract --noise "$N" --seed 1 --segments 192 \
  --first 39 --samples 1 --batch-size 1 --precision bf16 --documents "$W"
RMT_THREADS=1 "$BIN/rmt-ask" "$W/unknown-256-27.txt" --question "Where is John?" --trace $D/trace-unknown-256-27.jsonl --trace-every 1
RMT_THREADS=1 "$BIN/rmt-ask" "$W/memorize-distract-192-39.txt" --question "Where is Daniel?" --trace $D/trace-memorize-distract-192-39.jsonl --trace-every 1
# The second `unknown` miss at 2048 (document 28, session 27), at shorter lengths.
RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task unknown --noise "$N" --seed 1 --segments 64,128,256,512,1024 \
  --first 28 --samples 1 --batch-size 1 --precision bf16 --predictions $D/predictions-unknown-lengths-28.jsonl --json > $D/out-unknown-lengths-28.json
# ... and at 2048 as text, traced every 4 segments (session 27; the turn: segment 1,104).
RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task unknown --noise "$N" --seed 1 --segments 2048 \
  --first 28 --samples 1 --batch-size 1 --precision bf16 --documents "$W" --predictions $D/predictions-unknown-2048-28.jsonl
RMT_THREADS=1 "$BIN/rmt-ask" "$W/unknown-2048-28.txt" --question "Where is Daniel?" --trace $D/trace-unknown-2048-28.jsonl --trace-every 4
