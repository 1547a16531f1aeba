#!/usr/bin/env bash
# the new default (phase 11, float16) on the previous default's protocol: 200 documents per cell, unknown first
cd /work/main
L=Docs/runs/memory/phase11-technical-ledger/eval-ledger-a.jsonl
run() { RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 MODEL=Models/default TASKS=$1 NOISE=/root/.cache/rmt/noise/technical/eval LEDGER=$L \
  PLOT=/tmp/p11.svg SCHEDULE="$2" BIN=${BIN:-$(swift build -c release --show-bin-path)} nice -n 5 Scripts/eval-default.sh; }
run unknown "1,2,4,7:200"
run unknown "16:200"
run memorize,memorize-distract,detect,detect-distract,babi-qa1 "1,2,4,7:200"
run memorize,memorize-distract,detect,detect-distract,babi-qa1 "16:200"
run babi-qa2,babi-qa3,reasoning "1,2,4,7:200"
run babi-qa2,babi-qa3,reasoning "16:200"
run memorize,memorize-distract,detect,detect-distract,unknown,babi-qa1 "64:200"
