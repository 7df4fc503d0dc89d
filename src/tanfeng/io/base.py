"""Shared pieces of :mod:`tanfeng.io`: reason codes, constants, errors and the failure collector."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError, TanfengError, TanfengWarning

#: Reason codes of the failures `read_records` / `read_table` report.
REASONS: dict[str, str] = {
    "number_unparsable": "无法识别为数字",
    "number_with_unit": "数字后带有单位或文字",
    "number_is_date": "单元格是日期，不是数字（Excel 可能把数字识别成了日期）",
    "number_not_finite": "数值为无穷大",
    "number_missing": "数量为空",
    "year_invalid": "年份无法识别",
    "month_invalid": "月份无法识别（应为 1–12）",
    "date_invalid": "日期无法识别",
    "column_missing": "缺少必需的列",
    "header_unit_missing": "能源列的表头没有写单位",
    "header_unit_unknown": "表头中的单位无法识别",
    "header_unit_dimension": "表头中的单位与该列的量纲不符",
    "no_energy_columns": "既没有 能源品种/消费量/计量单位 列，也没有带单位的能源列",
    "carrier_unknown": "能源品种无法识别",
    "unit_unknown": "计量单位无法识别",
    "unit_dimension": "计量单位与能源品种的量纲不符",
    "feedstock_exceeds_consumption": "用于原材料大于工业生产消费量（205-1 表中原材料用量是消费量的“其中”项）",
}
#: Cell texts that mean "nothing here" in Chinese statistical tables.
BLANK_TOKENS = frozenset({"", "-", "--", "—", "——", "–", "/", "无", "空", "nan", "none", "null",
                          "n/a", "na", "#n/a", "/0"})
#: First-cell words of rows that are totals, not enterprises (kept out, with a warning).
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "累计", "总数", "全市合计", "全市", "合计数"})
#: First-cell prefixes of footnote rows under a table (kept out, with a warning).
NOTE_PREFIXES = ("注", "备注", "说明", "填表", "制表", "审核", "负责人", "数据来源", "资料来源")
#: Rows searched for the header (title rows above it are common).
HEADER_SEARCH_ROWS = 30
#: Characters that make Excel treat a typed cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Excel's row limit per sheet.
EXCEL_MAX_ROWS = 1_048_576


class FileFormatError(TanfengError, ValueError):
    """A file that cannot be read as a table: unknown format, missing sheet, no header, bad mapping."""


class IOWarning(TanfengWarning):
    """Rows left out of a file on purpose (totals, footnotes, rows with no energy at all)."""


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class _Failures:
    file: str
    sheet: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, excel_rows: Iterable[int], column: str, col_index: int, values: Iterable[Any],
            reason: str, message: str = "", suggestion: str = "") -> None:
        for r, v in zip(excel_rows, values):
            self.rows.append({"row": int(r), "column": column, "value": v, "reason": reason,
                              "message": message or REASONS.get(reason, reason), "suggestion": suggestion,
                              "file": Path(self.file).name, "sheet": self.sheet,
                              "cell": f"{_col_letter(col_index)}{int(r)}" if col_index >= 0 else ""})

    def frame(self) -> pd.DataFrame:
        cols = ["row", "column", "value", "reason", "message", "suggestion", "file", "sheet", "cell"]
        return pd.DataFrame(self.rows, columns=cols)

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
