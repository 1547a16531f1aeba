#!/usr/bin/env python3
"""qa3-errors.py — what kind of qa3 answers a model gives, from `rmt-train eval --predictions`.

Usage: Scripts/qa3-errors.py FILE.jsonl [FILE.jsonl ...]
  Replays each babi-qa3 story of the file (who is where, who holds what, where each object has
  been) and checks the replay against the file's own answer, so the sorting below is trusted only
  where it agrees. A qa3 question asks "Where was the OBJ before the ROOM?": the room the object
  was in before it last arrived in ROOM. Each answer is sorted as right, the question's own room,
  the object's room at the end, another room the object was in, a room the object never was in,
  or `unknown`; and the documents by how many segments lie between the last segment and the fact
  that put the object in the answer room (a pickup there, or its holder walking in) and the fact
  that moved it out: 0 means the final segment read it, so that fact needed no memory; and by how
  the object came into the answer room — carried in by its holder, or picked up there by someone
  whose room was said in the same segment or segments before (qa2's "taken there" case, where the
  memory must have kept a person's room before anything made it matter).
"""
import json, re, sys, collections

MOVE = re.compile(r"^(\w+) (?:went back to|went to|travelled to|journeyed to|moved to) the (\w+)\.$")
GET = re.compile(r"^(\w+) (?:grabbed|picked up|took|got) the (\w+)(?: there)?\.$")
DROP = re.compile(r"^(\w+) (?:left|dropped|discarded|let go of|put down) the (\w+)(?: there)?\.$")
QUESTION = re.compile(r"^Where was the (\w+) before the (\w+)\?$")


def replay(facts, obj, target):
    """(answer or None, segment of the fact that put the object in the answer room, how it came
    there, segment of the fact that moved it out, final room of the object, set of rooms the object
    was in)"""
    where, holder = {}, {}  # person -> room, object -> person holding it
    history = []  # [(room, segment of the fact that put the object there)]

    said = {}  # person -> segment of the fact that put them where they are
    how = []   # per history entry: "carried in" or "taken there, room said in the same segment" / "… earlier"

    def arrive(o, room, seg, person, pickup):
        if o == obj and room is not None and (not history or history[-1][0] != room):
            history.append((room, seg))
            how.append("carried in" if not pickup else
                       "taken there, room said in the same segment" if said[person] == seg else
                       "taken there, room said segments before")

    for f in facts:
        t, seg = f["text"], f["segment"]
        if m := MOVE.match(t):
            p, room = m.groups()
            where[p], said[p] = room, seg
            for o, h in holder.items():
                if h == p:
                    arrive(o, room, seg, p, False)
        elif m := GET.match(t):
            p, o = m.groups()
            holder[o] = p
            arrive(o, where.get(p), seg, p, True)
        elif m := DROP.match(t):
            p, o = m.groups()
            holder.pop(o, None)  # it stays in the room it is in: history already ends there
        else:
            raise ValueError(f"unparsed fact: {t!r}")
    last = max((i for i, (room, _) in enumerate(history) if room == target and i > 0), default=None)
    if last is None:
        return None, None, None, None, None, {r for r, _ in history}
    return (history[last - 1][0], history[last - 1][1], how[last - 1], history[last][1], history[-1][0],
            {r for r, _ in history})


def sort(path):
    try:
        rows = [json.loads(line) for line in open(path) if line.strip()]
    except (OSError, ValueError) as e:
        sys.exit(f"qa3-errors.py: cannot read {path}: {e}")
    if not any(r.get("task") == "babi-qa3" for r in rows):
        sys.exit(f"qa3-errors.py: {path} holds no babi-qa3 documents")
    kinds, agree = collections.Counter(), 0
    by_distance = collections.defaultdict(lambda: [0, 0])
    for r in rows:
        if r.get("task") != "babi-qa3":
            continue
        question = QUESTION.match(r.get("question", ""))
        if question is None or "facts" not in r:
            sys.exit(f"qa3-errors.py: {path}: document {r.get('index')} has no qa3 question or no facts "
                     "(read it from `rmt-train eval --task babi-qa3 --predictions FILE`)")
        obj, target = question.groups()
        try:
            answer, entered_at, entry, left_at, final, rooms = replay(r["facts"], obj, target)
        except ValueError as e:
            sys.exit(f"qa3-errors.py: {path}: document {r.get('index')}: {e}")
        if answer != r["answer"]:
            kinds["replay disagrees (not sorted)"] += 1
            continue
        agree += 1
        p = r["predicted"]
        kind = ("right" if p == answer else "unknown" if p == "unknown" else
                "the question's room" if p == target else "the object's final room" if p == final else
                "another room the object was in" if p in rooms else "a room the object never was in")
        kinds[kind] += 1
        by_distance["entry", entry][0] += p == answer
        by_distance["entry", entry][1] += 1
        for key, seg in (("entered", entered_at), ("left", left_at)):
            d = r["segments"] - 1 - seg
            band = "0" if d == 0 else "1-3" if d <= 3 else "4-7" if d <= 7 else "8+"
            by_distance[key, band][0] += p == answer
            by_distance[key, band][1] += 1
    total = sum(r.get("task") == "babi-qa3" for r in rows)
    print(f"{path}: {total} qa3 documents, the replay gives the file's answer for {agree}")
    for k, v in kinds.most_common():
        print(f"  {k:34s} {v}")
    for key, what in (("entered", "the object came into the answer room"), ("left", "it left that room")):
        print(f"  right by segments from where {what} to the last: " +
              ", ".join(f"{b}: {by_distance[key, b][0]}/{by_distance[key, b][1]}"
                        for b in ("0", "1-3", "4-7", "8+") if by_distance[key, b][1]))
    print("  right by how the object came into the answer room: " +
          ", ".join(f"{k[1]}: {v[0]}/{v[1]}" for k, v in sorted(by_distance.items()) if k[0] == "entry"))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: qa3-errors.py FILE.jsonl [FILE.jsonl ...]")
    for path in sys.argv[1:]:
        sort(path)
