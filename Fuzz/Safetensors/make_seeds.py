#!/usr/bin/env python3
"""make_seeds.py — writes the committed seed corpus in Fuzz/Safetensors/seeds/.

Standard library only. Each seed starts with the harness's mode byte (see
FuzzSafetensors.swift): 0x00 = a whole file as is, 0x01 = header JSON, NUL, data section.
"""
import json
import pathlib
import struct

SEEDS = pathlib.Path(__file__).resolve().parent / "seeds"


def header(tensors, metadata=None):
    """Compact JSON header and data size; tensors: [(name, dtype, shape, nbytes)]."""
    obj, offset = {}, 0
    if metadata is not None:
        obj["__metadata__"] = metadata
    for name, dtype, shape, nbytes in tensors:
        obj[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
    text += b" " * (-len(text) % 8)
    return text, offset


def whole_file(tensors, metadata=None):
    text, size = header(tensors, metadata)
    return b"\x00" + struct.pack("<Q", len(text)) + text + bytes(i % 251 for i in range(size))


def split_form(tensors, metadata=None):
    text, size = header(tensors, metadata)
    return b"\x01" + text + b"\x00" + bytes((i * 37) % 256 for i in range(size))


CASES = {
    "empty": ([], None),
    "one_f32": ([("w", "F32", [2, 3], 24)], None),
    "metadata": ([("b", "F16", [4], 8)], {"format": "pt", "k": "v"}),
    "mixed": ([("ids", "I64", [1, 3], 24), ("x", "F64", [2], 16), ("h", "BF16", [3], 6),
               ("i", "I32", [2], 8), ("u", "U8", [3], 3), ("flag", "BOOL", [1], 1)], None),
    "scalar_and_empty": ([("s", "F32", [], 4), ("e", "F32", [0, 5], 0), ("e2", "I8", [0], 0)], None),
    "exotic": ([("c", "C64", [1], 8), ("q", "F8_E4M3", [2], 2), ("r", "F8_E5M2", [2], 2),
                ("z", "U16", [1], 2), ("y", "I16", [1], 2), ("v", "U32", [1], 4), ("w", "U64", [1], 8)], {}),
    "escapes": ([("na\u00efve \"q\" \\ \n", "F32", [1], 4), ("\U0001F680", "I8", [2], 2)], {"\t": "\u2028"}),
}


def main():
    SEEDS.mkdir(exist_ok=True)
    for name, (tensors, metadata) in CASES.items():
        (SEEDS / f"{name}.whole").write_bytes(whole_file(tensors, metadata))
        (SEEDS / f"{name}.split").write_bytes(split_form(tensors, metadata))
    print(f"wrote {2 * len(CASES)} seeds to {SEEDS}")


if __name__ == "__main__":
    main()
