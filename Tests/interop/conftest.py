"""Shared by the tests of the Python package (test_python_*.py): the built binary converts one small
generated table for every scheme × operation × precision, once per session, and expands each
checkpoint, so every test compares against what `embcompress expand` wrote."""

import numpy as np
import pytest

from qr_rule import run

from package_cases import DIM, ROWS, SCHEMES


@pytest.fixture(scope="session")
def source_table(tmp_path_factory):
    rng = np.random.default_rng(11)
    ids = np.arange(ROWS)
    a = rng.normal(size=(7, DIM))
    b = rng.normal(size=(ROWS // 7 + 1, DIM))
    table = (a[ids % 7] * b[ids // 7] + 0.3 * rng.normal(size=(ROWS, DIM))).astype(np.float32)
    path = tmp_path_factory.mktemp("source") / "table.npy"
    np.save(path, table)
    return path


class Converted:
    """A checkpoint the binary wrote, and the dense table `embcompress expand` rebuilt from it."""

    def __init__(self, path, dense, case):
        self.path = path
        self.dense = dense
        self.case = case


@pytest.fixture(scope="session")
def converted(source_table, tmp_path_factory):
    """converted(scheme, operation, precision) -> Converted, made once per session."""
    folder = tmp_path_factory.mktemp("matrix")
    cache = {}

    def get(scheme, operation, precision):
        key = (scheme, operation, precision)
        if key not in cache:
            out = folder / f"{scheme}-{operation}-{precision}.qr"
            result = run(source_table, out, "--scheme", scheme, "--operation", operation, "--precision", precision,
                         *SCHEMES[scheme], "--quiet", "--force")
            assert result.returncode == 0, result.stderr
            dense_path = folder / f"{scheme}-{operation}-{precision}.f32"
            result = run("expand", out, dense_path)
            assert result.returncode == 0, result.stderr
            dense = np.fromfile(dense_path, dtype="<f4").reshape(ROWS, DIM)
            cache[key] = Converted(out, dense, key)
        return cache[key]

    return get
