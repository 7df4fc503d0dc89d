"""Numbers written as text in spreadsheets (``1,234.5``, full-width ``１２``, ``12万``, ``(30)``),
read by the one cell reader of :mod:`tanfeng.cells`; a blank cell is NaN here, not a problem."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..cells import QUANTITY_REASONS, REASONS, read_quantities


def _parse_one(value: Any) -> tuple[float, str]:
    """(value, '') or (nan, '') for a blank, or (nan, reason code)."""
    v, r = parse_numbers([value])
    return float(v[0]), str(r[0])


def parse_number(value: Any) -> float:
    """One number from a cell: ``"1,234.5"``, ``"１２"``, ``"12万"``, ``"(30)"``, ``12``.

    Blank cells and the usual "nothing" marks (``—``, ``/``, ``无``) give NaN; ``"(30)"`` is
    the accounting way of writing −30.

    Raises
    ------
    ValueError
        If the text is not a number; the message gives the reason (`tanfeng.cells.REASONS`).

    Examples
    --------
    >>> parse_number("12万"), parse_number("1,234.5"), parse_number("１２"), parse_number("(30)")
    (120000.0, 1234.5, 12.0, -30.0)
    """
    v, reason = _parse_one(value)
    if reason:
        raise ValueError(f"{value!r}: [{reason}] {REASONS[reason].message()}")
    return v


def parse_numbers(values: Iterable[Any], *, scaled_unit: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Numbers and reason codes ('' where fine, blanks included) for a column; each distinct
    value parsed once by `tanfeng.cells.read_quantities` (``scaled_unit``: the rows whose unit
    already carries 万 or 亿, where ``12万`` is ``quantity_scale_twice``).

    Examples
    --------
    >>> v, r = parse_numbers(["1,234.5", "12万", "abc", None])
    >>> v.tolist()[:2], r.tolist()
    ([1234.5, 120000.0], ['', '', 'quantity_not_numeric', ''])
    """
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    vals, reasons = read_quantities(s, negative_ok=True, scaled_unit=scaled_unit)
    codes = np.asarray(reasons.codes)
    table = np.array(["" if r == "quantity_missing" else r for r in QUANTITY_REASONS], dtype=object)
    return vals, table[codes]


__all__ = ["parse_number", "parse_numbers"]
