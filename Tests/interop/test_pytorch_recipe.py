"""docs/pytorch.md's plain module, run as written, against `embcompress expand`. Needs torch, which
CI does not install (the test is skipped there); it runs wherever torch is present."""

import re

import numpy as np
import pytest

from qr_rule import REAL, ROOT, run

torch = pytest.importorskip("torch")

CASES = [
    ("hash", "mult", "f32", ["--collisions", "7"]),
    ("qr", "mult", "bf16", []),
    ("qr", "add", "f16", ["--collisions", "5"]),
    ("qr", "concat", "f32", ["--collisions", "3"]),
    ("gqr", "mult", "f16", ["--partitions", "3"]),
    ("gqr", "add", "bf16", ["--moduli", "8,8,9"]),
    ("crt", "mult", "f32", ["--moduli", "7,8,11"]),
    ("crt", "concat", "f16", ["--partitions", "2"]),
]


def documented_module():
    """The code block of docs/pytorch.md that defines CompositionalEmbedding, executed."""
    page = (ROOT / "docs" / "pytorch.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.S)
    (code,) = [block for block in blocks if block.startswith("# embcompress: CompositionalEmbedding")]
    namespace = {}
    exec(compile(code, "docs/pytorch.md", "exec"), namespace)
    return namespace["CompositionalEmbedding"]


@pytest.mark.parametrize("scheme,operation,precision,sizing", CASES)
def test_documented_module_rebuilds_what_expand_writes(tmp_path, scheme, operation, precision, sizing):
    out = tmp_path / "out.qr"
    result = run(REAL, out, "--scheme", scheme, "--operation", operation, "--precision", precision, *sizing, "--quiet")
    assert result.returncode == 0, result.stderr
    assert run("expand", out, tmp_path / "dense.npy").returncode == 0
    dense = np.load(tmp_path / "dense.npy")

    embedding = documented_module()(str(out))
    with torch.no_grad():
        rows = embedding(torch.arange(dense.shape[0])).numpy()
        pairs = embedding(torch.tensor([[0, 7], [42, 511]])).numpy()
    assert rows.dtype == np.float32
    assert np.array_equal(rows, dense)
    assert np.array_equal(pairs, dense[[[0, 7], [42, 511]]])
    assert not any(p.requires_grad for p in embedding.parameters())
    assert all(p.requires_grad for p in documented_module()(str(out), trainable=True).parameters())


def test_integer_division_is_exact_where_float32_division_is_not():
    # The page's warning about DLRM's quotient, checked: float32 division goes wrong above 2**24.
    ids = torch.tensor([16777219, 67108863])
    assert (ids / 4).long().tolist() == [4194305, 16777216]
    assert torch.div(ids, 4, rounding_mode="floor").tolist() == [4194304, 16777215]
