#!/usr/bin/env python3
"""Session 44: reliability diagram of Models/default on held-out technical writing at 4, 16 and 64
segments (check-technical-*.jsonl and session 43's qa3 sets at 16), before and after its temperatures
per question form and length: per confidence bin (10 equal-width bins of the top answer's
probability), how often the answer is right — all 1,800 documents as bars, qa3's 600 as dots; the
diagonal is honesty.
Writes ../../../plots/default-calibration.svg (plain SVG, no plotting library).
Usage: reliability.py CONFIG.json (the calibrated Models/default/config.json)."""
import json, math, re, sys
from pathlib import Path

here = Path(__file__).resolve().parent
FILES = [here / "check-technical-4.jsonl", here / "check-technical-16.jsonl",
         here / "../phase49-s43/default-s43-qa3-16-200.jsonl", here / "../phase49-s43/seed2/default-qa3-16-200-seed2.jsonl",
         here / "check-technical-64.jsonl"]
sys.path.insert(0, str(here))
from heldout import form_of, temperature_at  # noqa: E402

temperatures = json.load(open(sys.argv[1]))["rmt"]["answer_temperatures"]
records = [json.loads(l) for f in FILES for l in open(f)]


def top(record, t):
    z = {k: v / t for k, v in record["logits"].items()}
    m = max(z.values())
    s = sum(math.exp(v - m) for v in z.values())
    best = max(z, key=z.get)
    return math.exp(z[best] - m) / s, best == record["answer"]


def bins(rows, n=10):
    out = [[0, 0] for _ in range(n)]
    for p, right in rows:
        b = min(int(p * n), n - 1)
        out[b][0] += 1; out[b][1] += right
    return out


def ece(rows):
    n = 15; conf = [0.0] * n; right = [0] * n
    for p, r in rows:
        b = min(int(p * n), n - 1); conf[b] += p; right[b] += r
    return sum(abs(c - r) for c, r in zip(conf, right)) / len(rows)


W, H, PAD = 360, 300, 50
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W + 40}" height="{H + 90}" font-family="sans-serif" font-size="12">',
       '<rect width="100%" height="100%" fill="white"/>',
       f'<text x="{W + 20}" y="20" text-anchor="middle" font-size="14">Models/default on held-out technical writing, 4, 16 and 64 segments: answers right per confidence bin</text>']
for panel, (title, per_form) in enumerate([("as trained (T = 1)", False), ("temperatures per form and length", True)]):
    x0, y0 = 20 + panel * (W + 20) + PAD, 50
    w, h = W - PAD - 10, H - 40
    rows = [top(r, temperature_at(temperatures.get(form_of(r["question"]), []), r["segments"]) if per_form else 1.0)
            for r in records]
    qa3 = [row for row, r in zip(rows, records) if r["task"] == "babi-qa3"]
    svg.append(f'<text x="{x0 + w / 2}" y="{y0 - 8}" text-anchor="middle">{title}: ECE {ece(rows):.3f} (qa3 {ece(qa3):.3f})</text>')
    svg.append(f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#888"/>')
    svg.append(f'<line x1="{x0}" y1="{y0 + h}" x2="{x0 + w}" y2="{y0}" stroke="#444" stroke-dasharray="4,3"/>')
    for i, (count, right) in enumerate(bins(rows)):
        if count == 0: continue
        bh = h * right / count
        svg.append(f'<rect x="{x0 + w * i / 10 + 2:.1f}" y="{y0 + h - bh:.1f}" width="{w / 10 - 4:.1f}" height="{bh:.1f}" fill="#9ecae1"><title>{count} answers, {right} right</title></rect>')
        svg.append(f'<text x="{x0 + w * (i + 0.5) / 10:.1f}" y="{y0 + h - bh - 3:.1f}" text-anchor="middle" font-size="9" fill="#333">{count}</text>')
    for i, (count, right) in enumerate(bins(qa3)):
        if count == 0: continue
        svg.append(f'<circle cx="{x0 + w * (i + 0.5) / 10:.1f}" cy="{y0 + h - h * right / count:.1f}" r="4" fill="#d6604d"><title>qa3: {count} answers, {right} right</title></circle>')
    for k in range(0, 11, 2):
        svg.append(f'<text x="{x0 + w * k / 10:.1f}" y="{y0 + h + 14}" text-anchor="middle" font-size="10">{k / 10:.1f}</text>')
        svg.append(f'<text x="{x0 - 5}" y="{y0 + h - h * k / 10 + 3:.1f}" text-anchor="end" font-size="10">{k / 10:.1f}</text>')
    svg.append(f'<text x="{x0 + w / 2}" y="{y0 + h + 30}" text-anchor="middle">probability of the answer given</text>')
    svg.append(f'<text transform="translate({x0 - 35},{y0 + h / 2}) rotate(-90)" text-anchor="middle">fraction right</text>')
svg.append(f'<text x="70" y="{H + 80}" font-size="11">bars: all 1,800 documents (numbers: answers per bin); red dots: qa3\'s 600; dashed: right as often as said</text>')
svg.append('</svg>')
out = here / "../../../plots/default-calibration.svg"
out.write_text("\n".join(svg) + "\n")
print(f"wrote {out.resolve()}")
