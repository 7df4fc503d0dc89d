"""Reading the input table: column names, quantities written as text, integer codes."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._resources import find_columns
from ..errors import (
    InputError,
)
from ._common import COLUMN_ALIASES, _failures

if TYPE_CHECKING:  # pragma: no cover
    pass


def _find_columns(df: pd.DataFrame, columns: Mapping[str, str] | None) -> dict[str, str]:
    """Map standard names (carrier, quantity, …) to the frame's own column names."""
    found = find_columns(df.columns, COLUMN_ALIASES, columns)
    missing = [c for c in ("carrier", "quantity", "unit") if c not in found]
    if missing:
        raise InputError(
            _failures([("<table>", m, None, "column_missing",
                        f"the table has no {m!r} column (or any of {list(COLUMN_ALIASES[m][1:])})",
                        f"rename a column or pass columns={{{m!r}: '<your header>'}}") for m in missing]),
            "records table",
        )
    return found


_BOOL_MARK = "\x00bool"


def _parse_number_text(s: str) -> tuple[float | None, str]:
    """'1,200' -> 1200; '１２００' -> 1200; '12万' -> 120000; '1.5亿' -> 1.5e8. Else (None, reason)."""
    if s == _BOOL_MARK:
        return None, "quantity_not_numeric"
    t = unicodedata.normalize("NFKC", s).strip().replace(",", "").replace(" ", "").replace("，", "")
    if not t:
        return None, "quantity_missing"
    mult = 1.0
    if t.endswith("万"):
        mult, t = 1e4, t[:-1]
    elif t.endswith("亿"):
        mult, t = 1e8, t[:-1]
    try:
        return float(t) * mult, ""
    except ValueError:
        pass
    if any(ch.isalpha() for ch in t) and any(ch.isdigit() for ch in t):
        return None, "quantity_with_unit"
    return None, "quantity_not_numeric"


#: Quantity problems as small integer codes (0 = fine) — cheaper than strings on large tables.
_QREASONS = ("", "quantity_missing", "quantity_negative", "quantity_infinite", "quantity_not_numeric",
             "quantity_with_unit")
_QCODE = {r: i for i, r in enumerate(_QREASONS)}


def _quantities(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Float values and a reason code per row (index into `_QREASONS`, 0 where fine)."""
    n = len(col)
    reasons = np.zeros(n, dtype=np.int8)
    if pd.api.types.is_bool_dtype(col.dtype):
        reasons[:] = _QCODE["quantity_not_numeric"]
        return np.full(n, np.nan), reasons
    if pd.api.types.is_numeric_dtype(col.dtype):
        vals = col.to_numpy(dtype=float, na_value=np.nan)
    else:
        if pd.api.types.infer_dtype(col, skipna=True) in ("boolean", "mixed", "mixed-integer"):
            # True hashes equal to 1: mark booleans so they are never read as numbers
            raw = col.to_numpy(dtype=object)
            isbool = np.fromiter((isinstance(v, bool | np.bool_) for v in raw), dtype=bool, count=n)
            col = pd.Series(np.where(isbool, _BOOL_MARK, raw), index=col.index, dtype=object)
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        uvals = np.full(len(uniques) + 1, np.nan)
        ureason = np.zeros(len(uniques) + 1, dtype=np.int8)
        for i, u in enumerate(uniques):
            if isinstance(u, int | float | np.number) and not isinstance(u, bool):
                uvals[i] = float(u)
            else:
                v, r = _parse_number_text(str(u))
                uvals[i], ureason[i] = (np.nan if v is None else v), _QCODE[r]
        codes = np.where(codes < 0, len(uniques), codes)
        vals, reasons = uvals[codes], ureason[codes]
    with np.errstate(invalid="ignore"):
        # one pass decides whether anything is wrong (NaN, inf and negatives all fail 0 <= v < inf)
        if not bool(np.all((vals >= 0) & (vals < np.inf))):
            ok = reasons == 0
            reasons[ok & np.isnan(vals)] = _QCODE["quantity_missing"]
            reasons[ok & np.isinf(vals)] = _QCODE["quantity_infinite"]
            reasons[ok & (vals < 0)] = _QCODE["quantity_negative"]
    return vals, reasons


def _codes(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1 = missing) and the distinct values, reusing a Categorical's codes."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), pd.Index(col.cat.categories)  # int8/int16: no copy
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques)
