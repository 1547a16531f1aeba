"""bench_torch.py — the PyTorch reference for `rmt-tool bench`: Hugging Face BertModel with
random weights over 512-token segments, batch 1, torch.inference_mode, 2 threads; fp32, or
bf16 through `torch.autocast("cpu", dtype=torch.bfloat16)` with --precision bf16 (oneDNN's
AVX512-BF16/AMX kernels where the CPU has them).
Prints one JSON line with the same fields as the Swift bench. --attn picks the attention
implementation of transformers: sdpa (its default) or eager; Scripts/bench.sh runs both and
compares Swift with the faster.

    python Scripts/bench_torch.py --config small --segments 20 [--attn eager] [--precision bf16]
Needs a venv with torch + transformers (never needed by CI).
"""
import argparse, contextlib, json, resource, statistics, time
import torch
from transformers import BertConfig, BertModel

PRESETS = {
    "tiny": dict(hidden_size=128, num_hidden_layers=2, num_attention_heads=2, intermediate_size=512),
    "small": dict(hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024),
    "minilm": dict(hidden_size=384, num_hidden_layers=6, num_attention_heads=12, intermediate_size=1536),  # Models/default
    "base": dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072),
}

def flops(c, T):
    C, F = c["hidden_size"], c["intermediate_size"]
    return c["num_hidden_layers"] * (2 * T * C * 3 * C + 4 * T * T * C + 2 * T * C * C + 4 * T * C * F)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="small", choices=PRESETS)
    ap.add_argument("--segments", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seq-len", type=int, default=512)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--attn", default="sdpa", choices=["sdpa", "eager"])
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    a = ap.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(a.threads)
    cfg = BertConfig(vocab_size=30522, max_position_embeddings=512, attn_implementation=a.attn, **PRESETS[a.config])
    model = BertModel(cfg, add_pooling_layer=False).eval()
    ids = torch.randint(0, cfg.vocab_size, (1, a.seq_len))
    times = []
    autocast = (torch.autocast("cpu", dtype=torch.bfloat16) if a.precision == "bf16" else contextlib.nullcontext())
    with torch.inference_mode(), autocast:
        for i in range(a.warmup + a.segments):
            t0 = time.perf_counter()
            model(input_ids=ids)
            dt = time.perf_counter() - t0
            if i >= a.warmup:
                times.append(dt)
    med = statistics.median(times)
    print(json.dumps({"impl": "pytorch", "config": a.config, "seq_len": a.seq_len, "segments": a.segments,
                      "ms_per_segment": round(med * 1000, 3), "ms_min": round(min(times) * 1000, 3),
                      "tokens_per_second": round(a.seq_len / med, 3),
                      "gflops": round(flops(PRESETS[a.config], a.seq_len) / med / 1e9, 3),
                      "threads": a.threads, "attn": a.attn, "precision": a.precision,
                      "cpu_capability": torch.backends.cpu.get_cpu_capability(),
                      "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "torch": torch.__version__}))

if __name__ == "__main__":
    main()
