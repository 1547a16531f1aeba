#!/usr/bin/env python3
"""trace-moves.py STORY.json TRACE.jsonl...: how far each model's memory moves where a fact is read and elsewhere.

STORY.json: `rmt-tool haystack --json`'s description of a document (its facts' token offsets); each TRACE:
`rmt-ask --trace FILE --trace-every 1` on that document (one line per segment: cumulative `tokens`, the
relative move `memory_change` = ||m - m_prev|| / ||m_prev||, a gated model's mean `gate`, the answer so far).
Segment n holds a fact when the fact's first token lies in it. Prints per trace, over segments 3 on (the first
two write into the initial memory): the median move; at the segments that hold a fact; within one segment of
one (the fact's, the one before and the one after); elsewhere; the ratio of the two medians; the median gate;
and the final answer. Plain medians, no model of noise: one story is an illustration, not a measurement.
"""
import json
import statistics
import sys


def main(argv):
    if len(argv) < 3:
        print("usage: trace-moves.py STORY.json TRACE.jsonl...", file=sys.stderr)
        return 2
    try:
        with open(argv[1]) as f:
            story = json.load(f)
        offsets = [fact["offset"] for fact in story["facts"]]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"trace-moves.py: {argv[1]}: not a haystack description ({e})", file=sys.stderr)
        return 1
    print("trace | median move | at a fact | within one segment | elsewhere | near / elsewhere | gate | answer")
    for path in argv[2:]:
        try:
            with open(path) as f:
                rows = [json.loads(line) for line in f if line.strip()]
            ends = [int(r["tokens"]) for r in rows]
            moves = [float(r["memory_change"]) for r in rows]
        except (OSError, ValueError, KeyError, TypeError) as e:
            print(f"trace-moves.py: {path}: not an rmt-ask trace ({e})", file=sys.stderr)
            return 1
        starts = [0] + ends[:-1]
        holding = {n for n, (a, b) in enumerate(zip(starts, ends)) for o in offsets if a <= o < b}
        near = holding | {n + 1 for n in holding} | {n - 1 for n in holding}
        later = range(2, len(rows))
        if len(later) == 0:
            print(f"trace-moves.py: {path}: fewer than three segments", file=sys.stderr)
            return 1

        def median(ns):  # the median move of segments ns, or None for none
            return statistics.median(moves[n] for n in ns) if ns else None

        def percent(value):
            return "-" if value is None else f"{100 * value:.1f}%"

        close = median([n for n in later if n in near])
        away = median([n for n in later if n not in near])
        ratio = close / away if close is not None and away else float("nan")
        gates = [float(r["gate"]) for r in rows if "gate" in r]
        gate = f"{statistics.median(gates):.2f}" if gates else "-"
        print(f"{path} | {percent(median(later))} | {percent(median([n for n in later if n in holding]))} | "
              f"{percent(close)} | {percent(away)} | {ratio:.1f}x | {gate} | "
              f"{rows[-1].get('answer', '?')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
