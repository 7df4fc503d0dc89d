"""``tanfeng screen FILE``: 两高 screening of a project table."""

from __future__ import annotations

import argparse

from ._common import MSG, add_errors_option, add_help_defaults, check_out, pandas_wide, write_out


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``screen`` command."""
    sc = add_help_defaults(sub.add_parser("screen", parents=[common], help="两高 screening of a project table"))
    sc.add_argument("file", help=".xlsx / .csv with industry code, build year and annual energy")
    sc.add_argument("--rules", default="zhuji-2021", help="rule set")
    sc.add_argument("-o", "--out", default=None, help="write the result to this file (.xlsx, .csv or .parquet)")
    add_errors_option(sc)
    sc.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Screen the projects; print the verdicts or write them to ``--out``."""
    from ..io import read_table
    from ..screening import screen_two_high
    from ._common import in_file_terms

    msg = MSG[args.lang]
    if args.out:
        check_out(args.out, args.lang)
    projects = read_table(args.file, errors=args.errors)
    with in_file_terms(projects, args.file):
        result = screen_two_high(projects, rules=args.rules, errors=args.errors)
    flagged = int(result["two_high"].fillna(False).astype(bool).sum())
    print(f"{len(result)} {msg['rows']}: {msg['flagged']} {flagged}, {msg['undecided']} {int(result['two_high'].isna().sum())}")
    if args.out:
        write_out(args.out, {"两高筛查" if args.lang == "zh" else "two_high": result}, args.lang)
        print(f"{msg['wrote']} {args.out}")
    else:
        cols = [c for c in ("project", "enterprise", "industry_code", "two_high", "reason") if c in result.columns]
        with pandas_wide():
            print(result[cols].to_string())
    return 0
