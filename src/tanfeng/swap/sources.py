"""Retired sources (退出产能) as a table: headers, validation, capacity units, energy.

A sources (or candidates) table has one row per retired source. Columns (Chinese headers
understood, see `SOURCE_COLUMNS`): ``source_id``, ``product``, ``capacity``, ``capacity_unit``
(required); ``energy_tce`` (freed energy, 腾出用能), ``closed_on`` (拆除到位时间), ``province``,
``kinds`` (ineligible kinds that apply, e.g. ``已享受奖补|落后产能``), ``conditions`` (e.g.
``merger``), ``price`` (万元, for ``min_cost``), ``divisible``, ``share``, ``line``, ``sector``.

Capacity units are ``<mass>/<period>``: 万吨/年, 吨/日, t/d, 万t/a … A day-based capacity (熟料
吨/日) and a year-based one (钢 万吨/年) are not converted without a stated basis
(``days_per_year``): tanfeng refuses to guess operating days.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._resources import normalize_name
from ..cells import REASONS as CELL_REASONS
from ..cells import Failures, aliases, find_columns, read_quantities
from ..errors import UnitError
from .rules import SwapRules

__all__ = ["REASONS", "SOURCE_COLUMNS", "capacity_factor", "parse_capacity_unit", "read_sources"]

#: Headers a sources table understands: ``factors/rules/headers.csv`` with its rows of scope
#: ``swap_sources`` (the swap rules' words, and a bare 序号, 编号 or 单位, which
#: `tanfeng.io.read_table` leaves alone).
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = aliases(
    ("source_id", "product", "sector", "capacity", "capacity_unit", "energy_tce", "closed_on", "province",
     "kinds", "conditions", "price", "divisible", "share", "line", "role"), scope="swap_sources")

#: ``role`` values of a source that frees energy only (能耗替代来源, e.g. a closed firm of any
#: sector); every other source offers capacity and its energy.
ENERGY_ONLY = {"energy", "energy_only", "能耗", "能耗替代", "用能", "腾出用能", "仅能耗", "能耗替代来源"}
_BOTH = {"", "both", "capacity", "产能", "产能置换", "产能+能耗", "产能和能耗"}

#: Reason codes of `InputError` failures for a sources table: the kernel's registry.
REASONS = CELL_REASONS

_PERIODS = {"年": "year", "a": "year", "yr": "year", "year": "year", "y": "year",
            "日": "day", "天": "day", "d": "day", "day": "day"}


@functools.lru_cache(maxsize=256)
def parse_capacity_unit(text: str) -> tuple[float, str]:
    """``(tonnes per unit, period)`` of a capacity unit: ``"万吨/年"`` -> ``(10000.0, "year")``.

    The period is ``"year"``, ``"day"`` or ``""`` (none given). Raises `UnitError`.

    Examples
    --------
    >>> parse_capacity_unit("万吨/年"), parse_capacity_unit("t/d")
    ((10000.0, 'year'), (1.0, 'day'))
    """
    from ..units import unit_factor

    s = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    mass, _, period = s.replace("每", "/").partition("/")
    if period and period.lower() not in _PERIODS:
        raise UnitError(str(text), "capacity period must be 年 (a, year) or 日 (天, d)",
                        suggestions=["万吨/年", "吨/日"])
    try:
        factor = unit_factor(mass, "t")
    except UnitError as exc:
        raise UnitError(str(text), "capacity must be a mass per period", suggestions=["万吨/年", "吨/日"]) from exc
    return factor, _PERIODS.get(period.lower(), "")


def capacity_factor(src: str, dst: str, days_per_year: float | None = None) -> float | None:
    """Number converting capacity in ``src`` to ``dst``; None when the periods differ and no
    ``days_per_year`` is stated (or one side has no period)."""
    fs, ps = parse_capacity_unit(src)
    fd, pd_ = parse_capacity_unit(dst)
    factor = fs / fd
    if ps == pd_:
        return factor
    if days_per_year is None or "" in (ps, pd_):
        return None
    return factor * (days_per_year if (ps, pd_) == ("day", "year") else 1.0 / days_per_year)


def _find(df: pd.DataFrame, columns: Mapping[str, str] | None) -> dict[str, str]:
    """Standard names -> headers: ``headers.csv`` and its ``swap_sources`` rows (`SOURCE_COLUMNS`)."""
    return find_columns(df, list(SOURCE_COLUMNS), columns, what="sources table", scope="swap_sources")


def _blank_mask(s: pd.Series) -> pd.Series:
    """True where a cell is empty (NaN, None, NaT or blank text)."""
    blank = s.isna()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        # cell by cell: an object column of numbers has no .str (a traceback before)
        blank |= np.fromiter((isinstance(v, str) and not v.strip() for v in s), dtype=bool, count=len(s))
    return blank


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip()) \
        or v is pd.NaT


def _codes(value: Any, resolve: Any) -> tuple[tuple[str, ...], list[str]]:
    """Codes of a ``|``-separated cell and the names that did not resolve."""
    if _blank(value):
        return (), []
    items = value if isinstance(value, list | tuple | set) else \
        str(value).replace("，", "|").replace(",", "|").replace("、", "|").replace(";", "|").split("|")
    codes, bad = [], []
    for it in (str(x).strip() for x in items):
        if not it:
            continue
        c = resolve(it)
        (codes.append(c) if c else bad.append(it))
    return tuple(dict.fromkeys(codes)), bad


class _SourceReader:
    """A sources table being read: its columns found, the failures collected row by row."""

    def __init__(self, table: pd.DataFrame, columns: Mapping[str, str] | None, what: str) -> None:
        self.table = table
        self.cols = _find(table, columns)
        self.fails = Failures(table.index, what=what)
        self.n = len(table)
        self.idx = table.index

    def get(self, key: str) -> pd.Series:
        if key in self.cols:
            return self.table[self.cols[key]]
        return pd.Series([None] * self.n, index=self.idx, dtype=object)

    def flag(self, mask: Any, key: str, reason: Any, message: Any = None, sugg: str | None = None) -> None:
        """A failure for every row where ``mask`` (message and suggestion default to `REASONS`;
        ``message(value)`` makes the text)."""
        self.fails.add(np.asarray(mask, dtype=bool), self.cols.get(key, key), self.get(key), reason, message, sugg)

    def number(self, key: str) -> pd.Series:
        """A number column read by the kernel's cell reader; cells that are not numbers flagged."""
        vals, reasons = read_quantities(self.get(key), negative_ok=True)
        why = np.asarray(reasons.astype(object))
        self.flag((why != "") & (why != "quantity_missing"), key, why)
        return pd.Series(vals, index=self.idx)

    def text(self, key: str) -> pd.Series:
        if key not in self.cols:
            return pd.Series([None] * self.n, index=self.idx, dtype=object)
        raw = self.get(key)
        blank = _blank_mask(raw)
        if pd.api.types.is_float_dtype(raw.dtype) and (raw.dropna() % 1 == 0).all():
            raw = raw.astype("Int64")  # ids typed as 1.0 in Excel mean "1"
        return raw.astype(str).str.strip().astype(object).where(~blank, None)


def read_sources(table: pd.DataFrame, rules: SwapRules, *, columns: Mapping[str, str] | None = None,
                 energy_records: pd.DataFrame | None = None, account_kwargs: Mapping[str, Any] | None = None,
                 need_price: bool = False, unique_ids: bool = False, what: str = "sources table") -> pd.DataFrame:
    """The table in standard columns (same index and order), or one `InputError` for every bad row."""
    if not isinstance(table, pd.DataFrame):
        table = pd.DataFrame(table)
    r = _SourceReader(table, columns, what)
    out = pd.DataFrame(index=r.idx)
    energy_only = _roles(r, need_price)
    out["energy_only"] = energy_only
    cap_rows = ~energy_only
    _ids_and_products(r, out, cap_rows, unique_ids)
    _capacity(r, out, cap_rows)
    energy = r.number("energy_tce")
    r.flag(energy < 0, "energy_tce", "quantity_negative")
    out["energy_tce"] = energy
    if energy_records is None:
        r.flag(energy_only & energy.isna(), "energy_tce", "energy_required")
    raw = r.get("closed_on")
    closed = pd.to_datetime(raw, errors="coerce")
    r.flag(~_blank_mask(raw) & closed.isna(), "closed_on", "date_invalid")
    out["closed_on"] = closed
    out["province"] = _provinces(r)
    for key, resolve, reason, vocab in (
            ("kinds", rules.resolve_kind, "kind_unknown", sorted({e.name_zh for e in rules.exclusions})),
            ("conditions", rules.resolve_condition, "condition_unknown", sorted(rules.conditions))):
        out[key] = _code_column(r, key, resolve, reason, vocab)
    _price_share_divisible(r, out, need_price)
    out["line"] = r.text("line")

    if energy_records is not None:
        _energy_from_records(out, energy_records, account_kwargs or {}, r.fails)
        missing = energy_only & out["energy_tce"].isna().to_numpy()
        r.fails.add(missing, "energy_tce", out["source_id"], "energy_required")
    r.fails.raise_if_any()
    return out


def _roles(r: _SourceReader, need_price: bool) -> np.ndarray:
    """Which rows free energy only; the columns a table with capacity rows (or ``min_cost``)
    needs, raised at once when missing."""
    roles = r.text("role").map(lambda v: "" if v is None else normalize_name(v))
    energy_only = roles.isin(ENERGY_ONLY).to_numpy()
    r.flag(~roles.isin(ENERGY_ONLY | _BOTH), "role", "role_invalid")
    for req in ("product", "capacity", "capacity_unit") if (~energy_only).any() else ():
        if req not in r.cols:
            r.fails.add_table(req, "column_missing", message=f"{REASONS['column_missing'].message()}: {req}",
                              suggestion="、".join(SOURCE_COLUMNS[req]))
    if need_price and "price" not in r.cols:
        r.fails.add_table("price", "column_missing", message=f"{REASONS['column_missing'].message()}: price (min_cost)",
                          suggestion="、".join(SOURCE_COLUMNS["price"]))
    r.fails.raise_if_any()
    return energy_only


def _ids_and_products(r: _SourceReader, out: pd.DataFrame, cap_rows: np.ndarray, unique_ids: bool) -> None:
    if "source_id" in r.cols:
        out["source_id"] = r.text("source_id")
    else:
        out["source_id"] = pd.Series([str(i) for i in r.idx], index=r.idx, dtype=object)
    r.flag(out["source_id"].isna(), "source_id", "source_id_missing")
    if unique_ids:
        dup = out["source_id"].duplicated(keep="first") & out["source_id"].notna()
        r.flag(dup, "source_id", "duplicate_source_id")
    out["product"] = r.text("product")
    r.flag(out["product"].isna() & cap_rows, "product", "product_missing")
    out["sector"] = r.text("sector")


def _capacity(r: _SourceReader, out: pd.DataFrame, cap_rows: np.ndarray) -> None:
    """Capacity and its unit (``<mass>/<period>``); an energy-only row may leave both blank."""
    blank = _blank_mask(r.get("capacity"))
    cap = r.number("capacity")
    r.flag(blank & cap_rows, "capacity", "capacity_missing")
    r.flag(cap < 0, "capacity", "quantity_negative")
    out["capacity"] = cap.where(cap_rows | cap.notna(), 0.0)

    units = r.text("capacity_unit")
    r.flag(units.isna() & cap_rows, "capacity_unit", "unit_missing", sugg="万吨/年, 吨/日")
    bad_units: dict[str, str] = {}
    for u in units.dropna().unique():
        try:
            parse_capacity_unit(u)
        except UnitError as exc:
            bad_units[u] = str(exc)
    r.flag(units.isin(list(bad_units)), "capacity_unit", "unit_unknown", lambda v: bad_units[str(v).strip()],
           "万吨/年, 吨/日")
    out["capacity_unit"] = units.where(units.notna() | cap_rows, "")


def _provinces(r: _SourceReader) -> pd.Series:
    """Each row's province resolved (浙江省 -> 浙江); an unknown one is flagged."""
    from ..regions import default_regions

    regions = default_regions()
    provs = r.text("province")
    known: dict[str, str | None] = {}
    for v in provs.dropna().unique():
        try:
            known[v] = regions.resolve(v)
        except KeyError:
            known[v] = None
    resolved = provs.map(known).astype(object).where(provs.notna(), None)
    r.flag(provs.notna() & resolved.isna(), "province", "region_unknown", sugg="浙江, 江苏 …")
    return resolved.where(resolved.notna(), None)


def _code_column(r: _SourceReader, key: str, resolve: Any, reason: str, vocab: list[str]) -> Any:
    """A ``|``-separated column of rule codes (kinds, conditions) as tuples; unknown names flagged."""
    if key not in r.cols:
        return [()] * r.n
    raw = r.text(key)
    parsed = {v: _codes(v, resolve) for v in raw.dropna().unique()}
    codes = {v: c for v, (c, _) in parsed.items()}
    bad = raw.map(lambda v, p=parsed: v is not None and bool(p[v][1])).to_numpy(dtype=bool)
    for p in np.flatnonzero(bad):
        for b in parsed[raw.iloc[p]][1]:
            r.fails.add(np.arange(r.n) == p, r.cols[key], b, reason, suggestion="、".join(vocab[:12]))
    return raw.map(lambda v, c=codes: () if v is None else c[v])


def _price_share_divisible(r: _SourceReader, out: pd.DataFrame, need_price: bool) -> None:
    blank = _blank_mask(r.get("price"))
    price = r.number("price")
    if need_price:
        r.flag(blank, "price", "price_missing")
    r.flag(price < 0, "price", "price_invalid")
    out["price"] = price

    share = r.number("share")
    r.flag(share.notna() & ~((share > 0) & (share <= 1)), "share", "share_invalid")
    out["share"] = share

    yes = {"true", "1", "1.0", "yes", "y", "是", "可", "可拆分"}
    no = {"false", "0", "0.0", "no", "n", "否", "不可", "不可拆分", ""}
    if "divisible" in r.cols:
        div = r.text("divisible").map(lambda v: "" if v is None else normalize_name(v))
        r.flag(~div.isin(yes | no), "divisible", "divisible_invalid")
        out["divisible"] = div.isin(yes).to_numpy()
    else:
        out["divisible"] = False


def _energy_from_records(out: pd.DataFrame, records: pd.DataFrame, kwargs: Mapping[str, Any],
                         fails: Failures) -> None:
    """Freed energy per source from energy records (``source_id`` + carrier, quantity, unit)."""
    from ..accounting import account

    rec = records
    id_col = next((c for c in rec.columns if normalize_name(str(c)) in
                   {normalize_name(a) for a in SOURCE_COLUMNS["source_id"]}), None)
    if id_col is None:
        fails.add_table("source_id", "column_missing",
                        message=f"{REASONS['column_missing'].message()}: energy_records source_id")
        return
    res = account(rec, co2=False, **{"basis": "当量值", **kwargs})
    tce = res.groupby(rec[id_col].astype(str), sort=False)["tce"].sum(min_count=1)
    known = set(out["source_id"].dropna())
    for sid in tce.index:
        if sid not in known:
            fails.add_table(id_col, "source_unknown", value=sid)
    has = out["source_id"].isin(tce.index)
    both = has & out["energy_tce"].notna()
    fails.add(both.to_numpy(), "energy_tce", out["source_id"], "energy_twice")
    out.loc[has, "energy_tce"] = out.loc[has, "source_id"].map(tce).astype(float)

