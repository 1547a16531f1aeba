#!/usr/bin/env bash
# table.sh NAME...: each set judge.sh wrote for each NAME (its predictions in this folder), right /
# documents by Scripts/qa2-errors.py (of a probe set: its object probes) and, for every NAME but the
# first, paired against the first (exact McNemar; of a probe set: all its probes); a probe set's
# person probes by Scripts/probe-report.py; the sets of other tasks by Scripts/paired-compare.py.
here=$(cd "$(dirname "$0")" && pwd); S=$here/../../../../Scripts; base=$1
for set in probe-4 qa2-cross-4 qa2-16 qa2-16-200; do
  echo "### $set"
  for m in "$@"; do
    f=$here/$m-$set.jsonl; [ -s "$f" ] || continue
    against=(); [ "$m" != "$base" ] && [ -s "$here/$base-$set.jsonl" ] && against=(--against "$here/$base-$set.jsonl")
    out=$(python3 "$S/qa2-errors.py" --predictions "$f" "${against[@]}")
    pair=""; [ ${#against[@]} -gt 0 ] && pair=$(tail -1 <<< "$out")
    [ "$set" = probe-4 ] && pair=${pair:+all probes paired: $pair}
    echo "$m: ${set/probe-4/object probes}: $(head -1 <<< "$out") $pair"
    [ "$set" = probe-4 ] && python3 "$S/probe-report.py" "$f" | tail -1 | cut -d'|' -f3- | sed "s/^/$m: person probes (probes, right, final segment, memory, memory wrong: earlier room, final-segment room, unknown, other): |/"
  done
done
for set in qa3-16-200 reasoning-16-200 memory-16; do  # any task: Scripts/paired-compare.py, each NAME against the first
  [ -s "$here/$base-$set.jsonl" ] || continue
  echo "### $set"
  for m in "${@:2}"; do
    [ -s "$here/$m-$set.jsonl" ] && { echo "$m against $base:"; python3 "$S/paired-compare.py" "$here/$m-$set.jsonl" "$here/$base-$set.jsonl"; }
  done
done
