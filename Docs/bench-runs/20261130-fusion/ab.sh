#!/bin/bash
# Interleaved A/B of whole-encoder segments: before (branch base), after (fused), after with RMT_FUSED=0.
# usage: ab.sh CONFIG ROUNDS SEGMENTS OUTFILE
config=$1; rounds=$2; segs=$3; out=$4
: > "$out"
for r in $(seq 1 "$rounds"); do
  for v in before after unfused; do
    case $v in
      before) cmd="/tmp/rmt-tool-before";;
      after) cmd="/tmp/rmt-tool-after";;
      unfused) cmd="env RMT_FUSED=0 /tmp/rmt-tool-after";;
    esac
    load=$(cut -d' ' -f1 /proc/loadavg)
    line=$($cmd bench --config "$config" --segments "$segs" --warmup 2)
    echo "{\"round\": $r, \"variant\": \"$v\", \"load\": $load, \"result\": $line}" >> "$out"
  done
done
