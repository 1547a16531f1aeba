#!/usr/bin/env bash
# bench-train-precision.sh — interleaved A/B of one training step in fp32 and in mixed precision
# (rmt-train --precision bf16), Swift against PyTorch fp32 and bf16 autocast, the `small` preset
# and the MiniLM shape of Models/default, 4 segments × batch 4, 2 threads, ROUNDS rounds (Swift and
# PyTorch alternating first). Needs AVX512-BF16 and a venv with torch + transformers (PYTHON).
# PAUSE=1 stops every running rmt-train with SIGSTOP for the duration (resumed on exit).
#   BIN=.build/release PYTHON=~/venv/bin/python Scripts/bench-train-precision.sh   # → Docs/bench-runs/…-train-bf16/rows.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
SUFFIX=train-bf16
. Scripts/bench-ab-setup.sh
TRAIN="--segments 4 --batch 4 --steps 3 --warmup 1"
for r in $(seq 1 "$ROUNDS"); do
  sw() {
    for p in fp32 bf16; do
      m swift-small-$p env RMT_THREADS=2 "$BIN/rmt-tool" bench --train --config small $TRAIN --precision $p
      m swift-minilm-$p env RMT_THREADS=2 "$BIN/rmt-tool" bench --train --model Models/default $TRAIN --precision $p
    done
  }
  pt() {
    for p in fp32 bf16; do
      m torch-small-$p "$PY" Scripts/bench_train_torch.py --config small $TRAIN --attn sdpa --precision $p
      m torch-minilm-$p "$PY" Scripts/bench_train_torch.py --config minilm $TRAIN --attn sdpa --precision $p
    done
  }
  if [ $((r % 2)) = 1 ]; then sw; pt; else pt; sw; fi
done
python3 - "$OUT/rows.jsonl" <<'PYEOF'
import collections, json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = collections.defaultdict(list)
for r in rows: by[r["row"]].append(r["ms_per_step"])
for name, v in sorted(by.items()): print(f"{name:20s} ms/step {[round(x) for x in v]} median {statistics.median(v):.0f}")
PYEOF
echo "$OUT"
