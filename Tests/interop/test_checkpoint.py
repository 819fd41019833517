"""Loads .qr checkpoints with the real safetensors package and rebuilds tables by the documented
rule alone (docs/checkpoint-format.md), independently of embcompress's own code."""

import hashlib
import json

import numpy as np
import pytest
from safetensors import safe_open
from safetensors.numpy import load_file

from qr_rule import REAL, load_real, rebuild, run


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
def test_rebuild_by_rule_matches_report_and_expand(tmp_path, scheme, operation, sizing, precision):
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

    # embcompress's own rebuild (expand, lookup) is the rule's, bit for bit: both compute in
    # float32, partition by partition in listed order.
    expanded = tmp_path / "expanded.npy"
    result = run("expand", out, expanded)
    assert result.returncode == 0, result.stderr
    dense = np.load(expanded)
    assert dense.dtype == np.float32 and dense.shape == table.shape
    assert np.array_equal(dense, table), f"max |expand - rule| = {np.max(np.abs(dense - table))}"
    head = tmp_path / "head.f32"
    assert run("expand", out, head, "--rows", "100:131").returncode == 0
    assert np.array_equal(np.fromfile(head, dtype="<f4").reshape(31, -1), table[100:131])
    ids = [0, 511, 7, 256]
    looked_up = json.loads(run("lookup", out, *ids, "--json").stdout)
    assert np.array_equal(np.array([row["embedding"] for row in looked_up["embeddings"]], dtype=np.float32), table[ids])


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
