"""Writes .qr checkpoints by hand, byte by byte as docs/checkpoint-format.md describes them
(formats 1 and 2), so the Python package can be tested on files no binary wrote yet; and the
doc's numpy reference `lookup`, copied verbatim from the page."""

import hashlib
import json
import re
from pathlib import Path

import numpy as np

from qr_rule import ROOT


def encode(values, dtype):
    """float32 values as little-endian F32, F16 or BF16 (round to nearest even) bytes; int64 as I64."""
    if dtype == "I64":
        return np.asarray(values, dtype="<i8").tobytes()
    values = np.ascontiguousarray(values, dtype=np.float32)
    if dtype == "F32":
        return values.astype("<f4").tobytes()
    if dtype == "F16":
        return values.astype("<f2").tobytes()
    bits = values.view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2")
    return rounded.tobytes()


def round_to(values, dtype):
    """What a reader sees after `encode`: the values widened back to float32."""
    raw = encode(values, dtype)
    if dtype == "F32":
        return np.frombuffer(raw, "<f4").reshape(np.shape(values)).copy()
    if dtype == "F16":
        return np.frombuffer(raw, "<f2").astype(np.float32).reshape(np.shape(values))
    return (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32).reshape(np.shape(values))


def write(path, metadata, tensors, sha256=None):
    """`tensors`: (name, dtype, array) in data order. The sha256 of the data is added to the
    metadata unless `sha256` overrides it (None: the right one)."""
    data = b""
    header = {}
    for name, dtype, array in tensors:
        raw = encode(array, dtype)
        header[name] = {"dtype": dtype, "shape": list(np.shape(array)), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    meta = dict(metadata)
    meta["sha256"] = hashlib.sha256(data).hexdigest() if sha256 is None else sha256
    header = {"__metadata__": meta, **header}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    Path(path).write_bytes(len(text).to_bytes(8, "little") + text + data)
    return path


def partitions_for(scheme, rows, moduli, dims):
    """The partitions list of docs/checkpoint-format.md for `scheme`; `moduli` in partition order
    (qr: [quotient modulus, m]); tensor names of format 1."""
    if scheme == "hash":
        return [{"tensor": "weight_0", "divisor": 1, "modulus": moduli[0], "dim": dims[0]}]
    if scheme == "qr":
        q, m = moduli
        return [{"tensor": "weight_q", "divisor": m, "modulus": q, "dim": dims[0]},
                {"tensor": "weight_r", "divisor": 1, "modulus": m, "dim": dims[1]}]
    out, divisor = [], 1
    for j, (modulus, dim) in enumerate(zip(moduli, dims)):
        out.append({"tensor": f"weight_{j}", "divisor": divisor if scheme == "gqr" else 1, "modulus": modulus, "dim": dim})
        divisor *= modulus
    return out


def format2(path, rng, *, rows, dim, scheme, moduli, terms=1, operation="mult", rank=None, exact=0,
            dtype="F32", concat_dims=None, exact_ids=None):
    """A random format-2 checkpoint: `terms` terms over the same partitions, an optional
    projection of rank `rank`, `exact` exact rows (random ids unless `exact_ids`)."""
    width = dim if rank is None else rank
    if operation == "concat":
        dims = concat_dims or [width // len(moduli) + (1 if j < width % len(moduli) else 0) for j in range(len(moduli))]
    else:
        dims = [width] * len(moduli)
    base = partitions_for(scheme, rows, moduli, dims)
    spec, tensors = [], []
    for t in range(terms):
        parts = [dict(p, tensor=(f"term{t}.{p['tensor']}" if terms > 1 else p["tensor"])) for p in base]
        spec.append({"operation": operation, "partitions": parts})
        for p in parts:
            tensors.append((p["tensor"], dtype, rng.normal(size=(p["modulus"], p["dim"])).astype(np.float32)))
    meta = {"format": "embcompress.qr/2", "rows": str(rows), "dim": str(dim), "scheme": scheme,
            "terms": json.dumps(spec), "source": "hand-written", "relative_error": "0.25"}
    if rank is not None:
        meta["projection"] = json.dumps({"rank": rank})
        tensors.append(("projection", dtype, (rng.normal(size=(rank, dim)) / np.sqrt(rank)).astype(np.float32)))
    if exact:
        ids = np.sort(rng.choice(rows, size=exact, replace=False)) if exact_ids is None else np.asarray(exact_ids)
        meta["exact_rows"] = json.dumps({"count": exact})
        tensors.append(("exact_ids", "I64", ids.astype(np.int64)))
        tensors.append(("exact_rows", "F32", rng.normal(size=(exact, dim)).astype(np.float32)))
    return write(path, meta, tensors)


def documented_lookup():
    """The numpy `lookup` of docs/checkpoint-format.md, executed as written on the page."""
    page = (ROOT / "docs" / "checkpoint-format.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.S)
    (code,) = [block for block in blocks if "def lookup(path, ids)" in block]
    namespace = {}
    exec(compile(code, "docs/checkpoint-format.md", "exec"), namespace)
    return namespace["lookup"]
