#!/usr/bin/env python3
"""Two noise folders from one prose file: DIR/dense (paragraphs with >= 2 of path/entry/directory,
at >= 4% of their words) and DIR/control (as many words of paragraphs with none), in file order."""
import os, re, sys
source, out = sys.argv[1], sys.argv[2]
lines = [l.strip() for l in open(source, encoding="utf-8") if l.strip()]
words = re.compile(r"\b(path|paths|entry|entries|directory|directories)\b", re.I)
dense = [l for l in lines if len(words.findall(l)) >= 2 and len(words.findall(l)) / len(l.split()) >= 0.04]
budget, control = sum(len(l.split()) for l in dense), []
for l in lines:
    if budget <= 0:
        break
    if not words.search(l):
        control.append(l)
        budget -= len(l.split())
for name, part in [("dense", dense), ("control", control)]:
    os.makedirs(os.path.join(out, name), exist_ok=True)
    path = os.path.join(out, name, f"python-{name}.txt")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(part) + "\n")
    os.replace(path + ".tmp", path)
    print(f"{path}: {len(part)} paragraphs, {sum(len(l.split()) for l in part)} words")
