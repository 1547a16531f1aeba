#!/usr/bin/env bash
# table.sh NAME...: the judged sets of each NAME (judge.sh's predictions in this folder), and each
# against the first NAME (paired, exact McNemar): right / documents per set, and the object probes'
# the person probes by probe-report.py (the probe set's other rows).
here=$(cd "$(dirname "$0")" && pwd); S=$here/../../../../Scripts; base=$1
for set in probe-4 qa2-cross-4 qa2-16; do
  echo "### $set"
  for m in "$@"; do
    f=$here/$m-$set.jsonl; [ -s "$f" ] || continue
    line=$(python3 "$S/qa2-errors.py" --predictions "$f" | sed -n 1p)
    pair=""; [ "$m" != "$base" ] && pair=$(python3 "$S/qa2-errors.py" --predictions "$f" --against "$here/$base-$set.jsonl" | tail -1)
    [ "$set" = probe-4 ] && pair=${pair:+all probes paired: $pair}
    echo "$m: ${set/probe-4/object probes}: $line $pair"
    [ "$set" = probe-4 ] && python3 "$S/probe-report.py" "$f" | tail -1 | cut -d'|' -f3- | sed "s/^/$m: person probes (probes, right, final segment, memory, memory wrong: earlier room, final-segment room, unknown, other): |/"
  done
done
