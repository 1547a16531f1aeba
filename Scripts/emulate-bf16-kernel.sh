#!/usr/bin/env bash
# emulate-bf16-kernel.sh — checks the AVX512-BF16 and AMX-BF16 GEMM kernels' logic on any x86-64
# CPU: compiles the kernels' own source (Sources/CRMTVector/rmt_gemm_bf16_body.h, rmt_gemm_body.h's AVX-512
# tile code, rmt_gemm.c's transpose8, rmt_bf16.c's twin) against the scalar intrinsics of
# Scripts/bf16-emulation/intrinsics.h, with the target attributes removed, and runs
# Scripts/bf16-emulation/kernel_check.c (each kernel vs the twin on 432 cases) under
# AddressSanitizer where the compiler has it (a pack or tile access outside its buffer aborts).
# Prints one summary line; exit 1 on a mismatch. Evidence for packing, blocking and tiles — not for the instructions:
# on a CPU with AVX512-BF16 / AMX-BF16, `swift test --filter "bf16AVX512|bf16AMX|bf16SIMD"` runs the real kernels
# (Docs/Architecture.md, "bf16 inference"). Needs clang (the Swift toolchain's) or cc.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/Sources/CRMTVector"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed -n '/^static inline __attribute__((target("avx2,fma"), always_inline)) void transpose8/,/^}/p' "$src/rmt_gemm.c" \
    | sed 's/target("avx2,fma"), //' > "$work/transpose8.inc"
[ -s "$work/transpose8.inc" ] || { echo "emulate-bf16-kernel.sh: transpose8 not found in $src/rmt_gemm.c" >&2; exit 1; }
sed -e 's/^#define BF_TARGET .*/#define BF_TARGET/' -e 's/^#define AMX_TARGET .*/#define AMX_TARGET/' "$src/rmt_gemm_bf16_body.h" > "$work/bf16_body.h"
cp "$src/rmt_gemm_body.h" "$work/gemm_body.h"
cp "$src/rmt_gemm_avx512_blocks.h" "$work/"
cc="$(command -v clang || command -v cc)"
sanitize=-fsanitize=address
echo 'int main(void){return 0;}' > "$work/probe.c"
"$cc" $sanitize "$work/probe.c" -o "$work/probe" 2>/dev/null || sanitize=
"$cc" -O1 $sanitize -std=gnu11 -Wno-psabi -Wno-unused-function -Wno-unknown-warning-option -I"$src/include" -I"$work" \
    -I"$root/Scripts/bf16-emulation" "$root/Scripts/bf16-emulation/kernel_check.c" "$src/rmt_bf16.c" -lm -o "$work/check" 2> "$work/build.log" \
    || { cat "$work/build.log" >&2; echo "emulate-bf16-kernel.sh: the harness did not build" >&2; exit 1; }
ASAN_OPTIONS=detect_leaks=0 "$work/check" | tail -n 12
