"""Format 2 (terms, projection, exact rows; docs/checkpoint-format.md) in the Python package.

Files written here by hand, per the doc, are rebuilt by `embcompress.load`, the torch modules, the
doc's own numpy `lookup` and the built binary's `expand` — all four the same bits — and damaged
ones are refused by the package and the binary alike. Then files the binary fits itself with
`--terms`, `--project`, `--exact-rows` and `--counts`; those tests skip, saying so, while the
binary answers that these are "not fitted yet"."""

import json
from pathlib import Path

import numpy as np
import pytest

import embcompress
from package_cases import same_bits
from qr_rule import run
from qr_writer import documented_lookup, format2, write

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:FutureWarning")

CASES = {
    "qr-mult-2terms-f32": dict(rows=120, dim=8, scheme="qr", moduli=[12, 10], terms=2, dtype="F32"),
    "gqr-mult-3terms-projection-bf16": dict(rows=100, dim=10, scheme="gqr", moduli=[5, 5, 4], terms=3, rank=5,
                                            dtype="BF16"),
    "crt-add-projection-exact-f16": dict(rows=90, dim=7, scheme="crt", moduli=[9, 10], operation="add", rank=4,
                                         exact=6, dtype="F16"),
    "hash-exact-f32": dict(rows=50, dim=5, scheme="hash", moduli=[8], exact=3, dtype="F32"),
    "qr-concat-projection-exact-bf16": dict(rows=64, dim=9, scheme="qr", moduli=[8, 8], operation="concat", rank=6,
                                            exact=4, dtype="BF16", exact_ids=[0, 17, 18, 63]),
    "gqr-mult-2terms-exact-all-rows-f16": dict(rows=12, dim=3, scheme="gqr", moduli=[3, 4], terms=2, exact=12,
                                               dtype="F16", exact_ids=list(range(12))),
    "qr-mult-plain-f32": dict(rows=30, dim=4, scheme="qr", moduli=[6, 5], dtype="F32"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("format2")
    rng = np.random.default_rng(21)
    return {name: format2(folder / f"{name}.qr", rng, **spec) for name, spec in CASES.items()}


def binary_expand(path, tmp_path):
    out = Path(tmp_path) / (Path(path).stem + ".f32")
    result = run("expand", path, out, "--force")
    assert result.returncode == 0, result.stderr
    return np.fromfile(out, dtype="<f4")


@pytest.mark.parametrize("name", CASES)
def test_hand_written_format2_rebuilds_by_the_documented_rule(files, name, tmp_path):
    path, spec = files[name], CASES[name]
    table = embcompress.load(path)
    assert table.format == embcompress.FORMAT_2
    assert (table.rows, table.dim, len(table.rule.terms)) == (spec["rows"], spec["dim"], spec.get("terms", 1))
    assert table.rule.projection_rank == spec.get("rank") and table.rule.exact_count == spec.get("exact", 0)
    reference = documented_lookup()(str(path), np.arange(table.rows))
    dense = table.expand()
    assert same_bits(dense, reference)
    assert same_bits(dense.reshape(-1), binary_expand(path, tmp_path))  # the Swift reader agrees
    ids = np.array([[0, table.rows - 1], [table.rows // 2, 1]])
    assert same_bits(table.lookup(ids), reference[ids])
    if spec.get("exact"):
        exact_ids = table.tensors["exact_ids"]
        assert same_bits(dense[exact_ids], table.tensors["exact_rows"])


@pytest.mark.parametrize("name", CASES)
def test_torch_modules_on_format2(files, name):
    torch = pytest.importorskip("torch")
    from embcompress.torch import CompositionalEmbedding, CompositionalEmbeddingBag

    path = files[name]
    dense = embcompress.load(path).expand()
    rows = dense.shape[0]
    embedding = CompositionalEmbedding.from_file(path)
    with torch.no_grad():
        assert same_bits(embedding(torch.arange(rows)).numpy(), dense)
        scripted = torch.jit.script(embedding)
        assert same_bits(scripted(torch.arange(rows)).numpy(), dense)
        ids = torch.tensor([0, rows - 1, 3, 3, 1, rows // 2])
        bag = CompositionalEmbeddingBag.from_file(path, mode="sum")
        weights = torch.tensor([0.5, -2.0, 1.25, 3.0, 1.0, -0.75])
        got = bag(ids, torch.tensor([0, 2, 2]), weights).numpy()
        rows_w = dense[ids.numpy()] * weights.numpy()[:, None]
        expected = np.stack([np.float32(0) + rows_w[0] + rows_w[1], np.zeros(dense.shape[1], np.float32),
                             ((np.float32(0) + rows_w[2] + rows_w[3]) + rows_w[4]) + rows_w[5]])
        assert same_bits(got, expected)
        assert same_bits(torch.jit.script(bag)(ids, torch.tensor([0, 2, 2]), weights).numpy(), expected)
        maxed = CompositionalEmbeddingBag.from_file(path, mode="max")(ids.reshape(2, 3)).numpy()
        assert same_bits(maxed, dense[ids.numpy().reshape(2, 3)].max(axis=1))
    # Every stored tensor trains: terms, projection, exact rows.
    module = CompositionalEmbedding.from_file(path)
    before = {k: v.detach().clone() for k, v in module.named_parameters()}
    optimizer = torch.optim.SGD(module.parameters(), lr=0.01)
    exact = embcompress.load(path).tensors.get("exact_ids")
    batch = torch.arange(rows) if exact is None else torch.cat([torch.arange(rows), torch.from_numpy(exact)])
    for _ in range(3):
        optimizer.zero_grad()
        (module(batch) ** 2).sum().backward()
        optimizer.step()
    changed = {k for k, v in module.named_parameters() if not torch.equal(v, before[k])}
    untouched = set(before) - changed
    # With every row exact, the terms serve no id and get no gradient.
    assert untouched == set() or (name.endswith("exact-all-rows-f16") and all(k.startswith("rule.terms") for k in untouched))


def test_compiled_format2_modules_equal_eager(files):
    torch = pytest.importorskip("torch")
    import torch._dynamo
    from embcompress.torch import CompositionalEmbedding, CompositionalEmbeddingBag

    path = files["crt-add-projection-exact-f16"]
    dense = embcompress.load(path).expand()
    ids = torch.arange(dense.shape[0])
    embedding = CompositionalEmbedding.from_file(path)
    bag = CompositionalEmbeddingBag.from_file(path, mode="mean", padding_idx=5)
    offsets = torch.tensor([0, 10, 10, 45])
    with torch.no_grad():
        torch._dynamo.reset()
        compiled = torch.compile(embedding)(ids).numpy()
        # The projection's `out + v·P` is not fused into an FMA: the compiled rows are the bits
        # `embcompress lookup` gives, like eager's.
        assert same_bits(compiled, dense)
        assert same_bits(torch.compile(bag)(ids, offsets).numpy(), bag(ids, offsets).numpy())


# --- Damaged format-2 files: the package raises ValueError, the binary exits 65 -----------------

def edited(original, tmp_path, name, meta=None, tensors=None, sha256=None):
    """A copy of the hand-written file with metadata keys replaced (None deletes) and tensors
    replaced, re-hashed unless `sha256` is given."""
    raw = Path(original).read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n])
    data = raw[8 + n :]
    metadata = header.pop("__metadata__")
    metadata.pop("sha256")
    table = embcompress.load(original)
    order = sorted(header, key=lambda k: header[k]["data_offsets"][0])
    stored = []
    for key in order:
        entry = header[key]
        raw_tensor = data[entry["data_offsets"][0] : entry["data_offsets"][1]]
        array = (np.frombuffer(raw_tensor, "<i8") if entry["dtype"] == "I64" else table.tensors[key]).reshape(entry["shape"])
        stored.append([key, entry["dtype"], array])
    for key, value in (meta or {}).items():
        if value is None:
            metadata.pop(key, None)
        else:
            metadata[key] = value if isinstance(value, str) else json.dumps(value)
    for key, value in (tensors or {}).items():
        stored = [s for s in stored if s[0] != key]
        if value is not None:
            stored.append([key, *value])
    return write(tmp_path / f"{name}.qr", metadata, stored, sha256=sha256)


def terms_of(path):
    with open(path, "rb") as handle:
        n = int.from_bytes(handle.read(8), "little")
        return json.loads(json.loads(handle.read(n))["__metadata__"]["terms"])


BAD = {
    # name: (base case, edit) — edit(path, terms) -> kwargs for `edited`
    "top_level_operation": ("qr-mult-2terms-f32", lambda t: {"meta": {"operation": "mult"}}),
    "top_level_partitions": ("qr-mult-2terms-f32", lambda t: {"meta": {"partitions": t[0]["partitions"]}}),
    "no_terms": ("qr-mult-2terms-f32", lambda t: {"meta": {"terms": None}}),
    "terms_not_array": ("qr-mult-2terms-f32", lambda t: {"meta": {"terms": t[0]}}),
    "terms_empty": ("qr-mult-2terms-f32", lambda t: {"meta": {"terms": []}}),
    "terms_not_json": ("qr-mult-2terms-f32", lambda t: {"meta": {"terms": "[{operation: mult}]"}}),
    "term_not_object": ("qr-mult-2terms-f32", lambda t: {"meta": {"terms": [t[0], "mult"]}}),
    "term_unknown_operation": ("qr-mult-2terms-f32", lambda t: {"meta": {"terms": [t[0], dict(t[1], operation="max")]}}),
    "term_no_operation": ("qr-mult-2terms-f32", lambda t: {"meta": {"terms": [t[0], {"partitions": t[1]["partitions"]}]}}),
    "term_no_partitions": ("qr-mult-2terms-f32", lambda t: {"meta": {"terms": [t[0], {"operation": "mult"}]}}),
    "term_breaks_scheme": ("qr-mult-2terms-f32", lambda t: {"meta": {"terms": [t[0], dict(t[1], partitions=[
        dict(t[1]["partitions"][0], divisor=5), t[1]["partitions"][1]])]}}),
    "duplicate_tensor_names": ("qr-mult-2terms-f32", lambda t: {"meta": {"terms": [t[0], t[0]]}}),
    "term_names_missing_tensor": ("qr-mult-2terms-f32", lambda t: {"meta": {"terms": [t[0], dict(t[1], partitions=[
        dict(t[1]["partitions"][0], tensor="term1.weight_x"), t[1]["partitions"][1]])]}}),
    "term_width_not_rank": ("gqr-mult-3terms-projection-bf16", lambda t: {"meta": {"projection": {"rank": 4}},
                                                                         "tensors": {"projection": ("BF16", np.ones((4, 10), np.float32))}}),
    "rank_above_dim": ("crt-add-projection-exact-f16", lambda t: {"meta": {"projection": {"rank": 8}}}),
    "rank_zero": ("crt-add-projection-exact-f16", lambda t: {"meta": {"projection": {"rank": 0}}}),
    "rank_fractional": ("crt-add-projection-exact-f16", lambda t: {"meta": {"projection": '{"rank": 4.0}'}}),
    "rank_boolean": ("crt-add-projection-exact-f16", lambda t: {"meta": {"projection": '{"rank": true}'}}),
    "projection_not_object": ("crt-add-projection-exact-f16", lambda t: {"meta": {"projection": "4"}}),
    "projection_tensor_missing": ("crt-add-projection-exact-f16", lambda t: {"tensors": {"projection": None}}),
    "projection_not_in_metadata": ("crt-add-projection-exact-f16", lambda t: {"meta": {"projection": None, "terms": [
        dict(t[0], partitions=[dict(p, dim=7) for p in t[0]["partitions"]])]}}),
    "projection_transposed": ("crt-add-projection-exact-f16", lambda t: {"tensors": {"projection": ("F16", np.ones((7, 4), np.float32))}}),
    "projection_other_dtype": ("crt-add-projection-exact-f16", lambda t: {"tensors": {"projection": ("F32", np.ones((4, 7), np.float32))}}),
    "projection_nan": ("crt-add-projection-exact-f16", lambda t: {"tensors": {"projection": ("F16", np.full((4, 7), np.nan, np.float32))}}),
    "count_above_rows": ("hash-exact-f32", lambda t: {"meta": {"exact_rows": {"count": 51}}}),
    "count_zero": ("hash-exact-f32", lambda t: {"meta": {"exact_rows": {"count": 0}}}),
    "count_mismatch": ("hash-exact-f32", lambda t: {"meta": {"exact_rows": {"count": 4}}}),
    "exact_rows_not_in_metadata": ("hash-exact-f32", lambda t: {"meta": {"exact_rows": None}}),
    "exact_ids_missing": ("hash-exact-f32", lambda t: {"tensors": {"exact_ids": None}}),
    "exact_ids_i32": ("hash-exact-f32", lambda t: {"tensors": {"exact_ids": ("I32", np.array([1, 2, 3], np.int32))}}),
    "exact_ids_descending": ("hash-exact-f32", lambda t: {"tensors": {"exact_ids": ("I64", np.array([5, 3, 9]))}}),
    "exact_ids_repeated": ("hash-exact-f32", lambda t: {"tensors": {"exact_ids": ("I64", np.array([3, 3, 9]))}}),
    "exact_id_negative": ("hash-exact-f32", lambda t: {"tensors": {"exact_ids": ("I64", np.array([-1, 3, 9]))}}),
    "exact_id_past_rows": ("hash-exact-f32", lambda t: {"tensors": {"exact_ids": ("I64", np.array([1, 3, 50]))}}),
    "exact_rows_f16": ("hash-exact-f32", lambda t: {"tensors": {"exact_rows": ("F16", np.ones((3, 5), np.float32))}}),
    "exact_rows_wrong_shape": ("hash-exact-f32", lambda t: {"tensors": {"exact_rows": ("F32", np.ones((3, 4), np.float32))}}),
    "exact_rows_inf": ("hash-exact-f32", lambda t: {"tensors": {"exact_rows": ("F32", np.full((3, 5), np.inf, np.float32))}}),
    "format_1_with_terms_only": ("qr-mult-2terms-f32", lambda t: {"meta": {"format": "embcompress.qr/1"}}),
    "wrong_sha256": ("crt-add-projection-exact-f16", lambda t: {"sha256": "0" * 64}),
}


@pytest.mark.parametrize("name", BAD)
def test_damaged_format2_is_refused_by_package_and_binary(files, name, tmp_path):
    base, edit = BAD[name]
    path = edited(files[base], tmp_path, name, **edit(terms_of(files[base])))
    with pytest.raises(ValueError) as raised:
        embcompress.load(path)
    assert str(raised.value).startswith(f"{path}: ") and "\n" not in str(raised.value)
    result = run("inspect", path)
    assert result.returncode == 65, f"the binary loads it:\n{result.stdout}"


def test_editing_helper_keeps_a_good_file_good(files, tmp_path):
    path = edited(files["crt-add-projection-exact-f16"], tmp_path, "same")
    assert same_bits(embcompress.load(path).expand(), embcompress.load(files["crt-add-projection-exact-f16"]).expand())


# --- Files the binary fits itself ----------------------------------------------------------------

FAMILY = {
    "terms2-f32": ["--terms", "2"],
    "project4-bf16": ["--project", "4", "--precision", "bf16"],
    "exact5-f16": ["--exact-rows", "5", "--precision", "f16"],
    "terms2-project6-exact3-f32": ["--terms", "2", "--project", "6", "--exact-rows", "3"],
    "gqr-terms3-project5-bf16": ["--scheme", "gqr", "--partitions", "2", "--terms", "3", "--project", "5", "--precision", "bf16"],
    "crt-add-project4-exact2%-f16": ["--scheme", "crt", "--partitions", "2", "--operation", "add", "--project", "4",
                                     "--exact-rows", "2%", "--precision", "f16"],
    "counts-exact4-f32": ["--counts", "COUNTS", "--exact-rows", "4"],
}


@pytest.mark.parametrize("name", FAMILY)
def test_binary_format2_fits_rebuild_the_same_bits(source_table, tmp_path, name):
    counts = tmp_path / "counts.npy"
    np.save(counts, (np.arange(210) % 17 + 1).astype(np.int64))
    out = tmp_path / "out.qr"
    options = [str(counts) if a == "COUNTS" else a for a in FAMILY[name]]
    result = run(source_table, out, *options, "--quiet", "--force")
    if result.returncode != 0 and "not fitted yet" in result.stderr:
        pytest.skip("the binary answers " + result.stderr.strip().splitlines()[-1])
    assert result.returncode == 0, result.stderr
    table = embcompress.load(out)
    dense = binary_expand(out, tmp_path).reshape(table.rows, table.dim)
    assert same_bits(table.expand(), dense)
    assert same_bits(documented_lookup()(str(out), np.arange(table.rows)), dense)
    printed = json.loads(run("lookup", out, 0, 7, 209, "--json").stdout)
    assert same_bits(table.lookup([0, 7, 209]), np.array([r["embedding"] for r in printed["embeddings"]], np.float32))
    if "--terms" in options or "--project" in options or "--exact-rows" in options:
        assert table.format == embcompress.FORMAT_2
    try:
        import torch
    except ImportError:
        return
    from embcompress.torch import CompositionalEmbedding, CompositionalEmbeddingBag

    with torch.no_grad():
        assert same_bits(CompositionalEmbedding.from_file(out)(torch.arange(table.rows)).numpy(), dense)
        bag = CompositionalEmbeddingBag.from_file(out, mode="max")
        assert same_bits(bag(torch.arange(table.rows).reshape(-1, 3)).numpy(), dense.reshape(-1, 3, table.dim).max(axis=1))
