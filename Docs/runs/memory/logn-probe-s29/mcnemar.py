import json, sys
from math import comb
def load(f): return {json.loads(l)['index']: json.loads(l)['correct'] for l in open(f)}
a, b = load(sys.argv[1]), load(sys.argv[2])
keys = sorted(set(a) & set(b))
x = sum(1 for k in keys if b[k] and not a[k]); y = sum(1 for k in keys if a[k] and not b[k])
n = x + y; p = min(1.0, 2 * sum(comb(n, i) for i in range(min(x, y) + 1)) / 2 ** n) if n else 1.0
print(f"{sys.argv[1].split('/')[-1]} {sum(a[k] for k in keys)}/{len(keys)} vs {sys.argv[2].split('/')[-1]} {sum(b[k] for k in keys)}/{len(keys)}: second only {x}, first only {y}, exact McNemar p = {p:.3g}")
