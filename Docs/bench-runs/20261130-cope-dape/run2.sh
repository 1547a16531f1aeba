#!/bin/bash
# CoPE after the pointer rewrite of its row loops: three rounds, inference then training.
cd /work/wt-cope
for round in 1 2 3; do
  echo "round $round $(uptime | sed 's/.*load/load/')"
  .build/release/rmt-tool bench --against-absolute --position cope --steps 15 --warmup 2
  .build/release/rmt-tool bench --against-absolute --train --batch 2 --segments 2 --position cope --steps 5
done
