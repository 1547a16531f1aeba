#!/usr/bin/env bash
# Session 59's phase 82 at step 100 (stage 16; kept-runs/memory/phase82-step100, or MODEL=DIR)
# at 2048 segments (~1M tokens) of held-out technical writing, as the default's ledger was read
# (phase11-technical-ledger/commands-long.sh 2048d: seed 1, bf16 on a CPU with AVX512-BF16, one thread,
# one document per batch), so each document pairs with the default's on the same document.
#   ledger.sh [TASK]   (default babi-qa2; babi-qa3 next) — resumable: a rerun continues after the last document.
cd "$(dirname "$0")/../../../.."
D=Docs/runs/memory/gate-penalty-s59 task=${1:-babi-qa2}
RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 MODEL=${MODEL:-kept-runs/memory/phase82-step100} TASKS=$task \
  NOISE=${NOISE:-$HOME/.cache/rmt/noise/technical/eval} LEDGER=$D/eval-ledger-2048-$task.jsonl PLOT=/tmp/phase82-2048-$task.svg \
  BATCH=1 BIN=${BIN:-$(swift build -c release --show-bin-path)} \
  SCHEDULE="2048:4 2048:8 2048:12 2048:16 2048:20 2048:24 2048:28 2048:32 2048:40 2048:50" nice -n 5 Scripts/eval-default.sh
