#!/usr/bin/env bash
# bench-answer-precision.sh — interleaved A/B of reading in fp32 and in bf16 (`--precision`), the
# choice `auto` makes for rmt-ask and rmt-train eval (BF16Kernel.readsDocuments): one encoder
# forward over a 512-token segment for `small`, the MiniLM shape of Models/default and `base`,
# Swift fp32 / bf16 against PyTorch fp32 / bf16 autocast (sdpa), and rmt-ask with Models/default
# over a ~32k-token text in fp32, bf16 and auto; 2 threads, ROUNDS rounds (Swift and PyTorch
# alternating first). Needs AVX512-BF16 and a venv with torch + transformers (PYTHON).
# PAUSE=1 stops every running rmt-train with SIGSTOP for the duration (resumed on exit).
#   BIN=.build/release PYTHON=~/venv/bin/python Scripts/bench-answer-precision.sh   # → Docs/bench-runs/…-answer-bf16/
set -euo pipefail
cd "$(dirname "$0")/.."
TEXT=${TEXT:-$HOME/.cache/rmt/noise/technical/eval/python-docs.txt}  # any prose; the first 150,000 bytes are read
SEGMENTS="--segments 10 --warmup 2"
DOC=$(mktemp)
EXIT_CLEANUP='rm -f "$DOC"'
SUFFIX=answer-bf16
. Scripts/bench-ab-setup.sh
"$BIN/rmt-tool" sysinfo > "$OUT/sysinfo.txt"
head -c 150000 "$TEXT" > "$DOC"
for r in $(seq 1 "$ROUNDS"); do
  sw() {
    for p in fp32 bf16; do
      m swift-small-$p env RMT_THREADS=2 "$BIN/rmt-tool" bench --config small $SEGMENTS --precision $p
      m swift-minilm-$p env RMT_THREADS=2 "$BIN/rmt-tool" bench --model Models/default $SEGMENTS --precision $p
      m swift-base-$p env RMT_THREADS=2 "$BIN/rmt-tool" bench --config base --segments 4 --warmup 1 --precision $p
    done
    for p in fp32 bf16 auto; do
      m rmt-ask-$p env RMT_THREADS=2 "$BIN/rmt-ask" "$DOC" -q "Where is Mary?" --json --precision $p
    done
  }
  pt() {
    for p in fp32 bf16; do
      m torch-small-$p "$PY" Scripts/bench_torch.py --config small $SEGMENTS --attn sdpa --precision $p
      m torch-minilm-$p "$PY" Scripts/bench_torch.py --config minilm $SEGMENTS --attn sdpa --precision $p
      m torch-base-$p "$PY" Scripts/bench_torch.py --config base --segments 4 --warmup 1 --attn sdpa --precision $p
    done
  }
  if [ $((r % 2)) = 1 ]; then sw; pt; else pt; sw; fi
done
python3 - "$OUT/rows.jsonl" <<'PYEOF' | tee "$OUT/summary.txt"
import collections, json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = collections.defaultdict(list)
for r in rows:
    by[r["row"]].append(r["ms_per_segment"] if "ms_per_segment" in r else 1000 * r["seconds"] / r["segments"])
med = {k: statistics.median(v) for k, v in by.items()}
for name, v in sorted(by.items()):
    print(f"{name:18s} ms/segment {[round(x, 1) for x in v]} median {med[name]:.1f}")
for c in ("small", "minilm", "base"):
    s32, s16, t32, t16 = (med.get(f"{i}-{c}-{p}") for i in ("swift", "torch") for p in ("fp32", "bf16"))
    if None in (s32, s16, t32, t16): continue
    print(f"{c}: Swift bf16 ÷ fp32 speed {s32 / s16:.2f}×; PyTorch bf16 ÷ fp32 {t32 / t16:.2f}×; "
          f"Swift fp32 vs PyTorch fp32 {t32 / s32:.2f}×, Swift bf16 vs PyTorch bf16 {t16 / s16:.2f}×, "
          f"Swift's faster vs PyTorch's faster {min(t32, t16) / min(s32, s16):.2f}×")
a32, a16, auto = (med.get(f"rmt-ask-{p}") for p in ("fp32", "bf16", "auto"))
if None not in (a32, a16, auto):
    chosen = {r["kernels"].rsplit("precision=", 1)[-1] for r in rows if r["row"] == "rmt-ask-auto"}
    print(f"rmt-ask (Models/default): bf16 ÷ fp32 speed {a32 / a16:.2f}×; auto reads in {', '.join(sorted(chosen))} here, "
          f"at {a16 / auto:.2f}× the speed of bf16 (auto's choice on every AVX512-BF16 CPU before session 37)")
PYEOF
echo "$OUT"
