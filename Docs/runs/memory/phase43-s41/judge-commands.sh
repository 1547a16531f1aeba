#!/usr/bin/env bash
# Session 41: phases 43-45's models (checkpoints copied to /work/runs/p43-250, p44-125, p45-125) held out:
# qa3 at 16 and 8 segments (the default's 8-segment file is session 38's, same CPU kind, auto = bf16) and
# the one-segment hard tasks; then the pairs, the qa3 groups and the plot.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
P=Docs/runs/memory
judge() { OUT_DIR=$P/phase43-s41 SETS="$1" BIN=/work/bin-s41 $P/objprobe-s34/judge.sh "$2" "$3"; }
judge "qa3-16-200 qa2-16-200 qa3-8-200" p43-250 /work/runs/p43-250
# pairs and groups
python3 Scripts/paired-compare.py $P/phase43-s41/p43-250-qa3-16-200.jsonl $P/phase41-s39/default-s39-qa3-16-200.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/p43-250-qa2-16-200.jsonl $P/objprobe-s34/default-qa2-16-200.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/p43-250-qa3-8-200.jsonl $P/phase40-s38/default-qa3-8-200.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/p43-250-qa3-16-200.jsonl $P/phase42-s40/p42-250-qa3-16-200.jsonl
(cd $P/phase43-s41 && ../../../../Scripts/qa3-errors.py p43-250-qa3-16-200.jsonl) > $P/phase43-s41/qa3-errors-p43-250.txt
# one segment (composition alone): qa3, qa2 and reasoning, 200 each, for the default (read again here: every answer
# the same as session 37's fp32 read on an Intel Xeon, ../phase39-s37/default-hard-1.jsonl) and phase 43
judge hard-1 default-s41 Models/default
judge hard-1 p43-250 /work/runs/p43-250
python3 Scripts/paired-compare.py $P/phase43-s41/p43-250-hard-1.jsonl $P/phase43-s41/default-s41-hard-1.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/default-s41-hard-1.jsonl $P/phase39-s37/default-hard-1.jsonl
# phase 44's step-125 model (checkpoint copied to /work/runs/p44-125): qa3 at 16 and 8 segments, hard-1
judge "qa3-16-200 hard-1 qa3-8-200" p44-125 /work/runs/p44-125
python3 Scripts/paired-compare.py $P/phase43-s41/p44-125-qa3-16-200.jsonl $P/phase41-s39/default-s39-qa3-16-200.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/p44-125-qa3-8-200.jsonl $P/phase40-s38/default-qa3-8-200.jsonl
python3 Scripts/paired-compare.py $P/phase43-s41/p44-125-hard-1.jsonl $P/phase43-s41/default-s41-hard-1.jsonl
(cd $P/phase43-s41 && ../../../../Scripts/qa3-errors.py p44-125-qa3-16-200.jsonl) > $P/phase43-s41/qa3-errors-p44-125.txt
# phase 45's step-125 model (fp32 training; checkpoint copied to /work/runs/p45-125): the same three sets as phase 44's
judge "qa3-16-200 hard-1 qa3-8-200" p45-125 /work/runs/p45-125
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
