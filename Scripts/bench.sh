#!/usr/bin/env bash
# bench.sh — the whole benchmark suite in one run: Swift against PyTorch, interleaved and
# repeated, medians and Swift/PyTorch ratios from the same run. See Docs/benchmarks.md.
#
#   a. encoder inference, small and base   rmt-tool bench            vs Scripts/bench_torch.py (sdpa and eager,
#                                                                       fp32, and bf16 autocast) and
#                                                                       Scripts/bench_onnx.py (ONNX Runtime fp32);
#                                          small also under OPENBLAS_CORETYPE=Haswell (and SkylakeX on
#                                          AVX-512 CPUs): the environment must not change our speed;
#                                          on AVX-512 CPUs also at the AVX2 level (RMT_VECTOR=avx2), on
#                                          AVX512-BF16 CPUs also with bf16 linear layers (--precision bf16)
#   b. training step, small, 4 seg × 4     rmt-tool bench --train    vs Scripts/bench_train_torch.py (sdpa and eager)
#   c. rmt-ask over ~1M tokens             rmt-ask --json            vs Scripts/bench_rmt_torch.py (faster attention)
#   d. rmt-ask peak RSS, ~10M vs ~1M tokens (one full 10M run)
#   e. training peak RSS, 16 vs 2 segments, memory-efficient and full BPTT
# Every command runs under `env -u OPENBLAS_CORETYPE` (the environment's Haswell override
# halves OpenBLAS's GEMM speed) and GNU time (wall time, peak RSS). Rounds alternate which
# implementation goes first.
#
# Usage: Scripts/bench.sh [options]
#   --rounds N        rounds of a–b (default 3)
#   --ask-rounds N    rounds of c (default 2; each is ~1M tokens per implementation)
#   --no-10m          skip d's 10M-token run
#   --swift-only      skip PyTorch (no Python needed)
#   --omp-passive     run PyTorch with OMP_WAIT_POLICY=PASSIVE: on a LOADED machine its spinning
#                     OpenMP threads collapse (3-5× slower); on a quiet one leave PyTorch's default
#   --quick           smoke test: tiny counts, ~50k/500k-token documents, 1 round (numbers meaningless)
#   --no-build        do not run `swift build -c release` first
#   --out DIR         where the results go (default ${TMPDIR:-/tmp}/rmt-bench/results-DATE)
#   --update-docs     replace the results section of Docs/benchmarks.md with this run's summary
#   --summarize DIR   measure nothing: rebuild DIR/summary.md from DIR/results.jsonl and DIR/meta.json
# Environment: PYTHON (default /root/venv-ref/bin/python) with torch, transformers, tokenizers
#   (and onnx + onnxruntime for the ONNX Runtime peer; it is skipped when they are missing);
#   RMT_BENCH_DATA (default ${TMPDIR:-/tmp}/rmt-bench) for the long documents and the model folder.
# Output: DIR/results.jsonl (one raw JSON line per measurement, with the command, GNU time's
#   wall seconds and peak RSS), DIR/summary.md (printed at the end), DIR/logs/ (stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

ROUNDS=3 ASK_ROUNDS=2 RUN_10M=1 TORCH=1 QUICK=0 BUILD=1 UPDATE_DOCS=0 OUT="" OMP_PASSIVE=0 SUMMARIZE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS=$2; shift ;;
        --ask-rounds) ASK_ROUNDS=$2; shift ;;
        --no-10m) RUN_10M=0 ;;
        --swift-only) TORCH=0 ;;
        --omp-passive) OMP_PASSIVE=1 ;;
        --quick) QUICK=1 ;;
        --no-build) BUILD=0 ;;
        --out) OUT=$2; shift ;;
        --update-docs) UPDATE_DOCS=1 ;;
        --summarize) SUMMARIZE=$2; shift ;;
        -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
        *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
[ "$QUICK" = 1 ] && { ROUNDS=1; ASK_ROUNDS=1; }

PYTHON=${PYTHON:-/root/venv-ref/bin/python}
DATA=${RMT_BENCH_DATA:-${TMPDIR:-/tmp}/rmt-bench}
SUMMARY_PY=${SUMMARY_PY:-$(command -v python3 || echo "$PYTHON")}
FAILED=0

# write_meta KEY VALUE ...: (re)writes $OUT/meta.json, what the summary says about the run.
write_meta() {
    "$SUMMARY_PY" -c 'import json, sys; json.dump(dict(zip(sys.argv[2::2], sys.argv[3::2])), open(sys.argv[1], "w"), indent=1)' \
        "$OUT/meta.json" "$@"
}

if [ -n "$SUMMARIZE" ]; then
    OUT=$SUMMARIZE RESULTS=$SUMMARIZE/results.jsonl
    [ -f "$RESULTS" ] && [ -f "$OUT/meta.json" ] || { echo "bench.sh: $OUT has no results.jsonl and meta.json" >&2; exit 1; }
else
STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=${OUT:-$DATA/results-$STAMP}
mkdir -p "$OUT/logs" "$DATA"
RESULTS=$OUT/results.jsonl
: > "$RESULTS"
BIN=$ROOT/.build/release
QUESTION="Where is Mary?"
START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

if [ "$TORCH" = 1 ] && ! "$PYTHON" -c "import torch, transformers, tokenizers" 2>/dev/null; then
    echo "bench.sh: $PYTHON lacks torch/transformers/tokenizers (set PYTHON, or use --swift-only)" >&2
    exit 1
fi
ONNX=0
if [ "$TORCH" = 1 ] && "$PYTHON" -c "import onnx, onnxruntime" 2>/dev/null; then ONNX=1
elif [ "$TORCH" = 1 ]; then echo "bench.sh: $PYTHON lacks onnx/onnxruntime: the ONNX Runtime peer is skipped" >&2; fi
# OpenBLAS core types this CPU can run (SkylakeX needs AVX-512; Prescott is the generic one).
ENV_CORES="Prescott"
grep -qw avx2 /proc/cpuinfo 2>/dev/null && ENV_CORES+=" Haswell"
HAS_AVX512=0 HAS_BF16=0
grep -qw avx512f /proc/cpuinfo 2>/dev/null && { ENV_CORES+=" SkylakeX"; HAS_AVX512=1; }
grep -qw avx512_bf16 /proc/cpuinfo 2>/dev/null && HAS_BF16=1
if [ "$BUILD" = 1 ]; then
    echo "== swift build -c release" >&2
    swift build -c release 2>&1 | tail -1 >&2
fi
[ -x /usr/bin/time ] || { echo "bench.sh: GNU time (/usr/bin/time) is needed" >&2; exit 1; }

# --- Inputs: long documents and a random small RMT folder --------------------------------
DOCS=$(Scripts/make-long-text.sh "$DATA")
DOC1M=$(sed -n 1p <<< "$DOCS") DOC10M=$(sed -n 2p <<< "$DOCS")
if [ "$QUICK" = 1 ]; then
    head -c 220000 "$DOC1M" | sed '$d' > "$DATA/quick-50k.txt"
    head -c 2200000 "$DOC10M" | sed '$d' > "$DATA/quick-500k.txt"
    DOC1M=$DATA/quick-50k.txt DOC10M=$DATA/quick-500k.txt
fi
MODEL=$DATA/rmt-small
[ -f "$MODEL/model.safetensors" ] || "$BIN/rmt-tool" create-model --preset small --seed 0 --out "$MODEL" 2>/dev/null

# --- Sizes ------------------------------------------------------------------------------
if [ "$QUICK" = 1 ]; then
    ENC_SMALL="--segments 3 --warmup 1" ENC_BASE="--segments 1 --warmup 1"
    TRAIN="--segments 2 --batch 2 --steps 1 --warmup 1"
    RSS_LO=1 RSS_HI=3 RSS_BATCH=2
else
    ENC_SMALL="--segments 20 --warmup 3" ENC_BASE="--segments 6 --warmup 2"
    TRAIN="--segments 4 --batch 4 --steps 3 --warmup 1"
    RSS_LO=2 RSS_HI=16 RSS_BATCH=4
fi

json_string() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
# A command line as one would type it: arguments with spaces or shell characters single-quoted.
shell_line() {
    local a out=""
    for a in "$@"; do
        if [[ $a =~ ^[A-Za-z0-9_./:=,+@%-]+$ ]]; then out+="$a "; else out+="'${a//\'/\'\\\'\'}' "; fi
    done
    printf '%s' "${out% }"
}

# measure CASE IMPL ROUND -- COMMAND...: runs COMMAND without OPENBLAS_CORETYPE under GNU
# time and appends one line to results.jsonl:
#   {"case", "impl", "round", "load_before" (1-min load average), "wall_s", "gnu_max_rss_kib", "cmd",
#    "result": <the command's JSON line>}
measure() {
    local case=$1 impl=$2 round=$3; shift 4
    local log="$OUT/logs/$case-$impl-r$round" line wall rss load
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo null)
    printf '== %-16s %-14s round %s: %s\n' "$case" "$impl" "$round" "$*" >&2
    if ! env -u OPENBLAS_CORETYPE /usr/bin/time -f "%e %M" -o "$log.time" "$@" > "$log.out" 2> "$log.err"; then
        echo "   FAILED (see $log.err):" >&2; tail -5 "$log.err" >&2
        FAILED=$((FAILED + 1)); return 0
    fi
    line=$(grep '^{' "$log.out" | tail -1 || true)
    read -r wall rss < <(tail -1 "$log.time")
    printf '   %s\n' "$(printf '%s' "$line" | cut -c1-200)" >&2
    local cmd="env -u OPENBLAS_CORETYPE $(shell_line "$@")"
    cmd=${cmd//$ROOT\//}
    printf '{"case": "%s", "impl": "%s", "round": %s, "load_before": %s, "wall_s": %s, "gnu_max_rss_kib": %s, "cmd": "%s", "result": %s}\n' \
        "$case" "$impl" "$round" "$load" "$wall" "$rss" "$(json_string "$cmd")" "${line:-null}" >> "$RESULTS"
}

# The faster PyTorch attention (median tokens/s of enc-small so far), for rmt-ask's reference.
faster_attn() {
    "$SUMMARY_PY" - "$RESULTS" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
best = {}
for impl in ("torch-sdpa", "torch-eager"):
    v = [r["result"]["tokens_per_second"] for r in rows if r["case"] == "enc-small" and r["impl"] == impl and r["result"]]
    if v: best[impl] = statistics.median(v)
print(max(best, key=best.get).split("-")[1] if best else "sdpa")
EOF
}

TORCH_PY=("$PYTHON")
[ "$OMP_PASSIVE" = 1 ] && TORCH_PY=(env OMP_WAIT_POLICY=PASSIVE "$PYTHON")
for r in $(seq 1 "$ROUNDS"); do
    # Odd rounds: Swift first; even rounds: PyTorch first.
    for c in small base; do
        [ $c = small ] && sizes=$ENC_SMALL || sizes=$ENC_BASE
        swift_run() {
            measure enc-$c swift "$r" -- "$BIN/rmt-tool" bench --config $c $sizes
            # The other kernel levels this CPU has: AVX2 where AVX-512 is chosen, bf16 linear layers
            # where the CPU has AVX512-BF16 (its own row: bf16 rounds, fp32 is the reference).
            [ "$HAS_AVX512" = 1 ] && measure enc-$c swift-avx2 "$r" -- env RMT_VECTOR=avx2 "$BIN/rmt-tool" bench --config $c $sizes
            [ "$HAS_BF16" = 1 ] && measure enc-$c swift-bf16 "$r" -- "$BIN/rmt-tool" bench --config $c $sizes --precision bf16
            # Our speed must not depend on the OpenBLAS kernels the environment asks for: measured
            # right after the unset run, so that the machine's drift does not pass for a difference.
            if [ $c = small ]; then
                for core in $ENV_CORES; do
                    measure enc-$c swift-env-$core "$r" -- env OPENBLAS_CORETYPE=$core "$BIN/rmt-tool" bench --config $c $sizes
                done
            fi
            return 0
        }
        torch_run() {
            [ "$TORCH" = 1 ] || return 0
            measure enc-$c torch-sdpa "$r" -- "${TORCH_PY[@]}" Scripts/bench_torch.py --config $c $sizes --attn sdpa
            measure enc-$c torch-eager "$r" -- "${TORCH_PY[@]}" Scripts/bench_torch.py --config $c $sizes --attn eager
            measure enc-$c torch-bf16 "$r" -- "${TORCH_PY[@]}" Scripts/bench_torch.py --config $c $sizes --attn sdpa --precision bf16
            [ "$ONNX" = 1 ] && measure enc-$c onnxruntime "$r" -- "${TORCH_PY[@]}" Scripts/bench_onnx.py --config $c $sizes --cache "$DATA"
            return 0
        }
        if [ $((r % 2)) = 1 ]; then swift_run; torch_run; else torch_run; swift_run; fi
    done
    swift_run() { measure train-small swift "$r" -- "$BIN/rmt-tool" bench --train --config small $TRAIN --bptt full; }
    torch_run() {
        [ "$TORCH" = 1 ] || return 0
        measure train-small torch-sdpa "$r" -- "${TORCH_PY[@]}" Scripts/bench_train_torch.py --config small $TRAIN --bptt full --attn sdpa
        measure train-small torch-eager "$r" -- "${TORCH_PY[@]}" Scripts/bench_train_torch.py --config small $TRAIN --bptt full --attn eager
    }
    if [ $((r % 2)) = 1 ]; then swift_run; torch_run; else torch_run; swift_run; fi
done

ATTN=$( [ "$TORCH" = 1 ] && faster_attn || echo sdpa )
for r in $(seq 1 "$ASK_ROUNDS"); do
    swift_run() { measure ask-1m swift "$r" -- "$BIN/rmt-ask" "$DOC1M" -q "$QUESTION" --model "$MODEL" --json --quiet; }
    torch_run() {
        [ "$TORCH" = 1 ] || return 0
        measure ask-1m torch-$ATTN "$r" -- "${TORCH_PY[@]}" Scripts/bench_rmt_torch.py "$DOC1M" -q "$QUESTION" --model "$MODEL" --attn "$ATTN"
    }
    if [ $((r % 2)) = 1 ]; then swift_run; torch_run; else torch_run; swift_run; fi
done

for mode in memory-efficient full; do
    for n in $RSS_LO $RSS_HI; do
        measure "rss-train-$mode-$n" swift 1 -- "$BIN/rmt-tool" bench --train --config small --segments "$n" \
            --batch "$RSS_BATCH" --steps 1 --warmup 0 --bptt "$mode"
    done
done

if [ "$RUN_10M" = 1 ]; then
    measure ask-10m swift 1 -- "$BIN/rmt-ask" "$DOC10M" -q "$QUESTION" --model "$MODEL" --json --quiet
fi

CPU=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || uname -m)
TORCH_VERSION="-"
if [ "$TORCH" = 1 ]; then
    TORCH_VERSION=$("$PYTHON" -c "import torch, transformers; print('torch', torch.__version__, '/ transformers', transformers.__version__)" 2>/dev/null || echo "-")
fi
NOTE="rounds $ROUNDS, rmt-ask rounds $ASK_ROUNDS"
if [ "$OMP_PASSIVE" = 1 ]; then NOTE+=", PyTorch with OMP_WAIT_POLICY=PASSIVE"; fi
if [ "$QUICK" = 1 ]; then NOTE+=", QUICK (smoke test — not comparable)"; fi
FLAGS=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | tr ' ' '\n' | grep -xE 'avx2|fma|avx512f|avx512bw|avx512vl|avx512_bf16|amx_bf16|amx_tile' | tr '\n' ' ' || true)
SYSINFO=$(env -u OPENBLAS_CORETYPE "$BIN/rmt-tool" sysinfo --json 2>/dev/null | grep '^{' | tail -1 || true)
ORT_VERSION=$([ "$ONNX" = 1 ] && "$PYTHON" -c "import onnxruntime; print(onnxruntime.__version__)" 2>/dev/null || echo "-")
write_meta stamp "$STAMP" cpu "$CPU" cores "$(nproc)" torch "$TORCH_VERSION" load_start "$LOAD_START" \
    cpu_flags "${FLAGS% }" sysinfo "${SYSINFO:-}" onnxruntime "$ORT_VERSION" \
    load_end "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')" elapsed "$(( $(date +%s) - START ))" \
    note "$NOTE" doc1 "$DOC1M" doc10 "$DOC10M" swift "$(swift --version 2>/dev/null | head -1)"
fi  # end of the measurements

# --- Summary ----------------------------------------------------------------------------
"$SUMMARY_PY" - "$RESULTS" "$OUT/meta.json" > "$OUT/summary.md" <<'EOF'
import json, statistics, sys
path = sys.argv[1]
meta = json.load(open(sys.argv[2]))
stamp, cpu, cores, torch_version = meta["stamp"], meta["cpu"], meta["cores"], meta["torch"]
load0, load1, elapsed, note = meta["load_start"], meta.get("load_end", "?"), meta.get("elapsed", "0"), meta["note"]
doc1, doc10, swiftv = meta["doc1"], meta["doc10"], meta["swift"]
rows = [json.loads(l) for l in open(path) if l.strip()]
ok = [r for r in rows if r["result"] is not None]

def sel(case, impl=None):
    return [r for r in ok if r["case"] == case and (impl is None or r["impl"] == impl)]

def med(vals):
    return statistics.median(vals) if vals else None

def field(rs, key):
    return [r["result"][key] if key in r["result"] else r[key] for r in rs]

def span(vals, f="{:.1f}"):
    if not vals: return "—"
    m = med(vals)
    return f.format(m) if len(vals) == 1 else (f.format(m) + " (" + f.format(min(vals)) + "–" + f.format(max(vals)) + ")")

def mib(kib): return kib / 1024

def best_torch(case, key="tokens_per_second"):
    """The faster fp32 PyTorch attention implementation (sdpa or eager)."""
    cands = {}
    for impl in sorted({r["impl"] for r in sel(case) if r["impl"] in ("torch-sdpa", "torch-eager")}):
        cands[impl] = med(field(sel(case, impl), key))
    if not cands: return None, None
    b = max(cands, key=cands.get)
    return b, cands[b]

def verdict(ok_):
    return "**met**" if ok_ else "**not met**"

out = []
p = out.append
blas = next((r["result"].get("blas_core") for r in ok if r["impl"] == "swift" and "blas_core" in r["result"]), "?")
p(f"Run `{stamp}` (UTC): {cpu}, {cores} cores; OpenBLAS core **{blas}**; {swiftv}; {torch_version}; "
  f"onnxruntime {meta.get('onnxruntime', '-')}.")
if meta.get("cpu_flags"): p(f"CPU flags that matter: `{meta['cpu_flags']}`.")
if meta.get("sysinfo"):
    try:
        si = json.loads(meta["sysinfo"])
        p("Kernels: " + ", ".join(f"{k} `{v}`" for k, v in si.items() if not isinstance(v, (dict, list))) + ".")
    except ValueError:
        pass
loads = [r["load_before"] for r in rows if isinstance(r.get("load_before"), (int, float))]
peak = f" (highest 1-min load before a measurement: {max(loads):.2f})" if loads else ""
p(f"Load average before/after: {load0} / {load1}{peak}. Script time {int(elapsed)//60} min {int(elapsed)%60} s; {note}.")
p("Values are medians over the rounds, with the range (min–max) in parentheses; ratios are Swift ÷ PyTorch"
  " tokens/s from the same run, against the faster PyTorch attention implementation.")
p("")
targets = []

p("### Encoder inference (batch 1, 512 tokens, random weights)")
p("")
p("| config | Swift ms/segment | PyTorch sdpa ms | PyTorch eager ms | ONNX Runtime ms | PyTorch bf16 ms | Swift/PyTorch fp32 | Swift/ONNX Runtime |")
p("|---|---|---|---|---|---|---|---|")
goals = {"small": (2.0, 1.5), "base": (1.3, 1.3)}  # issue 10: × PyTorch fp32, × ONNX Runtime
for c in ("small", "base"):
    case = f"enc-{c}"
    s = sel(case, "swift")
    if not s: continue
    st = med(field(s, "tokens_per_second"))
    bi, bt = best_torch(case)
    ratio = st / bt if bt else None
    ot = med(field(sel(case, "onnxruntime"), "tokens_per_second"))
    oratio = st / ot if ot else None
    p(f"| {c} | {span(field(s, 'ms_per_segment'))} | {span(field(sel(case, 'torch-sdpa'), 'ms_per_segment'))} | "
      f"{span(field(sel(case, 'torch-eager'), 'ms_per_segment'))} | {span(field(sel(case, 'onnxruntime'), 'ms_per_segment'))} | "
      f"{span(field(sel(case, 'torch-bf16'), 'ms_per_segment'))} | "
      + (f"**{ratio:.2f}×** ({bi[6:]}) | " if ratio else "— | ") + (f"**{oratio:.2f}×** |" if oratio else "— |"))
    g_torch, g_ort = goals[c]
    if ratio: targets.append((f"encoder {c} fp32: Swift ≥ {g_torch}× PyTorch fp32 tokens/s", f"{ratio:.2f}×", ratio >= g_torch))
    if oratio: targets.append((f"encoder {c} fp32: Swift ≥ {g_ort}× ONNX Runtime tokens/s", f"{oratio:.2f}×", oratio >= g_ort))
p("")
for c in ("small", "base"):
    case, base = f"enc-{c}", med(field(sel(f"enc-{c}", "swift"), "ms_per_segment"))
    levels = [(i, med(field(sel(case, i), "ms_per_segment"))) for i in ("swift-avx2", "swift-bf16") if sel(case, i)]
    if base and levels:
        bt = best_torch(case)[1]
        p(f"Swift {c} at the other kernel levels (ms/segment; the default row above is the best fp32 level): "
          + "; ".join(f"`{i[6:]}` {span(field(sel(case, i), 'ms_per_segment'))} (default ÷ this {base / m:.2f}"
                      + (f", this/PyTorch fp32 {med(field(sel(case, i), 'tokens_per_second')) / bt:.2f}×" if bt else "")
                      + ")" for i, m in levels) + ".")
        p("")
envs = sorted({r["impl"] for r in ok if r["case"] == "enc-small" and r["impl"].startswith("swift-env-")})
if envs:
    p("Swift small under the OpenBLAS core a user's environment may force (ms/segment): unset "
      + span(field(sel("enc-small", "swift"), "ms_per_segment")) + "; "
      + "; ".join(f"`OPENBLAS_CORETYPE={e[10:]}` " + span(field(sel("enc-small", e), "ms_per_segment")) for e in envs) + ".")
    base_ms = med(field(sel("enc-small", "swift"), "ms_per_segment"))
    worst = max(med(field(sel("enc-small", e), "ms_per_segment")) for e in envs)
    targets.append(("encoder small: the same speed whatever OPENBLAS_CORETYPE says (slowest ÷ unset ≤ 1.1)",
                    f"{worst / base_ms:.2f}", worst / base_ms <= 1.1))
    p("")

s = sel("train-small", "swift")
if s:
    r0 = s[0]["result"]
    p(f"### Training step (small, {r0['segments']} segments × batch {r0['batch']}, full BPTT, clip + AdamW)")
    p("")
    p("| implementation | ms/step | tok/s | forward+backward ms | clip ms | AdamW ms | peak RSS MiB |")
    p("|---|---|---|---|---|---|---|")
    for impl in ("swift", "torch-sdpa", "torch-eager"):
        rs = sel("train-small", impl)
        if not rs: continue
        p(f"| {impl} | {span(field(rs, 'ms_per_step'), '{:.0f}')} | {med(field(rs, 'tokens_per_second')):,.0f} | "
          f"{med(field(rs, 'ms_forward_backward')):.0f} | {med(field(rs, 'ms_clip')):.1f} | {med(field(rs, 'ms_adamw')):.1f} | "
          f"{mib(med(field(rs, 'gnu_max_rss_kib'))):,.0f} |")
    bi, bt = best_torch("train-small")
    if bt:
        ratio = med(field(s, "tokens_per_second")) / bt
        p("")
        p(f"Swift/PyTorch ({bi[6:]}): **{ratio:.2f}×** (target ≥ 2×).")
        targets.append(("training step: Swift ≥ 2× PyTorch tokens/s", f"{ratio:.2f}×", ratio >= 2))
    p("")

s = sel("ask-1m", "swift")
if s:
    p(f"### rmt-ask over a long document (`{doc1.split('/')[-1]}`, random small RMT folder)")
    p("")
    p("| implementation | tokens | segments | seconds | tok/s | wall s (GNU time) | peak RSS MiB | answer (p) |")
    p("|---|---|---|---|---|---|---|---|")
    impls = ["swift"] + sorted({r["impl"] for r in sel("ask-1m") if r["impl"] != "swift"})
    for impl in impls:
        rs = sel("ask-1m", impl)
        r0 = rs[0]["result"]
        p(f"| {impl} | {r0['tokens']:,} | {r0['segments']:,} | {span(field(rs, 'seconds'))} | "
          f"{med(field(rs, 'tokens_per_second')):,.0f} | {span(field(rs, 'wall_s'))} | "
          f"{mib(med(field(rs, 'gnu_max_rss_kib'))):,.0f} | {r0['answer']} ({r0['probability']:.4f}) |")
    bi, bt = best_torch("ask-1m")
    if bt:
        ratio = med(field(s, "tokens_per_second")) / bt
        same = all(r["result"]["answer"] == s[0]["result"]["answer"] for r in sel("ask-1m"))
        p("")
        p(f"Swift/PyTorch: **{ratio:.2f}×** (target ≥ 2.5×). Same answer from both: {'yes' if same else '**NO**'}.")
        targets.append(("rmt-ask 1M tokens: Swift ≥ 2.5× PyTorch tokens/s", f"{ratio:.2f}×", ratio >= 2.5))
    p("")

p("### Peak memory (GNU time max RSS, Swift)")
p("")
p("| run | tokens / segments | wall s | peak RSS MiB | vs. smaller | target |")
p("|---|---|---|---|---|---|")
s1, s10 = sel("ask-1m", "swift"), sel("ask-10m", "swift")
if s1:
    rss1 = med(field(s1, "gnu_max_rss_kib"))
    p(f"| rmt-ask `{doc1.split('/')[-1]}` | {s1[0]['result']['tokens']:,} tokens | {span(field(s1, 'wall_s'))} | {mib(rss1):,.1f} | | |")
    if s10:
        r10 = s10[0]
        ratio = r10["gnu_max_rss_kib"] / rss1
        p(f"| rmt-ask `{doc10.split('/')[-1]}` | {r10['result']['tokens']:,} tokens ({r10['result']['tokens_per_second']:,.0f} tok/s) | "
          f"{r10['wall_s']:.1f} | {mib(r10['gnu_max_rss_kib']):,.1f} | {ratio:.3f}× | within 5% |")
        targets.append(("rmt-ask RSS at 10M within 5% of 1M", f"{(ratio - 1) * 100:+.1f}%", abs(ratio - 1) <= 0.05))
for mode, target in (("memory-efficient", 0.10), ("full", None)):
    lo = sorted([r for r in ok if r["case"].startswith(f"rss-train-{mode}-")], key=lambda r: r["result"]["segments"])
    if len(lo) < 2: continue
    a, b = lo[0], lo[-1]
    for r in (a, b):
        tag = f"| train step, {mode} BPTT, batch {r['result']['batch']} | {r['result']['segments']} segments | {r['wall_s']:.1f} | {mib(r['gnu_max_rss_kib']):,.1f} |"
        if r is a: p(tag + " | |")
        else:
            ratio = b["gnu_max_rss_kib"] / a["gnu_max_rss_kib"]
            p(tag + f" {ratio:.3f}× | " + ("within 10%" if target else "(contrast)") + " |")
            if target:
                targets.append((f"memory-efficient training RSS at {b['result']['segments']} segments within 10% of {a['result']['segments']}",
                                f"{(ratio - 1) * 100:+.1f}%", ratio - 1 <= target))
p("")

if targets:
    p("### Targets")
    p("")
    p("| target | measured | |")
    p("|---|---|---|")
    for name, val, good in targets:
        p(f"| {name} | {val} | {verdict(good)} |")
    p("")

p("### Commands")
p("")
p("```")
seen = set()
for r in rows:
    key = (r["case"], r["impl"])
    if key in seen: continue
    seen.add(key)
    p(r["cmd"])
p("```")
failed = [r for r in rows if r["result"] is None]
if failed:
    p("")
    p(f"**{len(failed)} measurement(s) failed**: " + ", ".join(f"{r['case']}/{r['impl']}" for r in failed))
print("\n".join(out))
EOF

echo >&2
cat "$OUT/summary.md"
echo >&2
echo "raw results: $RESULTS" >&2
echo "summary:     $OUT/summary.md" >&2

if [ "$UPDATE_DOCS" = 1 ]; then
    "$SUMMARY_PY" - Docs/benchmarks.md "$OUT/summary.md" <<'EOF'
import sys
doc, summary = sys.argv[1], open(sys.argv[2]).read().strip()
text = open(doc).read()
begin, end = "<!-- results:begin -->", "<!-- results:end -->"
i, j = text.index(begin) + len(begin), text.index(end)
open(doc, "w").write(text[:i] + "\n" + summary + "\n" + text[j:])
print("updated", doc, file=sys.stderr)
EOF
fi
exit $(( FAILED > 0 ))
