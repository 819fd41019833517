"""Every figure of the report recomputed here in numpy, independently of embcompress: the fit's
error, the baselines (int8 row-wise, float16, truncated SVD by numpy's SVD, the hashing trick by
bucket means), the neighbour check with the same seeded sample, the worst rows and the
histogram. docs/report.md states each rule; this file is its executable form."""

import json

import numpy as np
import pytest

from qr_rule import REAL, load_real, rebuild, run

GOLDEN = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1


def splitmix_keys(rows, seed):
    """Id i's key: SplitMix64's output function on seed + (i + 1)·γ (docs/report.md)."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + (np.arange(rows, dtype=np.uint64) + np.uint64(1)) * np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def test_keys_are_splitmix64():
    # SplitMix64 seeded with 0 starts 0xE220A8397B1DCDAF.
    assert int(splitmix_keys(1, 0)[0]) == 0xE220A8397B1DCDAF


def round_to(values, precision):
    values = values.astype(np.float32)
    if precision == "f32":
        return values
    if precision == "f16":
        return values.astype(np.float16).astype(np.float32)
    bits = values.view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    return rounded.astype(np.uint32).view(np.float32)


def int8_rowwise(E):
    low = E.min(axis=1, keepdims=True)
    scale = (E.max(axis=1, keepdims=True) - low) / np.float32(255)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.clip(np.round((E - low) / scale), 0, 255).astype(np.float32)
    return np.where(scale > 0, q * scale + low, low).astype(np.float32)


def float16(E):
    return np.clip(E, -65504, 65504).astype(np.float16).astype(np.float32)


def relative(E64, rebuilt):
    return float(np.sqrt(((E64 - rebuilt.astype(np.float64)) ** 2).sum() / (E64**2).sum()))


def top_k(rows, queries, k):
    """Exact cosine top-k within `rows` for each query index, the query excluded, ties to the
    smaller index. Identical rows tie exactly: each takes the cosine of the first row like it."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
    _, group = np.unique(unit, axis=0, return_inverse=True)
    group = group.reshape(-1)
    first = np.full(group.max() + 1, len(rows))
    np.minimum.at(first, group, np.arange(len(rows)))
    cosines = (unit[queries] @ unit.T)[:, first[group]]
    cosines[np.arange(len(queries)), queries] = -np.inf
    # Everything at least as similar as the k-th, then ordered by (-cosine, index).
    kth = -np.partition(-cosines, k - 1, axis=1)[:, k - 1 : k]
    result = []
    for row, threshold in zip(cosines, kth):
        candidates = np.nonzero(row >= threshold)[0]
        result.append(sorted(candidates, key=lambda j: (-row[j], j))[:k])
    return np.array(result)


def recall(E64, rebuilt, ids_by_key, corpus_size, query_size, k):
    sample = ids_by_key[:corpus_size]
    kept = [i for i in sample if np.any(E64[i] != 0)]
    corpus = np.array(sorted(kept))
    position = {int(i): p for p, i in enumerate(corpus)}
    queries = np.array([position[int(i)] for i in kept[:query_size]])
    k = min(k, len(corpus) - 1)
    truth = top_k(E64[corpus], queries, k)
    found = top_k(rebuilt.astype(np.float64)[corpus], queries, k)
    overlap = sum(len(set(a) & set(b)) for a, b in zip(truth, found))
    return overlap / (len(queries) * k), len(corpus), len(queries), k


def reference(E, rebuilt, report, seed, corpus_size=20_000, query_size=1_000, k=10):
    """The report's new sections, computed from E, the rule's rebuilt table and the sizes."""
    n, d = E.shape
    E64 = E.astype(np.float64)
    budget = report["checkpoint"]["tensor_bytes"]
    precision = report["checkpoint"]["precision"]
    input_bytes = report["input"]["bytes"]
    keys = splitmix_keys(n, seed)
    ids_by_key = np.lexsort((np.arange(n), keys))

    methods = {
        "int8-rowwise": (n * d + 8 * n, int8_rowwise(E), {"precision": "int8"}),
        "float16": (2 * n * d, float16(E), {"precision": "f16"}),
    }
    rank = min(budget // ((n + d) * 4), min(n, d))
    if rank >= 1:
        u, s, vt = np.linalg.svd(E64, full_matrices=False)
        error = float(np.sqrt((s[rank:] ** 2).sum() / (s**2).sum()))
        methods["truncated-svd"] = ((n + d) * 4 * rank, (u[:, :rank] * s[:rank]) @ vt[:rank], {"rank": rank, "precision": "f32", "error": error})
    size = {"f32": 4, "f16": 2, "bf16": 2}[precision]
    buckets = min(n, budget // (d * size))
    if buckets >= 1:
        ids = np.arange(n)
        sums = np.zeros((buckets, d))
        np.add.at(sums, ids % buckets, E64)
        counts = np.bincount(ids % buckets, minlength=buckets)
        means = round_to((sums / counts[:, None]).astype(np.float32), precision)
        methods["hash"] = (buckets * d * size, means[ids % buckets], {"buckets": buckets, "precision": precision})

    fit_recall, corpus, queries, used_k = recall(E64, rebuilt, ids_by_key, corpus_size, query_size, k)
    baselines = {}
    for name, (nbytes, approx, extra) in methods.items():
        entry = {
            "bytes": nbytes,
            "compression_ratio": input_bytes / nbytes,
            "relative_frobenius": extra.pop("error", None) or relative(E64, approx),
            "recall_at_k": recall(E64, approx, ids_by_key, corpus_size, query_size, k)[0],
        }
        entry.update(extra)
        baselines[name] = entry

    norms = np.linalg.norm(E64, axis=1)
    diff = np.linalg.norm(E64 - rebuilt.astype(np.float64), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        row_error = np.where(norms > 0, diff / norms, np.where(diff > 0, 1.0, 0.0))
    rebuilt_norms = np.linalg.norm(rebuilt.astype(np.float64), axis=1)
    dots = np.sum(E64 * rebuilt.astype(np.float64), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cosine = np.where(
            (norms > 0) & (rebuilt_norms > 0),
            np.clip(dots / (norms * rebuilt_norms), -1, 1),
            np.where(norms == rebuilt_norms, 1.0, 0.0),
        )
    worst = sorted(range(n), key=lambda i: (-row_error[i], i))[:10]
    bins = np.minimum(19, np.floor(row_error * 20)).astype(int)
    counts = np.bincount(bins[row_error <= 1], minlength=20)
    return {
        "baselines": baselines,
        "neighbors": {"k": used_k, "queries": queries, "corpus": corpus, "recall_at_k": fit_recall, "seed": seed},
        "worst_rows": [(i, row_error[i], norms[i]) for i in worst],
        "histogram": {"counts": counts.tolist(), "overflow": int((row_error > 1).sum())},
        "row_error": row_error,
        "row_cosine": cosine,
        "row_squared_error": diff**2,
        "row_squared_norm": norms**2,
    }


def check(report, expected):
    """The report against the numpy reference, to tight tolerances."""
    assert report["error"]["relative_frobenius"] == pytest.approx(
        float(np.sqrt(np.sum(expected["row_squared_error"]) / np.sum(expected["row_squared_norm"]))), rel=1e-9
    )
    # The per-row distributions, nearest-rank: the smallest value with at least p% at or below it.
    def percentile(values, p):
        ordered = np.sort(values)
        return float(ordered[max(0, int(np.ceil(p / 100 * len(ordered))) - 1)])

    rows = report["error"]["row_relative"]
    for key, p in [("p50", 50), ("p90", 90), ("p99", 99), ("max", 100)]:
        assert rows[key] == pytest.approx(percentile(expected["row_error"], p), rel=1e-5, abs=1e-7), key
    cosines = report["error"]["cosine"]
    for key, p in [("min", 0), ("p1", 1), ("p10", 10), ("p50", 50)]:
        assert cosines[key] == pytest.approx(percentile(expected["row_cosine"], p), rel=1e-5, abs=1e-7), key
    assert cosines["mean"] == pytest.approx(float(np.mean(expected["row_cosine"])), rel=1e-6)
    got = {b["method"]: b for b in report["baselines"]}
    assert set(got) == set(expected["baselines"])
    assert [b["method"] for b in report["baselines"]] == [m for m in ["int8-rowwise", "float16", "truncated-svd", "hash"] if m in got]
    for name, want in expected["baselines"].items():
        have = got[name]
        assert have["bytes"] == want["bytes"], name
        assert have["compression_ratio"] == pytest.approx(want["compression_ratio"], rel=1e-12), name
        if name == "truncated-svd":
            # EᵀE from float32 products of 256 rows summed in double: the squared relative error
            # is exact to about rank·1e-7 (docs/report.md), not to double precision.
            assert abs(have["relative_frobenius"] ** 2 - want["relative_frobenius"] ** 2) <= want["rank"] * 1e-7, name
        else:
            assert have["relative_frobenius"] == pytest.approx(want["relative_frobenius"], rel=1e-9, abs=1e-12), name
        # float32 cosines here, float64 there: allow a couple of near-tied neighbours to swap.
        assert have["recall_at_k"] == pytest.approx(want["recall_at_k"], abs=5e-4), name
        for key in ["rank", "buckets", "precision"]:
            assert have.get(key) == want.get(key), (name, key)

    neighbors = report["neighbors"]
    want = expected["neighbors"]
    assert {key: neighbors[key] for key in ["k", "queries", "corpus", "seed"]} == {key: want[key] for key in ["k", "queries", "corpus", "seed"]}
    assert neighbors["recall_at_k"] == pytest.approx(want["recall_at_k"], abs=5e-4)

    worst = report["worst_rows"]
    assert len(worst) == len(expected["worst_rows"])
    for have, (i, error, norm) in zip(worst, expected["worst_rows"]):
        assert have["relative_error"] == pytest.approx(error, rel=1e-5)
        assert have["norm"] == pytest.approx(norm, rel=1e-6, abs=1e-12)
    # Ids agree, except where two errors tie to float32 precision.
    assert sum(have["id"] != i for have, (i, _, _) in zip(worst, expected["worst_rows"])) <= 2

    histogram = report["histogram"]
    assert histogram["bin_edges"] == [i / 20 for i in range(21)]
    # A row may change bins only if its error lies within float32 rounding of an edge.
    row_error = expected["row_error"]
    near_edge = int((np.abs(row_error * 20 - np.round(row_error * 20)) < 1e-4).sum())
    moved = sum(abs(a - b) for a, b in zip(histogram["counts"], expected["histogram"]["counts"]))
    moved += abs(histogram["overflow"] - expected["histogram"]["overflow"])
    assert moved <= 2 * near_edge
    assert sum(histogram["counts"]) + histogram["overflow"] == len(row_error)


@pytest.mark.parametrize(
    "args",
    [
        ["--precision", "f32"],
        ["--scheme", "gqr", "--operation", "add", "--moduli", "8,8,9", "--precision", "f16", "--seed", "11"],
        ["--operation", "concat", "--collisions", "16", "--precision", "bf16"],
    ],
)
def test_real_table_metrics_match_numpy(tmp_path, args):
    out = tmp_path / "out.qr"
    result = run(REAL, out, "--quiet", *args)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "out.qr.report.json").read_text())
    table, _ = rebuild(out)
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 0
    check(report, reference(load_real(), table, report, seed))
    assert report["baselines_omitted"] == []


def test_svd_is_omitted_when_rank_one_does_not_fit(tmp_path):
    # Two hash rows take 2·384·4 = 3072 bytes; rank 1 takes (512 + 384)·4 = 3584.
    out = tmp_path / "out.qr"
    assert run(REAL, out, "--quiet", "--scheme", "hash", "--collisions", "2").returncode == 0
    report = json.loads((tmp_path / "out.qr.report.json").read_text())
    assert report["baselines_omitted"] == [
        {"method": "truncated-svd", "reason": "rank 1 takes (n + d)·4 = 3584 bytes, more than the checkpoint's 3072 tensor bytes"}
    ]
    table, _ = rebuild(out)
    expected = reference(load_real(), table, report, 0)
    assert "truncated-svd" not in expected["baselines"]
    check(report, expected)
    # At the same size the hash baseline is the fit itself.
    assert expected["baselines"]["hash"]["buckets"] == 2
    assert report["baselines"][-1]["relative_frobenius"] == pytest.approx(report["error"]["relative_frobenius"], rel=1e-9)


def test_sampled_neighbours_on_a_structured_table(tmp_path):
    """25,000 rows: the corpus is a 20,000-row sample and the queries its first 1,000 by key;
    three zero rows are left out of it. The ids have QR structure, so the fit wins here."""
    rng = np.random.default_rng(1)
    n, d, m = 25_000, 16, 50
    a = rng.normal(size=(m, d))
    b = rng.normal(size=((n + m - 1) // m, d))
    ids = np.arange(n)
    E = (a[ids % m] * b[ids // m] + 0.05 * rng.normal(size=(n, d))).astype(np.float32)
    zero = [5, 777, 24_999]
    E[zero] = 0
    source = tmp_path / "structured.npy"
    np.save(source, E)
    out = tmp_path / "out.qr"
    result = run(source, out, "--collisions", m, "--seed", 3)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "out.qr.report.json").read_text())
    table, _ = rebuild(out)
    expected = reference(E, table, report, 3)
    check(report, expected)
    sample = np.lexsort((ids, splitmix_keys(n, 3)))[:20_000]
    assert report["neighbors"]["corpus"] == 20_000 - len(set(zero) & set(sample.tolist()))
    assert report["neighbors"]["queries"] == 1_000
    # Zero rows rebuilt as non-zero count as entirely wrong (error 1) and top the worst rows.
    assert {row["id"] for row in report["worst_rows"][:3]} == set(zero)
    assert all(row["relative_error"] == 1 and row["norm"] == 0 for row in report["worst_rows"][:3])
    assert "The fit beats every baseline of comparable size." in result.stdout
    assert "ranks 1st of " in result.stdout


def test_evaluate_writes_the_same_figures(tmp_path):
    out = tmp_path / "out.qr"
    assert run(REAL, out, "--quiet", "--precision", "bf16").returncode == 0
    again = tmp_path / "again.json"
    result = run("evaluate", REAL, out, "--report", again, "--quiet")
    assert result.returncode == 0, result.stderr
    first = json.loads((tmp_path / "out.qr.report.json").read_text())
    second = json.loads(again.read_text())
    assert second["fit"] is None and second["subcommand"] == "evaluate"
    for key in ["error", "baselines", "neighbors", "worst_rows", "histogram", "compression_ratio"]:
        assert first[key] == second[key], key


def weighted_percentile(values, weights, p):
    """The smallest value with at least p% of the weight at or below it (rows of weight 0 never
    count)."""
    keep = weights > 0
    values, weights = values[keep], weights[keep]
    order = np.lexsort((np.arange(len(values)), values))
    cumulative = np.cumsum(weights[order])
    index = int(np.searchsorted(cumulative, p / 100 * weights.sum(), side="left"))
    return float(values[order][min(index, len(order) - 1)])


def weighted_reference(E, rebuilt, w, report):
    """The `weighted` section from E, the rule's rebuilt table and the counts, in numpy."""
    n, d = E.shape
    E64, R64 = E.astype(np.float64), rebuilt.astype(np.float64)
    norms2 = (E64**2).sum(axis=1)
    err2 = ((E64 - R64) ** 2).sum(axis=1)
    rel = np.where(norms2 > 0, np.sqrt(err2 / np.where(norms2 > 0, norms2, 1)), np.where(err2 > 0, 1.0, 0.0)).astype(np.float32)
    rn2 = (R64**2).sum(axis=1)
    dots = (E64 * R64).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = np.where((norms2 > 0) & (rn2 > 0), np.clip(dots / np.sqrt(norms2 * rn2), -1, 1), np.where(norms2 == rn2, 1.0, 0.0))
    cos = cos.astype(np.float32)
    total = (w * norms2).sum()
    out = {
        "lookups": w.sum(),
        "counted_rows": int((w > 0).sum()),
        "relative_frobenius": float(np.sqrt((w * err2).sum() / total)),
        "mse": float((w * err2).sum() / (d * w.sum())),
        "row_relative": {f"p{p}": weighted_percentile(rel, w, p) for p in (50, 90, 99)},
        "cosine": {f"p{p}": weighted_percentile(cos, w, p) for p in (1, 10, 50)},
    }
    out["row_relative"]["mean"] = float((w * rel.astype(np.float64)).sum() / w.sum())
    out["row_relative"]["max"] = float(rel[w > 0].max())
    out["cosine"]["min"] = float(cos[w > 0].min())
    bins = np.minimum(19, np.floor(rel.astype(np.float64) * 20)).astype(int)
    out["histogram"] = np.bincount(bins[rel <= 1], weights=w[rel <= 1], minlength=20)

    baselines = {
        "int8-rowwise": float(np.sqrt((w * ((E64 - int8_rowwise(E).astype(np.float64)) ** 2).sum(axis=1)).sum() / total)),
        "float16": float(np.sqrt((w * ((E64 - float16(E).astype(np.float64)) ** 2).sum(axis=1)).sum() / total)),
    }
    plain = {b["method"]: b for b in report["baselines"]}
    if "truncated-svd" in plain:
        r = plain["truncated-svd"]["rank"]
        s = np.linalg.svd(np.sqrt(w)[:, None] * E64, compute_uv=False)
        baselines["truncated-svd"] = float(np.sqrt((s[r:] ** 2).sum() / (s**2).sum()))
    if "hash" in plain:
        m = plain["hash"]["buckets"]
        ids = np.arange(n)
        sums = np.zeros((m, d))
        np.add.at(sums, ids % m, w[:, None] * E64)
        weight = np.bincount(ids % m, weights=w, minlength=m)
        with np.errstate(divide="ignore", invalid="ignore"):
            means = round_to((sums / np.where(weight > 0, weight, 1)[:, None]).astype(np.float32), report["checkpoint"]["precision"])
        diff = E64 - means[ids % m].astype(np.float64)
        baselines["hash"] = float(np.sqrt((w * (diff**2).sum(axis=1)).sum() / total))
    out["baselines"] = baselines
    return out


def check_weighted(weighted, expected, rank=1):
    assert weighted["lookups"] == pytest.approx(expected["lookups"], rel=1e-12)
    assert weighted["counted_rows"] == expected["counted_rows"]
    assert weighted["relative_frobenius"] == pytest.approx(expected["relative_frobenius"], rel=1e-9)
    assert weighted["mse"] == pytest.approx(expected["mse"], rel=1e-9)
    for section in ("row_relative", "cosine"):
        for key, want in expected[section].items():
            assert weighted[section][key] == pytest.approx(want, rel=1e-5, abs=1e-7), (section, key)
    assert weighted["histogram"]["bin_edges"] == [i / 20 for i in range(21)]
    assert sum(weighted["histogram"]["lookups"]) + weighted["histogram"]["overflow"] == pytest.approx(expected["lookups"])
    assert np.abs(np.array(weighted["histogram"]["lookups"]) - expected["histogram"]).sum() <= 0.02 * expected["lookups"]
    got = {b["method"]: b["relative_frobenius"] for b in weighted["baselines"]}
    assert set(got) == set(expected["baselines"])
    for name, want in expected["baselines"].items():
        if name == "truncated-svd":
            # As for the plain figure: float32 products of √w-scaled rows, summed in double.
            assert abs(got[name] ** 2 - want ** 2) <= rank * 1e-7, name
        else:
            assert got[name] == pytest.approx(want, rel=1e-9, abs=1e-12), name


@pytest.mark.parametrize("precision", ["f32", "f16"])
def test_weighted_section_matches_numpy(tmp_path, precision):
    """With --counts the report adds the figures weighted by the counts as given, and the baselines
    on the same weights: recomputed here (weighted quantiles, the SVD of √w⊙E, weighted bucket means)."""
    E = load_real()
    n = E.shape[0]
    rng = np.random.default_rng(7)
    # Zipf-like counts over a seeded order of the ids, a tenth of them never looked up.
    counts = np.floor(1000 / (1 + rng.permutation(n)) ** 1.1).astype(np.int64)
    counts[rng.choice(n, n // 10, replace=False)] = 0
    path = tmp_path / "counts.npy"
    np.save(path, counts)
    out = tmp_path / "out.qr"
    assert run(REAL, out, "--quiet", "--precision", precision).returncode == 0
    plain = json.loads((tmp_path / "out.qr.report.json").read_text())
    assert plain["weighted"] is None
    measured = tmp_path / "weighted.json"
    result = run("evaluate", REAL, out, "--counts", path, "--report", measured)
    assert result.returncode == 0, result.stderr
    assert "weighted" in result.stdout
    report = json.loads(measured.read_text())
    table, _ = rebuild(out)
    # The unweighted figures are those of the run without counts.
    for key in ["error", "baselines", "neighbors", "worst_rows", "histogram"]:
        assert report[key] == plain[key], key
    check(report, reference(E, table, report, 0))
    rank = next((b["rank"] for b in report["baselines"] if b["method"] == "truncated-svd"), 1)
    check_weighted(report["weighted"], weighted_reference(E, table, counts.astype(np.float64), report), rank)


def test_no_counts_no_weighted_section(tmp_path):
    out = tmp_path / "out.qr"
    assert run(REAL, out, "--quiet").returncode == 0
    assert json.loads((tmp_path / "out.qr.report.json").read_text())["weighted"] is None
