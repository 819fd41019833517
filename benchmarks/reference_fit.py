#!/usr/bin/env python3
"""The numpy reference for scripts/bench: the same fits as `embcompress IN OUT`, done the obvious way.

Same algorithms as docs/fits.md, same passes, same convergence rule, same starting points (the
same SplitMix64 stream), float64 accumulation, blocked reading through h5py's read_direct into a
reused float32 buffer with a finiteness check per block. Everything per block is vectorised
(reshape to the grid, einsum/matmul, batched eigh); there are no Python loops over rows or columns.
Like embcompress it keeps the table in memory between passes when the fit needs many passes
(ALS, CP) and the table fits the memory budget, and streams twice for the exact Gram route.

After the fit it does what `embcompress IN OUT` does next: one measuring pass (per-row relative
error and cosine, their percentiles, the Frobenius error), and it writes the tables (.npz) to a
temporary file, fsyncs it and renames it into place, as embcompress does with its checkpoint.

    python3 benchmarks/reference_fit.py TABLE.h5 OUT.npz --scheme qr --operation mult --collisions 4

Prints one JSON object: wall seconds, fit seconds, passes over the rows (and their seconds),
iterations, and the relative error, which scripts/bench compares with embcompress's.
"""
import argparse
import json
import math
import os
import sys
import time

import h5py
import numpy as np

MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def splitmix_signed(seed, count, skip=0):
    """Values `skip ..< skip+count` of SplitMix64(seed).nextSigned(): uniform in [-1, 1)."""
    with np.errstate(over="ignore"):
        k = np.arange(skip + 1, skip + count + 1, dtype=np.uint64)
        z = np.uint64(seed) + k * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-52 - 1.0


def converged(previous, current, tolerance, total):
    return previous - current <= tolerance * max(current, 1e-13 * total)


class Passes:
    """Hands out the table's rows pass after pass in blocks of whole units, timing each pass."""

    def __init__(self, dataset, unit, keep, block_bytes):
        self.d = dataset
        self.rows, self.dim = dataset.shape
        fit = max(1, block_bytes // (self.dim * 4))
        step = unit * (dataset.chunks[0] if dataset.chunks else 1) // math.gcd(unit, dataset.chunks[0] if dataset.chunks else 1)
        self.block = min(self.rows, max(step, fit // step * step))
        self.keep = keep
        self.copy = None
        self.times = []
        self.source_passes = 0

    def blocks(self):
        start_time = time.perf_counter()
        if self.copy is not None:
            for start in range(0, self.rows, self.block):
                yield start, self.copy[start:start + self.block]
        else:
            self.source_passes += 1
            if self.keep:
                target = np.empty((self.rows, self.dim), dtype=np.float32)
            else:
                buf = np.empty((self.block, self.dim), dtype=np.float32)
            for start in range(0, self.rows, self.block):
                n = min(self.block, self.rows - start)
                view = target[start:start + n] if self.keep else buf[:n]
                self.d.read_direct(view, source_sel=np.s_[start:start + n], dest_sel=np.s_[0:n])
                if not np.isfinite(view).all():
                    sys.exit(f"non-finite values in rows {start}..<{start + n}")
                yield start, view
            if self.keep:
                self.copy = target
        self.times.append(time.perf_counter() - start_time)


def grid_rows(block, start, m):
    """The block as full grid rows (q, r, c) plus the partial last row, if any."""
    full = block.shape[0] // m * m
    return block[:full].reshape(-1, m, block.shape[1]), block[full:]


# ---------------------------------------------------------------------------------------------
# qr mult: rank 1 per column of the grid G[q][r] = E[q*m + r][c]
# ---------------------------------------------------------------------------------------------
def grid_mult(passes, rows, dim, m, args):
    Q = -(-rows // m)
    last_len = rows - (Q - 1) * m
    full_grid = last_len == m
    fast = np.empty((m, dim))
    route = "als"
    if m <= 512 and (rows // m) > 0 and m * m * dim * 8 <= args.memory // 4:
        route = "fast-gram"
        gram = np.zeros((dim, m, m))
        for start, block in passes.blocks():
            g, _ = grid_rows(block, start, m)
            x = g.astype(np.float64)
            gram += np.einsum("qrc,qsc->crs", x, x, optimize=True)
        _, vectors = np.linalg.eigh(gram)
        fast = vectors[:, :, -1].T.copy()  # m × dim
    else:
        fast = 1 + 0.5 * splitmix_signed(args.seed, m * dim).reshape(m, dim)
    slow = np.zeros((Q, dim))
    iterations, error, previous, done = 0, 0.0, None, False
    exact = route != "als" and full_grid
    total = 0.0
    while not done and iterations < args.max_iterations:
        norm_full = (fast * fast).sum(0)
        norm_last = (fast[:last_len] * fast[:last_len]).sum(0)
        numerator = np.zeros((m, dim))
        weight_full = np.zeros(dim)
        weight_last = np.zeros(dim)
        squares = 0.0
        for start, block in passes.blocks():
            g, rest = grid_rows(block, start, m)
            x = g.astype(np.float64)
            q0 = start // m
            dot = np.einsum("qrc,rc->qc", x, fast, optimize=True)
            b = np.where(norm_full > 0, dot / np.where(norm_full > 0, norm_full, 1), 0)
            slow[q0:q0 + len(b)] = b
            squares += np.einsum("qrc,qrc->", x, x, optimize=True)
            weight_full += (b * b).sum(0)
            numerator += np.einsum("qc,qrc->rc", b, x, optimize=True)
            if rest.shape[0]:
                y = rest.astype(np.float64)
                dot = (y * fast[:last_len]).sum(0)
                b = np.where(norm_last > 0, dot / np.where(norm_last > 0, norm_last, 1), 0)
                slow[Q - 1] = b
                squares += (y * y).sum()
                weight_last += b * b
                numerator[:last_len] += b * y
        total = squares
        weight = np.broadcast_to(weight_full, (m, dim)).copy()
        if not full_grid:
            weight[:last_len] += weight_last
        ok = weight > 0
        fast = np.where(ok, numerator / np.where(ok, weight, 1), fast)
        error = max(0.0, squares - (np.where(ok, numerator * numerator / np.where(ok, weight, 1), 0)).sum())
        iterations += 1
        if exact or (previous is not None and converged(previous, error, args.tolerance, total)):
            done = True
        previous = error
    gauge([slow, fast], [np.r_[np.ones(Q), np.zeros(0)], np.ones(m)])
    return {"weight_q": slow, "weight_r": fast}, iterations, done, error, total, route


# ---------------------------------------------------------------------------------------------
# qr add: backfitting on the bucket sums of one pass
# ---------------------------------------------------------------------------------------------
def grid_add(passes, rows, dim, m, args):
    Q = -(-rows // m)
    last_len = rows - (Q - 1) * m
    sum_q = np.zeros((Q, dim))
    sum_r = np.zeros((m, dim))
    total = 0.0
    for start, block in passes.blocks():
        g, rest = grid_rows(block, start, m)
        x = g.astype(np.float64)
        q0 = start // m
        sum_q[q0:q0 + x.shape[0]] = x.sum(1)
        sum_r += x.sum(0)
        total += np.einsum("qrc,qrc->", x, x, optimize=True)
        if rest.shape[0]:
            y = rest.astype(np.float64)
            sum_q[Q - 1] = y.sum(0)
            sum_r[:last_len] += y
            total += (y * y).sum()
    n_q = np.full(Q, float(m))
    n_q[-1] = last_len
    n_r = np.full(m, float(Q - 1))
    n_r[:last_len] += 1
    w_q = np.zeros((Q, dim))
    w_r = np.zeros((m, dim))
    error, iterations, done = total, 0, False
    while iterations < args.max_iterations:
        whole = w_r.sum(0)
        part = w_r[:last_len].sum(0)
        cross = np.broadcast_to(whole, (Q, dim)).copy()
        cross[-1] = part
        new_q = (sum_q - cross) / n_q[:, None]
        decrease = (n_q[:, None] * (new_q - w_q) ** 2).sum()
        w_q = new_q
        upper = w_q[:-1].sum(0)
        cross = np.broadcast_to(upper, (m, dim)).copy()
        cross[:last_len] += w_q[-1]
        new_r = (sum_r - cross) / n_r[:, None]
        decrease += (n_r[:, None] * (new_r - w_r) ** 2).sum()
        w_r = new_r
        iterations += 1
        previous, error = error, error - decrease
        if converged(previous, error, args.tolerance, total):
            done = True
            break
    mean = (n_r[:, None] * w_r).sum(0) / rows
    w_r -= mean
    w_q += mean
    # The exact error from the sums: Σ‖E‖² − 2 Σ S·W + Σ n‖W‖² + 2 Σ W_q·X_{q←r}.
    whole, part = w_r.sum(0), w_r[:last_len].sum(0)
    cross = np.broadcast_to(whole, (Q, dim)).copy()
    cross[-1] = part
    exact = (total - 2 * (sum_q * w_q).sum() - 2 * (sum_r * w_r).sum() + (n_q[:, None] * w_q**2).sum()
             + (n_r[:, None] * w_r**2).sum() + 2 * (w_q * cross).sum())
    return {"weight_q": w_q, "weight_r": w_r}, iterations, done, max(0.0, exact), total, "backfitting"


# ---------------------------------------------------------------------------------------------
# gqr mult, k partitions: rank-1 CP per column by ALS, several starts side by side
# ---------------------------------------------------------------------------------------------
def cp_mult(passes, rows, dim, moduli, args):
    k = len(moduli)
    divisors = [int(np.prod(moduli[:j])) for j in range(k)]
    counts = [bucket_counts(divisors[j], moduli[j], rows) for j in range(k)]
    # The starts: all-ones, then SplitMix64 values in the order embcompress draws them.
    states, drawn = [], 0
    for s in range(args.restarts):
        tables = []
        for j in range(k):
            size = moduli[j] * dim
            if s == 0:
                tables.append(np.ones((moduli[j], dim)))
            else:
                tables.append(splitmix_signed(args.seed, size, drawn).reshape(moduli[j], dim))
                drawn += size
        states.append(tables)
    slab = divisors[-1]  # rows per bucket of the slowest partition
    letters = "abdefghijklm"  # one per partition but the slowest, whose axis is "s"
    iterations, done, totals, errors, total = 0, False, None, None, 0.0
    warmup = 8
    while iterations < args.max_iterations:
        for j in range(k):
            ns = len(states)
            tabs = [np.stack([st[l] for st in states]) for l in range(k)]  # (starts, modulus, dim)
            num = np.zeros((ns, moduli[j], dim))
            den = np.zeros((ns, moduli[j], dim))
            squares = np.zeros(dim)
            for start, block in passes.blocks():
                x = block.astype(np.float64)
                squares += np.einsum("ic,ic->c", x, x)
                if start % slab == 0 and x.shape[0] % slab == 0:
                    # Whole slabs: id = start + s·slab + Σ a_l·divisor_l, one axis per partition.
                    slabs = x.shape[0] // slab
                    xs = x.reshape([slabs] + [moduli[l] for l in reversed(range(k - 1))] + [dim])
                    x_sub = "s" + "".join(letters[l] for l in reversed(range(k - 1))) + "c"
                    slab_idx = (start // slab + np.arange(slabs)) % moduli[k - 1]
                    subs, ops = [], []
                    for l in range(k):
                        if l == j:
                            continue
                        if l == k - 1:
                            subs.append("nsc")
                            ops.append(tabs[l][:, slab_idx])
                        else:
                            subs.append("n" + letters[l] + "c")
                            ops.append(tabs[l])
                    out = "nsc" if j == k - 1 else "n" + letters[j] + "c"
                    numerator = np.einsum(",".join([x_sub] + subs) + "->" + out, xs, *ops, optimize=True)
                    # Σ P² over ids: every bucket of partition j meets the same products.
                    squared = np.einsum(",".join(subs) + "->nc", *[o * o for o in ops], optimize=True)
                    if j == k - 1:
                        np.add.at(num, (slice(None), slab_idx), numerator)
                        np.add.at(den, (slice(None), slab_idx), np.broadcast_to(squared[:, None, :], numerator.shape))
                    else:
                        num += numerator
                        den += squared[:, None, :]
                else:
                    ids = np.arange(start, start + x.shape[0])
                    buckets = [(ids // divisors[l]) % moduli[l] for l in range(k)]
                    product = np.ones((ns, x.shape[0], dim))
                    for l in range(k):
                        if l != j:
                            product *= tabs[l][:, buckets[l]]
                    for s in range(ns):
                        np.add.at(num[s], buckets[j], x * product[s])
                        np.add.at(den[s], buckets[j], product[s] ** 2)
            errors = []
            for s, st in enumerate(states):
                ok = den[s] > 0
                table = st[j]
                table[ok] = num[s][ok] / den[s][ok]
                table[(~ok) & (counts[j][:, None] == 0)] = 0
                errors.append(np.maximum(0, squares - np.where(ok, num[s] ** 2 / np.where(ok, den[s], 1), 0).sum(0)))
            total = squares.sum()
        iterations += 1
        current = [e.sum() for e in errors]
        settled = totals is not None and all(converged(p, c, args.tolerance, total) for p, c in zip(totals, current))
        totals = current
        if len(states) > 1 and (settled or iterations >= warmup or iterations == args.max_iterations):
            errs = np.stack(errors)  # (starts, dim)
            best = errs.argmin(0)
            kept = [np.stack([states[s][l] for s in range(len(states))])[best, :, np.arange(dim)].T.copy() for l in range(k)]
            states = [kept]
            errors = [errs[best, np.arange(dim)]]
            totals = [errors[0].sum()]
        if settled:
            done = True
            break
    tables = states[0]
    gauge(tables, counts)
    names = [f"weight_{j}" for j in range(k)]
    return dict(zip(names, tables)), iterations, done, errors[0].sum(), total, "cp-rank-1"


def bucket_counts(divisor, modulus, rows):
    period = divisor * modulus
    cycles, rest = rows // period, rows % period
    starts = np.arange(modulus) * divisor
    return (cycles * divisor + np.clip(rest - starts, 0, divisor)).astype(np.float64)


def gauge(factors, counts):
    """Equal RMS per column over used buckets, then non-negative sums (all but the last factor)."""
    k = len(factors)
    used = [c > 0 for c in counts]
    rms = np.stack([np.sqrt((f[u] ** 2).sum(0) / max(1, u.sum())) for f, u in zip(factors, used)])
    ok = np.all((rms > 0) & np.isfinite(rms), axis=0)
    target = np.exp(np.log(np.where(ok, rms, 1)).mean(0))
    last_sign = np.ones(rms.shape[1])
    for l in range(k):
        sign = np.ones(rms.shape[1])
        if l < k - 1:
            negative = factors[l][used[l]].sum(0) < 0
            sign[negative] = -1
            last_sign[negative] *= -1
        factors[l] *= np.where(ok, sign * target / np.where(ok, rms[l], 1), 0)
    factors[k - 1] *= last_sign
    for f, u in zip(factors, used):
        f[~u] = 0


# ---------------------------------------------------------------------------------------------
# The measuring pass that follows the fit in `embcompress IN OUT`
# ---------------------------------------------------------------------------------------------
def measure(dataset, tables, divisors, moduli, operation, block_bytes, core_report=False, budget_bytes=None):
    """With core_report, also the report's core baseline work in the same pass, as embcompress does
    it: the int8 row-wise error and EᵀE (float64) with its eigenvalues, for the truncated SVD."""
    rows, dim = dataset.shape
    block = max(1, block_bytes // (dim * 4))
    buf = np.empty((block, dim), dtype=np.float32)
    ws = [t.astype(np.float32) for t in tables]
    relative = np.empty(rows, dtype=np.float32)
    cosine = np.empty(rows, dtype=np.float32)
    err_total = norm_total = int8_total = 0.0
    gram = np.zeros((dim, dim)) if core_report else None
    for start in range(0, rows, block):
        n = min(block, rows - start)
        view = buf[:n]
        dataset.read_direct(view, source_sel=np.s_[start:start + n], dest_sel=np.s_[0:n])
        if not np.isfinite(view).all():
            sys.exit("non-finite values")
        ids = np.arange(start, start + n)
        rebuilt = ws[0][(ids // divisors[0]) % moduli[0]]
        for j in range(1, len(ws)):
            part = ws[j][(ids // divisors[j]) % moduli[j]]
            rebuilt = rebuilt * part if operation == "mult" else rebuilt + part
        e = view.astype(np.float64)
        r = rebuilt.astype(np.float64)
        diff = e - r
        err = np.einsum("ic,ic->i", diff, diff)
        nrm = np.einsum("ic,ic->i", e, e)
        rr = np.einsum("ic,ic->i", r, r)
        dot = np.einsum("ic,ic->i", e, r)
        relative[start:start + n] = np.where(nrm > 0, np.sqrt(err / np.where(nrm > 0, nrm, 1)), (err > 0) * 1.0)
        denom = np.sqrt(nrm * rr)
        cosine[start:start + n] = np.where(denom > 0, np.clip(dot / np.where(denom > 0, denom, 1), -1, 1),
                                           (nrm == rr) * 1.0)
        err_total += err.sum()
        norm_total += nrm.sum()
        if core_report:
            low = view.min(axis=1, keepdims=True)
            scale = (view.max(axis=1, keepdims=True) - low) / np.float32(255)
            with np.errstate(divide="ignore", invalid="ignore"):
                q = np.clip(np.round((view - low) / scale), 0, 255).astype(np.float32)
            back = np.where(scale > 0, q * scale + low, low)
            int8_total += float(((e - back.astype(np.float64)) ** 2).sum())
            gram += e.T @ e
    relative.sort()
    cosine.sort()
    pick = lambda a, p: float(a[max(0, math.ceil(p / 100 * len(a)) - 1)])  # noqa: E731
    extra = {}
    if core_report:
        values = np.maximum(np.linalg.eigvalsh(gram), 0)
        rank = min(budget_bytes // ((rows + dim) * 4), rows, dim) if budget_bytes else 0
        tail = values[: dim - rank].sum() if rank >= 1 else values.sum()
        extra = {"int8_relative": math.sqrt(int8_total / norm_total), "svd_rank": int(rank),
                 "svd_relative": math.sqrt(tail / values.sum())}
    return {**extra,
        "relative_frobenius": math.sqrt(err_total / norm_total),
        "row_relative": {"p50": pick(relative, 50), "p90": pick(relative, 90), "p99": pick(relative, 99)},
        "row_cosine": {"p1": pick(cosine, 1), "p10": pick(cosine, 10), "p50": pick(cosine, 50)},
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--dataset", default="table")
    p.add_argument("--scheme", choices=["qr", "gqr"], default="qr")
    p.add_argument("--operation", choices=["mult", "add"], default="mult")
    p.add_argument("--collisions", type=int, default=4)
    p.add_argument("--partitions", type=int, default=3)
    p.add_argument("--memory", type=int, default=os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 4)
    p.add_argument("--tolerance", type=float, default=1e-6)
    p.add_argument("--max-iterations", type=int, default=100)
    p.add_argument("--restarts", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--block-bytes", type=int, default=4 << 20)
    p.add_argument("--core-report", action="store_true",
                   help="also the report's core baseline work: int8 row-wise error, EᵀE and its eigenvalues")
    args = p.parse_args()

    started = time.perf_counter()
    with h5py.File(args.input, "r") as f:
        d = f[args.dataset]
        rows, dim = d.shape
        in_memory = rows * dim * 4 <= args.memory
        if args.scheme == "qr":
            m = args.collisions
            Q = -(-rows // m)
            divisors, moduli = [m, 1], [Q, m]
            many = args.operation == "mult" and not (m <= 512 and rows // m > 0 and m * m * dim * 8 <= args.memory // 4)
            passes = Passes(d, m, in_memory and many, args.block_bytes)
            fit = grid_mult if args.operation == "mult" else grid_add
            tables, iterations, done, error, total, method = fit(passes, rows, dim, m, args)
            tables = [tables["weight_q"], tables["weight_r"]]
        else:
            assert args.operation == "mult", "the reference does gqr mult only"
            k = args.partitions
            r = max(1, round(rows ** (1 / k)))
            while r**k < rows:
                r += 1
            while r > 1 and (r - 1) ** k >= rows:
                r -= 1
            floor_root = r - (1 if r**k > rows else 0)
            moduli = [max(1, floor_root)] * k
            nxt = 0
            while int(np.prod(moduli)) < rows:
                moduli[nxt % k] += 1
                nxt += 1
            divisors = [int(np.prod(moduli[:j])) for j in range(k)]
            slab = divisors[-1]
            passes = Passes(d, slab, in_memory, args.block_bytes)
            tables_dict, iterations, done, error, total, method = cp_mult(passes, rows, dim, moduli, args)
            tables = [tables_dict[f"weight_{j}"] for j in range(k)]
        fit_seconds = time.perf_counter() - started
        t = time.perf_counter()
        budget = sum(int(t.size) for t in tables) * 4
        metrics = measure(d, tables, divisors, moduli, args.operation, args.block_bytes, args.core_report, budget)
        measure_seconds = time.perf_counter() - t
    # Written as embcompress writes its checkpoint: to a temporary file, flushed to disk, renamed.
    partial = args.output + ".partial"
    with open(partial, "wb") as f:
        np.savez(f, **{f"t{j}": t.astype(np.float32) for j, t in enumerate(tables)})
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, args.output)
    print(json.dumps({
        "method": method, "iterations": iterations, "converged": bool(done),
        "row_passes": len(passes.times), "source_passes": passes.source_passes, "pass_seconds": passes.times,
        "fit_seconds": fit_seconds, "measure_seconds": measure_seconds,
        "seconds": time.perf_counter() - started,
        "relative_error": math.sqrt(error / total) if total > 0 else 0.0,
        "measured_relative_frobenius": metrics["relative_frobenius"], "moduli": moduli,
        "int8_relative": metrics.get("int8_relative"), "svd_relative": metrics.get("svd_relative"),
    }))


if __name__ == "__main__":
    main()
