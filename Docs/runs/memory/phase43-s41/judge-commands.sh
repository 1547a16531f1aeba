#!/usr/bin/env bash
# Session 41: phase 43's step-250 model (its checkpoint copied to /work/runs/p43-250) held out at 16 segments,
# and qa3 at 8 segments (its training length) against the default's file of session 38 (same CPU kind, auto = bf16).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
OUT_DIR=Docs/runs/memory/phase43-s41 SETS="qa3-16-200 qa2-16-200" BIN=/work/bin-s41 \
  Docs/runs/memory/objprobe-s34/judge.sh p43-250 /work/runs/p43-250
RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 /work/bin-s41/rmt-train eval --model /work/runs/p43-250 \
  --noise "$HOME/.cache/rmt/noise/technical/eval" --seed 1 --adversarial-rate 0.1 --batch-size 8 --json \
  --predictions Docs/runs/memory/phase43-s41/p43-250-qa3-8-200.jsonl --task babi-qa3 --segments 8 --samples 200 \
  > Docs/runs/memory/phase43-s41/p43-250-qa3-8-200.out
# pairs and groups
P=Docs/runs/memory
python3 Scripts/paired-compare.py $P/phase43-s41/p43-250-qa3-16-200.jsonl $P/phase41-s39/default-s39-qa3-16-200.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/p43-250-qa2-16-200.jsonl $P/objprobe-s34/default-qa2-16-200.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/p43-250-qa3-8-200.jsonl $P/phase40-s38/default-qa3-8-200.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/p43-250-qa3-16-200.jsonl $P/phase42-s40/p42-250-qa3-16-200.jsonl
(cd $P/phase43-s41 && ../../../../Scripts/qa3-errors.py p43-250-qa3-16-200.jsonl) > $P/phase43-s41/qa3-errors-p43-250.txt
# one segment (composition alone): qa3, qa2 and reasoning, 200 each, for the default (read again here: every answer
# the same as session 37's fp32 read on an Intel Xeon, ../phase39-s37/default-hard-1.jsonl) and phase 43
OUT_DIR=$P/phase43-s41 SETS=hard-1 BIN=/work/bin-s41 Docs/runs/memory/objprobe-s34/judge.sh default-s41 Models/default
OUT_DIR=$P/phase43-s41 SETS=hard-1 BIN=/work/bin-s41 Docs/runs/memory/objprobe-s34/judge.sh p43-250 /work/runs/p43-250
python3 Scripts/paired-compare.py $P/phase43-s41/p43-250-hard-1.jsonl $P/phase43-s41/default-s41-hard-1.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/default-s41-hard-1.jsonl $P/phase39-s37/default-hard-1.jsonl
# phase 44's step-125 model (checkpoint copied to /work/runs/p44-125): qa3 at 16 and 8 segments, hard-1
OUT_DIR=$P/phase43-s41 SETS="qa3-16-200 hard-1" BIN=/work/bin-s41 Docs/runs/memory/objprobe-s34/judge.sh p44-125 /work/runs/p44-125
RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 /work/bin-s41/rmt-train eval --model /work/runs/p44-125 \
  --noise "$HOME/.cache/rmt/noise/technical/eval" --seed 1 --adversarial-rate 0.1 --batch-size 8 --json \
  --predictions $P/phase43-s41/p44-125-qa3-8-200.jsonl --task babi-qa3 --segments 8 --samples 200 > $P/phase43-s41/p44-125-qa3-8-200.out
python3 Scripts/paired-compare.py $P/phase43-s41/p44-125-qa3-16-200.jsonl $P/phase41-s39/default-s39-qa3-16-200.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/p44-125-qa3-8-200.jsonl $P/phase40-s38/default-qa3-8-200.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/p44-125-hard-1.jsonl $P/phase43-s41/default-s41-hard-1.jsonl
(cd $P/phase43-s41 && ../../../../Scripts/qa3-errors.py p44-125-qa3-16-200.jsonl) > $P/phase43-s41/qa3-errors-p44-125.txt
# phase 45's step-125 model (fp32 training; checkpoint copied to /work/runs/p45-125): the same three sets as phase 44's
OUT_DIR=$P/phase43-s41 SETS="qa3-16-200 hard-1" BIN=/work/bin-s41 Docs/runs/memory/objprobe-s34/judge.sh p45-125 /work/runs/p45-125
RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 /work/bin-s41/rmt-train eval --model /work/runs/p45-125 \
  --noise "$HOME/.cache/rmt/noise/technical/eval" --seed 1 --adversarial-rate 0.1 --batch-size 8 --json \
  --predictions $P/phase43-s41/p45-125-qa3-8-200.jsonl --task babi-qa3 --segments 8 --samples 200 > $P/phase43-s41/p45-125-qa3-8-200.out
python3 Scripts/paired-compare.py $P/phase43-s41/p45-125-qa3-16-200.jsonl $P/phase41-s39/default-s39-qa3-16-200.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/p45-125-qa3-16-200.jsonl $P/phase43-s41/p44-125-qa3-16-200.jsonl
(cd $P/phase43-s41 && ../../../../Scripts/qa3-errors.py p45-125-qa3-16-200.jsonl) > $P/phase43-s41/qa3-errors-p45-125.txt
# the plot Docs/plots/qa3-length-s41.svg
/work/bin-s41/rmt-tool plot-eval "Models/default=$P/phase43-s41/default-s41-hard-1.out" "Models/default=$P/phase40-s38/default-qa3-8-200.out" \
  "Models/default=$P/phase41-s39/default-s39-qa3-16-200.out" \
  "phase 43 (8 segments), step 250=$P/phase43-s41/p43-250-hard-1.out" "phase 43 (8 segments), step 250=$P/phase43-s41/p43-250-qa3-8-200.out" \
  "phase 43 (8 segments), step 250=$P/phase43-s41/p43-250-qa3-16-200.out" \
  "phase 44 (16 segments), step 125=$P/phase43-s41/p44-125-hard-1.out" "phase 44 (16 segments), step 125=$P/phase43-s41/p44-125-qa3-8-200.out" \
  "phase 44 (16 segments), step 125=$P/phase43-s41/p44-125-qa3-16-200.out" \
  "phase 45 (8 segments, fp32), step 125=$P/phase43-s41/p45-125-hard-1.out" "phase 45 (8 segments, fp32), step 125=$P/phase43-s41/p45-125-qa3-8-200.out" \
  "phase 45 (8 segments, fp32), step 125=$P/phase43-s41/p45-125-qa3-16-200.out" \
  --task babi-qa3 --dashed Models/default --title "qa3, held-out technical writing, 200 documents per point" --out Docs/plots/qa3-length-s41.svg
