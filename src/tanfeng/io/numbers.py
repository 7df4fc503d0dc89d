"""Numbers written as text in spreadsheets: ``1,234.5``, full-width ``１２``, ``12万``, ``(30)``."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from .base import BLANK_TOKENS, REASONS

_PLAIN = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_MULT = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}


def _parse_one(value: Any) -> tuple[float, str]:
    """(value, '') or (nan, '') for a blank, or (nan, reason code)."""
    if value is None:
        return math.nan, ""
    if isinstance(value, bool | np.bool_):
        return math.nan, "number_unparsable"
    if isinstance(value, int | np.integer):
        return float(value), ""
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return math.nan, ""
        return (v, "") if math.isfinite(v) else (math.nan, "number_not_finite")
    if isinstance(value, Decimal):
        return float(value), ""
    if isinstance(value, datetime | date | pd.Timestamp | np.datetime64):
        return math.nan, "number_is_date"
    if isinstance(value, str):
        try:  # the common case: a plain number (float() also takes full-width digits)
            v = float(value)
        except ValueError:
            pass
        else:
            if "_" not in value:
                if math.isnan(v):
                    return math.nan, ""
                return (v, "") if math.isfinite(v) else (math.nan, "number_not_finite")
    s = unicodedata.normalize("NFKC", str(value)).replace("\u2212", "-")
    s = re.sub(r"\s+", "", s)
    if s.lower() in BLANK_TOKENS:
        return math.nan, ""
    negative = len(s) > 2 and s[0] == "(" and s[-1] == ")"  # accounting style (1,234)
    if negative:
        s = s[1:-1]
    mult = Decimal(1)
    if s and s[-1] in _MULT:
        mult, s = _MULT[s[-1]], s[:-1]
    if "," in s:
        if not _GROUPED.match(s):
            return math.nan, "number_unparsable"
        s = s.replace(",", "")
    if _PLAIN.match(s):
        try:
            v = float(Decimal(s) * mult)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            return math.nan, "number_unparsable"
        return (-v if negative else v), ""
    if re.search(r"\d", s) and not re.fullmatch(r"[\d.,+\-eE]*", s):
        return math.nan, "number_with_unit"
    return math.nan, "number_unparsable"


def parse_number(value: Any) -> float:
    """One number from a cell: ``"1,234.5"``, ``"１２"``, ``"12万"``, ``"(30)"``, ``12``.

    Blank cells and the usual "nothing" marks (``—``, ``/``, ``无``) give NaN.

    Raises
    ------
    ValueError
        If the text is not a number; the message gives the reason.

    Examples
    --------
    >>> parse_number("12万"), parse_number("1,234.5"), parse_number("１２"), parse_number("(30)")
    (120000.0, 1234.5, 12.0, -30.0)
    """
    v, reason = _parse_one(value)
    if reason:
        raise ValueError(f"{value!r}: {REASONS[reason]}")
    return v


def parse_numbers(values: Iterable[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Numbers and reason codes ('' where fine) for a column; each distinct value parsed once.

    Examples
    --------
    >>> v, r = parse_numbers(["1,234.5", "12万", "abc", None])
    >>> v.tolist()[:2], r.tolist()
    ([1234.5, 120000.0], ['', '', 'number_unparsable', ''])
    """
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        v = s.to_numpy(dtype=float, na_value=np.nan)
        reasons = np.where(np.isinf(v), "number_not_finite", "").astype(object)
        return np.where(np.isinf(v), np.nan, v), reasons
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=True)
    parsed = [_parse_one(u) for u in uniques]
    uv = np.array([p[0] for p in parsed] + [np.nan], dtype=float)
    ur = np.array([p[1] for p in parsed] + [""], dtype=object)
    idx = np.where(codes < 0, len(uniques), codes)
    return uv[idx], ur[idx]
