#!/usr/bin/env bash
# Experiment 1 of issue 11 (Docs/position-encodings.md, "Experiment 1"): one segment, train
# short / test long. A tiny encoder (--preset tiny: 2 layers × 128, 2 heads, 2 memory slots) per
# position task, scheme and seed is trained on that task (Docs/tasks.md) with segments of
# TRAIN_LENGTH tokens, then evaluated with one segment of 1×, 2×, 4×, 8× and 16× that length
# (documents of k training segments re-split into one: rmt-train eval --segments k
# --segment-length k·TRAIN_LENGTH). TRAIN_LENGTH may be a range LO-HI (the plan's 16-64): the
# model's segment length is then HI, every batch draws its length from LO…HI (rmt-train
# --data-segment-length LO-HI), and EVAL_BASE (required then) sets the evaluation lengths
# EVAL_BASE·k, k = 1 2 4 8 16 (documents made for k segments of EVAL_BASE tokens, read as one:
# rmt-train eval --data-segment-length EVAL_BASE); run folders and results of a range go to
# …-trainLO-HI folders. The absolute model is read beyond its length with
# --interpolate-positions (the "absolute + interpolation" baseline). One model per task, not a
# mixture: measured, a 5-task mixture stayed at chance for 800 steps where flip-flop alone
# reached 0.70 in 200 (Docs/position-encodings.md).
#
# Resumable and incremental: each (task, scheme, seed) writes RESULTS/NAME/{metrics.jsonl,eval.jsonl}
# when it finishes and is skipped when eval.jsonl exists; an interrupted training run continues
# with --resume. Run folders (models, checkpoints) go to RUNS and are not committed.
#   Scripts/position-experiment1.sh                 # everything, seed 1 of every scheme first
#   TASKS="counting" SCHEMES="cope alibi" SEEDS=1 STEPS=300 Scripts/position-experiment1.sh
#   TRAIN_LENGTH=16-64 EVAL_BASE=32 Scripts/position-experiment1.sh   # train on 16–64, test at 32…512
#   PRESET=small TASKS=passkey RESULTS=… Scripts/position-experiment1.sh  # 4 layers × 256, 4 heads
#   BASE_MODEL=~/.cache/rmt/all-MiniLM-L6-v2 LR=1e-4 STEPS=400 TASKS=needle RESULTS=… Scripts/position-experiment1.sh
#     # every scheme from pretrained MiniLM (rmt-train --model DIR --position SCHEME: its weights kept)
#   POSITION_LR=1e-2 …  # the relative schemes' position tensors at their own rate (rmt-train --position-lr)
#   SCHEMES="t5@attention" BASE_MODEL=… # T5 with its biases from the base model's attention (rmt-train --position-init attention)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release}
TRAIN_LENGTH=${TRAIN_LENGTH:-32}
if [[ "$TRAIN_LENGTH" =~ ^([0-9]+)-([0-9]+)$ ]]; then       # a range LO-HI
  MODEL_LENGTH=${BASH_REMATCH[2]}
  DATA_LENGTH=(--data-segment-length "$TRAIN_LENGTH")
  SUFFIX="-train$TRAIN_LENGTH"
  if [ -z "${EVAL_BASE:-}" ]; then echo "position-experiment1.sh: TRAIN_LENGTH=$TRAIN_LENGTH is a range; give EVAL_BASE (e.g. 32)" >&2; exit 2; fi
elif [[ "$TRAIN_LENGTH" =~ ^[0-9]+$ ]]; then
  MODEL_LENGTH=$TRAIN_LENGTH
  DATA_LENGTH=()
  SUFFIX=""
else
  echo "position-experiment1.sh: TRAIN_LENGTH must be N or LO-HI, got \"$TRAIN_LENGTH\"" >&2; exit 2
fi
EVAL_BASE=${EVAL_BASE:-$TRAIN_LENGTH}
[[ "$EVAL_BASE" =~ ^[0-9]+$ ]] || { echo "position-experiment1.sh: EVAL_BASE must be a number, got \"$EVAL_BASE\"" >&2; exit 2; }
EVAL_DATA=()   # evaluation documents made for EVAL_BASE-token segments when that is not the model's length
if [ "$EVAL_BASE" != "$MODEL_LENGTH" ]; then EVAL_DATA=(--data-segment-length "$EVAL_BASE"); fi
RUNS=${RUNS:-runs/position-exp1$SUFFIX}
RESULTS=${RESULTS:-Docs/runs/position/exp1$SUFFIX}
SCHEMES=${SCHEMES:-"alibi absolute cope none kerple_log fire t5 dape kerple_power alibi+log_n"}
SEEDS=${SEEDS:-"1 2"}
TASKS=${TASKS:-"counting flip-flop passkey even-pairs"}   # one model per task (as run: two tasks per process, in parallel)
STEPS=${STEPS:-600}
BASE_MODEL=${BASE_MODEL:-}   # a pretrained absolute-position model folder to start every scheme from instead of a new --preset one
PRESET=${PRESET:-tiny}   # the model size (rmt-train --preset): tiny = 2 × 128, 2 heads; small = 4 × 256, 4 heads
BATCH=${BATCH:-16}
LR=${LR:-1e-3}
POSITION_LR=${POSITION_LR:-}   # empty = LR for every tensor; set: rmt-train --position-lr for the relative schemes
EVAL_SAMPLES=${EVAL_SAMPLES:-200}
EVAL_SEED=${EVAL_SEED:-1000}   # the same evaluation documents for every scheme and seed
VOCAB=${VOCAB:-Fixtures/tokenizer/vocab.txt}
NICE=${NICE:-nice -n 5}
mkdir -p "$RUNS" "$RESULTS"

for seed in $SEEDS; do
 for task in $TASKS; do
  for scheme in $SCHEMES; do
    name="$task-${scheme//[+@]/-}-s$seed"
    result="$RESULTS/$name"
    if [ -f "$result/eval.jsonl" ]; then echo "== $name: done, skipped"; continue; fi
    mkdir -p "$result"
    position=(--position "${scheme%%[+@]*}")
    if [[ "$scheme" == *+* ]]; then position+=(--position-temperature "${scheme#*+}"); fi
    if [[ "$scheme" == *@* ]]; then init=${scheme#*@}; position+=(--position-init "${init%%+*}"); fi
    if [ -n "$POSITION_LR" ] && [ "$scheme" != absolute ]; then position+=(--position-lr "$POSITION_LR"); fi
    run="$RUNS/$name"
    if [ -n "$BASE_MODEL" ]; then base=(--model "$BASE_MODEL"); else base=(--preset "$PRESET" --vocab "$VOCAB"); fi
    train=("${base[@]}" "${position[@]}" --segment-length "$MODEL_LENGTH" "${DATA_LENGTH[@]}" --memory-tokens 2
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
        --segments "$k" --segment-length $((k * EVAL_BASE)) "${EVAL_DATA[@]}" --samples "$EVAL_SAMPLES" --batch-size 16 \
        "${interpolate[@]}" --precision fp32 --json >> "$result/eval.jsonl.tmp"
    done
    mv "$result/eval.jsonl.tmp" "$result/eval.jsonl"
    echo "{\"name\":\"$name\",\"train_seconds\":$((trained - start)),\"eval_seconds\":$(( $(date +%s) - trained ))}" > "$result/timing.json"
    echo "== $name: trained in $((trained - start)) s, evaluated in $(( $(date +%s) - trained )) s"
  done
 done
done
