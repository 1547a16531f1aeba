#!/usr/bin/env bash
# train-small-memorize.sh — how Models/small-memorize was trained (Docs/results.md,
# "Models/small-memorize"), resumable. It was the shipped default model until the question-aware
# MiniLM model replaced it (Scripts/train-default.sh); it stays as the fast alternative
# (`rmt-ask --model Models/small-memorize`).
#
# Phase 1: a random `small` RMT (4 layers × 256, MiniLM's uncased vocabulary), memorize +
#          detect, curriculum from 1 segment, lr 5e-4. The original run used --max-segments 7
#          and diverged in stage 6 (loss spikes, grad norm 80 at lr 5e-4); its 5-segment model
#          (100% at step 450) was kept. --max-segments 5 stops this script's run right there.
# Phase 2: from that model, lr 1e-4, curriculum 5 → 7 segments, target 99%.
# Then:    export as float16 into Models/small-memorize.
# Noise: ../shared/corpus/train (five novels); validation: ../shared/corpus/valid (Persuasion).
# Each phase resumes if its folder has a checkpoint (Ctrl-C safe). About 40 minutes on 2 cores.
# The kernels gained AVX-512 row kernels between the two original phases, so a rerun gives a
# close, not bit-identical, loss curve.
set -euo pipefail
cd "$(dirname "$0")/.."
unset OPENBLAS_CORETYPE
OUT=${OUT:-runs/small-memorize}
CORPUS=${CORPUS:-../shared/corpus}
swift build -c release --product rmt-train >&2
swift build -c release --product rmt-tool >&2
BIN=$(swift build -c release --show-bin-path)

phase() {  # phase DIR INIT INIT_VALUE ARGS...: start from INIT (--preset/--model), or resume
    local dir=$1 init=$2 value=$3; shift 3
    if [ -f "$dir/model/config.json" ]; then return 0; fi
    # A checkpoint, or one moved aside by a kill between its two renames: resume (the same
    # command with --resume). Otherwise start, replacing whatever a kill before the first
    # checkpoint left.
    if [ -f "$dir/checkpoint/trainer-state.json" ] || compgen -G "$dir/.checkpoint.old-*" > /dev/null; then
        "$BIN/rmt-train" "$init" "$value" --out "$dir" "$@" --noise "$CORPUS/train" --eval-noise "$CORPUS/valid" --resume
    else
        "$BIN/rmt-train" "$init" "$value" --out "$dir" "$@" --noise "$CORPUS/train" --eval-noise "$CORPUS/valid" --overwrite
    fi
}

phase "$OUT/phase1" --preset small --task memorize,detect --seed 3 --start-segments 1 --max-segments 5 \
    --lr 5e-4 --warmup 50 --eval-every 50 --eval-samples 96 --patience 4 --max-steps-per-stage 600 \
    --target-accuracy 0.98 --batch-size 8
phase "$OUT/phase2" --model "$OUT/phase1/model" --task memorize,detect --seed 5 --start-segments 5 --max-segments 7 \
    --lr 1e-4 --warmup 20 --eval-every 50 --eval-samples 96 --patience 4 --max-steps-per-stage 400 \
    --target-accuracy 0.99 --batch-size 8
"$BIN/rmt-tool" export "$OUT/phase2/model" --out "${EXPORT:-Models/small-memorize}" --float16 \
    --metadata "trained_by=rmt-train (Docs/results.md)" --metadata "tasks=memorize,detect" \
    --metadata "curriculum=1-7 segments"
