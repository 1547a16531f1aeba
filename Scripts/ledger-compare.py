#!/usr/bin/env python3
"""ledger-compare.py — two models on the same evaluation documents, from their eval ledgers.

Usage: Scripts/ledger-compare.py OLD_LEDGER NEW_LEDGER [--names old,new] [--markdown] [--lost]

Each ledger is the JSON-lines file `rmt-train eval --ledger` writes (Docs/evaluation.md): a header
(model, noise and seed fingerprints) and one record per evaluated batch — task, segments, the
batch's first document index, its count, how many were right, and for the distractor tasks how
many answered another person's room (`other_person`) or `unknown` to an answerable question
(`answered_unknown`). Two ledgers made with the same noise, seed and tasks hold the same
documents, so only the batches BOTH evaluated are compared (same task, segment count, first
document and count): every row below is the same documents read by both models.

Per task and segment count: documents, each model's accuracy, the difference (new − old) with a
95% interval, and a verdict: `worse` when the whole interval is below zero, `better` when above,
`same` otherwise. Ledgers written since batches list the documents answered wrongly (`wrong`)
are compared document by document: the `lost/won` column counts the documents only the new
model gets wrong / only the new model gets right, and the interval is Newcombe's paired score
interval (method 10, 1998), which uses that pairing. Where either ledger lacks `wrong` for a
batch of the cell, the cell is unpaired (`lost/won` shows `-`) and the interval is Newcombe's
hybrid score interval for two independent proportions (conservative for paired documents).
`--lost` then lists the documents the new model lost (task, segments, and the document's index in
the evaluation stream of the ledgers' seed and noise, as `first` counts them).
This is how a new default is checked against the old one ("at least as good on every task it
shares, at every length", issue 12). Exit status 0; 2 on bad input.
"""
import argparse
import json
import math
import signal
import sys
from collections import defaultdict


def fail(message):
    print(f"ledger-compare.py: {message}", file=sys.stderr)
    sys.exit(2)


def read_ledger(path):
    """The header and {(task, segments, first, count): record} of one ledger."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = [line for line in f.read().split("\n") if line.strip()]
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    if not lines:
        fail(f"{path}: empty file, not an eval ledger")
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError:
        fail(f"{path}: line 1 is not JSON")
    if not isinstance(header, dict) or header.get("ledger") != "rmt-eval":
        fail(f"{path}: not an rmt-train eval ledger (its first line has no \"ledger\": \"rmt-eval\")")
    batches = {}
    for number, line in enumerate(lines[1:], start=2):
        try:
            r = json.loads(line)
            key = (r["task"], int(r["segments"]), int(r["first"]), int(r["count"]))
            int(r["correct"])
            if "wrong" in r and (not isinstance(r["wrong"], list) or len(r["wrong"]) != r["count"] - r["correct"]):
                raise ValueError("wrong")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            if number == len(lines):
                continue  # a torn last line of an interrupted evaluation: the ledger drops it too
            fail(f"{path}: line {number} is not a batch record")
        batches[key] = r
    return header, batches


def wilson(correct, n, z=1.96):
    """95% Wilson score interval of a proportion."""
    if n == 0:
        return 0.0, 1.0
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def difference_interval(c1, n1, c2, n2):
    """Newcombe's 95% interval for p2 − p1 (method 10, from the two Wilson intervals)."""
    p1, p2 = c1 / n1, c2 / n2
    l1, u1 = wilson(c1, n1)
    l2, u2 = wilson(c2, n2)
    d = p2 - p1
    return d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)


def paired_difference_interval(both, lost, won, neither):
    """Newcombe's 95% interval for p_new − p_old from paired outcomes (method 10): `both` right,
    `lost` (old right, new wrong), `won` (old wrong, new right), `neither` right."""
    n = both + lost + won + neither
    p1, p2 = (both + lost) / n, (both + won) / n
    l1, u1 = wilson(both + lost, n)
    l2, u2 = wilson(both + won, n)
    denominator = (both + lost) * (won + neither) * (both + won) * (lost + neither)
    phi = (both * neither - lost * won) / math.sqrt(denominator) if denominator > 0 else 0.0
    d = p2 - p1
    below = math.sqrt(max(0.0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2))
    above = math.sqrt(max(0.0, (u2 - p2) ** 2 - 2 * phi * (u2 - p2) * (p1 - l1) + (p1 - l1) ** 2))
    return d - below, d + above


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends the output quietly
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--names", default="old,new", help="column names, comma-separated (default old,new)")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table (default: plain columns)")
    parser.add_argument("--lost", action="store_true",
                        help="also list the documents only the new model answers wrongly (paired cells)")
    args = parser.parse_args()
    names = args.names.split(",")
    if len(names) != 2 or not all(names):
        fail("--names takes two names, e.g. --names default,phase7")
    (h1, b1), (h2, b2) = read_ledger(args.old), read_ledger(args.new)
    for field in ("noise_fnv", "seed"):
        if h1.get(field) != h2.get(field):
            fail(f"the ledgers differ in {field} ({h1.get(field)} vs {h2.get(field)}): not the same documents")
    shared = sorted(set(b1) & set(b2))
    if not shared:
        fail("the ledgers share no evaluated batch (same task, segments and documents)")
    # Per (task, segments): documents, right old/new, other person old/new, unknown (new), and the
    # documents each got wrong (None once a batch of the cell lacks the list).
    cells = defaultdict(lambda: {"n": 0, "r1": 0, "r2": 0, "o1": 0, "o2": 0, "u2": 0, "w1": set(), "w2": set()})
    for key in shared:
        c, x, y = cells[(key[0], key[1])], b1[key], b2[key]
        c["n"] += x["count"]
        c["r1"] += x["correct"]
        c["r2"] += y["correct"]
        c["o1"] += x.get("other_person", 0)
        c["o2"] += y.get("other_person", 0)
        c["u2"] += y.get("answered_unknown", 0)
        for side, record in (("w1", x), ("w2", y)):
            if c[side] is not None and "wrong" in record:
                c[side].update(record["wrong"])
            else:
                c[side] = None
    header = ["task", "segments", "documents", names[0], names[1], "difference (95%)", "verdict",
              f"lost/won ({names[1]})", f"other person {names[0]}/{names[1]}", f"unknown ({names[1]})"]
    rows, lost_documents = [], []
    worse = 0
    for (task, segments), c in sorted(cells.items()):
        n, r1, r2 = c["n"], c["r1"], c["r2"]
        if c["w1"] is not None and c["w2"] is not None:
            lost, won = len(c["w2"] - c["w1"]), len(c["w1"] - c["w2"])
            neither = len(c["w1"] & c["w2"])
            low, high = paired_difference_interval(n - lost - won - neither, lost, won, neither)
            pairing = f"{lost}/{won}"
            lost_documents += [(task, segments, i) for i in sorted(c["w2"] - c["w1"])]
        else:
            low, high = difference_interval(r1, n, r2, n)
            pairing = "-"
        verdict = "worse" if high < 0 else "better" if low > 0 else "same"
        worse += verdict == "worse"
        rows.append([task, str(segments), str(n), f"{r1 / n:.3f}", f"{r2 / n:.3f}",
                     f"{(r2 - r1) / n:+.3f} [{low:+.3f}, {high:+.3f}]", verdict, pairing,
                     f"{c['o1']}/{c['o2']}", str(c["u2"])])
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" if i < 2 or i in (6, 7) else "---:" for i in range(len(header))) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(x) for x in column) for column in zip(header, *rows)]
        for row in [header] + rows:
            print("  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip())
    only = len(set(b1) ^ set(b2))
    print(f"\n{len(shared)} batches in both ledgers ({only} in one only, left out); "
          f"{worse} of {len(rows)} cells worse for {names[1]}.")
    if args.lost:
        print(f"\ndocuments {names[0]} answers and {names[1]} does not (task segments index):")
        for task, segments, index in lost_documents:
            print(f"{task} {segments} {index}")


if __name__ == "__main__":
    main()
