#!/usr/bin/env python3
"""gen_safetensors_samples.py — writes Fixtures/safetensors/python_samples.safetensors.

The file is written by the Python `safetensors` library (torch backend) so the Swift
reader is tested against real third-party output, including F16 and BF16. Each narrow
tensor `X_f16` / `X_bf16` / `X_f64` has a companion `X_f16_as_f32` (etc.) holding the
values widened *on the Python side* (torch `.float()`), which the Swift tests compare
bit for bit. Not run in CI; rerun by hand (needs torch, numpy, safetensors):

    /root/venv-ref/bin/python Fixtures/gen/gen_safetensors_samples.py
"""
import pathlib

import numpy as np
import torch
from safetensors.torch import save_file

OUT = pathlib.Path(__file__).resolve().parent.parent / "safetensors" / "python_samples.safetensors"


def sampled_bit_patterns() -> np.ndarray:
    """A few thousand 16-bit patterns: every sign/exponent with edge and spread mantissas."""
    patterns = set()
    for sign in (0, 1):
        for exponent in range(32):
            for mantissa in (0, 1, 2, 3, 0x155, 0x200, 0x2AA, 0x3FD, 0x3FE, 0x3FF):
                patterns.add(sign << 15 | exponent << 10 | mantissa)
    patterns.update(range(0, 65536, 61))
    return np.array(sorted(patterns), dtype=np.uint16)


def main() -> None:
    bits = sampled_bit_patterns()
    # Reinterpret the same 16-bit patterns as F16 and as BF16 (NaN payloads included).
    f16 = torch.from_numpy(bits.view(np.float16).copy())
    bf16 = torch.from_numpy(bits.astype(np.int16).view(np.int16).copy()).view(torch.bfloat16)
    f32 = torch.tensor([0.0, -0.0, 1.0, -2.5, 3.4028235e38, 1.4e-45, float("inf"), float("-inf"),
                        0.1, 1e-30, -123456.789], dtype=torch.float32).reshape(11)
    f64 = torch.tensor([0.1, -1e300, 1e-300, 2.0**-149, 1.0 + 2.0**-30, 65504.0], dtype=torch.float64)
    tensors = {
        "sampled_f16": f16,
        "sampled_f16_as_f32": f16.float(),
        "sampled_bf16": bf16,
        "sampled_bf16_as_f32": bf16.float(),
        "plain_f32": f32.reshape(1, 11),
        "plain_f64": f64,
        "plain_f64_as_f32": f64.float(),
        "matrix_f32": torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) / 8,
        "ids_i64": torch.tensor([[0, 1, -2, 2**62, -(2**63)]], dtype=torch.int64),
        "ids_i32": torch.tensor([7, -7, 2**31 - 1, -(2**31)], dtype=torch.int32),
        "scalar_f32": torch.tensor(2.5, dtype=torch.float32),
        "empty_f32": torch.zeros(0, 3, dtype=torch.float32),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(OUT), metadata={"format": "pt"})
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(tensors)} tensors)")


if __name__ == "__main__":
    main()
