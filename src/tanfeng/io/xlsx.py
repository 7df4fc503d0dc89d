"""Report workbooks: :func:`write_report_xlsx` — formatted sheets, safe against formula injection."""

from __future__ import annotations

import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..cells import FORMULA_PREFIXES
from .base import EXCEL_MAX_ROWS, FileFormatError, _col_letter
from .headers import header_label

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_YEARLIKE = {"year", "month", "built_year", "source_row", "sheet_row", "scope", "rank"}
#: Columns holding factors (values of `FactorSet.table`, 参考折标系数 …).
_FACTOR_LIKE = {"value", "factor", "reference_factor"}
#: Ratios computed by tanfeng: four decimals at most (3.6852 tCO2/tce, 1.25 swap ratio).
_RATIO_LIKE = {"co2_per_tce", "retire_per_new"}


def write_report_xlsx(
    path: str | Path,
    sheets: Mapping[str, pd.DataFrame],
    *,
    units: Mapping[str, Any] | None = None,
    lang: str = "zh",
    notes: str | Sequence[str] | None = None,
    formats: Mapping[str, str] | None = None,
) -> Path:
    """Write DataFrames as formatted sheets of one workbook, safe to open in Excel.

    Each sheet: a bold header with each column's label and unit (``实缴税金（万元）`` for tanfeng's
    ``tax``; your own headers as they are), frozen and filtered; number formats (thousands
    separators, dates, years without separators, ``*share`` columns as percentages); column
    widths from the content (CJK characters count double). Any text beginning with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return is stored as a literal string with Excel's
    quote-prefix, so an enterprise named ``=HYPERLINK(...)`` can never run as a formula.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` to write; written to a temporary file first and then moved into place.
    sheets : dict of str -> DataFrame
        Sheet name -> table. Names are made valid for Excel (≤ 31 characters, no ``[]:*?/\\``).
        A named or non-integer index is written as leading columns; an unnamed integer index
        (row positions, e.g. of a filtered frame) is not.
    units : dict, optional
        Column -> unit for every sheet, or sheet -> {column -> unit}. Defaults: the frame's
        ``attrs["units"]``, then the unit of tanfeng's standard column (``headers.csv``).
    lang : {"zh", "en"}
        ``"zh"``: Chinese labels for tanfeng's column names, units in Chinese, booleans 是/否.
        ``"en"``: column names and units as they are.
    notes : str or list of str, optional
        Lines for a first sheet ``说明`` (``notes`` / ``Notes``); each frame's
        ``attrs["note"]`` is added there too (e.g. the sample's 合成数据，仅供演示).
    formats : dict, optional
        Column -> Excel number format, overriding the automatic choice.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from openpyxl import load_workbook
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.xlsx"
    >>> _ = write_report_xlsx(p, {"企业": pd.DataFrame({"enterprise": ['=HYPERLINK("http://x","y")'],
    ...                                               "tax": [12.5]})})
    >>> ws = load_workbook(p)["企业"]
    >>> [c.value for c in ws[1]], ws["A2"].data_type, ws["A2"].value
    (['企业名称', '实缴税金（万元）'], 's', '=HYPERLINK("http://x","y")')
    """
    from openpyxl import Workbook

    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    path = Path(path)
    wb = Workbook(write_only=True)
    used: set[str] = set()
    _write_notes_sheet(wb, sheets, notes, lang, used)
    for name, frame in sheets.items():
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"sheet {name!r}: expected a DataFrame, got {type(frame).__name__}")
        df = frame
        if df.index.name is None and df.index.nlevels == 1 and pd.api.types.is_integer_dtype(df.index.dtype):
            df = df.reset_index(drop=True)  # row positions (a filtered frame's labels) are no data
        elif not (isinstance(df.index, pd.RangeIndex) and df.index.name is None and df.index.start == 0
                  and df.index.step == 1):
            df = df.reset_index()
        if len(df) + 1 > EXCEL_MAX_ROWS:
            raise FileFormatError(f"sheet {name!r} has {len(df)} rows; Excel holds at most "
                                  f"{EXCEL_MAX_ROWS - 1} — summarise it or split it over several sheets")
        title = _sheet_title(name, used)
        ws = wb.create_sheet(title)
        col_units = _units_for(name, frame, units)
        columns = [str(c) for c in df.columns]
        heads = [header_label(c, col_units.get(c), lang=lang) for c in columns]
        values = [_cell_values(df.iloc[:, j], lang) for j in range(df.shape[1])]
        fmts = [(formats or {}).get(c) or _number_format(c, df.iloc[:, j]) for j, c in enumerate(columns)]
        for j, h in enumerate(heads):
            sample = values[j][:2000]
            w = max([_display_width(h) * 1.1, *(_display_width(v) for v in sample if v is not None)], default=8)
            if fmts[j] and fmts[j] not in ("0", "yyyy-mm-dd"):
                w += 2  # thousands separators
            ws.column_dimensions[_col_letter(j)].width = float(min(max(w + 2, 8), 60))
        ws.freeze_panes = "A2"
        # write-only sheets carry no <dimension>; readers (openpyxl read-only) then scan the whole
        # sheet to size it. The size is known: state it.
        ref = f"A1:{_col_letter(max(len(columns), 1) - 1)}{len(df) + 1}"
        ws.calculate_dimension = lambda ref=ref: ref
        if columns:
            ws.auto_filter.ref = f"A1:{_col_letter(len(columns) - 1)}{len(df) + 1}"
        _write_rows(ws, heads, values, fmts, len(df))
    if not used:
        wb.create_sheet("Sheet1")
    return _atomic_save(wb, path)


def _write_notes_sheet(wb: Any, sheets: Mapping[str, pd.DataFrame], notes: str | Sequence[str] | None,
                       lang: str, used: set[str]) -> None:
    """Add the first sheet ``说明`` / ``Notes``: the user's notes, then each frame's ``attrs["note"]``."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    lines = [notes] if isinstance(notes, str) else list(notes or [])
    for df in sheets.values():
        note = df.attrs.get("note") if isinstance(df.attrs, dict) else None
        if isinstance(note, str) and note not in lines:
            lines.append(note)
    if lines:
        ws = wb.create_sheet(_sheet_title("说明" if lang == "zh" else "Notes", used))
        ws.column_dimensions["A"].width = 100
        notes_ref = f"A1:A{max(len(lines), 1)}"
        ws.calculate_dimension = lambda ref=notes_ref: ref
        for line in lines:
            ws.append([_safe_text_cell(ws, str(line), WriteOnlyCell, ILLEGAL_CHARACTERS_RE)])


def _write_rows(ws: Any, heads: list[str], values: list[list[Any]], fmts: list[str | None],
                n_rows: int) -> None:
    """Append the styled header row and the data rows (number formats, quote-prefixed text)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    head_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    head_border = Border(bottom=Side(style="thin"))
    header_cells = []
    for h in heads:
        c = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", h))
        c.data_type = "s"
        c.font, c.fill, c.alignment, c.border = head_font, head_fill, head_align, head_border
        header_cells.append(c)
    ws.append(header_cells)
    protos: list[Any] = []
    for fmt in fmts:
        if fmt:
            proto = WriteOnlyCell(ws, value=0)
            proto.number_format = fmt
            protos.append(proto._style)
        else:
            protos.append(None)
    for i in range(n_rows):
        row: list[Any] = []
        for j in range(len(heads)):
            v = values[j][i]
            if isinstance(v, str):
                row.append(_safe_text_cell(ws, v, WriteOnlyCell, ILLEGAL_CHARACTERS_RE))
            elif v is not None and protos[j] is not None:
                c = WriteOnlyCell(ws, value=v)
                c._style = protos[j].__copy__()
                row.append(c)
            else:
                row.append(v)
        ws.append(row)


def _safe_text_cell(ws: Any, text: str, cell_cls: Any, illegal: re.Pattern[str]) -> Any:
    """Plain text, or a cell forced to a literal string when Excel would read it as a formula."""
    text = illegal.sub("", text)
    if not text.startswith(FORMULA_PREFIXES):
        return text
    c = cell_cls(ws, value=text)
    c.data_type = "s"          # never a formula, whatever the first character
    c.quotePrefix = True       # and Excel keeps it text when the cell is edited
    return c


def text_cell(ws: Any, text: str) -> Any:
    """A cell for a write-only sheet holding ``text`` as literal text, never a formula.

    The guard :func:`write_report_xlsx` uses, for other workbook writers (the 计算书): text
    starting with ``=``, ``+``, ``-``, ``@``, tab or CR is stored as a string with Excel's
    quote-prefix; characters Excel cannot store are removed.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> ws = Workbook(write_only=True).create_sheet("x")
    >>> c = text_cell(ws, "=1+1")
    >>> c.data_type, c.value
    ('s', '=1+1')
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return _safe_text_cell(ws, text, WriteOnlyCell, ILLEGAL_CHARACTERS_RE)


def save_workbook(wb: Any, path: str | Path) -> Path:
    """Save an openpyxl workbook through a temporary file (a clear error if the file is open)."""
    return _atomic_save(wb, Path(path))


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name for ``name`` (≤ 31 characters, no ``[]:*?/\\``)."""
    return _sheet_title(name, used)


def _umask_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give: 0o666 less the process umask (read from
    /proc where it can be, without the set-and-restore that other threads could observe)."""
    try:
        status = Path("/proc/self/status").read_text()
        mask = int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("Umask:")), 8)
    except (OSError, StopIteration, ValueError, IndexError):
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def _atomic_save(wb: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, _umask_mode())  # mkstemp makes 0600; the user's umask decides, as for open()
        try:
            os.replace(tmp, path)
        except PermissionError as exc:
            raise FileFormatError(f"cannot replace {path}: the file is in use (open in Excel/WPS?); "
                                  "close it and try again") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _sheet_title(name: str, used: set[str]) -> str:
    t = _SHEET_BAD.sub("_", str(name)).strip("'") or "Sheet"
    t = t[:31]
    base, k = t, 2
    while t.lower() in used:
        suffix = f"({k})"
        t = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(t.lower())
    return t


def _display_width(v: Any) -> int:
    s = str(v)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _number_format(name: str, s: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(s.dtype):
        return None
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "yyyy-mm-dd"
    if not pd.api.types.is_numeric_dtype(s.dtype):
        return None
    if name in _YEARLIKE or name.endswith("_year"):
        return "0"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "#,##0"
    words = name.split("_")
    if (words[0] == "share" or words[-1] == "share") and "score" not in words:
        return "0.0%"  # shares as %; a score (rd_share_score 5.29) stays a plain number
    if name in _FACTOR_LIKE or words[-1] in ("factor", "ncv", "coefficient"):
        return "0.0#####"  # factors keep their significant digits: 0.1229, 0.03412, 29.27, 2.0
    if name in _RATIO_LIKE:
        return "0.0###"
    v = s.to_numpy(dtype=float, na_value=np.nan)
    v = v[np.isfinite(v)]
    if len(v) and np.all(v == np.round(v)) and np.nanmax(np.abs(v)) < 1e15:
        return "#,##0"
    big = float(np.nanmax(np.abs(v))) if len(v) else 0.0
    return "#,##0.0" if big >= 10_000 else ("#,##0.00" if big >= 1 or big == 0 else "0.0000")


def _cell_values(s: pd.Series, lang: str) -> list[Any]:
    """Python values for openpyxl: None for missing, datetimes naive, bools as 是/否 in Chinese."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        ts = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        return [None if pd.isna(x) else x.to_pydatetime() for x in ts]
    if pd.api.types.is_bool_dtype(s.dtype) or (s.dtype == object and s.map(type).eq(bool).all() and len(s)):
        yes, no = ("是", "否") if lang == "zh" else (True, False)
        return [None if pd.isna(x) else (yes if x else no) for x in s.astype(object)]
    if pd.api.types.is_numeric_dtype(s.dtype):
        v = s.to_numpy(dtype=float, na_value=np.nan)
        ints = pd.api.types.is_integer_dtype(s.dtype)
        return [None if not math.isfinite(x) else (int(x) if ints else float(x)) for x in v]
    out: list[Any] = []
    for x in s.astype(object).tolist():
        if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT:
            out.append(None)
        elif isinstance(x, bool | np.bool_):
            out.append(("是" if x else "否") if lang == "zh" else bool(x))
        elif isinstance(x, int | np.integer):
            out.append(int(x))
        elif isinstance(x, float | np.floating):
            out.append(float(x) if math.isfinite(x) else None)
        elif isinstance(x, pd.Timestamp | datetime | date):
            out.append(pd.Timestamp(x).tz_localize(None).to_pydatetime() if getattr(x, "tzinfo", None)
                       else x)
        else:
            out.append(str(x))
    return out


def _units_for(sheet: str, df: pd.DataFrame, units: Mapping[str, Any] | None) -> dict[str, str]:
    got: dict[str, str] = {}
    if units:
        if any(isinstance(v, Mapping) for v in units.values()):
            got.update(units.get(sheet, {}) or {})
        else:
            got.update({k: v for k, v in units.items() if isinstance(v, str)})
    attrs_units = df.attrs.get("units", {}) if isinstance(df.attrs.get("units"), Mapping) else {}
    return {**attrs_units, **got}
