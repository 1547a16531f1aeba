#!/usr/bin/env python3
"""Session 43's reading of phases 49 and 50 (README.md): answer counts per label, the wrong answers'
median probability (phase 49's also with its head's temperature taken back out), the centred-logit
shift of phase 50 against the default, label-prior corrections, and — given the documents as text
(DOCS, from judge-commands.sh) — how often a wrong answer is the last room word of the noise.
Usage: analysis.py [DOCS]"""
import collections, glob, json, math, re, statistics as st, sys
from pathlib import Path

here = Path(__file__).resolve().parent
ROOMS = ["bathroom", "bedroom", "garden", "hallway", "kitchen", "office"]
LABELS = ROOMS + ["unknown"]
T49 = 1.2372753200275857  # ../calibration-s43/fit-mixture.json


def load(path):
    return {x["index"]: x for x in map(json.loads, open(path))}


def top_probability(x, beta=1.0):
    z = x["logits"]; m = max(z.values())
    e = {k: math.exp(beta * (v - m)) for k, v in z.items()}
    return e[x["predicted"]] / sum(e.values())


default = load(here / "default-s43-qa3-16-200.jsonl")
runs = {"phase 45": load(here / "../phase43-s41/p45-125-qa3-16-200.jsonl"),
        "phase 49": load(here / "p49-125-qa3-16-200.jsonl"), "phase 50": load(here / "p50-125-qa3-16-200.jsonl")}
for name, r in [("default", default)] + list(runs.items()):
    wrong = [x["probability"] for x in r.values() if not x["correct"]]
    print(f"{name}: right {sum(x['correct'] for x in r.values())}, answers", dict(sorted(collections.Counter(x["predicted"] for x in r.values()).items())),
          f"wrong median p {st.median(wrong):.3f} ({sum(p > 0.9 for p in wrong)} of {len(wrong)} above 0.9)")
wrong49 = [top_probability(x, T49) for x in runs["phase 49"].values() if not x["correct"]]
print(f"phase 49 with T taken back out: wrong median p {st.median(wrong49):.3f} ({sum(p > 0.9 for p in wrong49)} above 0.9)")
print("true answers", dict(sorted(collections.Counter(x["answer"] for x in default.values()).items())))

p50 = runs["phase 50"]
def centred(x):
    m = sum(x["logits"][k] for k in ROOMS) / len(ROOMS)
    return {k: x["logits"][k] - m for k in LABELS}
shift = {k: [centred(p50[i])[k] - centred(default[i])[k] for i in default] for k in LABELS}
print("phase 50 - default, centred logits: mean", {k: round(st.mean(v), 2) for k, v in shift.items()},
      "sd", {k: round(st.pstdev(v), 2) for k, v in shift.items()})

def accuracy(rows, bias):
    return sum(max(x["logits"], key=lambda k: x["logits"][k] + bias.get(k, 0)) == x["answer"] for x in rows)

def fit_counts(rows, target):  # a bias per label that makes the answer counts those of `target`
    bias = dict.fromkeys(ROOMS, 0.0)
    for _ in range(200):
        counts = collections.Counter(max(x["logits"], key=lambda k: x["logits"][k] + bias.get(k, 0)) for x in rows)
        for k in ROOMS:
            bias[k] += 0.1 * math.log((target[k] + 0.5) / (counts[k] + 0.5))
    return bias

for name in ("phase 49", "phase 50"):
    rows = list(runs[name].values())
    target = collections.Counter(x["predicted"] for x in default.values())
    mean = {k: st.mean(x["logits"][k] for x in rows) for k in LABELS}
    print(f"{name}: bias restoring the default's answer counts -> {accuracy(rows, fit_counts(rows, target))};"
          f" each label's mean logit removed -> {accuracy(rows, {k: -v for k, v in mean.items()})}")

if len(sys.argv) > 1:  # the documents as text: is a wrong answer the noise's last room word?
    counts = collections.Counter()
    for i, x in default.items():
        text = open(f"{sys.argv[1]}/babi-qa3-16-{i}.txt").read().lower()
        for fact in x["facts"]:
            text = text.replace(fact["text"].lower(), " ")
        rooms = [w for w in re.findall(r"[a-z]+", text) if w in ROOMS]
        for name, r in (("default", default), ("phase 50", p50)):
            if not r[i]["correct"]:
                counts[name, "wrong"] += 1
                counts[name, "wrong = the noise's last room word"] += bool(rooms) and r[i]["predicted"] == rooms[-1]
    print(dict(counts))
