#!/usr/bin/env bash
# judge-train-books.sh NAME MODEL: qa3 at 16 segments, 200 documents, on the training books
# (fiction + reference, the prose every phase trained on; other documents than training drew:
# seed 1) — judge.sh's qa3-16-200 set with only the noise changed (10% adversarial, one thread).
# Does a fine-tune's change gain on the prose it trained on while it loses on other prose?
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=$1 model=$2 n=$HOME/.cache/rmt/noise
[ -s "$here/$name-qa3-16-200.jsonl" ] && exit 0
RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 "${BIN:-$here/../../../../../.build/release}/rmt-train" eval --model "$model" \
  --noise "$n/fiction/train" "$n/reference/train" --seed 1 --adversarial-rate 0.1 --batch-size 8 --json \
  --task babi-qa3 --segments 16 --samples 200 --predictions "$here/$name-qa3-16-200.jsonl" > "$here/$name-qa3-16-200.out"
