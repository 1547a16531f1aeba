#!/usr/bin/env bash
# judge.sh NAME MODEL — a candidate of phases 60-64 (Scripts/train-memory.sh) against Models/default on
# held-out technical writing, seed 1, fp32, one thread: the three sets every fine-tune since session 48
# was judged on, written here as NAME-pass1-SET.jsonl (predictions) and .out, then paired with the
# default's predictions of the same documents (Scripts/paired-compare.py):
#   qa2x-16  qa2 with its supporting facts apart, 16 full segments, 200 documents (default 86)
#   qa3-16   qa3 at 16 full segments, 200 documents (default 104)
#   qa2-64   qa2 at 64 full segments, the first 100 documents (default 33)
# ~10, ~10 and ~20 minutes of one core on session 52's Intel Xeon; ~6, ~7 and ~13 on session 54's AMD EPYC beside a
# two-thread training run. BIN=DIR: the rmt-train to use (default .build/release); JUDGE_DIR=DIR: where the
# files go (default: this folder; phase 65's are in ../phase65-s55).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../../..
name=$1 model=$2
out=${JUDGE_DIR:-$here}
OUT_DIR=$out BIN=${BIN:-$root/.build/release} "$here/../phase57-s47/judge-commands.sh" "$name" "$model" 1 "qa2x-16 qa3-16"
f=$out/$name-pass1-qa2-64
[ -s "$f.jsonl" ] || RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 5 "${BIN:-$root/.build/release}/rmt-train" eval \
    --model "$model" --task babi-qa2 --noise "$HOME/.cache/rmt/noise/technical/eval" --seed 1 --segments 64 --samples 100 \
    --batch-size 4 --json --predictions "$f.jsonl" > "$f.out"
m=$here/..
# Session 56: each pairing also by the right answer's rank (--rank); qa3 against the default read again with
# logits (phase68-s56/default-pass1-qa3-16.jsonl: the same 200 answers as objprobe-s34's file).
python3 "$root/Scripts/paired-compare.py" --rank "$m/phase57-s47/default-pass1-qa2x-16.jsonl" "$out/$name-pass1-qa2x-16.jsonl"
python3 "$root/Scripts/paired-compare.py" --rank "$m/phase68-s56/default-pass1-qa3-16.jsonl" "$out/$name-pass1-qa3-16.jsonl"
python3 "$root/Scripts/paired-compare.py" --rank "$m/phase57-s47/default-pass1-qa2-64.jsonl" "$f.jsonl"
