#!/usr/bin/env python3
"""Session 45's bar chart: qa3 at 16 segments (held-out technical writing, 400 documents: seeds 1
and 2) right per model — the default, phase 45's recipe, the two transplants (rmt-train eval
--memory-from) and the distilled phases 52 and 53 — with 95% Wilson intervals.
   plot.py  → Docs/plots/qa3-memory-s45.svg (standard library only)."""
import json, math, os

here = os.path.dirname(os.path.abspath(__file__))
mem = os.path.join(here, '..')
rows = [  # label, seed-1 file, seed-2 file (paths under Docs/runs/memory)
    ('Models/default', 'phase49-s43/default-s43-qa3-16-200.jsonl', 'phase49-s43/seed2/default-qa3-16-200-seed2.jsonl'),
    ("phase 45's recipe (phase 50)", 'phase49-s43/p50-125-qa3-16-200.jsonl', 'phase49-s43/seed2/p50-qa3-16-200-seed2.jsonl'),
    ("phase 45 reads the default's memory", 'transplant-s45/p45-reads-default-seed1.jsonl', 'transplant-s45/p45-reads-default-seed2.jsonl'),
    ("the default reads phase 45's memory", 'transplant-s45/default-reads-p45-seed1.jsonl', 'transplant-s45/default-reads-p45-seed2.jsonl'),
    ('phase 52: distilled, W = 10', 'phase52-s45/p52-125-qa3-16-200.jsonl', 'phase52-s45/p52-125-qa3-16-200-seed2.jsonl'),
    ('phase 53: distilled, W = 100', 'phase52-s45/p53-125-qa3-16-200.jsonl', 'phase52-s45/p53-125-qa3-16-200-seed2.jsonl'),
]

def right(path):
    with open(os.path.join(mem, path)) as f:
        xs = [json.loads(line) for line in f if line.strip()]
    return sum(1 for x in xs if x['correct']), len(xs)

def wilson(k, n, z=1.96):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half

W, left, top, bar, gap = 760, 290, 40, 22, 14
lo, hi = 0.40, 0.65  # the axis: accuracy
x = lambda a: left + (a - lo) / (hi - lo) * (W - left - 30)
H = top + len(rows) * (bar + gap) + 40
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W / 2}" y="20" text-anchor="middle" font-size="14">qa3 at 16 segments, held-out technical writing, 400 documents (95% intervals)</text>']
for t in [0.40, 0.45, 0.50, 0.55, 0.60, 0.65]:
    out.append(f'<line x1="{x(t):.1f}" y1="{top - 6}" x2="{x(t):.1f}" y2="{H - 34}" stroke="#ddd"/>')
    out.append(f'<text x="{x(t):.1f}" y="{H - 20}" text-anchor="middle">{t:.2f}</text>')
for i, (label, a, b) in enumerate(rows):
    (k1, n1), (k2, n2) = right(a), right(b)
    k, n = k1 + k2, n1 + n2
    y = top + i * (bar + gap)
    colour = '#4a7ab5' if i == 0 else '#b55a4a' if 'reads phase' in label or '(phase 50)' in label else '#7a9a5a'
    out.append(f'<rect x="{left}" y="{y}" width="{x(k / n) - left:.1f}" height="{bar}" fill="{colour}"/>')
    l, h = wilson(k, n)
    out.append(f'<line x1="{x(l):.1f}" y1="{y + bar / 2}" x2="{x(h):.1f}" y2="{y + bar / 2}" stroke="black"/>')
    out.append(f'<text x="{left - 8}" y="{y + bar / 2 + 4}" text-anchor="end">{label}</text>')
    out.append(f'<text x="{x(h) + 6:.1f}" y="{y + bar / 2 + 4}">{k}/{n}</text>')
out.append(f'<text x="{(left + W) / 2}" y="{H - 4}" text-anchor="middle">share right (axis from 0.40)</text>')
out.append('</svg>')
dest = os.path.join(here, '..', '..', '..', 'plots', 'qa3-memory-s45.svg')
with open(dest + '.tmp', 'w') as f:
    f.write('\n'.join(out) + '\n')
os.replace(dest + '.tmp', dest)
print(os.path.normpath(dest))
