#!/usr/bin/env bash
# qa2-ab.sh — the held-out qa2 A/B protocol of Docs/results.md and Docs/associative-memory.md:
# one model's answers to the same 200 qa2 documents per length, for pairing with another's.
#
#   Scripts/qa2-ab.sh MODEL NAME OUTDIR "2 4 7" [--cross-segment] [--hidden-question | --decoy-question]
#   Scripts/qa2-errors.py --predictions OUTDIR/NAME-seg4.jsonl --against OUTDIR/OTHER-seg4.jsonl
#
# Documents: babi-qa2, technical writing never used in training (NOISE, default
# ~/.cache/rmt/noise/technical/eval from Scripts/fetch-noise.sh), seed 1, 10% adversarial
# sentences, 200 documents per segment count, batch 8, one thread, fp32 (`--precision fp32`: the
# same arithmetic as every committed A/B, whatever `auto` picks on this CPU). --cross-segment places each
# document's two supporting facts in different segments (rmt-train eval --cross-segment): the
# answers that need the memory only; --hidden-question hides the question from every segment but
# the last (rmt-train eval --hidden-question), --decoy-question shows them a decoy of the question
# (rmt-train eval --decoy-question). Writes OUTDIR/NAME-segS.json (the accuracy line) and
# NAME-segS.jsonl (one prediction per document, atomically: a .tmp renamed when the length is
# done); a length already written is skipped, so a stopped run continues where it was.
# BIN: the folder holding rmt-train (default: the release build). READ=N: the model reads the
# documents (made, as always, for 499-token segments) with segments of N tokens (rmt-train eval
# --segment-length N --data-segment-length 499), e.g. a model whose larger memory left it 489:
# the same documents as every other A/B, so the answers pair.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: Scripts/qa2-ab.sh MODEL NAME OUTDIR \"SEGMENTS…\" [--cross-segment] [--hidden-question | --decoy-question]" >&2; exit 2; }
MODEL=$1; NAME=$2; OUTDIR=$3; LENGTHS=$4; shift 4
EXTRA=()
for a in "$@"; do
    case "$a" in --cross-segment | --hidden-question | --decoy-question) EXTRA+=("$a") ;; *) echo "qa2-ab.sh: unknown option $a" >&2; exit 2 ;; esac
done
cd "$(dirname "$0")/.."
BIN=${BIN:-$(swift build -c release --show-bin-path)}
[ -x "$BIN/rmt-train" ] || { echo "qa2-ab.sh: no rmt-train in $BIN (build it, or give BIN)" >&2; exit 1; }
NOISE=${NOISE:-${XDG_CACHE_HOME:-$HOME/.cache}/rmt/noise/technical/eval}
[ -d "$NOISE" ] || { echo "qa2-ab.sh: no noise folder $NOISE (Scripts/fetch-noise.sh, or give NOISE)" >&2; exit 1; }
mkdir -p "$OUTDIR"
if [ -n "${READ:-}" ]; then EXTRA+=(--segment-length "$READ" --data-segment-length 499); fi
for S in $LENGTHS; do
    out="$OUTDIR/$NAME-seg$S"
    [ -f "$out.jsonl" ] && continue
    RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 "$BIN/rmt-train" eval --model "$MODEL" --task babi-qa2 --seed 1 --adversarial-rate 0.1 \
        --noise "$NOISE" --segments "$S" --samples 200 --batch-size 8 --precision fp32 --json "${EXTRA[@]}" --predictions "$out.jsonl.tmp" > "$out.json"
    mv "$out.jsonl.tmp" "$out.jsonl"
    echo "$(date -u +%H:%M) $NAME: $S segments done ($(cut -c1-40 "$out.json"))"
done
