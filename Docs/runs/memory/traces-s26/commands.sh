#!/usr/bin/env bash
# rmt-ask --trace on held-out technical-writing haystacks (memorize-distract, 511 segments, every-segment
# layout, Models/default), seeds 1-4: the answer and the memory's move every 8 segments (session 26).
set -euo pipefail
cd "$(dirname "$0")"
BIN=${BIN:-$(cd ../../../.. && swift build -c release --show-bin-path)}
T=${TMPDIR:-/tmp}
for s in 1 2 3 4; do
  "$BIN/rmt-tool" haystack --task memorize-distract --tokens 252000 --noise "${NOISE:-$HOME/.cache/rmt/noise/technical/eval}" --seed $s \
    --question-layout every-segment --out "$T/hs$s.txt" > meta$s.json
  q=$(python3 -c "import json;print(json.load(open('meta$s.json'))['question'])")
  RMT_THREADS=1 "$BIN/rmt-ask" "$T/hs$s.txt" -q "$q" --model ../../../../Models/default --trace trace$s.jsonl --trace-every 8 --json --quiet
done
