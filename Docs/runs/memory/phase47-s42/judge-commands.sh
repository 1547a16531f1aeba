#!/usr/bin/env bash
# Session 42's record for phases 47 (the head alone, --backbone-lr 0) and 48 (phase 45's fine-tune
# from phase 47's model): qa3 at 16 segments (200 documents, technical writing) by judge.sh, paired
# against the default and phase 45; the check that phase 47 moved no backbone tensor. Models
# outside the repository: P47 (phase 47's model), P48 (phase 48's step-125 checkpoint model).
# BIN=DIR: the rmt-train to judge with; PY: a Python with numpy and safetensors.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../../..
P47=${P47:-/work/runs/memory/phase47/model} P48=${P48:-/work/runs/p48-125} PY=${PY:-/root/venv-ref/bin/python}
# Every tensor but pooler.* and rmt.classifier.* unchanged (relative change 0):
"$PY" "$root/Scripts/perturb-model.py" "$root/Models/default" "$P47" --report > "$here/p47-change.txt"
"$PY" - "$root/Models/default" "$P47" <<'PY'  # and bit for bit:
import sys
import numpy as np
from safetensors.numpy import load_file
a, b = (load_file(d + "/model.safetensors") for d in sys.argv[1:])
moved = [k for k in a if not k.startswith(("pooler", "rmt.classifier")) and not np.array_equal(a[k].astype(np.float32), b[k])]
print("backbone tensors changed:", moved or "none")
PY
OUT_DIR=$here SETS=qa3-16-200 "$here/../objprobe-s34/judge.sh" p47 "$P47"
[ -f "$P48/model.safetensors" ] && OUT_DIR=$here SETS=qa3-16-200 "$here/../objprobe-s34/judge.sh" p48-125 "$P48"
for f in "$here"/p4*-qa3-16-200.jsonl; do
  python3 "$root/Scripts/paired-compare.py" "$f" "$here/../phase41-s39/default-s39-qa3-16-200.jsonl" | tail -1
  python3 "$root/Scripts/paired-compare.py" "$f" "$here/../phase43-s41/p45-125-qa3-16-200.jsonl" | tail -1
done
