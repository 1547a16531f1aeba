#!/usr/bin/env bash
# pack.sh — prepares .devcarry/ for Scripts/device/check.sh, the one-off checks on a borrowed
# many-core x86-64 machine that has no Swift toolchain (this workplace's `device` tool): the
# release binaries (CLIs, the test bundle, the standalone GEMM harness), stripped, and every
# shared library they load that such a machine may lack (Swift runtime, Foundation, swift-testing,
# OpenBLAS and its Fortran runtime), each set as one xz archive. .devcarry/ is git-ignored
# (.git/info/exclude); the device call names it in `carry` (64 MiB with the working tree).
# Usage: Scripts/device/pack.sh   (after `swift build -c release --build-tests`)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd) bin=$root/.build/release carry=$root/.devcarry work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
grep -qx '/.devcarry/' .git/info/exclude 2>/dev/null || echo '/.devcarry/' >> "$(git rev-parse --git-common-dir)/info/exclude"
mkdir -p "$carry" "$work/bin" "$work/lib"
cp "$bin"/rmt-tool "$bin"/rmt-ask "$bin"/rmt-train "$bin"/RMTPackageTests.xctest "$work/bin/"
${CC:-clang} -O2 -std=gnu11 -ISources/CRMTVector/include -I/usr/include/x86_64-linux-gnu -o "$work/bin/gemm-bench" \
    Scripts/gemm-bench/gemm_bench.c Sources/CRMTVector/*.c \
    -lopenblas -lpthread -lm
strip "$work"/bin/*
# Libraries: what ldd resolves outside the C runtime every Linux has.
for f in "$work"/bin/*; do ldd "$f"; done | awk '$3 ~ /^\// {print $3}' | sort -u \
    | grep -vE '/(libc|libm|libgcc_s|libstdc\+\+|libpthread|libdl|librt|ld-linux-x86-64)\.so' \
    | while read -r lib; do cp -L "$lib" "$work/lib/"; done
tar cf - -C "$work/bin" . | xz -6 -T2 > "$carry/devbin.tar.xz.tmp" && mv "$carry/devbin.tar.xz.tmp" "$carry/devbin.tar.xz"
# The libraries change only with the toolchain or the OS: packed once (REPACK_LIBS=1 forces it).
if [ ! -f "$carry/devlibs.tar.xz" ] || [ "${REPACK_LIBS:-0}" = 1 ]; then
    tar cf - -C "$work/lib" . | xz -6 -T2 > "$carry/devlibs.tar.xz.tmp" && mv "$carry/devlibs.tar.xz.tmp" "$carry/devlibs.tar.xz"
fi
ls -la "$carry"
