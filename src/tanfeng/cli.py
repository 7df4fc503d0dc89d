"""The ``tanfeng`` command.

``tanfeng demo [--out DIR]`` is the main job (every analysis on the synthetic 诸暨 sample, one
report). ``tanfeng account FILE… --out OUT.xlsx`` accounts energy records from spreadsheets;
``tanfeng screen FILE`` screens 两高 projects; ``tanfeng factors list | show ID | validate PATH``
inspects the factor database. ``--lang zh|en`` sets the language of messages. Errors print as one
clear message (no traceback) with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import TanfengError


def _factors(args: argparse.Namespace) -> int:
    from .factors import FactorSet

    if args.action == "validate":
        fs = FactorSet.from_dir(args.target) if args.target else FactorSet.default()
        problems = fs.check()
        if len(problems):
            for r in problems.itertuples(index=False):
                print(f"[{r.check}] {r.id}: {r.message}")
            print(f"{len(problems)} problem(s)", file=sys.stderr)
            return 1
        print(f"OK: {fs}")
        return 0
    fs = FactorSet.default()
    table = fs.table()
    if args.action == "list":
        cols = ["id", "carrier", "quantity", "value", "unit", "basis", "region", "data_year", "confidence"]
        with _pandas_wide():
            print(table[cols].to_string(index=False))
        return 0
    if not args.target:
        print("tanfeng factors show needs a factor id", file=sys.stderr)
        return 2
    row = table[table["id"] == args.target]
    if row.empty:
        import difflib

        close = difflib.get_close_matches(args.target, table["id"].tolist(), 5, 0.4)
        print(f"no factor {args.target!r}" + (f"; did you mean {', '.join(close)}?" if close else ""), file=sys.stderr)
        return 1
    for k, v in row.iloc[0].items():
        print(f"{k:>14}: {v}")
    return 0


class _pandas_wide:
    def __enter__(self) -> None:
        import pandas as pd

        self._ctx = pd.option_context("display.width", 200, "display.max_rows", 1000, "display.max_colwidth", 40)
        self._ctx.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)


_MSG = {
    "zh": {"done": "完成，用时 {secs:.1f} 秒。输出：", "report": "报告", "workbook": "工作簿", "charts": "图表",
           "reading": "读取", "wrote": "已写出", "rows": "行", "flagged": "列入两高", "undecided": "无法判定"},
    "en": {"done": "Done in {secs:.1f} s. Outputs:", "report": "report", "workbook": "workbook", "charts": "charts",
           "reading": "reading", "wrote": "wrote", "rows": "rows", "flagged": "flagged 两高", "undecided": "undecided"},
}


def _progress(i: int, n: int, label: str) -> None:
    """A one-line progress bar on stderr: [#####-----] 3/6 label."""
    width = 24
    done = int(width * i / max(n, 1))
    print(f"\r[{'#' * done}{'-' * (width - done)}] {i}/{n} {label[:60]:<60}", end="" if i < n else "\n",
          file=sys.stderr, flush=True)


def _demo(args: argparse.Namespace) -> int:
    from .report import run_demo

    msg = _MSG[args.lang]
    steps = ["zhuji_sample", "account", "screen_two_high", "Tracker", "evaluate_per_mu", "plan_swap", "results.xlsx"]
    count = iter(range(1, len(steps) + 1))
    rep = run_demo(args.out, seed=args.seed, lang=args.lang, as_of=args.as_of,
                   progress=lambda m: _progress(next(count, len(steps)), len(steps), m))
    print(msg["done"].format(secs=rep.seconds))
    print(f"  {msg['report']}: {rep.markdown}\n  {msg['report']} (HTML): {rep.html}")
    print(f"  {msg['workbook']}: {rep.workbook}\n  {msg['charts']}: {rep.out_dir / 'charts'} ({len(rep.charts)} PNG)")
    return 0


def _account(args: argparse.Namespace) -> int:
    import pandas as pd

    from .accounting import account, summarize
    from .io import read_records, write_report_xlsx

    msg = _MSG[args.lang]
    frames = []
    for i, path in enumerate(args.files, 1):
        _progress(i, len(args.files), f"{msg['reading']} {path}")
        frames.append(read_records(path).assign(source_file=str(path)))
    records = pd.concat(frames, ignore_index=True)
    result = account(records, basis=args.basis, region=args.region, year=args.year, errors=args.errors)
    by = [c for c in ("enterprise", "year") if c in result.columns] or None
    sheets = {"能源核算": result, "汇总": summarize(result, by=by).reset_index() if by else summarize(result)}
    write_report_xlsx(args.out, sheets, lang=args.lang)
    print(f"{msg['wrote']} {args.out}: {len(result)} {msg['rows']}, {result['tce'].sum():,.2f} tce, "
          f"{result['co2_t'].sum():,.2f} tCO2 (factor set {result.attrs['tanfeng']['factor_set']})")
    return 0


def _screen(args: argparse.Namespace) -> int:
    from .io import read_table, write_report_xlsx
    from .screening import screen_two_high

    msg = _MSG[args.lang]
    projects = read_table(args.file)
    result = screen_two_high(projects, rules=args.rules, errors=args.errors)
    flagged = int(result["two_high"].fillna(False).astype(bool).sum())
    print(f"{len(result)} {msg['rows']}: {msg['flagged']} {flagged}, {msg['undecided']} {int(result['two_high'].isna().sum())}")
    if args.out:
        write_report_xlsx(args.out, {"两高筛查": result}, lang=args.lang)
        print(f"{msg['wrote']} {args.out}")
    else:
        cols = [c for c in ("project", "enterprise", "industry_code", "two_high", "reason") if c in result.columns]
        with _pandas_wide():
            print(result[cols].to_string())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the commands)."""
    p = argparse.ArgumentParser(prog="tanfeng", description="Chinese industrial energy and carbon accounting (碳峰)")
    p.add_argument("--version", action="version", version=_version())
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of labels and messages")
    # also accepted after the command (tanfeng demo --lang en); SUPPRESS keeps the top-level value
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", parents=[common], help="the main job: every analysis on the synthetic 诸暨 sample, one report")
    d.add_argument("--out", default="report", help="output folder (default: ./report)")
    d.add_argument("--seed", type=int, default=0, help="seed of the synthetic sample")
    d.add_argument("--as-of", default="2022-12-31", help="date of the progress figures")
    d.set_defaults(func=_demo)
    a = sub.add_parser("account", parents=[common], help="energy records (xlsx/csv, any layout) to tce and CO2")
    a.add_argument("files", nargs="+", help="one or more .xlsx / .csv files")
    a.add_argument("--out", required=True, help="result workbook (.xlsx)")
    a.add_argument("--basis", default="当量值", help="当量值, 等价值 or both")
    a.add_argument("--region", default="浙江", help="grid region for electricity CO2")
    a.add_argument("--year", type=int, default=None, help="data year when the files have no year column")
    a.add_argument("--errors", choices=["raise", "report"], default="raise")
    a.set_defaults(func=_account)
    sc = sub.add_parser("screen", parents=[common], help="两高 screening of a project table")
    sc.add_argument("file", help=".xlsx / .csv with industry code, build year and annual energy")
    sc.add_argument("--rules", default="zhuji-2021", help="rule set (default: zhuji-2021)")
    sc.add_argument("--out", default=None, help="write the result to this .xlsx")
    sc.add_argument("--errors", choices=["raise", "report"], default="raise")
    sc.set_defaults(func=_screen)
    f = sub.add_parser("factors", parents=[common], help="inspect or validate the factor database")
    f.add_argument("action", choices=["list", "show", "validate"])
    f.add_argument("target", nargs="?", help="factor id (show) or folder (validate)")
    f.set_defaults(func=_factors)
    return p


def _version() -> str:
    from . import __version__

    return f"tanfeng {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tanfeng`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except TanfengError as exc:
        print(f"tanfeng: {exc}", file=sys.stderr)
        return 1
    except (FileNotFoundError, PermissionError, KeyError, ValueError) as exc:
        print(f"tanfeng: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
