"""Reading `.qr` checkpoints (docs/checkpoint-format.md, formats 1 and 2), as strictly as the Swift
reader: the safetensors container, the metadata, the rule and its scheme, the tensors against the
rule, the data's SHA-256, finite values and the exact ids. Anything wrong is a `ValueError` whose
message starts with the file's path."""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

FORMAT_1 = "embcompress.qr/1"
FORMAT_2 = "embcompress.qr/2"
FORMATS = (FORMAT_1, FORMAT_2)
SCHEMES = ("hash", "qr", "gqr", "crt")
OPERATIONS = ("mult", "add", "concat")
MAX_HEADER_BYTES = 100_000_000
INT_MAX = (1 << 63) - 1

DTYPE_SIZES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
    "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4,
    "I64": 8, "U64": 8, "F64": 8,
}
FLOAT_DTYPES = ("F32", "F16", "BF16")
PRECISIONS = {"F32": "f32", "F16": "f16", "BF16": "bf16"}
PROJECTION = "projection"
EXACT_IDS = "exact_ids"
EXACT_ROWS = "exact_rows"
_LIMIT = 60


def _escaped(text: str) -> str:
    return "".join(f"\\u{{{ord(c):x}}}" if ord(c) < 0x20 or ord(c) == 0x7F else c for c in text)


def _quoted(text) -> str:
    """Untrusted text for a message, as the Swift reader shows it: in single quotes, control
    characters escaped (so it stays one line), cut at 60 characters."""
    text = str(text)
    return "'" + _escaped(text[:_LIMIT]) + ("…" if len(text) > _LIMIT else "") + "'"


class _Problem(Exception):
    """Raised inside the reader; `load` turns it into a ValueError naming the file."""

    def __init__(self, detail: str, kind: str = "malformed"):
        super().__init__(detail)
        self.detail = detail
        self.kind = kind


def _truncated(detail: str) -> _Problem:
    return _Problem("truncated: " + detail, "truncated")


def _exact_int(value) -> Optional[int]:
    """A JSON integer literal within 64 bits; not a bool, not 4.0 or 1e3 (those parse as float)."""
    if type(value) is int and -(1 << 63) <= value <= INT_MAX:
        return value
    return None


def _describe(value) -> str:
    if isinstance(value, str):
        return "the string " + _quoted(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    text = repr(value)
    return text[:_LIMIT] + ("…" if len(text) > _LIMIT else "")


def _checked_product(values) -> Optional[int]:
    result = 1
    for value in values:
        result *= value
        if result > INT_MAX or result < -(1 << 63):
            return None
    return result


def _no_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise _Problem(f"the JSON repeats the key {_quoted(key)}")
        result[key] = value
    return result


def _refuse_constant(name):
    raise _Problem(f"the JSON holds {name}, which is not JSON")


def _parse_json(text: str):
    return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)


@dataclass(frozen=True)
class Partition:
    """One partition of a term: rows of `tensor` are picked by `(id // divisor) % modulus`."""

    tensor: str
    divisor: int
    modulus: int
    dim: int


@dataclass(frozen=True)
class Term:
    """Partitions combined by `operation` (mult, add or concat), in order."""

    operation: str
    partitions: Tuple[Partition, ...]


@dataclass(frozen=True)
class Rule:
    """How the table is rebuilt: the sum of `terms`, then the projection (rank K, when not None),
    then `exact_count` rows stored exactly."""

    rows: int
    dim: int
    scheme: str
    terms: Tuple[Term, ...]
    projection_rank: Optional[int] = None
    exact_count: int = 0

    @property
    def width(self) -> int:
        """Every term's width: the projection rank K, else dim."""
        return self.dim if self.projection_rank is None else self.projection_rank

    @property
    def is_plain(self) -> bool:
        """Format 1's rule: one term, no projection, no exact rows."""
        return len(self.terms) == 1 and self.projection_rank is None and self.exact_count == 0

    def tensors(self) -> List[Tuple[str, Tuple[int, ...], str]]:
        """(name, shape, role) of every tensor the rule stores, in file order; role is "table",
        "projection", "exact_ids" or "exact_rows"."""
        out = [(p.tensor, (p.modulus, p.dim), "table") for term in self.terms for p in term.partitions]
        if self.projection_rank is not None:
            out.append((PROJECTION, (self.projection_rank, self.dim), "projection"))
        if self.exact_count > 0:
            out.append((EXACT_IDS, (self.exact_count,), "exact_ids"))
            out.append((EXACT_ROWS, (self.exact_count, self.dim), "exact_rows"))
        return out


# ---------------------------------------------------------------------------------------------
# 1. The container


@dataclass
class _Stored:
    name: str
    dtype: str
    shape: Tuple[int, ...]
    begin: int
    end: int


def _integers(value) -> Optional[List[int]]:
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        number = _exact_int(item)
        if number is None:
            return None
        out.append(number)
    return out


def _container(raw: bytes):
    if len(raw) < 8:
        raise _truncated(f"{len(raw)} bytes is shorter than the 8-byte safetensors header length")
    length = int.from_bytes(raw[:8], "little")
    if length > len(raw) - 8:
        raise _truncated(f"the header length {length} runs past the end of the {len(raw)}-byte file")
    if length > MAX_HEADER_BYTES:
        raise _Problem(f"the header length {length} exceeds the {MAX_HEADER_BYTES}-byte limit")
    data_offset = 8 + length
    data_size = len(raw) - data_offset
    try:
        entries = _parse_json(raw[8:data_offset].decode("utf-8"))
    except _Problem as problem:
        raise _Problem("the safetensors header is not a JSON object: " + problem.detail) from None
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise _Problem("the safetensors header is not a JSON object") from None
    if not isinstance(entries, dict):
        raise _Problem("the safetensors header is not a JSON object")

    metadata: Dict[str, str] = {}
    tensors: List[_Stored] = []
    for name, value in entries.items():
        if name == "__metadata__":
            if not isinstance(value, dict):
                raise _Problem("__metadata__ is not an object")
            for key, item in value.items():
                if not isinstance(item, str):
                    raise _Problem(f"__metadata__ value {_quoted(key)} is not a string")
                metadata[key] = item
            continue
        if not isinstance(value, dict):
            raise _Problem(f"tensor {_quoted(name)} is not an object")
        dtype = value.get("dtype")
        if not isinstance(dtype, str):
            raise _Problem(f"tensor {_quoted(name)} has no dtype string")
        if dtype not in DTYPE_SIZES:
            raise _Problem(f"tensor {_quoted(name)} has unknown dtype {_quoted(dtype)}")
        shape = _integers(value.get("shape"))
        if shape is None or any(extent < 0 for extent in shape):
            raise _Problem(f"tensor {_quoted(name)} has no shape of non-negative integers")
        offsets = _integers(value.get("data_offsets"))
        if offsets is None or len(offsets) != 2 or offsets[0] < 0 or offsets[0] > offsets[1]:
            raise _Problem(f"tensor {_quoted(name)} has no valid data_offsets [begin, end]")
        if offsets[1] > data_size:
            raise _truncated(
                f"tensor {_quoted(name)} ends at data byte {offsets[1]} but the data section holds {data_size}")
        expected = _checked_product([DTYPE_SIZES[dtype], *shape])
        if expected is None:
            raise _Problem(f"tensor {_quoted(name)} has a shape too large to address")
        if expected != offsets[1] - offsets[0]:
            raise _Problem(
                f"tensor {_quoted(name)}: shape {shape} of {dtype} needs {expected} bytes but data_offsets span "
                f"{offsets[1] - offsets[0]}")
        tensors.append(_Stored(name, dtype, tuple(shape), offsets[0], offsets[1]))
    tensors.sort(key=lambda t: (t.begin, t.end, t.name))
    end = 0
    for tensor in tensors:
        if tensor.begin < end:
            raise _Problem(f"tensor {_quoted(tensor.name)} overlaps the data of another tensor")
        if tensor.begin != end:
            raise _Problem(f"data bytes {end}..<{tensor.begin} belong to no tensor")
        end = tensor.end
    if end != data_size:
        raise _Problem(f"the data section holds {data_size} bytes but the tensors cover {end}")
    return metadata, tensors, data_offset


# ---------------------------------------------------------------------------------------------
# 2. The metadata and the rule


def _descriptive(entries: Dict[str, str]) -> Tuple[str, float, str]:
    if not entries:
        raise _Problem("no __metadata__; not an embcompress .qr checkpoint (a plain safetensors file?)")
    fmt = entries.get("format")
    if fmt is None:
        raise _Problem("metadata has no 'format'; not an embcompress .qr checkpoint")
    if fmt not in FORMATS:
        if fmt.startswith("embcompress.qr/"):
            raise _Problem(f"metadata 'format' is {_quoted(fmt)}; this reader knows {FORMAT_1} and {FORMAT_2}")
        raise _Problem(f"metadata 'format' is {_quoted(fmt)}, not {FORMAT_1} or {FORMAT_2}; not an embcompress .qr checkpoint")
    if "source" not in entries:
        raise _Problem("metadata has no 'source'")
    text = entries.get("relative_error")
    if text is None:
        raise _Problem("metadata has no 'relative_error'")
    try:
        # float() alone would take " 1", "1_0" and "infinity"; a plain decimal number only.
        if text != text.strip() or "_" in text:
            raise ValueError
        error = float(text)
    except ValueError:
        error = math.nan
    if not math.isfinite(error) or error < 0:
        raise _Problem(f"metadata 'relative_error' is {_quoted(text)}, not a finite number ≥ 0")
    digest = entries.get("sha256")
    if digest is None:
        raise _Problem("metadata has no 'sha256'")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()):
        raise _Problem(f"metadata 'sha256' is {_quoted(digest)}, not 64 hex digits")
    return fmt, error, digest.lower()


def _positive(entries: Dict[str, str], key: str) -> int:
    text = _value(entries, key)
    # Digits only: int() would take "+5", " 5" and "5_0".
    if not text or len(text) > 19 or not all("0" <= c <= "9" for c in text) or not 0 < int(text) <= INT_MAX:
        raise _Problem(f"metadata '{key}' is {_quoted(text)}, not a positive integer")
    return int(text)


def _value(entries: Dict[str, str], key: str) -> str:
    if key not in entries:
        raise _Problem(f"metadata has no '{key}'")
    return entries[key]


def _json_value(text: str, key: str):
    try:
        return _parse_json(text)
    except (_Problem, ValueError, RecursionError):
        raise _Problem(f"metadata '{key}' is not JSON: {_quoted(text)}") from None


def _operation(name, key: str) -> str:
    if name not in OPERATIONS:
        raise _Problem(f"{key} is {_quoted(name)}, not one of {', '.join(OPERATIONS)}")
    return name


def _partitions(value, key: str) -> Tuple[Partition, ...]:
    if not isinstance(value, list):
        raise _Problem(f"metadata '{key}' is {_describe(value)}, not a JSON array")
    if not value:
        raise _Problem(f"metadata '{key}' is an empty array")
    out = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise _Problem(f"{key}[{index}] is {_describe(item)}, not an object")
        if "tensor" not in item:
            raise _Problem(f"{key}[{index}] has no 'tensor'")
        if not isinstance(item["tensor"], str):
            raise _Problem(f"{key}[{index}].tensor is {_describe(item['tensor'])}, not a string")

        def integer(field):
            if field not in item:
                raise _Problem(f"{key}[{index}] has no '{field}'")
            number = _exact_int(item[field])
            if number is None:
                raise _Problem(f"{key}[{index}].{field} is {_describe(item[field])}, not an integer")
            return number

        out.append(Partition(item["tensor"], integer("divisor"), integer("modulus"), integer("dim")))
    return tuple(out)


def _count(value, field: str, key: str) -> int:
    if not isinstance(value, dict):
        raise _Problem(f"metadata '{key}' is {_describe(value)}, not an object")
    if field not in value:
        raise _Problem(f"metadata '{key}' has no '{field}'")
    number = _exact_int(value[field])
    if number is None or number < 1:
        raise _Problem(f"metadata '{key}'.{field} is {_describe(value[field])}, not a positive integer")
    return number


def _rule(entries: Dict[str, str], fmt: str) -> Rule:
    rows = _positive(entries, "rows")
    dim = _positive(entries, "dim")
    scheme = _value(entries, "scheme")
    if scheme not in SCHEMES:
        raise _Problem(f"metadata 'scheme' is {_quoted(scheme)}, not one of {', '.join(SCHEMES)}")
    if fmt == FORMAT_1:
        operation = _operation(_value(entries, "operation"), "metadata 'operation'")
        partitions = _partitions(_json_value(_value(entries, "partitions"), "partitions"), "partitions")
        return Rule(rows, dim, scheme, (Term(operation, partitions),))
    for key in ("operation", "partitions"):
        if key in entries:
            raise _Problem(f"metadata has '{key}', which format 2 states per term in 'terms'")
    rank = None
    if "projection" in entries:
        rank = _count(_json_value(entries["projection"], "projection"), "rank", "projection")
    count = 0
    if "exact_rows" in entries:
        count = _count(_json_value(entries["exact_rows"], "exact_rows"), "count", "exact_rows")
    items = _json_value(_value(entries, "terms"), "terms")
    if not isinstance(items, list):
        raise _Problem("metadata 'terms' is not a JSON array")
    if not items:
        raise _Problem("metadata 'terms' is an empty array")
    terms = []
    for index, item in enumerate(items):
        key = f"terms[{index}]"
        if not isinstance(item, dict):
            raise _Problem(f"{key} is {_describe(item)}, not an object")
        if not isinstance(item.get("operation"), str):
            raise _Problem(f"{key} has no string 'operation'")
        operation = _operation(item["operation"], key + ".operation")
        if "partitions" not in item:
            raise _Problem(f"{key} has no 'partitions'")
        terms.append(Term(operation, _partitions(item["partitions"], key + ".partitions")))
    return Rule(rows, dim, scheme, tuple(terms), rank, count)


# ---------------------------------------------------------------------------------------------
# 3, 4. The layout and the scheme


def _check_layout(rule: Rule) -> None:
    if _checked_product([rule.rows, rule.dim, 4]) is None:
        raise _Problem(f"rows {rule.rows} × dim {rule.dim} float32 values is more bytes than can be addressed")
    if rule.projection_rank is not None and rule.projection_rank > rule.dim:
        raise _Problem(f"projection rank {rule.projection_rank} is more than the table's dim {rule.dim}")
    if rule.exact_count > rule.rows:
        raise _Problem(f"exact_rows count {rule.exact_count} is more than the table's {rule.rows} rows")
    names = set()
    for name, _, role in rule.tensors():
        if name in names:
            kind = "partition" if role == "table" else "tensor"
            raise _Problem(f"{kind} {_quoted(name)} is listed twice")
        names.add(name)
    width = "the table's dim" if rule.projection_rank is None else "the projection rank"
    for term in rule.terms:
        _check_term(term, rule, width)


def _check_term(term: Term, rule: Rule, width: str) -> None:
    dim = rule.width
    partitions = term.partitions
    for p in partitions:
        name = _quoted(p.tensor)
        if p.divisor < 1:
            raise _Problem(f"partition {name} has divisor {p.divisor}; divisors must be at least 1")
        if p.modulus < 1:
            raise _Problem(f"partition {name} has modulus {p.modulus}; moduli must be at least 1")
        if p.dim < 1:
            raise _Problem(f"partition {name} has dim {p.dim}; widths must be at least 1")
        if _checked_product([p.divisor, p.modulus]) is None:
            raise _Problem(f"partition {name}: divisor {p.divisor} × modulus {p.modulus} overflows")
        if _checked_product([p.modulus, p.dim, 4]) is None:
            raise _Problem(f"partition {name}: modulus {p.modulus} × dim {p.dim} is more than can be addressed")
    if term.operation in ("mult", "add"):
        for p in partitions:
            if p.dim != dim:
                raise _Problem(
                    f"partition {_quoted(p.tensor)} has dim {p.dim}, but operation {term.operation} needs every "
                    f"partition as wide as {width} ({dim})")
    else:
        total = sum(p.dim for p in partitions)
        if total != dim:
            shown = str(total) if total <= INT_MAX else "more than can be counted"
            raise _Problem(f"the partitions' dims sum to {shown}, but operation concat needs {width} {dim}")
    _check_scheme(rule.scheme, partitions, rule.rows)


def _check_scheme(scheme: str, partitions: Tuple[Partition, ...], rows: int) -> None:
    def count(expected: str, ok: bool):
        if not ok:
            raise _Problem(f"scheme {scheme} has {expected} partitions, not {len(partitions)}")

    moduli = [p.modulus for p in partitions]
    shown = "·".join(map(str, moduli))
    if scheme == "hash":
        count("1", len(partitions) == 1)
        if partitions[0].divisor != 1:
            raise _Problem(f"scheme hash needs divisor 1, not {partitions[0].divisor}")
    elif scheme == "qr":
        count("2", len(partitions) == 2)
        quotient, remainder = partitions
        if remainder.divisor != 1:
            raise _Problem(f"scheme qr: the remainder partition (second) needs divisor 1, not {remainder.divisor}")
        if quotient.divisor != remainder.modulus:
            raise _Problem(
                f"scheme qr: the quotient partition's divisor {quotient.divisor} is not the remainder's modulus "
                f"{remainder.modulus}")
        covered = quotient.divisor * quotient.modulus
        if covered < rows:
            raise _Problem(
                f"scheme qr: quotient modulus {quotient.modulus} × remainder modulus {remainder.modulus} = {covered} "
                f"is less than the {rows} rows, so some ids would share every bucket")
    elif scheme == "gqr":
        count("at least 2", len(partitions) >= 2)
        expected = 1
        for p in partitions:
            if p.divisor != expected:
                raise _Problem(
                    f"scheme gqr: partition {_quoted(p.tensor)} has divisor {p.divisor}, but mixed radix needs the "
                    f"product of the moduli before it, {expected}")
            expected = p.divisor * p.modulus
        if expected < rows:
            raise _Problem(
                f"scheme gqr: the moduli {shown} = {expected} are less than the {rows} rows, so some ids would "
                f"share every bucket")
    else:  # crt
        count("at least 2", len(partitions) >= 2)
        for p in partitions:
            if p.divisor != 1:
                raise _Problem(f"scheme crt needs divisor 1 everywhere, but partition {_quoted(p.tensor)} has {p.divisor}")
        for i in range(len(moduli)):
            for j in range(i + 1, len(moduli)):
                factor = math.gcd(moduli[i], moduli[j])
                if factor != 1:
                    raise _Problem(
                        f"scheme crt needs pairwise coprime moduli, but {moduli[i]} and {moduli[j]} share the factor "
                        f"{factor}")
        covered = _checked_product(moduli)
        if covered is not None and covered < rows:
            raise _Problem(
                f"scheme crt: the moduli {shown} = {covered} are less than the {rows} rows, so some ids would share "
                f"every bucket")


# ---------------------------------------------------------------------------------------------
# 5, 6. The tensors against the rule, the digest, the values


def _match_tensors(rule: Rule, stored: List[_Stored], prefix: str = "", allowed=None):
    """`prefix` names the table's tensors in a file of several (``NAME.``), where `allowed` is
    every tensor name the file's tables state; matched tensors keep their names without it."""
    by_name = {t.name: t for t in stored}
    expected = [(prefix + name, shape, role) for name, shape, role in rule.tensors()]
    matched = []
    for name, shape, role in expected:
        if name not in by_name:
            present = ", ".join(_quoted(t.name) for t in stored[:8]) or "none"
            what = "partition" if role == "table" else "the rule's tensor"
            raise _Problem(f"{what} {_quoted(name)} names no tensor in the file (tensors: {present})")
        matched.append((name, shape, role, by_name[name]))
    listed = allowed if allowed is not None else {name for name, _, _ in expected}
    for t in stored:
        if t.name not in listed:
            raise _Problem(f"tensor {_quoted(t.name)} is not listed in the metadata's rule")
    floats = [m for m in matched if m[2] in ("table", "projection")]
    for _, _, _, t in floats:
        if t.dtype not in FLOAT_DTYPES:
            raise _Problem(
                f"tensor {_quoted(t.name)} holds {t.dtype}; .qr tables are F32, F16 or BF16", "unsupported-element-type")
    dtypes = {t.dtype for _, _, _, t in floats}
    if len(dtypes) != 1:
        listing = ", ".join(f"{_quoted(t.name)} {t.dtype}" for _, _, _, t in floats)
        raise _Problem(f"tensors mix dtypes ({listing}); a .qr stores every table at one precision")
    dtype = dtypes.pop()
    for name, shape, role, t in matched:
        wanted = {"exact_ids": "I64", "exact_rows": "F32"}.get(role, dtype)
        if t.dtype != wanted:
            raise _Problem(f"tensor {_quoted(name)} holds {t.dtype}, but the rule stores it as {wanted}")
    for name, shape, role, t in matched:
        if t.shape != shape:
            needed = "[" + ", ".join(map(str, shape)) + "]"
            why = f"its partition needs [modulus, dim] = {needed}" if role == "table" else f"the rule needs {needed}"
            raise _Problem(f"tensor {_quoted(name)} has shape [{', '.join(map(str, t.shape))}], but {why}")
    return [(name[len(prefix):], shape, role, t) for name, shape, role, t in matched], PRECISIONS[dtype]


def decode_floats(raw, dtype: str, shape) -> np.ndarray:
    """Little-endian F32, F16 or BF16 bytes widened exactly to float32 (BF16 by shifting its
    16 bits into the top of a float32: numpy has no bfloat16)."""
    if dtype == "F32":
        values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    elif dtype == "F16":
        values = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    elif dtype == "BF16":
        values = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << np.uint32(16)).view(np.float32)
    else:
        raise _Problem(f"dtype {dtype} is not a float dtype of a .qr", "unsupported-element-type")
    return values.reshape(shape)


def _decode(rule: Rule, matched, data: memoryview):
    arrays: Dict[str, np.ndarray] = {}
    for name, shape, role, t in matched:
        raw = data[t.begin:t.end]
        if role == "exact_ids":
            ids = np.frombuffer(raw, dtype="<i8").astype(np.int64).reshape(shape)
            bad = np.nonzero((ids < 0) | (ids >= rule.rows))[0]
            if bad.size:
                k = int(bad[0])
                raise _Problem(f"exact_ids[{k}] is {int(ids[k])}, outside the table's rows [0, {rule.rows})")
            if ids.size > 1:
                descending = np.nonzero(ids[1:] <= ids[:-1])[0]
                if descending.size:
                    k = int(descending[0]) + 1
                    raise _Problem(
                        f"exact_ids[{k}] is {int(ids[k])}, not above exact_ids[{k - 1}]; the ids must ascend")
            arrays[name] = ids
            continue
        values = decode_floats(raw, t.dtype, shape)
        finite = np.isfinite(values)
        if not finite.all():
            flat = np.nonzero(~finite.reshape(-1))[0]
            width = shape[1] if len(shape) > 1 else 1
            bad = int(flat.size)
            first = int(flat[0])
            raise _Problem(
                f"tensor {_quoted(name)} holds {bad} NaN or ±Inf value{'' if bad == 1 else 's'}; the first at "
                f"[{first // width}, {first % width}]")
        values.setflags(write=False)
        arrays[name] = values
    return arrays


@dataclass
class Parsed:
    rule: Rule
    precision: str
    format: str
    metadata: Dict[str, str]
    relative_error: float
    sha256: str
    arrays: Dict[str, np.ndarray]
    file_bytes: int
    tensor_bytes: int
    #: The table read, in a file of several; None for a file of one.
    table: Optional[str] = None
    #: Every table of a file of several, sorted; empty for a file of one.
    tables: List[str] = field(default_factory=list)


def _tables(entries: Dict[str, str]) -> List[Tuple[Optional[str], Dict[str, str]]]:
    """The entries each table is described by: the file's own for a file of one table, or for a
    file of several, each `tables` object merged over the file's `format` and `sha256`."""
    if "tables" not in entries:
        return [(None, entries)]
    if entries.get("format") != FORMAT_2:
        raise _Problem(f"metadata 'tables' needs format {FORMAT_2}")
    for key in ("rows", "dim", "scheme", "operation", "partitions", "terms"):
        if key in entries:
            raise _Problem(f"metadata has both 'tables' and '{key}'; a file of several tables states each rule in 'tables'")
    try:
        tables = _parse_json(entries["tables"])
    except (ValueError, _Problem):
        tables = None
    if not isinstance(tables, dict):
        raise _Problem("metadata 'tables' is not a JSON object")
    if not tables:
        raise _Problem("metadata 'tables' is an empty object")
    shared = {k: v for k, v in entries.items() if k != "tables"}
    out = []
    for name in sorted(tables):
        fields = tables[name]
        if not isinstance(fields, dict):
            raise _Problem(f"tables[{_quoted(name)}] is not an object")
        merged = dict(shared)
        for key, value in fields.items():
            if not isinstance(value, str):
                raise _Problem(f"tables[{_quoted(name)}].{_quoted(key)} is not a string")
            if key in ("format", "sha256"):
                raise _Problem(f"tables[{_quoted(name)}] has '{key}', which the file states once for all tables")
            merged[key] = value
        out.append((name, merged))
    return out


def parse(raw: bytes, path: str, table: Optional[str] = None) -> Parsed:
    """Checks and decodes the bytes of a `.qr` file; `path` only names it in errors. `table`
    picks one table of a file of several (every table is checked, whichever is read)."""
    try:
        entries, stored, data_offset = _container(raw)
        checked = []
        for name, table_entries in _tables(entries):
            fmt, error, digest = _descriptive(table_entries)
            rule = _rule(table_entries, fmt if name is None else (FORMAT_2 if "terms" in table_entries else FORMAT_1))
            _check_layout(rule)
            checked.append((name, table_entries, fmt, error, digest, rule))
        names = [c[0] for c in checked if c[0] is not None]
        if table is not None:
            chosen = [c for c in checked if c[0] == table]
            if not chosen:
                listing = ", ".join(names) or "none"
                raise _Problem(f"no table named {table}; candidates: {listing}", "table-not-found")
        elif len(checked) > 1:
            raise _Problem(f"several tables; choose one: {', '.join(names)}", "ambiguous-table")
        else:
            chosen = checked
        allowed = {(n + "." if n else "") + t[0] for n, _, _, _, _, r in checked for t in r.tensors()}
        precisions = set()
        for n, _, _, _, _, r in checked:
            precisions.add(_match_tensors(r, stored, (n + ".") if n else "", allowed)[1])
        if len(precisions) != 1:
            raise _Problem("its tables mix precisions; a .qr stores every table at one precision")
        name, entries, fmt, error, digest, rule = chosen[0]
        matched, precision = _match_tensors(rule, stored, (name + ".") if name else "", allowed)
        data = memoryview(raw)[data_offset:]
        actual = hashlib.sha256(data).hexdigest()
        if actual != digest:
            raise _Problem(
                f"wrong sha256: the data section hashes to {actual}, the metadata says {digest}; the file is damaged")
        arrays = _decode(rule, matched, data)
    except _Problem as problem:
        raise ValueError(f"{path}: {problem.detail}") from None
    except Exception as other:  # noqa: BLE001
        # Not expected: every check above raises _Problem. Still a ValueError naming the file.
        raise ValueError(f"{path}: malformed: {type(other).__name__}: {other}") from None
    tensor_bytes = sum(t.end - t.begin for _, _, _, t in matched)
    return Parsed(rule, precision, fmt, dict(entries), error, digest, arrays, len(raw), tensor_bytes, name, names)


def read(path, table: Optional[str] = None) -> Parsed:
    name = os.fspath(path)
    with open(name, "rb") as handle:
        raw = handle.read()
    return parse(raw, str(name), table)
