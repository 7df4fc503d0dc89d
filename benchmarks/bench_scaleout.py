"""Scale-out: account() + summarize() on dask from partitioned parquet, against pandas in memory.

Run: python benchmarks/bench_scaleout.py [--rows 1e8] [--quick] [--workers 2] [--dir PATH]
     python benchmarks/run.py scaleout [--quick]

1. Writes a synthetic parquet data set of ``--rows`` rows in chunks (one file per chunk,
   category columns dictionary-encoded), the mix of bench_accounting: ~20 carriers in several
   spellings, several unit spellings, two years, two regions, plus enterprise and month.
2. pandas in memory, in this process (one core): ``account`` + ``summarize(by=enterprise, month)``
   on `PANDAS_ROWS` rows of the same mix, categorical, already in memory — rows/s.
3. dask: a ``distributed.LocalCluster`` of ``--workers`` single-threaded worker processes
   reads the parquet files, ``account`` + ``summarize(by=enterprise, month)`` — rows/s (reading
   included), peak memory of the largest worker process (its ru_maxrss), and the ratio of the
   rate per core to the pandas rate (one core).

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

#: Rows of the in-memory pandas baseline (the issue's 10⁷), and of each parquet file.
PANDAS_ROWS = 10_000_000
ROWS_PER_FILE = 2_500_000
#: Distinct enterprises and months: the summary has up to ENTERPRISES × 12 groups.
ENTERPRISES = 100_000


def make_chunk(n: int, seed: int) -> pd.DataFrame:
    """n rows of the benchmark mix, categories dictionary-encoded (as exports of 联网直报 are)."""
    rng = np.random.default_rng(seed)
    pairs = [(c, u) for _, cs, us in SPELLINGS for c in cs for u in us]
    carriers = sorted({p[0] for p in pairs})
    units = sorted({p[1] for p in pairs})
    cpos = np.array([carriers.index(p[0]) for p in pairs], dtype=np.int16)
    upos = np.array([units.index(p[1]) for p in pairs], dtype=np.int16)
    pick = rng.integers(0, len(pairs), n)
    return pd.DataFrame({
        "enterprise": rng.integers(0, ENTERPRISES, n, dtype=np.int32),
        "month": rng.integers(1, 13, n, dtype=np.int8),
        "carrier": pd.Categorical.from_codes(cpos[pick], categories=carriers),
        "quantity": rng.gamma(2.0, 50.0, n),
        "unit": pd.Categorical.from_codes(upos[pick], categories=units),
        "year": rng.choice(np.array([2022, 2023], dtype=np.int16), n),
        "region": pd.Categorical.from_codes(rng.integers(0, 2, n, dtype=np.int8), categories=["浙江", "江苏"]),
    })


def write_parquet(folder: Path, rows: int) -> float:
    """The data set in files of `ROWS_PER_FILE` rows; returns its size on disk in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    done, i = 0, 0
    while done < rows:
        n = min(ROWS_PER_FILE, rows - done)
        make_chunk(n, seed=i).to_parquet(folder / f"part-{i:05d}.parquet", index=False)
        done, i = done + n, i + 1
    return float(sum(p.stat().st_size for p in folder.glob("*.parquet")))


def pandas_rate(rows: int) -> dict[str, Any]:
    import tanfeng

    df = pd.concat([make_chunk(min(ROWS_PER_FILE, rows - s), seed=1000 + s // ROWS_PER_FILE)
                    for s in range(0, rows, ROWS_PER_FILE)], ignore_index=True)
    tanfeng.account(df.head(1000))  # warm the unit registry and factor caches
    t = time.perf_counter()
    tanfeng.summarize(tanfeng.account(df), by=["enterprise", "month"])
    secs = time.perf_counter() - t
    return {"rows": rows, "seconds": secs, "rows_per_s": rows / secs}


def _peak_rss_bytes() -> int:
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # Linux: KiB


def dask_rate(folder: Path, rows: int, workers: int) -> dict[str, Any]:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import tanfeng

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit="6GiB") as cluster, Client(cluster) as client:
        client.run(lambda: __import__("tanfeng").account(pd.DataFrame(
            {"carrier": ["原煤"], "quantity": [1.0], "unit": ["t"]})))  # imports, as a long-lived cluster has
        t = time.perf_counter()
        ddf = dd.read_parquet(str(folder / "*.parquet"))
        result = tanfeng.account(ddf)
        keys_done = time.perf_counter() - t
        totals = tanfeng.summarize(result, by=["enterprise", "month"])
        secs = time.perf_counter() - t
        peaks = client.run(_peak_rss_bytes)
    return {"rows": rows, "seconds": secs, "rows_per_s": rows / secs, "workers": workers,
            "key_pass_seconds": keys_done, "groups": len(totals), "tce": float(totals["tce"].sum()),
            "peak_worker_bytes": max(peaks.values()), "partitions": ddf.npartitions}


def run(rows: int, workers: int, folder: Path | None, pandas_rows: int) -> list[dict[str, Any]]:
    warnings.simplefilter("ignore")
    tmp = Path(tempfile.mkdtemp(prefix="tanfeng-scaleout-")) if folder is None else folder
    try:
        t = time.perf_counter()
        disk = write_parquet(tmp / "records", rows) if not list((tmp / "records").glob("*.parquet")) else \
            float(sum(p.stat().st_size for p in (tmp / "records").glob("*.parquet")))
        written = time.perf_counter() - t
        base = pandas_rate(pandas_rows)
        d = dask_rate(tmp / "records", rows, workers)
    finally:
        if folder is None:
            shutil.rmtree(tmp, ignore_errors=True)
    per_core = d["rows_per_s"] / workers
    load = os.getloadavg()[0]
    return [
        {"benchmark": "pandas account+summarize in memory (1 core)", "n": pandas_rows, "seconds": base["seconds"],
         "baseline": "rows/s", "ratio": base["rows_per_s"], "note": ""},
        {"benchmark": f"dask account+summarize from parquet ({workers} workers)", "n": rows,
         "seconds": d["seconds"], "baseline": "rows/s", "ratio": d["rows_per_s"],
         "note": f"{d['partitions']} partitions, {disk / 2**30:.2f} GiB parquet written in {written:.0f} s, "
                 f"key pass {d['key_pass_seconds']:.1f} s, {d['groups']:,} groups"},
        {"benchmark": "dask rate per core / pandas rate", "n": rows, "seconds": float("nan"),
         "baseline": "pandas rows/s (1 core)", "ratio": per_core / base["rows_per_s"], "note": "goal ≥ 0.7"},
        {"benchmark": "peak memory of the largest worker (GiB)", "n": rows, "seconds": float("nan"),
         "baseline": "GiB", "ratio": d["peak_worker_bytes"] / 2**30,
         "note": f"goal ≤ 2 GiB; load average at the end {load:.1f} on {os.cpu_count()} cores"},
    ]


def main(quick: bool = False, rows: int | None = None, workers: int = 2, folder: Path | None = None) -> list[dict[str, Any]]:
    n = rows or (2_000_000 if quick else 100_000_000)
    out = run(n, workers, folder, pandas_rows=min(PANDAS_ROWS, n) if not quick else 1_000_000)
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
    a = p.parse_args()
    sys.exit(0 if main(a.quick, int(a.rows) if a.rows else None, a.workers, a.dir) else 1)
