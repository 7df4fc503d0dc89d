"""``tanfeng account FILE… --out OUT.xlsx``: energy records from spreadsheets to tce and CO2."""

from __future__ import annotations

import argparse

from ._common import MSG, add_errors_option, progress


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``account`` command."""
    a = sub.add_parser("account", parents=[common], help="energy records (xlsx/csv, any layout) to tce and CO2")
    a.add_argument("files", nargs="+", help="one or more .xlsx / .csv files")
    a.add_argument("--out", required=True, help="result workbook (.xlsx)")
    a.add_argument("--basis", default="当量值", help="当量值, 等价值 or both")
    a.add_argument("--region", default="浙江", help="grid region for electricity CO2")
    a.add_argument("--year", type=int, default=None, help="data year when the files have no year column")
    add_errors_option(a)
    a.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read every file, account the records, write the workbook."""
    import pandas as pd

    from ..accounting import account, summarize
    from ..io import read_records, write_report_xlsx

    msg = MSG[args.lang]
    frames = []
    for i, path in enumerate(args.files, 1):
        progress(i, len(args.files), f"{msg['reading']} {path}")
        frames.append(read_records(path).assign(source_file=str(path)))
    records = pd.concat(frames, ignore_index=True)
    result = account(records, basis=args.basis, region=args.region, year=args.year, errors=args.errors)
    by = [c for c in ("enterprise", "year") if c in result.columns] or None
    sheets = {"能源核算": result, "汇总": summarize(result, by=by).reset_index() if by else summarize(result)}
    write_report_xlsx(args.out, sheets, lang=args.lang)
    print(f"{msg['wrote']} {args.out}: {len(result)} {msg['rows']}, {result['tce'].sum():,.2f} tce, "
          f"{result['co2_t'].sum():,.2f} tCO2 (factor set {result.attrs['tanfeng']['factor_set']})")
    return 0
