#!/usr/bin/env python3
"""perturb-model.py — a fine-tune's weight change, measured and replayed with its signs shuffled.

Is a fine-tune's loss held out the work of its direction, or would any change of its size do the
same? Given BASE (the model a fine-tune started from) and TUNED (the fine-tune), the change per
element is d = TUNED − BASE. This writes

    --mode signs      OUT = BASE + scale · |d| · s,   s = ±1 per element, drawn from --seed
                      (the same magnitude at every element — which rows, which tensors, how far —
                      in a random direction: the control for "any change of this size")
    --mode direction  OUT = BASE + scale · d          (scale 1 = TUNED, 0.5 = halfway, −1 = away)

with --only / --except REGEX the change kept only in the tensors whose names match / do not
match (the rest stay BASE's). --report prints each tensor's relative change rms(d) / rms(BASE),
largest first. Both folders hold config.json and model.safetensors of one architecture; OUT gets
BASE's config.json and vocab.txt and float32 weights. Needs numpy and safetensors (not used by CI).

    perturb-model.py BASE TUNED --report
    perturb-model.py BASE TUNED --mode signs --seed 1 --out DIR
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

import numpy as np
from safetensors.numpy import load_file, save_file


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("base")
    p.add_argument("tuned")
    p.add_argument("--mode", choices=["signs", "direction"])
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out")
    p.add_argument("--only", help="change only the tensors whose name matches this regular expression")
    p.add_argument("--except", dest="skip", help="leave the tensors whose name matches this one as BASE")
    p.add_argument("--report", action="store_true", help="print the relative change per tensor")
    a = p.parse_args()
    if not a.report and not (a.mode and a.out):
        p.error("give --report, or --mode and --out")
    try:
        base = load_file(os.path.join(a.base, "model.safetensors"))
        tuned = load_file(os.path.join(a.tuned, "model.safetensors"))
    except (OSError, ValueError) as e:
        print(f"perturb-model.py: {e}", file=sys.stderr)
        return 1
    if set(base) != set(tuned) or any(base[k].shape != tuned[k].shape for k in base):
        print("perturb-model.py: the two models' tensors differ in names or shapes", file=sys.stderr)
        return 1
    rng = np.random.default_rng(a.seed)
    out, rows = {}, []
    for name in sorted(base):  # sorted: the sign draw depends on the seed alone
        b = base[name].astype(np.float64)
        d = tuned[name].astype(np.float64) - b  # (shape of the tensor)
        if (a.only and not re.search(a.only, name)) or (a.skip and re.search(a.skip, name)):
            d = np.zeros_like(d)
        rms_b = float(np.sqrt(np.mean(b * b)))
        rows.append((float(np.sqrt(np.mean(d * d))) / rms_b if rms_b > 0 else 0.0, name))
        if a.mode == "signs":
            signs = rng.integers(0, 2, size=d.shape) * 2 - 1  # ±1, (shape of the tensor)
            out[name] = (b + a.scale * np.abs(d) * signs).astype(np.float32)
        elif a.mode == "direction":
            out[name] = (b + a.scale * d).astype(np.float32)
    if a.report:
        for rel, name in sorted(rows, reverse=True):
            print(f"{rel:.6f}  {name}")
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=a.out, suffix=".tmp")
        os.close(fd)
        save_file(out, tmp, metadata={"rmt.perturb": f"{a.mode} scale {a.scale} seed {a.seed}: "
                                      f"{a.base} -> {a.tuned}, only {a.only}, except {a.skip}"})
        os.replace(tmp, os.path.join(a.out, "model.safetensors"))  # atomic
        for f in ("config.json", "vocab.txt"):
            if os.path.exists(os.path.join(a.base, f)):
                shutil.copyfile(os.path.join(a.base, f), os.path.join(a.out, f))
        print(f"wrote {a.out}: {a.mode}, scale {a.scale}, seed {a.seed}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
