#!/usr/bin/env python3
"""paired-compare.py — two models on the same documents, per task, paired (exact McNemar).

Usage: Scripts/paired-compare.py THIS.jsonl OTHER.jsonl [--rank] [--json]
  THIS and OTHER are `rmt-train eval --predictions` files of the same command (task list,
  segments, samples, seed, noise) run with two models. For each task: right of THIS, right of
  OTHER, the documents only THIS / only OTHER answers right, and the exact two-sided McNemar
  (sign) test's p over those discordant documents; then all tasks together. A row of THIS is
  paired with the row of OTHER at the same place; the two must ask the same question with the
  same answer about the same fact sentences, or the script stops (different documents cannot be
  paired).
  --rank: also, per task, where the right answer ranks among each model's labels (1 = its answer;
  ties share the better rank): the mean reciprocal rank here and there, the documents where it ranks
  higher here / there, and the exact two-sided sign test's p over those. Accuracy counts a lucky guess
  as a composed answer and a near miss as a wild one; the rank tells them apart (needs each row's
  `logits`). Exit 1 on files that cannot be read or paired, with a one-line error.
"""
import argparse, collections, json, math, sys


def mcnemar(only_this, only_other):
    """Exact two-sided McNemar (sign) test's p over the discordant documents of a paired comparison."""
    n, k = only_this + only_other, min(only_this, only_other)
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n) if n else 1.0


def identity(r):
    """What makes two rows the same document. A fact's segment is the reading's (it differs when a
    model reads with another segment length), so only the sentences count."""
    return (r.get("task"), r["question"], r["answer"], [f["text"] for f in r.get("facts", [])])


def load(path):
    try:
        with open(path) as f:
            return [json.loads(l) for l in f if l.strip()]
    except (OSError, ValueError) as e:
        raise SystemExit(f"paired-compare.py: cannot read {path}: {e}")


def paired_rows(this, other):
    """The two files' rows, row i of one with row i of the other; stops unless they score the same documents."""
    a, b = load(this), load(other)
    try:
        if len(a) != len(b) or any(identity(x) != identity(y) for x, y in zip(a, b)):
            raise SystemExit(f"paired-compare.py: {this} and {other} do not score the same documents")
    except (KeyError, TypeError, AttributeError) as e:
        raise SystemExit(f"paired-compare.py: {this} or {other} is not an rmt-train eval --predictions file ({type(e).__name__}: {e})")
    return list(zip(a, b))


def per_task(pairs, score):
    """{task: [n, *sums of score's values]} with an "all" row last (dropped when it repeats the one task).
    score(x, y) -> a tuple of numbers for one document pair."""
    cells = collections.OrderedDict()
    for x, y in pairs:
        values = score(x, y)
        for task in (x.get("task", "?"), "all"):
            c = cells.setdefault(task, [0] * (1 + len(values)))
            c[0] += 1
            for i, v in enumerate(values): c[i + 1] += v
    cells.move_to_end("all")
    if len(cells) == 2:
        del cells["all"]  # one task: "all" repeats it
    return cells


def compare(this, other):
    """[(task, n, right_this, right_other, only_this, only_other, p)], the last row over all tasks ("all")."""
    def right(x, y):  # right here, right there, only here, only there
        return (x["correct"], y["correct"], x["correct"] and not y["correct"], y["correct"] and not x["correct"])
    try:
        cells = per_task(paired_rows(this, other), right)
    except (KeyError, TypeError, AttributeError) as e:
        raise SystemExit(f"paired-compare.py: {this} or {other} is not an rmt-train eval --predictions file ({type(e).__name__}: {e})")
    return [(t, n, rh, rt, oh, ot, mcnemar(oh, ot)) for t, (n, rh, rt, oh, ot) in cells.items()]


def answer_rank(r):
    """The right answer's rank among the row's labels by logit (1 = the top; ties share the better rank)."""
    logits = r["logits"]
    return 1 + sum(v > logits[r["answer"]] for v in logits.values())


def compare_ranks(this, other):
    """[(task, n, mrr_this, mrr_other, higher_this, higher_other, p)] over the documents compare() pairs."""
    def ranks(x, y):  # 1/rank here, 1/rank there, ranked higher here, ranked higher there
        rx, ry = answer_rank(x), answer_rank(y)
        return (1 / rx, 1 / ry, rx < ry, ry < rx)
    try:
        cells = per_task(paired_rows(this, other), ranks)
    except (KeyError, TypeError, AttributeError) as e:
        raise SystemExit(f"paired-compare.py: --rank needs each row's logits and answer ({type(e).__name__}: {e})")
    return [(t, n, sx / n, sy / n, hx, hy, mcnemar(hx, hy)) for t, (n, sx, sy, hx, hy) in cells.items()]


if __name__ == "__main__":
    p = argparse.ArgumentParser(description="Paired comparison of two rmt-train eval --predictions files.")
    p.add_argument("this"); p.add_argument("other"); p.add_argument("--json", action="store_true")
    p.add_argument("--rank", action="store_true", help="also compare the right answer's rank among the labels")
    args = p.parse_args()
    rows = compare(args.this, args.other)
    ranks = compare_ranks(args.this, args.other) if args.rank else []
    keys = ("task", "documents", "right", "right_other", "only_this", "only_other", "p")
    rank_keys = ("task", "documents", "mrr", "mrr_other", "higher_this", "higher_other", "p")
    if args.json:
        for r in rows: print(json.dumps(dict(zip(keys, r))))
        for r in ranks: print(json.dumps({"rank": True, **dict(zip(rank_keys, r))}))
        sys.exit()
    print("| task | documents | right here | right there | only here | only there | McNemar exact p |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for t, n, rh, rt, oh, ot, pv in rows:
        print(f"| {t} | {n} | {rh} | {rt} | {oh} | {ot} | {pv:.4f} |")
    if ranks:
        print("\n| task | documents | right answer's MRR here | there | ranked higher here | there | sign test exact p |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for t, n, mh, mt, hh, ht, pv in ranks:
            print(f"| {t} | {n} | {mh:.3f} | {mt:.3f} | {hh} | {ht} | {pv:.4f} |")
