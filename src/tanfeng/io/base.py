"""Shared pieces of :mod:`tanfeng.io`: reason codes, constants, errors and the failure collector."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..cells import FAILURE_COLUMNS
from ..cells import REASONS as _REASONS
from ..errors import InputError, TanfengError, TanfengWarning

#: Reason codes of the failures `read_records` / `read_table` report: the kernel's registry.
REASONS = _REASONS
#: First-cell words of rows that are totals, not enterprises (kept out, with a warning).
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "累计", "总数", "全市合计", "全市", "合计数"})
#: First-cell prefixes of footnote rows under a table (kept out, with a warning).
NOTE_PREFIXES = ("注", "备注", "说明", "填表", "制表", "审核", "负责人", "数据来源", "资料来源")
#: Rows searched for the header (title rows above it are common).
HEADER_SEARCH_ROWS = 30
#: Excel's row limit per sheet.
EXCEL_MAX_ROWS = 1_048_576


class FileFormatError(TanfengError, ValueError):
    """A file that cannot be read as a table: unknown format, missing sheet, no header, bad mapping."""


class IOWarning(TanfengWarning):
    """Rows left out of a file on purpose (totals, footnotes, rows with no energy at all)."""


def _col_letter(i: int) -> str:
    """Spreadsheet column letters of a 0-based column position (openpyxl's own)."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(i + 1))


@dataclass
class _Failures:
    file: str
    sheet: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, excel_rows: Iterable[int], column: str, col_index: int, values: Iterable[Any],
            reason: str, message: str = "", suggestion: str = "") -> None:
        for r, v in zip(excel_rows, values):
            self.rows.append({"row": int(r), "sheet_row": int(r), "column": column, "value": v, "reason": reason,
                              "message": message or (REASONS[reason].message() if reason in REASONS else reason),
                              "suggestion": suggestion or (REASONS[reason].suggestion() if reason in REASONS else ""),
                              "file": Path(self.file).name, "sheet": self.sheet,
                              "cell": f"{_col_letter(col_index)}{int(r)}" if col_index >= 0 else ""})

    def frame(self) -> pd.DataFrame:
        cols = [*FAILURE_COLUMNS, "file", "sheet", "cell"]  # the kernel's failure table, plus where in the file
        return pd.DataFrame(self.rows, columns=cols).astype({"sheet_row": "Int64"})

    def what(self) -> str:
        return f"文件 {Path(self.file).name}" + (f" 工作表 {self.sheet}" if self.sheet else "")


def _finish(fails: _Failures, errors: str) -> None:
    if errors not in ("raise", "report"):
        raise ValueError("errors must be 'raise' or 'report'")
    if fails.rows and errors == "raise":
        raise InputError(fails.frame(), fails.what())


def _warn_skipped(skipped: list[tuple[int, str]], where: str, stacklevel: int) -> None:
    if skipped:
        shown = ", ".join(f"{r} ({why})" for r, why in skipped[:10])
        warnings.warn(f"{where}: {len(skipped)} row(s) left out: {shown}"
                      + (" …" if len(skipped) > 10 else ""), IOWarning, stacklevel=stacklevel)
