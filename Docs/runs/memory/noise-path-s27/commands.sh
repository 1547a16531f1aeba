#!/usr/bin/env bash
# Does API prose dense in "path", "entry" and "directory" turn Models/default's answer to `hallway`? (session 27)
# Both 2048-segment misses of the long ledgers turned to `hallway` right after a run of such segments of
# the held-out Python docs (miss-2048/). Noise A: the Python-docs paragraphs with ≥ 2 of those words at
# ≥ 4% of their words (11,415 words); noise B (control): as many words of paragraphs with none of them,
# from the same file. Both wrap the same number of times in a document. The files are made by
# make-noise.py from ~/.cache/rmt/noise/technical/eval/python-docs.txt (Scripts/fetch-noise.sh).
cd "$(dirname "$0")/../../../.."
BIN=${BIN:-$(swift build -c release --show-bin-path)}
D=Docs/runs/memory/noise-path-s27
W=${WORK:-/tmp/noise-path}
python3 $D/make-noise.py "$HOME/.cache/rmt/noise/technical/eval/python-docs.txt" "$W"
for noise in dense control; do
  RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task memorize-distract,unknown,babi-qa1 --noise "$W/$noise" --seed 1 \
    --segments 16,64 --samples 40 --batch-size 4 --precision bf16 --predictions $D/predictions-$noise.jsonl --json > $D/eval-$noise.jsonl &
done
wait
# More `unknown` documents at 64 segments (documents 40..<140), where the first 40 differed (session 27).
for noise in dense control; do
  RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --task unknown --noise "$W/$noise" --seed 1 \
    --segments 64 --first 40 --samples 100 --batch-size 4 --precision bf16 --predictions $D/predictions-unknown-more-$noise.jsonl --json > $D/eval-unknown-more-$noise.jsonl &
done
wait
