"""Energy records to standard coal (tce) and CO2 — the library's main verb.

* :func:`to_tce` and :func:`to_co2` convert one quantity and return a pint Quantity.
* :func:`account` converts a table of records (one row per entity, period and carrier) and
  returns the same rows, in the same order and with the same index, plus ``tce``,
  ``tce_excl_feedstock``, ``co2_t``, ``scope``, ``tce_factor``, ``co2_factor`` and ``confidence``.
* :func:`summarize` totals a result by any columns.

How it runs: each distinct (carrier, unit, year, region) key is resolved once with pint and the
factor set; the values are then applied with numpy over integer codes. No Quantity is built per
row.

Rules applied (GB/T 2589-2020 综合能耗计算通则; GB/T 32150 / 32151 CO2 accounting):

* tce = quantity × 折标准煤系数 (当量值 or 等价值); with a measured 低位发热量 Q,
  tce = m × Q / 29 307.6 kJ/kgce.
* energy delivered outside the boundary (``flow="output"``, 外供) is subtracted.
* 原料用能 (``use="feedstock"``, 发改环资〔2022〕803号) counts in ``tce`` but not in
  ``tce_excl_feedstock``; it is not burned, so no combustion CO2 is counted for it.
* CO2 of fuels = AD × NCV × CC × OF × 44/12; of purchased electricity = kWh × grid factor
  (region, data year); of heat and steam = heat content (GJ) × heat factor.
"""

from __future__ import annotations

import math
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import (
    FactorFallbackWarning,
    FactorNotFoundError,
    InputError,
    UnitError,
    UnknownCarrierError,
)
from .factors import CO2_PER_CARBON, FactorSet, normalize_basis

if TYPE_CHECKING:  # pragma: no cover
    import pint

__all__ = [
    "COLUMN_ALIASES",
    "REASONS",
    "YEAR_RANGE",
    "account",
    "summarize",
    "to_co2",
    "to_tce",
]

#: Chinese (and other) headers understood as the standard columns. Override with ``columns=``.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "carrier": ("carrier", "能源品种", "能源名称", "能源种类", "品种", "燃料品种", "能源"),
    "quantity": ("quantity", "消费量", "数量", "实物量", "用量", "消耗量", "能源消费量", "实物消费量"),
    "unit": ("unit", "计量单位", "单位"),
    "year": ("year", "年份", "年度", "统计年份"),
    "region": ("region", "地区", "区域", "省份"),
    "use": ("use", "用途", "用能类型"),
    "flow": ("flow", "流向", "方向"),
    "ncv": ("ncv", "低位发热量", "实测低位发热量"),
}

#: Plausible data years; a year outside is reported as ``year_out_of_range``.
YEAR_RANGE = (1980, 2100)

#: Reason codes of `InputError` failures and the ``problem`` column.
REASONS: dict[str, str] = {
    "carrier_missing": "no energy carrier given",
    "carrier_unknown": "energy carrier not known",
    "unit_missing": "no unit given",
    "unit_unknown": "unit not understood",
    "unit_dimension": "unit does not measure this carrier",
    "unit_money": "a money unit was given for an energy quantity",
    "quantity_missing": "quantity is empty",
    "quantity_negative": "quantity is negative",
    "quantity_infinite": "quantity is infinite",
    "quantity_not_numeric": "quantity is not a number",
    "quantity_with_unit": "quantity text carries a unit",
    "year_invalid": "year is not a whole number",
    "year_out_of_range": "year outside the plausible range",
    "region_unknown": "region not known",
    "use_unknown": "use is neither energy nor feedstock",
    "flow_unknown": "flow is neither input nor output",
    "feedstock_not_fuel": "electricity, heat or steam cannot be 原料用能",
    "output_feedstock": "a row cannot be both 外供 (output) and 原料用能 (feedstock)",
    "ncv_unparsable": "measured NCV is not a number with a unit",
    "ncv_unit_missing": "measured NCV has no unit",
    "ncv_dimension": "measured NCV unit does not fit the carrier",
    "ncv_not_positive": "measured NCV is zero or negative",
    "ncv_not_fuel": "a measured NCV only applies to fuels",
    "ncv_implausible": "measured NCV is outside the plausible band",
    "tce_factor_missing": "no standard-coal factor for this carrier, basis and year",
    "co2_factor_missing": "no CO2 factor for this carrier, region and year",
}

_USE = {"": "energy", "energy": "energy", "能源": "energy", "燃料": "energy", "动力": "energy",
        "燃料动力": "energy", "feedstock": "feedstock", "原料": "feedstock", "原料用能": "feedstock",
        "原材料": "feedstock"}
_FLOW = {"": 1.0, "input": 1.0, "in": 1.0, "消费": 1.0, "投入": 1.0, "购入": 1.0, "输入": 1.0,
         "output": -1.0, "out": -1.0, "外供": -1.0, "输出": -1.0, "转供": -1.0, "外销": -1.0}
_CONF_RANK = {"verified": 0, "secondary": 1, "unverified": 2}
_CONF_NAME = {v: k for k, v in _CONF_RANK.items()}
#: Plausible measured NCV (GJ per t or per 万m3) — wider than the factor-table bands, catching
#: kJ-for-MJ slips: solid and liquid fuels 3–60 GJ/t (煤泥 ≈ 8, LPG ≈ 50), gases 20–600 GJ/万m3.
NCV_BAND = {"mass": (3.0, 60.0, "GJ/t"), "volume": (20.0, 600.0, "GJ/万m3")}


# ---------------------------------------------------------------------------------------------
# per-key resolution


@dataclass
class _Key:
    tce: dict[str, float] = field(default_factory=dict)       # basis -> tce per unit
    tce_id: dict[str, str] = field(default_factory=dict)
    co2: float = math.nan
    co2_id: str = ""
    scope: int = 0
    rank: int = 0
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # column, reason, msg, suggestion
    warnings: list[str] = field(default_factory=list)


def _q(value: float, unit: Any) -> pint.Quantity:
    from .units import get_registry

    return get_registry().Quantity(value, unit)


def _activity_error(carrier: Any, unit_text: str, unit: Any) -> tuple[str, str, str, str]:
    from .units import get_registry, measure_hint

    reg = get_registry()
    if unit.dimensionality == reg.get_dimensionality("[currency]") or "[currency]" in str(unit.dimensionality):
        return ("unit", "unit_money", f"{unit_text!r} is money; {carrier.name_zh} needs a physical unit",
                f"use {measure_hint(carrier.measure)}")
    return ("unit", "unit_dimension",
            f"{carrier.name_zh} ({carrier.id}) is measured by {carrier.measure}; {unit_text!r} is not",
            f"use {measure_hint(carrier.measure)}")


def _resolve_key(
    fs: FactorSet, carrier_id: str, unit_text: str, bases: Sequence[str], year: int | None,
    region: str | None, *, tce_factor: Any = None, co2_factor: Any = None, want_co2: bool = True,
) -> _Key:
    """Multipliers (per 1 unit of ``unit_text``) for one key, or the errors that prevent them."""
    from .units import MEASURES, get_registry, parse_unit

    reg = get_registry()
    k = _Key()
    carrier = fs.carriers.get(carrier_id)
    k.scope = carrier.scope
    try:
        unit = parse_unit(unit_text)
    except UnitError as exc:
        k.errors.append(("unit", "unit_unknown", str(exc), ", ".join(exc.suggestions)))
        return k
    if unit.dimensionality != reg.get_dimensionality(MEASURES[carrier.measure]):
        k.errors.append(_activity_error(carrier, unit_text, unit))
        return k
    one = reg.Quantity(1.0, unit)
    ranks = []
    for b in bases:
        if tce_factor is not None:
            coef, fid, rank = tce_factor, "user-supplied", 0
        else:
            try:
                f, msgs = fs._select(carrier_id, "tce_coefficient", year=year, basis=b)
            except FactorNotFoundError as exc:
                if b == "substitution" and carrier.category == "heat":
                    # GB/T 2589 gives 热力/蒸汽 等价值 only as "按供热煤耗计算": without a
                    # supplied factor the 当量值 factor is used, and named in tce_factor.
                    f, msgs = fs._select(carrier_id, "tce_coefficient", year=year, basis="calorific")
                else:
                    k.errors.append(("carrier", "tce_factor_missing", str(exc),
                                     "pass factor= or add the factor with FactorSet.override"))
                    return k
            coef, fid, rank = f.to_quantity(), f.id, _CONF_RANK.get(f.confidence, 2)
            k.warnings.extend(msgs)
        try:
            k.tce[b] = float((one * coef).to("tce").magnitude)
        except Exception:
            k.errors.append(("unit", "unit_dimension",
                             f"{unit_text!r} cannot be combined with the factor's unit {coef.units}", ""))
            return k
        k.tce_id[b] = fid
        ranks.append(rank)
    if want_co2:
        try:
            k.co2, k.co2_id, rank = _co2_per_unit(fs, carrier, one, year, region, co2_factor, k)
            ranks.append(rank)
        except FactorNotFoundError as exc:
            k.errors.append(("carrier", "co2_factor_missing", str(exc),
                             "pass co2=False, or add the factor with FactorSet.override"))
    k.rank = max(ranks) if ranks else 0
    return k


def _key_cache(fs: FactorSet) -> dict[tuple[Any, ...], _Key]:
    """Resolved keys of a factor set, kept on the set (its rows do not change once built)."""
    cache: dict[tuple[Any, ...], _Key] | None = getattr(fs, "_tanfeng_key_cache", None)
    if cache is None:
        cache = {}
        fs._tanfeng_key_cache = cache  # type: ignore[attr-defined]
    return cache


def _co2_per_unit(fs: FactorSet, carrier: Any, one: pint.Quantity, year: int | None, region: str | None,
                  co2_factor: Any, k: _Key, ncv: pint.Quantity | None = None) -> tuple[float, str, int]:
    """tCO2 per unit of activity, the factor id(s) and the worst confidence rank."""
    if co2_factor is not None:
        return float((one * co2_factor).to("tCO2").magnitude), "user-supplied", 0
    if carrier.category == "electricity":
        f, msgs = fs._select(carrier.id, "grid_co2", region=region, year=year)
        k.warnings.extend(msgs)
        return float((one * f.to_quantity()).to("tCO2").magnitude), f.id, _CONF_RANK.get(f.confidence, 2)
    if carrier.category == "heat":
        f, msgs = fs._select(carrier.id, "heat_co2", region=region, year=year)
        k.warnings.extend(msgs)
        if one.check("[energy]"):  # heat given as energy (GJ): its heat content is the quantity
            return float((one * f.to_quantity()).to("tCO2").magnitude), f.id, _CONF_RANK.get(f.confidence, 2)
        # steam given by mass: heat content from its tce coefficient (energy per tonne)
        heat, _ = fs._select(carrier.id, "tce_coefficient", year=year, basis="calorific")
        energy = one * heat.to_quantity()
        return (float((energy * f.to_quantity()).to("tCO2").magnitude), f"{heat.id}+{f.id}",
                max(_CONF_RANK.get(f.confidence, 2), _CONF_RANK.get(heat.confidence, 2)))
    if fs.candidates(carrier.id, "emission_factor").shape[0] and ncv is None:
        f, msgs = fs._select(carrier.id, "emission_factor", year=year)
        k.warnings.extend(msgs)
        return float((one * f.to_quantity()).to("tCO2").magnitude), f.id, _CONF_RANK.get(f.confidence, 2)
    parts = []
    if ncv is None:
        fn, msgs = fs._select(carrier.id, "ncv", year=year)
        k.warnings.extend(msgs)
        ncv = fn.to_quantity()
        parts.append(fn)
    fc, m1 = fs._select(carrier.id, "carbon_content", year=year)
    fo, m2 = fs._select(carrier.id, "oxidation_rate", year=year)
    k.warnings.extend(m1 + m2)
    parts += [fc, fo]
    of = float(fo.to_quantity().to("dimensionless").magnitude)
    co2 = float((one * ncv * fc.to_quantity()).to("tC").magnitude) * of * CO2_PER_CARBON
    ids = "+".join(p.id for p in parts) if ncv is not None and len(parts) == 3 else "measured-ncv+" + "+".join(p.id for p in parts)
    return co2, ids, max(_CONF_RANK.get(p.confidence, 2) for p in parts)


# ---------------------------------------------------------------------------------------------
# scalars


def _split_args(quantity: Any, unit: Any, carrier: Any) -> tuple[float, str, str]:
    if hasattr(quantity, "units") and hasattr(quantity, "magnitude"):
        if carrier is None:
            carrier, unit = unit, None
        if unit is not None:
            raise TypeError("give either a Quantity or (quantity, unit), not both")
        return float(quantity.magnitude), str(quantity.units), carrier
    if unit is None or carrier is None:
        raise TypeError("to_tce/to_co2 need (quantity, unit, carrier) or (Quantity, carrier)")
    return float(quantity), str(unit), carrier


def _check_scalar(value: float, what: str = "quantity") -> None:
    if not math.isfinite(value):
        raise InputError(_failures([(0, what, value, "quantity_infinite" if math.isinf(value) else "quantity_missing",
                                     REASONS["quantity_infinite" if math.isinf(value) else "quantity_missing"], "")]),
                         "arguments")
    if value < 0:
        raise InputError(_failures([(0, what, value, "quantity_negative", REASONS["quantity_negative"],
                                     "give consumption as a positive number; use flow='output' for 外供")]),
                         "arguments")


def _as_quantity(x: Any) -> Any:
    from .units import Q_

    if x is None or hasattr(x, "units"):
        return x
    return Q_(str(x))


def to_tce(
    quantity: Any,
    unit: Any = None,
    carrier: str | None = None,
    *,
    basis: str = "当量值",
    year: int | None = None,
    factors: FactorSet | None = None,
    factor: Any = None,
    ncv: Any = None,
) -> pint.Quantity:
    """Convert one quantity of an energy carrier to standard coal (tce).

    Parameters
    ----------
    quantity : float or pint.Quantity
        Amount consumed (a Quantity may replace ``quantity, unit``).
    unit : str
        Its unit, as written on the sheet (``"t"``, ``"万kWh"``, ``"万m3"``, ``"GJ"`` …).
    carrier : str
        Carrier name in Chinese or English (``"原煤"``, ``"电力"``, ``"natural_gas"``).
    basis : {"当量值", "等价值", "calorific", "substitution"}
        当量值 counts electricity by its own energy content (0.1229 kgce/kWh); 等价值 by the
        primary energy used to generate it (a year-stamped factor).
    year : int, optional
        Data year, for year-stamped factors (等价值 of electricity).
    factors : FactorSet, optional
        Defaults to ``FactorSet.default()``.
    factor : pint.Quantity or str, optional
        Use this coefficient instead of the database (``"0.300 kgce/kWh"``).
    ncv : pint.Quantity or str, optional
        Measured 低位发热量 (``"22.0 GJ/t"``): tce = m × Q / 29 307.6 kJ/kgce (GB/T 2589).

    Returns
    -------
    pint.Quantity
        In ``tce``.

    Examples
    --------
    >>> to_tce(1000, "t", "原煤")
    <Quantity(714.3, 'tce')>
    >>> to_tce(100, "万kWh", "电力").m
    122.9
    >>> round(to_tce(1000, "t", "原煤", ncv="22.0 GJ/t").m, 2)
    750.66
    """
    from .units import get_registry

    value, unit_text, name = _split_args(quantity, unit, carrier)
    _check_scalar(value)
    fs = factors or FactorSet.default()
    cid = fs.carriers.resolve(name)
    b = normalize_basis(basis)
    if b == "both":
        raise ValueError("to_tce returns one number: choose basis='当量值' or '等价值' (account() does both)")
    reg = get_registry()
    if ncv is not None:
        nq = _as_quantity(ncv)
        c = fs.carriers.get(cid)
        if c.category in ("electricity", "heat"):
            raise InputError(_failures([(0, "ncv", str(ncv), "ncv_not_fuel", REASONS["ncv_not_fuel"], "")]), "arguments")
        try:
            return reg.Quantity(float((reg.Quantity(value, unit_text) * nq).to("tce").magnitude), "tce")
        except Exception as exc:
            raise UnitError(str(nq.units), f"does not fit {value} {unit_text} of {c.name_zh}") from exc
    k = _resolve_key(fs, cid, unit_text, [b], year, None, tce_factor=_as_quantity(factor), want_co2=False)
    _raise_key_errors(k, name, unit_text)
    for m in dict.fromkeys(k.warnings):
        warnings.warn(m, FactorFallbackWarning, stacklevel=2)
    return reg.Quantity(_round_float(value * k.tce[b]), "tce")


def to_co2(
    quantity: Any,
    unit: Any = None,
    carrier: str | None = None,
    *,
    year: int | None = None,
    region: str = "national",
    factors: FactorSet | None = None,
    factor: Any = None,
    ncv: Any = None,
) -> pint.Quantity:
    """CO2 from one quantity of an energy carrier, in ``tCO2``.

    Fuels: AD × NCV × CC × OF × 44/12 (GB/T 32151.22-2024 表C.1 defaults, or a measured ``ncv``);
    purchased electricity: the grid factor of ``region`` and ``year`` (MEE/NBS notices); heat and
    steam: heat content × 0.11 tCO2/GJ. ``factor`` overrides the database (``"0.5703 tCO2/MWh"``).

    Examples
    --------
    >>> round(to_co2(5, "万m3", "天然气").m, 2)
    108.11
    >>> to_co2(100, "万kWh", "电力", region="浙江", year=2022).m
    515.3
    """
    from .units import get_registry

    value, unit_text, name = _split_args(quantity, unit, carrier)
    _check_scalar(value)
    fs = factors or FactorSet.default()
    cid = fs.carriers.resolve(name)
    reg = get_registry()
    carrier_obj = fs.carriers.get(cid)
    if ncv is not None:
        k = _Key()
        one = reg.Quantity(1.0, unit_text)
        co2, _, _ = _co2_per_unit(fs, carrier_obj, one, year, region, None, k, ncv=_as_quantity(ncv))
    else:
        k = _resolve_key(fs, cid, unit_text, ["calorific"], year, region, co2_factor=_as_quantity(factor))
        _raise_key_errors(k, name, unit_text)
        co2 = k.co2
    for m in dict.fromkeys(k.warnings):
        warnings.warn(m, FactorFallbackWarning, stacklevel=2)
    return reg.Quantity(_round_float(value * co2), "tCO2")


def _round_float(x: float) -> float:
    """Trim binary noise (714.3000000000001 -> 714.3) without changing any significant digit."""
    return float(f"{x:.12g}")


def _raise_key_errors(k: _Key, carrier: Any, unit: str) -> None:
    if not k.errors:
        return
    col, reason, msg, sugg = k.errors[0]
    if reason == "unit_unknown":
        from .units import parse_unit

        parse_unit(unit)  # raises the UnitError with its suggestions
    if reason in ("tce_factor_missing", "co2_factor_missing"):
        raise FactorNotFoundError(msg)
    value = unit if col == "unit" else carrier
    raise InputError(_failures([(0, col, value, reason, msg, sugg)]), "arguments")


def _failures(rows: Sequence[tuple[Any, str, Any, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["row", "column", "value", "reason", "message", "suggestion"])


# ---------------------------------------------------------------------------------------------
# tables


def _find_columns(df: pd.DataFrame, columns: Mapping[str, str] | None) -> dict[str, str]:
    """Map standard names (carrier, quantity, …) to the frame's own column names."""
    found: dict[str, str] = {}
    lookup = {unicodedata.normalize("NFKC", str(c)).strip().lower(): c for c in df.columns}
    for std, aliases in COLUMN_ALIASES.items():
        if columns and std in columns:
            if columns[std] not in df.columns:
                raise KeyError(f"columns={{{std!r}: {columns[std]!r}}}: no such column in the table")
            found[std] = columns[std]
            continue
        for a in aliases:
            c = lookup.get(a.lower())
            if c is not None:
                found[std] = c
                break
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
        ok = reasons == 0
        reasons[ok & np.isnan(vals)] = _QCODE["quantity_missing"]
        reasons[ok & np.isinf(vals)] = _QCODE["quantity_infinite"]
        reasons[ok & (vals < 0)] = _QCODE["quantity_negative"]
    return vals, reasons


def _codes(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1 = missing) and the distinct values, reusing a Categorical's codes."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return np.asarray(col.cat.codes, dtype=np.int64), pd.Index(col.cat.categories)
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques)


def account(
    records: pd.DataFrame,
    *,
    basis: str = "当量值",
    region: str | None = "national",
    year: int | None = None,
    factors: FactorSet | None = None,
    errors: str = "raise",
    co2: bool = True,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Convert a table of energy records to tce and CO2, row by row, keeping every row.

    Parameters
    ----------
    records : DataFrame
        Long format: one row per (entity, period, carrier) with columns ``carrier``,
        ``quantity``, ``unit`` (Chinese headers such as 能源品种, 消费量, 计量单位 are recognised,
        see `COLUMN_ALIASES`), plus any id columns, kept as they are. Optional columns:
        ``year``, ``region``, ``use`` (``energy`` | ``feedstock`` 原料用能), ``flow``
        (``input`` | ``output`` 外供), ``ncv`` (measured 低位发热量 with unit, ``"22.0 GJ/t"``).
    basis : {"当量值", "等价值", "both"}
        Electricity/heat basis for ``tce``. ``"both"`` adds ``tce_calorific`` and
        ``tce_substitution`` (``tce`` is then the 当量值, the statistical convention).
    region : str, optional
        Grid region for electricity CO2 (``"浙江"``, ``"华东"``, ``"national"``); a ``region``
        column overrides it per row.
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

    Returns
    -------
    DataFrame
        The input rows (same order and index) plus ``tce``, ``tce_excl_feedstock``, ``co2_t``,
        ``scope``, ``tce_factor``, ``co2_factor``, ``confidence`` (and ``problem`` when
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
    if errors not in ("raise", "report"):
        raise ValueError("errors must be 'raise' or 'report'")
    if not isinstance(records, pd.DataFrame):
        raise TypeError(f"account() takes a pandas DataFrame, got {type(records).__name__}")
    fs = factors or FactorSet.default()
    b = normalize_basis(basis)
    bases = ["calorific", "substitution"] if b == "both" else [b]
    cols = _find_columns(records, columns)
    n = len(records)
    index = records.index
    fails: list[pd.DataFrame] = []

    def add_fail(mask: np.ndarray, column: str, values: Any, reason: str, message: str | Callable[[Any], str],
                 suggestion: str | Callable[[Any], str] = "") -> None:
        if not mask.any():
            return
        pos = np.flatnonzero(mask)
        if isinstance(values, pd.Series):
            vals = values.iloc[pos].to_numpy(dtype=object)
        elif np.isscalar(values):
            vals = np.full(len(pos), values, dtype=object)
        else:
            vals = np.asarray(values, dtype=object)[pos]
        msg = [message(v) for v in vals] if callable(message) else message
        sug = [suggestion(v) for v in vals] if callable(suggestion) else suggestion
        fails.append(pd.DataFrame({"pos": pos, "column": column, "value": vals, "reason": reason,
                                   "message": msg, "suggestion": sug}))

    # --- quantities
    qcol = records[cols["quantity"]]
    qty, qreason = _quantities(qcol)
    qraw = qcol
    for r in ("quantity_missing", "quantity_negative", "quantity_infinite", "quantity_not_numeric", "quantity_with_unit"):
        sugg = {"quantity_negative": "consumption is positive; mark 外供 rows with flow='output'",
                "quantity_with_unit": "put the unit in the unit column and the number alone here",
                "quantity_not_numeric": "write a plain number (1,200 / １２００ / 12万 are understood)",
                "quantity_missing": "fill in the quantity (0 if nothing was used)"}.get(r, "")
        add_fail(qreason == _QCODE[r], cols["quantity"], qraw, r, REASONS[r], sugg)
    bad_row = qreason != 0

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
                     f"{name!r} is not an energy carrier tanfeng knows",
                     ("closest: " + ", ".join(exc.suggestions)) if exc.suggestions else "see tanfeng.carriers.table()")
    blank_carrier = ccodes < 0
    for i, name in enumerate(cuniq):
        if cids[i] is None and not (isinstance(name, str) and name.strip()) :
            blank_carrier |= ccodes == i
    add_fail(blank_carrier, cols["carrier"], craw, "carrier_missing", REASONS["carrier_missing"],
             "fill in the energy carrier (能源品种)")
    carrier_ok = np.append(cok, False)[ccodes]  # code -1 (missing) reads the trailing False
    bad_row |= ~carrier_ok

    # --- units
    ucodes, uuniq = _codes(records[cols["unit"]])
    utexts = [str(u).strip() if isinstance(u, str) else "" for u in uuniq]
    ublank = ucodes < 0
    for i, t in enumerate(utexts):
        if not t:
            ublank |= ucodes == i
    add_fail(ublank, cols["unit"], records[cols["unit"]], "unit_missing",
             REASONS["unit_missing"], "fill in the unit (计量单位), e.g. 吨, 万千瓦时, 万立方米")
    bad_row |= ublank

    # --- optional columns: year, region, use, flow
    years = np.full(n, -1, dtype=np.int64)
    if "year" in cols:
        yraw = records[cols["year"]]
        if pd.api.types.is_integer_dtype(yraw.dtype) and not isinstance(yraw.dtype, pd.api.extensions.ExtensionDtype):
            ynum = yraw.to_numpy()  # plain integers: nothing to parse
            given = np.ones(n, dtype=bool)
        else:
            ynum = pd.to_numeric(yraw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            given = ~pd.isna(yraw).to_numpy()
        with np.errstate(invalid="ignore"):
            yinvalid = (given & (np.isnan(ynum) | (ynum != np.round(ynum))) if ynum.dtype.kind == "f"
                        else np.zeros(n, dtype=bool))
            yrange = given & ~yinvalid & ((ynum < YEAR_RANGE[0]) | (ynum > YEAR_RANGE[1]))
        add_fail(yinvalid, cols["year"], yraw, "year_invalid", REASONS["year_invalid"],
                 "write the year as a number such as 2022")
        add_fail(yrange, cols["year"], yraw, "year_out_of_range",
                 f"year outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]}", "check the year column")
        bad_row |= yinvalid | yrange
        okyear = given & ~yinvalid & ~yrange
        if okyear.all():
            years = ynum.astype(np.int64)
        else:
            years[okyear] = ynum[okyear].astype(np.int64)
        if year is not None:
            years[~given] = int(year)
    elif year is not None:
        years[:] = int(year)
    if "year" in cols:
        # years are small integers: offset codes instead of hashing (-1 = no year)
        lo = int(years[years >= 0].min()) if (years >= 0).any() else 0
        ycodes = np.where(years >= 0, years - lo + 1, 0)
        yuniq = np.array([-1, *range(lo, int(years.max()) + 1)] if (years >= 0).any() else [-1])
    else:
        ycodes, yuniq = np.zeros(n, dtype=np.int64), np.array([years[0] if n else -1])

    default_region = fs.regions.resolve(region) if region else "national"
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
                         f"{name!r} is not a region tanfeng knows",
                         ("closest: " + ", ".join(getattr(exc, "suggestions", []))) or "use a province (浙江) or grid region (华东)")
        rid_of_code = np.array([*rids, default_region], dtype=object)
        rcodes = np.where(rcodes < 0, len(runiq), rcodes) if (rcodes < 0).any() else rcodes
        rvalid = np.array([r is not None for r in rid_of_code])
        bad_row |= ~rvalid[rcodes]
    else:
        rid_of_code = np.array([default_region], dtype=object)
        rcodes = np.zeros(n, dtype=np.int64)

    feed = np.zeros(n, dtype=bool)
    if "use" in cols:
        uc, uu = _codes(records[cols["use"]])
        umap = np.array([_USE.get(unicodedata.normalize("NFKC", str(x)).strip().lower(), "?") for x in uu] + ["energy"], dtype=object)
        uval = umap[np.where(uc < 0, len(uu), uc)]
        add_fail(uval == "?", cols["use"], records[cols["use"]], "use_unknown",
                 REASONS["use_unknown"], "use 'energy' (燃料动力) or 'feedstock' (原料用能)")
        bad_row |= uval == "?"
        feed = uval == "feedstock"
    sign = np.ones(n)
    if "flow" in cols:
        fc, fu = _codes(records[cols["flow"]])
        fmap = np.array([_FLOW.get(unicodedata.normalize("NFKC", str(x)).strip().lower(), np.nan) for x in fu] + [1.0])
        sign = fmap[np.where(fc < 0, len(fu), fc)]
        add_fail(np.isnan(sign), cols["flow"], records[cols["flow"]], "flow_unknown",
                 REASONS["flow_unknown"], "use 'input' (消费) or 'output' (外供)")
        bad_row |= np.isnan(sign)
        both = feed & (sign < 0)
        add_fail(both, cols["flow"], records[cols["flow"]], "output_feedstock",
                 REASONS["output_feedstock"], "")
        bad_row |= both

    # --- keys: (carrier code, unit code, year code, region code)
    nc, nu, ny, nr = max(len(cuniq), 1), max(len(uuniq), 1), max(len(yuniq), 1), len(rid_of_code)
    size = nc * nu * ny * nr
    kt = np.int32 if size < 2**31 else np.int64
    safe_c = np.maximum(ccodes, 0).astype(kt, copy=False)
    safe_u = np.maximum(ucodes, 0).astype(kt, copy=False)
    kcode = safe_c * kt(nu) + safe_u
    if ny > 1:
        kcode = kcode * kt(ny) + ycodes.astype(kt, copy=False)
    if nr > 1:
        kcode = kcode * kt(nr) + rcodes.astype(kt, copy=False)
    usable = carrier_ok & ~ublank
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
    fallback: list[str] = []
    cache = _key_cache(fs)
    for j, kc in enumerate(present.tolist()):
        r = kc % nr
        y = (kc // nr) % ny
        u = (kc // (nr * ny)) % nu
        c = kc // (nr * ny * nu)
        yv = int(yuniq[y]) if len(yuniq) and int(yuniq[y]) >= 0 else None
        cid = cids[c]
        carrier = fs.carriers.get(cid)
        category[j] = carrier.category
        ck = (cid, utexts[u], tuple(bases), yv, rid_of_code[r], co2)
        k = cache.get(ck)
        if k is None:
            k = cache[ck] = _resolve_key(fs, cid, utexts[u], bases, yv, rid_of_code[r], want_co2=co2)
        fallback.extend(k.warnings)
        if b != "calorific" and carrier.category == "electricity" and yv is None:
            fallback.append(f"basis 等价值 without a year for {cid}: used the latest data year "
                            f"({k.tce_id.get('substitution', '?')}); pass year= to choose")
        scopes[j] = k.scope
        if k.errors:
            key_bad[j] = True
            for column, reason, msg, sugg in k.errors:
                colname = cols["unit"] if column == "unit" else cols["carrier"]
                mask = kidx == j
                add_fail(mask, colname, records[colname], reason, msg, sugg)
            continue
        for bb in bases:
            tce_mult[bb][j] = k.tce[bb]
            tce_ids[bb][j] = k.tce_id[bb]
        co2_mult[j] = k.co2 if co2 else np.nan
        co2_ids[j] = k.co2_id if co2 else None
        ranks[j] = k.rank
    kk = np.where(kidx < 0, nk, kidx) if not usable.all() else kidx
    bad_row |= key_bad[kk] | (kidx < 0)
    key_secondary = np.isin(category, ["electricity", "heat"])

    # --- feedstock on secondary energy
    fnf = feed & key_secondary[kk] if feed.any() else np.zeros(n, dtype=bool)
    if "use" in cols:
        add_fail(fnf, cols["use"], records[cols["use"]], "feedstock_not_fuel",
                 REASONS["feedstock_not_fuel"], "only fuels (coal, oil, gas) can be 原料用能")
    bad_row |= fnf

    # --- values
    qv = qty * sign if "flow" in cols else qty
    out_tce = {bb: qv * tce_mult[bb][kk] for bb in bases}

    # --- measured NCV (per row)
    ncv_rows = np.zeros(n, dtype=bool)
    if "ncv" in cols:
        ncv_rows, ncv_tce, ncv_co2, ncv_bad = _measured_ncv(
            records[cols["ncv"]], cols["ncv"], ccodes, cids, ucodes, utexts, ycodes, yuniq, rcodes, rid_of_code,
            fs, qv, add_fail, co2)
        for bb in bases:
            out_tce[bb] = np.where(ncv_rows, ncv_tce, out_tce[bb])
        bad_row |= ncv_bad
    co2_vals = qv * co2_mult[kk]
    if "ncv" in cols:
        co2_vals = np.where(ncv_rows, ncv_co2, co2_vals)
    if feed.any():
        co2_vals = np.where(feed, 0.0, co2_vals)

    failures = _collect(fails, index)
    if len(failures) and errors == "raise":
        raise InputError(failures, "records table")

    main = "calorific" if b == "both" else b
    any_bad = bool(bad_row.any())

    def blank_bad(x: np.ndarray) -> np.ndarray:
        return np.where(bad_row, np.nan, x) if any_bad else x

    kb = np.where(bad_row, nk, kk) if any_bad else kk  # bad rows read the empty slot nk
    new: dict[str, Any] = {}
    tce = blank_bad(out_tce[main])
    new["tce"] = tce
    new["tce_excl_feedstock"] = np.where(feed, 0.0, tce) if feed.any() else tce.copy()
    if b == "both":
        new["tce_calorific"] = blank_bad(out_tce["calorific"])
        new["tce_substitution"] = blank_bad(out_tce["substitution"])
    new["co2_t"] = blank_bad(co2_vals) if co2 else np.full(n, np.nan)
    scope_k = scopes.copy()
    scope_k[nk] = 0
    srow = scope_k[kb]
    new["scope"] = pd.arrays.IntegerArray(srow, srow == 0)
    new["tce_factor"] = _cat_from_codes(tce_ids[main], kb, ncv_rows & ~bad_row, "measured-ncv")
    new["co2_factor"] = _cat_from_codes(co2_ids, kb, None, "")
    ranks_k = ranks.astype(np.int8)
    ranks_k[nk] = -1
    new["confidence"] = pd.Categorical.from_codes(ranks_k[kb], categories=["verified", "secondary", "unverified"])
    added = pd.DataFrame(new, index=index, copy=False)
    out = pd.concat([records.drop(columns=[c for c in new if c in records.columns]), added], axis=1)
    if errors == "report":
        out["problem"] = _problem_text(failures, n, index)
    fb = list(dict.fromkeys(fallback))
    for m in fb:
        warnings.warn(m, FactorFallbackWarning, stacklevel=2)
    out.attrs = dict(records.attrs)
    out.attrs["tanfeng"] = {
        "factor_set": fs.version, "basis": b, "region": default_region, "year": year,
        "errors": errors, "co2": co2, "rows_with_problems": int(bad_row.sum()), "fallbacks": fb,
        "columns": cols,
    }
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
    return pd.Categorical.from_codes(codes, categories=cats)


def _measured_ncv(col: pd.Series, colname: str, ccodes: np.ndarray, cids: np.ndarray, ucodes: np.ndarray,
                  utexts: list[str], ycodes: np.ndarray, yuniq: np.ndarray, rcodes: np.ndarray,
                  rid_of_code: np.ndarray, fs: FactorSet, qv: np.ndarray,
                  add_fail: Callable[..., None], want_co2: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """tce (= m × Q / 29 307.6 kJ/kgce) and CO2 (= m × Q × CC × OF × 44/12) for rows with a measured NCV."""
    from .units import MEASURES, get_registry

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
            add_fail(mask, colname, raw, "ncv_not_fuel", REASONS["ncv_not_fuel"], "remove the NCV for this row")
            bad |= mask
            continue
        try:
            nq = reg.Quantity(text)
            if not hasattr(nq, "units"):
                raise ValueError
        except Exception:
            add_fail(mask, colname, raw, "ncv_unparsable", REASONS["ncv_unparsable"], "write e.g. '22.0 GJ/t'")
            bad |= mask
            continue
        if nq.dimensionless:
            add_fail(mask, colname, raw, "ncv_unit_missing", REASONS["ncv_unit_missing"], "write e.g. '22.0 GJ/t' or '5200 kcal/kg'")
            bad |= mask
            continue
        want = reg.get_dimensionality(f"[energy] / ({MEASURES[carrier.measure]})")
        if nq.dimensionality != want:
            add_fail(mask, colname, raw, "ncv_dimension",
                     f"{text!r} does not fit {carrier.name_zh}, measured by {carrier.measure}",
                     "GJ/t for solids and liquids, GJ/万m3 for gases")
            bad |= mask
            continue
        if nq.magnitude <= 0:
            add_fail(mask, colname, raw, "ncv_not_positive", REASONS["ncv_not_positive"], "")
            bad |= mask
            continue
        lo, hi, bu = NCV_BAND[carrier.measure] if carrier.measure in NCV_BAND else (0, math.inf, str(nq.units))
        x = float(nq.to(bu).magnitude)
        if not lo <= x <= hi:
            add_fail(mask, colname, raw, "ncv_implausible",
                     f"{text!r} = {x:.4g} {bu}, outside the plausible {lo}–{hi} {bu}", "check the unit (kJ vs MJ?)")
            bad |= mask
            continue
        one = reg.Quantity(1.0, utexts[u])
        try:
            per_unit_tce = float((one * nq).to("tce").magnitude)
        except Exception:
            continue  # the unit error is reported by the key check
        tce[rows] = qv[rows] * per_unit_tce
        if want_co2:
            k = _Key()
            yv = int(yuniq[y]) if int(yuniq[y]) >= 0 else None
            try:
                per_unit_co2, _, _ = _co2_per_unit(fs, carrier, one, yv, rid_of_code[r], None, k, ncv=nq)
                co2v[rows] = qv[rows] * per_unit_co2
            except FactorNotFoundError:
                pass
    return has & ~bad, tce, co2v, bad


def _collect(fails: list[pd.DataFrame], index: pd.Index) -> pd.DataFrame:
    if not fails:
        return pd.DataFrame(columns=["row", "column", "value", "reason", "message", "suggestion"])
    f = pd.concat(fails, ignore_index=True).sort_values(["pos", "column"], kind="stable")
    f.insert(0, "row", index.to_numpy()[f["pos"].to_numpy()])
    return f.drop(columns="pos").reset_index(drop=True)


def _problem_text(failures: pd.DataFrame, n: int, index: pd.Index) -> pd.Series:
    text = np.full(n, "", dtype=object)
    if len(failures):
        pos_of = pd.Series(np.arange(n), index=index)
        pos_of = pos_of[~pos_of.index.duplicated()]
        joined = failures.assign(t=failures["reason"] + ": " + failures["message"].astype(str)).groupby(
            "row", sort=False)["t"].agg("; ".join)
        for row, t in joined.items():
            # duplicated index labels: every row with that label shares the text
            text[np.flatnonzero(index.to_numpy() == row)] = t
    return pd.Series(text, index=index, dtype=object)


def summarize(result: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Totals of an `account` result: tce (both bases where present), CO2, CO2 per tce, rows,
    rows with problems and the share of rows on non-verified factors.

    Examples
    --------
    >>> import pandas as pd, tanfeng
    >>> r = tanfeng.account(pd.DataFrame({"town": ["陶朱", "陶朱", "店口"], "carrier": ["原煤", "电力", "柴油"],
    ...                                    "quantity": [1000, 100, 200], "unit": ["t", "万kWh", "t"]}))
    >>> summarize(r, by="town")["tce"].round(2).to_dict()
    {'店口': 291.42, '陶朱': 837.2}
    """
    if "tce" not in result.columns:
        raise ValueError("summarize() takes the result of tanfeng.account()")
    keys = [by] if isinstance(by, str) else list(by or [])
    df = result.assign(_rows=1, _problem=result["tce"].isna().astype(int),
                       _unverified=(result["confidence"].astype(str) != "verified").astype(int))
    vals = [c for c in ("tce", "tce_excl_feedstock", "tce_calorific", "tce_substitution", "co2_t") if c in df]
    agg = {c: "sum" for c in [*vals, "_rows", "_problem", "_unverified"]}
    g = df.groupby(keys, observed=True, sort=True).agg(agg) if keys else df.agg(agg).to_frame().T
    g["co2_per_tce"] = g["co2_t"] / g["tce"] if "co2_t" in g else np.nan
    g["share_not_verified"] = g["_unverified"] / g["_rows"]
    g = g.rename(columns={"_rows": "rows", "_problem": "rows_with_problems"}).drop(columns="_unverified")
    g.attrs = {"tanfeng": result.attrs.get("tanfeng", {})}
    return g
