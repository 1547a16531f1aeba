"""bench_onnx.py — the ONNX Runtime peer for `rmt-tool bench`: the same Hugging Face BertModel
as Scripts/bench_torch.py (same config, seed and random weights), exported once to ONNX
(torch.onnx.export, opset 17, cached beside --cache) and run with onnxruntime's CPU provider,
all graph optimisations, 2 intra-op threads, batch 1, 512-token segments, fp32. Prints one JSON
line with the same fields as the Swift bench.

    python Scripts/bench_onnx.py --config small --segments 20
Needs a venv with torch, transformers, onnx and onnxruntime (never needed by CI).
"""
import argparse, json, os, resource, statistics, tempfile, time
import numpy as np
import torch
import onnxruntime as ort
from transformers import BertConfig, BertModel
from bench_torch import PRESETS, flops

def export(config, seq_len, path):
    torch.manual_seed(1)
    cfg = BertConfig(vocab_size=30522, max_position_embeddings=512, attn_implementation="eager", **PRESETS[config])
    model = BertModel(cfg, add_pooling_layer=False).eval()
    ids = torch.randint(0, cfg.vocab_size, (1, seq_len))
    class LastHidden(torch.nn.Module):  # one tensor in, one out: the graph ONNX Runtime runs
        def __init__(self, bert):
            super().__init__()
            self.bert = bert
        def forward(self, input_ids):
            return self.bert(input_ids=input_ids).last_hidden_state
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(LastHidden(model), (ids,), tmp, input_names=["input_ids"], output_names=["last_hidden_state"],
                          opset_version=17, dynamo=False)
    os.replace(tmp, path)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="small", choices=PRESETS)
    ap.add_argument("--segments", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seq-len", type=int, default=512)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "rmt-bench"))
    a = ap.parse_args()
    os.makedirs(a.cache, exist_ok=True)
    path = os.path.join(a.cache, f"bert-{a.config}-{a.seq_len}.onnx")
    if not os.path.exists(path):
        export(a.config, a.seq_len, path)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = a.threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    ids = np.random.default_rng(1).integers(0, 30522, size=(1, a.seq_len), dtype=np.int64)
    times = []
    for i in range(a.warmup + a.segments):
        t0 = time.perf_counter()
        sess.run(None, {"input_ids": ids})
        dt = time.perf_counter() - t0
        if i >= a.warmup:
            times.append(dt)
    med = statistics.median(times)
    print(json.dumps({"impl": "onnxruntime", "config": a.config, "seq_len": a.seq_len, "segments": a.segments,
                      "ms_per_segment": round(med * 1000, 3), "ms_min": round(min(times) * 1000, 3),
                      "tokens_per_second": round(a.seq_len / med, 3),
                      "gflops": round(flops(PRESETS[a.config], a.seq_len) / med / 1e9, 3),
                      "threads": a.threads, "precision": "fp32",
                      "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "onnxruntime": ort.__version__, "torch": torch.__version__}))

if __name__ == "__main__":
    main()
