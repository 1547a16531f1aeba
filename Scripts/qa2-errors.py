#!/usr/bin/env python3
"""qa2-errors.py — what kind of qa2 errors a model makes, on held-out prose.

Usage: Scripts/qa2-errors.py MODEL N OUT.json [--segment-length 128] [--tokens 450] [--bin DIR]
       Scripts/qa2-errors.py --predictions FILE.jsonl      (`rmt-train eval --predictions`)
  Makes N qa2 haystacks (rmt-tool haystack, technical writing never used in training, 10%
  adversarial sentences, seeds 1000…), asks each through rmt-ask (--json --top-k 3, reading
  segments of --segment-length tokens as the model was trained), writes every story, question,
  answer and reply to OUT.json, then replays each story as a reader would (the object's holder,
  the rooms everyone was said to be in) and sorts the wrong answers: `unknown`, the room where the
  object was last picked up although its holder moved since, an earlier room of the object, the
  last room the story mentions (recency), another room the last holder was in, another person's
  room, other; and the accuracy by whether the object is held at the end and how often its holder
  moved since picking it up. With OUT.json already there it only re-reads and re-sorts it.
  Slow part: rmt-tool tokenizes the noise folder for every haystack (~3 s each here).
  --predictions reads the documents `rmt-train eval --task babi-qa2 --predictions FILE` scored
  instead (any length, batched, no haystack files), and since those record each fact's reading
  segment it also sorts the documents by what the answer needs — the holder's last move after
  the "get" (carried), before it (taken there: the room was said before anyone knew it would
  matter), or before a drop (dropped) — and whether that move and the get/drop share a segment.
  Object probes (`rmt-train eval --probe --probe-objects --predictions FILE` on qa2 or qa3: the
  final segment asks where another object of the story is) are read the same way; the person
  probes of such a file are Scripts/probe-report.py's.
  --traces DIR (with --predictions): where each document went wrong, from `rmt-ask DOC --question Q
  --trace DIR/TASK-SEGMENTS-INDEX.trace.jsonl --trace-every 1` on the documents `rmt-train eval
  --documents` wrote (the answer if the document ended after each segment). The replay gives the
  segment after which the object's place is the final answer for good ("settled"); a document is
  right (at the end), lost (right at the settled segment or the next — rmt-ask splits the text
  itself, so a boundary may fall a segment apart — and wrong at the end: retention) or never
  (wrong already there: the composition failed when the facts were read).
  --against OTHER.jsonl (with --predictions; the same documents scored by another model, e.g. an
  A/B's control): the paired comparison — documents only this one / only OTHER answers right,
  and the exact two-sided McNemar (sign) test's p over those discordant documents, over all and
  within each kind of what the answer needs (carried, taken there, dropped: three tests, so a
  p near 0.05 in one kind is weaker evidence than the same p over all documents).
"""
import argparse, collections, importlib.util, json, os, re, subprocess

def make(args):
    noise = os.path.expanduser(args.noise)
    rows = []
    for seed in range(1000, 1000 + args.n):
        hs = f"/tmp/qa2-errors-{os.getpid()}.txt"
        meta = json.loads(subprocess.run([f"{args.bin}/rmt-tool", "haystack", "--task", "babi-qa2", "--tokens", str(args.tokens),
            "--noise", noise, "--adversarial-rate", "0.1", "--seed", str(seed), "--out", hs],
            capture_output=True, text=True, check=True).stdout)
        ask = json.loads(subprocess.run([f"{args.bin}/rmt-ask", hs, "-q", meta["question"], "--model", args.model,
            "--segment-length", str(args.segment_length), "--json", "--top-k", "3", "--quiet"],
            capture_output=True, text=True, check=True, env={**os.environ, "RMT_THREADS": "1"}).stdout)
        rows.append({"seed": seed, "question": meta["question"], "answer": meta["answer"],
                     "facts": [f["text"] for f in meta["facts"]],
                     "ask": {k: ask[k] for k in ("answer", "probability", "top", "segments", "tokens")}})
        os.remove(hs)
    tmp = args.out + ".tmp"
    json.dump(rows, open(tmp, "w"), indent=1)
    os.replace(tmp, args.out)
    return rows

def load_predictions(path):
    """The babi-qa2 lines of an `rmt-train eval --predictions` file, as rows `sort` reads."""
    rows = []
    for line in open(path, encoding="utf-8"):
        if not line.strip(): continue
        r = json.loads(line)
        # qa2's own documents, and object probes (`rmt-train eval --probe --probe-objects`): a bAbI
        # story of qa2 or qa3 whose final segment asks "Where is the OBJECT?" — a qa2 question
        if r["task"] not in ("babi-qa2", "babi-qa3") or not re.fullmatch(r"Where is the \w+\?", r["question"]):
            continue
        rows.append({"index": r["index"], "question": r["question"], "answer": r["answer"],
                     "facts": [f["text"].strip() for f in r["facts"]], "fact_segments": [f["segment"] for f in r["facts"]],
                     "segments": r["segments"], "ask": {"answer": r["predicted"], "probability": r["probability"]}})
    return rows

def sort(rows, traces=None):
    move = re.compile(r"^(\w+) (?:moved|went|went back|journeyed|travelled) to the (\w+)\.$")
    get = re.compile(r"^(\w+) (?:got|grabbed|took|picked up) the (\w+)(?: there)?\.$")
    drop = re.compile(r"^(\w+) (?:dropped|put down|let go of|discarded|left) the (\w+)(?: there)?\.$")
    stats = collections.Counter(); by = collections.defaultdict(lambda: [0, 0])
    needs = collections.defaultdict(lambda: {True: [0, 0], False: [0, 0]})
    traced = []  # (index, kind, settled, segments after it, turned after, answer, predicted) with traces
    need_of = {}  # index -> what the answer needs ("carried", "taken there", "dropped"), with fact_segments
    for r in rows:
        obj = re.match(r"Where is the (\w+)\?", r["question"]).group(1)
        visited = collections.defaultdict(list); last_holder = None
        room = {}; holder = {}; dropped = {}; last_room_said = None; event_room = None; moves_after = 0; history = []
        places = []  # the object's place after each fact (None while unknown)
        for f in r["facts"]:
            if m := move.match(f):
                room[m[1]] = m[2]; last_room_said = m[2]; visited[m[1]].append(m[2])
                if holder.get(obj) == m[1]: moves_after += 1
            elif m := get.match(f):
                holder[m[2]] = m[1]; dropped.pop(m[2], None)
                if m[2] == obj: event_room = room.get(m[1]); moves_after = 0; last_holder = m[1]
            elif m := drop.match(f):
                holder.pop(m[2], None); dropped[m[2]] = room.get(m[1])
                if m[2] == obj: event_room = room.get(m[1]); moves_after = 0
            now = room.get(holder[obj]) if obj in holder else dropped.get(obj)
            if now and (not history or history[-1] != now): history.append(now)
            places.append(now)
        held = obj in holder
        p = r["ask"]["answer"]; ok = p == r["answer"]
        if traces is not None:
            traced.append(trace_row(r, places, ok, traces))
        if "fact_segments" in r:  # what the answer needs, and whether it crosses a segment boundary
            seg = r["fact_segments"]; facts = r["facts"]
            def last(pattern, actor, before):
                return max(i for i in range(before) if (m := pattern.match(facts[i])) and m[1] == actor and (pattern is move or m[2] == obj))
            if held:
                g = last(get, holder[obj], len(facts)); mv = last(move, holder[obj], len(facts))
                need = ("carried" if mv > g else "taken there", seg[mv] == seg[g])
            else:
                d = last(drop, next(m[1] for f in reversed(facts) if (m := drop.match(f)) and m[2] == obj), len(facts))
                mv = last(move, drop.match(facts[d])[1], d)
                need = ("dropped", seg[mv] == seg[d])
            cell = needs[need[0]][need[1]]; cell[0] += ok; cell[1] += 1
            need_of[r["index"]] = need[0]
        key = ("held" if held else "dropped") + (f", holder moved {min(moves_after,2)}{'+' if moves_after>=2 else ''}x since" if held else "")
        by[key][0] += ok; by[key][1] += 1
        stats["correct" if ok else "wrong"] += 1
        if not ok:
            if p == "unknown": cat = "unknown"
            elif p == event_room and held and moves_after > 0: cat = "room where it was picked up (holder moved since)"
            elif p in history[:-1]: cat = "an earlier room of the object"
            elif p == last_room_said: cat = "the last room the story mentions"
            elif last_holder and p in visited[last_holder]: cat = "another room the last holder was in"
            elif p in room.values(): cat = "another person's room"
            else: cat = "other"
            stats["wrong: " + cat] += 1
    n = len(rows)
    print(f"{n} documents: {stats['correct']} correct ({stats['correct']/n:.2f})")
    for k, v in sorted(stats.items()):
        if k.startswith("wrong: "): print(f"  {k}: {v}")
    for k, (c, t) in sorted(by.items()): print(f"  {k}: {c}/{t} = {c/t:.2f}")
    if needs:
        print("  what the answer needs (the holder's last move and the get/drop): same segment | other segments")
        for k in ("carried", "taken there", "dropped"):
            if k not in needs: continue
            cells = [f"{c}/{t} = {c/t:.2f}" if t else "-" for c, t in (needs[k][True], needs[k][False])]
            print(f"    {k}: {cells[0]} | {cells[1]}")
    if traces is not None:
        print("index  kind   settled  segments-after  turned-after  answer    predicted")
        for t in traced:
            print(f"{t[0]:5d}  {t[1]:5s}  {t[2]:7d}  {t[3]:14d}  {str(t[4]) if t[4] is not None else '-':>12s}  {t[5]:8s}  {t[6]}")
        for k in ("right", "lost", "never"):
            print(f"{k}: {sum(1 for t in traced if t[1] == k)}/{len(traced)}")
    return need_of

def trace_row(r, places, ok, traces):
    """One document of --traces: the replayed places, its trace file, and where it went wrong."""
    if not places or places[-1] != r["answer"]:
        raise SystemExit(f"qa2-errors.py: the replay gives {places[-1] if places else None} for document {r['index']}, answer {r['answer']}")
    settled = None  # the first fact's segment from which the replayed place stays the answer
    for seg, place in zip(r["fact_segments"], places):
        if place != r["answer"]: settled = None
        elif settled is None: settled = seg
    path = os.path.join(traces, f"babi-qa2-{r['segments']}-{r['index']}.trace.jsonl")
    by_seg = {t["segments"] - 1: t["answer"] for t in map(json.loads, open(path))}  # after segment k (0-based)
    right_at = next((k for k in (settled, settled + 1) if by_seg.get(k) == r["answer"]), None)
    kind = "right" if ok else "lost" if right_at is not None else "never"
    turned = None
    if kind == "lost":
        turned = next(k for k in range(right_at, max(by_seg) + 1) if by_seg.get(k) != r["answer"]) - settled
    return (r["index"], kind, settled, r["segments"] - 1 - settled, turned, r["answer"], r["ask"]["answer"])

def paired(this, other, need_of):
    """Paired comparison of two predictions files over the same documents (Scripts/paired-compare.py),
    over all and within each kind of what the answer needs (`need_of`, from `sort`)."""
    spec = importlib.util.spec_from_file_location("paired_compare", os.path.join(os.path.dirname(__file__), "paired-compare.py"))
    pc = importlib.util.module_from_spec(spec); spec.loader.exec_module(pc)
    _, n, right, right_other, only_this, only_other, p = pc.compare(this, other)[-1]
    print(f"\n## paired against {other}")
    print(f"  right: {right} here, {right_other} there, of {n}; "
          f"only here {only_this}, only there {only_other}; McNemar exact p = {p:.4f}")
    if not need_of: return
    ok = {r["index"]: r["ask"]["answer"] == r["answer"] for r in load_predictions(this)}
    ok_other = {r["index"]: r["ask"]["answer"] == r["answer"] for r in load_predictions(other)}
    for kind in ("carried", "taken there", "dropped"):  # each kind's own test: read as one of three
        docs = [i for i, k in need_of.items() if k == kind]
        if not docs: continue
        here = sum(ok[i] and not ok_other[i] for i in docs); there = sum(ok_other[i] and not ok[i] for i in docs)
        print(f"  {kind}: {sum(ok[i] for i in docs)} here, {sum(ok_other[i] for i in docs)} there, of {len(docs)}; "
              f"only here {here}, only there {there}; McNemar exact p = {pc.mcnemar(here, there):.4f}")

if __name__ == "__main__":
    p = argparse.ArgumentParser(description="Sort a model's qa2 errors on held-out prose.")
    p.add_argument("model", nargs="?"); p.add_argument("n", type=int, nargs="?"); p.add_argument("out", nargs="?")
    p.add_argument("--predictions", help="an `rmt-train eval --predictions` file to sort instead of making haystacks")
    p.add_argument("--segment-length", type=int, default=128); p.add_argument("--tokens", type=int, default=450)
    p.add_argument("--noise", default="~/.cache/rmt/noise/technical/eval")
    p.add_argument("--bin", default=".build/release")
    p.add_argument("--against", help="with --predictions: another model's predictions of the same documents (paired test)")
    p.add_argument("--traces", help="with --predictions: a folder of rmt-ask --trace files of those documents (where each went wrong)")
    args = p.parse_args()
    if args.predictions:
        need_of = sort(load_predictions(args.predictions), traces=args.traces)
        if args.against: paired(args.predictions, args.against, need_of)
        raise SystemExit
    if args.traces: p.error("--traces needs --predictions")
    if args.out is None: p.error("give MODEL N OUT.json, or --predictions FILE")
    rows = json.load(open(args.out)) if os.path.exists(args.out) else make(args)
    sort(rows)
