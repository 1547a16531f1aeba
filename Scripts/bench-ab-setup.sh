# bench-ab-setup.sh — sourced by the interleaved A/B benchmarks (bench-train-precision.sh,
# bench-answer-precision.sh) after they set SUFFIX: the defaults they share (BIN, PY, ROUNDS, OUT
# under Docs/bench-runs/), PAUSE=1 (every running rmt-train stopped with SIGSTOP until the script
# exits), OPENBLAS_CORETYPE unset, the CPU's name and flags in $OUT/cpu.txt, and `m NAME COMMAND…`,
# which appends COMMAND's last stdout line (one JSON object) to $OUT/rows.jsonl as row NAME.
# EXIT_CLEANUP: a command the EXIT trap also runs (e.g. removing a temporary file).
BIN=${BIN:-.build/release}
PY=${PYTHON:-python3}
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-Docs/bench-runs/$(date -u +%Y%m%d-%H%M%S)-$SUFFIX}
mkdir -p "$OUT"
paused=""
trap 'eval "${EXIT_CLEANUP:-true}"; [ -z "$paused" ] || kill -CONT $paused 2>/dev/null' EXIT
if [ "${PAUSE:-0}" = 1 ]; then
  paused=$(pgrep -f "rmt-train" | tr '\n' ' ' || true)
  [ -z "$paused" ] || kill -STOP $paused
  sleep 2
fi
unset OPENBLAS_CORETYPE
lscpu | grep -E "Model name|Flags" > "$OUT/cpu.txt"
m() { local name=$1; shift; "$@" 2>/dev/null | tail -1 | sed "s/^{/{\"row\":\"$name\",/" >> "$OUT/rows.jsonl"; }
