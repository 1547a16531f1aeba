#!/usr/bin/env bash
# make-long-text.sh — writes long prose documents for the rmt-ask benchmarks by repeating the
# training corpus: long-1M.txt (~1,000,000 BERT tokens) and long-10M.txt (~10,000,000).
# The corpus tokenizes at ~4.34 bytes per token (MiniLM vocab), so the files are ~4.3 MB
# and ~43 MB; each is cut at a line break. Files that already have the right size are kept.
#
#   Scripts/make-long-text.sh [OUT_DIR] [CORPUS_DIR]
# OUT_DIR defaults to ${TMPDIR:-/tmp}/rmt-bench (never the repository: the files are large);
# CORPUS_DIR to $RMT_CORPUS or /work/shared/corpus/train. Prints the two paths.
set -euo pipefail
out=${1:-${TMPDIR:-/tmp}/rmt-bench}
corpus=${2:-${RMT_CORPUS:-/work/shared/corpus/train}}
bytes_per_token=${RMT_BYTES_PER_TOKEN:-4.34}
shopt -s nullglob
files=("$corpus"/*.txt)
[ ${#files[@]} -gt 0 ] || { echo "make-long-text: no .txt files in $corpus" >&2; exit 1; }
mkdir -p "$out"

make_file() {  # make_file NAME TOKENS
    local path="$out/$1" target
    target=$(awk -v t="$2" -v b="$bytes_per_token" 'BEGIN { printf "%d", t * b }')
    if [ -f "$path.done" ] && [ "$(cat "$path.done")" = "$target" ] && [ -f "$path" ]; then
        echo "$path"; return
    fi
    local tmp="$path.tmp.$$" size=0
    : > "$tmp"
    while [ "$size" -lt "$target" ]; do
        cat "${files[@]}" >> "$tmp"
        size=$(stat -c %s "$tmp")
    done
    # Cut to the target size, then back to the last line break (never mid-character).
    head -c "$target" "$tmp" | sed '$d' > "$path"
    rm -f "$tmp"
    echo "$target" > "$path.done"
    echo "$path"
}

make_file long-1M.txt 1000000
make_file long-10M.txt 10000000
