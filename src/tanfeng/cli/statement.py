"""``tanfeng statement FILE… --by 企业 [--only 甲] --out 甲.xlsx``: a 计算书 a reviewer can check."""

from __future__ import annotations

import argparse

from ..defaults import DEFAULT_REGION
from ._common import MSG, add_errors_option, add_help_defaults, progress


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``statement`` command."""
    s = add_help_defaults(sub.add_parser(
        "statement", parents=[common],
        help="计算书: every record's conversion and coefficient, live Excel formulas (or .html / .md)"))
    s.add_argument("files", nargs="+", help="one or more .xlsx / .csv files of energy records")
    s.add_argument("-o", "--out", required=True, help="statement file: .xlsx (live formulas), .html or .md")
    s.add_argument("--by", default="企业", help="entity column, one sheet per value (default: 企业)")
    s.add_argument("--only", action="append", default=None, help="write only this entity (repeatable)")
    s.add_argument("--region", default=DEFAULT_REGION, help="grid region for electricity CO2 (浙江, 华东, national …); "
                                                       "the library's default, tanfeng.defaults.DEFAULT_REGION")
    s.add_argument("--year", type=int, default=None, help="data year when the files have no year column")
    s.add_argument("--substitution-factor", default=None, metavar="VALUE",
                   help="your province's official 等价值 of electricity, e.g. '0.28078 kgce/kWh'")
    add_errors_option(s)
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the files and write the statement."""
    import pandas as pd

    from ..io import read_records
    from ..statement import write_statement

    msg = MSG[args.lang]
    frames = []
    for i, path in enumerate(args.files, 1):
        progress(i, len(args.files), f"{msg['reading']} {path}")
        frames.append(read_records(path, errors=args.errors))  # report: a bad cell's row kept, with its problem
    records = pd.concat(frames, ignore_index=True)
    st = write_statement(records, args.out, by=args.by, only=args.only, region=args.region, year=args.year,
                         errors=args.errors, substitution_factor=args.substitution_factor, lang=args.lang)
    for e in st.entities:
        t = e.totals
        print(f"{e.title}: {len(e.lines)} {msg['rows']}, {t['tce_calorific']:,.2f} tce (当量值), "
              f"{t['tce_substitution']:,.2f} tce (等价值)" + (f", {t['co2_t']:,.2f} tCO2" if "co2_t" in t else ""))
    print(f"{msg['wrote']} {args.out} (factor set {st.factor_set})")
    return 0
