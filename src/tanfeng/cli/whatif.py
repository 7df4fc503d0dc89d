"""``tanfeng whatif CANDIDATES --need-tce 20000 --need-co2 40000 --out plan.xlsx``: which closures and
upgrades meet the rest of the target at the least cost (情景测算)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import (
    MSG,
    UsageError,
    add_errors_option,
    add_help_defaults,
    check_out,
    in_file_terms,
    pandas_wide,
    write_out,
)

_TEXT = {
    "zh": {"need": "请给出 --need-tce / --need-co2，或用 --actions 给出已完成的行动（按方案算出剩余）",
           "objective": "--objective {v!r}：用 cost、jobs，或加权如 cost=1,jobs=0.5",
           "note": "情景测算结果：候选为输入文件中的行动；最优性由 HiGHS 证明（见 汇总 / 约束）。"},
    "en": {"need": "give --need-tce / --need-co2, or --actions with the actions done (the rest is computed from the plan)",
           "objective": "--objective {v!r}: use cost, jobs, or weights such as cost=1,jobs=0.5",
           "note": "What-if: candidates are the actions of the input file; optimality proven by HiGHS (see totals / constraints)."},
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``whatif`` command."""
    w = add_help_defaults(sub.add_parser(
        "whatif", parents=[common], help="情景测算: the least-cost 淘汰/整治 actions that meet what remains"))
    w.add_argument("file", help=".xlsx / .csv of candidate actions (企业名称, 镇乡（街道）, 类型, 腾出用能, 减少碳排放, 费用, 涉及人数)")
    w.add_argument("--need-tce", type=float, default=None, help="energy still to free (tce)")
    w.add_argument("--need-co2", type=float, default=None, help="CO2 still to cut (tCO2)")
    w.add_argument("--actions", default=None, help="actions done so far (.xlsx / .csv): the rest is what the plan still needs")
    w.add_argument("--plan", default="zhuji-2021-2023", help="plan id or TOML file (with --actions)")
    w.add_argument("--as-of", default=None, help="date the rest is computed on (with --actions)")
    w.add_argument("--objective", default="cost", help="cost, jobs, or weights such as cost=1,jobs=0.5")
    w.add_argument("--budget", type=float, default=None, help="total cost cap (万元)")
    w.add_argument("--deadline", default=None, help="actions must finish by this date (earliest month column)")
    w.add_argument("--town-min", default=None, help=".xlsx / .csv: each town's minimum (镇乡（街道）, 腾出用能 …)")
    w.add_argument("--town-max", default=None, help=".xlsx / .csv: each town's caps (腾出用能, 费用, 涉及人数, 行动数)")
    w.add_argument("--time-limit", type=float, default=None, help="seconds for the optimisation (default 1.5)")
    w.add_argument("-o", "--out", default=None, help="write the plan to this file (.xlsx: every sheet; .csv / .parquet: the chosen)")
    add_errors_option(w)
    w.set_defaults(func=run)


def _objective(text: str, lang: str) -> str | dict[str, float]:
    if text in ("cost", "jobs"):
        return text
    try:
        return {k.strip(): float(v) for k, v in (part.split("=") for part in text.split(","))}
    except ValueError:
        raise UsageError(_TEXT[lang]["objective"].format(v=text)) from None


def _arguments(args: argparse.Namespace) -> dict[str, Any]:
    from ..io import read_table

    kw: dict[str, Any] = {"need_tce": args.need_tce, "need_co2": args.need_co2, "budget": args.budget,
                          "deadline": args.deadline, "objective": _objective(args.objective, args.lang),
                          "errors": args.errors}
    if args.time_limit is not None:
        kw["time_limit"] = args.time_limit
    if args.actions:
        from ..plans import load_plan
        from ..targets import Tracker

        actions = read_table(args.actions)
        with in_file_terms(actions, args.actions):
            kw["tracker"] = Tracker(load_plan(args.plan), actions, errors=args.errors)
        kw["as_of"] = args.as_of
    elif args.need_tce is None and args.need_co2 is None:
        raise UsageError(_TEXT[args.lang]["need"])
    for opt in ("town_min", "town_max"):
        if getattr(args, opt):
            kw[opt] = read_table(getattr(args, opt))
    return kw


def run(args: argparse.Namespace) -> int:
    """Solve the what-if, print the answer, write ``--out``; exit 1 when the targets cannot be met."""
    from ..io import read_table
    from ..targets import whatif

    msg = MSG[args.lang]
    if args.out:
        check_out(args.out, args.lang)
    kw = _arguments(args)
    result = whatif(read_table(args.file, errors=args.errors), **kw)
    if result.ok:
        print(result.summary())
        with pandas_wide():
            print(result.constraints[["constraint", "limit", "achieved", "slack", "shadow_price", "binding"]].to_string(index=False))
    else:
        print(f"tanfeng: {result.message}", file=sys.stderr)
    if args.out:
        write_out(args.out, result.tables(args.lang), args.lang, notes=[_TEXT[args.lang]["note"]])
        print(f"{msg['wrote']} {args.out}")
    return 0 if result.ok else 1
