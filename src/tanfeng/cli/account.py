"""``tanfeng account FILE… --out OUT.xlsx``: energy records from spreadsheets to tce and CO2.

Every problem of a file — reading and accounting — is listed in one round, in sheet order, with
1-based spreadsheet rows and the user's own headers; the advice names CLI flags.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import defaults
from ._common import (
    ADVICE,
    MSG,
    add_errors_option,
    add_help_defaults,
    check_out,
    progress,
    say_note,
    say_problems,
    user_headers,
    write_out,
)

#: Grid region of electricity CO2 when ``--region`` is not given: the library's one default.
DEFAULT_REGION = defaults.DEFAULT_REGION

_TEXT = {
    "zh": {"advice": ADVICE["zh"],
           "columns": "表头不对应时用 --columns 指明，如 --columns 耗量=消费量（可重复）。",
           "flagged": "{n} 行有问题，已保留并在 problem 列说明（--errors report）",
           "used": "电力排放因子：地区 {region}，数据年份 {year}"},
    "en": {"advice": ADVICE["en"],
           "columns": "Where a header is not recognised, name it with --columns, e.g. --columns 耗量=消费量 (repeatable).",
           "flagged": "{n} row(s) with problems kept, the 'problem' column says why (--errors report)",
           "used": "electricity CO2 factors: region {region}, data year {year}"},
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``account`` command."""
    a = add_help_defaults(sub.add_parser("account", parents=[common],
                                         help="energy records (xlsx/xls/csv, any layout, form 205-1; parquet) to tce and CO2"))
    a.add_argument("files", nargs="+", help="one or more .xlsx / .xls / .csv files (form 205-1 is recognised), "
                                            "or .parquet files (quoted globs: 'data/*.parquet')")
    a.add_argument("-o", "--out", required=True, help="result file: .xlsx (workbook), .csv or .parquet (the records)")
    a.add_argument("--basis", default="当量值", help="当量值, 等价值 or both")
    a.add_argument("--region", default=DEFAULT_REGION, help="grid region for electricity CO2 (浙江, 华东, national …); the library's default, "
                                                        "tanfeng.defaults.DEFAULT_REGION")
    a.add_argument("--year", type=int, default=None, help="data year when the files have no year column")
    a.add_argument("--substitution-factor", default=None, metavar="VALUE",
                   help="your province's official 等价值 of electricity, e.g. '0.28078 kgce/kWh' (else the national "
                        "供电 coal rate stands in, with a note)")
    a.add_argument("--columns", action="append", default=[], metavar="HEADER=NAME",
                   help="your header = tanfeng's (消费量, 能源品种, 计量单位, 企业名称 … or quantity, carrier …)")
    add_errors_option(a)
    from .scaleout import add_options  # --by, --engine, --workers, --scheduler (parquet, dask)

    add_options(a)
    a.set_defaults(func=run)


def _mapping(pairs: list[str]) -> dict[str, str]:
    from ._common import UsageError

    out = {}
    for pair in pairs:
        header, sep, name = pair.partition("=")
        if not sep or not header.strip() or not name.strip():
            raise UsageError(f"--columns {pair!r}: write HEADER=NAME, e.g. --columns 耗量=消费量")
        out[header.strip()] = name.strip()
    return out


def _read(path: str, mapping: dict[str, str]) -> tuple[Any, Any]:
    """The records of one file (bad cells kept) and the reading failures (None if none)."""
    from ..errors import InputError
    from ..io import read_records

    try:
        return read_records(path, mapping=mapping or None), None
    except InputError as exc:
        try:
            return read_records(path, mapping=mapping or None, errors="report"), exc.failures
        except InputError:  # the headers themselves: no row can be kept
            return None, exc.failures


def _account_failures(records: Any, args: argparse.Namespace) -> Any:
    """Accounting failures of the rows reading passed, with spreadsheet rows and user headers."""
    import pandas as pd

    from ..accounting import account
    from ..errors import InputError

    ok = records[records.get("problem", pd.Series("", index=records.index)).fillna("") == ""]
    try:
        account(ok.drop(columns=["problem"], errors="ignore"), basis=args.basis, region=args.region,
                year=args.year, substitution_factor=args.substitution_factor)
        return None
    except InputError as exc:
        f = exc.failures.copy()
        rows = ok["source_row"] if "source_row" in ok else pd.Series(ok.index + 2, index=ok.index)
        sheet = f["sheet_row"] if "sheet_row" in f else pd.Series(pd.NA, index=f.index)
        # the failure table's sheet row where it has one, else the reader's source_row
        f["row"] = [int(s) if pd.notna(s) else rows.get(r, r) for r, s in zip(f["row"], sheet)]
        return user_headers(f, records)


def _grid_years(result: Any) -> str:
    """Data years of the electricity CO2 factors the result used (from the factor table)."""
    from ..factors import FactorSet

    if "carrier_id" not in result or "co2_factor" not in result:
        return ""
    ids = set(result.loc[result["carrier_id"] == "electricity", "co2_factor"].dropna().astype(str)
              .str.split("+").explode())
    table = FactorSet.default().table()
    years = table.loc[table["id"].isin(ids), "data_year"].dropna().astype(int)
    return ", ".join(str(y) for y in sorted(set(years)))


def run(args: argparse.Namespace) -> int:
    """Read every file, account the records, write the result."""
    import pandas as pd

    from ..accounting import account, summarize
    from . import scaleout

    msg, t = MSG[args.lang], _TEXT[args.lang]
    check_out(args.out, args.lang)
    engine = scaleout.engine_for(args)
    if engine is not None:  # parquet, or larger than memory: see tanfeng.cli.scaleout
        return scaleout.run(args, engine)
    mapping = _mapping(args.columns)
    frames: list[Any] = []
    bad = rows_bad = False
    for i, path in enumerate(args.files, 1):
        progress(i, len(args.files), f"{msg['reading']} {path}")
        records, read_fail = _read(path, mapping)
        fails = [f for f in (read_fail, None if records is None else _account_failures(records, args))
                 if f is not None]
        if fails and (args.errors == "raise" or records is None):
            say_problems(path, pd.concat(fails, ignore_index=True), args.lang)
            bad = bad or any((f["column"] == "<表头>").any() for f in fails)
            rows_bad = rows_bad or any((f["column"] != "<表头>").any() for f in fails)
            frames.append(None)
            continue
        frames.append(records.assign(source_file=str(path)))
    if any(f is None for f in frames):
        if rows_bad:
            print(t["advice"], file=sys.stderr)
        if bad:
            print(t["columns"], file=sys.stderr)
        return 1
    records = pd.concat(frames, ignore_index=True)
    read_problems = records.pop("problem").fillna("") if "problem" in records else None
    result = account(records, basis=args.basis, region=args.region, year=args.year, errors="report",
                     substitution_factor=args.substitution_factor)
    if read_problems is not None:  # the reading problem is the cause; accounting's is its echo
        result["problem"] = read_problems.where(read_problems != "", result.get("problem", ""))
    meta = result.attrs.get("tanfeng", {})
    from ..regions import default_regions

    region = default_regions().label(meta.get("region") or args.region, args.lang)
    used = t["used"].format(region=region, year=_grid_years(result) or "—")
    say_note(used, args.lang)
    n_bad = int((result.get("problem", pd.Series("", index=result.index)).fillna("") != "").sum())
    if n_bad:
        say_note(t["flagged"].format(n=n_bad), args.lang)
    by = scaleout.by_columns(args) or [c for c in ("enterprise", "year") if c in result.columns] or None
    sheets = {"能源核算" if args.lang == "zh" else "records": result,
              "汇总" if args.lang == "zh" else "summary": summarize(result, by=by).reset_index() if by else summarize(result)}
    if scaleout.by_columns(args):  # --by: a .csv/.parquet --out holds the totals
        sheets = dict(reversed(list(sheets.items())))
    write_out(args.out, sheets, args.lang, notes=[used])
    print(f"{msg['wrote']} {args.out}: {len(result)} {msg['rows']}, {result['tce'].sum():,.2f} tce, "
          f"{result['co2_t'].sum():,.2f} tCO2 ({msg['factor_set']} {meta.get('factor_set')})")
    return 0
