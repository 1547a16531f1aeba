#!/usr/bin/env bash
# Phase 10 (probes) against phase 9 (none) after the same 400 steps at 2 segments from phase 9's stage 1, held out
# (technical writing, seed 1, 10% adversarial sentences as the qa2-errors protocol, 200 documents): qa2 probes at 2 and 4 segments, and p10's qa2 predictions at 1/2/4.
cd /work/main
E=/work/runs/evals; B=/work/runs/bin-s17; N=/root/.cache/rmt/noise/technical/eval
ev() { RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 $B/rmt-train eval --noise $N --seed 1 --adversarial-rate 0.1 --batch-size 8 --samples 200 --json "$@"; }
for M in p10-step400 p9-step1000 p9-stage1; do
  case $M in p9-stage1) P=/work/runs/memory/phase9/stages/1 ;; *) P=$E/$M ;; esac
  for S in 2 4; do
    [ -s $E/probe-$M-seg$S.jsonl ] || ev --model $P --task babi-qa2 --segments $S --probe --predictions $E/probe-$M-seg$S.jsonl > $E/probe-$M-seg$S.out
  done
done
for S in 4 2 1; do
  [ -s $E/qa2-p10s400-seg$S.jsonl ] || ev --model $E/p10-step400 --task babi-qa2 --segments $S --predictions $E/qa2-p10s400-seg$S.jsonl > $E/qa2-p10s400-seg$S.out
done
