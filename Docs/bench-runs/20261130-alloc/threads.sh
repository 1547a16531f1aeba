#!/usr/bin/env bash
# No idle spinning: CPU ms per segment with 1 worker (RMT_THREADS=1, no pool) and with 2 (the
# pool), interleaved. A pool that spun or sleep-polled would add CPU time at 2 workers.
# Usage: threads.sh RMT_TOOL ROUNDS OUTDIR
set -euo pipefail
tool=$1 rounds=$2 out=$3
minilm=${RMT_MINILM_DIR:-$HOME/.cache/rmt/all-MiniLM-L6-v2}
for r in $(seq "$rounds"); do
    for t in 1 2; do
        RMT_THREADS=$t "$tool" bench --config small --warmup 2 --segments 10 >> "$out/threads-small-$t.jsonl"
        RMT_THREADS=$t "$tool" bench --model "$minilm" --warmup 1 --segments 4 >> "$out/threads-minilm-$t.jsonl"
    done
done
