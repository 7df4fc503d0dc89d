"""From a file to a grid of cells: encoding detection (UTF-8, BOM, UTF-16, GBK, GB18030), CSV and
Excel sheets, the header row (below any title, with an optional unit row) and the data rows."""

from __future__ import annotations

import csv
import io as _stdio
import math
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..cells import BLANK_TOKENS, Text
from .base import (
    HEADER_SEARCH_ROWS,
    NOTE_PREFIXES,
    TOTAL_WORDS,
    FileFormatError,
    IOWarning,
    _col_letter,
)
from .headers import HeaderSpec, _carrier_column, _Col, _header_text, _standard_column, _unit_ok
from .numbers import _parse_one

_EXCEL_EXT = {".xlsx", ".xlsm", ".xls"}
_TEXT_EXT = {".csv", ".txt", ".tsv"}


@dataclass
class _Grid:
    """The cells of one sheet (or CSV), with where they came from."""

    rows: list[list[Any]]
    row_numbers: list[int]          # Excel row (or CSV line) of each entry of rows
    file: str
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None


def _detect_encoding(raw: bytes) -> tuple[str, str]:
    """(codec used to decode, name reported). Tries BOMs, then UTF-8, then GBK, then GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "utf-16"
    for codec in ("utf-8", "gbk", "gb18030"):
        try:
            raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec, codec
    raise FileFormatError("the file is not UTF-8, UTF-16, GBK or GB18030 text; save it again as "
                          "CSV UTF-8 (Excel: 另存为 → CSV UTF-8)")


def _read_text_grid(path: Path, encoding: str | None) -> _Grid:
    raw = path.read_bytes()
    if encoding:
        codec, reported = encoding, encoding
    else:
        codec, reported = _detect_encoding(raw)
    try:
        text = raw.decode(codec)
    except (UnicodeDecodeError, LookupError) as exc:
        raise FileFormatError(f"{path.name}: cannot decode as {codec}: {exc}") from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    # the delimiter: the one found on most lines of the top of the file, then the most often
    sample = [ln for ln in text[:20_000].splitlines() if ln.strip()][:HEADER_SEARCH_ROWS]
    delim = max(("\t", ",", ";", "|"), key=lambda d: (sum(d in ln for ln in sample),
                                                       max((ln.count(d) for ln in sample), default=0)))
    if not any(delim in ln for ln in sample):
        delim = ","
    rows: list[list[Any]] = []
    numbers: list[int] = []
    reader = csv.reader(_stdio.StringIO(text, newline=""), delimiter=delim)
    prev = 0
    for rec in reader:
        rows.append([c if c.strip() else None for c in rec])
        numbers.append(prev + 1)
        prev = reader.line_num
    return _Grid(rows, numbers, str(path), None, reported, delim)


def _chosen_sheets(path: Path, names: list[str], sheet: Any) -> list[str]:
    """The sheets asked for: the first (or the first after a report's 说明 sheet), ``"*"`` for all,
    a name, a number or a list of them."""
    wanted: list[Any]
    if sheet is None:
        wanted = [names[1] if len(names) > 1 and names[0] in ("说明", "Notes") else names[0]]
    elif sheet == "*":
        wanted = names
    elif isinstance(sheet, str | int):
        wanted = [sheet]
    else:
        wanted = list(sheet)
    chosen: list[str] = []
    for s in wanted:
        if isinstance(s, int) and not isinstance(s, bool):
            if not -len(names) <= s < len(names):
                raise FileFormatError(f"{path.name}: no sheet number {s}; the workbook has {len(names)}: {names}")
            chosen.append(names[s])
        elif s in names:
            chosen.append(str(s))
        else:
            raise FileFormatError(f"{path.name}: no sheet {s!r}; sheets are {names}")
    return chosen


def _cell_name(row: int, col: int) -> str:
    """0-based (row, col) -> ``"B3"`` (column letters as openpyxl writes them)."""
    return f"{_col_letter(col)}{row + 1}"


def _fill_merged(rows: list[list[Any]], merged: Sequence[Any]) -> list[str]:
    """Fill merged ranges whose value is text (headers, enterprise names, towns) with that value,
    so every row carries it; numbers stay in their first cell only (never counted twice).
    Returns the ranges filled down over several rows (``"A3:A5"``); a range within one row (a
    title or a header over its sub-columns) is filled too but not listed: no data row changes."""
    filled = []
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        if not isinstance(value, str) or not value.strip():
            continue
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value
        if r1 > r0:
            filled.append(f"{_cell_name(r0, c0)}:{_cell_name(r1, c1)}")
    return filled


def _read_excel_grids(path: Path, sheet: Any) -> list[_Grid]:
    """.xlsx, .xlsm and the old .xls through calamine (python-calamine, also pandas' engine)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise FileFormatError(f"{path.name}: not a readable Excel workbook ({exc})") from exc
    grids = []
    for name in _chosen_sheets(path, list(wb.sheet_names), sheet):
        ws = wb.get_sheet_by_name(name)
        rows = [[None if (isinstance(c, str) and not c.strip()) else c for c in r]
                for r in ws.to_python(skip_empty_area=False)]
        filled = _fill_merged(rows, ws.merged_cell_ranges or [])
        if filled:
            warnings.warn(IOWarning(Text("merged_cells_filled", where=f"{path.name}/{name}", ranges=", ".join(filled[:8]),
                               more=" …" if len(filled) > 8 else "")), stacklevel=4)
        grids.append(_Grid(rows, list(range(1, len(rows) + 1)), str(path), name))
    return grids


def _grids(path: str | Path, sheet: Any, encoding: str | None) -> list[_Grid]:
    p = Path(path)
    if not p.exists():
        raise FileFormatError(f"no such file: {p}")
    ext = p.suffix.lower()
    if ext in _EXCEL_EXT:
        return _read_excel_grids(p, sheet)
    if ext in _TEXT_EXT:
        return [_read_text_grid(p, encoding)]
    raise FileFormatError(f"{p.name}: unsupported file type {ext!r}; use .xlsx, .xls or .csv")


def _row_score(row: Sequence[Any], specs: Mapping[str, HeaderSpec], index: Mapping[str, str],
               records: bool) -> int:
    score = 0
    for v in row:
        if not isinstance(v, str) or not v.strip():
            continue
        if _standard_column(v, specs, index)[0] is not None or (records and _carrier_column(v)[0] is not None):
            score += 1
    return score


def _locate_header(grid: _Grid, specs: Mapping[str, HeaderSpec], index: Mapping[str, str],
                   records: bool) -> tuple[int, list[str], int]:
    """(position of the header row, header texts, rows it takes: 1, or 2 with a unit row)."""
    best, best_score = -1, 0
    for pos, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        if all(c is None for c in row):
            continue
        if best < 0:
            best = pos
        sc = _row_score(row, specs, index, records)
        if sc > best_score:
            best, best_score = pos, sc
    if best < 0:
        raise FileFormatError(f"{Path(grid.file).name}{'/' + grid.sheet if grid.sheet else ''}: the sheet is empty")
    headers = [_header_text(v) for v in grid.rows[best]]
    taken = 1
    if best + 1 < len(grid.rows):
        nxt = grid.rows[best + 1]
        texts = [c for c in nxt if c is not None and not (isinstance(c, str) and c.strip().lower() in BLANK_TOKENS)]
        # a units row only if every value cell in it is a unit: a data row is never taken for one
        if texts and all(isinstance(c, str) and math.isnan(_parse_one(c)[0])
                         and _unit_ok(unicodedata.normalize("NFKC", c).strip().strip("()（） ")) for c in texts):
            # a second header row that holds the units: 用电量 / 万千瓦时
            for i, c in enumerate(nxt):
                if c is not None and i < len(headers) and headers[i]:
                    u = unicodedata.normalize("NFKC", str(c)).strip().strip("()（） ")
                    headers[i] = f"{headers[i]}({u})"
            taken = 2
    return best, headers, taken


def _classify(headers: list[str], originals: list[str], specs: Mapping[str, HeaderSpec],
              index: Mapping[str, str], records: bool) -> list[_Col]:
    cols: list[_Col] = []
    seen: set[str] = set()
    for i, h in enumerate(headers):
        col = _Col(i, h, originals[i])
        if not h:
            cols.append(col)
            continue
        std, unit, problem = _standard_column(h, specs, index)
        if records and std not in ("carrier", "quantity", "unit"):
            cid, cunit, cproblem = _carrier_column(h)
            if cid is not None:
                col.carrier, col.unit, col.problem = cid, cunit, cproblem
                cols.append(col)
                continue
        if std is not None and std not in seen:
            col.standard, col.unit, col.problem = std, unit, problem
            seen.add(std)
        elif std is not None:
            warnings.warn(IOWarning(Text("column_meaning_repeated", column=h, standard=std)), stacklevel=4)
        cols.append(col)
    return cols


@dataclass
class _Body:
    frame: pd.DataFrame            # object cells, one column per grid column
    rows: np.ndarray               # Excel row numbers
    skipped: list[tuple[int, Any]]  # (Excel row, why: a Text)
    ignored: list[tuple[int, int, Any]] = field(default_factory=list)  # (Excel row, column, value) under no header


#: Why a row is left out (``skipped_rows``): a row with no value at all inside the table, and a
#: row whose only values are under no header.
EMPTY_ROW, NO_HEADER_ROW = Text("empty_row"), Text("no_header_row")


def _body(grid: _Grid, start: int, headers: Sequence[str]) -> _Body:
    """The data rows under the header; totals, footnotes and empty rows inside the table are left
    out and listed (empty rows after the table's last filled row are not rows); values in cells
    under no header (right of the last header, or under a blank one) are listed in ``ignored``."""
    ncols = len(headers)
    data, rows, skipped, ignored = [], [], [], []
    last = max((pos for pos in range(start, len(grid.rows)) if any(c is not None for c in grid.rows[pos])), default=-1)
    for pos in range(start, last + 1):
        r = grid.rows[pos]
        cells = [*r[:ncols], *([None] * (ncols - len(r)))]
        stray = [(grid.row_numbers[pos], i, c) for i, c in enumerate(r)
                 if c is not None and (i >= ncols or not headers[i])]
        filled = [c for c in cells if c is not None]
        if not any(c is not None and h for c, h in zip(cells, headers)):
            skipped.append((grid.row_numbers[pos], NO_HEADER_ROW if stray else EMPTY_ROW))
            ignored.extend(stray)
            continue
        first = unicodedata.normalize("NFKC", str(filled[0])).replace(" ", "").replace("\u3000", "")
        if isinstance(filled[0], str) and first in TOTAL_WORDS:
            skipped.append((grid.row_numbers[pos], Text("total_row", first=first)))
            continue
        if len(filled) == 1 and isinstance(filled[0], str) and first.startswith(NOTE_PREFIXES):
            skipped.append((grid.row_numbers[pos], Text("note_row")))
            continue
        ignored.extend(stray)
        data.append(cells)
        rows.append(grid.row_numbers[pos])
    frame = pd.DataFrame(data, columns=range(ncols), dtype=object) if data else \
        pd.DataFrame({i: pd.Series(dtype=object) for i in range(ncols)})
    return _Body(frame, np.asarray(rows, dtype=np.int64), skipped, ignored)
