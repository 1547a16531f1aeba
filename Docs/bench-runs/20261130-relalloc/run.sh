#!/bin/bash
# Position-scheme cost before and after the per-segment allocations were removed: each cell is an
# in-process A/B against absolute positions (`rmt-tool bench --against-absolute`, small model,
# T = 512; inference: one segment step, 15 pairs; training: batch 1 × 2 segments, full BPTT +
# AdamW, 4 pairs — batch 1 rather than the earlier 2 to fit the rounds into the time there was).
# Rounds: ROUNDS, default "1 2 3" (results.txt has rounds 1–3, results-rounds4-5.txt 4 and 5).
# In each round every scheme runs on the binary from before the change and on the one after,
# back to back, their order swapped from round to round, so load changes hit both.
# BEFORE: a copy of .build/release/rmt-tool built at 6810768; AFTER: this branch's build (dc63ee5).
# Usage: [ROUNDS="4 5"] run.sh BEFORE AFTER [SCHEMES] > results.txt
before=$1 after=$2
schemes=${3:-"none alibi kerple_log kerple_power t5 fire cope dape alibi@log_n"}
for round in ${ROUNDS:-1 2 3}; do
  bins="before after"; [ $((round % 2)) -eq 0 ] && bins="after before"
  for p in $schemes; do
    scheme=${p%@*} temp=()
    [ "$scheme" = "$p" ] || temp=(--position-temperature "${p#*@}")
    for which in $bins; do
      tool=$before; [ $which = after ] && tool=$after
      echo "round $round $which $p $(uptime | sed 's/.*load/load/')"
      nice -n 5 "$tool" bench --against-absolute --position "$scheme" "${temp[@]}" --steps 15 --warmup 2
      nice -n 5 "$tool" bench --against-absolute --train --batch 1 --segments 2 --position "$scheme" "${temp[@]}" --steps 4
    done
  done
done
