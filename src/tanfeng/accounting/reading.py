"""Stage 2 of `account`: read the cells of a records table into codes and numbers.

Every column is read once per *distinct* value: text columns are factorised (`_codes`) and each
distinct name resolved once (carrier, region, use, flow); quantities go through the kernel's
cell reader (`tanfeng.cells.read_quantities`). Bad cells are added to the one failure collector
(`tanfeng.cells.Failures`) with their reason code; nothing is dropped.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..cells import QUANTITY_REASONS, Failures, is_scaled_unit, read_quantities
from ..defaults import DEFAULT_REGION
from ..errors import UnknownCarrierError
from ..factors import FactorSet
from ._common import _FLOW, _USE, YEAR_RANGE
from .columns import _codes

__all__ = ["RecordCells", "read_cells"]

_BAD_YEAR = -2  # marks a row whose year failed a check (already reported)
_OUT_OF_RANGE = -3  # a whole-number year outside `YEAR_RANGE`, before it is reported


@dataclass
class RecordCells:
    """What the cells of a records table say, as codes over distinct values (one entry per row).

    ``ccodes`` index ``cids`` (carrier ids; None: unknown or blank), ``ucodes`` index ``utexts``
    (unit text as written), ``ycodes`` index ``yuniq`` (data year, -1: none), ``rcodes`` index
    ``rid_of_code`` (region id; None: unknown), ``scodes`` index ``states`` (steam / hot-water /
    gas state: pressure MPa absolute, temperature ℃; (None, None) without those columns).
    ``usable`` rows have a known carrier, a unit and a readable state; ``bad_row`` marks every row
    reported so far.
    """

    qty: np.ndarray
    sign: np.ndarray | float
    feed: np.ndarray
    ccodes: np.ndarray
    cids: np.ndarray
    ucodes: np.ndarray
    utexts: list[str]
    ycodes: np.ndarray
    yuniq: np.ndarray
    rcodes: np.ndarray
    rid_of_code: np.ndarray
    scodes: np.ndarray
    states: list[tuple[float | None, float | None]]
    usable: np.ndarray
    bad_row: np.ndarray
    region: str

    @property
    def n(self) -> int:
        return len(self.qty)


def read_cells(records: pd.DataFrame, cols: Mapping[str, str], fs: FactorSet, fails: Failures, *,
               year: int | None = None, region: str | None = DEFAULT_REGION) -> RecordCells:
    """Read quantity, carrier, unit, year, region, use and flow of every row (see `RecordCells`)."""
    n = len(records)
    qcol = records[cols["quantity"]]
    ucodes, utexts, ublank = _units(records[cols["unit"]], fails, cols["unit"])
    qty, qreasons = read_quantities(qcol, scaled_unit=_scaled_rows(ucodes, utexts))
    qcode = qreasons.codes
    bad_row = (qcode != 0) | ublank
    if bad_row.any():
        for i, r in enumerate(QUANTITY_REASONS[1:], 1):
            fails.add(qcode == i, cols["quantity"], qcol, r)
    ccodes, cids, carrier_ok = _carriers(records[cols["carrier"]], fs, fails, cols["carrier"])
    bad_row |= ~carrier_ok
    ycodes, yuniq, ybad = _year_codes(records, cols, year, n, fails)
    bad_row |= ybad
    default_region = fs.regions.resolve(region or DEFAULT_REGION)
    rcodes, rid_of_code, rbad = _regions(records, cols, fs, fails, default_region, n)
    bad_row |= rbad
    feed, sign, ufbad = _use_and_flow(records, cols, fails, n)
    bad_row |= ufbad
    scodes, states = _states(records, cols, n, fails)
    usable = carrier_ok & ~ublank
    if n and scodes.min() < 0:  # already reported; such rows resolve no key
        sbad = scodes < 0
        bad_row |= sbad
        usable &= ~sbad
        scodes = np.maximum(scodes, 0)
    return RecordCells(qty=qty, sign=sign, feed=feed, ccodes=ccodes, cids=cids, ucodes=ucodes, utexts=utexts,
                       ycodes=ycodes, yuniq=yuniq, rcodes=rcodes, rid_of_code=rid_of_code,
                       scodes=scodes, states=states, usable=usable, bad_row=bad_row, region=default_region)


def _carriers(raw: pd.Series, fs: FactorSet, fails: Failures, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes, carrier id per code (None: unknown or blank) and the rows whose carrier is known."""
    n = len(raw)
    ccodes, cuniq = _codes(raw)
    cids = np.empty(len(cuniq), dtype=object)
    cok = np.ones(len(cuniq), dtype=bool)
    blank = ccodes < 0
    for i, name in enumerate(cuniq):
        if not (isinstance(name, str) and name.strip()):
            cok[i], cids[i] = False, None
            blank |= ccodes == i
            continue
        try:
            cids[i] = fs.carriers.resolve(name)
        except UnknownCarrierError as exc:
            cok[i], cids[i] = False, None
            fails.add(ccodes == i, column, raw, "carrier_unknown",
                      suggestion=("closest: " + ", ".join(exc.suggestions)) if exc.suggestions else None)
    fails.add(blank, column, raw, "carrier_missing")
    if cok.all() and (n == 0 or ccodes.min() >= 0):
        return ccodes, cids, np.ones(n, dtype=bool)  # every name known, none missing: no gather
    return ccodes, cids, np.append(cok, False)[ccodes]  # code -1 (missing) reads the trailing False


def _units(raw: pd.Series, fails: Failures, column: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Codes, the unit text per code (as written, stripped) and the rows without a unit."""
    ucodes, uuniq = _codes(raw)
    utexts = [str(u).strip() if isinstance(u, str) else "" for u in uuniq]
    ublank = ucodes < 0
    for i, t in enumerate(utexts):
        if not t:
            ublank |= ucodes == i
    fails.add(ublank, column, raw, "unit_missing")
    return ucodes, utexts, ublank


def _scaled_rows(ucodes: np.ndarray, utexts: list[str]) -> np.ndarray | None:
    """The rows whose unit starts with 万 or 亿 (万m³, 万千瓦时, 亿kWh); None when no unit does."""
    scaled = np.array([is_scaled_unit(t) for t in utexts] + [False], dtype=bool)  # last: blank (-1)
    return scaled[ucodes] if scaled.any() else None


def _year_codes(records: pd.DataFrame, cols: Mapping[str, str], year: int | None, n: int,
                fails: Failures) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year codes (offsets: years are small integers, no hashing), the year per code (-1: none)
    and the rows whose year was reported."""
    read = _years(records, cols, year, n, fails)
    if read is None:
        return np.zeros(n, dtype=np.int8), np.array([-1 if year is None else int(year)]), np.zeros(n, dtype=bool)
    years, span = read
    if span is not None:  # every row has a valid year: no masks
        (lo, hi), bad, has_year = span, np.zeros(n, dtype=bool), None
    else:
        bad = years == _BAD_YEAR
        has_year = years >= 0
        lo = int(years[has_year].min()) if has_year.any() else 0
        hi = int(years.max()) if n else -1
    # offset 0 is "no year"; the narrowest type that holds every offset
    ycodes = np.subtract(years, lo - 1, out=np.empty(n, dtype=np.min_scalar_type(-(hi - lo + 1))),
                         casting="unsafe")
    if has_year is not None:
        ycodes[~has_year] = 0
    return ycodes, np.array([-1, *range(lo, hi + 1)]), bad


def _years(records: pd.DataFrame, cols: Mapping[str, str], year: int | None, n: int,
           fails: Failures) -> tuple[np.ndarray, tuple[int, int] | None] | None:
    """Data year per row (-1: none given, `_BAD_YEAR`: reported as invalid) and, when every row
    has a valid year, the first and last; None when the table has no year column (then ``year``
    applies to every row).

    A categorical column is read once per category, then spread to the rows by its codes."""
    if "year" not in cols:
        return None
    yraw = records[cols["year"]]
    if isinstance(yraw.dtype, pd.CategoricalDtype):
        codes = yraw.cat.codes.to_numpy()
        per_cat, _ = _year_values(pd.Series(yraw.cat.categories), year)
        if (per_cat < 0).any():  # report the rows of each invalid category, by the cells they hold
            for reason, marker in (("year_invalid", _BAD_YEAR), ("year_out_of_range", _OUT_OF_RANGE)):
                fails.add(np.append(per_cat == marker, False)[codes], cols["year"], yraw, reason)
            per_cat = np.where(per_cat == _OUT_OF_RANGE, _BAD_YEAR, per_cat)
        years = np.append(per_cat, -1 if year is None else int(year))[codes]
        return years, None
    years, span = _year_values(yraw, year)
    if span is None and (years < 0).any():
        for reason, marker in (("year_invalid", _BAD_YEAR), ("year_out_of_range", _OUT_OF_RANGE)):
            fails.add(years == marker, cols["year"], yraw, reason)
        years[years == _OUT_OF_RANGE] = _BAD_YEAR
    return years, span


def _year_values(yraw: pd.Series, year: int | None) -> tuple[np.ndarray, tuple[int, int] | None]:
    """Data year per cell (-1: blank, `_BAD_YEAR`: not a whole number, `_OUT_OF_RANGE`), and the
    first and last year when every cell holds a plausible one (read with two reductions)."""
    n = len(yraw)
    if pd.api.types.is_integer_dtype(yraw.dtype) and not isinstance(yraw.dtype, pd.api.extensions.ExtensionDtype):
        ynum = yraw.to_numpy()
        lo, hi = (int(ynum.min()), int(ynum.max())) if n else (0, -1)
        if n and lo >= YEAR_RANGE[0] and hi <= YEAR_RANGE[1]:
            return ynum, (lo, hi)  # whole numbers, all plausible: two reductions, no masks
        given = np.ones(n, dtype=bool)
    else:
        ynum = pd.to_numeric(yraw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        given = ~pd.isna(yraw).to_numpy()
    with np.errstate(invalid="ignore"):
        yinvalid = given & (np.isnan(ynum) | (ynum != np.round(ynum))) if ynum.dtype.kind == "f" else np.zeros(n, bool)
        yrange = given & ~yinvalid & ((ynum < YEAR_RANGE[0]) | (ynum > YEAR_RANGE[1]))
    years = np.full(n, -1 if year is None else int(year), dtype=np.int64)
    ok = given & ~yinvalid & ~yrange
    years[ok] = ynum[ok].astype(np.int64)
    years[yinvalid] = _BAD_YEAR
    years[yrange] = _OUT_OF_RANGE
    return years, None


def _regions(records: pd.DataFrame, cols: Mapping[str, str], fs: FactorSet, fails: Failures, default_region: str,
             n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Region codes, the region id per code (blank: ``default_region``; None: unknown), bad rows."""
    if "region" not in cols:
        return np.zeros(n, dtype=np.int64), np.array([default_region], dtype=object), np.zeros(n, dtype=bool)
    rraw = records[cols["region"]]
    rcodes, runiq = _codes(rraw)
    rids = np.empty(len(runiq), dtype=object)
    for i, name in enumerate(runiq):
        try:
            rids[i] = fs.regions.resolve(str(name)) if str(name).strip() else default_region
        except KeyError as exc:
            rids[i] = None
            fails.add(rcodes == i, cols["region"], rraw, "region_unknown",
                      suggestion=("closest: " + ", ".join(getattr(exc, "suggestions", []))) or None)
    rid_of_code = np.array([*rids, default_region], dtype=object)
    rcodes = np.where(rcodes < 0, len(runiq), rcodes) if (rcodes < 0).any() else rcodes
    rvalid = np.array([r is not None for r in rid_of_code])
    return rcodes, rid_of_code, (~rvalid[rcodes] if not rvalid.all() else np.zeros(n, dtype=bool))


def _use_and_flow(records: pd.DataFrame, cols: Mapping[str, str], fails: Failures,
                  n: int) -> tuple[np.ndarray, Any, np.ndarray]:
    """原料用能 rows, the sign of each row (外供: -1) and the rows whose use or flow was reported."""
    bad = np.zeros(n, dtype=bool)
    feed = np.zeros(n, dtype=bool)
    if "use" in cols:
        uc, uu = _codes(records[cols["use"]])
        umap = np.array([_USE.get(_plain(x), "?") for x in uu] + ["energy"], dtype=object)
        uval = umap[np.where(uc < 0, len(uu), uc)]
        fails.add(uval == "?", cols["use"], records[cols["use"]], "use_unknown")
        bad |= uval == "?"
        feed = uval == "feedstock"
    sign: np.ndarray | float = 1.0
    if "flow" in cols:
        fc, fu = _codes(records[cols["flow"]])
        fmap = np.array([_FLOW.get(_plain(x), np.nan) for x in fu] + [1.0])
        sign = fmap[np.where(fc < 0, len(fu), fc)]
        fails.add(np.isnan(sign), cols["flow"], records[cols["flow"]], "flow_unknown")
        bad |= np.isnan(sign)
        both = feed & (sign < 0)
        fails.add(both, cols["flow"], records[cols["flow"]], "output_feedstock")
        bad |= both
    return feed, sign, bad


def _states(records: pd.DataFrame, cols: Mapping[str, str], n: int,
            fails: Failures) -> tuple[np.ndarray, list[tuple[float | None, float | None]]]:
    """Code per row of its (pressure MPa absolute, temperature ℃) pair, and the distinct pairs.

    Each distinct text pair is parsed once (`tanfeng.steam`); a row whose pressure or temperature
    cannot be read is reported and coded −1. Without either column every row has (None, None)."""
    from ..steam import SteamInputError, parse_pressure, parse_temperature

    if "pressure" not in cols and "temperature" not in cols:
        return np.zeros(n, dtype=np.int8), [(None, None)]
    parts = []
    for name in ("pressure", "temperature"):
        if name in cols:
            codes, uniq = _codes(records[cols[name]])
            parts.append((codes, list(uniq)))
        else:
            parts.append((np.full(n, -1, dtype=np.int64), []))
    (pc, pu), (tc, tu) = parts
    pair = (pc.astype(np.int64) + 1) * (len(tu) + 1) + (tc.astype(np.int64) + 1)
    uniq_pairs, inv = np.unique(pair, return_inverse=True)
    inv = inv.reshape(-1)
    states: list[tuple[float | None, float | None]] = []
    ok = np.ones(len(uniq_pairs), dtype=bool)
    for i, code in enumerate(uniq_pairs.tolist()):
        pi, ti = code // (len(tu) + 1) - 1, code % (len(tu) + 1) - 1
        vals: list[float | None] = []
        for name, idx, uniq, parse in (("pressure", pi, pu, parse_pressure), ("temperature", ti, tu, parse_temperature)):
            raw = uniq[idx] if idx >= 0 else None
            if raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, float) and math.isnan(raw)):
                vals.append(None)
                continue
            try:
                vals.append(parse(raw))
            except SteamInputError as exc:
                ok[i] = False
                fails.add(inv == i, cols[name], records[cols[name]], f"{name}_unparsable", str(exc))
                vals.append(None)
        states.append((vals[0], vals[1]))
    codes = inv.astype(np.int64)
    if not ok.all():
        codes = np.where(ok[codes], codes, -1)
    return codes, states


def _plain(x: Any) -> str:
    return unicodedata.normalize("NFKC", str(x)).strip().lower()
