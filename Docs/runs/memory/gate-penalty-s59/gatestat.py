# gatestat.py TRACE…: the memory gate in rmt-ask traces (--trace F --trace-every 1) of session 57's
# 64-segment story (/work/runs/s57/doc64.txt, "Where is the milk?"; its facts in segments 23, 44, 49
# and 62): the median and least mean Z over the segments, the six segments with the most, Z at the
# point after each fact segment, and the median memory change per segment.
import json,sys,statistics
for f in sys.argv[1:]:
    pts=[json.loads(l) for l in open(f)]
    g={p['segments']:p['gate'] for p in pts if 'gate' in p}
    top=sorted(g,key=lambda s:-g[s])[:6]
    vals=list(g.values())
    print(f, 'median %.3f min %.3f'%(statistics.median(vals),min(vals)), 'top', [(s,round(g[s],3)) for s in top], 'at facts+1', [round(g.get(s+1,-1),3) for s in (23,44,49,62)], 'mc median %.3f'%statistics.median([p['memory_change'] for p in pts[1:]]))
