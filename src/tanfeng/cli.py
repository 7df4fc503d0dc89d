"""The ``tanfeng`` command.

``tanfeng demo`` is the main job; ``tanfeng factors list | show ID | validate PATH`` inspects the
factor database. Errors print as one clear message with a non-zero exit code.
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the commands)."""
    p = argparse.ArgumentParser(prog="tanfeng", description="Chinese industrial energy and carbon accounting (碳峰)")
    p.add_argument("--version", action="version", version=_version())
    sub = p.add_subparsers(dest="command", required=True)
    f = sub.add_parser("factors", help="inspect or validate the factor database")
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
    except (FileNotFoundError, KeyError, ValueError) as exc:
        print(f"tanfeng: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
