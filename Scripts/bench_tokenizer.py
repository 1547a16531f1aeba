#!/usr/bin/env python3
"""bench_tokenizer.py — Hugging Face `tokenizers` single-threaded throughput, to compare with
`rmt-tool bench-tokenizer` on the same file and vocab.

Encodes the whole text file as one string (BertWordPieceTokenizer, no special tokens added) --repeat
times after one warm-up and prints one JSON line with the median, like rmt-tool does. Threads are
pinned to one (RAYON_NUM_THREADS=1, TOKENIZERS_PARALLELISM=false are set before the import).
It needs a Python with `tokenizers` (e.g. /root/venv-ref/bin/python); it is not run in CI.

    python Scripts/bench_tokenizer.py --vocab Fixtures/tokenizer/vocab.txt --text FILE [--repeat 5] [--cased]
        [--split none|paragraphs|lines]
"""
import argparse
import json
import os
import statistics
import sys
import time

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import tokenizers  # noqa: E402
from tokenizers import BertWordPieceTokenizer  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", required=True)
    parser.add_argument("--text", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cased", action="store_true")
    parser.add_argument("--split", choices=["none", "paragraphs", "lines"], default="none",
                        help="encode the whole text as one string (default), or each paragraph / line "
                             "separately in a single-threaded loop")
    args = parser.parse_args()
    if args.repeat < 1:
        sys.exit("--repeat must be at least 1")

    tokenizer = BertWordPieceTokenizer(args.vocab, lowercase=not args.cased)
    with open(args.text, "rb") as f:
        data = f.read()
    text = data.decode("utf-8", "replace")

    pieces = {"none": [text], "paragraphs": text.split("\n\n"), "lines": text.split("\n")}[args.split]

    def encode_all():
        return sum(len(tokenizer.encode(piece, add_special_tokens=False).ids) for piece in pieces)

    tokens = encode_all()  # warm-up
    seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        tokens = encode_all()
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    print(json.dumps({
        "tool": "tokenizers %s" % tokenizers.__version__,
        "lowercase": not args.cased,
        "split": args.split,
        "bytes": len(data),
        "tokens": tokens,
        "repeat": args.repeat,
        "seconds": round(median, 6),
        "tokens_per_second": round(tokens / median),
        "mb_per_second": round(len(data) / 1e6 / median, 3),
    }))


if __name__ == "__main__":
    main()
