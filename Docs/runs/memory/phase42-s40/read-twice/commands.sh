#!/usr/bin/env bash
# Read twice, zero-shot (session 40): the default's first 48 held-out qa3 documents at 16 segments,
# written out by rmt-train eval --documents, each asked through rmt-ask once and with its text read
# twice in a row (the second reading starts from the memory the first left). twice.sh writes one line
# per document: the answer, once, twice.
set -euo pipefail
mkdir -p /work/runs/twice/qa3 && cd /work/runs/twice
RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 /work/bin-s40/rmt-train eval --model /work/main/Models/default \
  --noise "$HOME/.cache/rmt/noise/technical/eval" --seed 1 --adversarial-rate 0.1 --batch-size 8 --json \
  --task babi-qa3 --segments 16 --samples 48 --documents /work/runs/twice/qa3 \
  --predictions /work/runs/twice/qa3-16-48.jsonl > qa3-16-48.out
./twice.sh qa3 16 48 /work/main/Models/default /work/runs/twice/default-qa3-16-48-twice.jsonl
