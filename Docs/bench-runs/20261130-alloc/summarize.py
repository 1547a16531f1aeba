# Medians of the interleaved before/after runs of ab.sh (this folder): bench CPU and wall ms per
# segment, and the profile's fused-attention row, GEMM share and rest (CPU ms, MiniLM shapes).
import glob, json, re, statistics, sys
d = sys.argv[1] if len(sys.argv) > 1 else "."
med = statistics.median
for model in ["minilm", "small"]:
    rows = {v: [json.loads(l) for l in open(f"{d}/bench-{model}-{v}.jsonl")] for v in ["before", "after"]}
    n = min(len(rows["before"]), len(rows["after"]))
    cpu = {v: [r["cpu_ms_per_segment"] for r in rows[v][:n]] for v in rows}
    wall = {v: [r["ms_per_segment"] for r in rows[v][:n]] for v in rows}
    ratio = [b / a for b, a in zip(cpu["before"], cpu["after"])]
    print(f"bench {model} ({n} rounds): CPU ms/segment before {med(cpu['before']):.1f} ({min(cpu['before']):.1f}–{max(cpu['before']):.1f}), "
          f"after {med(cpu['after']):.1f} ({min(cpu['after']):.1f}–{max(cpu['after']):.1f}); per-round before/after {med(ratio):.3f}; "
          f"wall before {med(wall['before']):.1f}, after {med(wall['after']):.1f}")
def parse(path):
    text = open(path).read()
    att = float(re.search(r"attention fused \(\d+ heads\)\s+([\d.]+)", text).group(1))
    only = float(re.search(r"attention GEMMs only \(\d+ heads\)\s+([\d.]+)", text).group(1))
    m = re.search(r"GEMMs \(projections \+ attention products\): ([\d.]+) ms; the rest: ([\d.-]+) ms; sum / GEMM = ([\d.]+)", text)
    return att, only, float(m.group(1)), float(m.group(2)), float(m.group(3))
for v in ["before", "after"]:
    p = [parse(f) for f in sorted(glob.glob(f"{d}/profile-minilm-{v}-r*.txt"))]
    cols = list(zip(*p))
    print(f"profile minilm {v} ({len(p)} runs, CPU ms): attention fused/layer {med(cols[0]):.2f} "
          f"(GEMMs only {med(cols[1]):.2f}; fused − GEMMs {med([a - b for a, b in zip(cols[0], cols[1])]):.2f}), "
          f"GEMM/segment {med(cols[2]):.1f}, rest {med(cols[3]):.1f} ({min(cols[3]):.1f}–{max(cols[3]):.1f}), sum/GEMM {med(cols[4]):.3f}")
