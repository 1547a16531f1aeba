#!/usr/bin/env bash
# count-allocations.sh — heap allocations per encoder segment and per training step of the
# release rmt-tool, counted by preloading Tests/AllocationCounter/rmt_allocation_counter.c
# (compiled here into a shared object; it counts malloc, calloc, realloc, posix_memalign,
# aligned_alloc and memalign on every thread and prints the total at exit). Each figure is a
# difference of two runs that differ only in the number of timed segments (steps), so start-up,
# model creation and warm-up cancel out:
#   inference: (bench --segments 25) − (bench --segments 5), ÷ 20   — per 512-position segment
#   training:  (bench --train --steps 4) − (bench --train --steps 2), ÷ 2 — per step
# The measurement behind "No allocation per segment" in Docs/benchmarks.md; the test suite's
# guard is Tests/RMTRecurrenceTests/AllocationTests.swift. glibc (Linux) only.
#
# Usage: Scripts/count-allocations.sh [--config small|base|tiny] [--positions "absolute alibi …"] [--no-train]
#                                     [--tool PATH]
# A position may carry a logit temperature after "@": "alibi@log_n", "absolute@per_head".
# --tool: another rmt-tool binary (e.g. a copy built before a change), instead of .build/release's.
set -euo pipefail
config=small positions="absolute" train=1 tool=
while [ $# -gt 0 ]; do
    case "$1" in
        --config) config=$2; shift 2 ;;
        --positions) positions=$2; shift 2 ;;
        --no-train) train=0; shift ;;
        --tool) tool=$2; shift 2 ;;
        *) echo "count-allocations.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
tool=${tool:-$root/.build/release/rmt-tool}
[ -x "$tool" ] || { echo "count-allocations.sh: $tool not built (swift build -c release)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -shared -fPIC -I"$root/Tests/AllocationCounter/include" \
    "$root/Tests/AllocationCounter/rmt_allocation_counter.c" -o "$tmp/counter.so"

# Allocations of one run of rmt-tool with the given arguments (its JSON line is discarded).
count() {
    local n
    n=$(RMT_ALLOCATION_REPORT=1 LD_PRELOAD="$tmp/counter.so" "$tool" "$@" 2>&1 >/dev/null |
        sed -n 's/^rmt-allocations: //p')
    [ -n "$n" ] || { echo "count-allocations.sh: no count from rmt-tool $* (is this glibc?)" >&2; exit 1; }
    echo "$n"
}

"$tool" sysinfo | grep -m1 "^kernels" || true
for p in $positions; do
    scheme=${p%@*} temp=()
    [ "$scheme" = "$p" ] || temp=(--position-temperature "${p#*@}")
    a=$(count bench --config "$config" --position "$scheme" "${temp[@]}" --warmup 3 --segments 5)
    b=$(count bench --config "$config" --position "$scheme" "${temp[@]}" --warmup 3 --segments 25)
    echo "inference $config $p: $(( (b - a) / 20 )) allocations per segment (runs: $a, $b; exact: $(( b - a ))/20)"
    if [ "$train" = 1 ]; then
        a=$(count bench --train --config "$config" --position "$scheme" "${temp[@]}" --warmup 1 --steps 2)
        b=$(count bench --train --config "$config" --position "$scheme" "${temp[@]}" --warmup 1 --steps 4)
        echo "training $config $p (4 segments × batch 4): $(( (b - a) / 2 )) allocations per step (runs: $a, $b)"
    fi
done
