"""A `.qr` holding several tables (`--tensor 'emb.*'`), read by the Python package: each table is
the one a separate conversion gives, bit for bit, in numpy and in the torch modules."""

import json

import numpy as np
import pytest
from safetensors.numpy import save_file

import embcompress
from package_cases import same_bits
from qr_rule import run


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tables")
    rng = np.random.default_rng(5)
    tensors = {f"emb.{i}": rng.normal(size=(40 + 9 * i, 6)).astype(np.float32) for i in range(3)}
    tensors["mlp.bias"] = np.ones(4, np.float32)
    path = folder / "model.safetensors"
    save_file(tensors, str(path))
    bundle = folder / "all.qr"
    result = run(path, bundle, "--tensor", "emb.*", "--precision", "bf16", "--terms", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    return folder, path, bundle


def test_each_table_is_a_separate_conversions(model):
    folder, path, bundle = model
    assert embcompress.load(bundle, table="emb.0").tables == ["emb.0", "emb.1", "emb.2"]
    for name in ["emb.0", "emb.1", "emb.2"]:
        alone = folder / f"{name}.qr"
        assert run(path, alone, "--tensor", name, "--precision", "bf16", "--quiet").returncode == 0
        table = embcompress.load(bundle, table=name)
        single = embcompress.load(alone)
        assert table.table == name and single.table is None
        assert same_bits(table.expand(), single.expand())
        assert table.tensor_bytes == single.tensor_bytes
        printed = json.loads(run("lookup", bundle, "--table", name, 0, 5, "--json").stdout)
        looked = np.array([row["embedding"] for row in printed["embeddings"]], dtype=np.float32)
        assert same_bits(table.lookup([0, 5]), looked)


def test_a_file_of_several_tables_needs_a_name(model):
    _, _, bundle = model
    with pytest.raises(ValueError, match="several tables; choose one: emb.0, emb.1, emb.2"):
        embcompress.load(bundle)
    with pytest.raises(ValueError, match="no table named emb.9; candidates: emb.0, emb.1, emb.2"):
        embcompress.load(bundle, table="emb.9")


def test_torch_modules_read_one_table(model):
    torch = pytest.importorskip("torch")
    from embcompress.torch import CompositionalEmbedding, CompositionalEmbeddingBag

    _, _, bundle = model
    table = embcompress.load(bundle, table="emb.2")
    ids = torch.tensor([0, 3, 57])
    module = CompositionalEmbedding.from_file(bundle, table="emb.2", trainable=False)
    assert same_bits(module(ids).numpy(), table.lookup([0, 3, 57]))
    bag = CompositionalEmbeddingBag.from_file(bundle, table="emb.2", mode="sum", trainable=False)
    assert bag(ids, torch.tensor([0])).shape == (1, 6)
