#!/usr/bin/env bash
# Session 44: Models/default's answer temperature per question form (rmt-tool calibrate
# --by-question-form), fitted on held-out books of the training genres (fiction + reference
# validation noise, never trained on) and checked on technical writing (the genre held out from
# training, where the ledgers are read): 16 segments, 100 documents per task, adversarial
# sentences at 0.1. qa3's technical documents are session 43's (seed 1 and seed 2, 200 each).
# BIN=DIR: an rmt-train / rmt-tool of session 44 or later. Each step is skipped once its file exists.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../../..
B=${BIN:-$root/.build/release}
N=${NOISE_DIR:-$HOME/.cache/rmt/noise}
TASKS=babi-qa2,babi-qa3,reasoning,unknown,memorize-distract,babi-qa1
[ -s "$here/fit-valid-16.jsonl" ] || RMT_THREADS=1 "$B/rmt-train" eval --model "$root/Models/default" \
  --noise "$N/fiction/valid" "$N/reference/valid" --seed 5 --adversarial-rate 0.1 --batch-size 8 --task "$TASKS" \
  --segments 16 --samples 100 --predictions "$here/fit-valid-16.jsonl" --json > "$here/fit-valid-16.out"
[ -s "$here/check-technical-16.jsonl" ] || RMT_THREADS=1 "$B/rmt-train" eval --model "$root/Models/default" \
  --noise "$N/technical/eval" --seed 1 --adversarial-rate 0.1 --batch-size 8 --task "${TASKS/babi-qa3,/}" \
  --segments 16 --samples 100 --predictions "$here/check-technical-16.jsonl" --json > "$here/check-technical-16.out"
# How the 16-segment temperatures hold at 64 segments (~31,600 tokens), where qa2 and qa3 are right
# less often: 100 technical documents each, seed 1 (the default's answers; heldout.py scores them at
# the recorded temperatures).
[ -s "$here/check-technical-64.jsonl" ] || RMT_THREADS=1 "$B/rmt-train" eval --model "$root/Models/default" \
  --noise "$N/technical/eval" --seed 1 --adversarial-rate 0.1 --batch-size 8 --task babi-qa3,babi-qa2,reasoning \
  --segments 64 --samples 100 --predictions "$here/check-technical-64.jsonl" --json > "$here/check-technical-64.out"
# A temperature per form and length: the fit at 4 and 64 segments too, on the same validation books
# (100 documents per task; at 64 segments only the forms whose answers are not all sure).
[ -s "$here/fit-valid-4.jsonl" ] || RMT_THREADS=1 "$B/rmt-train" eval --model "$root/Models/default" \
  --noise "$N/fiction/valid" "$N/reference/valid" --seed 5 --adversarial-rate 0.1 --batch-size 8 --task "$TASKS" \
  --segments 4 --samples 100 --predictions "$here/fit-valid-4.jsonl" --json > "$here/fit-valid-4.out"
[ -s "$here/fit-valid-64.jsonl" ] || RMT_THREADS=1 "$B/rmt-train" eval --model "$root/Models/default" \
  --noise "$N/fiction/valid" "$N/reference/valid" --seed 5 --adversarial-rate 0.1 --batch-size 8 --task babi-qa3,babi-qa2,reasoning \
  --segments 64 --samples 100 --predictions "$here/fit-valid-64.jsonl" --json > "$here/fit-valid-64.out"
# The held-out check at 4 segments (technical writing, seed 1, 100 documents per task).
[ -s "$here/check-technical-4.jsonl" ] || RMT_THREADS=1 "$B/rmt-train" eval --model "$root/Models/default" \
  --noise "$N/technical/eval" --seed 1 --adversarial-rate 0.1 --batch-size 8 --task "$TASKS" \
  --segments 4 --samples 100 --predictions "$here/check-technical-4.jsonl" --json > "$here/check-technical-4.out"
