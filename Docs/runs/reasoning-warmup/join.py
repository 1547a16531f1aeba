#!/usr/bin/env python3
# join.py — joins the reasoning warm-up runs' metrics into one file for one plot:
#   1-reasoning-64 (reasoning only, 64-token segments), 2-mixture-64, 3-mixture-256, 4-mixture-499
# each shifted to start after the previous one's last step. Run 1 is a single task, so its
# validation accuracy is written as eval_accuracy_by_task {"reasoning": …} (that is what it is).
# Then: rmt-tool plot-metrics joined-metrics.jsonl --by-task --out ../../plots/reasoning-warmup.svg
import json, os

here = os.path.dirname(os.path.abspath(__file__))
offset, out = 0, []
for run in ["1-reasoning-64", "2-mixture-64", "3-mixture-256", "4-mixture-499"]:
    path = os.path.join(here, run, "metrics.jsonl")
    if not os.path.exists(path):
        continue
    last = 0
    for line in open(path):
        r = json.loads(line)
        last = r["step"]
        r["step"] += offset
        if "eval_accuracy" in r and "eval_accuracy_by_task" not in r:
            r["eval_accuracy_by_task"] = {"reasoning": r["eval_accuracy"]}
        out.append(r)
    offset += last
with open(os.path.join(here, "joined-metrics.jsonl"), "w") as f:
    for r in out:
        f.write(json.dumps(r, sort_keys=True) + "\n")
print(f"{len(out)} records, {offset} steps")
