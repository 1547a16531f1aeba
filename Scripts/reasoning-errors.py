#!/usr/bin/env python3
"""reasoning-errors.py: where two-fact reasoning goes wrong, from `rmt-train eval --predictions` files.

Each reasoning story (Sources/RMTData/MemoryTask.swift, ReasoningTask) states two relations about a
shared room; the question asks about one of them. A document is put in one cell by
  axis   'same' when the other relation lies on the question's axis (north/south or east/west), so
         the distractor fact can use the question's own direction word; 'other' otherwise;
  words  'shared' when the distractor fact's text holds the question's direction word and its room
         (it reads like an answer to the question), 'apart' otherwise;
  apart  whether the two facts were read in one segment or in different ones.

Each story is replayed from its two facts and question alone (either side of a relation), and the
count of documents whose replayed answer is the file's is printed: an independent check of the
generator and of this sorting.

Usage: reasoning-errors.py FILE [FILE ...]   (one table per file; other tasks' rows ignored)
       reasoning-errors.py --against REF FILE   (paired: documents right in one and wrong in the other,
                                                per cell)
"""
import json
import re
import sys
from collections import Counter

AXIS = {"north": 0, "south": 0, "east": 1, "west": 1}
FACT = re.compile(r"The (\w+) is (\w+) of the (\w+)\.")
Q1 = re.compile(r"What is (\w+) of the (\w+)\?")      # What is D of the R?  -> X with X D of R
Q2 = re.compile(r"What is the (\w+) (\w+) of\?")      # What is the R D of?  -> X with R D of X


OPPOSITE = {"north": "south", "south": "north", "east": "west", "west": "east"}


def relations(fact):
    """Both readings of a fact "The X is D of the Y.": (X, D, Y) and (Y, opposite D, X)."""
    x, d, y = fact.groups()
    return {(x, d, y), (y, OPPOSITE[d], x)}


def replay(row):
    """(answer from the facts alone, the fact that gives it, the other fact, the question's direction)."""
    facts = [FACT.fullmatch(f["text"].strip()) for f in row["facts"]]
    if len(facts) != 2 or not all(facts):
        raise ValueError(f"document {row['index']}: facts not in the reasoning form: {row['facts']}")
    q1, q2 = Q1.fullmatch(row["question"]), Q2.fullmatch(row["question"])
    if q1:    # What is D of the R?  ->  X with "X is D of R"
        direction, room = q1.groups()
        match = lambda rel: rel[1] == direction and rel[2] == room and rel[0]
    elif q2:  # What is the R D of?  ->  X with "R is D of X"
        room, direction = q2.groups()
        match = lambda rel: rel[0] == room and rel[1] == direction and rel[2]
    else:
        raise ValueError(f"document {row['index']}: question not in a reasoning form: {row['question']}")
    found = [(m, i) for i, f in enumerate(facts) for rel in relations(f) if (m := match(rel))]
    if len(found) != 1:
        raise ValueError(f"document {row['index']}: {len(found)} answers to {row['question']} in {row['facts']}")
    answer, i = found[0]
    return answer, facts[i], facts[1 - i], direction, room


def cell(row, replayed):
    """The document's cell, from `replayed` = replay(row)."""
    _, _, other, direction, room = replayed
    axis = "same" if AXIS[other.group(2)] == AXIS[direction] else "other"
    words = "shared" if other.group(2) == direction and room in (other.group(1), other.group(3)) else "apart"
    segments = {f["segment"] for f in row["facts"]}
    return axis, words, "one segment" if len(segments) == 1 else "apart"


def load(path):
    try:
        rows = [json.loads(line) for line in open(path) if line.strip()]
    except OSError as e:
        raise ValueError(f"cannot read {path}: {e.strerror}")
    found = {r["index"]: r for r in rows if r["task"] == "reasoning"}
    if not found:
        raise ValueError(f"{path} holds no reasoning documents")
    return found


def table(path):
    rows = load(path)
    agree, right, total = 0, Counter(), Counter()
    for r in rows.values():
        replayed = replay(r)
        agree += replayed[0] == r["answer"]
        c = cell(r, replayed)
        total[c] += 1
        right[c] += r["correct"]
    print(f"{len(rows)} reasoning documents, the replay gives the file's answer for {agree}")
    print(f"{path}: {sum(right.values())}/{len(rows)} right")
    print("| distractor axis | distractor reads like an answer | facts | right / documents |")
    print("|---|---|---|---:|")
    for c in sorted(total):
        print(f"| {c[0]} | {'yes' if c[1] == 'shared' else 'no'} | {c[2]} | {right[c]}/{total[c]} |")


def paired(ref, path):
    a, b = load(ref), load(path)
    shared = sorted(set(a) & set(b))
    for i in shared:
        if (a[i]["question"], a[i]["answer"], [f["text"] for f in a[i]["facts"]]) != \
                (b[i]["question"], b[i]["answer"], [f["text"] for f in b[i]["facts"]]):
            raise ValueError(f"document {i} is another story in {ref} than in {path}: not the same documents")
    gained, lost = Counter(), Counter()
    for i in shared:
        c = cell(b[i], replay(b[i]))
        if b[i]["correct"] and not a[i]["correct"]:
            gained[c] += 1
        if a[i]["correct"] and not b[i]["correct"]:
            lost[c] += 1
    print(f"{path} against {ref}: {len(shared)} shared documents, "
          f"{sum(b[i]['correct'] for i in shared)} against {sum(a[i]['correct'] for i in shared)} right")
    for c in sorted(set(gained) | set(lost)):
        print(f"  {c}: +{gained[c]} -{lost[c]}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if args else 2)
    try:
        if args[0] == "--against":
            if len(args) != 3:
                sys.exit("reasoning-errors.py: --against REF FILE")
            paired(args[1], args[2])
        else:
            for p in args:
                table(p)
    except (ValueError, KeyError, json.JSONDecodeError) as e:
        sys.exit(f"reasoning-errors.py: {e}")
