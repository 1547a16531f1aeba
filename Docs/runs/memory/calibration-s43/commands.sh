#!/usr/bin/env bash
# Session 43: the default's answers on the training distribution at 8 segments, and their
# temperature fits (one for phase 7's mixture, one per task). BIN: a session-43 or later build.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
here=Docs/runs/memory/calibration-s43 BIN=${BIN:-.build/release} N=$HOME/.cache/rmt/noise
RMT_THREADS=1 "$BIN/rmt-train" eval --model Models/default --noise "$N/fiction/train" "$N/reference/train" --seed 7 \
    --adversarial-rate 0.1 --task babi-qa2,babi-qa3,reasoning,memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 \
    --segments 8 --samples 96 --batch-size 8 --predictions "$here/default-train-8.jsonl" --json > "$here/default-train-8.out"
grep -E '"task":"(babi-qa2|reasoning)"' "$here/default-train-8.jsonl" > /tmp/twice.jsonl  # the mixture's weights
"$BIN/rmt-tool" calibrate Models/default --predictions "$here/default-train-8.jsonl" --predictions /tmp/twice.jsonl > "$here/fit-mixture.json"
for t in babi-qa2 babi-qa3 reasoning memorize detect memorize-distract detect-distract unknown babi-qa1; do
    grep "\"task\":\"$t\"" "$here/default-train-8.jsonl" > /tmp/task.jsonl
    echo "{\"task\":\"$t\",\"fit\":$("$BIN/rmt-tool" calibrate Models/default --predictions /tmp/task.jsonl)}"
done > "$here/fit-by-task.jsonl"
