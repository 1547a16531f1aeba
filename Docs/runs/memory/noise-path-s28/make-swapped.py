#!/usr/bin/env python3
"""The counterfactual of session 27's dense noise: the same path-dense Python-docs paragraphs
(make-noise.py's DIR/dense) with path/entry/directory (and plurals) swapped for words far from
every room in the model's word embeddings (string, argument, value). Writes DIR/swapped; with
--only path, only path/paths are swapped (DIR/swapped-path), entry and directory kept."""
import os, re, sys
dense_dir, out = sys.argv[1], sys.argv[2]
only = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--only" else None
swap = {"path": "string", "paths": "strings", "entry": "argument", "entries": "arguments",
        "directory": "value", "directories": "values"}
if only:
    swap = {k: v for k, v in swap.items() if k.startswith(only)}
pattern = re.compile(r"\b(" + "|".join(swap) + r")\b", re.I)
def replace(m):
    w = m.group(0); r = swap[w.lower()]
    return r.upper() if w.isupper() and len(w) > 1 else (r.capitalize() if w[0].isupper() else r)
text = open(os.path.join(dense_dir, "python-dense.txt"), encoding="utf-8").read()
swapped, n = pattern.subn(replace, text)
name = "swapped" + (f"-{only}" if only else "")
os.makedirs(os.path.join(out, name), exist_ok=True)
path = os.path.join(out, name, f"python-{name}.txt")
with open(path + ".tmp", "w", encoding="utf-8") as f:
    f.write(swapped)
os.replace(path + ".tmp", path)
print(f"{path}: {n} words swapped, {len(swapped.split())} words")
