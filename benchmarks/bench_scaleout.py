"""Scale-out: account() + summarize() on dask from partitioned parquet, against pandas in memory.

Run: python benchmarks/bench_scaleout.py [--rows 1e8] [--quick] [--workers 2] [--dir PATH] [--layout export|random]
     python benchmarks/run.py scaleout [--quick]

1. Writes a synthetic parquet data set of ``--rows`` rows in chunks (one file per chunk,
   category columns dictionary-encoded), the mix of bench_accounting: ~20 carriers in several
   spellings, several unit spellings, two years, two regions, plus enterprise and month. The
   default layout is what a 联网直报 export looks like: one report per month, each month's rows in
   enterprise-code order, files split by enterprise range (`chunks`); ``--layout random`` puts
   every (enterprise, month) group in every file instead.
2. pandas in memory, in this process (one core): ``account`` + ``summarize(by=enterprise, month)``
   on `PANDAS_ROWS` rows of the same mix and layout, categorical, already in memory — rows/s.
3. dask: a ``distributed.LocalCluster`` of ``--workers`` single-threaded worker processes
   reads the parquet files, ``account`` + ``summarize(by=enterprise, month)`` — rows/s (reading
   and the key pass included), peak memory of the largest worker process (VmHWM), and the ratio
   of the rate per core to the pandas rate (one core), by wall time and by CPU time (rows per
   CPU-second of the workers and the client against the pandas process's): on a machine shared
   with other work the wall-time ratio charges dask for cores it did not get.

Goal (issue "Beyond one machine"): ≥ 0.7× the in-memory pandas rate per core, peak worker
memory ≤ 2 GiB. Benchmarks are measurements, not tests: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from bench_accounting import SPELLINGS

#: Rows of the in-memory pandas baseline (the issue's 10⁷), and at most of each parquet file.
PANDAS_ROWS = 10_000_000
ROWS_PER_FILE = 2_500_000
#: Distinct enterprises and months: the summary has up to ENTERPRISES × 12 groups.
ENTERPRISES = 100_000
MONTHS = 12


def make_chunk(n: int, seed: int, month: int | None = None, enterprises: tuple[int, int] = (0, ENTERPRISES)) -> pd.DataFrame:
    """n rows of the benchmark mix, categories dictionary-encoded (as exports of 联网直报 are).

    With ``month``, the rows are one month's report of the enterprises in ``enterprises``
    (a range of enterprise codes), in enterprise order; without, enterprise and month are random.
    """
    rng = np.random.default_rng(seed)
    pairs = [(c, u) for _, cs, us in SPELLINGS for c in cs for u in us]
    carriers = sorted({p[0] for p in pairs})
    units = sorted({p[1] for p in pairs})
    cpos = np.array([carriers.index(p[0]) for p in pairs], dtype=np.int16)
    upos = np.array([units.index(p[1]) for p in pairs], dtype=np.int16)
    pick = rng.integers(0, len(pairs), n)
    ent = rng.integers(*enterprises, n, dtype=np.int32)
    return pd.DataFrame({
        "enterprise": np.sort(ent) if month else ent,
        "month": np.full(n, month, dtype=np.int8) if month else rng.integers(1, MONTHS + 1, n, dtype=np.int8),
        "carrier": pd.Categorical.from_codes(cpos[pick], categories=carriers),
        "quantity": rng.gamma(2.0, 50.0, n),
        "unit": pd.Categorical.from_codes(upos[pick], categories=units),
        "year": rng.choice(np.array([2022, 2023], dtype=np.int16), n),
        "region": pd.Categorical.from_codes(rng.integers(0, 2, n, dtype=np.int8), categories=["浙江", "江苏"]),
    })


def chunks(rows: int, layout: str, seed: int = 0) -> list[dict[str, Any]]:
    """The files of a data set of ``rows`` rows, as arguments of `make_chunk`.

    ``"export"`` (the default): what a 联网直报 export looks like — one report per month, each
    month's rows in enterprise-code order, split into files of at most `ROWS_PER_FILE` rows by
    enterprise range; so no (enterprise, month) group spans two files. ``"random"``: files of
    `ROWS_PER_FILE` rows whose enterprise and month are random, so every file holds most groups.
    """
    if layout == "random":
        return [{"n": min(ROWS_PER_FILE, rows - s), "seed": seed + i}
                for i, s in enumerate(range(0, rows, ROWS_PER_FILE))]
    per_month = -(-rows // MONTHS)
    files = -(-per_month // ROWS_PER_FILE)
    out, done = [], 0
    for m in range(1, MONTHS + 1):
        for j in range(files):
            n = min(-(-per_month // files), rows - done)
            if n > 0:
                lo, hi = ENTERPRISES * j // files, ENTERPRISES * (j + 1) // files
                out.append({"n": n, "seed": seed + len(out), "month": m, "enterprises": (lo, hi)})
                done += n
    return out


def write_parquet(folder: Path, rows: int, layout: str = "export") -> float:
    """The data set, one parquet file per chunk (`chunks`); returns its size on disk in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, kw in enumerate(chunks(rows, layout)):
        make_chunk(**kw).to_parquet(folder / f"part-{i:05d}.parquet", index=False)
    return float(sum(p.stat().st_size for p in folder.glob("*.parquet")))


def pandas_rate(rows: int, layout: str) -> dict[str, Any]:
    """`account` + `summarize(by=enterprise, month)` on ``rows`` rows already in memory (this
    process, one core): wall time and CPU time."""
    import tanfeng

    df = pd.concat([make_chunk(**kw) for kw in chunks(rows, layout, seed=1000)], ignore_index=True)
    tanfeng.account(df.head(1000))  # warm the unit registry and factor caches
    t, cpu = time.perf_counter(), time.process_time()
    tanfeng.summarize(tanfeng.account(df), by=["enterprise", "month"])
    secs, cpu_secs = time.perf_counter() - t, time.process_time() - cpu
    return {"rows": rows, "seconds": secs, "rows_per_s": rows / secs, "cpu_seconds": cpu_secs}


def _peak_rss_bytes() -> int:
    """Peak resident memory of this process: VmHWM (Linux), which starts afresh in a new program.
    (``ru_maxrss`` does not: a worker process started from this one would report this one's peak,
    the in-memory pandas baseline's, as its own.)"""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # Linux: KiB


def _cpu_seconds() -> float:
    """CPU time (user + system) this process has used."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return float(r.ru_utime + r.ru_stime)


def dask_rate(folder: Path, rows: int, workers: int) -> dict[str, Any]:
    """`account` + `summarize(by=enterprise, month)` from the parquet files on a LocalCluster:
    wall time, CPU time of the workers and of this process (client and scheduler), peak memory."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import tanfeng

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit="6GiB") as cluster, Client(cluster) as client:
        client.run(lambda: __import__("tanfeng").account(pd.DataFrame(
            {"carrier": ["原煤"], "quantity": [1.0], "unit": ["t"]})))  # imports, as a long-lived cluster has
        cpu0, here0 = client.run(_cpu_seconds), _cpu_seconds()
        t = time.perf_counter()
        ddf = dd.read_parquet(str(folder / "*.parquet"))
        result = tanfeng.account(ddf)
        keys_done = time.perf_counter() - t
        totals = tanfeng.summarize(result, by=["enterprise", "month"])
        secs = time.perf_counter() - t
        cpu1, here1 = client.run(_cpu_seconds), _cpu_seconds()
        peaks = client.run(_peak_rss_bytes)
    cpu = sum(cpu1[w] - cpu0[w] for w in cpu1) + here1 - here0
    return {"rows": rows, "seconds": secs, "rows_per_s": rows / secs, "workers": workers, "cpu_seconds": cpu,
            "key_pass_seconds": keys_done, "groups": len(totals), "tce": float(totals["tce"].sum()),
            "peak_worker_bytes": max(peaks.values()), "partitions": ddf.npartitions}


def run(rows: int, workers: int, folder: Path | None, pandas_rows: int, layout: str) -> list[dict[str, Any]]:
    warnings.simplefilter("ignore")
    tmp = Path(tempfile.mkdtemp(prefix="tanfeng-scaleout-")) if folder is None else folder
    try:
        t = time.perf_counter()
        disk = write_parquet(tmp / "records", rows, layout) if not list((tmp / "records").glob("*.parquet")) else \
            float(sum(p.stat().st_size for p in (tmp / "records").glob("*.parquet")))
        written = time.perf_counter() - t
        base = pandas_rate(pandas_rows, layout)
        d = dask_rate(tmp / "records", rows, workers)
    finally:
        if folder is None:
            shutil.rmtree(tmp, ignore_errors=True)
    per_core = d["rows_per_s"] / workers
    per_cpu, base_per_cpu = rows / d["cpu_seconds"], pandas_rows / base["cpu_seconds"]
    load = os.getloadavg()[0]
    return [
        {"benchmark": "pandas account+summarize in memory (1 core)", "n": pandas_rows, "seconds": base["seconds"],
         "baseline": "rows/s", "ratio": base["rows_per_s"],
         "note": f"{layout} layout; CPU {base['cpu_seconds']:.1f} s = {base_per_cpu / 1e6:.2f} M rows per CPU-second"},
        {"benchmark": f"dask account+summarize from parquet ({workers} workers)", "n": rows,
         "seconds": d["seconds"], "baseline": "rows/s", "ratio": d["rows_per_s"],
         "note": f"{d['partitions']} partitions, {disk / 2**30:.2f} GiB parquet written in {written:.0f} s, "
                 f"key pass {d['key_pass_seconds']:.1f} s, {d['groups']:,} groups; "
                 f"CPU {d['cpu_seconds']:.1f} s (workers + client) = {per_cpu / 1e6:.2f} M rows per CPU-second"},
        {"benchmark": "dask rate per core / pandas rate (wall)", "n": rows, "seconds": float("nan"),
         "baseline": "pandas rows/s (1 core)", "ratio": per_core / base["rows_per_s"], "note": "goal ≥ 0.7"},
        {"benchmark": "dask rows per CPU-second / pandas (CPU)", "n": rows, "seconds": float("nan"),
         "baseline": "pandas rows per CPU-second", "ratio": per_cpu / base_per_cpu,
         "note": "the same, free of other processes' load"},
        {"benchmark": "peak memory of the largest worker (GiB)", "n": rows, "seconds": float("nan"),
         "baseline": "GiB", "ratio": d["peak_worker_bytes"] / 2**30,
         "note": f"goal ≤ 2 GiB; load average at the end {load:.1f} on {os.cpu_count()} cores"},
    ]


def main(quick: bool = False, rows: int | None = None, workers: int = 2, folder: Path | None = None,
         layout: str = "export") -> list[dict[str, Any]]:
    n = rows or (2_000_000 if quick else 100_000_000)
    out = run(n, workers, folder, pandas_rows=min(PANDAS_ROWS, n) if not quick else 1_000_000, layout=layout)
    print(f"{'benchmark':52s} {'rows':>12s} {'seconds':>9s}  value")
    for r in out:
        print(f"{r['benchmark']:52s} {r['n']:>12,d} {r['seconds']:9.1f}  {r['ratio']:,.3g} {r['baseline']}  {r['note']}")
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=float, default=None, help="rows of the parquet data set (default 1e8)")
    p.add_argument("--quick", action="store_true", help="2e6 rows, 1e6 in memory")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--dir", type=Path, default=None, help="keep the data set here (reused if present)")
    p.add_argument("--layout", choices=["export", "random"], default="export",
                   help="export: monthly reports in enterprise order (default); random: groups in every file")
    a = p.parse_args()
    sys.exit(0 if main(a.quick, int(a.rows) if a.rows else None, a.workers, a.dir, a.layout) else 1)
