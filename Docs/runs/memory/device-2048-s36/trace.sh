#!/usr/bin/env bash
# trace.sh INDEX...: where a qa3 answer at 2048 segments turns — each document of the device run read again
# here (bf16, one thread): `rmt-train eval --first I --documents` writes it as text (~5 MB, into
# /work/runs/qa3-2048-docs, not kept), then `rmt-ask --trace --trace-every 8` asks its question
# after every 8th segment (the answer if the document ended there, its p, how far the memory moved):
# trace-INDEX.jsonl here. BIN=DIR: the binaries (default: .build/release).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$here/../../../..; B=${BIN:-$root/.build/release}
docs=/work/runs/qa3-2048-docs; mkdir -p "$docs"
export RMT_THREADS=1 OPENBLAS_NUM_THREADS=1
for i in "$@"; do
  [ -s "$here/trace-$i.jsonl" ] && continue
  "$B/rmt-train" eval --model "$root/Models/default" --task babi-qa3 --segments 2048 --first "$i" --samples 1 --batch-size 1 \
    --seed 1 --noise "$HOME/.cache/rmt/noise/technical/eval" --precision bf16 --documents "$docs" > /dev/null
  q=$(python3 -c "import json,sys; print(next(json.loads(l)['question'] for l in open(sys.argv[1]) if json.loads(l)['index'] == int(sys.argv[2])))" "$here/babi-qa3-2048.jsonl" "$i")
  "$B/rmt-ask" "$docs/babi-qa3-2048-$i.txt" --model "$root/Models/default" --question "$q" --precision bf16 \
    --trace "$here/trace-$i.jsonl" --trace-every 8 --json > "$here/trace-$i.answer.json"
done
