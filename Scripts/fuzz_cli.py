#!/usr/bin/env python3
"""fuzz_cli.py — a black-box fuzz pass over the three command-line tools and model folders.

Runs rmt-ask, rmt-train (train, eval) and every rmt-tool subcommand with random arguments
(options read from each command's --help; values drawn from pools of odd numbers, odd
paths, odd strings), and runs rmt-ask / rmt-tool inspect / rmt-train eval / rmt-train on
mutated model folders (config.json sizes, safetensors bytes, vocabularies, missing files,
symlinks to /dev/zero). Every run is bounded by a timeout. A finding is:

  crash       killed by a signal, or "Fatal error" / a backtrace on stderr
  timeout     the timeout hit before the command printed anything (a hang, or long work: review)
  raw-error   an error message that leaks Foundation's text ("Error Domain=", "The operation
              could not be completed", "You don't have permission" for a file that is readable)
  data-loss   an input file of the pool (text, model files, vocabulary) changed or vanished
  multi-line  a failing run whose error message (the lines that are not ArgumentParser's usage
              block) is longer than one line

Usage: Scripts/fuzz_cli.py [--runs N] [--seed S] [--timeout SEC] [--bin DIR] [--out DIR]
Writes DIR/findings.jsonl (one reproducible command per finding) and DIR/summary.json, and
prints the summary. Standard library only. Exit status 1 when there are findings.
"""
import argparse, json, os, random, re, shutil, signal, struct, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_options(help_text):
    """(options taking a value, flags, positional names) from ArgumentParser's --help."""
    values, flags, positionals = [], [], []
    section = None
    for line in help_text.splitlines():
        if re.match(r"^[A-Z]+:", line):
            section = line.split(":")[0]
            continue
        m = re.match(r"^\s{2}(-\w, )?(--[\w-]+)( <[\w-]+>)?", line)
        if m and section == "OPTIONS":
            name = m.group(2)
            if name in ("--help", "--version", "--generate-completion-script"):
                continue
            (values if m.group(3) else flags).append(name)
        m = re.match(r"^\s{2}<([\w-]+)>", line)
        if m and section == "ARGUMENTS":
            positionals.append(m.group(1))
    return values, flags, positionals


class Pools:
    """Value pools, keyed by what an option's name suggests."""

    def __init__(self, work, model, rng):
        self.work, self.model, self.rng = work, model, rng
        t = os.path.join(work, "text.txt")
        with open(t, "w") as f:
            f.write("Mary went to the garden. The day was long and quiet. " * 200)
        b = os.path.join(work, "binary.bin")
        with open(b, "wb") as f:
            f.write(bytes(rng.randrange(256) for _ in range(20000)))
        e = os.path.join(work, "empty.txt")
        open(e, "w").close()
        nul = os.path.join(work, "nul-then-text.txt")
        with open(nul, "wb") as f:
            f.write(b"\0" * 100000 + b"Mary went to the kitchen. " * 100)
        d = os.path.join(work, "a folder")
        os.makedirs(d, exist_ok=True)
        u = os.path.join(work, "ünï cødé.txt")
        shutil.copy(t, u)
        jl = os.path.join(work, "custom.jsonl")
        with open(jl, "w") as f:
            f.write('{"facts": ["Mary went to the garden."], "question": "Where is Mary?", "answer": "garden"}\n')
            f.write("{not json\n")
        vocab = os.path.join(model, "vocab.txt")
        self.files = [t, b, e, nul, d, u, jl, vocab, "/dev/null", "/dev/zero", "/nonexistent/x",
                      "", "-", os.path.join(model, "model.safetensors"), os.path.join(model, "config.json")]
        self.text, self.vocab = t, vocab
        self.text_bytes = open(t, "rb").read()
        # Inputs that no command may change: path -> bytes (restored after a finding).
        self.guarded = {p: open(p, "rb").read() for p in [t, b, e, nul, u, jl] +
                        [os.path.join(model, n) for n in os.listdir(model)]}

        self.models = [model]
        self.spare = os.path.join(work, "spare-model")  # an existing model folder to write over
        shutil.copytree(model, self.spare)
        self.numbers = ["0", "1", "-1", "2", "3", "-0", "1e6", "1e-9", "-1e-3", "nan", "inf", "-inf",
                        "99999999999999999999", "2147483648", "0.5", "0x10", "abc", "", " 7", "1,2"]
        self.strings = ["", "Where is Mary?", "?", "x" * 20000, "Où est Zoë ? 🙂", "-", "--", "\t\n",
                        "[CLS] [SEP] [MASK]"]

    def damaged(self, outputs):
        """Guarded inputs that changed or vanished, each restored. A file named as an output
        (--out/--plot/…) may be rewritten as a file; turned into a folder or removed, it is lost."""
        bad = []
        for p, data in self.guarded.items():
            ok = os.path.isfile(p) and not os.path.islink(p) and (open(p, "rb").read() == data or p in outputs)
            if not ok or (p in outputs and open(p, "rb").read() != data):
                if not ok:
                    bad.append(p)
                if os.path.isdir(p) and not os.path.islink(p):
                    shutil.rmtree(p)
                elif os.path.lexists(p):
                    os.remove(p)
                with open(p, "wb") as f:
                    f.write(data)
        return bad

    def fresh(self):
        return os.path.join(tempfile.mkdtemp(dir=self.work), self.rng.choice(["out", "o.svg", "x.json", "run"]))

    def value(self, option):
        r, n = self.rng, option.lstrip("-")
        if n in ("model",):
            return r.choice(self.models + self.files)
        if n in ("out", "output", "plot", "ledger"):
            return r.choice([self.fresh(), self.fresh(), self.text, self.spare, "/dev/null", "/nonexistent/d/x",
                             os.path.join(self.work, "a folder")])
        if n in ("vocab",):
            return r.choice([self.vocab, self.vocab, self.text, "/dev/zero", "", "/nonexistent"])
        if n in ("noise", "eval-noise", "text", "custom", "metrics", "file", "path"):
            return r.choice(self.files)
        if n in ("task",):
            return r.choice(["memorize", "detect", "reasoning", "babi-qa1", "babi-qa2", "babi-qa3",
                             "memorize,detect", "custom:" + self.files[6], "custom:/nonexistent", "custom", "",
                             "memorize,memorize", "nope", ",", "memorize-distract", "detect-distract:3",
                             "detect-distract:0", "unknown", "counting", "flip-flop", "passkey", "needle", "recall", "parity",
                             "even-pairs", "cycle", "counting,memorize", "flip-flop,parity"])
        if n in ("position",):
            return r.choice(["absolute", "alibi", "kerple_log", "t5", "fire", "none", "cope", "dape", "dape:fire",
                             "dape:cope", "dape:", "x", ""])
        if n in ("position-temperature",):
            return r.choice(["none", "per_head", "log_n", "per_head_log_n", "x", ""])
        if n in ("question-layout",):
            return r.choice(["final-segment", "every-segment", "x", ""])
        if n in ("segment-length", "data-segment-length"):
            return r.choice(["499", "128", "32", "1", "0", "-1", "512", "100000", "128,256", "a", ""])
        if n in ("preset", "config"):
            return r.choice(["tiny", "tiny", "small", "base", "huge", "", "TINY"])
        if n in ("bptt",):
            return r.choice(["full", "truncated:2", "truncated:0", "truncated:-1", "truncated:x", "memory-efficient", "x"])
        if n in ("question", "title"):
            return r.choice(self.strings)
        if n in ("metadata",):
            return r.choice(["k=v", "=", "novalue", "a=b=c", "k=" + "v" * 5000])
        if n in ("labels",):
            return r.choice(["garden,kitchen", "", ",", "a", "a,a", ",".join(str(i) for i in range(500))])
        if n in ("segments",):
            return r.choice(["1", "1,2", "0", "-1", "1,,2", "2048", "a", "", "1,2,4,8"])
        return r.choice(self.numbers)


BOUNDS = {  # keep valid commands short: appended when the option was not drawn
    ("rmt-train", "train"): [("--max-steps-per-stage", "2"), ("--eval-every", "1"), ("--eval-samples", "2"),
                             ("--max-segments", "1"), ("--batch-size", "2")],
    ("rmt-train", "eval"): [("--samples", "2"), ("--batch-size", "2")],
    ("rmt-tool", "bench"): [("--segments", "1"), ("--warmup", "0"), ("--steps", "1")],
    ("rmt-tool", "profile"): [("--repeats", "1")],
    ("rmt-tool", "haystack"): [("--tokens", "2000")],
    ("rmt-tool", "bench-tokenizer"): [("--repeat", "1")],
}

NOISE_LINES = re.compile(r"^(Usage:|USAGE:|\s+See '|\s*$|Help:|\s{2,}\S)")


def judge(cmd, proc_rc, out, err, timed_out, silent_tail):
    """A list of (kind, detail) findings for one run."""
    found = []
    if timed_out:
        if silent_tail:
            found.append(("timeout", "no output before the timeout (a hang, or long work on a huge value: review)"))
        return found
    if proc_rc < 0 or proc_rc >= 128:
        found.append(("crash", f"exit {proc_rc}"))
    if re.search(r"Fatal error|Illegal instruction|Segmentation fault|Stack dump|💣|Crash|Backtrace", err):
        found.append(("crash", err.strip().splitlines()[0][:200] if err.strip() else "backtrace"))
    if re.search(r"Error Domain=|The operation could not be completed|NSCocoaErrorDomain|NSPOSIXErrorDomain", err):
        found.append(("raw-error", err.strip()[:200]))
    if proc_rc != 0:
        lines = [l for l in err.splitlines() if not NOISE_LINES.match(l)]
        if len(lines) > 1:
            found.append(("multi-line", " | ".join(lines[:4])[:300]))
    return found


def run(cmd, timeout, env, stdin_data=None):
    start = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE,
                         env=env, start_new_session=True)
    try:
        out, err = p.communicate(input=stdin_data, timeout=timeout)
        return p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), False, False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        # Output in the last half of the window means it was working, not stuck.
        silent = len(out) + len(err) == 0
        return -9, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), True, silent


def mutate_model(src, dst, rng):
    """A copy of the model folder with one damage; returns a description."""
    shutil.copytree(src, dst)
    cfg_path = os.path.join(dst, "config.json")
    cfg = json.load(open(cfg_path))
    kind = rng.choice(["config-size", "config-size", "config-type", "config-missing", "tensor-bytes",
                       "tensor-truncate", "vocab-short", "vocab-empty", "missing-file", "dev-zero", "config-junk"])
    if kind == "config-size":
        key = rng.choice([k for k, v in cfg.items() if isinstance(v, int)] or list(cfg))
        cfg[key] = rng.choice([0, -1, 1, 3, 1024, 4096, 10 ** 6, 2 ** 31, 2 ** 62])
        desc = f"config {key}={cfg[key]}"
    elif kind == "config-type":
        key = rng.choice(list(cfg))
        cfg[key] = rng.choice(["x", None, [], {}, 1.5, True])
        desc = f"config {key}={cfg[key]!r}"
    elif kind == "config-missing":
        key = rng.choice(list(cfg))
        del cfg[key]
        desc = f"config without {key}"
    elif kind == "config-junk":
        open(cfg_path, "w").write(rng.choice(["", "{", "[]", "null", "{\"hidden_size\": 1e999}"]))
        return "config.json junk"
    if kind.startswith("config"):
        json.dump(cfg, open(cfg_path, "w"))
        return desc
    st = os.path.join(dst, "model.safetensors")
    if kind == "tensor-bytes":
        data = bytearray(open(st, "rb").read())
        for _ in range(rng.choice([1, 4, 32])):
            i = rng.randrange(min(len(data), 8 + struct.unpack("<Q", bytes(data[:8]))[0] + 64))
            data[i] = rng.randrange(256)
        open(st, "wb").write(data)
        return "safetensors header/bytes flipped"
    if kind == "tensor-truncate":
        data = open(st, "rb").read()
        open(st, "wb").write(data[: rng.randrange(len(data))])
        return "safetensors truncated"
    if kind == "vocab-short":
        lines = open(os.path.join(dst, "vocab.txt")).read().splitlines()
        open(os.path.join(dst, "vocab.txt"), "w").write("\n".join(lines[: rng.randrange(len(lines))]) + "\n")
        return "vocab.txt truncated"
    if kind == "vocab-empty":
        open(os.path.join(dst, "vocab.txt"), "w").close()
        return "vocab.txt empty"
    if kind == "missing-file":
        f = rng.choice(os.listdir(dst))
        os.remove(os.path.join(dst, f))
        return f"missing {f}"
    if kind == "dev-zero":
        f = rng.choice(["model.safetensors", "vocab.txt", "config.json"])
        os.remove(os.path.join(dst, f))
        os.symlink("/dev/zero", os.path.join(dst, f))
        return f"{f} -> /dev/zero"
    return kind


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=600)
    ap.add_argument("--model-runs", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"))
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out_dir = a.out or tempfile.mkdtemp(prefix="rmt-fuzz-cli-")
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="rmt-fuzz-work-")
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
    env.pop("RMT_MODEL", None)
    tool = lambda name: os.path.join(a.bin, name)
    model = os.path.join(work, "tiny-model")
    rc, _, err, _, _ = run([tool("rmt-tool"), "create-model", "--preset", "tiny", "--out", model], 120, env)
    if rc != 0:
        sys.exit(f"fuzz_cli: could not create the tiny model: {err.strip()}")
    pools = Pools(work, model, rng)

    commands = [("rmt-ask", None), ("rmt-train", "train"), ("rmt-train", "eval")]
    commands += [("rmt-tool", s) for s in ["tokenize", "encode", "inspect", "bench", "bench-tokenizer", "haystack",
                                           "create-model", "export", "plot-metrics", "plot-eval", "profile", "sysinfo"]]
    grammar = {}
    for t, sub in commands:
        h = subprocess.run([tool(t)] + ([sub] if sub else []) + ["--help"], capture_output=True, text=True).stdout
        grammar[(t, sub)] = parse_options(h)

    findings, counts = [], {"runs": 0, "exit0": 0, "exit_nonzero": 0, "timeouts": 0}
    f_out = open(os.path.join(out_dir, "findings.jsonl"), "w")

    def record(cmd, res, note=""):
        rc, out, err, timed_out, silent = res
        counts["runs"] += 1
        counts["timeouts" if timed_out else ("exit0" if rc == 0 else "exit_nonzero")] += 1
        found = judge(cmd, rc, out, err, timed_out, silent)
        outputs = {cmd[i + 1] for i in range(len(cmd) - 1) if cmd[i] in ("--out", "--output", "--plot", "--ledger")}
        found += [("data-loss", f"{p} changed into something else or vanished") for p in pools.damaged(outputs)]
        for kind, detail in found:
            item = {"kind": kind, "detail": detail, "exit": rc, "note": note,
                    "command": " ".join(shlex_quote(c) for c in cmd)}
            findings.append(item)
            f_out.write(json.dumps(item, ensure_ascii=False) + "\n")
            f_out.flush()

    for i in range(a.runs):
        t, sub = rng.choice(commands)
        values, flags, positionals = grammar[(t, sub)]
        cmd = [tool(t)] + ([sub] if sub else [])
        for p in positionals:
            if rng.random() < 0.9:
                cmd.append(pools.value(p if p != "file" else "file"))
        chosen = rng.sample(values, k=min(len(values), rng.randrange(0, 5)))
        if t == "rmt-ask" and rng.random() < 0.8:
            chosen.append("--question")
        if (t, sub) in (("rmt-train", "eval"), ("rmt-tool", "encode")) and rng.random() < 0.8:
            chosen.append("--model")
        for o in chosen:
            cmd += [o, pools.value(o)]
            if rng.random() < 0.05:
                cmd += [o, pools.value(o)]  # a repeated option
        for fl in flags:
            if rng.random() < 0.2:
                cmd.append(fl)
        for o, v in BOUNDS.get((t, sub), []):
            if o not in cmd:
                cmd += [o, v]
        if rng.random() < 0.03:
            cmd.append(rng.choice(["--bogus", "extra", "-x", "--"]))
        stdin = pools.text_bytes if rng.random() < 0.3 else b""
        record(cmd, run(cmd, a.timeout, env, stdin), "args")

    for i in range(a.model_runs):
        dst = os.path.join(work, f"model-{i}")
        desc = mutate_model(model, dst, rng)
        t = rng.choice(["ask", "inspect", "eval", "train"])
        if t == "ask":
            cmd = [tool("rmt-ask"), pools.text, "-q", "Where is Mary?", "--model", dst]
        elif t == "inspect":
            cmd = [tool("rmt-tool"), "inspect", dst]
        elif t == "eval":
            cmd = [tool("rmt-train"), "eval", "--model", dst, "--segments", "1", "--samples", "2", "--batch-size", "2"]
        else:
            cmd = [tool("rmt-train"), "--model", dst, "--out", pools.fresh()] + sum(([o, v] for o, v in BOUNDS[("rmt-train", "train")]), [])
        record(cmd, run(cmd, a.timeout, env), "model folder: " + desc)

    summary = dict(counts, findings=len(findings), by_kind={k: sum(1 for f in findings if f["kind"] == k)
                                                             for k in ("crash", "timeout", "data-loss", "raw-error", "multi-line")},
                   seed=a.seed, timeout_s=a.timeout, out=out_dir)
    json.dump(summary, open(os.path.join(out_dir, "summary.json"), "w"), indent=1)
    print(json.dumps(summary))
    for f in findings[:40]:
        print(f"{f['kind']}: {f['detail']}\n    {f['note']}\n    {f['command'][:400]}")
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if findings else 0)


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


if __name__ == "__main__":
    main()
