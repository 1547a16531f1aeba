# Summarises results.txt of run.sh: per scheme, the median and each round of the CPU-time and wall-time
# overheads against absolute, inference and training step. Usage: python3 summary.py results.txt
import sys,json,collections,statistics
rows=collections.defaultdict(lambda: collections.defaultdict(list))
for l in open(sys.argv[1]):
    l=l.strip()
    if not l.startswith('{'): continue
    j=json.loads(l)
    name=j['position']+('' if j['temperature']=='none' else '+'+j['temperature'])
    rows[name][j['bench']].append((j['cpu_overhead_percent'], j['overhead_percent'], j['cpu_ms_absolute'], j['ms_absolute']))
print("| scheme | inference CPU | inference wall | training CPU | training wall | rounds |")
for name,b in rows.items():
    def cell(k, i):
        v=[x[i] for x in b[k]]
        if not v: return '—'
        return '%+.1f%% (%s)'%(statistics.median(v), ', '.join('%+.1f'%x for x in v))
    print('| %s | %s | %s | %s | %s | %d |'%(name, cell('inference-ab',0), cell('inference-ab',1), cell('train-ab',0), cell('train-ab',1), len(b['train-ab'])))
