"""Shared pieces of :mod:`tanfeng.io`: reason codes, constants, errors, and the kernel's failure
collector set up for the cells of a file."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..cells import REASONS as _REASONS
from ..cells import Failures, Text
from ..errors import TanfengError, TanfengWarning

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


def _file_failures(file: str, sheet: str | None) -> Failures:
    """The kernel's failure collector for the cells of one file (or sheet): the failure table
    with ``file``, ``sheet`` and ``cell`` (``H12``) after the standard columns."""
    where = str(Text("where_file_sheet", file=Path(file).name, sheet=sheet) if sheet
                else Text("where_file", file=Path(file).name))  # in the language of the run
    return Failures(0, what=where, extra={"file": Path(file).name, "sheet": sheet, "cell": ""})


def _fail(fails: Failures, excel_rows: Iterable[int], column: str, col_index: int, values: Iterable[Any],
          reason: str, message: str = "", suggestion: str = "") -> None:
    """Problems at spreadsheet rows ``excel_rows`` of column ``col_index`` (-1: no one cell)."""
    rows = [int(r) for r in excel_rows]
    cells = [f"{_col_letter(col_index)}{r}" if col_index >= 0 else "" for r in rows]
    fails.add_at(rows, column, list(values), reason, message or None, suggestion or None,
                 sheet_rows=rows, extra={"cell": cells})


def _problems_by_row(fails: Failures, start: int = 0) -> dict[tuple[int, str], list[str]]:
    """``'reason: column = value'`` texts by (spreadsheet row, column) of the problems collected
    since part ``start`` (``errors="report"``)."""
    text: dict[tuple[int, str], list[str]] = {}
    for p in fails.parts[start:]:
        for r, c, v, why in zip(p["row"], p["column"], p["value"], p["reason"]):
            text.setdefault((int(r), str(c)), []).append(f"{why}: {c} = {v!r}")
    return text


def _cell_names(ignored: list[tuple[int, int, Any]]) -> list[str]:
    """Spreadsheet names (``H12``) of (Excel row, 0-based column, value) cells."""
    return [f"{_col_letter(c)}{r}" for r, c, _ in ignored]


def _warn_ignored(ignored: list[tuple[int, int, Any]], where: str, stacklevel: int) -> None:
    """One warning naming every cell that holds a value under no header (it is not read)."""
    if ignored:
        names = _cell_names(ignored)
        warnings.warn(IOWarning(Text("cells_not_read", where=where, n=len(names), cells=", ".join(names[:10]),
                                     more=" …" if len(names) > 10 else "")), stacklevel=stacklevel)


def _warn_skipped(skipped: list[tuple[int, Any]], where: str, stacklevel: int) -> None:
    if skipped:
        shown = [Text("row_left_out", row=r, why=why) for r, why in skipped[:10]]
        warnings.warn(IOWarning(Text("rows_left_out", where=where, n=len(skipped), shown=shown,
                           more=" …" if len(skipped) > 10 else "")), stacklevel=stacklevel)
