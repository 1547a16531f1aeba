#!/usr/bin/env bash
# fuzz-safetensors.sh — builds the libFuzzer harness for RMTSafetensors and runs it.
#
# Usage: Scripts/fuzz-safetensors.sh [seconds=300] [extra libFuzzer flags...]
#   e.g. Scripts/fuzz-safetensors.sh 600 -jobs=2 -workers=2
#        Scripts/fuzz-safetensors.sh 0 Fuzz/out/crash-<hash>     # replay one input (seconds ignored)
#
# Builds Fuzz/out/fuzz-safetensors from Sources/RMTSafetensors/*.swift + Fuzz/Safetensors/*.swift
# (one module, -sanitize=fuzzer,address). The working corpus lives in Fuzz/corpus-work/safetensors
# (git-ignored) and starts from the committed seeds in Fuzz/Safetensors/seeds. Crashes are
# written to Fuzz/out/. See Docs/fuzzing.md.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${1:-300}"
shift || true

out="$root/Fuzz/out"
corpus="$root/Fuzz/corpus-work/safetensors"
binary="$out/fuzz-safetensors"
mkdir -p "$out" "$corpus"

swiftc -sanitize=fuzzer,address -parse-as-library -O \
    Sources/RMTSafetensors/*.swift Fuzz/Safetensors/*.swift \
    -o "$binary" 2> >(grep -v 'Cannot export local symbol' >&2)

# Let libFuzzer/ASan report crashes; Swift's own backtracer would hang around instead.
export SWIFT_BACKTRACE=enable=no

# Replay mode: arguments that are existing files are run once each.
if [ $# -gt 0 ] && [ -f "$1" ]; then
    exec "$binary" "$@"
fi

exec "$binary" \
    -max_total_time="$seconds" \
    -max_len=4096 \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -dict="$root/Fuzz/Safetensors/safetensors.dict" \
    -artifact_prefix="$out/" \
    -print_final_stats=1 \
    "$@" \
    "$corpus" "$root/Fuzz/Safetensors/seeds"
