#!/usr/bin/env bash
# train-default.sh — how Models/default was trained (Docs/results.md, "The default model"),
# resumable: phases 1, 2, 3, 4, 6, 7 and 11 of Scripts/train-memory.sh, then a float16 export
# into Models/default and its answer temperatures per question form (rmt-tool calibrate).
#
# Backbone: pretrained all-MiniLM-L6-v2 (6 layers × 384; Scripts/fetch-minilm.sh) with 10 memory
# tokens, the question in every segment (Docs/question-layout.md) and seven labels (six rooms +
# unknown). Tasks: memorize, detect, memorize-distract, detect-distract, unknown, bAbI qa1–qa3 and
# reasoning. Noise: fiction + reference (Scripts/fetch-noise.sh), 10% adversarial sentences;
# validation on other books of those genres; technical writing is kept for evaluation.
#   Phase 1: the memory tasks on 128-token data segments, curriculum 1 → 3 segments.
#   Phase 2: full 499-token segments, one segment, adding qa2, qa3 and reasoning.
#   Phase 3: the six memory tasks, full segments, curriculum 2 → 7 (the previous default).
#   Phase 4: qa2, qa3 and reasoning on 320-token data segments, one segment, with phase 3's tasks.
#   Phase 6: the hard tasks across segment boundaries on 128-token data segments, 2 → 4 segments.
#   Phase 7: all nine tasks, full segments, curriculum 1 → 7, stages judged by the memory tasks.
#   Phase 11: phase 7's model polished for `unknown` at 7 segments.
# Every flag, and what each original run did, is in Scripts/train-memory.sh. As run, phase 4
# started from the float16 export of phase 3 (Models/default then) and phase 7 from the float16
# export of phase 6's stage-4 model; this script rounds both the same way. The original runs took
# ~40 CPU-hours on the shared 2-core machine, over sessions (each phase resumes).
set -euo pipefail
cd "$(dirname "$0")/.."
unset OPENBLAS_CORETYPE
OUT=${OUT:-runs/memory}
swift build -c release --product rmt-tool >&2
BIN=$(swift build -c release --show-bin-path)
f16() { [ -f "$2/config.json" ] || "$BIN/rmt-tool" export "$1" --out "$2" --float16 >&2; }  # f16 FROM TO
OUT="$OUT" PHASES="1 2 3" Scripts/train-memory.sh
f16 "$OUT/phase3/model" "$OUT/phase3-f16"
OUT="$OUT" PHASES="4" PHASE4_FROM="$OUT/phase3-f16" Scripts/train-memory.sh
OUT="$OUT" PHASES="6" PHASE6_MAX_SEGMENTS=4 Scripts/train-memory.sh
f16 "$OUT/phase6/model" "$OUT/phase6-f16"
OUT="$OUT" PHASES="7 11" PHASE7_FROM="$OUT/phase6-f16" Scripts/train-memory.sh
"$BIN/rmt-tool" export "$OUT/phase11/model" --out "${EXPORT:-Models/default}" --float16 \
    --metadata "trained_by=rmt-train, phases 1-4, 6, 7 and 11 of Scripts/train-memory.sh (Docs/results.md)" \
    --metadata "backbone=all-MiniLM-L6-v2" \
    --metadata "tasks=memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1,babi-qa2,babi-qa3,reasoning" \
    --metadata "curriculum=1-7 segments"
# Answer temperatures per question form and length (session 44; Docs/training.md, Docs/results.md):
# the exported model's answers on validation books of the training genres at 4, 16 and 64 segments,
# 100 documents per task (Docs/runs/memory/calibration-s44/commands.sh), fitted by rmt-tool calibrate
# --by-question-form, which rewrites only config.json's rmt.answer_temperatures (the weights byte for
# byte as exported).
E=${EXPORT:-Models/default}
N=${NOISE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rmt/noise}
mkdir -p "$OUT/calibration"
fit() {  # fit SEGMENTS TASKS
    [ -s "$OUT/calibration/fit-valid-$1.jsonl" ] || "$BIN/rmt-train" eval --model "$E" --noise "$N/fiction/valid" "$N/reference/valid" \
        --seed 5 --adversarial-rate 0.1 --batch-size 8 --task "$2" --segments "$1" --samples 100 \
        --predictions "$OUT/calibration/fit-valid-$1.jsonl" --json > "$OUT/calibration/fit-valid-$1.out"
}
fit 4 babi-qa2,babi-qa3,reasoning,unknown,memorize-distract,babi-qa1
fit 16 babi-qa2,babi-qa3,reasoning,unknown,memorize-distract,babi-qa1
fit 64 babi-qa3,babi-qa2,reasoning
"$BIN/rmt-tool" calibrate "$E" --predictions "$OUT/calibration/fit-valid-4.jsonl" --predictions "$OUT/calibration/fit-valid-16.jsonl" \
    --predictions "$OUT/calibration/fit-valid-64.jsonl" --by-question-form --out "$E"
