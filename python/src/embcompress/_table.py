"""`CompressedTable`: a checked `.qr` checkpoint and the rows its rule rebuilds, in numpy."""

from __future__ import annotations

import operator
import os
from typing import Dict, Optional

import numpy as np

from ._checkpoint import Parsed, Rule, read

#: Rows rebuilt at a time by `expand`, so its scratch stays small whatever the table.
BLOCK_ROWS = 1 << 14


class CompressedTable:
    """A `.qr` checkpoint, read and checked in full (see `load`), and the table it rebuilds.

    Attributes: `path`, `rows`, `dim`, `scheme`, `format` (``"embcompress.qr/1"`` or ``/2``),
    `precision` (``"f32"``, ``"f16"``, ``"bf16"``: how the tables are stored), `metadata` (every
    ``__metadata__`` entry as stored), `rule` (the parsed rule: terms of partitions, projection
    rank, exact-row count), `relative_error`, `sha256`, and `tensors` (every stored tensor,
    widened exactly to float32; ``exact_ids`` as int64; read-only arrays).

    Rows are rebuilt in float32 in the order docs/checkpoint-format.md fixes, so `lookup` and
    `expand` give the same bits as ``embcompress lookup`` and ``embcompress expand``.
    """

    def __init__(self, parsed: Parsed, path: str):
        self.path = path
        self.rule: Rule = parsed.rule
        self.rows: int = parsed.rule.rows
        self.dim: int = parsed.rule.dim
        self.scheme: str = parsed.rule.scheme
        self.format: str = parsed.format
        self.precision: str = parsed.precision
        self.metadata: Dict[str, str] = parsed.metadata
        self.relative_error: float = parsed.relative_error
        self.sha256: str = parsed.sha256
        self.tensors: Dict[str, np.ndarray] = parsed.arrays
        self.file_bytes: int = parsed.file_bytes
        self.tensor_bytes: int = parsed.tensor_bytes
        #: The table read, in a `.qr` holding several (``load(path, table=...)``); None otherwise.
        self.table: Optional[str] = parsed.table
        #: Every table of a `.qr` holding several; empty otherwise.
        self.tables = list(parsed.tables)

    def __repr__(self) -> str:
        return (f"CompressedTable({self.path!r}, rows={self.rows}, dim={self.dim}, scheme={self.scheme!r}, "
                f"terms={len(self.rule.terms)}, projection={self.rule.projection_rank}, "
                f"exact_rows={self.rule.exact_count}, precision={self.precision!r})")

    @property
    def compression_ratio(self) -> float:
        """The dense float32 table's bytes over the stored tensors' bytes."""
        return self.rows * self.dim * 4 / self.tensor_bytes

    def lookup(self, ids) -> np.ndarray:
        """The rebuilt rows of `ids` (any integer array-like, any shape): float32 of shape
        ``ids.shape + (dim,)``. An id outside ``[0, rows)`` raises `IndexError`; ids that are not
        integers raise `TypeError`."""
        flat, shape = self._checked_ids(ids)
        return self._build(flat).reshape(shape + (self.dim,))

    def expand(self, start: int = 0, stop: Optional[int] = None) -> np.ndarray:
        """Rows ``start … stop − 1`` of the rebuilt table (all of it by default), float32 of shape
        ``(stop − start, dim)``. A range outside ``[0, rows]`` raises `IndexError`."""
        start = operator.index(start)
        stop = self.rows if stop is None else operator.index(stop)
        if not 0 <= start <= stop <= self.rows:
            raise IndexError(f"{self.path}: rows {start}:{stop} are not inside the table's rows 0:{self.rows}")
        out = np.empty((stop - start, self.dim), dtype=np.float32)
        for begin in range(start, stop, BLOCK_ROWS):
            end = min(stop, begin + BLOCK_ROWS)
            out[begin - start:end - start] = self._build(np.arange(begin, end, dtype=np.int64))
        return out

    def _checked_ids(self, ids):
        array = np.asarray(ids)
        if array.dtype == object or array.dtype.kind == "b":
            if array.dtype.kind == "b":
                raise TypeError(f"ids must be integers, not {array.dtype}")
            try:
                values = [operator.index(v) for v in array.reshape(-1).tolist()]
            except TypeError:
                raise TypeError("ids must be integers") from None
            bad = [v for v in values if not 0 <= v < self.rows]
            if bad:
                raise IndexError(self._out_of_range(bad[0]))
            array = np.array(values, dtype=np.int64).reshape(array.shape)
        elif array.dtype.kind not in "iu":
            raise TypeError(f"ids must be integers, not {array.dtype}")
        if array.size:
            low, high = array.min(), array.max()
            if low < 0 or high >= self.rows:
                raise IndexError(self._out_of_range(int(low) if low < 0 else int(high)))
        return array.astype(np.int64).reshape(-1), array.shape

    def _out_of_range(self, id_: int) -> str:
        return (f"{self.path}: id {id_} is out of range: the table has {self.rows} row"
                f"{'' if self.rows == 1 else 's'} (ids 0 to {self.rows - 1})")

    def _term(self, term, ids: np.ndarray) -> np.ndarray:
        rows = [self.tensors[p.tensor][(ids // p.divisor) % p.modulus] for p in term.partitions]
        if term.operation == "concat":
            return np.concatenate(rows, axis=-1)
        out = rows[0].copy()
        for row in rows[1:]:
            if term.operation == "mult":
                out *= row
            else:
                out += row
        return out

    def _build(self, ids: np.ndarray) -> np.ndarray:
        """Rows of in-range int64 `ids` (1-D), by the rule, in float32, one rounding per operation."""
        rule = self.rule
        v = self._term(rule.terms[0], ids)
        for term in rule.terms[1:]:
            v += self._term(term, ids)
        if rule.projection_rank is not None:
            P = self.tensors["projection"]
            out = v[:, 0:1] * P[0]
            for k in range(1, rule.projection_rank):
                out += v[:, k:k + 1] * P[k]
            v = out
        if rule.exact_count:
            exact_ids = self.tensors["exact_ids"]
            pos = np.searchsorted(exact_ids, ids)
            clipped = np.minimum(pos, len(exact_ids) - 1)
            hit = exact_ids[clipped] == ids
            v[hit] = self.tensors["exact_rows"][clipped[hit]]
        return np.ascontiguousarray(v, dtype=np.float32)


def load(path, table: Optional[str] = None) -> CompressedTable:
    """Reads and checks the `.qr` checkpoint at `path` (format 1 or 2) as strictly as the Swift
    reader: the safetensors container, the metadata, the rule and what its scheme promises, every
    tensor against the rule, the SHA-256 of the data section, finite values, and the exact ids.

    Any problem with the file's content raises `ValueError` whose message starts with the path
    (as ``embcompress inspect`` prints it). A path that cannot be opened raises the `OSError`
    that `open` raises (e.g. `FileNotFoundError`).

    A `.qr` holding several tables (``embcompress … --tensor 'emb_l.*'``) needs `table`, the
    name of the one to read (`tables` lists them); without it, it raises `ValueError`."""
    name = str(os.fspath(path))
    return CompressedTable(read(name, table), name)
