"""``tanfeng account 'data/*.parquet' --out totals.parquet --by 企业,月份``: tables beyond memory.

Parquet input (files or quoted glob patterns), and any input with ``--engine dask``, is handled
here. ``--engine auto`` (the default) runs on dask when the input is larger than memory — its
size on disk times `EXPANSION` above `MEMORY_SHARE` of the memory available — and on pandas
otherwise; ``--engine dask`` / ``--engine pandas`` decide it. On dask the records are accounted
per partition on a local cluster of ``--workers N`` processes (or the cluster at
``--scheduler ADDRESS``), the totals by ``--by`` are summed on the workers, with dask's own
progress bar, and written to ``--out`` (.parquet, .csv or .xlsx). dask is the optional extra
``pip install "tanfeng[dask]"``.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from pathlib import Path
from typing import Any

from ._common import MSG, UsageError, say_note, write_out

#: Bytes in memory per byte on disk, by input format, used only to guess whether a table fits in
#: memory: parquet's dictionary-encoded, compressed columns expand about 5× into pandas; CSV text
#: about 1.5×. ``--engine`` overrides the guess.
EXPANSION = {".parquet": 5.0, ".csv": 1.5}
#: Share of the available memory a pandas run may take before ``--engine auto`` picks dask (the
#: run needs about as much again for its results).
MEMORY_SHARE = 0.5

_TEXT = {
    "zh": {"install": "--engine dask 需要 dask：pip install \"tanfeng[dask]\"（或用 --engine pandas）",
           "none": "{pattern}：没有匹配的文件", "format": "{name}：dask 只读 .parquet 和 .csv",
           "engine": "计算引擎：dask，{workers} 个工作进程；输入载入内存约 {size:.1f} GiB",
           "keys": "已在本机解析 {n} 个不同的（能源品种、单位、年份、地区）组合，随任务发给各工作进程",
           "problems": "{n} 行有问题，已计入 rows_with_problems；问题清单写入 {path}",
           "first": "（dask 按分区计算：这是第一个出错分区的问题）"},
    "en": {"install": "--engine dask needs dask: pip install \"tanfeng[dask]\" (or use --engine pandas)",
           "none": "{pattern}: no file matches", "format": "{name}: dask reads .parquet and .csv only",
           "engine": "engine: dask, {workers} worker(s); the input is ≈{size:.1f} GiB in memory",
           "keys": "{n} distinct (carrier, unit, year, region) combinations resolved here, sent to the workers with the task",
           "problems": "{n} row(s) with problems, counted in rows_with_problems; the list is in {path}",
           "first": "(dask works by partition: these are the problems of the first bad partition)"},
}


def add_options(a: argparse.ArgumentParser) -> None:
    """``--by``, ``--engine``, ``--workers``, ``--scheduler`` of ``tanfeng account``."""
    a.add_argument("--by", default=None, metavar="COL,COL",
                   help="totals by these columns (e.g. 企业,月份); a .csv/.parquet --out then holds the totals")
    a.add_argument("--engine", choices=["auto", "pandas", "dask"], default="auto",
                   help="dask for tables larger than memory (auto: decided by the input's size)")
    a.add_argument("--workers", type=int, default=None, metavar="N",
                   help="dask worker processes on this machine (default: one per core)")
    a.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on an existing dask cluster, e.g. tcp://10.0.0.5:8786, instead of a local one")


def by_columns(args: argparse.Namespace) -> list[str] | None:
    """``--by 企业,月份`` as a list (None when not given)."""
    if not getattr(args, "by", None):
        return None
    return [c.strip() for c in args.by.replace("，", ",").split(",") if c.strip()]


def expand(patterns: list[str]) -> list[str]:
    """Files named or matched by (quoted) glob patterns, in order."""
    files: list[str] = []
    for p in patterns:
        hits = sorted(glob.glob(p)) if glob.has_magic(p) else [p]
        if not hits:
            raise UsageError(p)
        files += hits
    return files


def engine_for(args: argparse.Namespace) -> str | None:
    """"dask", "pandas" (parquet read here) or None (spreadsheets: the usual ``account`` run)."""
    files = [f for p in args.files for f in (sorted(glob.glob(p)) if glob.has_magic(p) else [p])]
    if args.engine == "dask":
        return "dask"
    if not files:
        return "pandas" if any(Path(p).suffix.lower() == ".parquet" for p in args.files) else None
    if args.engine == "auto" and _in_memory_bytes(files) > MEMORY_SHARE * _available_memory():
        return "dask"
    return "pandas" if any(Path(f).suffix.lower() == ".parquet" for f in files) else None


def _in_memory_bytes(files: list[str]) -> float:
    return sum(os.path.getsize(f) * EXPANSION.get(Path(f).suffix.lower(), 1.0) for f in files if os.path.isfile(f))


def _available_memory() -> float:
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # not POSIX: assume a table on disk fits
        return float("inf")


def run(args: argparse.Namespace, engine: str) -> int:
    """Account the files on ``engine`` and write the totals (dask) or the records and totals."""
    t = _TEXT[args.lang]
    files = []
    for p in args.files:
        try:
            files += expand([p])
        except UsageError:
            raise UsageError(t["none"].format(pattern=p)) from None
    for f in files:
        if Path(f).suffix.lower() not in EXPANSION:
            raise UsageError(t["format"].format(name=f))
    if engine == "pandas":
        return _run_pandas(args, files)
    return _run_dask(args, files)


def _read_pandas(files: list[str]) -> Any:
    import pandas as pd

    frames = [pd.read_parquet(f) if f.lower().endswith(".parquet") else pd.read_csv(f, dtype=str) for f in files]
    return pd.concat(frames, ignore_index=True)


def _run_pandas(args: argparse.Namespace, files: list[str]) -> int:
    from ..accounting import account, problems, summarize
    from ..errors import InputError
    from ._common import say_problems as _say_problems

    records = _read_pandas(files).rename(columns=_mapping(args))
    try:
        result = account(records, basis=args.basis, region=args.region, year=args.year, errors=args.errors,
                         substitution_factor=getattr(args, "substitution_factor", None))
    except InputError as exc:
        _say_problems(", ".join(args.files), exc.failures, args.lang)
        return 1
    by = by_columns(args)
    totals = summarize(result, by=by).reset_index() if by else summarize(result)
    sheets = {"汇总": totals, "能源核算": result} if by else {"能源核算": result, "汇总": totals}
    _write(args, sheets, result if args.errors == "report" else None, problems)
    return 0


def _run_dask(args: argparse.Namespace, files: list[str]) -> int:
    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster, progress
    except ImportError:
        raise UsageError(_TEXT[args.lang]["install"]) from None
    from ..accounting import account, problems
    from ..accounting.partitioned import summary_plan
    from ..errors import InputError
    from ._common import say_problems as _say_problems

    t = _TEXT[args.lang]
    parquet = [f for f in files if f.lower().endswith(".parquet")]
    ddf = dd.read_parquet(parquet) if parquet else dd.read_csv(files, dtype=str)
    ddf = ddf.rename(columns=_mapping(args)) if args.columns else ddf
    cluster = None if args.scheduler else LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                                       dashboard_address=None)
    with Client(args.scheduler or cluster) as client:
        if cluster is not None:  # the client says each fallback once; worker processes stay quiet
            client.run(_quiet_fallbacks)
        say_note(t["engine"].format(workers=len(client.scheduler_info()["workers"]),
                                    size=_in_memory_bytes(files) / 2**30), args.lang)
        result = account(ddf, basis=args.basis, region=args.region, year=args.year, errors=args.errors,
                         substitution_factor=getattr(args, "substitution_factor", None))
        say_note(t["keys"].format(n=result._meta.attrs["tanfeng"]["distinct_keys"]), args.lang)
        lazy, finish = summary_plan(result, by_columns(args))
        future = client.compute(lazy)
        progress(future)  # dask's own progress bar
        print(file=sys.stderr)
        try:
            totals = finish(future.result())
        except InputError as exc:
            _say_problems(", ".join(args.files), exc.failures, args.lang)
            print(t["first"], file=sys.stderr)
            return 1
        totals = totals.reset_index() if by_columns(args) else totals
        _write(args, {"汇总": totals}, result if args.errors == "report" else None, problems,
               n_bad=int(totals["rows_with_problems"].sum()))
    if cluster is not None:
        cluster.close()
    return 0


def _quiet_fallbacks() -> None:
    import warnings

    from ..errors import FactorFallbackWarning

    warnings.filterwarnings("ignore", category=FactorFallbackWarning)


def _mapping(args: argparse.Namespace) -> dict[str, str]:
    from .account import _mapping as pairs

    return pairs(args.columns)


def _write(args: argparse.Namespace, sheets: dict[str, Any], report: Any, problems: Any,
           n_bad: int | None = None) -> None:
    """Write ``--out``, and the failure table beside it when rows were kept with problems."""
    t, msg = _TEXT[args.lang], MSG[args.lang]
    first = next(iter(sheets.values()))
    if n_bad is None and report is not None:
        n_bad = int((report["problem"] != "").sum())
    if report is not None and n_bad:
        path = str(Path(args.out).with_suffix("")) + ".problems.csv"
        problems(report).to_csv(path, index=False, encoding="utf-8-sig")
        say_note(t["problems"].format(n=n_bad, path=path), args.lang)
    write_out(args.out, sheets, args.lang)
    total = sheets["汇总"]
    print(f"{msg['wrote']} {args.out}: {len(first)} {msg['rows']}, {total['tce'].sum():,.2f} tce, "
          f"{total['co2_t'].sum():,.2f} tCO2")
