#!/usr/bin/env bash
# Session 40: phase 42's step-250 model (its checkpoint copied to /work/runs/p42-250) held out at 16 segments.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
OUT_DIR=Docs/runs/memory/phase42-s40 SETS="qa3-16-200 qa2-16-200" BIN=/work/bin-s40 \
  Docs/runs/memory/objprobe-s34/judge.sh p42-250 /work/runs/p42-250
# the same qa3 set on the validation genres, for the default and phase 42
BIN=/work/bin-s40 Docs/runs/memory/phase42-s40/in-genre/judge-in-genre.sh default Models/default
BIN=/work/bin-s40 Docs/runs/memory/phase42-s40/in-genre/judge-in-genre.sh p42-250 /work/runs/p42-250
# qa3 answers sorted (qa3-errors-*.txt)
(cd Docs/runs/memory/phase41-s39 && ../../../../Scripts/qa3-errors.py default-s39-qa3-16-200.jsonl p41-250-qa3-16-200.jsonl p41-500-qa3-16-200.jsonl) > Docs/runs/memory/phase42-s40/qa3-errors-default-p41.txt
(cd Docs/runs/memory/device-2048-s36 && ../../../../Scripts/qa3-errors.py babi-qa3-64-first48.jsonl babi-qa3-2048.jsonl) > Docs/runs/memory/phase42-s40/qa3-errors-default-64-2048.txt
(cd Docs/runs/memory/phase42-s40 && ../../../../Scripts/qa3-errors.py p42-250-qa3-16-200.jsonl) > Docs/runs/memory/phase42-s40/qa3-errors-p42-250.txt
