#!/usr/bin/env bash
# bf16 against fp32 on long documents: Models/default, technical writing, 4 documents per cell
# (session 23, AMD Zen 5, one thread each beside two training runs). default-plain-seg4.* is the
# bf16 twin of qa2-errors/ab-s23/plain/default-seg4.jsonl (Scripts/qa2-ab.sh's documents):
#   RMT_THREADS=1 rmt-train eval --model Models/default --task babi-qa2 --seed 1 --adversarial-rate 0.1 \
#     --noise …/technical/eval --segments 4 --samples 200 --batch-size 8 --json --precision bf16 --predictions …
cd /work/main
N=/root/.cache/rmt/noise/technical/eval; O=/work/runs/evals/bf16
for S in 512; do for task in memorize-distract babi-qa2 babi-qa1; do for p in fp32 bf16; do
  f=$O/long-$task-seg$S-$p
  [ -f $f.jsonl ] && continue
  /usr/bin/time -f "%e s" -o $f.time env RMT_THREADS=1 nice -n 2 /work/bin-s23/rmt-train eval --model Models/default --task $task --seed 1 \
    --noise $N --segments $S --samples 4 --batch-size 4 --json --precision $p --predictions $f.jsonl.tmp > $f.json 2> $f.err && mv $f.jsonl.tmp $f.jsonl
  echo "$(date +%T) $task $S $p $(cat $f.time) $(cut -c1-60 $f.json)"
done; done; done
