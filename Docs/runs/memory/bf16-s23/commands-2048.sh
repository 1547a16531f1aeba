#!/usr/bin/env bash
# bf16 against fp32 at 2048 segments: Models/default, technical writing, 2 documents per task.
cd /work/main
N=/root/.cache/rmt/noise/technical/eval; O=/work/runs/evals/bf16
one() {  # one TASK PRECISION
  f=$O/long-$1-seg2048-$2
  [ -f $f.jsonl ] && return 0
  /usr/bin/time -f "%e s" -o $f.time env RMT_THREADS=1 /work/bin-s23/rmt-train eval --model Models/default --task $1 --seed 1 \
    --noise $N --segments 2048 --samples 2 --batch-size 2 --json --precision $2 --predictions $f.jsonl.tmp > $f.json 2> $f.err && mv $f.jsonl.tmp $f.jsonl
  echo "$(date +%T) $1 2048 $2 $(cat $f.time) $(cut -c1-60 $f.json)"
}
for p in fp32 bf16; do one memorize $p & one detect $p & wait; done
