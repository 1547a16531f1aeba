#!/usr/bin/env bash
# twice.sh TASK SEGS N MODEL OUTFILE: rmt-ask each document once and twice over (the text read again
# right after itself), one JSON line per document: index, answer, once, twice
set -euo pipefail
task=$1 segs=$2 n=$3 model=$4 out=$5
dir=/work/runs/twice/$task
: > "$out.tmp"
python3 - "$dir/../$task-$segs-$n.jsonl" > "$dir/../$task-questions.tsv" <<'PY'
import json,sys
for l in open(sys.argv[1]):
    r=json.loads(l); print(f"{r['index']}\t{r['answer']}\t{r['question']}")
PY
while IFS=$'\t' read -r i answer q; do
  f=$dir/babi-$task-$segs-$i.txt
  once=$(RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 /work/bin-s40/rmt-ask "$f" -q "$q" --model "$model" --json --quiet | python3 -c "import json,sys;print(json.load(sys.stdin)['answer'])")
  twice=$(cat "$f" <(printf '\n\n') "$f" | RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 /work/bin-s40/rmt-ask - -q "$q" --model "$model" --json --quiet | python3 -c "import json,sys;print(json.load(sys.stdin)['answer'])")
  echo "{\"index\": $i, \"answer\": \"$answer\", \"once\": \"$once\", \"twice\": \"$twice\"}" >> "$out.tmp"
done < "$dir/../$task-questions.tsv"
mv "$out.tmp" "$out"
