"""Reading the input tables (headers, numbers, years, failures) and formatting numbers in text.

Shared by :mod:`.two_high` and :mod:`.low_efficiency`. Strings are built with numpy's string
ufuncs (``np.strings``) over whole columns, never one Python call per row on the hot path.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..cells import (
    QUANTITY_REASONS,
    REASONS,
    Failures,
    Text,
    aliases,
    find_columns,
    read_quantities,
)
from ..errors import InputError, TanfengWarning
from .rules import YEAR_RANGE

__all__ = ["COLUMN_ALIASES"]

#: Standard input fields; their headers are those of ``factors/rules/headers.csv``.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = aliases(
    ["industry_code", "built_year", "energy_tce", "energy_tce_substitution", "energy_tce_calorific",
     "energy_increment_tce", "electricity_kwh", "electricity_10k_kwh", "co2_t", "tax", "land_area", "tax_per_mu"])


def _find_columns(df: pd.DataFrame, columns: Mapping[str, str] | None, fields: Sequence[str],
                  what: str = "input table") -> dict[str, str]:
    return find_columns(df, fields, columns, what=what)


def _missing_column(fields: Sequence[str], what: str) -> InputError:
    fails = Failures(0, what=what)
    for f in fields:
        fails.add_table(f, "column_missing", message=f"{REASONS['column_missing'].message()}: {f} "
                        f"{list(COLUMN_ALIASES.get(f, (f,))[1:4])}")
    return fails.error()


_YEAR_RE = re.compile(r"^(\d{4})(?:$|\s*年|[-/.]\d{1,2}|\.0+$)")


def read_build_years(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Build years (float, NaN = missing) from years, dates or text such as '2019年3月', with the
    masks of unreadable values and of years outside `YEAR_RANGE`."""
    n = len(col)
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        y = col.dt.year.to_numpy(dtype=float, na_value=np.nan)
        invalid = np.zeros(n, dtype=bool)
    elif pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        y = col.to_numpy(dtype=float, na_value=np.nan)
        invalid = ~np.isnan(y) & (y != np.round(y))
    else:
        codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
        uy = np.full(len(uniques) + 1, np.nan)
        ubad = np.zeros(len(uniques) + 1, dtype=bool)
        for i, u in enumerate(uniques):
            if hasattr(u, "year") and not isinstance(u, str):
                uy[i] = float(u.year)
            elif isinstance(u, int | float | np.number) and not isinstance(u, bool):
                uy[i], ubad[i] = (float(u), False) if float(u) == round(float(u)) else (np.nan, True)
            else:
                t = unicodedata.normalize("NFKC", str(u)).strip()
                m = _YEAR_RE.match(t)
                if m:
                    uy[i] = float(m.group(1))
                elif t:
                    ubad[i] = True
        idx = np.where(codes < 0, len(uniques), codes)
        y, invalid = uy[idx], ubad[idx]
    with np.errstate(invalid="ignore"):
        out = ~invalid & ~np.isnan(y) & ((y < YEAR_RANGE[0]) | (y > YEAR_RANGE[1]))
    return np.where(invalid | out, np.nan, y), invalid, out




def _read_numeric(df: pd.DataFrame, col: str | None, fails: Failures, *, negative_ok: bool = False) -> np.ndarray:
    """A number column read by the kernel's cell reader; bad cells reported, blanks stay NaN."""
    if col is None:
        return np.full(len(df), np.nan)
    vals, reasons = read_quantities(df[col], negative_ok=negative_ok)
    codes = reasons.codes
    for i, r in enumerate(QUANTITY_REASONS[2:], 2):  # blanks (quantity_missing) are decided later
        fails.add(codes == i, col, df[col], r)
    return vals


_UNIT_IN_HEADER = re.compile(r"[（(\[【]\s*([^）)\]】]+?)\s*[）)\]】]\s*$")


def _electricity_kwh(df: pd.DataFrame, columns: Mapping[str, str] | None, fails: Failures) -> np.ndarray:
    """kWh from a 用电量 column (headers.csv ``electricity``), in the unit its header names
    (``用电量(千瓦时)``) or else the column's default unit (万kWh)."""
    from ..units import unit_factor

    col = find_columns(df, ["electricity"], columns, strip_remark=True).get("electricity")
    if col is None:
        return np.full(len(df), np.nan)
    m = _UNIT_IN_HEADER.search(str(col))
    try:
        factor = unit_factor(m.group(1) if m else "万kWh", "kWh")
    except Exception:
        factor = unit_factor("万kWh", "kWh")
    return _read_numeric(df, col, fails) * factor


def _energy_from_records(records: pd.DataFrame, on: str | Sequence[str] | None, keys: pd.DataFrame,
                         *, year: int | None, region: str | None, co2: bool, errors: str) -> pd.DataFrame:
    """Per-row totals (tce at both bases, CO2) of ``records`` matched to ``keys`` rows."""
    from ..accounting import account

    if on is None:
        raise ValueError("records= needs on= (the id column(s) shared by the table and the records)")
    on_cols = [on] if isinstance(on, str) else list(on)
    for c in on_cols:
        if c not in records.columns or c not in keys.columns:
            raise KeyError(f"on={c!r} must be a column of both the table and the records")
    acc = account(records, basis="both", region=region, year=year, co2=co2, errors=errors)
    vals = ["tce_calorific", "tce_substitution", *(["co2_t"] if co2 else [])]
    keys_of = [acc[c] for c in on_cols]
    tot = acc[vals].groupby(keys_of, sort=False, dropna=False).sum(min_count=1)
    tot = tot.mask(acc[vals].isna().groupby(keys_of, sort=False, dropna=False).any())  # a bad record spoils its total
    key_index = pd.MultiIndex.from_frame(keys[on_cols]) if len(on_cols) > 1 else pd.Index(keys[on_cols[0]])
    unmatched = ~tot.index.isin(key_index)
    if unmatched.any():
        warnings.warn(TanfengWarning(Text("records_key_unmatched", n=int(unmatched.sum()), first=list(tot.index[unmatched][:5]))),
                      stacklevel=4)
    out = tot.reindex(key_index)
    out.index = keys.index
    out.attrs = acc.attrs
    return out


def _half_up(x: np.ndarray, decimals: int) -> np.ndarray:
    """Round half away from zero at ``decimals`` after trimming binary noise (999.95 -> 1000.0)."""
    scale = 10.0 ** decimals
    y = np.round(x * scale, 6)
    return np.sign(y) * np.floor(np.abs(y) + 0.5) / scale


_S = np.dtypes.StringDType()


def _cat(*parts: Any) -> np.ndarray:
    """Concatenate strings and string arrays element-wise (numpy string ufuncs, no Python loop)."""
    out = np.asarray(parts[0], dtype=_S)
    for p in parts[1:]:
        out = np.strings.add(out, np.asarray(p, dtype=_S))
    return out


def _sentence(code: str, **fields: Any) -> np.ndarray:
    """The message ``code`` of `REASONS` in the current language, filled in row by row: each field
    is a string or an array of strings (one per row), joined with numpy string ufuncs."""
    import string

    parts: list[Any] = []
    for literal, name, _spec, _conv in string.Formatter().parse(REASONS[code].message()):
        if literal:
            parts.append(literal)
        if name is not None:
            parts.append(fields[name])
    return _cat(*parts) if parts else np.asarray("", dtype=_S)


def _fmt(x: np.ndarray, decimals: int) -> np.ndarray:
    """'1 000.0' style numbers (a space between thousands), vectorised; '' for NaN."""
    x = np.asarray(x, dtype=float)
    nan = ~np.isfinite(x)
    scaled = np.rint(np.abs(np.where(nan, 0.0, x)) * 10.0 ** decimals).astype(np.int64)
    ip, fp = np.divmod(scaled, 10 ** decimals)
    rest = ip // 1000
    out = np.where(rest > 0, np.strings.zfill((ip % 1000).astype(_S), 3), (ip % 1000).astype(_S))
    while (rest > 0).any():
        higher = rest // 1000
        group = np.where(higher > 0, np.strings.zfill((rest % 1000).astype(_S), 3), (rest % 1000).astype(_S))
        out = np.where(rest > 0, _cat(group, " ", out), out)
        rest = higher
    if decimals:
        out = _cat(out, ".", np.strings.zfill(fp.astype(_S), decimals))
    out = np.where((x < 0) & (scaled > 0), _cat("-", out), out)
    return np.where(nan, "", out).astype(_S)


def _fmt_num(v: float) -> str:
    """A threshold as written: '1 000' for whole numbers, else '1 000.5'."""
    frac = np.format_float_positional(float(v)).split(".")[1]
    return str(_fmt(np.array([v], dtype=float), len(frac))[0])


def _gather(values: Mapping[float, str], keys: np.ndarray) -> np.ndarray:
    """Strings for a float array taking few distinct values (NaN -> '')."""
    if not len(keys):
        return np.array([], dtype=_S)
    filled = np.where(np.isnan(keys), -np.inf, keys)
    uniq, inv = np.unique(filled, return_inverse=True)
    table = np.array([values.get(float(u), "") for u in uniq], dtype=_S)
    return table[inv.reshape(-1)]


def _input_error_zh(reason: str, value: Any, suggestion: str, column: str = "数值") -> str:
    """The sentence of a row whose input is wrong (``screening_bad_<reason>`` of `REASONS`, in the
    current language); close industry codes are named."""
    code = f"screening_bad_{reason}"
    s = str(Text(code if code in REASONS else "screening_bad_input", v=value, c=column))
    if suggestion and reason.startswith("industry"):
        s += str(Text("screening_close_codes", codes=suggestion))
    return s


#: The former private name (used inside ``screening``).
_years = read_build_years
