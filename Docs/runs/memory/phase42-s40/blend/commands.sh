#!/usr/bin/env bash
# Session 40: phase 39 rerun (OUT=/work/runs/memory PHASES=39 Scripts/train-memory.sh, one thread), its
# checkpoint models at steps 1,000 and 1,500 copied out, each blended half-and-half with the default and
# judged held out at 16 segments (qa3, 200 documents; the six single-fact tasks, 50 each).
set -euo pipefail
cd "$(dirname "$0")/../../../../.."
for step in 1000 1500; do
  .build/release/rmt-tool blend Models/default /work/runs/p39-$step --weight 0.5 --out /work/runs/blends/b39-$step-w50
  OUT_DIR=Docs/runs/memory/phase42-s40/blend SETS="qa3-16-200 memory-16" BIN=/work/bin-s40 \
    Docs/runs/memory/objprobe-s34/judge.sh b39-$step-w50 /work/runs/blends/b39-$step-w50
done
