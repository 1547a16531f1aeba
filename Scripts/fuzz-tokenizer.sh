#!/usr/bin/env bash
# fuzz-tokenizer.sh — builds the RMTTokenizer libFuzzer harness and runs it.
#
# Builds Fuzz/out/fuzz-tokenizer with
#   swiftc -sanitize=fuzzer,address -parse-as-library -O Sources/RMTTokenizer/*.swift Fuzz/Tokenizer/*.swift
# then fuzzes for FUZZ_SECONDS (default 300) with a working corpus in Fuzz/corpus-work/ (seeded
# from the committed Fuzz/Tokenizer/seeds/; both Fuzz/out and Fuzz/corpus-work are git-ignored).
# Crash inputs and the per-job logs (fuzz-N.log) land in Fuzz/out/. Extra arguments go to
# libFuzzer, e.g. -runs=100000.
# Environment: FUZZ_SECONDS, FUZZ_MAX_LEN (default 4096), FUZZ_JOBS (parallel processes, default 1).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/Fuzz/out"
work="$root/Fuzz/corpus-work"
mkdir -p "$out" "$work"

swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name FuzzTokenizer \
    Sources/RMTTokenizer/*.swift Fuzz/Tokenizer/*.swift -o "$out/fuzz-tokenizer"

# libFuzzer writes fuzz-N.log files (with -jobs) into the working folder: keep them in Fuzz/out.
export RMT_FUZZ_VOCAB="${RMT_FUZZ_VOCAB:-$root/Fixtures/tokenizer/vocab.txt}"
cd "$out"

jobs="${FUZZ_JOBS:-1}"
args=(-max_total_time="${FUZZ_SECONDS:-300}" -max_len="${FUZZ_MAX_LEN:-4096}" -artifact_prefix="$out/"
      -print_final_stats=1 -timeout=10)
if [ "$jobs" -gt 1 ]; then args+=(-jobs="$jobs" -workers="$jobs"); fi
exec "$out/fuzz-tokenizer" "${args[@]}" "$@" "$work" "$root/Fuzz/Tokenizer/seeds"
