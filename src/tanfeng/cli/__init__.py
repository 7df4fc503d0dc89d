"""The ``tanfeng`` command.

``tanfeng demo [--out DIR]`` is the main job (every analysis on the synthetic 诸暨 sample, one
report). ``tanfeng account FILE… --out OUT.xlsx`` accounts energy records from spreadsheets;
``tanfeng screen FILE`` screens 两高 projects; ``tanfeng statement FILE --by 企业 --out 甲.xlsx``
writes a 计算书 with live formulas; ``tanfeng factors list | show ID | validate PATH``
inspects the factor database. ``--lang zh|en`` sets the language of messages. Errors print as one
clear message (no traceback) with a non-zero exit code.

Each command is one module ``tanfeng/cli/<command>.py`` with ``register(sub, common)`` (adds its
subparser and sets ``func``); adding a command is one line in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import TanfengError
from ._common import common_parser

#: Modules of ``tanfeng.cli`` that each add one command, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "demo",
    "account",
    "screen",
    "factors",
    "statement",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the commands)."""
    p = argparse.ArgumentParser(prog="tanfeng", description="Chinese industrial energy and carbon accounting (碳峰)")
    p.add_argument("--version", action="version", version=_version())
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of labels and messages")
    common = common_parser()
    sub = p.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub, common)
    return p


def _version() -> str:
    from .. import __version__

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
