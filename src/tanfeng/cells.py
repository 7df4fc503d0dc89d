"""The input kernel: how tanfeng reads what users type into cells, and how it reports what it
could not read.

Every entry point (``account``, ``to_tce``, ``screen_two_high``, the targets Tracker,
``per_mu.evaluate``, swap, ``read_records`` …) reads user cells through the same four things,
so that a cell means the same everywhere:

- `read_quantities` — one reader of number cells (``1,200``, ``１２００``, ``12万`` …);
- `find_columns` — one header lookup over ``factors/rules/headers.csv``;
- `REASONS` — each reason code once, with a Chinese and an English message and suggestion
  (``factors/rules/reasons.csv``);
- `Failures` — one collector that yields the one failure table `InputError` carries;
- `Text` — a message of `MESSAGES` (`REASONS` and the report texts of ``factors/rules/texts/``)
  with fields (every tanfeng warning), said in the language of `get_language` whenever it is
  shown; `say` renders one at once.

Accepted number cells: ``1200``, ``"1,200"``, ``"1 200"`` (groups of three), ``"１２００"``
(full width), ``"12万"``, ``"1.5亿"``, ``"3.5e4"``, ``"−5"``; ``"(30)"`` is the accounting way of
writing −30 and reads as −30 (so a quantity that may not be negative is then reported as
``quantity_negative``, never read as 30). Blank cells and the usual "nothing" marks (``—``,
``/``, ``无``) are ``quantity_missing``. Rejected with ``quantity_not_numeric``: ``"1,5"``,
``"1.200,50"``, ``"1,2,3"``, ``"1_000"``, ``True``, complex numbers; ``"12吨"`` is
``quantity_with_unit``; a date is ``quantity_is_date``. See docs/input-cells.md.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._resources import data_dir, normalize_name
from .errors import InputError, TanfengWarning

__all__ = [
    "BLANK_TOKENS",
    "FAILURE_COLUMNS",
    "FORMULA_PREFIXES",
    "MESSAGES",
    "QUANTITY_REASONS",
    "REASONS",
    "Failures",
    "Reason",
    "Text",
    "find_columns",
    "get_language",
    "header_scopes",
    "is_scaled_unit",
    "language",
    "read_quantities",
    "read_quantity",
    "say",
    "set_language",
]

# ---------------------------------------------------------------------------------------------
# language and reasons

_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("tanfeng_lang", default="zh")


def set_language(lang: str) -> None:
    """Language of the messages tanfeng writes into failure tables: ``"zh"`` (default) or ``"en"``."""
    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    _LANG.set(lang)


def get_language() -> str:
    """The language set by `set_language` (``"zh"`` unless changed)."""
    return _LANG.get()


@dataclass(frozen=True)
class Reason:
    """One reason code with its message and suggestion in Chinese and English."""

    code: str
    zh: str
    en: str
    suggestion_zh: str = ""
    suggestion_en: str = ""

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: `get_language`)."""
        return self.en if (lang or get_language()) == "en" else self.zh

    def suggestion(self, lang: str | None = None) -> str:
        """The suggestion in ``lang`` (default: `get_language`)."""
        return self.suggestion_en if (lang or get_language()) == "en" else self.suggestion_zh

    def __str__(self) -> str:
        return self.message()


class _Messages(Mapping[str, Reason]):
    """Code -> `Reason`, read on first use from CSV files under ``factors/rules`` (columns
    ``code, zh, en`` and optionally ``suggestion_zh, suggestion_en``). A code written twice, in
    one file or two, is an error: one code, one meaning."""

    def __init__(self, *patterns: str, name: str) -> None:
        self._patterns = patterns
        self._name = name

    def files(self) -> list[Path]:
        """The files read, in order (a glob pattern gives its files sorted by name)."""
        root = data_dir() / "rules"
        return [f for p in self._patterns for f in sorted(root.glob(p))]

    @functools.cached_property
    def _table(self) -> dict[str, Reason]:
        table: dict[str, Reason] = {}
        for path in self.files():
            with open(path, encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    if row["code"] in table:
                        raise ValueError(f"message code {row['code']!r} is written twice (second time in {path.name})")
                    table[row["code"]] = Reason(**row)
        return table

    def __getitem__(self, code: str) -> Reason:
        return self._table[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return f"<tanfeng {self._name}: {len(self)} codes>"


#: Every reason code tanfeng reports, each once (``REASONS["quantity_not_numeric"].message("en")``):
#: the failures of bad input and the warnings (``factors/rules/reasons.csv``).
REASONS: Mapping[str, Reason] = _Messages("reasons.csv", name="REASONS")

#: Every text tanfeng says: `REASONS` and the labels, headings and sentences of its reports and
#: summaries (``factors/rules/texts/*.csv``, one file a module). `Text` and `say` read it.
MESSAGES: Mapping[str, Reason] = _Messages("reasons.csv", "texts/*.csv", name="MESSAGES")


def _text_of(code: str, which: str) -> str:
    r = REASONS.get(code)
    if r is None:
        return code if which == "message" else ""
    return r.message() if which == "message" else r.suggestion()


# ---------------------------------------------------------------------------------------------
# the cell reader

#: Cell texts that mean "nothing here" in Chinese statistical tables.
BLANK_TOKENS = frozenset({"", "-", "--", "—", "——", "–", "/", "无", "空", "nan", "none", "null",
                          "n/a", "na", "#n/a", "/0"})
#: Characters that make a spreadsheet treat a typed cell as a formula (OWASP "CSV injection"):
#: text starting with one is written as text (xlsx) or behind a ``'`` (CSV).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Reason codes `read_quantities` gives ('' = read fine), in the order of their integer codes.
QUANTITY_REASONS = ("", "quantity_missing", "quantity_not_numeric", "quantity_with_unit", "quantity_is_date",
                    "quantity_negative", "quantity_infinite", "quantity_overflow", "quantity_scale_twice")
_QCODE = {r: i for i, r in enumerate(QUANTITY_REASONS)}
#: Longest text read as a number (longer texts are ``quantity_not_numeric`` without parsing).
MAX_CELL_CHARS = 64

_PLAIN = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:(?P<sep>[, ])[0-9]{3})(?:(?P=sep)[0-9]{3})*(?:\.[0-9]*)?", re.ASCII)
#: A number followed by words or a unit ("12吨", "12 t"): the rest starts with a letter.
_WITH_UNIT = re.compile(r"[+-]?[0-9][0-9., ]*(?:[eE][+-]?[0-9]+)?\s*(?P<rest>[^\W\d_].*)")
_MULT = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_BOOL_MARK = "\x00bool"


def _parse_text(text: str) -> tuple[float, int]:
    """(value, code) of one text cell; code indexes `QUANTITY_REASONS`."""
    if len(text) > MAX_CELL_CHARS:
        return math.nan, _QCODE["quantity_not_numeric"]
    t = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    if t.lower() in BLANK_TOKENS:
        return math.nan, _QCODE["quantity_missing"]
    negative = len(t) > 2 and t[0] == "(" and t[-1] == ")"  # accounting style (30) = -30
    if negative:
        t = t[1:-1].strip()
    mult = Decimal(1)
    if t and t[-1] in _MULT:
        mult, t = _MULT[t[-1]], t[:-1].rstrip()
    if ("," in t or " " in t) and _GROUPED.fullmatch(t):
        t = t.replace(",", "").replace(" ", "")
    if not _PLAIN.fullmatch(t) or (negative and t[0] in "+-"):
        m = _WITH_UNIT.fullmatch(t)
        if m and m["rest"].strip("万亿"):
            return math.nan, _QCODE["quantity_with_unit"]
        return math.nan, _QCODE["quantity_not_numeric"]
    try:
        v = float(Decimal(t) * mult)
    except (InvalidOperation, OverflowError):  # pragma: no cover - the pattern admits only decimals
        return math.nan, _QCODE["quantity_not_numeric"]
    if not math.isfinite(v):
        return math.nan, _QCODE["quantity_overflow"]
    return (-v if negative else v), 0


def _parse_cell(value: Any) -> tuple[float, int]:
    """(value, code) of one cell of any type."""
    if value is None or value is pd.NA or value is pd.NaT:
        return math.nan, _QCODE["quantity_missing"]
    if isinstance(value, str):
        return _parse_text(value)
    if isinstance(value, bool | np.bool_ | complex | np.complexfloating):
        return math.nan, _QCODE["quantity_not_numeric"]
    if isinstance(value, datetime | date | np.datetime64):
        return math.nan, _QCODE["quantity_is_date"]
    if isinstance(value, int | float | Decimal | np.number):
        try:
            v = float(value)
        except OverflowError:
            return math.nan, _QCODE["quantity_overflow"]
        if math.isnan(v):
            return math.nan, _QCODE["quantity_missing"]
        return (v, 0) if math.isfinite(v) else (math.nan, _QCODE["quantity_infinite"])
    return math.nan, _QCODE["quantity_not_numeric"]


def _distinct_codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Values and int8 codes of a non-numeric column, each distinct cell parsed once, and the rows
    whose text carries 万 or 亿 (None when no cell does)."""
    n = len(col)
    if pd.api.types.infer_dtype(col, skipna=True) in ("boolean", "mixed", "mixed-integer"):
        # True hashes equal to 1: mark booleans so they are never read as numbers
        raw = col.to_numpy(dtype=object)
        isbool = np.fromiter((isinstance(v, bool | np.bool_) for v in raw), dtype=bool, count=n)
        if isbool.any():
            col = pd.Series(np.where(isbool, _BOOL_MARK, raw), index=col.index, dtype=object)
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    uvals = np.full(len(uniques) + 1, np.nan)
    ureason = np.zeros(len(uniques) + 1, dtype=np.int8)
    ureason[-1] = _QCODE["quantity_missing"]
    uworded = np.zeros(len(uniques) + 1, dtype=bool)
    for i, u in enumerate(uniques):
        uvals[i], ureason[i] = (math.nan, _QCODE["quantity_not_numeric"]) if u == _BOOL_MARK else _parse_cell(u)
        uworded[i] = ureason[i] == 0 and isinstance(u, str) and _has_scale_word(u)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniques), codes)
    return uvals[codes], ureason[codes], (uworded[codes] if uworded.any() else None)


def is_scaled_unit(unit: str) -> bool:
    """Whether a unit already carries 万 or 亿 (``万m³``, ``万千瓦时``, ``亿kWh``).

    Examples
    --------
    >>> is_scaled_unit("万m³"), is_scaled_unit(" 亿kWh"), is_scaled_unit("m³")
    (True, True, False)
    """
    return unicodedata.normalize("NFKC", unit).strip()[:1] in _MULT


def _has_scale_word(text: str) -> bool:
    """Whether a number cell's text ends in 万 or 亿 (``12万``, ``(3万)``)."""
    t = unicodedata.normalize("NFKC", text).strip().rstrip(")").rstrip()
    return bool(t) and t[-1] in _MULT


def read_quantities(values: pd.Series | Sequence[Any] | np.ndarray, *, negative_ok: bool = False,
                    scaled_unit: np.ndarray | None = None) -> tuple[np.ndarray, pd.Categorical]:
    """Read a column of number cells: float values and a reason code per row.

    Numeric columns take a fast path; text columns parse each distinct cell once.

    Parameters
    ----------
    values : Series or sequence
        The cells, as read from a table.
    negative_ok : bool
        Keep negative numbers (tax refunds); by default they are ``quantity_negative``.
    scaled_unit : ndarray of bool, optional
        The rows whose unit already carries 万 or 亿 (``万m³``, ``万千瓦时``). A cell there that
        also ends in 万/亿 (``12万``) is ``quantity_scale_twice``: read literally it is 10⁴ times
        what was almost surely meant (12万 万m³ = 12亿 m³), so it is reported, not guessed.

    Returns
    -------
    values : ndarray of float
        NaN wherever the reason is not ``''``; never ``inf``.
    reasons : Categorical
        ``''`` where the cell was read, else a code of `QUANTITY_REASONS` (``.codes`` gives the
        small integer codes).

    Examples
    --------
    >>> v, r = read_quantities(["1,200", "１２００", "12万", "1,5", "(30)", None, "12吨"])
    >>> v.tolist()[:3]
    [1200.0, 1200.0, 120000.0]
    >>> list(r)
    ['', '', '', 'quantity_not_numeric', 'quantity_negative', 'quantity_missing', 'quantity_with_unit']
    >>> list(read_quantities(["12万", "12"], scaled_unit=np.array([True, True]))[1])
    ['quantity_scale_twice', '']
    """
    col = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    n = len(col)
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        vals, reasons = np.full(n, np.nan), np.full(n, _QCODE["quantity_not_numeric"], dtype=np.int8)
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        vals, reasons = np.full(n, np.nan), np.full(n, _QCODE["quantity_is_date"], dtype=np.int8)
    elif pd.api.types.is_numeric_dtype(dtype):
        vals, reasons = col.to_numpy(dtype=float, na_value=np.nan), np.zeros(n, dtype=np.int8)
    else:
        vals, reasons, worded = _distinct_codes(col)
        if worded is not None and scaled_unit is not None and (twice := worded & scaled_unit).any():
            reasons[twice] = _QCODE["quantity_scale_twice"]
            vals = np.where(twice, np.nan, vals)
    with np.errstate(invalid="ignore"):
        # two reductions decide whether anything is wrong: NaN carries through min and max, and
        # NaN, inf and negatives all fail min >= 0 (> -inf when negatives are kept), max < inf
        lo, hi = (vals.min(), vals.max()) if n else (0.0, 0.0)
        if not (bool(lo >= 0 if not negative_ok else lo > -np.inf) and bool(hi < np.inf)):
            ok = reasons == 0
            reasons[ok & np.isnan(vals)] = _QCODE["quantity_missing"]
            reasons[ok & np.isinf(vals)] = _QCODE["quantity_infinite"]
            if not negative_ok:
                reasons[ok & (vals < 0)] = _QCODE["quantity_negative"]
            vals = np.where(reasons == 0, vals, np.nan)
    return vals, pd.Categorical.from_codes(reasons, categories=list(QUANTITY_REASONS), validate=False)


def read_quantity(value: Any, *, negative_ok: bool = False, column: str = "quantity",
                  scaled_unit: bool = False) -> float:
    """Read one number cell, or raise `InputError` with its reason code (``scaled_unit``: the
    unit already carries 万 or 亿, as in `read_quantities`).

    Examples
    --------
    >>> read_quantity("1.5亿"), read_quantity("3.5e4")
    (150000000.0, 35000.0)
    >>> try:
    ...     read_quantity("1,5")
    ... except InputError as e:
    ...     print(e.failures["reason"].tolist())
    ['quantity_not_numeric']
    """
    v, code = _parse_cell(value)
    if code == 0 and scaled_unit and isinstance(value, str) and _has_scale_word(value):
        code = _QCODE["quantity_scale_twice"]
    if code == 0 and v < 0 and not negative_ok:
        code = _QCODE["quantity_negative"]
    if code:
        fails = Failures(1, what="arguments")
        fails.add(np.ones(1, dtype=bool), column, [value], QUANTITY_REASONS[code])
        raise fails.error()
    return v


# ---------------------------------------------------------------------------------------------
# headers


@functools.cache
def _header_aliases() -> dict[str, dict[str, tuple[str, ...]]]:
    """scope -> standard name -> headers (scope ``""``: every table)."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    with open(data_dir() / "rules" / "headers.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            std, scope = r["standard"].strip(), (r.get("scope") or "").strip()
            names = tuple(a.strip() for a in r["aliases"].split("|") if a.strip())
            table = out.setdefault(scope, {})
            table[std] = (*table.get(std, (std,)), *names)
    return out


def header_scopes() -> list[str]:
    """The scopes of ``headers.csv``: tables whose own header words apply only to them
    (``"actions"``: a targets actions or candidates table; ``"per_mu"``: a 亩均 enterprise table;
    ``"swap_sources"``: swap sources)."""
    return sorted(s for s in _header_aliases() if s)


def aliases(wanted: Iterable[str] | Mapping[str, Iterable[str]], *, scope: str | None = None
            ) -> dict[str, tuple[str, ...]]:
    """The headers ``headers.csv`` understands for each standard name (the name itself first).

    ``scope`` adds the rows of ``headers.csv`` for one kind of table (`header_scopes`): a
    targets actions table understands a bare ``名称`` or ``类型``, which `tanfeng.io.read_table`
    leaves alone. ``wanted`` may map a name to more headers that a policy's own vocabulary adds
    (a plan's indicator labels); they come last.

    Examples
    --------
    >>> aliases(["unit"])["unit"]
    ('unit', '计量单位', '单位', '实物单位')
    >>> aliases({"unit": ["产能单位"]})["unit"][-1]
    '产能单位'
    >>> aliases(["enterprise"], scope="actions")["enterprise"][-1]
    '名称'
    """
    table = _header_aliases()
    if scope is not None and scope not in table:
        raise ValueError(f"scope={scope!r}: headers.csv has the scopes {header_scopes()}")
    scoped = table.get(scope or "", {}) if scope else {}
    extra = wanted if isinstance(wanted, Mapping) else {}
    return {w: tuple(dict.fromkeys([*table[""].get(w, (w,)), *scoped.get(w, ()), *extra.get(w, ())]))
            for w in wanted}


_TRAILING_REMARK = re.compile(r"[（(\[【][^）)\]】]*[）)\]】]\s*$")


def find_columns(df: pd.DataFrame | Iterable[Any], wanted: Iterable[str] | Mapping[str, Iterable[str]],
                 columns: Mapping[str, str] | None = None,
                 *, required: Sequence[str] = (), reserved: Iterable[str] = (), strip_remark: bool = False,
                 what: str = "input table", scope: str | None = None) -> dict[str, Any]:
    """Map standard names to a table's own headers, through ``factors/rules/headers.csv``
    (with ``scope``, plus the rows for one kind of table; plus the headers a policy adds, when
    ``wanted`` is a mapping: see `aliases`).

    Matching folds width, case, spaces and brackets; with ``strip_remark`` a trailing bracketed
    remark is ignored (``用电量（万千瓦时）`` matches ``用电量``). ``columns`` (standard name ->
    your header) wins and must name a real column.

    Raises
    ------
    InputError
        ``column_missing`` for a ``required`` name not found; ``column_duplicate`` when two
        headers mean one standard name (``quantity`` and ``消费量``), naming both;
        ``column_reserved`` when an input header is one of the ``reserved`` output names.

    Examples
    --------
    >>> find_columns(pd.DataFrame(columns=["能源品种", "消费量", "单位"]), ["carrier", "quantity", "unit"])
    {'carrier': '能源品种', 'quantity': '消费量', 'unit': '单位'}
    """
    headers = list(df.columns if isinstance(df, pd.DataFrame) else df)
    table = aliases(wanted, scope=scope)
    fails = Failures(0, what=what)
    keys: dict[str, list[Any]] = {}
    for h in headers:
        folded = {normalize_name(str(h))}
        if strip_remark:
            folded.add(normalize_name(_TRAILING_REMARK.sub("", str(h))))
        for k in folded:
            keys.setdefault(k, []).append(h)
    found: dict[str, Any] = {}
    for std, names in table.items():
        if columns and std in columns:
            if columns[std] not in headers:
                raise KeyError(f"columns={{{std!r}: {columns[std]!r}}}: no such column in the table")
            found[std] = columns[std]
            continue
        hits = list(dict.fromkeys(h for k in map(normalize_name, names) for h in keys.get(k, ())))
        if len(hits) > 1:
            fails.add_table(std, "column_duplicate", value=hits,
                            message=f"{_text_of('column_duplicate', 'message')}: {std} <- {hits}")
        elif hits:
            found[std] = hits[0]
    for std in required:
        if std not in found:
            fails.add_table(std, "column_missing",
                            message=f"{_text_of('column_missing', 'message')}: {std} {list(table.get(std, (std,))[1:5])}",
                            suggestion=f"columns={{{std!r}: '<header>'}}")
    for name in reserved:
        if name in headers and name not in found.values():
            fails.add_table(name, "column_reserved")
    if len(fails):
        raise fails.error()
    return found


# ---------------------------------------------------------------------------------------------
# failures

#: Columns of the failure table (`InputError.failures`).
FAILURE_COLUMNS = ["row", "sheet_row", "column", "value", "reason", "message", "suggestion"]


class Failures:
    """One collector of problems, one row per (row, column, reason): the table `InputError` carries.

    Every module that reads user input collects its problems here, so `InputError.failures`
    has one shape everywhere: ``row`` (the row label), ``sheet_row`` (1-based spreadsheet row
    where the rows came from a file), ``column`` (the header as the user wrote it), ``value``,
    ``reason`` (a code of `REASONS`), ``message`` and ``suggestion`` (in the user's language
    unless given). Rows are kept by position, so duplicate index labels never share another
    row's problem.

    Parameters
    ----------
    index : Index or int
        The input rows (their labels are the ``row`` column), or a row count.
    sheet_rows : array of int, optional
        1-based spreadsheet row of each input row, when the rows came from a file.
    what : str
        What the table is, for the error message (``"records table"``).
    extra : mapping, optional
        More columns after the standard ones, with their default value (`tanfeng.io` adds
        ``{"file": …, "sheet": …, "cell": ""}``); ``add(..., extra={"cell": [...]})`` sets them
        per problem.

    Examples
    --------
    >>> f = Failures(pd.Index(["a", "b"]), what="records table")
    >>> f.add(np.array([False, True]), "消费量", ["1", "1,5"], "quantity_not_numeric")
    >>> f.frame()[["row", "column", "value", "reason"]].values.tolist()
    [['b', '消费量', '1,5', 'quantity_not_numeric']]
    >>> g = Failures(0, what="文件 a.csv", extra={"file": "a.csv", "cell": ""})
    >>> g.add_at([12], "用电量", ["1,5"], "quantity_not_numeric", sheet_rows=[12], extra={"cell": ["C12"]})
    >>> g.frame()[["row", "sheet_row", "reason", "file", "cell"]].values.tolist()
    [[12, 12, 'quantity_not_numeric', 'a.csv', 'C12']]
    """

    def __init__(self, index: pd.Index | int, *, sheet_rows: Sequence[int] | np.ndarray | None = None,
                 what: str = "input table", extra: Mapping[str, Any] | None = None) -> None:
        self.index = pd.RangeIndex(index) if isinstance(index, int) else pd.Index(index)
        self.sheet_rows = None if sheet_rows is None else np.asarray(sheet_rows)
        self.what = what
        self.extra = dict(extra or {})
        self.parts: list[pd.DataFrame] = []
        self.bad = np.zeros(len(self.index), dtype=bool)

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def _part(self, pos: np.ndarray, column: Any, vals: Any, reasons: Any, message: Any, suggestion: Any,
              extra: Mapping[str, Any] | None, **where: Any) -> None:
        """Store one batch of problems (``where``: explicit ``row``/``sheet_row`` of `add_at`)."""
        if message is None:
            message = (np.array([_text_of(r, "message") for r in reasons], dtype=object)
                       if isinstance(reasons, np.ndarray) else _text_of(reasons, "message"))
        if suggestion is None:
            suggestion = (np.array([_text_of(r, "suggestion") for r in reasons], dtype=object)
                          if isinstance(reasons, np.ndarray) else _text_of(reasons, "suggestion"))
        msg = [message(v) for v in vals] if callable(message) else message
        sug = [suggestion(v) for v in vals] if callable(suggestion) else suggestion
        part = {"pos": pos, **where, "column": [column] * len(pos), "value": vals, "reason": reasons,
                "message": msg, "suggestion": sug}
        for k, default in self.extra.items():
            part[k] = (extra or {}).get(k, default)
            if isinstance(part[k], list | tuple | np.ndarray):
                part[k] = np.asarray(part[k], dtype=object)
            else:
                part[k] = [part[k]] * len(pos)
        self.parts.append(pd.DataFrame(part))

    def add(self, mask: np.ndarray, column: Any, values: Any, reason: str | np.ndarray,
            message: str | np.ndarray | Callable[[Any], str] | None = None,
            suggestion: str | np.ndarray | Callable[[Any], str] | None = None, *, fatal: bool = True,
            extra: Mapping[str, Any] | None = None) -> None:
        """Add a problem for the rows where ``mask`` is true; message and suggestion default to `REASONS`.

        ``values``, an array ``reason``, ``message`` or ``suggestion`` run over all input rows
        (a scalar applies to each); a callable message is called with each bad cell's value.
        ``fatal=False`` records the problem without marking the row bad (`bad`).
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        pos = np.flatnonzero(mask)
        reasons = reason[pos] if isinstance(reason, np.ndarray) else reason
        self._part(pos, column, _pick(values, pos), reasons, _pick_arr(message, pos), _pick_arr(suggestion, pos),
                   {k: _pick_arr(np.asarray(v, dtype=object) if isinstance(v, list) else v, pos)
                    for k, v in (extra or {}).items()})
        if fatal:
            self.bad[pos] = True

    def add_at(self, rows: Sequence[Any] | np.ndarray, column: Any, values: Any, reason: str,
               message: str | Sequence[str] | None = None, suggestion: str | Sequence[str] | None = None, *,
               sheet_rows: Sequence[int] | np.ndarray | None = None, extra: Mapping[str, Any] | None = None) -> None:
        """Add a problem at rows named by label, not by position in `index` (a file's header row,
        the rows of a second table, a year of a series): ``values`` and any per-row ``message``,
        ``suggestion``, ``sheet_rows`` or ``extra`` have one item per row."""
        rows = list(rows)
        if not rows:
            return
        n = len(rows)
        vals = np.full(n, values, dtype=object) if isinstance(values, str) or not np.ndim(values) \
            else np.asarray(list(values), dtype=object)
        sheet = pd.array([None] * n if sheet_rows is None else [int(r) for r in sheet_rows], dtype="Int64")
        self._part(np.full(n, -1), column, vals, reason, _as_arr(message), _as_arr(suggestion),
                   {k: _as_arr(v) for k, v in (extra or {}).items()}, row=np.asarray(rows, dtype=object),
                   sheet_row=sheet)

    def add_table(self, column: Any, reason: str, *, value: Any = None, message: str | None = None,
                  suggestion: str | None = None) -> None:
        """A problem of the whole table (a missing column …): row ``"<table>"``."""
        cell = np.empty(1, dtype=object)
        cell[0] = value
        self._part(np.full(1, -1), column, cell, reason, message or None, suggestion or None, None,
                   row=np.array(["<table>"], dtype=object), sheet_row=pd.array([None], dtype="Int64"))

    def extend(self, other: Failures) -> None:
        """Take over the problems of ``other`` that are not tied to a row position (`add_at`,
        `add_table`): one error for the sheets of one file."""
        self.parts.extend(p for p in other.parts if (p["pos"] < 0).all())

    def _all(self) -> pd.DataFrame:
        f = pd.concat(self.parts, ignore_index=True)
        f = f[(f["pos"] < 0).to_numpy() | ~f.duplicated(["pos", "column", "reason"]).to_numpy()]
        return f.sort_values("pos", kind="stable")

    def frame(self) -> pd.DataFrame:
        """The failure table: row, sheet_row, column, value, reason, message, suggestion (and `extra`)."""
        cols = [*FAILURE_COLUMNS, *self.extra]
        if not self.parts:
            return pd.DataFrame(columns=cols).astype({"sheet_row": "Int64"})
        f = self._all()
        pos = f["pos"].to_numpy()
        at = pos >= 0
        labels = self.index.to_numpy(dtype=object)
        if at.all():
            rows = labels[pos]
            sheet = (pd.array(self.sheet_rows[pos].astype(int), dtype="Int64") if self.sheet_rows is not None
                     else pd.array([None] * len(pos), dtype="Int64"))
        else:
            rows = f["row"].to_numpy(dtype=object).copy()
            rows[at] = labels[pos[at]]
            sheet = pd.array(f["sheet_row"].astype("Int64"), dtype="Int64")
            if self.sheet_rows is not None and at.any():
                sheet[at] = self.sheet_rows[pos[at]].astype(int)
        out = f.drop(columns=[c for c in ("pos", "row", "sheet_row") if c in f]).assign(row=rows, sheet_row=sheet)
        return out[cols].reset_index(drop=True)

    def problem_text(self) -> pd.Series:
        """``'reason: message; …'`` per input row (``''`` where fine), for ``errors="report"``."""
        text = np.full(len(self.index), "", dtype=object)
        if self.parts:
            f = self._all()
            f = f[f["pos"] >= 0]
            joined = (f["reason"] + ": " + f["message"].astype(str)).groupby(f["pos"]).agg("; ".join)
            text[joined.index.to_numpy()] = joined.to_numpy()
        return pd.Series(text, index=self.index, dtype=object)

    def first_rows(self) -> pd.DataFrame:
        """The first problem of each row that has one, indexed by row position."""
        f = self._all()
        return f[f["pos"] >= 0].groupby("pos", sort=False).head(1).set_index("pos")

    def first_reasons(self) -> np.ndarray:
        """The first reason code of each input row (``''`` where fine)."""
        out = np.full(len(self.index), "", dtype=object)
        if self.parts:
            first = self.first_rows()
            out[first.index.to_numpy()] = first["reason"].to_numpy()
        return out

    def error(self) -> InputError:
        """The `InputError` carrying this failure table."""
        return InputError(self.frame(), self.what)

    def raise_if_any(self, errors: str = "raise") -> None:
        """Raise the `InputError` if anything was collected and ``errors == "raise"``."""
        if errors not in ("raise", "report"):
            raise ValueError("errors must be 'raise' or 'report'")
        if self.parts and errors == "raise":
            raise self.error()


def _pick(values: Any, pos: np.ndarray) -> np.ndarray:
    if isinstance(values, pd.Series | pd.Index):
        return np.asarray(values[pos] if isinstance(values, pd.Index) else values.iloc[pos], dtype=object)
    if isinstance(values, str) or not np.ndim(values):
        return np.full(len(pos), values, dtype=object)
    return np.asarray(values, dtype=object)[pos]


def _as_arr(x: Any) -> Any:
    return np.asarray(list(x), dtype=object) if isinstance(x, list | tuple | np.ndarray) else x


def _pick_arr(x: Any, pos: np.ndarray) -> Any:
    return x[pos] if isinstance(x, np.ndarray) else x


# ---------------------------------------------------------------------------------------------
# messages with fields (warnings, notes)


class Text:
    """A message of `MESSAGES` with its fields, said in the language of `get_language` each time
    it is shown (``str``). Warnings carry one, so a program keeps the code and the fields and a
    reader gets their own language (``tanfeng: 提示: …`` / ``tanfeng: note: …``).

    A field may itself be a `Text`, a ``{"zh": …, "en": …}`` name, or a list holding Texts
    (said one by one, joined by ``", "``); anything else is formatted as it is.

    Examples
    --------
    >>> t = Text("total_row", first="合计")
    >>> t.render("zh"), t.render("en")
    ('合计行（合计）', 'total row (合计)')
    >>> Text("rows_left_out", where="a.xlsx", n=1, shown=[Text("row_left_out", row=9, why=t)], more="").render("en")
    'a.xlsx: 1 row(s) left out: 9 (total row (合计))'
    """

    __slots__ = ("code", "fields")

    def __init__(self, code: str, /, **fields: Any) -> None:
        if code not in MESSAGES:
            raise KeyError(f"no message {code!r} in factors/rules/reasons.csv or factors/rules/texts/")
        self.code = code
        self.fields = fields

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: `get_language`) with its fields filled in."""
        lang = lang or get_language()
        return MESSAGES[self.code].message(lang).format(**{k: _field(v, lang) for k, v in self.fields.items()})

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Text({self.code!r}, {self.fields!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_text, (self.code, self.fields))


def say(code: str, /, lang: str | None = None, **fields: Any) -> str:
    """The message ``code`` of `MESSAGES` in ``lang`` (default: `get_language`), fields filled in.

    Examples
    --------
    >>> say("total_row", "en", first="合计")
    'total row (合计)'
    """
    return Text(code, **fields).render(lang)


def _text(code: str, fields: dict[str, Any]) -> Text:
    return Text(code, **fields)


def _field(value: Any, lang: str) -> Any:
    if isinstance(value, Text):
        return value.render(lang)
    if isinstance(value, TanfengWarning):
        return value.text(lang)
    if isinstance(value, Mapping) and "zh" in value and "en" in value:
        return value["en" if lang == "en" else "zh"]
    if isinstance(value, list | tuple) and any(isinstance(v, Text) for v in value):
        return ", ".join(str(_field(v, lang)) for v in value)
    return value


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Messages in ``lang`` inside the ``with`` block (`set_language`, then the old one back)."""
    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)
