"""The national statistical form 205-1 (能源购进、消费与库存) as enterprises file it.

One row per energy product: 能源名称, 计量单位, 代码, 期初库存量, 购进量 (实物量, 金额),
工业生产消费量 with its 其中：用于原材料, 期末库存量, 采用/参考折标系数 — the headers over two rows
with merged cells, a row of column letters (甲 乙 丙 1 2 3 …) under them, the reporting unit's
name and credit code in the title rows above, and an 能源合计 row. :func:`records_205_1` turns
it into tanfeng's long records: per product one ``use="energy"`` record (消费量 less 用于原材料)
and, where filled, one ``use="feedstock"`` record (用于原材料, 原料用能), so that
``account(records)`` counts both in ``tce`` and only the first in ``tce_excl_feedstock``.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..cells import Failures, Text
from .base import (
    HEADER_SEARCH_ROWS,
    TOTAL_WORDS,
    FileFormatError,
    IOWarning,
    _fail,
    _problems_by_row,
)
from .numbers import parse_numbers

__all__ = ["FORM_205_1", "is_205_1", "records_205_1"]

#: The layout name ``read_records(path, layout=...)`` takes for this form.
FORM_205_1 = "205-1"

#: Column roles and the header words that name them (matched on the text with spaces removed).
_ROLES: dict[str, tuple[str, ...]] = {
    "carrier": ("能源名称", "能源品种"),
    "unit": ("计量单位",),
    "code": ("代码",),
    "opening_stock": ("期初库存",),
    "purchases": ("实物量", "购进量"),
    "consumption": ("工业生产消费", "消费量"),
    "feedstock": ("用于原材料",),
    "closing_stock": ("期末库存",),
    "reference_factor": ("参考折标系数",),
    "used_factor": ("采用折标系数",),
}
#: Rows that are sums of the products above them (left out, said once).
_TOTAL_ROWS = TOTAL_WORDS | {"能源合计", "综合能源消费量", "能源消费合计"}
_UNIT_NAME = re.compile(r"(?:单位详细名称|单位名称|企业名称)[:：]\s*(?P<v>[^\s:：]+)")
_CREDIT = re.compile(r"(?:统一社会信用代码)[:：]\s*(?P<v>[0-9A-Z]{18})")


def _text(v: Any) -> str:
    return "" if v is None else re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v)))


def _header_row(rows: list[list[Any]]) -> int | None:
    """Position of the form's header row (能源名称 … 用于原材料 or 期初库存), or None."""
    for pos, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [_text(c) for c in row]
        near = texts + [_text(c) for c in (rows[pos + 1] if pos + 1 < len(rows) else [])]
        if any(t in ("能源名称", "能源品种") for t in texts) and any(
                "用于原材料" in t or "期初库存" in t for t in near):
            return pos
    return None


def is_205_1(rows: list[list[Any]]) -> bool:
    """Whether a sheet's cells look like form 205-1."""
    return _header_row(rows) is not None


def _roles(parent: list[str], child: list[str]) -> dict[str, int]:
    """Column of each role; the second header row's text wins where it has one."""
    found: dict[str, int] = {}
    for i in range(max(len(parent), len(child))):
        p = parent[i] if i < len(parent) else ""
        c = child[i] if i < len(child) else ""
        for t in (c, p):
            if not t or "金额" in t:
                continue
            for role, words in _ROLES.items():
                if role not in found and any(w in t for w in words):
                    if role == "consumption" and ("原材料" in t or "运输" in t or "其中" in t):
                        continue
                    if role == "purchases" and "金额" in (c + p) and "实物量" not in t:
                        continue
                    found[role] = i
                    break
            else:
                continue
            break
    return found


def _letters_row(row: list[Any]) -> bool:
    """The row of column letters/numbers under the headers (甲 乙 丙 1 2 3 …)."""
    texts = [_text(c) for c in row if _text(c)]
    return bool(texts) and all(t in ("甲", "乙", "丙", "丁") or (t.isdigit() and len(t) <= 2) for t in texts)


def _title_values(rows: list[list[Any]], upto: int) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in rows[:upto]:
        for c in row:
            t = unicodedata.normalize("NFKC", str(c)) if c is not None else ""
            if (m := _UNIT_NAME.search(t)) and "enterprise" not in out:
                out["enterprise"] = m.group("v")
            if (m := _CREDIT.search(t)) and "credit_code" not in out:
                out["credit_code"] = m.group("v")
    return out


def records_205_1(rows: list[list[Any]], row_numbers: list[int], fails: Failures,
                  where: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Long records from the cells of one form-205-1 sheet (see the module docstring)."""
    pos = _header_row(rows)
    if pos is None:
        raise FileFormatError(f"{where}: no 205-1 header (能源名称 … 工业生产消费量 / 用于原材料) in the first "
                              f"{HEADER_SEARCH_ROWS} rows")
    parent = [_text(c) for c in rows[pos]]
    nxt = rows[pos + 1] if pos + 1 < len(rows) else []
    two = not _letters_row(nxt) and any(_text(c) for c in nxt)
    child = [_text(c) for c in nxt] if two else []
    roles = _roles(parent, child)
    if "carrier" not in roles or "consumption" not in roles:
        raise FileFormatError(f"{where}: the 205-1 header has no 能源名称 or 工业生产消费量 column")
    start = pos + 1 + int(two)
    body = [(row_numbers[i], rows[i]) for i in range(start, len(rows))]
    body = [(n, r) for n, r in body if not _letters_row(r) and any(c is not None for c in r)]
    totals = [n for n, r in body if _text(r[roles["carrier"]] if roles["carrier"] < len(r) else None) in _TOTAL_ROWS]
    body = [(n, r) for n, r in body if n not in totals and roles["carrier"] < len(r) and r[roles["carrier"]] is not None]
    if totals:
        warnings.warn(IOWarning(Text("form205_totals_left_out", where=where, rows=totals)),
                      stacklevel=5)
    sheet_rows = np.array([n for n, _ in body], dtype=np.int64)

    def column(role: str) -> list[Any]:
        i = roles.get(role)
        return [r[i] if i is not None and i < len(r) else None for _, r in body]

    numbers: dict[str, np.ndarray] = {}
    first_fail = len(fails.parts)
    for role in ("opening_stock", "purchases", "consumption", "feedstock", "closing_stock",
                 "reference_factor", "used_factor"):
        if role in roles:
            value, why = parse_numbers(pd.Series(column(role), dtype=object))
            bad = why != ""
            if bad.any():
                head = (child[roles[role]] if child and child[roles[role]] else parent[roles[role]])
                _fail(fails, sheet_rows[bad], head, roles[role], np.asarray(column(role), dtype=object)[bad],
                          str(why[bad][0]))
            # a blank cell on the form means none (0); a cell that cannot be read stays NaN
            numbers[role] = np.where(np.isnan(value) & ~bad, 0.0, value)
    consumption = numbers["consumption"]
    feedstock = numbers.get("feedstock", np.zeros(len(body)))
    over = feedstock > consumption  # 用于原材料 is part of 工业生产消费量 (其中), never more (NaN: False)
    if over.any():
        i = roles["feedstock"]
        _fail(fails, sheet_rows[over], child[i] if child and child[i] else parent[i], i, feedstock[over],
                  "feedstock_exceeds_consumption")
    base = pd.DataFrame({
        "carrier": [str(c).strip() for c in column("carrier")],
        "code": [None if c is None else str(c).strip() for c in column("code")],
        "unit": [None if c is None else str(c).strip() for c in column("unit")],
        "source_row": sheet_rows,
    })
    for role in ("opening_stock", "purchases", "closing_stock", "reference_factor"):
        if role in numbers:
            base[role] = numbers[role]
    energy = base.assign(quantity=consumption - feedstock, use="energy")
    feed = base.assign(quantity=feedstock, use="feedstock")[(feedstock > 0) | np.isnan(feedstock)]
    out = pd.concat([energy, feed]).sort_values("source_row", kind="stable").reset_index(drop=True)
    if len(fails.parts) > first_fail:  # errors="report": the problem on the row it concerns
        problems: dict[int, list[str]] = {}
        for (r, _), t in _problems_by_row(fails, first_fail).items():
            problems.setdefault(r, []).extend(t)
        out["problem"] = [("; ".join(problems.get(int(r), []))) for r in out["source_row"]]
    ids = _title_values(rows, pos)
    for k, v in reversed(list(ids.items())):
        out.insert(0, k, v)
    first = [*ids, "carrier", "quantity", "unit", "use"]
    out = out[first + [c for c in out.columns if c not in first]]
    meta = {"layout": FORM_205_1, "header_row": row_numbers[pos], "header_rows": 1 + int(two),
            "columns": {(child[i] if child and i < len(child) and child[i] else parent[i]): role
                        for role, i in roles.items()},
            "skipped_rows": [(n, "能源合计") for n in totals], **ids}
    return out, meta
