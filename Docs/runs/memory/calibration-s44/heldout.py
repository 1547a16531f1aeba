#!/usr/bin/env python3
"""Session 44: Models/default's per-question-form temperatures (fitted by `rmt-tool calibrate
--by-question-form` on fit-valid-16.jsonl: validation books of the training genres) scored on
documents of the genre held out from training (technical writing, 16 segments): per question form
and per task, accuracy, mean confidence, ECE (15 bins) and NLL at T = 1 and at the form's T, as
Sources/RMTTraining/TemperatureFit.swift computes them. Usage: heldout.py CONFIG.json FILE.jsonl…"""
import json, math, re, sys
from collections import defaultdict


def form_of(question):
    if question.startswith("Where was the "): return "Where was the {object} before the {room}?"
    if question.startswith("Where is the "): return "Where is the {object}?"
    if question.startswith("Where is "): return "Where is {actor}?"
    if re.fullmatch(r"What is the \w+ \w+ of\?", question): return "What is the {room} {direction} of?"
    if re.fullmatch(r"What is \w+ of the \w+\?", question): return "What is {direction} of the {room}?"
    raise SystemExit(f"no form for {question!r}")


def measures(rows, temperature, bins=15):
    nll = confidence = right = 0.0
    bin_confidence, bin_right = [0.0] * bins, [0] * bins
    for logits, answer in rows:
        labels = list(logits)
        z = [logits[k] / temperature for k in labels]
        top_z = max(z)
        e = [math.exp(v - top_z) for v in z]
        p = [v / sum(e) for v in e]
        top = max(range(len(p)), key=lambda i: (z[i], -i))
        y = labels.index(answer)
        nll -= math.log(max(p[y], 1e-300)); confidence += p[top]; right += top == y
        b = min(int(p[top] * bins), bins - 1)
        bin_confidence[b] += p[top]; bin_right[b] += top == y
    n = len(rows)
    return dict(n=n, accuracy=right / n, confidence=confidence / n,
                ece=sum(abs(c - r) for c, r in zip(bin_confidence, bin_right)) / n, nll=nll / n)


def main():
    config = json.load(open(sys.argv[1]))
    temperatures = config["rmt"].get("answer_temperatures", {})
    groups = defaultdict(list)
    for path in sys.argv[2:]:
        for line in open(path):
            r = json.loads(line)
            form = form_of(r["question"])
            groups[("form", form)].append((r["logits"], r["answer"]))
            groups[("task", r["task"], form)].append((r["logits"], r["answer"]))
            groups[("all",)].append((r["logits"], r["answer"], form))
    print("| group | T | documents | accuracy | confidence T=1 → T | ECE T=1 → T | NLL T=1 → T |")
    print("|---|---:|---:|---:|---|---|---|")
    for key in sorted(groups, key=lambda k: (k[0] != "form", k)):
        if key[0] == "all":
            continue
        form = key[-1]
        t = temperatures.get(form, 1.0)
        a, b = measures(groups[key], 1.0), measures(groups[key], t)
        name = f"`{form}`" if key[0] == "form" else f"{key[1]} (`{form}`)"
        print(f"| {name} | {t:.2f} | {a['n']} | {a['accuracy']:.3f} | {a['confidence']:.3f} → {b['confidence']:.3f} | "
              f"{a['ece']:.3f} → {b['ece']:.3f} | {a['nll']:.3f} → {b['nll']:.3f} |")
    rows = groups[("all",)]
    a = measures([(z, y) for z, y, _ in rows], 1.0)
    per = defaultdict(list)
    for z, y, f in rows: per[f].append((z, y))
    # Every document at its own form's T: pooled measures.
    pooled = [(({k: v / temperatures.get(f, 1.0) for k, v in z.items()}), y) for z, y, f in rows]
    b = measures(pooled, 1.0)
    print(f"| all documents | per form | {a['n']} | {a['accuracy']:.3f} | {a['confidence']:.3f} → {b['confidence']:.3f} | "
          f"{a['ece']:.3f} → {b['ece']:.3f} | {a['nll']:.3f} → {b['nll']:.3f} |")


if __name__ == "__main__":
    main()
