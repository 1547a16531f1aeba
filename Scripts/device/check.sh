#!/usr/bin/env bash
# check.sh — one prepared run on a borrowed many-core x86-64 machine without Swift (this
# workplace's `device` tool), from the repository root, with .devcarry/ made by
# Scripts/device/pack.sh. It measures what the dev machine's CPU cannot: the AVX-512 (and, where
# present, AVX512-BF16) paths on real hardware, against PyTorch and ONNX Runtime on the same cores.
#   1. the CPU: model, flags, core count; `rmt-tool sysinfo` (the kernel set chosen)
#   2. the test suites given by TESTS (default RMTKernelsTests; "all" = whole suite), every vector
#      level this CPU has
#   3. the standalone GEMM harness: correctness at every level, FMA peak, GFLOP/s on the model's
#      shapes at the best level and at AVX2, OpenBLAS under OPENBLAS_CORETYPE unset and SkylakeX
#   4. encoder inference, small and base, ROUNDS interleaved rounds (odd: ours first, even: peers
#      first) pinned to 2 cores (taskset -c 0,1; the dev machine's size): ours (own kernels,
#      OPENBLAS_CORETYPE unset and Haswell), ours RMT_VECTOR=avx2, ours --precision bf16 (when
#      the build has it), PyTorch fp32 (sdpa), PyTorch bf16 autocast, ONNX Runtime fp32
#   5. EXTRA (optional): a shell snippet run last (e.g. an evaluation)
# Results go to $OUT (or /tmp/rmt-device): cpu.txt, tests.log, gemm-*.txt, encoder.jsonl and
# summary.txt (medians, ratios against each peer), printed last.
set -uo pipefail
ROOT=$(pwd) OUT=${OUT:-/tmp/rmt-device} ROUNDS=${ROUNDS:-3} TESTS=${TESTS:-RMTKernelsTests}
mkdir -p "$OUT" /tmp/rmt-lib /tmp/rmt-bin /tmp/rmt-bench
tar xJf .devcarry/devlibs.tar.xz -C /tmp/rmt-lib && tar xJf .devcarry/devbin.tar.xz -C /tmp/rmt-bin || { echo "check.sh: .devcarry is missing or broken" >&2; exit 1; }
export LD_LIBRARY_PATH=/tmp/rmt-lib
# The tests find their fixtures and the CLIs through the paths they were built at (/work/main).
mkdir -p /work .build/release
[ -e /work/main ] || ln -s "$ROOT" /work/main
cp /tmp/rmt-bin/* .build/release/
B=$ROOT/.build/release
PY=${PYTHON:-python3}
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 )) s] $*"; }

# 1. CPU
{ lscpu; echo; grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512|amx)' | tr '\n' ' '; echo; nproc;
  "$B/rmt-tool" sysinfo; } > "$OUT/cpu.txt" 2>&1
grep -E '^Model name|^CPU\(s\)|^Thread|^L2|^L3' "$OUT/cpu.txt"; sed -n '/^cpu /,$p' "$OUT/cpu.txt" | head -12
grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx512|amx)' | tr '\n' ' '; echo

# 2. Tests
stamp "tests: $TESTS"
if [ "$TESTS" = all ]; then filter=(); else filter=(--filter "$TESTS"); fi
timeout "${TEST_TIMEOUT:-240}" "$B/RMTPackageTests.xctest" --testing-library swift-testing "${filter[@]}" > "$OUT/tests.log" 2>&1
echo "tests rc=$?"; grep -E '✘|failed|Test run with' "$OUT/tests.log" | tail -8

# 3. GEMM harness (one core, pinned: the last, away from the benchmark pair 0,1)
ONE=$(( $(nproc) - 1 ))
stamp "gemm harness"
env -u OPENBLAS_CORETYPE taskset -c "$ONE" "$B/gemm-bench" 3 > "$OUT/gemm-best.txt" 2>&1
OPENBLAS_CORETYPE=SkylakeX RMT_BENCH_QUICK=1 taskset -c "$ONE" "$B/gemm-bench" 3 > "$OUT/gemm-skylakex.txt" 2>&1
env -u OPENBLAS_CORETYPE RMT_BENCH_LEVEL=1 RMT_BENCH_QUICK=1 taskset -c "$ONE" "$B/gemm-bench" 3 > "$OUT/gemm-avx2.txt" 2>&1
cat "$OUT/gemm-best.txt"; tail -6 "$OUT/gemm-skylakex.txt"; tail -6 "$OUT/gemm-avx2.txt"

# 4. Encoder inference, interleaved, 2 pinned cores
stamp "encoder"
BF16=0; "$B/rmt-tool" bench --help 2>&1 | grep -q -- '--precision' && BF16=1
run() {  # run LABEL CONFIG command...
    local label=$1 config=$2; shift 2
    local line; line=$(taskset -c 0,1 "$@" 2>>"$OUT/encoder.err" | tail -1)
    [ -n "$line" ] && echo "{\"label\":\"$label\",\"config\":\"$config\",\"result\":$line}" >> "$OUT/encoder.jsonl" || echo "$label $config failed" >> "$OUT/encoder.err"
}
for r in $(seq "$ROUNDS"); do
    for c in small base; do
        if [ $c = small ]; then sizes=(--segments 20 --warmup 3); else sizes=(--segments 6 --warmup 2); fi
        ours() {
            run ours $c env -u OPENBLAS_CORETYPE RMT_THREADS=2 "$B/rmt-tool" bench --config $c "${sizes[@]}"
            [ $BF16 = 1 ] && run ours-bf16 $c env -u OPENBLAS_CORETYPE RMT_THREADS=2 "$B/rmt-tool" bench --config $c "${sizes[@]}" --precision bf16
            if [ $c = small ]; then
                run ours-env-haswell $c env OPENBLAS_CORETYPE=Haswell RMT_THREADS=2 "$B/rmt-tool" bench --config $c "${sizes[@]}"
                run ours-avx2 $c env -u OPENBLAS_CORETYPE RMT_VECTOR=avx2 RMT_THREADS=2 "$B/rmt-tool" bench --config $c "${sizes[@]}"
                run ours-openblas-auto $c env -u OPENBLAS_CORETYPE RMT_GEMM=openblas RMT_THREADS=2 "$B/rmt-tool" bench --config $c "${sizes[@]}"
            fi
        }
        peers() {
            run torch-fp32 $c "$PY" Scripts/bench_torch.py --config $c "${sizes[@]}" --threads 2 --attn sdpa
            run torch-bf16 $c "$PY" Scripts/bench_torch.py --config $c "${sizes[@]}" --threads 2 --attn sdpa --precision bf16
            run onnxruntime $c "$PY" Scripts/bench_onnx.py --config $c "${sizes[@]}" --threads 2 --cache /tmp/rmt-bench
        }
        if [ $((r % 2)) = 1 ]; then ours; peers; else peers; ours; fi
    done
done
"$PY" - "$OUT/encoder.jsonl" > "$OUT/summary.txt" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    rows.setdefault((d["config"], d["label"]), []).append(d["result"]["ms_per_segment"])
for config in ("small", "base"):
    med = {l: statistics.median(v) for (c, l), v in rows.items() if c == config}
    print(f"== encoder {config}, ms per 512-token segment, 2 pinned cores, median of {max(len(v) for (c, l), v in rows.items() if c == config)}")
    for l, m in sorted(med.items(), key=lambda x: x[1]):
        ratios = "  ".join(f"{p}/this {med[p] / m:.2f}" for p in ("torch-fp32", "torch-bf16", "onnxruntime") if p in med and p != l)
        print(f"  {l:22s} {m:9.2f}   {ratios}")
PY
cat "$OUT/summary.txt"; tail -3 "$OUT/encoder.err" 2>/dev/null

# 5. Extra
if [ -n "${EXTRA:-}" ]; then stamp "extra"; bash -c "$EXTRA"; fi
stamp done
