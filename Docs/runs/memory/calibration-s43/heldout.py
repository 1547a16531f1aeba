#!/usr/bin/env python3
"""Session 43: does a temperature fitted on one set of held-out documents hold on another? The
default's qa3 answers at 16 segments on technical writing (../phase49-s43: seed 1, and seed2/),
read at the temperatures fitted on its training distribution (1.24 for the mixture, 1.56 for qa3:
fit-*.json*) and on the seed-1 set (`rmt-tool calibrate` on it: 2.39), scored on the seed-2 set:
NLL, ECE (15 bins) and mean confidence, as Sources/RMTTraining/TemperatureFit.swift computes them."""
import json, math
from pathlib import Path

here = Path(__file__).resolve().parent
LABELS = ["bathroom", "bedroom", "garden", "hallway", "kitchen", "office", "unknown"]


def rows(path):
    records = [json.loads(line) for line in open(path)]
    return [[r["logits"][k] for k in LABELS] for r in records], [LABELS.index(r["answer"]) for r in records]


def measures(logits, labels, beta, bins=15):
    nll = confidence = 0.0
    bin_confidence, bin_right = [0.0] * bins, [0] * bins
    for z, y in zip(logits, labels):
        top_z = max(z)
        e = [math.exp(beta * (v - top_z)) for v in z]
        p = [v / sum(e) for v in e]
        top = max(range(len(p)), key=lambda i: p[i])
        nll -= math.log(p[y]); confidence += p[top]
        b = min(int(p[top] * bins), bins - 1)
        bin_confidence[b] += p[top]; bin_right[b] += top == y
    n = len(logits)
    return nll / n, sum(abs(c - r) for c, r in zip(bin_confidence, bin_right)) / n, confidence / n


z, y = rows(here / "../phase49-s43/seed2/default-qa3-16-200-seed2.jsonl")
for name, t in [("none", 1.0), ("training mixture", 1.2372753200275857), ("training qa3", 1.5603043265974792),
                ("held-out qa3, seed 1", 2.3896349583149488)]:
    nll, ece, confidence = measures(z, y, 1 / t)
    print(f"T = {t:.2f} ({name}): seed-2 NLL {nll:.3f}, ECE {ece:.3f}, mean confidence {confidence:.3f}")
