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
    "whatif",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the commands)."""
    p = argparse.ArgumentParser(prog="tanfeng", description="Chinese industrial energy and carbon accounting (碳峰)",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
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


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exceptions a user's input or command line causes (one line, exit 1); anything else inside
    tanfeng (KeyError, AttributeError …) is a bug and keeps its traceback."""
    import csv

    import pandas as pd

    from ._common import UsageError

    return (TanfengError, UsageError, OSError, csv.Error, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError)


_ONE_LINE = {
    "zh": {"field": "CSV 中有字段超过 {limit} 个字符（单元格上限）；检查引号是否成对",
           "folder": "{name}：是文件夹，不是文件", "missing": "{name}：文件不存在"},
    "en": {"field": "a CSV field is longer than {limit} characters (the cell limit); check that quotes are paired",
           "folder": "{name}: is a folder, not a file", "missing": "{name}: no such file"},
}


def _one_line(exc: BaseException, lang: str) -> str:
    t = _ONE_LINE.get(lang, _ONE_LINE["zh"])
    text = str(exc)
    if "field larger than field limit" in text:
        return t["field"].format(limit=f"{131072:,}" if "131072" in text else text.rsplit("(", 1)[-1].rstrip(")"))
    if isinstance(exc, IsADirectoryError):
        return t["folder"].format(name=exc.filename)
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return t["missing"].format(name=exc.filename)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tanfeng`` command.

    Runs in a copy of the caller's context, so ``--lang en`` sets the language of this run only:
    a program (or a notebook) that calls ``main`` keeps its own language afterwards.
    """
    import contextvars

    return contextvars.copy_context().run(_main, argv)


def _main(argv: Sequence[str] | None) -> int:
    import warnings

    from ..cells import set_language
    from ..errors import InputError
    from ._common import ADVICE, SAID, say_note, say_problems

    parser = build_parser()
    args = parser.parse_args(argv)
    set_language(args.lang)  # messages of the failure tables in the chosen language
    SAID.clear()  # the notes of this run only
    seen: set[str] = set()

    def note(message: Warning | str, *_a: object, **_k: object) -> None:
        text = str(message)
        if text not in seen:  # each warning once, as "tanfeng: 提示: …", never a raw Python warning line
            seen.add(text)
            say_note(text, args.lang)

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = note
        try:
            return int(args.func(args))
        except InputError as exc:  # bad rows: the failure table in CLI terms, with CLI advice
            say_problems(exc.what, exc.failures, args.lang)
            print(ADVICE.get(args.lang, ADVICE["zh"]), file=sys.stderr)
            return 1
        except _user_errors() as exc:
            print(f"tanfeng: {_one_line(exc, args.lang)}", file=sys.stderr)
            return 1
