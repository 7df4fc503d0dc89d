"""``tanfeng factors list | show ID | validate PATH``: inspect or validate the factor database."""

from __future__ import annotations

import argparse
import sys

from ._common import add_help_defaults, pandas_wide


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``factors`` command."""
    f = add_help_defaults(sub.add_parser("factors", parents=[common], help="inspect or validate the factor database"))
    f.add_argument("action", choices=["list", "show", "validate"],
                   help="list every factor, show one by id, or validate a folder of factor tables")
    f.add_argument("target", nargs="?", help="factor id (show) or folder (validate)")
    f.set_defaults(func=run)


_TEXT = {
    "zh": {"needs_id": "tanfeng factors show 需要一个系数编号（见 tanfeng factors list）",
           "no_factor": "tanfeng: 没有编号为 {id!r} 的系数", "close": "；是否指 {ids}？",
           "problems": "共 {n} 个问题"},
    "en": {"needs_id": "tanfeng factors show needs a factor id (see tanfeng factors list)",
           "no_factor": "tanfeng: no factor {id!r}", "close": "; did you mean {ids}?",
           "problems": "{n} problem(s)"},
}


def run(args: argparse.Namespace) -> int:
    """List, show or validate factors."""
    from ..factors import FactorSet

    if args.action == "validate":
        return _validate(args)
    fs = FactorSet.default()
    table = fs.table()
    if args.action == "list":
        # tCO2 per tce of each fuel's default factors, on every row of that fuel and once more by family
        ratios = fs.co2_per_tce()
        per_fuel = ratios.set_index("carrier")["tco2_per_tce"].round(3)
        table = table.assign(tco2_per_tce=table["carrier"].map(per_fuel))
        cols = ["id", "carrier", "quantity", "value", "unit", "basis", "region", "data_year", "confidence", "tco2_per_tce"]
        with pandas_wide():
            print(table[cols].to_string(index=False, na_rep=""))
            print("\ntCO2/tce of each fuel's default factors (band: factors/rules/co2_per_tce_bands.csv):")
            show = ratios.assign(tco2_per_tce=ratios["tco2_per_tce"].round(3))
            print(show[["carrier", "name_zh", "family", "tco2_per_tce", "low", "high", "in_band"]].to_string(
                index=False, na_rep=""))
        return 0
    t = _TEXT[args.lang]
    if not args.target:
        print(t["needs_id"], file=sys.stderr)
        return 2
    row = table[table["id"] == args.target]
    if row.empty:
        import difflib

        close = difflib.get_close_matches(args.target, table["id"].tolist(), 5, 0.4)
        print(t["no_factor"].format(id=args.target) + (t["close"].format(ids=", ".join(close)) if close else ""),
              file=sys.stderr)
        return 1
    for k, v in row.iloc[0].items():
        print(f"{k:>14}: {v}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..factors import FactorSet
    from ._common import UsageError

    if args.target:
        folder = Path(args.target)
        if not folder.is_dir():
            raise UsageError(("{p}: no such folder" if args.lang == "en" else "{p}：文件夹不存在").format(p=folder))
        if not any(folder.rglob("*.csv")):
            raise UsageError(("{p}: no factor tables (*.csv) in this folder" if args.lang == "en"
                              else "{p}：文件夹中没有系数表（*.csv）").format(p=folder))
    fs = FactorSet.from_dir(args.target) if args.target else FactorSet.default()
    problems = fs.check()
    if len(problems):
        for r in problems.itertuples(index=False):
            print(f"[{r.check}] {r.id}: {r.message}")
        print(_TEXT[args.lang]["problems"].format(n=len(problems)), file=sys.stderr)
        return 1
    print(f"OK: {fs}")
    return 0
