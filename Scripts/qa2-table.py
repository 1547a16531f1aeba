#!/usr/bin/env python3
"""qa2-table.py — an A/B's held-out qa2 table from `rmt-train eval --predictions` files.

Usage: Scripts/qa2-table.py DIR CONTROL CANDIDATE... [--steps 200,300,400] [--control-dir DIR2]
  DIR holds one folder per held-out set (e.g. `plain/`, `memory-only/`), each with files
  NAME-stepN-segS.jsonl (Scripts/qa2-ab.sh's names: a snapshot NAME-stepN read at S segments).
  For every set, length and step where both CONTROL and a CANDIDATE were scored, prints a
  markdown row: the candidate's accuracy, the control's, the documents only the candidate / only
  the control answers right, and the exact McNemar p (Scripts/qa2-errors.py's test); then the
  mean over the steps both have. --control-dir reads CONTROL's files from DIR2's folders of the same
  names instead (a control scored in an earlier session). Checkpoint-to-checkpoint variation is ±4 points on 200
  documents here, so read the rows of several steps together, not one.
"""
import argparse, importlib.util, json, os, re

spec = importlib.util.spec_from_file_location("qa2_errors", os.path.join(os.path.dirname(__file__), "qa2-errors.py"))
qa2_errors = importlib.util.module_from_spec(spec); spec.loader.exec_module(qa2_errors)

def load(path):
    """index → correct, and the documents' identity (fact sentences, question, answer) to check both
    scored the same ones (a fact's segment is the reading's: qa2-ab.sh READ=N changes it)."""
    rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    return {r["index"]: r["correct"] for r in rows}, [([f["text"] for f in r["facts"]], r["question"], r["answer"]) for r in rows]

def pvalue(p):
    return "< 0.001" if p < 0.001 else f"{p:.3f}"

def cells(folder, name):
    """(segments, step) → path of NAME-stepN-segS.jsonl in folder."""
    found = {}
    for f in os.listdir(folder):
        m = re.fullmatch(re.escape(name) + r"-step(\d+)-seg(\d+)\.jsonl", f)
        if m: found[(int(m.group(2)), int(m.group(1)))] = os.path.join(folder, f)
    return found

if __name__ == "__main__":
    p = argparse.ArgumentParser(description="Held-out qa2 A/B table from predictions files.")
    p.add_argument("dir"); p.add_argument("control"); p.add_argument("candidates", nargs="+")
    p.add_argument("--steps", help="only these steps, e.g. 200,300,400")
    p.add_argument("--control-dir", help="read CONTROL's files from this folder's sets of the same names")
    args = p.parse_args()
    if not os.path.isdir(args.dir): raise SystemExit(f"qa2-table.py: {args.dir} is not a folder")
    try: steps = {int(s) for s in args.steps.split(",")} if args.steps else None
    except ValueError: raise SystemExit(f"qa2-table.py: --steps takes numbers separated by commas, got {args.steps!r}")
    rows = 0
    print("| held-out set | segments | candidate | step | candidate | control | only candidate / only control | McNemar p |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for held in sorted(os.listdir(args.dir)):
        folder = os.path.join(args.dir, held)
        if not os.path.isdir(folder): continue
        control_folder = os.path.join(args.control_dir, held) if args.control_dir else folder
        control = cells(control_folder, args.control) if os.path.isdir(control_folder) else {}
        for cand in args.candidates:
            mine = cells(folder, cand)
            for segs in sorted({s for s, _ in mine}):
                pooled = []
                for step in sorted(t for s, t in mine if s == segs):
                    if (segs, step) not in control or (steps and step not in steps): continue
                    (a, docs_a), (c, docs_c) = load(mine[(segs, step)]), load(control[(segs, step)])
                    if docs_a != docs_c:
                        raise SystemExit(f"qa2-table.py: {mine[(segs, step)]} and {control[(segs, step)]} do not score the same documents")
                    only_a = sum(1 for i in a if a[i] and not c[i]); only_c = sum(1 for i in a if c[i] and not a[i])
                    acc_a, acc_c = sum(a.values()) / len(a), sum(c.values()) / len(c)
                    pooled.append((acc_a, acc_c)); rows += 1
                    print(f"| {held} | {segs} | {cand} | {step} | {acc_a:.3f} | {acc_c:.3f} | {only_a} / {only_c} | {pvalue(qa2_errors.mcnemar(only_a, only_c))} |")
                if len(pooled) > 1:
                    print(f"| {held} | {segs} | {cand} | mean of {len(pooled)} | {sum(x for x, _ in pooled) / len(pooled):.3f} "
                          f"| {sum(y for _, y in pooled) / len(pooled):.3f} | | |")
    if rows == 0: raise SystemExit(f"qa2-table.py: no step of {', '.join(args.candidates)} scored beside {args.control} in {args.dir}")
