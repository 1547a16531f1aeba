#!/usr/bin/env bash
# bench-kernels.sh — one encoder segment (`rmt-tool bench`) with the own GEMM and with OpenBLAS
# under each OPENBLAS_CORETYPE, interleaved rounds, medians: the measurement behind the
# "Kernels" section of Docs/benchmarks.md. Prints one line per variant: wall ms per segment and
# CPU ms per segment (all threads; the fairer number on a shared, overloaded machine).
#
# Usage: Scripts/bench-kernels.sh [--config small|base] [--rounds N] [--segments N]
# Variants: own GEMM (OPENBLAS_CORETYPE unset and =Prescott, to show it does not matter) and
# RMT_GEMM=openblas with OPENBLAS_CORETYPE unset, =Haswell, =Prescott (OpenBLAS's generic
# fallback, what it runs on CPUs it does not know), plus =SkylakeX where the CPU has AVX-512.
set -euo pipefail
config=small rounds=3 segments=20
while [ $# -gt 0 ]; do
    case "$1" in
        --config) config=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --segments) segments=$2; shift 2 ;;
        *) echo "bench-kernels.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
tool=$(cd "$(dirname "$0")/.." && pwd)/.build/release/rmt-tool
[ -x "$tool" ] || { echo "bench-kernels.sh: $tool not built (swift build -c release)" >&2; exit 1; }
variants=("own|" "own|OPENBLAS_CORETYPE=Prescott" "openblas|" "openblas|OPENBLAS_CORETYPE=Haswell" "openblas|OPENBLAS_CORETYPE=Prescott")
if "$tool" sysinfo | grep -q avx512; then variants+=("openblas|OPENBLAS_CORETYPE=SkylakeX"); fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for r in $(seq "$rounds"); do
    for v in "${variants[@]}"; do
        gemm=${v%%|*} extra=${v#*|}
        line=$(env -u OPENBLAS_CORETYPE RMT_GEMM="$gemm" $extra "$tool" bench --config "$config" --segments "$segments")
        echo "$gemm|$extra|$line" >> "$out"
    done
done
python3 - "$out" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    gemm, extra, js = line.rstrip("\n").split("|", 2)
    d = json.loads(js)
    rows.setdefault((gemm, extra), []).append(d)
for (gemm, extra), ds in rows.items():
    ms = statistics.median(d["ms_per_segment"] for d in ds)
    cpu = statistics.median(d["cpu_ms_per_segment"] for d in ds)
    print(f"{gemm:9s} {extra or 'OPENBLAS_CORETYPE unset':32s} {ms:9.1f} ms/segment {cpu:9.1f} CPU ms/segment  "
          f"kernels={ds[0]['kernels']} blas_core={ds[0]['blas_core']} rounds={len(ds)} cpu={ds[0]['cpu']}")
PY
