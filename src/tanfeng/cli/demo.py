"""``tanfeng demo``: the main job — every analysis on the synthetic 诸暨 sample, one report."""

from __future__ import annotations

import argparse

from ._common import MSG, add_help_defaults, progress, say_note


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``demo`` command."""
    d = add_help_defaults(sub.add_parser("demo", parents=[common],
                                         help="the main job: every analysis on the synthetic 诸暨 sample, one report"))
    d.add_argument("-o", "--out", default="report", help="output folder")
    d.add_argument("--seed", type=int, default=0, help="seed of the synthetic sample")
    d.add_argument("--as-of", default="2022-12-31", help="date of the progress figures")
    d.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo and list what it wrote."""
    from ..report import run_demo

    msg = MSG[args.lang]
    steps = ["zhuji_sample", "account", "write_statement", "screen_two_high", "Tracker", "evaluate_per_mu", "plan_swap", "results.xlsx"]
    count = iter(range(1, len(steps) + 1))
    rep = run_demo(args.out, seed=args.seed, lang=args.lang, as_of=args.as_of,
                   progress=lambda m: progress(next(count, len(steps)), len(steps), m))
    for note in dict.fromkeys(rep.notes):
        say_note(note, args.lang)
    print(msg["done"].format(secs=rep.seconds))
    print(f"  {msg['report']}: {rep.markdown}\n  {msg['report']} (HTML): {rep.html}")
    print(f"  {msg['workbook']}: {rep.workbook}\n  {msg['charts']}: {rep.out_dir / 'charts'} ({len(rep.charts)} PNG)")
    if rep.statement is not None:
        print(f"  {msg['statement']}: {rep.statement}")
    return 0
