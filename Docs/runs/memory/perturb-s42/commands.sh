#!/usr/bin/env bash
# Session 42's perturbation record (README.md beside this): phase 45's step-125 change (P45: its
# model, /work/runs/p45-125 here, outside the repository) replayed on Models/default in pieces, and
# each piece judged on qa3 at 16 segments. BIN=DIR: the rmt-train to judge with; PY: a Python with
# numpy and safetensors. Models go to $WORK (default /work/runs); judging skips files already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../../..
P45=${P45:-/work/runs/p45-125} WORK=${WORK:-/work/runs} PY=${PY:-/root/venv-ref/bin/python}
make() {  # make NAME ARGS...: Models/default + phase 45's change, as ARGS say
  local name=$1; shift
  [ -f "$WORK/$name/model.safetensors" ] || "$PY" "$root/Scripts/perturb-model.py" "$root/Models/default" "$P45" "$@" --out "$WORK/$name"
}
judge() { OUT_DIR=$here SETS=qa3-16-200 "$here/../objprobe-s34/judge.sh" "$1" "$WORK/$2"; }
make sg45-s1 --mode signs --seed 1;  judge signs45-s1 sg45-s1
make sg45-s2 --mode signs --seed 2;  judge signs45-s2 sg45-s2
make d45-head --mode direction --only '^(pooler|rmt\.classifier)';   judge dir45-head d45-head
make d45-body --mode direction --except '^(pooler|rmt\.classifier)'; judge dir45-body d45-body
make d45-emb --mode direction --only '^(embeddings|rmt\.memory)';    judge dir45-emb d45-emb
make d45-l012 --mode direction --only 'layer\.[012]\.';              judge dir45-l012 d45-l012
make d45-l345 --mode direction --only 'layer\.[345]\.';              judge dir45-l345 d45-l345
make d45-neg --mode direction --scale -1;                            judge dir45-neg d45-neg
for f in "$here"/*-qa3-16-200.jsonl; do
  python3 "$root/Scripts/paired-compare.py" "$f" "$here/../phase41-s39/default-s39-qa3-16-200.jsonl" | tail -1
done
