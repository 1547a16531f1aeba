#!/usr/bin/env python3
"""trace-report.py — where a long qa2 reading goes wrong: composition or retention.

Usage: trace-report.py PREDICTIONS.jsonl TRACE_DIR

PREDICTIONS: `rmt-train eval --predictions` for babi-qa2 (each fact's text and reading segment).
TRACE_DIR: TASK-SEGMENTS-INDEX.trace.jsonl files, `rmt-ask DOC --question Q --trace F --trace-every 1`
on the documents `rmt-train eval --documents` wrote (one line per segment: the answer if the document
ended there).

Each story is replayed (people's rooms, each object's holder or place) to find the segment after
which the asked object's place is its final answer and stays so ("settled"). A document is then
  right          the final answer is right;
  lost           the answer was right at the settled segment and is wrong at the end (retention);
  never          wrong already at the settled segment (the composition failed when the facts were read);
and for `lost`, how many segments after settling the answer first turned.
"""
import json, os, re, sys

MOVE = re.compile(r"^(\w+) (?:went|moved|journeyed|travelled|traveled) (?:back )?to the (\w+)\.$")
GET = re.compile(r"^(\w+) (?:got|took|picked up|grabbed) the (\w+)(?: there)?\.$")
DROP = re.compile(r"^(\w+) (?:dropped|discarded|put down|left|let go of) the (\w+)(?: there)?\.$")


def replay(facts, obj):
    """[(segment, place of obj after this fact or None)] in reading order."""
    room, holder, place, out = {}, {}, {}, []
    for f in sorted(facts, key=lambda f: f["offset"]):
        t = f["text"].strip()
        if m := MOVE.match(t):
            p, r = m.groups(); room[p] = r
            for o, h in holder.items():
                if h == p: place[o] = r
        elif m := GET.match(t):
            p, o = m.groups(); holder[o] = p; place[o] = room.get(p)
        elif m := DROP.match(t):
            p, o = m.groups(); holder.pop(o, None); place[o] = room.get(p)
        else:
            raise SystemExit(f"trace-report: unparsed fact {t!r}")
        out.append((f["segment"], place.get(obj)))
    return out


def main():
    preds, tdir = sys.argv[1], sys.argv[2]
    rows = []
    for line in open(preds):
        d = json.loads(line)
        obj = re.match(r"Where is the (\w+)\?", d["question"]).group(1)
        steps = replay(d["facts"], obj)
        final = steps[-1][1] if steps else None
        if final != d["answer"]:
            raise SystemExit(f"trace-report: replay gives {final} for document {d['index']}, answer {d['answer']}")
        settled = None  # first segment from which the replayed place stays the answer
        for seg, p in steps:
            if p != d["answer"]: settled = None
            elif settled is None: settled = seg
        tpath = os.path.join(tdir, f"{d['task']}-{d['segments']}-{d['index']}.trace.jsonl")
        trace = [json.loads(l) for l in open(tpath)]
        by_seg = {t["segments"] - 1: t["answer"] for t in trace}  # answer after reading segment k (0-based)
        # rmt-ask splits the text itself (it can read one segment more than the evaluation's plan),
        # so a segment boundary may fall a little differently: right at settling = right after the
        # settled segment or the next one.
        at_settle = d["answer"] if d["answer"] in (by_seg.get(settled), by_seg.get(settled + 1)) else by_seg.get(settled)
        right_end = d["predicted"] == d["answer"]
        if right_end: kind = "right"
        elif at_settle == d["answer"]: kind = "lost"
        else: kind = "never"
        turned = None
        if kind == "lost":
            first_right = settled if by_seg.get(settled) == d["answer"] else settled + 1
            turned = next(k for k in range(first_right, max(by_seg) + 1) if by_seg.get(k) != d["answer"]) - settled
        rows.append((d["index"], kind, settled, d["segments"] - 1 - settled, turned, d["answer"], d["predicted"]))
    print("index  kind   settled  segments-after  turned-after  answer    predicted")
    for r in rows:
        print(f"{r[0]:5d}  {r[1]:5s}  {r[2]:7d}  {r[3]:14d}  {str(r[4]) if r[4] is not None else '-':>12s}  {r[5]:8s}  {r[6]}")
    n = len(rows)
    for k in ("right", "lost", "never"):
        c = sum(1 for r in rows if r[1] == k)
        print(f"{k}: {c}/{n}")


if __name__ == "__main__":
    main()
