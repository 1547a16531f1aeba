#!/usr/bin/env python3
"""probe-report.py — what the memory kept, from `rmt-train eval --probe --predictions FILE`.

A probe asks, in a document's final segment, where a person of its story is; the other segments
read with the document's own question (Docs/training.md, "Memory probes"). The answer is the room
of that person's last move. When that move is in the final segment the model can read it there;
when it is in an earlier segment, only the memory can hold it. This splits the probes so:

  final segment   the person's last move is read in the final segment (no memory needed)
  memory          it is in an earlier segment (the memory had to keep it), with the wrong
                  answers split into: another room the same person was in earlier, a room
                  mentioned in the final segment's facts, unknown, other

Object probes ("Where is the milk?", `--probe-objects`) are left out here: Scripts/qa2-errors.py
--predictions reads them as the qa2 questions they are.

Usage: Scripts/probe-report.py FILE.jsonl [FILE.jsonl …]   (one table row per file)
"""
import json
import sys


def person_moves(record, person):
    """(segment, room) of each move of `person` in document order ("{person} {verb} to the {room}.")."""
    moves = []
    for fact in record["facts"]:
        words = fact["text"].rstrip(".").split()
        if words and words[0] == person and "to" in words and words[-2] == "the":
            moves.append((fact["segment"], words[-1]))
    return moves


def classify(record):
    person = record["question"][len("Where is "):-1]
    moves = person_moves(record, person)
    final = record["segments"] - 1
    if not moves:
        return "no move", None
    if moves[-1][0] == final:
        return "final segment", None
    if record["correct"]:
        return "memory", "right"
    predicted = record["predicted"]
    if predicted == "unknown":
        return "memory", "unknown"
    if predicted in {room for _, room in moves[:-1]}:
        return "memory", "earlier room of the person"
    final_rooms = {f["text"].rstrip(".").split()[-1] for f in record["facts"] if f["segment"] == final}
    if predicted in final_rooms:
        return "memory", "a room of the final segment"
    return "memory", "other"


def main(paths):
    if not paths:
        sys.exit("usage: probe-report.py FILE.jsonl [FILE.jsonl …]")
    kinds = ["earlier room of the person", "a room of the final segment", "unknown", "other"]
    print("| predictions | probes | right | final segment: right | memory: right | " + " | ".join(f"memory wrong: {k}" for k in kinds) + " |")
    print("|---|---:|---:|---:|---:|" + "---:|" * len(kinds))
    for path in paths:
        try:
            rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
        except (OSError, json.JSONDecodeError) as error:
            sys.exit(f"probe-report.py: {path}: {error}")
        if any("document_question" not in r for r in rows):
            sys.exit(f"probe-report.py: {path}: not a --probe predictions file (no document_question)")
        rows = [r for r in rows if not r["question"].startswith("Where is the ")]  # object probes: qa2-errors.py
        groups = {}
        for r in rows:
            group, detail = classify(r)
            groups.setdefault(group, []).append((r["correct"], detail))
        final = groups.get("final segment", [])
        memory = groups.get("memory", [])
        cells = [str(len(rows)), f"{sum(r['correct'] for r in rows)}",
                 f"{sum(c for c, _ in final)}/{len(final)}", f"{sum(c for c, _ in memory)}/{len(memory)}"]
        cells += [str(sum(1 for _, d in memory if d == k)) for k in kinds]
        print(f"| {path} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
