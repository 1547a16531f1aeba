#!/usr/bin/env bash
# Held-out state diagnostic (session 32): what a model's state readout says about its memory on qa2
# at 16 full segments, the first 48 documents of technical writing (never trained on), seed 1 —
# the answer accuracy and `state: placed r/n, carried r/n` (Docs/training.md, the state loss).
#   diag.sh MODEL...   writes diag-<MODEL with / as _>.txt into OUT_DIR (default: this folder)
#   BIN=DIR            the rmt-train to use (default: .build/release of the checkout)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for m in "$@"; do
  name=$(echo "$m" | tr / _)
  RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 5 "${BIN:-$here/../../../../.build/release}/rmt-train" eval --model "$m" \
    --task babi-qa2 --segments 16 --samples 48 --noise "$HOME/.cache/rmt/noise/technical/eval" --seed 1 --batch-size 8 \
    > "${OUT_DIR:-$here}/diag-$name.txt" 2>&1
done
