"""The installed `embcompress` package (python/, `pip install ./python`) in numpy: `load`, `lookup` and
`expand` against the built binary's `embcompress lookup`/`expand`, bit for bit, for every scheme ×
operation × precision; every file of fixtures/bad-qr; damaged files judged as the Swift reader
judges them; and `embcompress.run`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import embcompress
from package_cases import MATRIX, ROWS, matrix_id, same_bits
from qr_rule import BINARY, FIXTURES, ROOT, run


def test_the_installed_package_is_tested():
    # scripts/setup --python installs ./python; the tests must not be reading the source tree.
    assert Path(embcompress.__file__).resolve().parent != (ROOT / "python" / "src" / "embcompress").resolve()


@pytest.mark.parametrize("case", MATRIX, ids=matrix_id)
def test_lookup_and_expand_equal_the_binary(converted, case):
    item = converted(*case)
    table = embcompress.load(item.path)
    scheme, operation, precision = case
    assert (table.rows, table.dim, table.scheme, table.precision) == (ROWS, 12, scheme, precision)
    assert table.format == embcompress.FORMAT_1 and table.rule.terms[0].operation == operation
    assert same_bits(table.expand(), item.dense)
    assert same_bits(table.expand(37, 151), item.dense[37:151])
    assert table.expand(5, 5).shape == (0, 12)
    ids = np.array([[0, 209, 7], [100, 7, 1]])
    assert same_bits(table.lookup(ids), item.dense[ids])
    assert same_bits(table.lookup(42), item.dense[42])
    assert same_bits(table.lookup([3, 4]), item.dense[[3, 4]])
    assert table.lookup(np.array([], dtype=np.int32)).shape == (0, 12)
    # `embcompress lookup --json` prints each float32 in its shortest form; parsed back, the same bits.
    printed = json.loads(run("lookup", item.path, 0, 209, 7, 100, "--json").stdout)
    looked = np.array([row["embedding"] for row in printed["embeddings"]], dtype=np.float32)
    assert same_bits(table.lookup([0, 209, 7, 100]), looked)


def test_ids_are_checked(converted):
    table = embcompress.load(converted("qr", "mult", "f32").path)
    for bad in ([ROWS], [-1], [[0, 1], [2, ROWS + 5]], np.array([2**40], dtype=np.int64),
                np.array([2**63], dtype=np.uint64), [2**70]):
        with pytest.raises(IndexError, match="out of range"):
            table.lookup(bad)
    for bad in ([0.5], np.array([1.0]), [True]):
        with pytest.raises(TypeError):
            table.lookup(bad)
    with pytest.raises(IndexError):
        table.expand(0, ROWS + 1)
    with pytest.raises(IndexError):
        table.expand(10, 5)
    assert same_bits(table.lookup(np.array([ROWS - 1], dtype=np.uint8 if ROWS <= 256 else np.uint16)),
                     table.expand(ROWS - 1, ROWS))


def test_large_ids_use_integer_arithmetic(tmp_path):
    # A qr file of 2**26 rows (tables of 2**13 rows each): ids above 2**24, where float32 division
    # lands on the wrong quotient, rebuild from the right rows.
    from qr_writer import write

    m, q, dim = 2**13, 2**13, 2
    rng = np.random.default_rng(3)
    wq = rng.normal(size=(q, dim)).astype(np.float32)
    wr = rng.normal(size=(m, dim)).astype(np.float32)
    meta = {"format": "embcompress.qr/1", "rows": str(m * q), "dim": str(dim), "scheme": "qr", "operation": "add",
            "partitions": json.dumps([{"tensor": "weight_q", "divisor": m, "modulus": q, "dim": dim},
                                      {"tensor": "weight_r", "divisor": 1, "modulus": m, "dim": dim}]),
            "source": "test", "relative_error": "0"}
    path = write(tmp_path / "big.qr", meta, [("weight_q", "F32", wq), ("weight_r", "F32", wr)])
    table = embcompress.load(path)
    ids = np.array([16777219, 67108863, 2**24 + 1])
    assert same_bits(table.lookup(ids), wq[ids // m] + wr[ids % m])
    printed = json.loads(run("lookup", path, *ids, "--json").stdout)
    assert same_bits(table.lookup(ids), np.array([r["embedding"] for r in printed["embeddings"]], dtype=np.float32))


MANIFEST = json.loads((FIXTURES / "bad-qr" / "manifest.json").read_text())


@pytest.mark.parametrize("entry", MANIFEST["good"], ids=lambda e: Path(e["file"]).stem)
def test_good_fixtures_load(entry):
    table = embcompress.load(FIXTURES / entry["file"])
    expected = np.fromfile(FIXTURES / entry["expected"], dtype="<f4").reshape(entry["rows"], entry["dim"])
    assert (table.scheme, table.precision) == (entry["scheme"], entry["precision"])
    assert [vars(p) for p in table.rule.terms[0].partitions] == entry["partitions"]
    assert same_bits(table.expand(), expected)


@pytest.mark.parametrize("entry", MANIFEST["bad"], ids=lambda e: Path(e["file"]).stem)
def test_bad_fixtures_raise_value_error_naming_the_file(entry):
    path = FIXTURES / entry["file"]
    with pytest.raises(ValueError) as raised:
        embcompress.load(path)
    message = str(raised.value)
    assert message.startswith(str(path) + ": ")
    assert entry["detail"] in message  # the Swift reader's wording (fixtures/bad-qr/manifest.json)
    assert "\n" not in message
    if entry["error"] == "truncated":
        assert message.startswith(f"{path}: truncated: ")


def test_every_bad_fixture_is_covered():
    listed = {Path(e["file"]).name for e in MANIFEST["good"] + MANIFEST["bad"]}
    present = {p.name for p in (FIXTURES / "bad-qr").glob("*.qr")}
    assert listed == present


def damaged_versions(raw, rng, count):
    """`count` damaged copies of `raw`: bytes flipped, cut short, spliced, or header text changed."""
    header_end = 8 + int.from_bytes(raw[:8], "little")
    for k in range(count):
        data = bytearray(raw)
        kind = k % 5
        if kind == 0:  # one byte anywhere
            data[rng.integers(len(data))] ^= 1 << int(rng.integers(8))
        elif kind == 1:  # one byte of the header JSON
            data[rng.integers(8, header_end)] = int(rng.choice(list(b'{}[]",:0123456789 -.eE\\tfn')))
        elif kind == 2:  # cut short
            data = data[: rng.integers(len(data))]
        elif kind == 3:  # a digit in the header changed
            digits = [i for i in range(8, header_end) if chr(data[i]).isdigit()]
            data[digits[rng.integers(len(digits))]] = ord(str(rng.integers(10)))
        else:  # the length field
            data[rng.integers(8)] = int(rng.integers(256))
        yield bytes(data)


def test_damaged_files_are_judged_as_the_swift_reader_judges_them(tmp_path, converted):
    """Hundreds of damaged files: the package loads exactly those the binary loads, with the same
    rows, and raises ValueError (never another exception) for the rest."""
    rng = np.random.default_rng(5)
    sources = [converted("gqr", "add", "f16").path, converted("crt", "concat", "bf16").path,
               FIXTURES / "bad-qr" / "good_qr_mult_f32.qr"]
    accepted = refused = 0
    for source in sources:
        for n, data in enumerate(damaged_versions(Path(source).read_bytes(), rng, 40)):
            path = tmp_path / f"damaged-{n}.qr"
            path.write_bytes(data)
            try:
                table = embcompress.load(path)
            except ValueError as error:
                assert str(error).startswith(f"{path}: ")
                table = None
            out = tmp_path / "dense.f32"
            result = run("expand", path, out, "--force")
            if table is None:
                assert result.returncode == 65, f"the binary loads what the package refused: {path}\n{result.stderr}"
                refused += 1
            else:
                assert result.returncode == 0, f"the package loads what the binary refuses: {result.stderr}"
                assert same_bits(table.expand(), np.fromfile(out, dtype="<f4").reshape(table.rows, table.dim))
                accepted += 1
    assert refused > 60


def test_numpy_alone_is_enough():
    # `pip install ./python` without torch: loading and lookup never import it.
    code = ("import sys; sys.modules['torch'] = None; import embcompress; "
            f"t = embcompress.load({str(FIXTURES / 'bad-qr' / 'good_crt_concat_bf16.qr')!r}); print(t.lookup([1]).shape)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "(1, 5)", result.stderr


def test_run_returns_the_report(tmp_path, source_table, monkeypatch):
    monkeypatch.setenv("EMBCOMPRESS", str(BINARY))
    out = tmp_path / "out.qr"
    report = embcompress.run(source_table, out, "--scheme", "gqr", "--partitions", "2", "--precision", "f16")
    assert report["checkpoint"]["scheme"] == "gqr" and report["checkpoint"]["precision"] == "f16"
    assert report["error"]["relative_frobenius"] == pytest.approx(embcompress.load(out).relative_error, abs=1e-12)
    listing = embcompress.run("lookup", out, 3, 4)
    assert same_bits(np.array([r["embedding"] for r in listing["embeddings"]], dtype=np.float32),
                     embcompress.load(out).lookup([3, 4]))
    with pytest.raises(embcompress.EmbCompressError) as raised:
        embcompress.run(source_table, out, "--scheme", "gqr")  # exists, no --force
    assert raised.value.exit_code != 0 and "\n" not in raised.value.message and raised.value.message
    with pytest.raises(embcompress.EmbCompressError) as raised:
        embcompress.run("lookup", out, ROWS)
    assert raised.value.exit_code == 64
    assert raised.value.message == f"{out}: id {ROWS} is out of range: the table has {ROWS} rows (ids 0 to {ROWS - 1})"
    with pytest.raises(embcompress.EmbCompressError) as raised:
        embcompress.run("inspect", FIXTURES / "bad-qr" / "wrong_sha256.qr")
    assert raised.value.exit_code == 65 and "wrong sha256" in raised.value.message
    assert "rows" in embcompress.run("expand", out, tmp_path / "dense.npy")


def test_run_finds_the_binary_on_path(tmp_path, monkeypatch):
    monkeypatch.delenv("EMBCOMPRESS", raising=False)
    monkeypatch.setenv("PATH", str(BINARY.parent) + os.pathsep + os.environ.get("PATH", ""))
    assert embcompress.binary() == str(BINARY.parent / "embcompress")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError):
        embcompress.run("inspect", "x.qr")
