#!/bin/bash
# qa3 pilot model: genre vs adversarial sentences, full qa3 stories (320-token segments), 60 documents, seed 5
m=/work/runs/every/qa3-pilot/model
N=/root/.cache/rmt/noise
for cfg in "technical/eval|0" "technical/eval|0.1" "fiction/valid|0" "fiction/valid|0.1" "reference/valid|0"; do
  noise=${cfg%|*}; rate=${cfg#*|}
  echo "== noise $noise, adversarial rate $rate"
  RMT_THREADS=1 nice -n 5 /work/runs/bin-s9/rmt-train eval --model $m --task babi-qa3,babi-qa2 --noise $N/$noise --seed 5 --adversarial-rate $rate --segments 1 --samples 60 --batch-size 8 --data-segment-length 320 --segment-length 320 2>&1 | grep -v "^$"
done
