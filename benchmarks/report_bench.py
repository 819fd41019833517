#!/usr/bin/env python3
"""scripts/bench --report: issue 13's benchmark, the report at the speed of the fit.

In one run, on float32 HDF5 tables of standard-normal values, qr mult m = 4:
  - end to end on 500,000 x 128 (`embcompress IN OUT`, 2 threads) against the numpy reference
    doing the same fit and the report's core work (benchmarks/reference_fit.py --core-report:
    row errors and their percentiles, int8 row-wise error, EᵀE and its eigenvalues), interleaved;
  - 2 threads against 1;
  - the fit and the report apart (the report's `fit.seconds`, and `seconds` less it: opening,
    the measuring pass, baselines, neighbours), and the report's share of the wall time;
  - a rows sweep (125k, 500k, 2M, 8M x 128): wall time per row, and the report's per row;
  - with --baseline-bin DIR (an earlier build's bin folder): the rest of the tool against it —
    the family's fits (--terms, --project, --counts with --exact-rows) on 125,000 x 128 and
    `plan --ratio 4` on the committed position table — interleaved, best of --runs, so "nothing
    else gets slower" is a figure.
Every run is a fresh process timed from outside; raw records go to DATA/logs/report-*.jsonl.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_driver import Runner, generate, say  # noqa: E402

FIT = ["--scheme", "qr", "--operation", "mult", "--collisions", "4"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--numpy-runs", type=int, default=2)
    p.add_argument("--rows", type=int, default=500_000)
    p.add_argument("--sweep", default="125000,500000,2000000,8000000")
    p.add_argument("--data", default=None)
    p.add_argument("--keep-data", action="store_true")
    p.add_argument("--baseline-bin", default=None, help="an earlier build's bin folder to compare the other work with")
    a = p.parse_args()
    data = a.data or os.path.join(a.root, "bench-data")
    os.makedirs(os.path.join(data, "logs"), exist_ok=True)
    log_path = os.path.join(data, "logs", time.strftime("report-%Y%m%d-%H%M%S.jsonl"))
    run = Runner(log_path)
    embcompress = os.path.join(a.bin, "embcompress")
    reference = os.path.join(HERE, "reference_fit.py")
    load_before = os.getloadavg()
    say("load average before: %.2f %.2f %.2f" % load_before)
    commit = subprocess.run(["git", "-C", a.root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()

    def table(rows):
        path = os.path.join(data, f"bench-{rows}x128.h5")
        generate(path, rows, 128)
        subprocess.run(["cat", path], stdout=subprocess.DEVNULL)  # warm
        return path

    def ours(path, out, threads):
        r = run.timed(f"report-{os.path.basename(path)}-t{threads}",
                      [embcompress, path, out, "--force", "--json", "--threads", str(threads)] + FIT)
        j = r["output"]
        return {"wall": r["wall"], "seconds": j["seconds"], "fit": j["fit"]["seconds"],
                "report": j["seconds"] - j["fit"]["seconds"], "error": j["error"]["relative_frobenius"],
                "int8": next(b["relative_frobenius"] for b in j["baselines"] if b["method"] == "int8-rowwise"),
                "rss": r["rss"], "load": r["load"]}

    main_table = table(a.rows)
    results = {"t2": [], "t1": [], "numpy": []}
    with tempfile.TemporaryDirectory(dir=data) as scratch:
        out = os.path.join(scratch, "out.qr")
        say(f"{a.rows} x 128: embcompress on 2 and 1 threads, numpy reference with the core report work")
        for i in range(max(a.runs, a.numpy_runs)):
            if i < a.runs:
                results["t2"].append(ours(main_table, out, 2))
                results["t1"].append(ours(main_table, out, 1))
            if i < a.numpy_runs:
                r = run.timed("report-numpy", [sys.executable, reference, main_table, os.path.join(scratch, "ref.npz"),
                                               "--core-report"] + FIT)
                results["numpy"].append({"wall": r["wall"], "fit": r["output"]["fit_seconds"],
                                         "report": r["output"]["measure_seconds"],
                                         "error": r["output"]["measured_relative_frobenius"],
                                         "int8": r["output"]["int8_relative"], "load": r["load"]})
        sweep = []
        for rows in [int(x) for x in a.sweep.split(",") if x]:
            path = table(rows)
            say(f"rows sweep: {rows} x 128")
            runs = [ours(path, out, 2) for _ in range(2)]
            best = min(runs, key=lambda r: r["wall"])
            sweep.append({"rows": rows, "best": best, "runs": runs})
            if rows > 2_000_000 and not a.keep_data:
                os.remove(path)
        others = []
        if a.baseline_bin:
            others = compare_other_work(run, a, embcompress, os.path.join(a.baseline_bin, "embcompress"), table(125_000), scratch)
    load_after = os.getloadavg()

    med = lambda xs: statistics.median(xs)  # noqa: E731
    t2 = med([r["wall"] for r in results["t2"]])
    t1 = med([r["wall"] for r in results["t1"]])
    npy = med([r["wall"] for r in results["numpy"]])
    fit2 = med([r["fit"] for r in results["t2"]])
    rep2 = med([r["report"] for r in results["t2"]])
    fit1 = med([r["fit"] for r in results["t1"]])
    rep1 = med([r["report"] for r in results["t1"]])
    print()
    print(f"report benchmark at {commit}: {a.rows} x 128 f32 HDF5, qr mult m = 4; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (2 cores)")
    print()
    print("| run | wall s (median of runs) | best | fit s | report s | report share | relative error | int8 baseline |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key, label in (("t2", "embcompress, 2 threads"), ("t1", "embcompress, 1 thread"), ("numpy", "numpy reference (--core-report)")):
        rs = results[key]
        wall = med([r["wall"] for r in rs])
        print(f"| {label} | {wall:.3f} | {min(r['wall'] for r in rs):.3f} | {med([r['fit'] for r in rs]):.3f} | "
              f"{med([r['report'] for r in rs]):.3f} | {med([r['report'] for r in rs]) / wall:.0%} | "
              f"{rs[0]['error']:.10f} | {rs[0]['int8']:.6g} |")
    print()
    print("| rows | wall s (best of 2) | ns per row | fit s | report s | report ns per row | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for s in sweep:
        b = s["best"]
        print(f"| {s['rows']:,} | {b['wall']:.3f} | {b['wall'] / s['rows'] * 1e9:.0f} | {b['fit']:.3f} | "
              f"{b['report']:.3f} | {b['report'] / s['rows'] * 1e9:.0f} | {b['rss'] / 1e6:.0f} |")
    per_row = [s["best"]["wall"] / s["rows"] for s in sweep if s["rows"] >= 500_000]
    print()
    agree = abs(results["t2"][0]["error"] - results["numpy"][0]["error"]) <= 1e-6 * results["numpy"][0]["error"]
    verdicts = [
        ("end to end >= 5x numpy", npy / t2 >= 5, f"{npy / t2:.2f}x ({npy:.3f} s against {t2:.3f} s)"),
        ("2 threads >= 1.7x 1 thread", t1 / t2 >= 1.7, f"{t1 / t2:.2f}x (fit {fit1 / fit2:.2f}x, report {rep1 / rep2:.2f}x)"),
        ("report <= half the run", rep2 <= 0.5 * t2, f"{rep2 / t2:.0%} ({rep2:.3f} of {t2:.3f} s)"),
        ("time per row flat within 20% from 500k to 8M", bool(per_row) and max(per_row) <= 1.2 * min(per_row),
         f"max/min {max(per_row) / min(per_row):.2f}" if per_row else "no sweep"),
        ("embcompress and numpy agree (relative error, 1e-6)", agree, ""),
    ]
    if others:
        print()
        print(f"the rest of the tool, best of {a.runs}: this build against {a.baseline_bin}")
        print()
        print("| command | this build s | baseline s | ratio |")
        print("|---|---:|---:|---:|")
        for label, new, old in others:
            print(f"| `{label}` | {new:.3f} | {old:.3f} | {new / old:.2f} |")
        worst = max(new / old for _, new, old in others)
        verdicts.append(("nothing else slower (within 5% of the baseline build)", worst <= 1.05, f"worst ratio {worst:.2f}"))
    for name, ok, detail in verdicts:
        print(f"- {name}: {'MET' if ok else 'MISS'} {detail}")
    print(f"\nraw records: {log_path}")
    if not agree:
        sys.exit(3)


def compare_other_work(run, a, new_bin, old_bin, path, scratch):
    """The family's fits and `plan`, each by both builds, interleaved; best wall time of each."""
    import numpy as np
    counts = os.path.join(scratch, "counts.npy")
    rows = 125_000
    np.save(counts, np.random.default_rng(3).zipf(1.3, rows).astype(np.int64))
    out = os.path.join(scratch, "other.qr")
    commands = [
        ("--terms 4", [path, out, "--force", "--json", "--collisions", "4", "--terms", "4"]),
        ("--project 32 --terms 4", [path, out, "--force", "--json", "--collisions", "4", "--project", "32", "--terms", "4"]),
        ("--counts --exact-rows 1%", [path, out, "--force", "--json", "--collisions", "4", "--counts", counts, "--exact-rows", "1%"]),
        # On the committed position table: on 125,000 x 128 noise a plan runs for minutes (its
        # budget layouts are fitted whatever the limit; docs/plan.md, "Limits").
        ("plan positions --ratio 4", ["plan", os.path.join(a.root, "fixtures/real/minilm_position_embeddings.h5"),
                                      "--ratio", "4", "--json"]),
    ]
    results = []
    for label, arguments in commands:
        say(f"other work: {label}, this build and the baseline")
        new, old = [], []
        for _ in range(a.runs):
            new.append(run.timed(f"other-{label}-new", [new_bin] + arguments, parse_json=False)["wall"])
            old.append(run.timed(f"other-{label}-old", [old_bin] + arguments, parse_json=False)["wall"])
        results.append((label, min(new), min(old)))
    return results


if __name__ == "__main__":
    main()
