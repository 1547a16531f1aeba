#!/bin/bash
# Three interleaved rounds: cope and dape alternate, inference then training, each an in-process A/B.
cd /work/wt-cope
for round in 1 2 3; do
  order="cope dape:kerple_log"; [ $((round % 2)) -eq 0 ] && order="dape:kerple_log cope"
  for s in $order; do
    echo "round $round $(uptime | sed 's/.*load/load/')"
    .build/release/rmt-tool bench --against-absolute --position $s --steps 15 --warmup 2
    .build/release/rmt-tool bench --against-absolute --train --batch 2 --segments 2 --position $s --steps 5
  done
done
