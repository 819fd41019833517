"""The cases the Python package is tested on, and bit-exact comparison."""

import itertools

import numpy as np

SCHEMES = {
    "hash": ["--collisions", "16"],
    "qr": ["--collisions", "7"],
    "gqr": ["--partitions", "3"],
    "crt": ["--partitions", "3"],
}
OPERATIONS = ["mult", "add", "concat"]
PRECISIONS = ["f32", "f16", "bf16"]
# hash has one partition, so nothing to combine: the CLI takes only the default operation (mult,
# which it records) with it and refuses add and concat.
MATRIX = [case for case in itertools.product(SCHEMES, OPERATIONS, PRECISIONS) if case[0] != "hash" or case[1] == "mult"]
ROWS, DIM = 210, 12


def matrix_id(case):
    return "-".join(case)


def bits(array):
    """The float32 bits, so -0.0 and 0.0 differ and NaN equals itself."""
    return np.ascontiguousarray(array, dtype=np.float32).view(np.uint32)


def same_bits(a, b):
    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return a.shape == b.shape and np.array_equal(bits(a), bits(b))
