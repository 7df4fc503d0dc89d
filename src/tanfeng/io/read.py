"""The readers: :func:`read_table` (enterprise and project tables) and :func:`read_records`
(energy records, long or wide, into the long records :func:`tanfeng.account` takes)."""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..cells import Failures, Text, is_scaled_unit
from ..errors import InputError, UnknownCarrierError
from .base import (
    IOWarning,
    _cell_names,
    _fail,
    _file_failures,
    _problems_by_row,
    _warn_ignored,
    _warn_skipped,
)
from .files import _Body, _body, _classify, _Grid, _grids, _locate_header
from .form205 import FORM_205_1, is_205_1, records_205_1
from .headers import (
    HeaderSpec,
    _apply_mapping,
    _Col,
    _default_alias_index,
    _default_headers,
    _unit_ok,
)
from .numbers import _parse_one, parse_numbers

_YEAR = re.compile(r"^(\d{4})(?:年|年度)?$")
_MONTH = re.compile(r"^(\d{1,2})(?:月|月份)?$")
_PERIOD = re.compile(r"^(\d{4})\s*(?:年|[-/.])?\s*(\d{1,2})\s*(?:月|月份)?$")


def read_table(
    path: str | Path,
    *,
    sheet: str | int | Sequence[str | int] | None = None,
    mapping: Mapping[str, str | None] | None = None,
    errors: str = "raise",
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read an enterprise or project table (亩均 inputs, 两高 projects, actions) from .xlsx or .csv.

    Headers become tanfeng's column names (``实缴税金`` -> ``tax``, ``所属乡镇`` -> ``town``; see
    `load_headers`); a unit in a header is converted to the column's unit (``实缴税金(元)`` is
    divided by 10 000 to give 万元); numbers written as text are parsed; codes (统一社会信用代码,
    行业代码) stay text; years and dates are read. Unknown columns keep their header (numbers if
    every cell is a plain number). Total rows (合计), footnotes under the table and empty rows
    inside it are left out, and values under no header are not read: each is listed in
    ``attrs["tanfeng_io"]`` (``skipped_rows``, ``ignored_cells``) and in a warning.

    Parameters
    ----------
    path : str or Path
        ``.xlsx``/``.xlsm`` or ``.csv``/``.txt`` (UTF-8, UTF-8 BOM, UTF-16, GBK, GB18030).
    sheet : str, int, list or "*", optional
        Sheet name or number (default: the first); a list or ``"*"`` reads several into one
        table with a ``source_sheet`` column.
    mapping : dict, optional
        Rename headers first, ``{"企业名称(盖章)": "enterprise"}``; ``None`` as a value leaves the
        column out. ``{"enterprise": "企业名称(盖章)"}`` (as `account`'s ``columns=``) works too.
    errors : {"raise", "report"}
        ``"raise"``: one `InputError` listing every bad cell (file, sheet, Excel row, column,
        cell, value, reason). ``"report"``: bad cells become NaN and a ``problem`` column says why.
    encoding : str, optional
        Force a text encoding instead of detecting it.

    Returns
    -------
    DataFrame
        One row per data row of the file, in file order, indexed by the Excel row number
        (``source_row``). ``attrs["units"]`` gives the unit of each numeric column and
        ``attrs["tanfeng_io"]`` the file, sheet, encoding, header row, column mapping and any
        unit conversion or row left out.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "firms.csv"
    >>> _ = p.write_bytes("企业名称,实缴税金(元),用地面积(亩)\\n甲,1234500,10\\n".encode("gbk"))
    >>> t = read_table(p)
    >>> t[["enterprise", "tax", "land_area"]].values.tolist(), t.attrs["tanfeng_io"]["encoding"]
    ([['甲', 123.45, 10.0]], 'gbk')
    """
    specs = _default_headers()
    index = _default_alias_index()
    frames, metas, all_fails = [], [], []
    grids = _grids(path, sheet, encoding)
    for grid in grids:
        fails = _file_failures(grid.file, grid.sheet)
        pos, headers, taken = _locate_header(grid, specs, index, records=False)
        originals = list(headers)
        headers, dropped = _apply_mapping(headers, mapping, grid.file)
        cols = _classify(headers, originals, specs, index, records=False)
        body = _body(grid, pos + taken, headers)
        for c in cols:
            if c.problem and c.index not in dropped:
                reason, msg, sugg = c.problem
                _fail(fails, [grid.row_numbers[pos]], c.original, c.index, [c.original], reason, msg, sugg)
        out, units, converted = _convert_columns(body, cols, specs, fails, dropped)
        df = pd.DataFrame(out, index=body.frame.index)
        if len(grids) > 1:
            df["source_sheet"] = grid.sheet
        if errors == "report":
            df["problem"] = _problem_column(fails, body.rows).to_numpy()
        df.index = pd.Index(body.rows, name="source_row")
        _warn_skipped(body.skipped, fails.what, 3)
        _warn_ignored(body.ignored, fails.what, 3)
        frames.append(df)
        all_fails.append(fails)
        metas.append(_meta(grid, pos, taken, cols, "table", units, converted, body))
    merged = _file_failures(grids[0].file, grids[0].sheet if len(grids) == 1 else None)
    for f in all_fails:
        merged.extend(f)
    merged.raise_if_any(errors)
    df = frames[0] if len(frames) == 1 else pd.concat(frames)
    df.attrs = {"units": {k: v for m in metas for k, v in m.pop("units").items()},
                "tanfeng_io": metas[0] if len(metas) == 1 else {"file": metas[0]["file"], "sheets": metas}}
    return df


def read_records(
    path: str | Path,
    *,
    sheet: str | int | Sequence[str | int] | None = None,
    mapping: Mapping[str, str | None] | None = None,
    errors: str = "raise",
    encoding: str | None = None,
    layout: str | None = None,
) -> pd.DataFrame:
    """Read energy records from .xlsx, .xls or .csv into long records ready for `tanfeng.account`.

    Three layouts are understood:

    * **long** — columns 能源品种 / 消费量 / 计量单位 (``carrier``, ``quantity``, ``unit``), one row
      per carrier; kept as written, quantities parsed to numbers;
    * **wide** — one column per carrier with its unit in the header (``用电量(万千瓦时)``,
      ``天然气（万立方米）``, ``原煤/吨``, ``柴油 t``, or the unit in a second header row). Each
      filled cell becomes one record; ``carrier`` is the carrier's Chinese name (电力, 天然气 …),
      ``unit`` the header's unit, ``source_column`` the header. An empty cell means the carrier
      was not used and gives no record; a data row with no energy at all is listed in a warning
      and in ``attrs["tanfeng_io"]["empty_rows"]``.

    * **205-1** — the national statistical form 能源购进、消费与库存 as enterprises file it
      (detected, or ``layout="205-1"``): one row per energy product; 工业生产消费量 less
      其中：用于原材料 becomes a ``use="energy"`` record, 用于原材料 a ``use="feedstock"`` one
      (原料用能); 代码, 期初库存量, 购进量, 期末库存量 and 参考折标系数 are kept as columns, the
      unit's name and credit code from the title rows as ``enterprise`` / ``credit_code``.

    Merged cells holding text (headers, an enterprise name over several rows) are filled on every
    row they cover, with an `IOWarning` naming the ranges.

    Every other column (企业名称, 统一社会信用代码, 所属乡镇, 年份, 月份 …) is an id column, renamed to
    tanfeng's name when known (`load_headers`) and repeated on each record. A ``period`` column
    (统计期 ``2022-03`` / ``2022年3月`` / ``202203``) gives ``year`` and ``month`` when those are absent.

    Parameters
    ----------
    path, sheet, mapping, errors, encoding
        As in `read_table`.
    layout : {None, "205-1"}
        None (default) detects the layout; ``"205-1"`` insists on the statistical form. ``mapping`` can also name a carrier column:
        ``{"自备电厂": "电力(万千瓦时)"}``.

    Returns
    -------
    DataFrame
        Id columns, then ``carrier``, ``quantity`` (float), ``unit``, ``source_row`` (Excel row)
        and, for wide files, ``source_column``; a RangeIndex. ``attrs["tanfeng_io"]``: file, sheet,
        encoding, layout (``long``/``wide``), header row, column mapping, ``skipped_rows`` (each
        row left out with why: a total, a footnote, an empty row inside the table, a row whose
        only values are under no header) and ``ignored_cells`` (``{"cell": "H12", "value": …}``
        for every value in a column without a header, which is not read). Both are also said in
        one `IOWarning` each; nothing is left out silently.

    Raises
    ------
    InputError
        Listing every bad cell: numbers that cannot be read, carrier columns without a usable
        unit, unknown carriers or units (long layout), with file, sheet, Excel row and cell.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "energy.csv"
    >>> text = "企业名称,用电量(万千瓦时),天然气（立方米）\\n甲,\\"1,234.5\\",12万\\n"
    >>> _ = p.write_bytes(text.encode("gbk"))
    >>> r = read_records(p)
    >>> r[["enterprise", "carrier", "quantity", "unit"]].values.tolist()
    [['甲', '电力', 1234.5, '万千瓦时'], ['甲', '天然气', 120000.0, '立方米']]

    ``12万`` under a unit that already carries 万 (``天然气（万立方米）``) would be 12亿 m³: that cell
    is reported as ``quantity_scale_twice``, not multiplied.
    """
    specs = _default_headers()
    index = _default_alias_index()
    grids = _grids(path, sheet, encoding)
    frames, metas, all_fails = [], [], []
    if layout not in (None, FORM_205_1):
        raise ValueError(f"layout={layout!r}: use None (detect) or {FORM_205_1!r}")
    for grid in grids:
        fails = _file_failures(grid.file, grid.sheet)
        if layout == FORM_205_1 or (layout is None and is_205_1(grid.rows)):
            where = f"{Path(grid.file).name}{'/' + grid.sheet if grid.sheet else ''}"
            df, meta = records_205_1(grid.rows, grid.row_numbers, fails, where)
            meta = {"file": grid.file, "sheet": grid.sheet, **meta}
        else:
            df, meta = _records_of(grid, specs, index, mapping, fails, errors)
        if len(grids) > 1:
            df["source_sheet"] = grid.sheet
        frames.append(df)
        metas.append(meta)
        all_fails.append(fails)
    merged = _file_failures(grids[0].file, grids[0].sheet if len(grids) == 1 else None)
    for f in all_fails:
        merged.extend(f)
    merged.raise_if_any(errors)
    out = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    out.attrs = {"units": {}, "tanfeng_io": metas[0] if len(metas) == 1 else {"file": metas[0]["file"], "sheets": metas}}
    return out


def _records_of(grid: _Grid, specs: Mapping[str, HeaderSpec], index: Mapping[str, str],
                mapping: Mapping[str, str | None] | None, fails: Failures, errors: str
                ) -> tuple[pd.DataFrame, dict[str, Any]]:
    from ..carriers import default_vocabulary

    pos, headers, taken = _locate_header(grid, specs, index, records=True)
    originals = list(headers)
    headers, dropped = _apply_mapping(headers, mapping, grid.file)
    cols = [c for c in _classify(headers, originals, specs, index, records=True) if c.index not in dropped]
    body = _body(grid, pos + taken, headers)
    by_std = {c.standard: c for c in cols if c.standard}
    energy = [c for c in cols if c.carrier]
    long = "carrier" in by_std and "quantity" in by_std
    header_row = grid.row_numbers[pos]
    if not long and not energy:
        _fail(fails, [header_row], "<表头>", -1, [" | ".join(h for h in originals if h)], "no_energy_columns",
                  suggestion="长表用 能源品种/消费量/计量单位 三列；宽表每种能源一列，表头写单位，如 用电量(万千瓦时)")
        raise InputError(fails.frame(), fails.what)
    for c in cols:
        if c.problem and (c.carrier is None or not long):
            reason, msg, sugg = c.problem
            _fail(fails, [header_row], c.original, c.index, [c.original], reason, msg, sugg)
    id_cols = [c for c in cols if (long or not c.carrier) and c.standard not in ("carrier", "quantity", "unit")]
    ids, units, converted = _convert_columns(body, id_cols, specs, fails, set())
    _split_period(ids)
    n = len(body.frame)
    if long:
        qcol = by_std["quantity"]
        if "unit" in by_std:
            unit = _text_values(body.frame[by_std["unit"].index], code=False)
        elif qcol.unit:
            unit = pd.Series([qcol.unit] * n, dtype=object)
        else:
            _fail(fails, [header_row], "计量单位", -1, [None], "column_missing", "长表缺少 计量单位 列",
                      "加一列 计量单位，或在 消费量 表头写单位，如 消费量(吨)")
            unit = pd.Series([None] * n, dtype=object)
        raw = body.frame[qcol.index]
        qty, reasons = parse_numbers(raw, scaled_unit=_scaled_units(unit))
        reasons = np.where((reasons == "") & np.isnan(qty), "quantity_missing", reasons)
        for reason in np.unique(reasons[reasons != ""]):
            m = reasons == reason
            _fail(fails, body.rows[m], qcol.original, qcol.index, raw[m].tolist(), str(reason))
        carrier = _text_values(body.frame[by_std["carrier"].index], code=False)
        _check_long(carrier, unit, body.rows, by_std, fails)
        out = pd.DataFrame(ids, index=body.frame.index)
        out["carrier"], out["quantity"], out["unit"] = carrier.to_numpy(), qty, unit.to_numpy()
        out["source_row"] = body.rows
        if errors == "report":
            out["problem"] = _problem_column(fails, body.rows).to_numpy()
        out = out.reset_index(drop=True)
        empty: list[int] = []
    else:
        vocab = default_vocabulary()
        k = len(energy)
        vals = np.full((n, k), np.nan)
        bad = np.zeros((n, k), dtype=bool)
        for j, c in enumerate(energy):
            raw = body.frame[c.index]
            v, r = parse_numbers(raw, scaled_unit=np.full(n, is_scaled_unit(c.unit or "")))
            vals[:, j] = v
            bad[:, j] = r != ""
            for reason in np.unique(r[r != ""]):
                m = r == reason
                _fail(fails, body.rows[m], c.original, c.index, raw[m].tolist(), str(reason))
        filled = ~np.isnan(vals) | bad
        ri, cj = np.nonzero(filled)  # row-major: file order, then column order
        empty = body.rows[~filled.any(axis=1)].tolist() if n else []
        out = pd.DataFrame({name: s.iloc[ri].reset_index(drop=True) for name, s in ids.items()},
                           index=pd.RangeIndex(len(ri)))
        out["carrier"] = _pick([vocab.get(str(c.carrier)).name_zh for c in energy], cj)
        out["quantity"] = vals[ri, cj]
        out["unit"] = _pick([c.unit for c in energy], cj)
        out["source_row"] = body.rows[ri]
        out["source_column"] = _pick([c.original for c in energy], cj)
        if errors == "report":
            why = _problems_by_row(fails)
            heads = [c.original for c in energy]
            in_header = [f"{c.problem[0]}: {c.original!r}" if c.problem else "" for c in energy]
            out["problem"] = ["; ".join(why.get((int(body.rows[i]), heads[j]), [in_header[j]] if in_header[j] else []))
                              for i, j in zip(ri, cj)]
        if empty:
            warnings.warn(IOWarning(Text("rows_without_energy", what=fails.what, n=len(empty), rows=empty[:10],
                               more=" …" if len(empty) > 10 else "")),
                          stacklevel=4)
    _warn_skipped(body.skipped, fails.what, 4)
    _warn_ignored(body.ignored, fails.what, 4)
    meta = _meta(grid, pos, taken, cols, "long" if long else "wide", units, converted, body)
    meta["empty_rows"] = empty
    return out, meta


def _check_long(carrier: pd.Series, unit: pd.Series, rows: np.ndarray, by_std: Mapping[str, _Col],
                fails: Failures) -> None:
    """Carrier names and units of a long table, each distinct (carrier, unit) checked once."""
    from ..carriers import default_vocabulary
    from ..units import check_dimension, measure_hint, measure_name

    vocab = default_vocabulary()
    pairs = pd.DataFrame({"c": carrier.fillna("").to_numpy(), "u": unit.fillna("").to_numpy()})
    ccol, ucol = by_std["carrier"], by_std.get("unit")
    for (c, u), g in pairs.groupby(["c", "u"], sort=False):
        where = rows[g.index.to_numpy()]
        if not c:
            continue  # a blank carrier is reported by account() as carrier_missing
        try:
            cid = vocab.resolve(c)
        except UnknownCarrierError as exc:
            _fail(fails, where, ccol.original, ccol.index, [c] * len(where), "carrier_unknown",
                      f"{c!r} 不是 tanfeng 认识的能源品种",
                      ("最接近: " + ", ".join(exc.suggestions)) if exc.suggestions else "见 tanfeng.carriers.table()")
            continue
        if not u:
            continue
        meas = vocab.get(cid).measure
        uidx = ucol.index if ucol else -1
        uname = ucol.original if ucol else "计量单位"
        if not _unit_ok(u):
            _fail(fails, where, uname, uidx, [u] * len(where), "unit_unknown", f"{u!r} 不是可识别的单位",
                      f"用 {measure_hint(meas)}")
        elif not check_dimension(u, meas):
            _fail(fails, where, uname, uidx, [u] * len(where), "unit_dimension",
                      f"{vocab.get(cid).name_zh} 按{measure_name(meas)}计量，{u!r} 不是", f"用 {measure_hint(meas)}")


def _split_period(ids: dict[str, pd.Series]) -> None:
    """Add year and month from a ``period`` column (2022-03, 2022年3月, 202203) when absent."""
    if "period" not in ids or ("year" in ids and "month" in ids):
        return
    years, months = [], []
    for v in ids["period"].tolist():
        s = "" if v is None else unicodedata.normalize("NFKC", str(v)).strip()
        m = _PERIOD.match(s) or re.match(r"^(\d{4})(\d{2})$", s)
        ok = bool(m) and 1 <= int(m[2]) <= 12  # type: ignore[index]
        years.append(int(m[1]) if ok else pd.NA)  # type: ignore[index]
        months.append(int(m[2]) if ok else pd.NA)  # type: ignore[index]
    if "year" not in ids:
        ids["year"] = pd.Series(years, index=ids["period"].index, dtype="Int64")
    if "month" not in ids:
        ids["month"] = pd.Series(months, index=ids["period"].index, dtype="Int64")


def _pick(labels: list[str], idx: np.ndarray) -> list[str]:
    return [labels[j] for j in idx.tolist()]


def _meta(grid: _Grid, pos: int, taken: int, cols: list[_Col], fmt: str, units: Mapping[str, str],
          converted: Mapping[str, str], body: _Body) -> dict[str, Any]:
    return {
        "file": grid.file, "sheet": grid.sheet, "encoding": grid.encoding, "delimiter": grid.delimiter,
        "format": fmt, "header_row": grid.row_numbers[pos], "header_rows": taken,
        "columns": {c.original: (c.standard or (f"carrier:{c.carrier}" if c.carrier else c.header))
                    for c in cols if c.original},
        "units": dict(units), "converted": dict(converted),
        "skipped_rows": [{"row": r, "why": str(why)} for r, why in body.skipped],
        "ignored_cells": [{"cell": n, "value": v} for n, (_, _, v) in zip(_cell_names(body.ignored), body.ignored)],
    }


def _per_unique(col: pd.Series, fn: Callable[[Any], tuple[Any, str]], missing: Any
                ) -> tuple[list[Any], np.ndarray]:
    """``fn`` applied once per distinct cell value: (values, reason codes) in row order."""
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    results = [fn(u) for u in uniques]
    values = [r[0] for r in results] + [missing]
    reasons = np.array([r[1] for r in results] + [""], dtype=object)
    idx = np.where(codes < 0, len(uniques), codes)
    return [values[i] for i in idx.tolist()], reasons[idx]


def _text_one(v: Any, code: bool) -> tuple[Any, str]:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, datetime):
        return (v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat(sep=" ")), ""
    s = str(v).strip()
    if code:
        s = unicodedata.normalize("NFKC", s).replace(" ", "").upper()
    return (s or None), ""


def _text_values(col: pd.Series, code: bool) -> pd.Series:
    values, _ = _per_unique(col, lambda v: _text_one(v, code), None)
    return pd.Series(values, index=col.index, dtype=object)


def _int_one(v: Any, kind: str) -> tuple[Any, str]:
    bad = {"year": "year_invalid", "month": "month_invalid"}.get(kind, "quantity_not_numeric")
    if kind == "year" and isinstance(v, datetime | date):
        return v.year, ""
    x: float | None
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
        x = float(v)
    else:
        s = unicodedata.normalize("NFKC", str(v)).strip()
        m = (_YEAR if kind == "year" else _MONTH).match(s) if kind in ("year", "month") else None
        if m:
            x = float(m.group(1))
        elif kind == "year" and not pd.isna(d := pd.to_datetime(s, errors="coerce")):
            x = float(d.year)
        else:
            val, _ = _parse_one(s)
            x = None if math.isnan(val) else val
    if x is None or not math.isfinite(x) or not float(x).is_integer():
        return pd.NA, bad
    lo, hi = {"month": (1, 12), "year": (1900, 2100)}.get(kind, (-math.inf, math.inf))
    return (int(x), "") if lo <= x <= hi else (pd.NA, bad)


def _scaled_units(unit: pd.Series) -> np.ndarray:
    """The rows whose unit already carries 万 or 亿 (a ``12万`` there is 万 written twice)."""
    return np.fromiter((isinstance(u, str) and is_scaled_unit(u) for u in unit), dtype=bool, count=len(unit))


def _int_values(col: pd.Series, kind: str) -> tuple[pd.Series, np.ndarray]:
    """Whole numbers for year / month / integer columns; (values, reason codes)."""
    values, reasons = _per_unique(col, lambda v: _int_one(v, kind), pd.NA)
    return pd.Series(values, index=col.index, dtype="Int64"), reasons


def _date_one(v: Any) -> tuple[Any, str]:
    if isinstance(v, datetime | date):
        return pd.Timestamp(v), ""
    s = unicodedata.normalize("NFKC", str(v)).strip()
    s = re.sub(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日?)?", lambda m: f"{m[1]}-{m[2]}-{m[3] or 1}", s)
    d = pd.to_datetime(s, errors="coerce")
    if pd.isna(d) and re.fullmatch(r"\d{8}", s):
        d = pd.to_datetime(s, format="%Y%m%d", errors="coerce")
    return (pd.NaT, "date_invalid") if pd.isna(d) else (d, "")


def _date_values(col: pd.Series) -> tuple[pd.Series, np.ndarray]:
    values, reasons = _per_unique(col, _date_one, pd.NaT)
    return pd.Series(pd.to_datetime(values), index=col.index), reasons


def _looks_numeric(col: pd.Series) -> bool:
    """True if every filled cell is a plain number (no leading zeros that codes would have)."""
    vals = pd.unique(col.dropna().astype(object))
    if not len(vals):
        return False
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, str | int | float | np.number):
            return False
        if isinstance(v, str):
            s = unicodedata.normalize("NFKC", v).strip()
            value, reason = _parse_one(s)
            if re.match(r"^[+-]?0\d", s) or reason or math.isnan(value):
                return False
    return True


def _convert_columns(body: _Body, cols: list[_Col], specs: Mapping[str, HeaderSpec], fails: Failures,
                     skip: set[int]) -> tuple[dict[str, pd.Series], dict[str, str], dict[str, str]]:
    """Typed output columns for ``cols`` (except grid positions in ``skip``), units and conversions."""
    from ..units import unit_factor

    out: dict[str, pd.Series] = {}
    units: dict[str, str] = {}
    converted: dict[str, str] = {}
    for col in cols:
        if not col.header or col.index in skip:
            continue
        raw = body.frame[col.index]
        name = col.standard or col.header
        if name in out:  # two unknown columns with the same header
            name = f"{name}.{col.index}"
        spec = specs.get(col.standard) if col.standard else None
        dtype = spec.dtype if spec else ("number" if _looks_numeric(raw) else "text")
        if dtype == "number":
            vals, reasons = parse_numbers(raw)
            for reason in np.unique(reasons[reasons != ""]):
                m = reasons == reason
                _fail(fails, body.rows[m], col.original, col.index, raw[m].tolist(), str(reason))
            if spec is not None and spec.unit:
                if col.unit and col.problem is None:
                    f = unit_factor(col.unit, spec.unit)
                    if f != 1.0:
                        vals = vals * f
                        converted[name] = f"{col.unit} → {spec.unit} (×{f:g})"
                units[name] = spec.unit
            elif col.unit:
                units[name] = col.unit
            out[name] = pd.Series(vals, index=body.frame.index)
        elif dtype in ("integer", "year"):
            series, reasons = _int_values(raw, "year" if dtype == "year" else
                                          ("month" if col.standard == "month" else "integer"))
            m = reasons != ""
            if m.any():
                _fail(fails, body.rows[m], col.original, col.index, raw[m].tolist(), str(reasons[m][0]))
            out[name] = series
        elif dtype == "date":
            series, reasons = _date_values(raw)
            m = reasons != ""
            if m.any():
                _fail(fails, body.rows[m], col.original, col.index, raw[m].tolist(), "date_invalid",
                          suggestion="写成 2022-03-31 或 2022年3月31日")
            out[name] = series
        else:
            out[name] = _text_values(raw, code=dtype == "code")
    return out, units, converted


def _problem_column(fails: Failures, rows: np.ndarray) -> pd.Series:
    text: dict[int, list[str]] = {}
    for (r, _), t in _problems_by_row(fails).items():
        text.setdefault(r, []).extend(t)
    return pd.Series(["; ".join(text.get(int(r), [])) for r in rows], dtype=object)
