"""PyTorch modules for `.qr` checkpoints: `CompositionalEmbedding` (like `nn.Embedding`) and
`CompositionalEmbeddingBag` (like `nn.EmbeddingBag`), whose tables are parameters that
fine-tune from the fit.

    from embcompress.torch import CompositionalEmbedding, CompositionalEmbeddingBag
    emb = CompositionalEmbedding.from_file("out.qr")            # trainable by default
    bag = CompositionalEmbeddingBag.from_file("out.qr", mode="mean")
    torch.jit.script(emb); torch.compile(bag)                    # both work

Rows are rebuilt in float32 in the order docs/checkpoint-format.md fixes — each term's
partitions combined in order, terms summed in order, the projection accumulated left to right
(not a matmul), exact rows last — so in eager mode (and TorchScript) the forward pass gives the
same bits as ``embcompress lookup``. Index arithmetic is integer (``(id // divisor) % modulus``
in int64), exact for every id, unlike DLRM's float division above 2**24.
"""


from typing import Dict, Final, List, Optional

import numpy as _np
import torch
from torch import Tensor, nn

from ._table import CompressedTable, load

__all__ = ["CompositionalEmbedding", "CompositionalEmbeddingBag"]


class _Partition(nn.Module):
    """One partition's table, `modulus × dim`; row `(id // divisor) % modulus` of `weight`."""

    divisor: Final[int]
    modulus: Final[int]

    def __init__(self, weight: Tensor, divisor: int, modulus: int, trainable: bool):
        super().__init__()
        self.weight = nn.Parameter(weight, requires_grad=trainable)
        self.divisor = divisor
        self.modulus = modulus

    def forward(self, ids: Tensor) -> Tensor:
        index = torch.remainder(torch.div(ids, self.divisor, rounding_mode="floor"), self.modulus)
        return nn.functional.embedding(index, self.weight)


class _Term(nn.Module):
    """Partitions combined by product (mult), sum (add) or concatenation (concat), in order."""

    operation: Final[str]

    def __init__(self, operation: str, partitions: List[_Partition]):
        super().__init__()
        self.operation = operation
        self.partitions = nn.ModuleList(partitions)

    def forward(self, ids: Tensor) -> Tensor:
        rows: List[Tensor] = []
        for partition in self.partitions:
            rows.append(partition(ids))
        if self.operation == "concat":
            return torch.cat(rows, dim=-1)
        out = rows[0]
        for k in range(1, len(rows)):
            if self.operation == "mult":
                out = out * rows[k]
            else:
                out = out + rows[k]
        return out


def _tensor(array: _np.ndarray) -> Tensor:
    return torch.from_numpy(_np.array(array, dtype=_np.float32, copy=True))


def _parameter(array: _np.ndarray, trainable: bool) -> nn.Parameter:
    return nn.Parameter(_tensor(array), requires_grad=trainable)


class _Rule(nn.Module):
    """The rule of a checkpoint as modules and parameters; `rebuild(ids)` for 1-D int64 ids."""

    rows: Final[int]
    dim: Final[int]
    rank: Final[int]
    exact_count: Final[int]

    def __init__(self, table: CompressedTable, trainable: bool):
        super().__init__()
        rule = table.rule
        self.rows = rule.rows
        self.dim = rule.dim
        self.rank = rule.projection_rank if rule.projection_rank is not None else 0
        self.exact_count = rule.exact_count
        self.terms = nn.ModuleList(
            _Term(term.operation, [
                _Partition(_tensor(table.tensors[p.tensor]), p.divisor, p.modulus, trainable)
                for p in term.partitions
            ])
            for term in rule.terms)
        if rule.projection_rank is not None:
            self.projection = _parameter(table.tensors["projection"], trainable)
        else:
            self.register_parameter("projection", None)
        if rule.exact_count:
            self.register_buffer("exact_ids", torch.from_numpy(_np.array(table.tensors["exact_ids"], dtype=_np.int64)))
            self.exact_rows = _parameter(table.tensors["exact_rows"], trainable)
        else:
            self.register_buffer("exact_ids", None)
            self.register_parameter("exact_rows", None)

    def check(self, ids: Tensor) -> None:
        if ids.numel() > 0:
            low = int(ids.min())
            high = int(ids.max())
            if low < 0 or high >= self.rows:
                bad = low if low < 0 else high
                raise IndexError(
                    "id " + str(bad) + " is out of range: the table has " + str(self.rows) + " rows (ids 0 to "
                    + str(self.rows - 1) + ")")

    def forward(self, ids: Tensor) -> Tensor:
        """The rebuilt rows of 1-D int64 `ids`, already checked to lie in [0, rows): (n, dim)."""
        v = torch.zeros(0)
        first = True
        for term in self.terms:
            row = term(ids)
            if first:
                v = row
                first = False
            else:
                v = v + row
        projection = self.projection
        if projection is not None:
            # Left to right, one rounding per product and per sum — a matmul would sum in another
            # order (and with FMA), so its bits would differ from `embcompress lookup`.
            out = v[:, 0:1] * projection[0]
            for k in range(1, self.rank):
                out = out + v[:, k:k + 1] * projection[k]
            v = out
        exact_ids = self.exact_ids
        exact_rows = self.exact_rows
        if exact_ids is not None and exact_rows is not None:
            position = torch.clamp(torch.searchsorted(exact_ids, ids), max=self.exact_count - 1)
            hit = exact_ids[position] == ids
            v = torch.where(hit.unsqueeze(-1), exact_rows[position], v)
        return v


class CompositionalEmbedding(nn.Module):
    """The table a `.qr` checkpoint rebuilds, as a drop-in for `nn.Embedding`:
    ``forward(ids)`` takes int ids of any shape and returns float32 rows of shape
    ``ids.shape + (dim,)``. Ids outside ``[0, rows)`` raise `IndexError` (in TorchScript, the
    `torch.jit.Error` it becomes). Build it with `from_file`."""

    rows: Final[int]
    dim: Final[int]
    __jit_ignored_attributes__ = ["_spec", "_path"]

    def __init__(self, table: CompressedTable, trainable: bool = True):
        super().__init__()
        self.rule = _Rule(table, trainable)
        self.rows = table.rows
        self.dim = table.dim
        self._spec = table.rule
        self._path = table.path

    @classmethod
    def from_file(cls, path, trainable: bool = True, table: Optional[str] = None) -> "CompositionalEmbedding":
        """Loads and checks `path` (`embcompress.load`: `ValueError` for a bad file; `table` picks
        one of a file holding several); with `trainable` the tables (and projection, exact rows)
        are parameters with gradients."""
        return cls(load(path, table=table), trainable=trainable)

    def forward(self, ids: Tensor) -> Tensor:
        flat = ids.reshape(-1).to(torch.int64)
        self.rule.check(flat)
        shape: List[int] = list(ids.shape)
        shape.append(self.dim)
        return self.rule(flat).reshape(shape)

    @torch.jit.unused
    def to_dlrm_state_dict(self) -> Dict[str, Tensor]:
        return _dlrm_state_dict(self)

    @torch.jit.unused
    def dlrm_arguments(self) -> Dict[str, object]:
        return _dlrm_arguments(self)

    def extra_repr(self) -> str:
        return f"rows={self.rows}, dim={self.dim}"


class CompositionalEmbeddingBag(nn.Module):
    """Bags of rows of a `.qr` checkpoint's table, reduced, as a drop-in for `nn.EmbeddingBag`:
    ``forward(input, offsets=None, per_sample_weights=None)``.

    - `input` 2-D ``(B, L)``: B bags of L ids each (`offsets` must be None); or 1-D with `offsets`
      (1-D, the start of each bag; with ``include_last_offset`` also the end of the last).
    - `mode` ``"sum"``, ``"mean"`` or ``"max"``; `per_sample_weights` (the shape of `input`)
      only with ``"sum"``: each row is scaled before the sum.
    - `padding_idx`: ids equal to it are left out of their bag (and of mean's count); a negative
      one counts from the end, as in `nn.EmbeddingBag`.
    - An empty bag gives zeros. Ids outside ``[0, rows)`` raise `IndexError`.

    Reduction is in input order, one float32 rounding per step: a bag's sum is
    ``((0 + w₀·r₀) + w₁·r₁) + …``, its mean that sum divided by the count."""

    rows: Final[int]
    dim: Final[int]
    mode: Final[str]
    include_last_offset: Final[bool]
    __jit_ignored_attributes__ = ["_spec", "_path"]

    def __init__(self, table: CompressedTable, trainable: bool = True, mode: str = "mean",
                 padding_idx: Optional[int] = None, include_last_offset: bool = False):
        super().__init__()
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"mode must be 'sum', 'mean' or 'max', not {mode!r}")
        if padding_idx is not None:
            if not -table.rows <= padding_idx < table.rows:
                raise ValueError(f"padding_idx {padding_idx} is not inside the table's {table.rows} rows")
            if padding_idx < 0:
                padding_idx += table.rows
        self.rule = _Rule(table, trainable)
        self.rows = table.rows
        self.dim = table.dim
        self.mode = mode
        self.padding_idx: Optional[int] = padding_idx
        self.include_last_offset = include_last_offset
        self._spec = table.rule
        self._path = table.path

    @classmethod
    def from_file(cls, path, trainable: bool = True, mode: str = "mean", padding_idx: Optional[int] = None,
                  include_last_offset: bool = False, table: Optional[str] = None) -> "CompositionalEmbeddingBag":
        """Loads and checks `path` (`embcompress.load`; `table` picks one of a file holding
        several); `mode` defaults to ``"mean"``, as `nn.EmbeddingBag`'s."""
        return cls(load(path, table=table), trainable=trainable, mode=mode, padding_idx=padding_idx,
                   include_last_offset=include_last_offset)

    def forward(self, input: Tensor, offsets: Optional[Tensor] = None,
                per_sample_weights: Optional[Tensor] = None) -> Tensor:
        if input.dim() == 2:
            if offsets is not None:
                raise ValueError("offsets must be None when input is 2-D (bags of equal length)")
            bags = input.size(0)
            lengths = torch.full([bags], input.size(1), dtype=torch.int64, device=input.device)
        elif input.dim() == 1:
            if offsets is None:
                raise ValueError("offsets is needed when input is 1-D")
            if offsets.dim() != 1:
                raise ValueError("offsets must be 1-D")
            starts = offsets.to(torch.int64)
            if self.include_last_offset:
                if starts.numel() == 0:
                    raise ValueError("offsets needs at least one entry with include_last_offset")
                ends = starts[1:]
                starts = starts[:-1]
            else:
                ends = torch.cat([starts[1:], torch.tensor([input.numel()], dtype=torch.int64, device=input.device)])
            if starts.numel() > 0:
                if int(starts[0]) != 0:
                    raise ValueError("offsets[0] must be 0")
                if bool((ends < starts).any()) or int(ends[-1]) > input.numel():
                    raise ValueError("offsets must ascend and lie inside the input")
            lengths = ends - starts
        else:
            raise ValueError("input must be 1-D (with offsets) or 2-D")
        flat = input.reshape(-1).to(torch.int64)
        self.rule.check(flat)
        rows = self.rule(flat)
        if per_sample_weights is not None:
            if self.mode != "sum":
                raise ValueError("per_sample_weights needs mode 'sum'")
            if per_sample_weights.shape != input.shape:
                raise ValueError("per_sample_weights must have the shape of input")
            rows = rows * per_sample_weights.reshape(-1, 1).to(rows.dtype)
        padding_idx = self.padding_idx
        if padding_idx is not None:
            keep = flat != padding_idx
            if self.mode == "max":
                rows = torch.where(keep.unsqueeze(-1), rows, torch.full_like(rows, -float("inf")))
            else:
                rows = torch.where(keep.unsqueeze(-1), rows, torch.zeros_like(rows))
            counts = torch.segment_reduce(keep.to(torch.float32), "sum", lengths=lengths, initial=0.0)
        else:
            counts = lengths.to(torch.float32)
        if self.mode == "max":
            out = torch.segment_reduce(rows, "max", lengths=lengths, axis=0)
        else:
            out = torch.segment_reduce(rows, "sum", lengths=lengths, axis=0, initial=0.0)
            if self.mode == "mean":
                out = out / torch.clamp(counts, min=1.0).unsqueeze(-1)
        return torch.where((counts > 0).unsqueeze(-1), out, torch.zeros_like(out))

    @torch.jit.unused
    def to_dlrm_state_dict(self) -> Dict[str, Tensor]:
        return _dlrm_state_dict(self)

    @torch.jit.unused
    def dlrm_arguments(self) -> Dict[str, object]:
        return _dlrm_arguments(self)

    def extra_repr(self) -> str:
        return f"rows={self.rows}, dim={self.dim}, mode={self.mode!r}, padding_idx={self.padding_idx}"


def _plain_qr(module) -> None:
    rule = module._spec
    if rule.scheme != "qr" or not rule.is_plain:
        raise ValueError(
            f"{module._path}: DLRM's QREmbeddingBag holds one plain qr term; this checkpoint is scheme "
            f"{rule.scheme} with {len(rule.terms)} term(s), projection {rule.projection_rank}, "
            f"{rule.exact_count} exact rows")


def _dlrm_state_dict(module) -> Dict[str, Tensor]:
    """The current tables (after any training) under DLRM `QREmbeddingBag`'s names: `weight_q`
    (the quotient table, `id // m`) and `weight_r` (the remainder table, `id % m`). Plain qr
    checkpoints only (format 1); anything else raises `ValueError`."""
    _plain_qr(module)
    quotient, remainder = module.rule.terms[0].partitions
    return {"weight_q": quotient.weight.detach().clone(), "weight_r": remainder.weight.detach().clone()}


def _dlrm_arguments(module) -> Dict[str, object]:
    """Keyword arguments for DLRM's `QREmbeddingBag(...)` that match the checkpoint."""
    _plain_qr(module)
    term = module._spec.terms[0]
    quotient, remainder = term.partitions
    return {
        "num_categories": module.rows,
        "embedding_dim": [quotient.dim, remainder.dim],
        "num_collisions": remainder.modulus,
        "operation": term.operation,
    }


CompositionalEmbedding.to_dlrm_state_dict.__doc__ = _dlrm_state_dict.__doc__
CompositionalEmbeddingBag.to_dlrm_state_dict.__doc__ = _dlrm_state_dict.__doc__
CompositionalEmbedding.dlrm_arguments.__doc__ = _dlrm_arguments.__doc__
CompositionalEmbeddingBag.dlrm_arguments.__doc__ = _dlrm_arguments.__doc__
