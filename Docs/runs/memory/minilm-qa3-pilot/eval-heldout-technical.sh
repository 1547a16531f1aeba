#!/bin/bash
# held-out (technical) qa3 evaluation: pilot best model vs phase 4's best, short and full stories
for m in /work/runs/every/qa3-pilot/model /work/runs/minilm4-best-model; do
  echo "== $m short stories (160-token segments)"
  RMT_THREADS=1 nice -n 5 /work/runs/bin-s9/rmt-train eval --model $m --task babi-qa3:6-10,babi-qa2 --noise /root/.cache/rmt/noise/technical/eval --seed 5 --segments 1 --samples 60 --batch-size 8 --data-segment-length 160 --segment-length 160
  echo "== $m full stories (320-token segments)"
  RMT_THREADS=1 nice -n 5 /work/runs/bin-s9/rmt-train eval --model $m --task babi-qa3 --noise /root/.cache/rmt/noise/technical/eval --seed 5 --segments 1 --samples 60 --batch-size 8 --data-segment-length 320 --segment-length 320
done
