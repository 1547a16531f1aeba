#!/usr/bin/env bash
# pack-eval.sh — prepares .deveval/ for Scripts/device/eval.sh: long held-out evaluations of a
# model on the borrowed 16-core x86-64 machine (this workplace's `device` tool; no Swift there).
# One xz archive: rmt-train (stripped), the shared libraries it loads that such a machine may lack
# (Swift runtime, Foundation, OpenBLAS and its Fortran runtime, libstdc++), the model folder and
# the noise folder. .deveval/ is git-ignored (.git/info/exclude); the device call names it in
# `carry`, and everything that travels must fit in 64 MiB (Models/default as xz is ~41 MB, the rest
# ~24 MB) — so that call travels with the index narrowed to eval.sh (how: Docs/runs/memory/device-2048-s36/README.md;
# the ledger side: Docs/file-formats.md, "Documents read elsewhere").
# Usage: MODEL=Models/default NOISE=~/.cache/rmt/noise/technical/eval Scripts/device/pack-eval.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd) carry=$root/.deveval work=$(mktemp -d)
MODEL=${MODEL:-Models/default} NOISE=${NOISE:-$HOME/.cache/rmt/noise/technical/eval}
BIN=${BIN:-$(swift build -c release --show-bin-path)}
trap 'rm -rf "$work"' EXIT
grep -qx '/.deveval/' .git/info/exclude 2>/dev/null || echo '/.deveval/' >> "$(git rev-parse --git-common-dir)/info/exclude"
mkdir -p "$carry" "$work/bin" "$work/lib" "$work/model" "$work/noise"
strip -o "$work/bin/rmt-train" "$BIN/rmt-train"
# Libraries: what ldd resolves outside the C runtime every Linux has (libstdc++ travels: the
# Swift runtime needs GLIBCXX symbols of gcc 12).
ldd "$BIN/rmt-train" | awk '$3 ~ /^\// {print $3}' | sort -u \
    | grep -vE '/(libc|libm|libgcc_s|libpthread|libdl|librt|ld-linux-x86-64)\.so' \
    | while read -r lib; do cp -L "$lib" "$work/lib/"; done
cp -L "$MODEL"/* "$work/model/"
cp -rL "$NOISE"/. "$work/noise/"
# The model's bytes, to check on the device that it read the same weights (a ledger is per model).
sha256sum "$MODEL/model.safetensors" | cut -d' ' -f1 > "$work/model.sha256"
tar cf - -C "$work" . | xz -6 -T2 > "$carry/eval.tar.xz.tmp" && mv "$carry/eval.tar.xz.tmp" "$carry/eval.tar.xz"
ls -la "$carry"
