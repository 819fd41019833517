"""What the interop tests share: running the built binary, and reading a .qr file by the documented
rule alone (docs/checkpoint-format.md), independently of embcompress's own code."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
BINARY = Path(os.environ.get("EMBCOMPRESS", ROOT / ".build" / "debug" / "embcompress"))
REAL = FIXTURES / "real" / "minilm_position_embeddings.h5"


def run(*args):
    return subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True)


def load_tensors(path):
    """Every tensor as float32. numpy has no bfloat16, so safetensors.numpy cannot load BF16
    files; those are decoded here from the header's offsets, by the safetensors spec."""
    raw = Path(path).read_bytes()
    header_length = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + header_length])
    dtypes = {name: entry["dtype"] for name, entry in header.items() if name != "__metadata__"}
    if "BF16" not in dtypes.values():
        return {name: array.astype(np.float32) for name, array in load_file(str(path)).items()}
    data = raw[8 + header_length :]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "BF16"
        begin, end = entry["data_offsets"]
        bits = np.frombuffer(data[begin:end], dtype="<u2").astype(np.uint32) << 16
        tensors[name] = bits.view(np.float32).reshape(entry["shape"])
    return tensors


def rebuild(path):
    """The table a .qr file describes, by the rule in its metadata."""
    with safe_open(str(path), "np") as handle:
        meta = handle.metadata()
    tensors = load_tensors(path)
    assert meta["format"] == "embcompress.qr/1"
    parts = json.loads(meta["partitions"])
    ids = np.arange(int(meta["rows"]), dtype=np.int64)
    rows = [tensors[p["tensor"]].astype(np.float32)[(ids // p["divisor"]) % p["modulus"]] for p in parts]
    op = meta["operation"]
    if op == "mult":
        table = rows[0].copy()
        for r in rows[1:]:
            table *= r
    elif op == "add":
        table = rows[0].copy()
        for r in rows[1:]:
            table += r
    else:
        table = np.concatenate(rows, axis=1)
    assert table.shape == (int(meta["rows"]), int(meta["dim"]))
    return table, meta


def load_real():
    import h5py

    with h5py.File(REAL, "r") as f:
        return f["/embeddings/position_embeddings"][...].astype(np.float32)
