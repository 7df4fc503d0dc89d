"""`account`: a table of energy records to tce and CO2, row by row."""

from __future__ import annotations

import math
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..cells import QUANTITY_REASONS, Failures, find_columns, read_quantities
from ..defaults import DEFAULT_REGION
from ..errors import (
    FactorFallbackWarning,
    FactorNotFoundError,
    UnknownCarrierError,
)
from ..factors import FactorSet, normalize_basis
from ..resolver import CONFIDENCE_ORDER, co2_per_unit
from ._common import _FLOW, _USE, COLUMN_ALIASES, NCV_BAND, OUTPUT_COLUMNS, YEAR_RANGE
from .columns import _codes

if TYPE_CHECKING:  # pragma: no cover
    pass


def account(
    records: pd.DataFrame,
    *,
    basis: str = "当量值",
    region: str | None = DEFAULT_REGION,
    year: int | None = None,
    factors: FactorSet | None = None,
    errors: str = "raise",
    co2: bool = True,
    columns: Mapping[str, str] | None = None,
    substitution_factor: Any = None,
) -> pd.DataFrame:
    """Convert a table of energy records to tce and CO2, row by row, keeping every row.

    Parameters
    ----------
    records : DataFrame
        A pandas DataFrame, or a dask DataFrame (then a dask DataFrame is returned, computed
        per partition by this same function; see `tanfeng.accounting.partitioned`). Long format: one row per (entity, period, carrier) with columns ``carrier``,
        ``quantity``, ``unit`` (Chinese headers such as 能源品种, 消费量, 计量单位 are recognised,
        see `COLUMN_ALIASES`), plus any id columns, kept as they are. Optional columns:
        ``year``, ``region``, ``use`` (``energy`` | ``feedstock`` 原料用能), ``flow``
        (``input`` | ``output`` 外供), ``ncv`` (measured 低位发热量 with unit, ``"22.0 GJ/t"``),
        ``pressure`` (压力/蒸汽压力: ``"1.0 MPa"`` absolute, ``"0.9 MPa(g)"`` or ``"表压0.9MPa"``
        gauge; a bare number is MPa absolute) and ``temperature`` (温度: ``"200 ℃"``). Steam (蒸汽)
        given by mass is counted by its heat, t × (h − 83.74 kJ/kg) × 10⁻³ with h from IAPWS-IF97
        (saturated from pressure alone, superheated from pressure and temperature; no pressure:
        1.0 MPa saturated, with a warning); hot water (热水) by t × (T − 20 ℃) × 4.1868 × 10⁻³;
        steam in GJ/MJ/百万千焦 as it is. On a gas row ``temperature`` is the temperature its volume
        was metered at (converted to 0 ℃ by 273.15 / (273.15 + T)), as is ``万m³(20℃)`` in the
        unit; a bare ``m³`` is a standard (0 ℃) volume (`tanfeng.gas`). Each distinct (pressure,
        temperature) pair is resolved once.
    basis : {"当量值", "等价值", "both"}
        Electricity/heat basis for ``tce``. ``"both"`` adds ``tce_calorific`` and
        ``tce_substitution`` (``tce`` is then the 当量值, the statistical convention).
    region : str, optional
        Grid region for electricity CO2 (``"浙江"``, ``"华东"``, ``"national"``); a ``region``
        column overrides it per row. Default: `tanfeng.defaults.DEFAULT_REGION` (national).
    year : int, optional
        Data year for year-stamped factors; a ``year`` column overrides it per row.
    factors : FactorSet, optional
        Defaults to ``FactorSet.default()``.
    errors : {"raise", "report"}
        ``"raise"``: one `InputError` listing every bad row (row, column, value, reason code,
        suggestion). ``"report"``: bad rows get NaN results and a ``problem`` text.
    co2 : bool
        Compute CO2 (default). ``False`` skips it (no CO2 factor is needed then).
    columns : mapping, optional
        Standard name -> your header, e.g. ``{"quantity": "2022年消费量"}``.
    substitution_factor : pint.Quantity or str, optional
        Your province's official 等价值 of electricity (``"0.28078 kgce/kWh"``), for every data
        year. Without it 等价值 follows GB 30251-2024 ("按上年电厂发电标准煤耗计算"): data year Y
        uses the coal rate of Y − 1, and as tanfeng ships no 发电 rate the national 供电 rate
        stands in with a warning. ``attrs["tanfeng"]["substitution"]`` lists the year and value
        used for each data year.

    Returns
    -------
    DataFrame
        The input rows (same order and index) plus ``tce``, ``tce_excl_feedstock``, ``co2_t``,
        ``scope``, ``carrier_id`` (canonical carrier), ``tce_factor``, ``co2_factor``, ``confidence`` (and ``problem`` when
        ``errors="report"``). ``.attrs["tanfeng"]`` records the factor-set version, the
        arguments and any fallback used.

    Examples
    --------
    >>> import pandas as pd, tanfeng
    >>> df = pd.DataFrame({"企业": ["甲", "甲"], "能源品种": ["原煤", "电力"],
    ...                    "消费量": [1000, 100], "计量单位": ["吨", "万千瓦时"]})
    >>> tanfeng.account(df)["tce"].round(2).tolist()
    [714.3, 122.9]
    """
    from .partitioned import account_partitioned, is_dask_frame  # imports no dask
    from .scalar import with_substitution_factor

    fs = with_substitution_factor(factors or FactorSet.default(), substitution_factor)
    if is_dask_frame(records):  # the same engine per partition (tanfeng[dask])
        return account_partitioned(records, basis=basis, region=region, year=year, factors=fs,
                                   errors=errors, co2=co2, columns=columns)
    if errors not in ("raise", "report"):
        raise ValueError("errors must be 'raise' or 'report'")
    if not isinstance(records, pd.DataFrame):
        raise TypeError(f"account() takes a pandas (or dask) DataFrame, got {type(records).__name__}")
    b = normalize_basis(basis)
    bases = ["calorific", "substitution"] if b == "both" else [b]
    cols = find_columns(records, COLUMN_ALIASES, columns, required=("carrier", "quantity", "unit"),
                        reserved=OUTPUT_COLUMNS, what="records table")
    n = len(records)
    index = records.index
    fails = Failures(index, what="records table")
    add_fail = fails.add

    # --- quantities (the kernel's cell reader)
    qcol = records[cols["quantity"]]
    qty, qreasons = read_quantities(qcol)
    qcode = qreasons.codes
    bad_row = qcode != 0
    if bad_row.any():
        for i, r in enumerate(QUANTITY_REASONS[1:], 1):
            add_fail(qcode == i, cols["quantity"], qcol, r)

    # --- carriers
    ccodes, cuniq = _codes(records[cols["carrier"]])
    cids = np.empty(len(cuniq), dtype=object)
    cok = np.ones(len(cuniq), dtype=bool)
    craw = records[cols["carrier"]]
    for i, name in enumerate(cuniq):
        try:
            cids[i] = fs.carriers.resolve(str(name)) if isinstance(name, str) and name.strip() else None
            if cids[i] is None:
                cok[i] = False
        except UnknownCarrierError as exc:
            cok[i] = False
            add_fail(ccodes == i, cols["carrier"], craw, "carrier_unknown",
                     suggestion=("closest: " + ", ".join(exc.suggestions)) if exc.suggestions else None)
    blank_carrier = ccodes < 0
    for i, name in enumerate(cuniq):
        if cids[i] is None and not (isinstance(name, str) and name.strip()) :
            blank_carrier |= ccodes == i
    add_fail(blank_carrier, cols["carrier"], craw, "carrier_missing")
    if cok.all() and (n == 0 or ccodes.min() >= 0):
        carrier_ok = np.ones(n, dtype=bool)  # every name known, none missing: no gather needed
    else:
        carrier_ok = np.append(cok, False)[ccodes]  # code -1 (missing) reads the trailing False
    bad_row |= ~carrier_ok

    # --- units
    ucodes, uuniq = _codes(records[cols["unit"]])
    utexts = [str(u).strip() if isinstance(u, str) else "" for u in uuniq]
    ublank = ucodes < 0
    for i, t in enumerate(utexts):
        if not t:
            ublank |= ucodes == i
    add_fail(ublank, cols["unit"], records[cols["unit"]], "unit_missing")
    bad_row |= ublank

    # --- optional columns: year, region, use, flow
    years = _years(records, cols, year, n, add_fail)
    if years is None:
        ycodes, yuniq = np.zeros(n, dtype=np.int32), np.array([-1 if year is None else int(year)])
    else:
        bad_row |= years == _BAD_YEAR if (years < 0).any() else False
        # years are small integers: offset codes instead of hashing (0 = no year)
        has_year = years >= 0
        all_years = bool(has_year.all())
        lo = int(years.min()) if all_years and n else (int(years[has_year].min()) if has_year.any() else 0)
        hi = int(years.max()) if n else -1
        ycodes = np.subtract(years, lo - 1, out=np.empty(n, dtype=np.int32), casting="unsafe")
        if not all_years:
            ycodes[~has_year] = 0
        yuniq = np.array([-1, *range(lo, hi + 1)])

    default_region = fs.regions.resolve(region or DEFAULT_REGION)
    if "region" in cols:
        rcodes, runiq = _codes(records[cols["region"]])
        rids = np.empty(len(runiq), dtype=object)
        rraw = records[cols["region"]]
        for i, name in enumerate(runiq):
            try:
                rids[i] = fs.regions.resolve(str(name)) if str(name).strip() else default_region
            except KeyError as exc:
                rids[i] = None
                add_fail(rcodes == i, cols["region"], rraw, "region_unknown",
                         suggestion=("closest: " + ", ".join(getattr(exc, "suggestions", []))) or None)
        rid_of_code = np.array([*rids, default_region], dtype=object)
        rcodes = np.where(rcodes < 0, len(runiq), rcodes) if (rcodes < 0).any() else rcodes
        rvalid = np.array([r is not None for r in rid_of_code])
        if not rvalid.all():
            bad_row |= ~rvalid[rcodes]
    else:
        rid_of_code = np.array([default_region], dtype=object)
        rcodes = np.zeros(n, dtype=np.int64)

    feed = np.zeros(n, dtype=bool)
    if "use" in cols:
        uc, uu = _codes(records[cols["use"]])
        umap = np.array([_USE.get(unicodedata.normalize("NFKC", str(x)).strip().lower(), "?") for x in uu] + ["energy"], dtype=object)
        uval = umap[np.where(uc < 0, len(uu), uc)]
        add_fail(uval == "?", cols["use"], records[cols["use"]], "use_unknown")
        bad_row |= uval == "?"
        feed = uval == "feedstock"
    sign: np.ndarray | float = 1.0
    if "flow" in cols:
        fc, fu = _codes(records[cols["flow"]])
        fmap = np.array([_FLOW.get(unicodedata.normalize("NFKC", str(x)).strip().lower(), np.nan) for x in fu] + [1.0])
        sign = fmap[np.where(fc < 0, len(fu), fc)]
        add_fail(np.isnan(sign), cols["flow"], records[cols["flow"]], "flow_unknown")
        bad_row |= np.isnan(sign)
        both = feed & (sign < 0)
        add_fail(both, cols["flow"], records[cols["flow"]], "output_feedstock")
        bad_row |= both

    # --- steam / hot-water / gas state: each distinct (pressure, temperature) pair parsed once
    scodes, states = _states(records, cols, n, add_fail)
    sbad = scodes < 0  # already reported; such rows resolve no key
    bad_row |= sbad
    scodes = np.maximum(scodes, 0)

    # --- keys: (carrier code, unit code, year code, region code, state code)
    nc, nu, ny, nr, ns = max(len(cuniq), 1), max(len(uuniq), 1), max(len(yuniq), 1), len(rid_of_code), len(states)
    size = nc * nu * ny * nr * ns
    kt = np.int32 if size < 2**31 else np.int64
    safe_c = ccodes.astype(kt)
    np.maximum(safe_c, 0, out=safe_c)
    safe_u = ucodes.astype(kt)
    np.maximum(safe_u, 0, out=safe_u)
    kcode = safe_c  # built in place: ((c * nu + u) * ny + y) * nr + r
    kcode *= kt(nu)
    kcode += safe_u
    if ny > 1:
        kcode *= kt(ny)
        kcode += ycodes
    if nr > 1:
        kcode *= kt(nr)
        kcode += rcodes
    if ns > 1:
        kcode *= kt(ns)
        kcode += scodes
    usable = carrier_ok & ~ublank & ~sbad
    dense = size <= 4_000_000
    if not usable.any():
        present = np.array([], dtype=np.int64)
    elif dense:
        present = np.flatnonzero(np.bincount(kcode[usable] if not usable.all() else kcode, minlength=size))
    else:
        present = np.unique(kcode[usable])
    if dense:
        lut = np.full(size, -1, dtype=np.int64)
        lut[present] = np.arange(len(present))
        kidx = lut[kcode]
    else:
        kidx = np.searchsorted(present, kcode)
        kidx = np.where((kidx < len(present)) & (present[np.minimum(kidx, max(len(present) - 1, 0))] == kcode), kidx, -1)
    if not usable.all():
        kidx = np.where(usable, kidx, -1)

    nk = len(present)
    tce_mult = {bb: np.full(nk + 1, np.nan) for bb in bases}
    co2_mult = np.full(nk + 1, np.nan)
    tce_ids = {bb: np.full(nk + 1, None, dtype=object) for bb in bases}
    co2_ids = np.full(nk + 1, None, dtype=object)
    scopes = np.zeros(nk + 1, dtype=np.int8)
    ranks = np.full(nk + 1, -1, dtype=np.int8)
    category = np.full(nk + 1, "", dtype=object)
    key_bad = np.zeros(nk + 1, dtype=bool)
    fallback: list[FactorFallbackWarning] = []
    substitution: list[dict[str, Any]] = []
    for j, kc in enumerate(present.tolist()):
        st = kc % ns
        kc //= ns
        r = kc % nr
        y = (kc // nr) % ny
        u = (kc // (nr * ny)) % nu
        c = kc // (nr * ny * nu)
        yv = int(yuniq[y]) if len(yuniq) and int(yuniq[y]) >= 0 else None
        cid = cids[c]
        category[j] = fs.carriers.get(cid).category
        pv, tv = states[st]
        keys = [fs.resolve_key(cid, utexts[u], year=yv, region=rid_of_code[r], basis=bb, co2=co2,
                               pressure=pv, temperature=tv) for bb in bases]
        for k in keys:
            fallback.extend(k.fallbacks)
            if k.substitution and k.substitution not in substitution:
                substitution.append(k.substitution)
        scopes[j] = keys[0].scope
        failed = [k for k in keys if k.reason and k.reason != "co2_factor_missing"] or [k for k in keys if not k.ok]
        if failed:
            key_bad[j] = True
            col = failed[0].column
            if failed[0].reason == "steam_state_invalid":  # the row's pressure / temperature
                col = "pressure" if "pressure" in cols else ("temperature" if "temperature" in cols else "carrier")
            colname = cols[col]
            add_fail(kidx == j, colname, records[colname], failed[0].reason, failed[0].message, failed[0].suggestion)
            continue
        for bb, k in zip(bases, keys):
            tce_mult[bb][j] = k.tce
            tce_ids[bb][j] = k.tce_factor
        co2_mult[j] = keys[0].co2 if co2 else np.nan
        co2_ids[j] = keys[0].co2_factor if co2 else None
        ranks[j] = max(CONFIDENCE_ORDER.index(k.confidence) for k in keys)
    kk = np.where(kidx < 0, nk, kidx) if not usable.all() else kidx
    if key_bad.any() or not usable.all():
        bad_row |= key_bad[kk] | (kidx < 0)
    key_secondary = np.isin(category, ["electricity", "heat"])

    # --- feedstock on secondary energy
    fnf = feed & key_secondary[kk] if feed.any() else np.zeros(n, dtype=bool)
    if "use" in cols:
        add_fail(fnf, cols["use"], records[cols["use"]], "feedstock_not_fuel")
    bad_row |= fnf

    # --- values
    qv = qty * sign if "flow" in cols else qty
    out_tce = {bb: _gather_times(tce_mult[bb], kk, qv) for bb in bases}

    # --- measured NCV (per row)
    ncv_rows = np.zeros(n, dtype=bool)
    if "ncv" in cols:
        ncv_rows, ncv_tce, ncv_co2, ncv_bad = _measured_ncv(
            records[cols["ncv"]], cols["ncv"], ccodes, cids, ucodes, utexts, ycodes, yuniq, rcodes, rid_of_code,
            fs, qv, add_fail, co2)
        for bb in bases:
            out_tce[bb] = np.where(ncv_rows, ncv_tce, out_tce[bb])
        bad_row |= ncv_bad
    co2_vals = _gather_times(co2_mult, kk, qv)
    if "ncv" in cols:
        co2_vals = np.where(ncv_rows, ncv_co2, co2_vals)
    if feed.any():
        co2_vals = np.where(feed, 0.0, co2_vals)

    # --- results that are not finite (1e308 万m3): flagged, never an inf in a result or a total
    mults = np.concatenate([*tce_mult.values(), co2_mult])
    bound = float(np.fmax.reduce(np.abs(mults))) * float(np.fmax.reduce(qty)) if n and len(mults) else 0.0
    if "ncv" in cols or not bound < 1e300:  # only then can a result overflow
        _flag_overflow(add_fail, bad_row, cols["quantity"], qcol, [*out_tce.values(), co2_vals])
    bad_row |= fails.bad
    fails.raise_if_any(errors)

    main = "calorific" if b == "both" else b
    any_bad = bool(bad_row.any())

    def blank_bad(x: np.ndarray) -> np.ndarray:
        return np.where(bad_row, np.nan, x) if any_bad else x

    kb = np.where(bad_row, nk, kk) if any_bad else kk  # bad rows read the empty slot nk
    new: dict[str, Any] = {}
    tce = blank_bad(out_tce[main])
    new["tce"] = tce
    # without feedstock rows both columns hold the same numbers: share one array (pandas'
    # copy-on-write keeps them independent if either is later changed)
    new["tce_excl_feedstock"] = np.where(feed, 0.0, tce) if feed.any() else tce
    if b == "both":
        new["tce_calorific"] = blank_bad(out_tce["calorific"])
        new["tce_substitution"] = blank_bad(out_tce["substitution"])
    new["co2_t"] = blank_bad(co2_vals) if co2 else np.full(n, np.nan)
    scope_k = scopes.copy()
    scope_k[nk] = 0
    srow = scope_k[kb]
    new["scope"] = pd.arrays.IntegerArray(srow, (srow == 0) if any_bad or not usable.all() else np.zeros(n, dtype=bool))
    # the canonical carrier id (电 / 外购电力 / 网购电量 -> electricity), for totals by carrier
    cat_ids = sorted({c for c in cids if c is not None})
    pos = {c: i for i, c in enumerate(cat_ids)}
    cid_code = np.array([pos[c] if c is not None else -1 for c in cids] + [-1], dtype=np.int32)
    new["carrier_id"] = pd.Categorical.from_codes(cid_code[ccodes], categories=cat_ids, validate=False)
    new["tce_factor"] = _cat_from_codes(tce_ids[main], kb, (ncv_rows & ~bad_row) if "ncv" in cols else None,
                                        "measured-ncv")
    new["co2_factor"] = _cat_from_codes(co2_ids, kb, None, "")
    ranks_k = ranks.astype(np.int8)
    ranks_k[nk] = -1
    new["confidence"] = pd.Categorical.from_codes(ranks_k[kb], categories=["verified", "secondary", "unverified"],
                                                  validate=False)
    added = pd.DataFrame(new, index=index, copy=False)
    out = pd.concat([records.drop(columns=[c for c in new if c in records.columns]), added], axis=1)
    if errors == "report":
        out["problem"] = fails.problem_text()
    distinct = {str(w): w for w in fallback}
    fb = list(distinct)
    for w in distinct.values():
        warnings.warn(w, stacklevel=2)
    out.attrs = dict(records.attrs)
    out.attrs["tanfeng"] = {
        "factor_set": fs.version, "basis": b, "region": default_region, "year": year,
        "errors": errors, "co2": co2, "rows_with_problems": int(bad_row.sum()), "fallbacks": fb,
        "columns": cols,
        "substitution": sorted(substitution, key=lambda d: (d["data_year"] is None, d["data_year"] or 0)),
    }
    return out


def _states(records: pd.DataFrame, cols: Mapping[str, str], n: int,
            add_fail: Callable[..., None]) -> tuple[np.ndarray, list[tuple[float | None, float | None]]]:
    """Code per row of its (pressure MPa absolute, temperature ℃) pair, and the distinct pairs.

    Each distinct text pair is parsed once (`tanfeng.steam`); a row whose pressure or temperature
    cannot be read is reported and coded −1. Without either column every row has (None, None)."""
    from ..steam import SteamInputError, parse_pressure, parse_temperature

    if "pressure" not in cols and "temperature" not in cols:
        return np.zeros(n, dtype=np.int64), [(None, None)]
    parts = []
    for name in ("pressure", "temperature"):
        if name in cols:
            codes, uniq = _codes(records[cols[name]])
            parts.append((name, codes, list(uniq)))
        else:
            parts.append((name, np.full(n, -1, dtype=np.int64), []))
    (_, pc, pu), (_, tc, tu) = parts
    pair = (pc.astype(np.int64) + 1) * (len(tu) + 1) + (tc.astype(np.int64) + 1)
    uniq_pairs, inv = np.unique(pair, return_inverse=True)
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
                add_fail(inv.reshape(-1) == i, cols[name], records[cols[name]], f"{name}_unparsable", str(exc))
                vals.append(None)
        states.append((vals[0], vals[1]))
    codes = inv.reshape(-1).astype(np.int64)
    if not ok.all():
        codes = np.where(ok[codes], codes, -1)
    return codes, states


_BAD_YEAR = -2  # marks a row whose year failed a check (already reported)


def _years(records: pd.DataFrame, cols: Mapping[str, str], year: int | None, n: int,
           add_fail: Callable[..., None]) -> np.ndarray | None:
    """Data year per row (-1: none given, `_BAD_YEAR`: reported as invalid), or None when the
    table has no year column (then ``year`` applies to every row)."""
    if "year" not in cols:
        return None
    yraw = records[cols["year"]]
    if pd.api.types.is_integer_dtype(yraw.dtype) and not isinstance(yraw.dtype, pd.api.extensions.ExtensionDtype):
        ynum = yraw.to_numpy()
        if n == 0 or (ynum.min() >= YEAR_RANGE[0] and ynum.max() <= YEAR_RANGE[1]):
            return ynum  # whole numbers, all plausible: two reductions, no masks
        given = np.ones(n, dtype=bool)
    else:
        ynum = pd.to_numeric(yraw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        given = ~pd.isna(yraw).to_numpy()
    with np.errstate(invalid="ignore"):
        yinvalid = given & (np.isnan(ynum) | (ynum != np.round(ynum))) if ynum.dtype.kind == "f" else np.zeros(n, bool)
        yrange = given & ~yinvalid & ((ynum < YEAR_RANGE[0]) | (ynum > YEAR_RANGE[1]))
    add_fail(yinvalid, cols["year"], yraw, "year_invalid")
    add_fail(yrange, cols["year"], yraw, "year_out_of_range")
    years = np.full(n, -1 if year is None else int(year), dtype=np.int64)
    ok = given & ~yinvalid & ~yrange
    years[ok] = ynum[ok].astype(np.int64)
    years[yinvalid | yrange] = _BAD_YEAR
    return years


def _gather_times(per_key: np.ndarray, kk: np.ndarray, qv: np.ndarray) -> np.ndarray:
    """``per_key[kk] * qv`` with one temporary instead of two."""
    out = per_key[kk]
    with np.errstate(over="ignore"):  # an overflow is reported as quantity_overflow
        out *= qv
    return out


def _cat_from_codes(ids: np.ndarray, kb: np.ndarray, special: np.ndarray | None, special_name: str) -> pd.Categorical:
    """Categorical of per-key labels gathered by ``kb`` (None labels -> NaN); ``special`` rows get ``special_name``."""
    labels = [str(x) if x is not None else None for x in ids]
    cats = sorted({x for x in labels if x is not None} | ({special_name} if special is not None and special.any() else set()))
    pos = {c: i for i, c in enumerate(cats)}
    code_of_key = np.array([pos.get(x, -1) if x is not None else -1 for x in labels], dtype=np.int32)
    codes = code_of_key[kb]
    if special is not None and special.any():
        codes[special] = pos[special_name]
    return pd.Categorical.from_codes(codes, categories=cats, validate=False)


def _measured_ncv(col: pd.Series, colname: str, ccodes: np.ndarray, cids: np.ndarray, ucodes: np.ndarray,
                  utexts: list[str], ycodes: np.ndarray, yuniq: np.ndarray, rcodes: np.ndarray,
                  rid_of_code: np.ndarray, fs: FactorSet, qv: np.ndarray,
                  add_fail: Callable[..., None], want_co2: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """tce (= m × Q / 29 307.6 kJ/kgce) and CO2 (= m × Q × CC × OF × 44/12) for rows with a measured NCV."""
    from ..units import MEASURES, get_registry

    reg = get_registry()
    n = len(col)
    has = ~pd.isna(col).to_numpy() & (col.astype(str).str.strip() != "").to_numpy()
    tce = np.full(n, np.nan)
    co2v = np.full(n, np.nan)
    bad = np.zeros(n, dtype=bool)
    raw = col.to_numpy(dtype=object)
    if not has.any():
        return has, tce, co2v, bad
    pos = np.flatnonzero(has)
    frame = pd.DataFrame({"ncv": [str(raw[p]).strip() for p in pos], "c": ccodes[pos], "u": ucodes[pos],
                          "y": ycodes[pos], "r": rcodes[pos]})
    for (text, c, u, y, r), g in frame.groupby(["ncv", "c", "u", "y", "r"], sort=False):
        rows = pos[g.index.to_numpy()]
        mask = np.zeros(n, dtype=bool)
        mask[rows] = True
        if c < 0 or u < 0 or cids[c] is None:
            continue
        carrier = fs.carriers.get(cids[c])
        if carrier.category in ("electricity", "heat"):
            add_fail(mask, colname, raw, "ncv_not_fuel")
            bad |= mask
            continue
        try:
            nq = reg.Quantity(text)
            if not hasattr(nq, "units"):
                raise ValueError
        except Exception:
            add_fail(mask, colname, raw, "ncv_unparsable")
            bad |= mask
            continue
        if nq.dimensionless:
            add_fail(mask, colname, raw, "ncv_unit_missing")
            bad |= mask
            continue
        want = reg.get_dimensionality(f"[energy] / ({MEASURES[carrier.measure]})")
        if nq.dimensionality != want:
            add_fail(mask, colname, raw, "ncv_dimension",
                     f"{text!r}: {carrier.name_zh} ({carrier.measure})")
            bad |= mask
            continue
        if nq.magnitude <= 0:
            add_fail(mask, colname, raw, "ncv_not_positive")
            bad |= mask
            continue
        lo, hi, bu = NCV_BAND[carrier.measure] if carrier.measure in NCV_BAND else (0, math.inf, str(nq.units))
        x = float(nq.to(bu).magnitude)
        if not lo <= x <= hi:
            add_fail(mask, colname, raw, "ncv_implausible",
                     f"{text!r} = {x:.4g} {bu}, {lo}–{hi} {bu}")
            bad |= mask
            continue
        one = reg.Quantity(1.0, utexts[u])
        try:
            per_unit_tce = float((one * nq).to("tce").magnitude)
        except Exception:
            continue  # the unit error is reported by the key check
        tce[rows] = qv[rows] * per_unit_tce
        if want_co2:
            yv = int(yuniq[y]) if int(yuniq[y]) >= 0 else None
            try:
                per_unit_co2, _, _, _ = co2_per_unit(fs, carrier.id, one, year=yv, region=rid_of_code[r], ncv=nq)
                co2v[rows] = qv[rows] * per_unit_co2
            except FactorNotFoundError:
                pass
    return has & ~bad, tce, co2v, bad


def _flag_overflow(add_fail: Callable[..., None], bad_row: np.ndarray, column: str, raw: pd.Series,
                   results: list[np.ndarray]) -> None:
    """Flag ``quantity_overflow`` on rows whose result is infinite."""
    for x in results:
        if len(x) and (np.isinf(np.fmax.reduce(x)) or np.isinf(np.fmin.reduce(x))):
            add_fail(np.isinf(x) & ~bad_row, column, raw, "quantity_overflow")
