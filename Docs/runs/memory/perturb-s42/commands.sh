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
# qa3 at 16 segments on the training books (train-books/), the default and phase 45.
"$here/train-books/judge-train-books.sh" default "$root/Models/default"
"$here/train-books/judge-train-books.sh" p45-125 "$P45"
# The confidence table: median probability of right and wrong answers.
python3 - "$here/../phase41-s39/default-s39-qa3-16-200.jsonl" "$here/../phase43-s41/p45-125-qa3-16-200.jsonl" \
    "$here/../phase46-s42/p46-125-qa3-16-200.jsonl" "$here/signs45-s1-qa3-16-200.jsonl" <<'PY'
import json, statistics, sys
for f in sys.argv[1:]:
    rows = [json.loads(l) for l in open(f)]
    right = [r["probability"] for r in rows if r["correct"]]
    wrong = [r["probability"] for r in rows if not r["correct"]]
    print(f.split("/")[-1], "right %.3f" % statistics.median(right), "wrong %.3f" % statistics.median(wrong),
          "wrong above 0.9: %d of %d" % (sum(p > 0.9 for p in wrong), len(wrong)))
PY
# Cosines of the encoder's weight changes (everything but pooler and classifier) from the default.
"$PY" - "$root/Models/default" "$WORK/p44-125" "$P45" "$WORK/p46-125" "$WORK/sg45-s1" <<'PY'
import sys
import numpy as np
from safetensors.numpy import load_file
base = load_file(sys.argv[1] + "/model.safetensors")
def change(d):
    m = load_file(d + "/model.safetensors")
    return np.concatenate([(m[k].astype(np.float64) - base[k].astype(np.float64)).ravel()
                           for k in sorted(base) if not k.startswith(("pooler", "rmt.classifier"))])
v = {d: change(d) for d in sys.argv[2:]}
for a in v:
    print(a.split("/")[-1].ljust(10), " ".join("%6.3f" % (v[a] @ v[b] / np.linalg.norm(v[a]) / np.linalg.norm(v[b])) for b in v))
PY
