#!/usr/bin/env python3
"""Session 44: Models/default's temperatures per question form and length (fitted by `rmt-tool
calibrate --by-question-form` on fit-valid-*.jsonl: validation books of the training genres) scored
on documents of the genre held out from training (technical writing): per question form and per
task, accuracy, mean confidence, ECE (15 bins) and NLL at T = 1 and at the form's T for each
document's length, as Sources/RMTTraining/TemperatureFit.swift computes them (the T column: the mean
T read). Usage: heldout.py CONFIG.json FILE.jsonl…"""
import json, math, re, sys
from collections import defaultdict


def form_of(question):
    if question.startswith("Where was the "): return "Where was the {object} before the {room}?"
    if question.startswith("Where is the "): return "Where is the {object}?"
    if question.startswith("Where is "): return "Where is {actor}?"
    if re.fullmatch(r"What is the \w+ \w+ of\?", question): return "What is the {room} {direction} of?"
    if re.fullmatch(r"What is \w+ of the \w+\?", question): return "What is {direction} of the {room}?"
    raise SystemExit(f"no form for {question!r}")


def temperature_at(points, segments):
    """A form's temperature at a document of `segments` segments, as AnswerTemperature.swift reads
    rmt.answer_temperatures: linear in log(segments) between fitted lengths, held beyond them."""
    if not points: return 1.0
    if segments <= points[0]["segments"]: return points[0]["temperature"]
    if segments >= points[-1]["segments"]: return points[-1]["temperature"]
    for a, b in zip(points, points[1:]):
        if a["segments"] <= segments <= b["segments"]:
            w = math.log(segments / a["segments"]) / math.log(b["segments"] / a["segments"])
            return (1 - w) * a["temperature"] + w * b["temperature"]


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
    groups = defaultdict(list)  # key → (logits, answer, the T its form and length read at)
    for path in sys.argv[2:]:
        for line in open(path):
            r = json.loads(line)
            form = form_of(r["question"])
            row = (r["logits"], r["answer"], temperature_at(temperatures.get(form, []), r["segments"]))
            groups[("form", form)].append(row)
            groups[("task", r["task"], form)].append(row)
            groups[("all",)].append(row)
    print("| group | T | documents | accuracy | confidence T=1 → T | ECE T=1 → T | NLL T=1 → T |")
    print("|---|---:|---:|---:|---|---|---|")
    for key in sorted(groups, key=lambda k: (k[0] != "form", k)):
        rows = groups[key]
        a = measures([(z, y) for z, y, _ in rows], 1.0)
        b = measures([({k: v / t for k, v in z.items()}, y) for z, y, t in rows], 1.0)  # each at its own T
        mean_t = sum(t for _, _, t in rows) / len(rows)
        name = "all documents" if key[0] == "all" else f"`{key[1]}`" if key[0] == "form" else f"{key[1]} (`{key[2]}`)"
        print(f"| {name} | {mean_t:.2f} | {a['n']} | {a['accuracy']:.3f} | {a['confidence']:.3f} → {b['confidence']:.3f} | "
              f"{a['ece']:.3f} → {b['ece']:.3f} | {a['nll']:.3f} → {b['nll']:.3f} |")


if __name__ == "__main__":
    main()
