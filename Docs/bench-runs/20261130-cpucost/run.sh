#!/bin/bash
# Position-scheme cost per training step in CPU time (issue 11's "distance-bias schemes ≤ 10 % over
# absolute per training step"): `rmt-tool bench --against-absolute --train`, small model, T = 512
# (10 memory + 499 text + 3), batch 1 × 2 segments, full BPTT + clipping + AdamW, PAIRS pairs per
# run, the two models stepping alternately in one process. Each line reports the wall-time and
# the CPU-time medians and overheads (CPU time of the whole process: the workers park rather than
# spin, so it is work done; a loaded machine inflates it far less than wall time). Also one
# inference A/B per scheme (one segment step, 15 pairs). The scheme order rotates per round.
# Usage: [ROUNDS="1 2 3"] [PAIRS=8] run.sh RMT-TOOL [SCHEMES] > results.txt
tool=$1
schemes=(${2:-none alibi kerple_log kerple_power t5 fire cope dape alibi@log_n})
pairs=${PAIRS:-8}
for round in ${ROUNDS:-1 2 3}; do
  n=${#schemes[@]}
  for ((i = 0; i < n; i++)); do
    p=${schemes[$(( (i + round) % n ))]}
    scheme=${p%@*} temp=()
    [ "$scheme" = "$p" ] || temp=(--position-temperature "${p#*@}")
    echo "round $round $p $(uptime | sed 's/.*load/load/')"
    "$tool" bench --against-absolute --position "$scheme" "${temp[@]}" --steps 15 --warmup 2
    "$tool" bench --against-absolute --train --batch 1 --segments 2 --position "$scheme" "${temp[@]}" --steps "$pairs"
  done
done
