#!/usr/bin/env bash
# Is it the words or the register? (session 28) Session 27 found Models/default answering `hallway`
# for 7 of 140 `unknown` documents at 64 segments of path-dense Python-docs paragraphs (0 of 140 in a
# control of the same file without those words; ../noise-path-s27/). Here the same dense paragraphs
# with path/entry/directory swapped for string/argument/value (far from every room in the model's
# word embeddings; the nearest room to "path" is hallway, cosine 0.26) — the same documents (seed,
# facts, questions) otherwise, read the same way.
cd "$(dirname "$0")/../../../.."
BIN=${BIN:-$(swift build -c release --show-bin-path)}
D=Docs/runs/memory/noise-path-s28
W=${WORK:-/tmp/noise-path}
python3 Docs/runs/memory/noise-path-s27/make-noise.py "$HOME/.cache/rmt/noise/technical/eval/python-docs.txt" "$W"
python3 $D/make-swapped.py "$W/dense" "$W"
RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task unknown --noise "$W/swapped" --seed 1 \
  --segments 64 --samples 140 --batch-size 4 --precision bf16 --predictions $D/predictions-unknown-swapped.jsonl --json > $D/eval-unknown-swapped.jsonl
# Which word? Only path/paths swapped (entry and directory kept), the same documents (session 28).
python3 $D/make-swapped.py "$W/dense" "$W" --only path
RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task unknown --noise "$W/swapped-path" --seed 1 \
  --segments 64 --samples 140 --batch-size 4 --precision bf16 --predictions $D/predictions-unknown-swapped-path.jsonl --json > $D/eval-unknown-swapped-path.jsonl
