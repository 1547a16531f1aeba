#!/usr/bin/env python3
"""predictions-to-ledger.py — documents read one by one elsewhere, into an evaluation ledger.

Usage: Scripts/predictions-to-ledger.py LEDGER PRED.jsonl... --model DIR --seed N --precision P
                                        [--header-from OTHER_LEDGER]
  PRED files are `rmt-train eval --first I --samples 1 --predictions` output (Scripts/device/eval.sh
  collects them per task): each row one document of the seeded stream, with its index. Every
  document the ledger does not hold yet becomes one ledger batch of that document alone, with the
  fields rmt-train writes (correct, tokens, wrong, other_person, answered_unknown), so
  `rmt-train eval --report` counts it like any other and a later `rmt-train eval --ledger` run
  continues after the first gap. A document twice in PRED must agree with itself.
  The ledger's header must be that of the run the predictions came from: --model's
  model.safetensors must have the header's FNV-1a 64, and --seed / --precision (fp32 or bf16, as
  the predictions were read) the header's. A ledger not there yet takes its header from
  --header-from (the same model, seed, noise and precision, another task). The noise cannot be
  checked here (its fingerprint is rmt-train's): the caller names the noise folder the ledger's
  header names. The ledger is rewritten atomically (a temporary file, then rename).
"""
import argparse, json, os, tempfile

OFFSET, PRIME, MASK = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1


def fnv1a64(path):
    h = OFFSET
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            for b in chunk:
                h = ((h ^ b) * PRIME) & MASK
    return f"{h:016x}"


def fail(message):
    raise SystemExit(f"predictions-to-ledger.py: {message}")


def main():
    p = argparse.ArgumentParser(description="Append documents read one by one to an rmt-train eval ledger.")
    p.add_argument("ledger"); p.add_argument("predictions", nargs="+")
    p.add_argument("--model", required=True); p.add_argument("--seed", type=int, required=True)
    p.add_argument("--precision", choices=["fp32", "bf16"], required=True)
    p.add_argument("--header-from")
    args = p.parse_args()

    if os.path.exists(args.ledger):
        lines = [l for l in open(args.ledger).read().splitlines() if l.strip()]
    elif args.header_from:
        lines = [open(args.header_from).readline().strip()]
    else:
        fail(f"{args.ledger} is not there; give --header-from a ledger of the same run")
    try:
        header = json.loads(lines[0]); batches = [json.loads(l) for l in lines[1:]]
        held = {(b["task"], b["segments"], i) for b in batches for i in range(b["first"], b["first"] + b["count"])}
    except (ValueError, IndexError, KeyError, TypeError, AttributeError):
        fail(f"{args.ledger} (or its --header-from) is not an rmt-train eval ledger")
    if header.get("ledger") != "rmt-eval":
        fail("the first line is not a ledger header")
    if header.get("seed") != args.seed:
        fail(f"the ledger's seed is {header.get('seed')}, the predictions' {args.seed}")
    if header.get("precision", "fp32") != args.precision:
        fail(f"the ledger was read in {header.get('precision', 'fp32')}, the predictions in {args.precision}")
    fnv = fnv1a64(os.path.join(args.model, "model.safetensors"))
    if header.get("model_fnv") != fnv:
        fail(f"{args.model} (FNV {fnv}) is not the ledger's model ({header.get('model_fnv')})")

    new = {}
    for path in args.predictions:
        try:
            for r in (json.loads(l) for l in open(path) if l.strip()):
                key = (r["task"], r["segments"], r["index"])
                # The batch fields, built now so that a row lacking one is refused before anything is written.
                right = bool(r["correct"])
                batch = {"answered_unknown": int(not right and r["predicted"] == "unknown" and r["answer"] != "unknown"),
                         "correct": int(right), "count": 1, "first": r["index"],
                         "other_person": int(bool(r.get("other_person"))), "segments": r["segments"],
                         "task": r["task"], "tokens": r["document_tokens"], "wrong": [] if right else [r["index"]]}
                if key in new and new[key]["correct"] != batch["correct"]:
                    fail(f"document {key} is in the predictions twice with different answers")
                new[key] = batch
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            fail(f"{path} is not an rmt-train eval --predictions file ({type(e).__name__}: {e})")
    fresh = [new[key] for key in sorted(new) if key not in held]
    batches += fresh
    added = len(fresh)
    folder = os.path.dirname(os.path.abspath(args.ledger))
    with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp") as f:
        f.write(lines[0] + "\n")
        for b in batches:
            f.write(json.dumps(b, separators=(",", ":"), sort_keys=True) + "\n")
    os.replace(f.name, args.ledger)
    print(f"{args.ledger}: {added} documents added ({len(new) - added} already held)")


if __name__ == "__main__":
    main()
