#!/usr/bin/env python3
"""The measuring half of scripts/bench (which checks prerequisites and builds first).

Every figure comes from a fresh process, timed from outside with a nanosecond clock and
/usr/bin/time -v for the peak resident set. Runs of the tools are interleaved fit by fit and run
by run, so that drift in the machine falls on all of them alike. Raw results go to
DATA/logs/bench-*.jsonl; the summary table goes to stdout.
"""
import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

FITS = {
    # name: (embcompress options, reference options); "SQRT" becomes isqrt(rows)
    "qr-mult-4": (["--scheme", "qr", "--operation", "mult", "--collisions", "4"],
                  ["--scheme", "qr", "--operation", "mult", "--collisions", "4"]),
    "qr-add-4": (["--scheme", "qr", "--operation", "add", "--collisions", "4"],
                 ["--scheme", "qr", "--operation", "add", "--collisions", "4"]),
    "qr-mult-sqrt": (["--scheme", "qr", "--operation", "mult", "--collisions", "SQRT"],
                     ["--scheme", "qr", "--operation", "mult", "--collisions", "SQRT"]),
    "gqr-mult-3": (["--scheme", "gqr", "--operation", "mult", "--partitions", "3"],
                   ["--scheme", "gqr", "--operation", "mult", "--partitions", "3"]),
}


def say(message):
    print(f"== {message}", file=sys.stderr, flush=True)


def generate(path, rows, dim, chunk_rows=None):
    """A float32 table of standard-normal values, seeded per block, reused when complete."""
    import h5py
    import numpy as np
    chunks = (chunk_rows, dim) if chunk_rows else None
    if os.path.exists(path):
        try:
            with h5py.File(path, "r") as f:
                d = f["table"]
                if d.shape == (rows, dim) and d.chunks == chunks and f.attrs.get("bench_complete", 0) == 1:
                    return
        except Exception:
            pass
    need = rows * dim * 4
    free = os.statvfs(os.path.dirname(path)).f_bavail * os.statvfs(os.path.dirname(path)).f_frsize
    if free < need + (1 << 30):
        sys.exit(f"bench: not enough space in {os.path.dirname(path)} for {need / 1e6:.0f} MB (+1 GB spare)")
    say(f"generating {path} ({rows} x {dim} float32, {need / 1e6:.0f} MB{', chunked %d rows' % chunk_rows if chunk_rows else ''})")
    partial = path + ".partial"
    block = 131072
    with h5py.File(partial, "w") as f:
        d = f.create_dataset("table", shape=(rows, dim), dtype="<f4", chunks=chunks)
        for start in range(0, rows, block):
            n = min(block, rows - start)
            d[start:start + n] = np.random.default_rng([20240601, start]).standard_normal((n, dim), dtype=np.float32)
        f.attrs["bench_complete"] = 1
    os.replace(partial, path)


class Runner:
    def __init__(self, log_path):
        self.log = open(log_path, "a")

    def timed(self, label, command, parse_json=True):
        """Runs command under /usr/bin/time -v; returns (wall seconds, peak RSS bytes, stdout JSON)."""
        with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
            start = time.perf_counter_ns()
            done = subprocess.run(["/usr/bin/time", "-v", "-o", t.name] + command, capture_output=True, text=True)
            wall = (time.perf_counter_ns() - start) / 1e9
            if done.returncode != 0:
                sys.stderr.write(done.stderr)
                sys.exit(f"bench: {label} failed: {' '.join(command)}")
            rss = 0
            for line in t.read().splitlines():
                if "Maximum resident set size" in line:
                    rss = int(line.rsplit(":", 1)[1]) * 1024
        output = None
        if parse_json:
            try:
                output = json.loads(done.stdout)
            except json.JSONDecodeError:
                lines = [l for l in done.stdout.splitlines() if l.startswith("{")]
                output = json.loads(lines[-1]) if lines else None
        record = {"label": label, "wall": wall, "rss": rss, "output": output, "load": os.getloadavg()[0]}
        self.log.write(json.dumps(record) + "\n")
        self.log.flush()
        return record


def read_qr(path):
    """The tensors of a .qr checkpoint (safetensors), as float32 arrays."""
    import numpy as np
    with open(path, "rb") as f:
        raw = f.read()
    length = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + length])
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        assert entry["dtype"] == "F32"
        out[name] = np.frombuffer(raw[8 + length + begin:8 + length + end], dtype="<f4").reshape(entry["shape"])
    return out


def median(values):
    return statistics.median(values) if values else float("nan")


def h5py_reader_source():
    return r'''
import json, sys, time
import numpy as np, h5py
path, repeats = sys.argv[1], int(sys.argv[2])
result = {}
with h5py.File(path, "r") as f:
    d = f["table"]
    rows, dim = d.shape
    for block_bytes in (4 << 20, 64 << 20):
        step = d.chunks[0] if d.chunks else 1
        fit = max(1, block_bytes // (dim * 4))
        block = min(rows, max(step, fit // step * step))
        buf = np.empty((block, dim), dtype=np.float32)
        seconds = []
        for _ in range(repeats):
            t = time.perf_counter()
            for start in range(0, rows, block):
                n = min(block, rows - start)
                d.read_direct(buf[:n], source_sel=np.s_[start:start + n], dest_sel=np.s_[0:n])
            seconds.append(time.perf_counter() - t)
        result[str(block_bytes >> 20) + " MiB"] = seconds
print(json.dumps({"bytes": rows * dim * 4, "seconds": result}))
'''


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--numpy-runs", type=int, default=2)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--fits", default=",".join(FITS))
    p.add_argument("--no-out-of-core", action="store_true")
    p.add_argument("--ooc-rows", type=int, default=8_388_608)
    p.add_argument("--ooc-memory", type=int, default=1 << 30)
    p.add_argument("--data", default=None)
    p.add_argument("--keep-data", action="store_true")
    p.add_argument("--strict", action="store_true")
    a = p.parse_args()
    fits = [f for f in a.fits.split(",") if f]
    for f in fits:
        if f not in FITS:
            sys.exit(f"bench: unknown fit {f}; choose from {','.join(FITS)}")
    data = a.data or os.path.join(a.root, "bench-data")
    os.makedirs(os.path.join(data, "logs"), exist_ok=True)
    log_path = os.path.join(data, "logs", time.strftime("bench-%Y%m%d-%H%M%S.jsonl"))
    run = Runner(log_path)
    embcompress = os.path.join(a.bin, "embcompress")
    bench = os.path.join(a.bin, "embcompress-bench")
    reference = os.path.join(HERE, "reference_fit.py")
    sqrt_m = str(math.isqrt(a.rows))

    import h5py
    import numpy as np
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    commit = subprocess.run(["git", "-C", a.root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", a.root, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
    hdf5 = subprocess.run(["pkg-config", "--modversion", "hdf5"], capture_output=True, text=True).stdout.strip()
    machine = (f"{os.cpu_count()} cores ({cpu}), {mem / 1048576:.1f} GiB RAM, Linux {platform.release()}; "
               f"embcompress {commit or '?'}{' (modified)' if dirty else ''} with libhdf5 {hdf5 or '?'}; "
               f"Python {platform.python_version()}, numpy {np.__version__}, h5py {h5py.__version__} (HDF5 {h5py.version.hdf5_version})")
    say("machine: " + machine)
    load_before = os.getloadavg()
    say("load average before: %.2f %.2f %.2f" % load_before)
    if load_before[0] > 0.5:
        say("WARNING: the machine is busy (load %.2f); every figure below will be low and noisy" % load_before[0])

    table = os.path.join(data, f"bench-{a.rows}x{a.dim}.h5")
    generate(table, a.rows, a.dim)
    table_bytes = a.rows * a.dim * 4
    subprocess.run(["cat", table], stdout=subprocess.DEVNULL)  # every run below is warm

    # 1. The bound: a SIMD sum over the same bytes in memory.
    say("streaming sum over the table in memory")
    stream = run.timed("stream-sum", [bench, "stream-sum", table, "--repeat", "9"])["output"]
    bound = stream["threads_2"]["best_gb_per_s"]

    # 2. HDF5 read throughput: embcompress's read path against h5py, warm, same file.
    say("HDF5 read: embcompress (forEachBlock) and h5py (read_direct)")
    reads = {"embcompress": [], "h5py": []}
    h5py_blocks = {}
    for _ in range(a.runs):
        out = run.timed("read-embcompress", [bench, "read", table, "--repeat", "5"])["output"]
        reads["embcompress"] += out["seconds"]
        out = run.timed("read-h5py", [sys.executable, "-c", h5py_reader_source(), table, "5"])["output"]
        for key, seconds in out["seconds"].items():
            h5py_blocks.setdefault(key, []).extend(seconds)
    best_block = min(h5py_blocks, key=lambda k: median(h5py_blocks[k]))
    reads["h5py"] = h5py_blocks[best_block]

    # 3. The fits, end to end, interleaved run by run.
    results = {}
    with tempfile.TemporaryDirectory(dir=data) as scratch:
        for name in fits:
            ours, theirs = ([x.replace("SQRT", sqrt_m) for x in args] for args in FITS[name])
            say(f"{name}: embcompress {' '.join(ours)} (2 and 1 threads), per-pass timing, numpy reference")
            r = results[name] = {"t2": [], "t1": [], "passes": [], "numpy": []}
            out_qr = os.path.join(scratch, name + ".qr")
            for i in range(max(a.runs, a.numpy_runs)):
                if i < a.runs:
                    for threads, key in (("2", "t2"), ("1", "t1")):
                        r[key].append(run.timed(f"{name}-t{threads}", [embcompress, table, out_qr, "--force", "--json",
                                                                        "--threads", threads] + ours))
                    r["passes"].append(run.timed(f"{name}-passes", [bench, "fit", table, "--threads", "2"] + ours))
                if i < a.numpy_runs:
                    r["numpy"].append(run.timed(f"{name}-numpy", [sys.executable, reference, table,
                                                                   os.path.join(scratch, name + ".npz")] + theirs))

        # 4. Out of core.
        ooc = []
        if not a.no_out_of_core:
            big = os.path.join(data, f"ooc-{a.ooc_rows}x{a.dim}.h5")
            generate(big, a.ooc_rows, a.dim, chunk_rows=8192)
            subprocess.run(["cat", big], stdout=subprocess.DEVNULL)
            for name in ("qr-mult-4", "qr-mult-sqrt"):
                ours = [x.replace("SQRT", str(math.isqrt(a.ooc_rows))) for x in FITS[name][0]]
                say(f"out of core: {name} on {a.ooc_rows} x {a.dim} with --memory {a.ooc_memory} and in memory")
                streamed_qr, held_qr = os.path.join(scratch, "ooc.qr"), os.path.join(scratch, "mem.qr")
                streamed = run.timed(f"ooc-{name}-streamed", [embcompress, big, streamed_qr, "--force", "--json",
                                                               "--memory", str(a.ooc_memory)] + ours)
                # The fitter alone (no checkpoint serialisation): its own peak, and pass speeds.
                fit_only = run.timed(f"ooc-{name}-fit-only", [bench, "fit", big, "--memory", str(a.ooc_memory)] + ours)
                held = run.timed(f"ooc-{name}-in-memory", [embcompress, big, held_qr, "--force", "--json",
                                                           "--memory", str(4 * a.ooc_rows * a.dim * 4)] + ours)
                x, y = read_qr(streamed_qr), read_qr(held_qr)
                worst = max(float(np.linalg.norm(x[k].astype(np.float64) - y[k]) / max(np.linalg.norm(y[k].astype(np.float64)), 1e-30)) for k in y)
                ooc.append({"fit": name, "streamed": streamed, "held": held, "difference": worst, "fit_only": fit_only})
            if not a.keep_data:
                os.remove(big)

    load_after = os.getloadavg()
    report(a, machine, load_before, load_after, table_bytes, stream, bound, reads, best_block, results, ooc, log_path)


def report(a, machine, load_before, load_after, table_bytes, stream, bound, reads, best_block, results, ooc, log_path):
    gb = table_bytes / 1e9
    verdicts = []
    print()
    print(f"machine: {machine}")
    print(f"load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after (1-minute)")
    print(f"table: {a.rows} x {a.dim} float32 HDF5 (contiguous), {table_bytes / 1e6:.0f} MB, in the page cache")
    print()
    s1, s2 = stream["threads_1"], stream["threads_2"]
    print("| bound | GB/s best | GB/s median |")
    print("|---|---:|---:|")
    print(f"| streaming SIMD sum over the table in memory, 1 thread | {s1['best_gb_per_s']:.1f} | {s1['median_gb_per_s']:.1f} |")
    print(f"| streaming SIMD sum over the table in memory, 2 threads | {s2['best_gb_per_s']:.1f} | {s2['median_gb_per_s']:.1f} |")
    e, h = reads["embcompress"], reads["h5py"]
    ratio = (gb / median(e)) / (gb / median(h))
    print(f"| HDF5 read, embcompress (4 MiB hyperslabs, finiteness check, read-ahead) | {gb / min(e):.1f} | {gb / median(e):.1f} |")
    print(f"| HDF5 read, h5py read_direct ({best_block} blocks, its faster of 4 and 64 MiB) | {gb / min(h):.1f} | {gb / median(h):.1f} |")
    print()
    verdicts.append(("HDF5 read >= 80% of h5py", ratio >= 0.8, f"{ratio:.2f}x h5py (medians)"))

    print("| fit | method | iterations | passes (from file) | embcompress s best / median | numpy s best / median | numpy / embcompress | 1 thread s (median) | 2 vs 1 threads | pass GB/s: slowest / median | slowest pass / stream-sum (2 thr.) | peak RSS MB embcompress / numpy | relative error embcompress / numpy |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        t2 = [x["wall"] for x in r["t2"]]
        t1 = [x["wall"] for x in r["t1"]]
        npy = [x["wall"] for x in r["numpy"]]
        rep = r["t2"][0]["output"]
        ref = r["numpy"][0]["output"] if r["numpy"] else None
        # Passes: from the in-process timing run with the fastest fit.
        best = min(r["passes"], key=lambda x: x["output"]["fit_seconds"])["output"]
        pass_gbps = [x["gb_per_s"] for x in best["passes"]]
        slowest, typical = min(pass_gbps), median(pass_gbps)
        speedup = median(npy) / median(t2) if npy else float("nan")
        scaling = median(t1) / median(t2)
        rss = max(x["rss"] for x in r["t2"]) / 1e6
        rss_np = max(x["rss"] for x in r["numpy"]) / 1e6 if npy else float("nan")
        ours_err = rep["error"]["relative_frobenius"]
        their_err = ref["measured_relative_frobenius"] if ref else float("nan")
        print(f"| {name} | {best['method']} | {best['iterations']} | {best['row_passes']} ({best['source_passes']}) + 1 measuring"
              f" | {min(t2):.2f} / {median(t2):.2f} | {min(npy):.2f} / {median(npy):.2f} | {speedup:.1f}"
              f" | {median(t1):.2f} | {scaling:.2f} | {slowest:.1f} / {typical:.1f} | {slowest / bound:.0%}"
              f" | {rss:.0f} / {rss_np:.0f} | {ours_err:.10f} / {their_err:.10f} |")
        verdicts.append((f"{name}: end to end >= 5x numpy", speedup >= 5, f"{speedup:.1f}x"))
        verdicts.append((f"{name}: each pass >= 50% of stream-sum", slowest / bound >= 0.5,
                         f"slowest pass {slowest / bound:.0%}, median pass {typical / bound:.0%} of {bound:.1f} GB/s"))
        verdicts.append((f"{name}: 2 threads >= 1.7x 1 thread", scaling >= 1.7, f"{scaling:.2f}x end to end"))
        if ref:
            agree = abs(ours_err - their_err) <= 1e-6 * max(their_err, 1e-30)
            verdicts.append((f"{name}: same result as numpy (relative error within 1e-6)", agree,
                             f"{ours_err:.12f} vs {their_err:.12f}"))
    print()
    print("| fit | where the time goes (embcompress-bench, its fastest run, s): fit passes / rest of fit / measuring pass / error metrics / checkpoint serialisation / write (no fsync) | fit peak RSS MB |")
    print("|---|---|---:|")
    for name, r in results.items():
        best = min(r["passes"], key=lambda x: x["output"]["fit_seconds"])["output"]
        in_passes = sum(x["seconds"] for x in best["passes"])
        steps = best["after_fit"]
        print(f"| {name} | {in_passes:.2f} / {best['fit_seconds'] - in_passes:.2f} / {steps['measure_seconds']:.2f} / "
              f"{steps['metrics_seconds']:.2f} / {steps['serialize_seconds']:.2f} / {steps['write_seconds']:.2f} | {best['fit_peak_rss_bytes'] / 1e6:.0f} |")
    print()
    print("seconds: wall time of the whole process (`embcompress IN OUT --threads N`, which fits, measures the")
    print("stored tables in one more pass and writes the checkpoint and report; `reference_fit.py`, which does")
    print("the same). passes: passes over the rows in the fit (those read from the file in brackets; the others")
    print("read the copy held in memory), plus the measuring pass. pass GB/s: table bytes / seconds of each fit")
    print("pass, from embcompress-bench's in-process timing (its fastest of the runs); the slowest pass and the")
    print("median pass. peak RSS: /usr/bin/time -v, the largest over the runs.")
    if ooc:
        print()
        print("| out of core | table | --memory | seconds | passes | peak RSS MB: whole run / fit alone | budget + compact tables MB | in memory: seconds, peak RSS MB | tables' relative difference |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for o in ooc:
            s, m, f = o["streamed"], o["held"], o["fit_only"]["output"]
            compact = s["output"]["checkpoint"]["tensor_bytes"]
            limit = a.ooc_memory + compact
            print(f"| {o['fit']} | {a.ooc_rows} x {a.dim} ({a.ooc_rows * a.dim * 4 / 1e9:.1f} GB) | {a.ooc_memory / 1e6:.0f} MB"
                  f" | {s['wall']:.1f} | {s['output']['fit']['passes']} + 1 | {s['rss'] / 1e6:.0f} / {f['fit_peak_rss_bytes'] / 1e6:.0f}"
                  f" | {limit / 1e6:.0f} | {m['wall']:.1f}, {m['rss'] / 1e6:.0f} | {o['difference']:.1e} |")
            verdicts.append((f"out of core {o['fit']}: whole run's peak RSS under budget + compact tables", s["rss"] <= limit,
                             f"{s['rss'] / 1e6:.0f} MB vs {limit / 1e6:.0f} MB"))
            verdicts.append((f"out of core {o['fit']}: the fit's peak RSS under budget + compact tables",
                             f["fit_peak_rss_bytes"] <= limit, f"{f['fit_peak_rss_bytes'] / 1e6:.0f} MB vs {limit / 1e6:.0f} MB"))
            verdicts.append((f"out of core {o['fit']}: same result as in memory to 1e-6", o["difference"] <= 1e-6,
                             f"{o['difference']:.1e}"))
        print()
        print("whole run: `embcompress IN OUT --memory M` under /usr/bin/time -v; fit alone: embcompress-bench fit, RSS")
        print("right after CompositionalFitter.fit returns (before the measuring pass and the checkpoint).")
    print()
    for label, ok, detail in verdicts:
        print(f"{'PASS' if ok else 'MISS'}: {label} ({detail})")
    print(f"raw results: {log_path}")
    disagree = [label for label, ok, _ in verdicts if "same result" in label and not ok]
    if disagree:
        print("bench: results disagree: " + "; ".join(disagree), file=sys.stderr)
        sys.exit(3)
    if a.strict and not all(ok for _, ok, _ in verdicts):
        sys.exit(1)


if __name__ == "__main__":
    main()
