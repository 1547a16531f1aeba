#!/usr/bin/env bash
# Interleaved: encoder small under each OPENBLAS_CORETYPE, 8 rounds, training paused.
pids=$(pgrep -f "bin-s23/rmt-train" | tr '\n' ' ')
trap 'kill -CONT $pids' EXIT
kill -STOP $pids; sleep 3
B=/work/main/.build/release
for r in 1 2 3 4 5 6 7 8; do
  for core in unset Haswell Prescott SkylakeX; do
    if [ $core = unset ]; then e=(env -u OPENBLAS_CORETYPE); else e=(env OPENBLAS_CORETYPE=$core); fi
    ms=$("${e[@]}" $B/rmt-tool bench --config small --segments 40 --warmup 3 2>/dev/null | tail -1 | python3 -c "import json,sys; print(json.load(sys.stdin)['ms_per_segment'])")
    echo "$r $core $ms"
  done
done
