#!/usr/bin/env bash
# eval.sh — one prepared run of long held-out evaluations on the borrowed 16-core x86-64 machine
# (this workplace's `device` tool), from the repository root, with .deveval/ made by
# Scripts/device/pack-eval.sh. Every document is its own `rmt-train eval --first I --samples 1
# --predictions` (the same document as in a ledger of that seed and noise: the stream is seeded per
# document, and batch size does not change it), one thread each, one worker per core, so that a
# stop loses at most the documents in flight. Workers take the items in the order given
# (round-robin); a worker starts no document it cannot finish inside BUDGET seconds by the time
# its last one took. Then each task's finished documents go to $OUT/TASK-SEGMENTS.jsonl (ordered
# by index), beside cpu.txt, run.txt (precision, model check, per-document seconds) and eval.log (rmt-train's own lines).
#   Scripts/device/eval.sh TASK:SEGMENTS:FIRST-LAST ...      e.g. babi-qa3:2048:0-49 reasoning:2048:4-49
#   BUDGET (default 480 s), WORKERS (default: nproc), PRECISION (default: bf16 where the CPU has
#   AVX512-BF16, else fp32 — named, not `auto`, because the 2048-segment ledgers it feeds are bf16;
#   `auto` reads in fp32 on Intel cores without AMX; bf16 picks the best kernel the CPU runs, AMX on
#   the borrowed Xeon: Docs/benchmarks.md, "The AMX kernel on hardware"), SEED (1).
# Back here: Scripts/predictions-to-ledger.py appends them to the ledger of that model, seed,
# noise and precision.
set -uo pipefail
OUT=${OUT:-/tmp/rmt-device-eval} BUDGET=${BUDGET:-480} SEED=${SEED:-1}
E=/tmp/rmt-eval P=/tmp/rmt-eval/pred
items=()
[ $# -gt 0 ] || { echo "eval.sh: give TASK:SEGMENTS:FIRST-LAST items (e.g. babi-qa3:2048:0-49)" >&2; exit 2; }
for spec in "$@"; do
  [[ "$spec" =~ ^[a-z0-9-]+:[1-9][0-9]*:[0-9]+-[0-9]+$ ]] || { echo "eval.sh: \"$spec\" is not TASK:SEGMENTS:FIRST-LAST" >&2; exit 2; }
  IFS=: read -r task segments range <<< "$spec"
  for ((i = ${range%-*}; i <= ${range#*-}; i++)); do items+=("$task $segments $i"); done
done
mkdir -p "$OUT" "$P"
tar xJf .deveval/eval.tar.xz -C "$E" || { echo "eval.sh: .deveval/eval.tar.xz is missing or broken" >&2; exit 1; }
export LD_LIBRARY_PATH=$E/lib RMT_THREADS=1 OPENBLAS_NUM_THREADS=1
unset OPENBLAS_CORETYPE
WORKERS=${WORKERS:-$(nproc)}
PRECISION=${PRECISION:-$(grep -q avx512_bf16 /proc/cpuinfo && echo bf16 || echo fp32)}
{ lscpu; echo; free -g; } > "$OUT/cpu.txt"
{ echo "precision $PRECISION workers $WORKERS budget $BUDGET seed $SEED"
  [ "$(sha256sum "$E/model/model.safetensors" | cut -d' ' -f1)" = "$(cat "$E/model.sha256")" ] && echo "model sha256 ok $(cat "$E/model.sha256")" || echo "model sha256 MISMATCH"
  "$E/bin/rmt-train" --version 2>&1 | head -1; } > "$OUT/run.txt"
t0=$(date +%s)
worker() {  # worker W: items W, W+WORKERS, …
  local last=0
  for ((k = $1; k < ${#items[@]}; k += WORKERS)); do
    read -r task segments i <<< "${items[k]}"
    local now=$(($(date +%s) - t0))
    [ $((now + last)) -gt "$BUDGET" ] && break
    local s=$(date +%s)
    "$E/bin/rmt-train" eval --model "$E/model" --noise "$E/noise" --seed "$SEED" --task "$task" \
      --segments "$segments" --first "$i" --samples 1 --batch-size 1 --precision "$PRECISION" \
      --predictions "$P/$task-$segments-$i.jsonl" > /dev/null 2>> "$OUT/eval.log" || break
    last=$(($(date +%s) - s))
    echo "$task $segments $i ${last}s worker $1" >> "$OUT/run.txt"
  done
}
pids=()
for ((w = 0; w < WORKERS; w++)); do worker "$w" & pids+=($!); done
( sleep $((BUDGET + 60)); pkill -f "$E/bin/rmt-train" ) &   # a document far slower than its worker's last
killer=$!
wait "${pids[@]}"
kill "$killer" 2>/dev/null
python3 - "$P" "$OUT" <<'EOF'
import collections, glob, json, os, sys
pred, out = sys.argv[1], sys.argv[2]
rows = collections.defaultdict(list)
for f in glob.glob(os.path.join(pred, "*.jsonl")):
    for line in open(f):
        if line.strip():
            r = json.loads(line); rows[(r["task"], r["segments"])].append(r)
for (task, segments), rs in rows.items():
    rs.sort(key=lambda r: r["index"])
    with open(os.path.join(out, f"{task}-{segments}.jsonl"), "w") as f:
        for r in rs: f.write(json.dumps(r) + "\n")
    print(f"{task} {segments}: {sum(r['correct'] for r in rs)}/{len(rs)} (documents {[r['index'] for r in rs]})")
EOF
echo "done in $(($(date +%s) - t0)) s"
