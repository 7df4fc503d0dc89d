"""统一社会信用代码 (unified social credit code, GB 32100-2015): check digit, vectorised.

The code has 18 characters from the set ``0-9 A-H J-N P-R T-U W-Y`` (31 characters: no I, O,
S, V, Z). Characters 1–17 carry the content (登记管理部门, 机构类别, 行政区划, 组织机构代码);
the 18th is a check character (GB 32100-2015 §4.3 and 附录 A, the ISO 7064 MOD 31-3 style rule):

* each character has a value — its position in the character set (``"A"`` = 10, ``"Y"`` = 30);
* weights W_i = 3^(i-1) mod 31 for i = 1..17:
  ``1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28``;
* check value = 31 − (Σ value_i × W_i mod 31), with 31 written as ``"0"``.

Input is normalised before checking (full-width folded, spaces removed, upper case), so
``"９１３３…ｂ"`` typed in a spreadsheet is read as ``"9133…B"``.

Examples
--------
>>> check_character("91330100799655058")
'B'
>>> validate(["91330100799655058B", "91330100799655058C", "123"]).tolist()
['', 'credit_code_check_digit', 'credit_code_length']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .cells import REASONS as _REASONS
from .cells import Failures
from .errors import InputError

__all__ = [
    "CHARSET",
    "REASONS",
    "WEIGHTS",
    "add_failures",
    "check_character",
    "check_credit_codes",
    "expected_check_characters",
    "failures",
    "normalize",
    "validate",
]

#: The 31 characters of GB 32100-2015 表1, in value order (0 … 30).
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: W_i = 3^(i-1) mod 31 for positions 1–17 (GB 32100-2015 附录A).
WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
#: Length of a code (GB 32100-2015 §4.1).
LENGTH = 18

#: Reason codes of :func:`validate` ('' means valid): the kernel's registry
#: (`tanfeng.cells.REASONS`), each with its Chinese and English message and suggestion.
REASONS = _REASONS

_LUT = np.full(128, -1, dtype=np.int64)
for _value, _char in enumerate(CHARSET):
    _LUT[ord(_char)] = _value


def _normalize_text(x: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(x))).upper()


def _normalized(codes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Normalised codes as a numpy unicode array ('' for missing) and the missing mask.

    Fast path: only cells with non-ASCII characters, white space or lower case letters go
    through Python (NFKC, spaces removed, upper case).
    """
    missing = codes.isna().to_numpy()
    arr = codes.where(~missing, "").astype(str).to_numpy(dtype=str)
    width = arr.dtype.itemsize // 4
    if len(arr) and width:
        cps = arr.view(np.uint32).reshape(len(arr), width)
        fix = ((cps > 127) | ((cps >= 9) & (cps <= 32)) | ((cps >= 97) & (cps <= 122))).any(axis=1)
        if fix.any():
            arr = arr.astype(object)
            arr[fix] = [_normalize_text(x) for x in arr[fix]]
            arr = arr.astype(str)
    return arr, missing


def normalize(codes: pd.Series) -> pd.Series:
    """Full-width to half-width, spaces removed, upper case; missing stays missing.

    Examples
    --------
    >>> normalize(pd.Series(["９１３３ 0100799655058b", None])).tolist()
    ['91330100799655058B', None]
    """
    s = pd.Series(codes, copy=False)
    arr, missing = _normalized(s)
    out = arr.astype(object)
    out[missing] = None
    return pd.Series(out, index=s.index, dtype=object)


def _analyse(codes: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(normalised codes, reason code per row, expected check character per row or '')."""
    norm, missing = _normalized(codes)
    n = len(norm)
    width = norm.dtype.itemsize // 4
    all_cps = norm.view(np.uint32).reshape(n, width) if width else np.zeros((n, 0), dtype=np.uint32)
    lengths = (all_cps != 0).sum(axis=1)
    cps = np.zeros((n, LENGTH), dtype=np.int64)  # longer codes are cut here; their length is reported
    cps[:, :min(width, LENGTH)] = all_cps[:, :LENGTH]
    vals = np.where(cps < 128, _LUT[np.minimum(cps, 127)], -1)
    missing = missing | (lengths == 0)
    usable = (lengths >= LENGTH - 1) & (vals[:, :17] >= 0).all(axis=1)
    check = (31 - (np.maximum(vals[:, :17], 0) * WEIGHTS).sum(axis=1) % 31) % 31
    bad_length = ~missing & (lengths != LENGTH)
    bad_chars = ~missing & ~bad_length & (vals < 0).any(axis=1)
    bad_check = ~missing & ~bad_length & ~bad_chars & (vals[:, 17] != check)
    reasons = np.select([missing, bad_length, bad_chars, bad_check],
                        ["credit_code_missing", "credit_code_length", "credit_code_charset",
                         "credit_code_check_digit"], "").astype(object)
    expected = np.where(usable, np.array(list(CHARSET), dtype=object)[check], "")
    return norm, reasons, expected


def check_character(body: str) -> str:
    """The check character (18th) for the first 17 characters of a code.

    Examples
    --------
    >>> check_character("91330100799655058")
    'B'
    """
    text = _normalize_text(body)
    if len(text) != LENGTH - 1 or any(c not in CHARSET for c in text):
        raise ValueError(f"need the 17 leading characters from {CHARSET!r}, got {body!r}")
    total = sum(CHARSET.index(c) * int(w) for c, w in zip(text, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def validate(codes: Iterable[Any] | pd.Series) -> pd.Series:
    """Reason code per code: ``''`` when valid, else a key of `REASONS`.

    Vectorised: one numpy pass over an (n, 18) array of character values. The result keeps
    the index of ``codes`` when it is a Series.

    Examples
    --------
    >>> validate(pd.Series(["91330100799655058B", None, "91330100799655058O"])).tolist()
    ['', 'credit_code_missing', 'credit_code_charset']
    """
    series = codes if isinstance(codes, pd.Series) else pd.Series(list(codes), dtype=object)
    return pd.Series(_analyse(series)[1], index=series.index, dtype=object)


def expected_check_characters(codes: pd.Series) -> pd.Series:
    """The check character each code should end with ('' where the first 17 are unusable)."""
    return pd.Series(_analyse(codes)[2], index=codes.index, dtype=object)


def add_failures(fails: Failures, codes: pd.Series, column: str = "credit_code", *, duplicates: bool = True,
                 fatal: bool = True) -> None:
    """Add bad or repeated codes to a kernel failure collector whose rows are ``codes``' rows.

    Every row of a repeated code is named, its suggestion pointing at the first row with that code.
    """
    norm, reasons, expected = _analyse(codes)
    bad = reasons != ""
    sugg = np.array([REASONS[r].suggestion() + (f" {e!r}" if r == "credit_code_check_digit" else "") if r else ""
                     for r, e in zip(reasons, expected)], dtype=object)
    fails.add(bad, column, codes, reasons, suggestion=sugg, fatal=fatal)
    if duplicates:
        labels = codes.index.to_numpy()
        codes_, _ = pd.factorize(norm)
        counts = np.bincount(codes_, minlength=1)
        first = np.full(len(counts), len(norm))
        np.minimum.at(first, codes_, np.arange(len(norm)))
        dup = (counts[codes_] > 1) & (norm != "")
        hint = REASONS["credit_code_duplicate"].suggestion()
        sugg = np.array([f"{hint} {labels[first[c]]!r}" if d else "" for c, d in zip(codes_, dup)], dtype=object)
        fails.add(dup, column, codes, "credit_code_duplicate", suggestion=sugg, fatal=fatal)


def failures(codes: pd.Series, column: str = "credit_code", *, duplicates: bool = True) -> pd.DataFrame:
    """The kernel's failure table (`tanfeng.cells.Failures`) for bad or repeated codes.

    Every row of a repeated code is named, each pointing at the first row with that code.
    """
    fails = Failures(codes.index, what="统一社会信用代码")
    add_failures(fails, codes, column, duplicates=duplicates)
    return fails.frame()


def check_credit_codes(codes: pd.Series, *, duplicates: bool = True, column: str = "credit_code") -> None:
    """Raise one `InputError` naming every row whose code is invalid (or repeated).

    Examples
    --------
    >>> check_credit_codes(pd.Series(["91330100799655058B"]))  # valid: returns None
    >>> try:
    ...     check_credit_codes(pd.Series(["91330100799655058C"], index=["甲公司"]))
    ... except InputError as e:
    ...     e.failures[["row", "reason"]].values.tolist()
    [['甲公司', 'credit_code_check_digit']]
    """
    f = failures(codes, column, duplicates=duplicates)
    if len(f):
        raise InputError(f, "统一社会信用代码")

