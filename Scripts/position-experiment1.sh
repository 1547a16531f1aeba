#!/usr/bin/env bash
# Experiment 1 of issue 11 (Docs/position-encodings.md, "Experiment 1"): one segment, train
# short / test long. A tiny encoder (--preset tiny: 2 layers × 128, 2 heads, 2 memory slots) per
# position task, scheme and seed is trained on that task (Docs/tasks.md) with segments of
# TRAIN_LENGTH tokens, then evaluated with one segment of 1×, 2×, 4×, 8× and 16× that length
# (documents of k training segments re-split into one: rmt-train eval --segments k
# --segment-length k·TRAIN_LENGTH). The absolute model is read beyond its length with
# --interpolate-positions (the "absolute + interpolation" baseline). One model per task, not a
# mixture: measured, a 5-task mixture stayed at chance for 800 steps where flip-flop alone
# reached 0.70 in 200 (Docs/position-encodings.md).
#
# Resumable and incremental: each (task, scheme, seed) writes RESULTS/NAME/{metrics.jsonl,eval.jsonl}
# when it finishes and is skipped when eval.jsonl exists; an interrupted training run continues
# with --resume. Run folders (models, checkpoints) go to RUNS and are not committed.
#   Scripts/position-experiment1.sh                 # everything, seed 1 of every scheme first
#   TASKS="counting" SCHEMES="cope alibi" SEEDS=1 STEPS=300 Scripts/position-experiment1.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release}
RUNS=${RUNS:-runs/position-exp1}
RESULTS=${RESULTS:-Docs/runs/position/exp1}
SCHEMES=${SCHEMES:-"alibi absolute cope none kerple_log fire t5 dape kerple_power alibi+log_n"}
SEEDS=${SEEDS:-"1 2"}
TASKS=${TASKS:-"counting flip-flop passkey even-pairs"}   # one model per task (as run: two tasks per process, in parallel)
TRAIN_LENGTH=${TRAIN_LENGTH:-32}
STEPS=${STEPS:-600}
BATCH=${BATCH:-16}
LR=${LR:-1e-3}
EVAL_SAMPLES=${EVAL_SAMPLES:-200}
EVAL_SEED=${EVAL_SEED:-1000}   # the same evaluation documents for every scheme and seed
VOCAB=${VOCAB:-Fixtures/tokenizer/vocab.txt}
NICE=${NICE:-nice -n 5}
mkdir -p "$RUNS" "$RESULTS"

for seed in $SEEDS; do
 for task in $TASKS; do
  for scheme in $SCHEMES; do
    name="$task-${scheme/+/-}-s$seed"
    result="$RESULTS/$name"
    if [ -f "$result/eval.jsonl" ]; then echo "== $name: done, skipped"; continue; fi
    mkdir -p "$result"
    position=(--position "${scheme%%+*}")
    if [[ "$scheme" == *+* ]]; then position+=(--position-temperature "${scheme#*+}"); fi
    run="$RUNS/$name"
    train=(--preset tiny --vocab "$VOCAB" "${position[@]}" --segment-length "$TRAIN_LENGTH" --memory-tokens 2
           --task "$task" --seed "$seed" --start-segments 1 --max-segments 1 --max-steps-per-stage "$STEPS"
           --eval-every 100 --eval-samples 300 --patience 1000 --target-accuracy 1 --batch-size "$BATCH"
           --lr "$LR" --warmup 50 --out "$run")
    start=$(date +%s)
    if [ -f "$run/checkpoint/trainer-state.json" ] && [ ! -d "$run/model" ]; then
      echo "== $name: resuming"; $NICE "$BIN/rmt-train" "${train[@]}" --resume
    elif [ ! -d "$run/model" ]; then
      echo "== $name: training"; $NICE "$BIN/rmt-train" "${train[@]}" --overwrite
    fi
    # Every validation line and every 20th step (the full file is in the run folder).
    grep -E '"eval_accuracy"|"step":[0-9]*[02468]0[,}]' "$run/metrics.jsonl" > "$result/metrics.jsonl"
    trained=$(date +%s)
    interpolate=()
    if [ "$scheme" = absolute ]; then interpolate=(--interpolate-positions); fi
    : > "$result/eval.jsonl.tmp"
    for k in 1 2 4 8 16; do
      $NICE "$BIN/rmt-train" eval --model "$run/model" --task "$task" --seed "$EVAL_SEED" \
        --segments "$k" --segment-length $((k * TRAIN_LENGTH)) --samples "$EVAL_SAMPLES" --batch-size 16 \
        "${interpolate[@]}" --json >> "$result/eval.jsonl.tmp"
    done
    mv "$result/eval.jsonl.tmp" "$result/eval.jsonl"
    echo "{\"name\":\"$name\",\"train_seconds\":$((trained - start)),\"eval_seconds\":$(( $(date +%s) - trained ))}" > "$result/timing.json"
    echo "== $name: trained in $((trained - start)) s, evaluated in $(( $(date +%s) - trained )) s"
  done
 done
done
