#!/usr/bin/env bash
# Experiment 2 of issue 11 (Docs/position-encodings.md, "Experiment 2"): RMT segment-length
# extrapolation. A tiny RMT (--preset tiny: 2 layers × 128, 2 heads, 10 memory slots) per scheme
# and seed is trained from scratch on the mixture memorize, detect, babi-qa1 (Docs/tasks.md) with
# segments of TRAIN_LENGTH document tokens and the curriculum START_SEGMENTS → MAX_SEGMENTS, then
# the same evaluation documents (EVAL_SEGMENTS segments of TRAIN_LENGTH each) are re-split and read
# with segments of ½×, 1×, 2× and 4× TRAIN_LENGTH (rmt-train eval --segment-length), each task on
# its own. The absolute model reads ½× and 1× as it is; at 2× and 4× it must refuse (its one-line
# error is kept in refused.txt, and the script stops if it does not refuse) and is then read with
# --interpolate-positions (the "absolute + interpolation" baseline).
#
# Resumable and incremental: each (scheme, seed) writes RESULTS/NAME/{metrics.jsonl,eval.jsonl,
# timing.json} when it finishes and is skipped when eval.jsonl exists; an interrupted training run
# continues with --resume. Run folders (models, checkpoints) go to RUNS and are not committed.
#   Scripts/position-experiment2.sh                       # every scheme, seed 1
#   SCHEMES="alibi fire" SEEDS=2 Scripts/position-experiment2.sh
# Two processes may share the work: give each its own SCHEMES (RMT_THREADS=1 each on 2 cores).
# More steps for models already trained (the lever when a task is not learned): MODEL_FROM=RUNS of
# the first pass; each scheme's MODEL_FROM/NAME/model continues (fresh optimizer and warm-up) for
# STEPS steps per stage from START_SEGMENTS, with its own RUNS and RESULTS, e.g.
#   MODEL_FROM=runs/position-exp2 RUNS=runs/position-exp2-longer RESULTS=Docs/runs/position/exp2-longer \
#     START_SEGMENTS=4 STEPS=800 SCHEMES=alibi Scripts/position-experiment2.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release}
RUNS=${RUNS:-runs/position-exp2}
RESULTS=${RESULTS:-Docs/runs/position/exp2}
SCHEMES=${SCHEMES:-"absolute alibi kerple_log fire t5 alibi+log_n cope dape"}
SEEDS=${SEEDS:-1}
TASK=${TASK:-memorize,detect,babi-qa1}   # one model per scheme on the mixture; eval reports each task
TRAIN_LENGTH=${TRAIN_LENGTH:-62}
START_SEGMENTS=${START_SEGMENTS:-2}      # babi-qa1's facts (up to ~65 tokens) need 2 segments of 62
MAX_SEGMENTS=${MAX_SEGMENTS:-4}
STEPS=${STEPS:-400}                      # per curriculum stage
BATCH=${BATCH:-16}
LR=${LR:-1e-3}
EVAL_SEGMENTS=${EVAL_SEGMENTS:-4,8}      # evaluation documents: this many training segments
EVAL_SAMPLES=${EVAL_SAMPLES:-200}        # per task, document size and reading length
EVAL_SEED=${EVAL_SEED:-1000}             # the same evaluation documents for every scheme and seed
VOCAB=${VOCAB:-Fixtures/tokenizer/vocab.txt}
MODEL_FROM=${MODEL_FROM:-}
NICE=${NICE:-nice -n 5}
export RMT_THREADS=${RMT_THREADS:-1}
mkdir -p "$RUNS" "$RESULTS"
S=$TRAIN_LENGTH
SHORTER="$((S / 2)),$S" LONGER="$((2 * S)),$((4 * S))"

for seed in $SEEDS; do
  for scheme in $SCHEMES; do
    name="${scheme/+/-}-s$seed"
    result="$RESULTS/$name"
    if [ -f "$result/eval.jsonl" ]; then echo "== $name: done, skipped"; continue; fi
    mkdir -p "$result"
    position=(--position "${scheme%%+*}")
    if [[ "$scheme" == *+* ]]; then position+=(--position-temperature "${scheme#*+}"); fi
    run="$RUNS/$name"
    if [ -n "$MODEL_FROM" ]; then
      model=(--model "$MODEL_FROM/$name/model")
    else
      model=(--preset tiny --vocab "$VOCAB" "${position[@]}" --segment-length "$S")
    fi
    train=("${model[@]}"
           --task "$TASK" --seed "$seed" --start-segments "$START_SEGMENTS" --max-segments "$MAX_SEGMENTS"
           --max-steps-per-stage "$STEPS" --eval-every 100 --eval-samples 150 --patience 3 --target-accuracy 0.95
           --batch-size "$BATCH" --lr "$LR" --warmup 50 --out "$run")
    start=$(date +%s)
    if [ -f "$run/checkpoint/trainer-state.json" ] && [ ! -d "$run/model" ]; then
      echo "== $name: resuming"; $NICE "$BIN/rmt-train" "${train[@]}" --resume
    elif [ ! -d "$run/model" ]; then
      echo "== $name: training"; $NICE "$BIN/rmt-train" "${train[@]}" --overwrite
    fi
    # Every validation line and every 20th step (the full file is in the run folder).
    grep -E '"eval_accuracy"|"step":[0-9]*[02468]0[,}]' "$run/metrics.jsonl" > "$result/metrics.jsonl"
    trained=$(date +%s)
    evaluate=(eval --model "$run/model" --task "$TASK" --seed "$EVAL_SEED" --segments "$EVAL_SEGMENTS" --precision fp32
              --samples "$EVAL_SAMPLES" --batch-size 16 --json)
    if [ "$scheme" = absolute ]; then
      $NICE "$BIN/rmt-train" "${evaluate[@]}" --segment-length "$SHORTER" > "$result/eval.jsonl.tmp"
      if "$BIN/rmt-train" "${evaluate[@]}" --segment-length "$LONGER" > /dev/null 2> "$result/refused.txt"; then
        echo "== $name: an absolute model read $LONGER without refusing" >&2; exit 1
      fi
      $NICE "$BIN/rmt-train" "${evaluate[@]}" --segment-length "$LONGER" --interpolate-positions >> "$result/eval.jsonl.tmp"
    else
      $NICE "$BIN/rmt-train" "${evaluate[@]}" --segment-length "$SHORTER,$LONGER" > "$result/eval.jsonl.tmp"
    fi
    mv "$result/eval.jsonl.tmp" "$result/eval.jsonl"
    echo "{\"name\":\"$name\",\"train_seconds\":$((trained - start)),\"eval_seconds\":$(( $(date +%s) - trained ))}" > "$result/timing.json"
    echo "== $name: trained in $((trained - start)) s, evaluated in $(( $(date +%s) - trained )) s"
  done
done
