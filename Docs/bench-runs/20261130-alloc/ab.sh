#!/usr/bin/env bash
# Before/after of the fused attention's P·V reading the probability rows in place (micro_rows)
# on MiniLM's shapes (6×384, 12 heads of 32, FFN 1536, 512 positions): two rmt-tool builds,
# interleaved round by round; CPU time (all threads). Usage: ab.sh BEFORE AFTER ROUNDS OUTDIR
set -euo pipefail
before=$1 after=$2 rounds=$3 out=$4
minilm=${RMT_MINILM_DIR:-$HOME/.cache/rmt/all-MiniLM-L6-v2}
mkdir -p "$out"
uptime > "$out/load-start.txt"
for r in $(seq "$rounds"); do
    for v in before after; do
        bin=$before; [ "$v" = after ] && bin=$after
        "$bin" bench --model "$minilm" --warmup 2 --segments 6 >> "$out/bench-minilm-$v.jsonl"
        "$bin" profile --model "$minilm" --cpu-time --repeats 9 > "$out/profile-minilm-$v-r$r.txt"
        "$bin" bench --config small --warmup 2 --segments 10 >> "$out/bench-small-$v.jsonl"
    done
done
uptime > "$out/load-end.txt"
