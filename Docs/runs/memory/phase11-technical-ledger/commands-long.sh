#!/usr/bin/env bash
# Models/default at 2048 and 4096 segments (~1M and ~2M tokens) on held-out technical writing, 50 documents
# per task and length, and at 20,000 segments (~10M tokens, BABILong's longest) 20 documents, read in bf16 (what rmt-ask reads with on a CPU with AVX512-BF16; the ledger records
# the precision), batch 4, one thread per run; a ledger per length and task pair (sessions 25–26).
# Resumable: each finished batch of 4 is in the ledger, a rerun continues from there.
cd "$(dirname "$0")/../../../.."
D=Docs/runs/memory/phase11-technical-ledger
run() {  # run LEDGER TASKS SEGMENTS [BATCH [SCHEDULE]]
  RMT_THREADS=1 OPENBLAS_NUM_THREADS=1 MODEL=Models/default TASKS=$2 NOISE=${NOISE:-$HOME/.cache/rmt/noise/technical/eval} \
    LEDGER=$D/$1 PLOT=/tmp/$1.svg BATCH=${4:-4} BIN=${BIN:-$(swift build -c release --show-bin-path)} \
    SCHEDULE="${5:-$3:4 $3:8 $3:12 $3:16 $3:20 $3:24 $3:28 $3:32 $3:40 $3:50}" nice -n 5 Scripts/eval-default.sh
}
case "${1:-all}" in
  2048a) run eval-ledger-2048-bf16.jsonl memorize-distract,babi-qa1 2048 ;;
  2048b) run eval-ledger-2048-bf16-b.jsonl unknown,detect-distract 2048 ;;
  # 2048c: documents 4–10, 13, 14, 16 and 17 were read on the borrowed 16-core machine (session 36,
  # Scripts/device/eval.sh, one document per process; Scripts/predictions-to-ledger.py), so a run here
  # goes on one document per batch: a batch overlapping documents already held would not count at all.
  2048c) run eval-ledger-2048-bf16-c.jsonl reasoning 2048 1 ;;  # session 30: reasoning, the target task nearest its 95%
  # 2048d: documents 4–10 were read on the borrowed machine (session 38), so a run here goes on one
  # document per batch, as 2048c (reasoning: all 50 held since session 38; qa2: all 50 since session 39).
  2048d) run eval-ledger-2048-bf16-d.jsonl babi-qa2 2048 1 ;;  # session 34: qa2 and qa3 at the target length, one core each
  2048e) run eval-ledger-2048-bf16-e.jsonl babi-qa3 2048 ;;  # all 50 read on the device (session 36)
  2048f) run eval-ledger-2048-bf16-f.jsonl memorize 2048 1 ;;  # session 36: the paper's two tasks at 2048, one core each,
  2048g) run eval-ledger-2048-bf16-g.jsonl detect 2048 1 ;;    # one document per batch (~5 minutes each beside another run)
  4096a) run eval-ledger-4096-bf16.jsonl memorize-distract,babi-qa1 4096 ;;
  4096b) run eval-ledger-4096-bf16-b.jsonl unknown,detect-distract 4096 ;;  # session 43: the next pair at 4096, batches of 4
  10m) run eval-ledger-10m-bf16.jsonl memorize-distract,babi-qa1 20000 1 "$(echo 20000:{2..20..2})" ;;  # one document a batch (~25 min each)
  512a) run eval-ledger-512.jsonl memorize-distract,babi-qa1 512 4 "512:8 512:12 512:16 512:20 512:24 512:32 512:40 512:50 512:100 512:200" ;;  # fp32, as begun
  # 512b: the two-hop tasks at 512 segments (session 37), in the same fp32 ledger as their first 4 documents
  # (fp32 is also the faster precision on the Intel Xeon this ran on: Docs/benchmarks.md)
  512b) run eval-ledger-512.jsonl babi-qa3,babi-qa2,reasoning 512 4 "512:8 512:16 512:24 512:32 512:40 512:50 512:100 512:200" ;;
  # 512c: the single-fact tasks not yet at 512 segments (session 51), the same fp32 ledger
  512c) run eval-ledger-512.jsonl memorize,detect,detect-distract,unknown 512 4 "512:8 512:16 512:24 512:32 512:40 512:50 512:100 512:200" ;;
  64a) run eval-ledger-64.jsonl memorize,memorize-distract,detect,detect-distract,unknown,babi-qa1,babi-qa2,babi-qa3,reasoning 64 8 \
         "64:16 64:24 64:32 64:48 64:64 64:100 64:150 64:200" ;;  # fp32, as begun (session 18); the issue's 200 per point
  all) "$0" 2048a; "$0" 2048b; "$0" 2048c; "$0" 2048d; "$0" 2048e; "$0" 2048f; "$0" 2048g; "$0" 4096a; "$0" 4096b; "$0" 10m; "$0" 512a; "$0" 512b; "$0" 512c; "$0" 64a ;;
  *) echo "commands-long.sh: 2048a, 2048b, 2048c, 2048d, 2048e, 2048f, 2048g, 4096a, 4096b, 10m, 512a, 512b, 512c, 64a or all" >&2; exit 2 ;;
esac
