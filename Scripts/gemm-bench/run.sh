#!/usr/bin/env bash
# Builds the standalone GEMM harness (the package's C sources + OpenBLAS) and runs it:
# correctness at every level this CPU has, the one-core FMA peak, and GFLOP/s of the own
# kernels against OpenBLAS on the model's shapes. Usage: Scripts/gemm-bench/run.sh [rounds]
# (OPENBLAS_CORETYPE is passed through, e.g. OPENBLAS_CORETYPE=Haswell Scripts/gemm-bench/run.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../Sources/CRMTVector"
out=${TMPDIR:-/tmp}/rmt-gemm-bench
${CC:-clang} ${CFLAGS:--O2} -std=gnu11 -I"$src/include" -I/usr/include/x86_64-linux-gnu -o "$out" \
    "$here/gemm_bench.c" "$src"/*.c -lopenblas -lpthread -lm  # every C source: the kernels call each other
"$out" "$@"
