#!/usr/bin/env bash
# Models/default's held-out protocol on technical writing as one table and plot, from every ledger
# here (rmt-train eval --report with several --ledger files: a cell held by two is taken from the
# one with more documents, never added), beside the paper's and BABILong's published accuracies.
#   Docs/runs/memory/phase11-technical-ledger/report.sh [--json]   → stdout, Docs/plots/default-technical.svg
set -euo pipefail
cd "$(dirname "$0")/../../../.."
D=Docs/runs/memory/phase11-technical-ledger
BIN=${BIN:-$(swift build -c release --show-bin-path)}
ledgers=()
for f in eval-ledger-a eval-ledger-b eval-ledger-64 eval-ledger-512 eval-ledger-2048-bf16 eval-ledger-2048-bf16-b eval-ledger-2048-bf16-c eval-ledger-2048-bf16-d eval-ledger-2048-bf16-e eval-ledger-2048-bf16-f eval-ledger-2048-bf16-g eval-ledger-2048 eval-ledger-4096-bf16 eval-ledger-4096-bf16-b eval-ledger-10m-bf16; do
  [ -f "$D/$f.jsonl" ] && ledgers+=(--ledger "$D/$f.jsonl")
done
"$BIN/rmt-train" eval --model Models/default --noise "${NOISE:-$HOME/.cache/rmt/noise/technical/eval}" --seed 1 \
  --task memorize,memorize-distract,detect,detect-distract,unknown,babi-qa1,babi-qa2,babi-qa3,reasoning \
  --report "${ledgers[@]}" --paper --plot Docs/plots/default-technical.svg "$@"
