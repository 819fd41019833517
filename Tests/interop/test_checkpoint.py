"""Loads .qr checkpoints with the real safetensors package and rebuilds tables by the documented
rule alone (docs/checkpoint-format.md), independently of embcompress's own code."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
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


CASES = [
    ("hash", "mult", ["--collisions", "7"]),
    ("qr", "mult", []),
    ("qr", "add", ["--collisions", "5"]),
    ("qr", "concat", ["--collisions", "3"]),
    ("gqr", "mult", ["--partitions", "3"]),
    ("gqr", "add", ["--moduli", "8,8,9"]),
    ("crt", "mult", ["--moduli", "7,8,11"]),
    ("crt", "concat", ["--partitions", "2"]),
]


@pytest.mark.parametrize("precision", ["f32", "f16", "bf16"])
@pytest.mark.parametrize("scheme,operation,sizing", CASES)
def test_rebuild_by_rule_matches_report(tmp_path, scheme, operation, sizing, precision):
    out = tmp_path / "out.qr"
    result = run(REAL, out, "--scheme", scheme, "--operation", operation, "--precision", precision, *sizing, "--quiet")
    assert result.returncode == 0, result.stderr
    table, meta = rebuild(out)
    report = json.loads((tmp_path / "out.qr.report.json").read_text())
    original = load_real()

    diff = original.astype(np.float64) - table.astype(np.float64)
    relative = np.linalg.norm(diff) / np.linalg.norm(original.astype(np.float64))
    assert abs(relative - report["error"]["relative_frobenius"]) <= 1e-5
    assert abs(float(meta["relative_error"]) - report["error"]["relative_frobenius"]) <= 1e-12
    assert report["checkpoint"]["scheme"] == scheme
    assert report["checkpoint"]["operation"] == operation
    assert report["checkpoint"]["precision"] == precision
    assert report["compression_ratio"] == pytest.approx(original.nbytes / report["checkpoint"]["tensor_bytes"])
    assert report["checkpoint"]["bytes"] == out.stat().st_size

    # The report's other figures, recomputed here.
    mse = float(np.mean(diff**2))
    assert report["error"]["mse"] == pytest.approx(mse, rel=1e-5)
    assert report["error"]["max_abs"] == pytest.approx(float(np.max(np.abs(diff))), rel=1e-5)
    row_rel = np.linalg.norm(diff, axis=1) / np.linalg.norm(original, axis=1)
    assert report["error"]["row_relative"]["max"] == pytest.approx(float(row_rel.max()), rel=1e-5)
    assert report["error"]["row_relative"]["mean"] == pytest.approx(float(row_rel.mean()), rel=1e-5)


def test_qr_checkpoint_is_dlrm_shaped(tmp_path):
    out = tmp_path / "out.qr"
    assert run(REAL, out, "--quiet").returncode == 0
    tensors = load_file(str(out))
    assert sorted(tensors) == ["weight_q", "weight_r"]
    assert tensors["weight_q"].shape == (128, 384)  # ceil(512 / 4)
    assert tensors["weight_r"].shape == (4, 384)
    with safe_open(str(out), "np") as handle:
        meta = handle.metadata()
    parts = json.loads(meta["partitions"])
    assert parts == [
        {"tensor": "weight_q", "divisor": 4, "modulus": 128, "dim": 384},
        {"tensor": "weight_r", "divisor": 1, "modulus": 4, "dim": 384},
    ]
    import hashlib

    raw = out.read_bytes()
    header = int.from_bytes(raw[:8], "little")
    assert (8 + header) % 8 == 0
    assert hashlib.sha256(raw[8 + header :]).hexdigest() == meta["sha256"]
    assert meta["source"] == "minilm_position_embeddings.h5:/embeddings/position_embeddings"


def test_structured_table_is_recovered_to_the_noise_floor(tmp_path):
    rng = np.random.default_rng(7)
    m, n, d = 16, 1000, 24
    a = rng.normal(size=(m, d)).astype(np.float32)
    b = rng.normal(size=((n + m - 1) // m, d)).astype(np.float32)
    ids = np.arange(n)
    clean = a[ids % m] * b[ids // m]
    noisy = (clean + rng.normal(scale=1e-3, size=clean.shape)).astype(np.float32)
    source = tmp_path / "structured.npy"
    np.save(source, noisy)
    out = tmp_path / "out.qr"
    result = run(source, out, "--collisions", m, "--quiet")
    assert result.returncode == 0, result.stderr
    table, _ = rebuild(out)
    floor = np.linalg.norm(noisy - clean) / np.linalg.norm(noisy)
    achieved = np.linalg.norm(noisy - table) / np.linalg.norm(noisy)
    assert achieved <= floor * 1.01
