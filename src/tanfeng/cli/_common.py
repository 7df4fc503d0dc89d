"""What every ``tanfeng`` command shares: the common options, messages, progress line, output helpers."""

from __future__ import annotations

import argparse
import sys
from typing import Any

MSG: dict[str, dict[str, str]] = {
    "zh": {"done": "完成，用时 {secs:.1f} 秒。输出：", "report": "报告", "workbook": "工作簿", "charts": "图表",
           "reading": "读取", "wrote": "已写出", "rows": "行", "flagged": "列入两高", "undecided": "无法判定"},
    "en": {"done": "Done in {secs:.1f} s. Outputs:", "report": "report", "workbook": "workbook", "charts": "charts",
           "reading": "reading", "wrote": "wrote", "rows": "rows", "flagged": "flagged 两高", "undecided": "undecided"},
}


#: The word before a note the user should read once (``tanfeng: 提示: …``).
NOTE = {"zh": "提示", "en": "note"}


def say_note(message: str, lang: str) -> None:
    """Print one note as ``tanfeng: 提示: …`` on stderr."""
    print(f"tanfeng: {NOTE.get(lang, NOTE['zh'])}: {message}", file=sys.stderr)


def common_parser() -> argparse.ArgumentParser:
    """Options every command accepts after its name (``tanfeng demo --lang en``).

    ``argparse.SUPPRESS`` keeps the top-level ``--lang`` value when the option is not repeated.
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return common


def add_errors_option(p: argparse.ArgumentParser) -> None:
    """``--errors raise|report``: stop at bad rows, or flag them and go on."""
    p.add_argument("--errors", choices=["raise", "report"], default="raise")


def progress(i: int, n: int, label: str) -> None:
    """A one-line progress bar on stderr: [#####-----] 3/6 label."""
    width = 24
    done = int(width * i / max(n, 1))
    print(f"\r[{'#' * done}{'-' * (width - done)}] {i}/{n} {label[:60]:<60}", end="" if i < n else "\n",
          file=sys.stderr, flush=True)


class pandas_wide:
    """Wide pandas printing for tables on the terminal."""

    def __enter__(self) -> None:
        import pandas as pd

        self._ctx: Any = pd.option_context("display.width", 200, "display.max_rows", 1000,
                                           "display.max_colwidth", 40)
        self._ctx.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)
