#!/usr/bin/env bash
# keep-run.sh RUN KEPT — keeps a long training run resumable across a machine change.
#
# Run folders live outside the checkout (e.g. /work/runs), and a replaced machine loses them: in
# session 14 phase 7's finished model went that way. What usually survives is the checkout's untracked,
# not-ignored files — not always: session 60 began in a new checkout that held none of them, and every
# kept run of sessions 45-59 (phase 82's step-100 model, the best held-out so far, among them) was lost.
# Only a commit is sure: commit a model that is worth more than its bytes (Docs/runs/memory/).
# This mirrors RUN (an `rmt-train --out` folder) into KEPT (e.g. kept-runs/phase7-run) every time
# its checkpoint or final model changes: `checkpoint/` whole (weights, optimizer, the stage's best —
# what --resume needs), metrics.jsonl, data.json,
# commands.txt, and float16 copies of `stages/N/` and `model/` (rmt-tool export; a finished stage
# already kept is carried over, not exported again). A failed copy keeps the last state. Each copy is
# built beside KEPT and swapped in, so KEPT is always one whole state. Polls every 120 s; run it in
# the background beside the training (nice -n 19) and kill it when the run ends.
# To resume on a new machine: cp -a KEPT RUN (the float16 stage copies stand in for the fp32
# ones), then the run's own command with --resume.
# BIN: the folder holding rmt-tool (default: the release build).
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: Scripts/keep-run.sh RUN KEPT" >&2; exit 2; }
RUN=$1; KEPT=$2
BIN=${BIN:-$(cd "$(dirname "$0")/.." && swift build -c release --show-bin-path)}
[ -x "$BIN/rmt-tool" ] || { echo "keep-run.sh: no rmt-tool in $BIN (build it, or give BIN)" >&2; exit 1; }
last=""
while true; do
  stamp="$(stat -c %Y "$RUN/checkpoint/trainer-state.json" 2>/dev/null)-$(stat -c %Y "$RUN/model/config.json" 2>/dev/null)"
  if [ "$stamp" != "-" ] && [ "$stamp" != "$last" ]; then
    sleep 20   # a checkpoint is written file by file, then renamed into place: let it finish
    rm -rf "$KEPT.tmp"; mkdir -p "$KEPT.tmp"
    ok=1
    for f in checkpoint metrics.jsonl data.json commands.txt; do
      [ -e "$RUN/$f" ] || continue
      cp -a "$RUN/$f" "$KEPT.tmp/" || ok=0
    done
    for d in "$RUN"/stages/* "$RUN"/model; do
      [ -f "$d/config.json" ] && [ "$ok" = 1 ] || continue
      rel=${d#"$RUN"/}; mkdir -p "$KEPT.tmp/$(dirname "$rel")"
      if [ -f "$KEPT/$rel/model.safetensors" ] && [ "$d/model.safetensors" -ot "$KEPT/$rel/model.safetensors" ]; then
        cp -a "$KEPT/$rel" "$KEPT.tmp/$rel" || ok=0   # a finished stage: its float16 copy is already kept
      else
        "$BIN/rmt-tool" export "$d" --out "$KEPT.tmp/$rel" --float16 > /dev/null || ok=0
      fi
    done
    if [ "$ok" = 1 ]; then  # swap in only a whole state; otherwise keep the last one and try again
      rm -rf "$KEPT.old"; [ -d "$KEPT" ] && mv "$KEPT" "$KEPT.old"; mv "$KEPT.tmp" "$KEPT"; rm -rf "$KEPT.old"
      last=$stamp
      echo "$(date -u +%FT%TZ) kept $RUN ($(grep -o '"step" : [0-9]*' "$RUN/checkpoint/trainer-state.json" 2>/dev/null || echo final))"
    else
      rm -rf "$KEPT.tmp"; echo "keep-run.sh: copying $RUN failed; $KEPT still holds the last whole state" >&2
    fi
  fi
  sleep 120
done
