#!/usr/bin/env bash
# judge-in-genre.sh NAME MODEL: qa3 at 16 segments, 200 documents, on the validation genres
# (fiction + reference books never trained on, as rmt-train's own validation) instead of technical
# writing — judge.sh's qa3-16-200 set with only the noise changed (seed 1, 10% adversarial).
# SPLIT=train reads the training books instead (session 42, ../../perturb-s42/train-books/);
# OUT_DIR: where NAME-qa3-16-200.* go (default: here).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=$1 model=$2 n=$HOME/.cache/rmt/noise split=${SPLIT:-valid} out=${OUT_DIR:-$here}
[ -s "$out/$name-qa3-16-200.jsonl" ] && exit 0
RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 "${BIN:-$here/../../../../../.build/release}/rmt-train" eval --model "$model" \
  --noise "$n/fiction/$split" "$n/reference/$split" --seed 1 --adversarial-rate 0.1 --batch-size 8 --json \
  --task babi-qa3 --segments 16 --samples 200 --predictions "$out/$name-qa3-16-200.jsonl" > "$out/$name-qa3-16-200.out"
