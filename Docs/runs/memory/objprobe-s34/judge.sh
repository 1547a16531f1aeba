#!/usr/bin/env bash
# Held-out judgement of the object probes (phase 37, session 34) against Models/default: technical
# writing (never trained on), seed 1, 10% adversarial sentences, fp32, one thread.
#   judge.sh NAME MODEL   writes NAME-*.jsonl (predictions) and NAME-*.out (rmt-train eval --json)
#   - probes at 4 segments: qa2 and qa3 stories whose final segment asks where another object is
#     (its holder's room; --probe-objects), or another person when no object qualifies — the
#     object rows are read by Scripts/qa2-errors.py --predictions, the person rows by probe-report.py;
#   - qa2 at 16 segments, the first 48 documents (session 32's diag.sh documents);
#   - qa2 at 4 segments with its supporting facts apart (--cross-segment: every answer needs the memory);
#   - qa2 at 16 segments, 200 documents (the first 48 are the set above; session 34 ran it for the default only: 94/200);
#   - (session 36, for phase 38's model as a candidate default) qa3 and reasoning at 16 segments, 200 documents
#     each, and the six memory tasks (memorize, detect, both distractor tasks, unknown, qa1) at 16 segments, 50
#     each — read by Scripts/paired-compare.py (table.sh).
#   - (session 37, for phase 39's volume run at one segment) qa3, qa2 and reasoning at one 499-token segment,
#     200 documents each (hard-1), the same at phase 39's 320-token training segments (hard-1-320), and the six
#     memory tasks at one segment, 50 each (memory-1).
#   - (session 41, for the fine-tunes of phases 43-45) qa3 at 8 segments, 200 documents (qa3-8-200: the
#     length those phases trained at; the default's file is ../phase40-s38/default-qa3-8-200.jsonl).
#   SETS="SET …" runs only those sets (names as above without NAME-: probe-4 qa2-16 qa2-cross-4 qa2-16-200
#   qa3-16-200 reasoning-16-200 memory-16 hard-1 hard-1-320 memory-1 qa3-8-200), in judge.sh's order.
#   BIN=DIR  the rmt-train to use (default: .build/release of the checkout); OUT_DIR (default: here)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=$1 model=$2 out=${OUT_DIR:-$here}
ev() {  # ev SET ARGS...: skip when NAME-SET.jsonl is there (rmt-train writes it atomically at the end)
  local set=$1 file=$name-$1; shift
  [ -s "$out/$file.jsonl" ] && return 0
  [ -n "${SETS:-}" ] && [[ " $SETS " != *" $set "* ]] && return 0
  RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 5 "${BIN:-$here/../../../../.build/release}/rmt-train" eval --model "$model" \
    --noise "$HOME/.cache/rmt/noise/technical/eval" --seed 1 --adversarial-rate 0.1 --batch-size 8 --json \
    --predictions "$out/$file.jsonl" "$@" > "$out/$file.out"
}
ev probe-4 --task babi-qa2,babi-qa3 --segments 4 --samples 200 --probe --probe-objects
ev qa2-16 --task babi-qa2 --segments 16 --samples 48
ev qa2-cross-4 --task babi-qa2 --segments 4 --samples 200 --cross-segment
ev qa2-16-200 --task babi-qa2 --segments 16 --samples 200
ev qa3-16-200 --task babi-qa3 --segments 16 --samples 200
ev reasoning-16-200 --task reasoning --segments 16 --samples 200
ev memory-16 --task memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 --segments 16 --samples 50
ev hard-1 --task babi-qa3,babi-qa2,reasoning --segments 1 --samples 200
ev hard-1-320 --task babi-qa3,babi-qa2,reasoning --segments 1 --samples 200 --data-segment-length 320 --segment-length 320
ev memory-1 --task memorize,detect,memorize-distract,detect-distract,unknown,babi-qa1 --segments 1 --samples 50
ev qa3-8-200 --task babi-qa3 --segments 8 --samples 200
