"""embcompress.torch against the built binary: `CompositionalEmbedding` and
`CompositionalEmbeddingBag` (sum, mean, max, per-sample weights, padding_idx) rebuild what
`embcompress expand` writes, bit for bit, for every scheme × operation × precision, in eager mode
and scripted; `torch.compile` gives the eager bits; SGD changes the tables; DLRM's state dict."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")  # scripts/setup --python installs it; CI always has it
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:FutureWarning")

import embcompress  # noqa: E402
from embcompress.torch import CompositionalEmbedding, CompositionalEmbeddingBag  # noqa: E402
from package_cases import DIM, MATRIX, ROWS, matrix_id, same_bits  # noqa: E402


def bag_reference(dense, flat, starts, ends, mode, weights=None, padding_idx=None):
    """Each bag reduced in input order in float32, from the binary's rows: sum
    ((0 + w0·r0) + w1·r1) + …, mean = sum / count, max; padding ids left out; empty bags zero."""
    out = np.zeros((len(starts), dense.shape[1]), dtype=np.float32)
    for b, (s, e) in enumerate(zip(starts, ends)):
        rows = [dense[flat[j]] if weights is None else dense[flat[j]] * np.float32(weights[j])
                for j in range(s, e) if flat[j] != padding_idx]
        if not rows:
            continue
        if mode == "max":
            out[b] = np.max(np.stack(rows), axis=0)
            continue
        acc = np.zeros(dense.shape[1], dtype=np.float32)
        for row in rows:
            acc = acc + row
        out[b] = acc / np.float32(len(rows)) if mode == "mean" else acc
    return out


def numpy_of(tensor):
    return tensor.detach().numpy()


RNG = np.random.default_rng(2)
INPUT = RNG.integers(0, ROWS, size=40)
OFFSETS = np.array([0, 1, 1, 9, 25, 25, 39])  # bags of 1, 0, 8, 16, 0, 14 and 1 ids
STARTS, ENDS = OFFSETS, np.append(OFFSETS[1:], len(INPUT))
WEIGHTS = RNG.normal(size=40).astype(np.float32)


@pytest.mark.parametrize("case", MATRIX, ids=matrix_id)
def test_modules_equal_the_binary(converted, case):
    item = converted(*case)
    dense = item.dense
    embedding = CompositionalEmbedding.from_file(item.path)
    ids = torch.tensor([[0, 209, 7], [100, 7, 1]])
    with torch.no_grad():
        assert same_bits(numpy_of(embedding(torch.arange(ROWS))), dense)
        assert same_bits(numpy_of(embedding(ids)), dense[ids.numpy()])
        assert same_bits(numpy_of(embedding(ids.to(torch.int32))), dense[ids.numpy()])
        inp, off = torch.from_numpy(INPUT), torch.from_numpy(OFFSETS)
        for mode in ("sum", "mean", "max"):
            bag = CompositionalEmbeddingBag.from_file(item.path, mode=mode)
            expected = bag_reference(dense, INPUT, STARTS, ENDS, mode)
            assert same_bits(numpy_of(bag(inp, off)), expected), mode
            assert same_bits(numpy_of(bag(inp.reshape(8, 5))), bag_reference(dense, INPUT, range(0, 40, 5), range(5, 41, 5), mode))
            padded = CompositionalEmbeddingBag.from_file(item.path, mode=mode, padding_idx=int(INPUT[3]))
            assert same_bits(numpy_of(padded(inp, off)), bag_reference(dense, INPUT, STARTS, ENDS, mode, padding_idx=INPUT[3]))
        summed = CompositionalEmbeddingBag.from_file(item.path, mode="sum")
        weighted = bag_reference(dense, INPUT, STARTS, ENDS, "sum", weights=WEIGHTS)
        assert same_bits(numpy_of(summed(inp, off, torch.from_numpy(WEIGHTS))), weighted)
        last = CompositionalEmbeddingBag.from_file(item.path, mode="sum", include_last_offset=True)
        assert same_bits(numpy_of(last(inp, torch.from_numpy(np.append(OFFSETS, 40)), torch.from_numpy(WEIGHTS))), weighted)


@pytest.mark.parametrize("case", [("qr", "mult", "bf16"), ("gqr", "concat", "f16"), ("crt", "add", "f32"), ("hash", "mult", "f32")],
                         ids=matrix_id)
def test_scripted_modules_equal_eager(converted, case):
    path = converted(*case).path
    embedding = CompositionalEmbedding.from_file(path)
    scripted = torch.jit.script(embedding)
    ids = torch.tensor([[3, 4], [208, 0]])
    assert same_bits(numpy_of(scripted(ids)), numpy_of(embedding(ids)))
    inp, off, w = torch.from_numpy(INPUT), torch.from_numpy(OFFSETS), torch.from_numpy(WEIGHTS)
    for mode, weights in (("sum", w), ("mean", None), ("max", None)):
        bag = CompositionalEmbeddingBag.from_file(path, mode=mode, padding_idx=int(INPUT[0]))
        script_bag = torch.jit.script(bag)
        assert same_bits(numpy_of(script_bag(inp, off, weights)), numpy_of(bag(inp, off, weights)))
    with pytest.raises(Exception, match="out of range"):
        scripted(torch.tensor([ROWS]))


def test_compiled_modules_equal_eager(converted):
    # Compiling is slow (a C++ build per graph), so one file here, and the format-2 one in
    # test_python_format2.py. gqr mult: three tables multiplied in order.
    import torch._dynamo

    path = converted("gqr", "mult", "bf16").path
    embedding = CompositionalEmbedding.from_file(path)
    bag = CompositionalEmbeddingBag.from_file(path, mode="sum")
    inp, off, w = torch.from_numpy(INPUT), torch.from_numpy(OFFSETS), torch.from_numpy(WEIGHTS)
    with torch.no_grad():
        eager_rows = numpy_of(embedding(torch.arange(ROWS)))
        eager_bags = numpy_of(bag(inp, off, w))
        torch._dynamo.reset()
        assert same_bits(numpy_of(torch.compile(embedding)(torch.arange(ROWS))), eager_rows)
        assert same_bits(numpy_of(torch.compile(bag)(inp, off, w)), eager_bags)


def test_out_of_range_ids_raise_index_error(converted):
    path = converted("qr", "add", "f32").path
    embedding = CompositionalEmbedding.from_file(path)
    for bad in ([ROWS], [-1], [[0, 1], [2, ROWS]]):
        with pytest.raises(IndexError, match="out of range"):
            embedding(torch.tensor(bad))
    with pytest.raises(IndexError):
        CompositionalEmbeddingBag.from_file(path)(torch.tensor([1, ROWS]), torch.tensor([0]))
    with pytest.raises(ValueError):
        CompositionalEmbeddingBag.from_file(path, mode="mean")(torch.tensor([1, 2]), torch.tensor([0]), torch.ones(2))
    with pytest.raises(ValueError):
        CompositionalEmbeddingBag.from_file(path, mode="median")
    with pytest.raises(ValueError):
        CompositionalEmbedding.from_file(embcompress_bad())


def embcompress_bad():
    from qr_rule import FIXTURES

    return FIXTURES / "bad-qr" / "wrong_sha256.qr"


@pytest.mark.parametrize("scheme", ["hash", "qr", "gqr", "crt"])
def test_sgd_fine_tunes_the_tables(converted, scheme):
    path = converted(scheme, "mult", "f16").path
    torch.manual_seed(0)
    bag = CompositionalEmbeddingBag.from_file(path, mode="mean")
    assert all(p.requires_grad for p in bag.parameters())
    before = [p.detach().clone() for p in bag.parameters()]
    target = torch.randn(6, DIM)
    optimizer = torch.optim.SGD(bag.parameters(), lr=0.05)
    inp, off = torch.from_numpy(INPUT), torch.from_numpy(OFFSETS[:6])
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = ((bag(inp, off) - target) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < losses[0]
    assert all(not torch.equal(a, b) for a, b in zip(before, bag.parameters()))
    frozen = CompositionalEmbedding.from_file(path, trainable=False)
    assert not any(p.requires_grad for p in frozen.parameters())


def test_dlrm_state_dict(converted):
    item = converted("qr", "concat", "f32")
    embedding = CompositionalEmbedding.from_file(item.path)
    state = embedding.to_dlrm_state_dict()
    table = embcompress.load(item.path)
    quotient, remainder = table.rule.terms[0].partitions
    assert sorted(state) == ["weight_q", "weight_r"]
    assert state["weight_q"].shape == (quotient.modulus, quotient.dim)
    assert state["weight_r"].shape == (remainder.modulus, remainder.dim)
    arguments = embedding.dlrm_arguments()
    assert arguments == {"num_categories": ROWS, "embedding_dim": [quotient.dim, remainder.dim],
                         "num_collisions": remainder.modulus, "operation": "concat"}
    # DLRM's rule with integer division: quotient row id // m, remainder row id % m, concatenated.
    ids = np.arange(ROWS)
    m = arguments["num_collisions"]
    rebuilt = torch.cat([state["weight_q"][ids // m], state["weight_r"][ids % m]], dim=1)
    assert same_bits(rebuilt.numpy(), item.dense)
    with pytest.raises(ValueError, match="QREmbeddingBag"):
        CompositionalEmbedding.from_file(converted("gqr", "mult", "f32").path).to_dlrm_state_dict()


def test_integer_division_is_exact_where_float32_division_is_not(tmp_path):
    # The ids DLRM's `(input / num_collisions).long()` gets wrong, rebuilt right here.
    from qr_writer import write

    m = q = 2**13
    rng = np.random.default_rng(4)
    wq, wr = rng.normal(size=(q, 3)).astype(np.float32), rng.normal(size=(m, 3)).astype(np.float32)
    meta = {"format": "embcompress.qr/1", "rows": str(m * q), "dim": "3", "scheme": "qr", "operation": "mult",
            "partitions": json.dumps([{"tensor": "weight_q", "divisor": m, "modulus": q, "dim": 3},
                                      {"tensor": "weight_r", "divisor": 1, "modulus": m, "dim": 3}]),
            "source": "test", "relative_error": "0"}
    path = write(tmp_path / "big.qr", meta, [("weight_q", "F32", wq), ("weight_r", "F32", wr)])
    ids = torch.tensor([16777219, 67108863])
    assert (ids / 4).long().tolist() == [4194305, 16777216]  # float32 division: wrong
    with torch.no_grad():
        rows = CompositionalEmbedding.from_file(path, trainable=False)(ids).numpy()
    assert same_bits(rows, wq[ids.numpy() // m] * wr[ids.numpy() % m])
