#!/usr/bin/env bash
# bench-mpi.sh — 2 ranks × 1 thread (mpirun -np 2, the MPI build) against 1 rank × 2 threads
# (the plain build) on one machine: the same small-model training run (499-token segments,
# 2-segment documents, global batch 4, 12 steps), interleaved pairs, median tokens/s of steps
# 3–12 from each run's metrics.jsonl. Docs/distributed.md quotes its output.
#
# Usage: Scripts/bench-mpi.sh [PAIRS]   (default 3; needs .build/release and .build-mpi/release)
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-3}
PLAIN=.build/release/rmt-train MPI=.build-mpi/release/rmt-train
[ -x "$PLAIN" ] && [ -x "$MPI" ] || { echo "bench-mpi: build both: swift build -c release; swift build -c release --traits MPI --scratch-path .build-mpi --product rmt-train" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rmt-bench-mpi.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ARGS=(--preset small --task memorize --start-segments 2 --max-segments 2 --batch-size 4 --max-steps-per-stage 12
      --eval-every 1000 --eval-samples 4 --seed 1)
median_tps() {  # median tokens_per_second of steps 3–12
    python3 - "$1/metrics.jsonl" <<'PY'
import json, statistics, sys
v = [r["tokens_per_second"] for r in map(json.loads, open(sys.argv[1])) if "tokens_per_second" in r and 3 <= r["step"] <= 12]
print(f"{statistics.median(v):.0f}")
PY
}
echo "pair  load  1x2_tok/s  2x1_tok/s  ratio"
for p in $(seq 1 "$PAIRS"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    RMT_THREADS=2 "$PLAIN" "${ARGS[@]}" --out "$WORK/one-$p" >/dev/null 2>&1
    mpirun -np 2 --oversubscribe --allow-run-as-root -x RMT_THREADS=1 "$MPI" "${ARGS[@]}" --out "$WORK/two-$p" >/dev/null 2>&1
    a=$(median_tps "$WORK/one-$p") b=$(median_tps "$WORK/two-$p")
    echo "$p  $load  $a  $b  $(python3 -c "print(f'{$b / $a:.2f}')")"
done
