"""Factor keys to multipliers: what one unit of a carrier is worth in tce and in CO2.

A *key* is (carrier, unit, year, region, basis, variant). Resolving it picks the factors by
the rule of `FactorSet.select` and turns them, with pint, into two plain numbers per unit of
the key's unit: tce on the key's basis and tCO2. The accounting engine resolves each distinct
key of a table once (`FactorSet.resolve`) and then multiplies with numpy; this module holds the
rules that decide *which* factors a key needs:

* tce: the GB/T 2589 折标准煤系数 of the basis; for heat on 等价值 without one, the 当量值
  factor (GB/T 2589 gives 热力 等价值 only as "按供热煤耗计算"); for a fuel without a
  coefficient (烟煤, 无烟煤, 石油焦 …), its cited 低位发热量 (tce = m × NCV / 29 307.6 kJ).
* CO2: electricity by the grid factor of region and year; heat by its heat factor (steam by
  mass through its heat content); fuels by a stated emission factor, else NCV × CC × OF × 44/12.

Examples
--------
>>> from tanfeng import FactorSet
>>> k = FactorSet.default().resolve_key("电力", "万kWh", region="浙江", year=2022)
>>> round(k.tce, 4), round(k.co2, 4), k.scope, k.confidence
(1.229, 5.153, 2, 'secondary')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from typing_extensions import Unpack

from ._rules import CONFIDENCE
from .cells import Text
from .errors import FactorFallbackWarning, FactorNotFoundError, UnitError
from .factors import FactorRequest, normalize_basis, read_request

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pint

    from .carriers import Carrier
    from .factors import Factor, FactorSet

__all__ = [
    "CONFIDENCE_ORDER",
    "KEY_COLUMNS",
    "RESOLVED_COLUMNS",
    "KeyOptions",
    "ResolvedKey",
    "co2_per_unit",
    "heat_by_enthalpy",
    "resolve_key",
    "resolve_table",
]

#: The columns of a key table (`FactorSet.resolve`); only ``carrier`` and ``unit`` are required.
KEY_COLUMNS = ("carrier", "unit", "year", "region", "basis", "variant")
#: The columns `FactorSet.resolve` adds to the key table.
RESOLVED_COLUMNS = ("tce_per_unit", "co2_per_unit", "tce_factor", "co2_factor", "scope", "confidence",
                    "fallback", "reason", "message", "suggestion")
#: Confidence marks from best to worst (`tanfeng._rules.CONFIDENCE`); a key's confidence is the
#: worst of its factors.
CONFIDENCE_ORDER = CONFIDENCE
#: Error reasons that concern the unit (the others concern the carrier).
_UNIT_REASONS = ("unit_unknown", "unit_dimension", "unit_money")


class KeyOptions(FactorRequest, total=False):
    """The keywords of a key beside carrier and unit: `resolve_key` and `FactorSet.resolve_key`
    (each optional; the defaults are `resolve_key`'s).

    The `~tanfeng.factors.FactorRequest` keys (``region``, ``year``, ``basis`` — default
    当量值 here —, ``variant``) plus ``co2`` (resolve the CO2 factor too; default yes),
    ``pressure`` (MPa, absolute) and ``temperature`` (℃) of steam and hot water, or a gas
    volume's metering temperature.

    Examples
    --------
    >>> from tanfeng import FactorSet
    >>> options: KeyOptions = {"basis": "等价值", "year": 2022, "co2": False}
    >>> round(FactorSet.default().resolve_key("电力", "万kWh", **options).tce, 4)
    3.055
    """

    co2: bool
    pressure: float | None
    temperature: float | None


@dataclass(frozen=True)
class ResolvedKey:
    """One resolved key: multipliers per unit, the factors behind them, or why there are none.

    ``tce`` is tce per one ``unit`` on ``basis``; ``co2`` is tCO2 per one ``unit`` (NaN when
    not asked). ``reason`` is empty when the key resolved, else a reason code of
    ``tanfeng.accounting.REASONS`` with ``message`` and ``suggestion``.

    Examples
    --------
    >>> from tanfeng import FactorSet
    >>> k = FactorSet.default().resolve_key("原煤", "t")
    >>> k.tce, k.tce_factor, k.ok
    (0.7143, 'gbt2589-2008-a1-raw-coal', True)
    """

    carrier: str
    unit: str
    year: int | None = None
    region: str | None = None
    basis: str = "calorific"
    variant: str = ""
    tce: float = math.nan
    tce_factor: str = ""
    co2: float = math.nan
    co2_factor: str = ""
    scope: int = 0
    confidence: str = ""
    fallbacks: tuple[FactorFallbackWarning, ...] = ()
    reason: str = ""
    message: str = ""
    suggestion: str = ""
    error: FactorNotFoundError | None = field(default=None, compare=False, repr=False)
    #: 等价值 of electricity: the data year, the coal-rate year asked and the value used
    #: (`tanfeng.substitution.SubstitutionChoice.record`); empty otherwise
    substitution: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        """True when the key resolved (no error reason)."""
        return not self.reason

    @property
    def column(self) -> str:
        """The input column an error concerns: ``"unit"`` or ``"carrier"``."""
        return "unit" if self.reason in _UNIT_REASONS else "carrier"


def _worst(confidences: list[str]) -> str:
    ranks = [CONFIDENCE_ORDER.index(c) if c in CONFIDENCE_ORDER else len(CONFIDENCE_ORDER) - 1 for c in confidences]
    return CONFIDENCE_ORDER[max(ranks)] if ranks else ""


def _per_unit(one: pint.Quantity, factor: Any, to: str) -> float:
    return float((one * factor).to(to).magnitude)


def _unit_error(carrier: Carrier, unit_text: str, unit: Any) -> tuple[str, str, str]:
    from .units import get_registry, measure_hint

    reg = get_registry()
    if unit.dimensionality == reg.get_dimensionality("[currency]") or "[currency]" in str(unit.dimensionality):
        return ("unit_money", f"{unit_text!r} is money; {carrier.name_zh} needs a physical unit",
                f"use {measure_hint(carrier.measure)}")
    return ("unit_dimension", f"{carrier.name_zh} ({carrier.id}) is measured by {carrier.measure}; {unit_text!r} is not",
            f"use {measure_hint(carrier.measure)}")


def _tce_factor(fs: FactorSet, carrier: Carrier, year: int | None, basis: str,
                variant: str) -> tuple[Factor, list[FactorFallbackWarning]]:
    """The factor that converts the carrier to tce on ``basis`` (see the module rules)."""
    try:
        f, fb = fs.lookup(carrier.id, "tce_coefficient", year=year, basis=basis, variant=variant)
        return f, list(fb)
    except FactorNotFoundError:
        if basis == "substitution" and carrier.category == "heat":
            f, fb = fs.lookup(carrier.id, "tce_coefficient", year=year, basis="calorific", variant=variant)
            return f, list(fb)
        if carrier.category in ("electricity", "heat") or not len(fs.candidates(carrier.id, "ncv")):
            raise
    f, fb = fs.lookup(carrier.id, "ncv", year=year, variant=variant)
    note = FactorFallbackWarning(
        Text("tce_by_ncv", carrier=carrier.name_zh, carrier_id=carrier.id, value=f.value, unit=f.unit, used=f.id),
        carrier=carrier.id, quantity="tce_coefficient", year=year, used=f.id, used_year=f.data_year)
    return f, [*fb, note]


def resolve_key(
    fs: FactorSet,
    carrier: str,
    unit: str,
    *,
    co2: bool = True,
    tce_factor: Any = None,
    co2_factor: Any = None,
    pressure: float | None = None,
    temperature: float | None = None,
    **request: Unpack[FactorRequest],
) -> ResolvedKey:
    """Resolve one key against ``fs`` (uncached; `FactorSet.resolve_key` caches it).

    ``carrier`` is a carrier id or name. The `~tanfeng.factors.FactorRequest` keywords pick the
    factors: ``region`` a region name or id (blank: national), ``year`` the data year, ``basis``
    当量值 (``"calorific"``, the default) or 等价值 (``"substitution"``), ``variant``.
    ``co2=False`` leaves the CO2 factor out. ``tce_factor`` / ``co2_factor`` (pint Quantities)
    replace the factor set's choice.
    ``pressure`` (MPa, absolute) and ``temperature`` (℃) describe steam and hot water given by
    mass (heat by enthalpy, `tanfeng.steam`); on a gas volume ``temperature`` is the metering
    temperature (converted to 0 ℃, `tanfeng.gas`), as is a bracketed one in the unit (``万m³(20℃)``).
    """
    c = fs.carriers.get(fs.carriers.resolve(carrier))
    region, year, basis, variant = read_request(request, basis="calorific")
    region = fs.regions.resolve(region) if region else None
    key: dict[str, Any] = {"carrier": c.id, "unit": unit, "year": year, "region": region, "basis": basis,
                           "variant": variant, "scope": c.scope}
    tce, tce_id = math.nan, ""
    try:
        act = _activity(c, unit, pressure, temperature)
        confidences: list[str] = []
        substitution: dict[str, Any] = {}
        if tce_factor is not None:
            tce_id, coef = "user-supplied", tce_factor
        else:
            tce_id, coef, confidences, substitution = _tce_choice(fs, c, act, year, basis, variant)
        try:
            tce = _per_unit(act.one, coef, "tce")
        except Exception:
            tce_id = ""
            raise _KeyProblem("unit_dimension", f"{unit!r} cannot be combined with the factor's unit "
                                                f"{getattr(coef, 'units', coef)}") from None
        co2_value, co2_id = math.nan, ""
        if co2:
            co2_value, co2_id = _co2_choice(fs, c, act, year, region, co2_factor, confidences)
    except _KeyProblem as p:
        return ResolvedKey(**key, tce=tce, tce_factor=tce_id, reason=p.reason, message=p.message,
                           suggestion=p.suggestion, error=p.error)
    if act.gas_t is not None:  # say in the factor ids that the volume was converted to 0 ℃
        mark = f"volume[{act.gas_t:g}℃→0℃]+"
        tce_id, co2_id = mark + tce_id, (mark + co2_id) if co2_id else co2_id
    return ResolvedKey(**key, tce=tce, tce_factor=tce_id, co2=co2_value, co2_factor=co2_id,
                       confidence=_worst(confidences) or "verified", fallbacks=tuple(act.fallbacks),
                       substitution=substitution)


class _KeyProblem(Exception):
    """Why a key cannot be resolved (becomes the ``reason`` of its `ResolvedKey`)."""

    def __init__(self, reason: str, message: str, suggestion: str = "", error: FactorNotFoundError | None = None):
        super().__init__(message)
        self.reason, self.message, self.suggestion, self.error = reason, message, suggestion, error


_MISSING_TCE = "pass factor= or ncv=, or add the factor with FactorSet.override"
_MISSING_CO2 = "pass co2=False, or add the factor with FactorSet.override"


@dataclass
class _Activity:
    """One unit of a key's activity and what it says about heat; fallbacks gathered on the way."""

    one: pint.Quantity
    as_heat: bool
    gas_t: float | None
    heat: tuple[float, str] | None  # GJ per one unit, and how it was found
    fallbacks: list[FactorFallbackWarning]


def _activity(c: Carrier, unit: str, pressure: float | None, temperature: float | None) -> _Activity:
    """Parse the unit against the carrier's measure; a gas volume to 0 ℃; steam's heat by enthalpy."""
    from .gas import reference_volume_factor, split_reference_temperature
    from .units import MEASURES, get_registry, parse_unit

    reg = get_registry()
    unit_text, unit_temperature = split_reference_temperature(unit)
    if unit_temperature is not None and c.measure != "volume":
        raise _KeyProblem("unit_dimension", f"{unit!r}: a temperature in the unit only applies to gas volumes",
                          "write the unit alone; give steam or hot-water temperature in a temperature column")
    try:
        u = parse_unit(unit_text)
    except UnitError as exc:
        raise _KeyProblem(exc.code, str(exc), ", ".join(exc.suggestions)) from None
    as_heat = c.id in ENTHALPY_CARRIERS and u.dimensionality == reg.get_dimensionality("[energy]")
    if u.dimensionality != reg.get_dimensionality(MEASURES[c.measure]) and not as_heat:
        raise _KeyProblem(*_unit_error(c, unit, u))
    one = reg.Quantity(1.0, u)
    gas_t = unit_temperature if unit_temperature is not None else (temperature if c.measure == "volume" else None)
    if gas_t is not None:  # a volume metered at gas_t ℃: to standard (0 ℃) volume at equal pressure
        try:
            one = reg.Quantity(reference_volume_factor(gas_t), u)
        except ValueError as exc:
            raise _KeyProblem("temperature_unparsable", str(exc), "write e.g. 20 ℃") from None
    act = _Activity(one=one, as_heat=as_heat, gas_t=gas_t, heat=None, fallbacks=[])
    if as_heat:  # steam or hot water already given as heat (GJ, MJ, 万kJ, 百万千焦): used as it is
        act.heat = (float(one.to("GJ").magnitude), "heat-as-given")
    elif c.measure == "mass" and c.id in ENTHALPY_CARRIERS:  # CO2 (and tce unless a variant) by enthalpy
        got = heat_by_enthalpy(c, pressure, temperature)
        if isinstance(got, ResolvedKey):
            raise _KeyProblem(got.reason, got.message, got.suggestion)
        act.heat = (got[0] * float(one.to("t").magnitude), got[1])
        act.fallbacks += got[2]
    return act


def _tce_choice(fs: FactorSet, c: Carrier, act: _Activity, year: int | None, basis: str,
                variant: str) -> tuple[str, Any, list[str], dict[str, Any]]:
    """The tce coefficient of a key: (factor id, coefficient, confidences, 等价值 record)."""
    if act.heat is not None and (not variant or act.as_heat):  # heat × 热力 当量值 (等价值: "按供热煤耗计算", no number)
        f, heat_fb = fs.lookup("heat", "tce_coefficient", year=year, basis="calorific")
        act.fallbacks += heat_fb
        from .units import Q_

        coef = Q_(act.heat[0], "GJ") / act.one * f.to_quantity()
        return f"{act.heat[1]}+{f.id}", coef, [f.confidence], {}
    if basis == "substitution" and c.category == "electricity" and not variant:
        from .substitution import electricity_substitution  # GB 30251-2024: 上年 发电标准煤耗

        try:
            choice = electricity_substitution(fs, year)
        except FactorNotFoundError as exc:
            raise _KeyProblem("tce_factor_missing", str(exc),
                              "pass substitution_factor= (e.g. '0.28078 kgce/kWh') or factor=", exc) from None
        act.fallbacks += choice.fallbacks
        used, used_year = choice.factor.id, choice.used_year
        coef, conf, record = choice.factor.to_quantity(), choice.factor.confidence, choice.record()
    else:
        try:
            f, fb = _tce_factor(fs, c, year, basis, variant)
        except FactorNotFoundError as exc:
            raise _KeyProblem("tce_factor_missing", str(exc), _MISSING_TCE, exc) from None
        act.fallbacks += fb
        used, used_year, coef, conf, record = f.id, f.data_year, f.to_quantity(), f.confidence, {}
    if basis == "substitution" and c.category == "electricity" and year is None:
        act.fallbacks.append(FactorFallbackWarning(
            Text("substitution_no_year", carrier={"zh": c.name_zh, "en": c.id}, used=used),
            carrier=c.id, quantity="tce_coefficient", used=used, used_year=used_year))
    return used, coef, [conf], record


def _co2_choice(fs: FactorSet, c: Carrier, act: _Activity, year: int | None, region: str | None,
                co2_factor: Any, confidences: list[str]) -> tuple[float, str]:
    """tCO2 per unit of a key and the factor id(s); adds the factors' confidences."""
    try:
        if act.heat is not None and co2_factor is None:  # heat content × the heat CO2 factor
            f, heat_fb = fs.lookup(c.id, "heat_co2", region=region, year=year)
            act.fallbacks += heat_fb
            confidences.append(f.confidence)
            return act.heat[0] * float(f.to_quantity().to("tCO2/GJ").magnitude), f"{act.heat[1]}+{f.id}"
        value, ids, conf, fb = co2_per_unit(fs, c.id, act.one, year=year, region=region, factor=co2_factor)
    except FactorNotFoundError as exc:
        raise _KeyProblem("co2_factor_missing", str(exc), _MISSING_CO2, exc) from None
    act.fallbacks += fb
    confidences += [conf] if conf else []
    return value, ids


#: Carriers given by mass whose heat is computed by enthalpy (`tanfeng.steam`): steam from its
#: pressure (and temperature if superheated), hot water from its temperature.
ENTHALPY_CARRIERS = ("steam", "hot_water")


def heat_by_enthalpy(c: Carrier, pressure: float | None,
                      temperature: float | None) -> tuple[float, str, list[FactorFallbackWarning]] | ResolvedKey:
    """GJ per tonne, a label of the method, and the notes — or an error key (reason, message)."""
    from . import steam as st

    notes: list[FactorFallbackWarning] = []
    try:
        if c.id == "hot_water":
            if temperature is None:
                return ResolvedKey(c.id, "", reason="steam_state_invalid", message="hot water needs its temperature",
                                   suggestion="add a temperature column, e.g. 80 ℃")
            gj = float(st.hot_water_heat_per_tonne(temperature)[0])
            return gj, f"hot-water[{temperature:g}℃]", notes
        p = pressure
        if p is None:
            p = st.DEFAULT_STEAM_PRESSURE
            notes.append(FactorFallbackWarning(
                Text("steam_default_pressure", pressure=p, heat=float(st.steam_heat_per_tonne(p)[0]),
                     feedwater=st.FEEDWATER_ENTHALPY),
                carrier=c.id, quantity="heat", used="steam-default-1.0MPa"))
        t = math.nan if temperature is None else temperature
        gj = float(st.steam_heat_per_tonne(p, t)[0])
    except st.SteamInputError as exc:
        return ResolvedKey(c.id, "", reason="steam_state_invalid", message=str(exc),
                           suggestion="absolute pressure '1.0 MPa' or gauge '0.9 MPa(g)'; temperature '200 ℃'")
    state = "sat" if math.isnan(t) else f"{t:g}℃"
    return gj, f"enthalpy[{p:g}MPa,{state}]", notes


def co2_per_unit(
    fs: FactorSet,
    carrier: str,
    one: pint.Quantity,
    *,
    year: int | None = None,
    region: str | None = None,
    factor: Any = None,
    ncv: pint.Quantity | None = None,
) -> tuple[float, str, str, list[FactorFallbackWarning]]:
    """tCO2 per ``one`` (a Quantity of activity), the factor id(s), the worst confidence, fallbacks.

    ``ncv`` is a measured 低位发热量 (then CO2 = m × NCV × CC × OF × 44/12); ``factor`` a
    user-supplied emission factor. Raises `FactorNotFoundError` when a factor is missing.

    Examples
    --------
    >>> from tanfeng import FactorSet, Q_
    >>> v, ids, conf, _ = co2_per_unit(FactorSet.default(), "natural_gas", Q_(1, "万m3"))
    >>> round(v, 3), conf        # 355.44 GJ × 15.3 tC/TJ × 0.99 × 44/12 (NCV behind 1.2143 kgce/m3)
    (19.741, 'secondary')
    """
    from .factors import CO2_PER_CARBON

    c = fs.carriers.get(fs.carriers.resolve(carrier))
    if factor is not None:
        return _per_unit(one, factor, "tCO2"), "user-supplied", "", []
    if c.category == "electricity":
        f, fb = fs.lookup(c.id, "grid_co2", region=region, year=year)
        return _per_unit(one, f.to_quantity(), "tCO2"), f.id, f.confidence, list(fb)
    if c.category == "heat":
        f, fb = fs.lookup(c.id, "heat_co2", region=region, year=year)
        if one.check("[energy]"):  # heat given as energy (GJ): its heat content is the quantity
            return _per_unit(one, f.to_quantity(), "tCO2"), f.id, f.confidence, list(fb)
        # steam given by mass: heat content from its tce coefficient (energy per tonne)
        heat, _ = fs.lookup(c.id, "tce_coefficient", year=year, basis="calorific")
        energy = one * heat.to_quantity()
        return (_per_unit(energy, f.to_quantity(), "tCO2"), f"{heat.id}+{f.id}",
                _worst([f.confidence, heat.confidence]), list(fb))
    if ncv is None and len(fs.candidates(c.id, "emission_factor")):
        f, fb = fs.lookup(c.id, "emission_factor", year=year)
        return _per_unit(one, f.to_quantity(), "tCO2"), f.id, f.confidence, list(fb)
    parts: list[Factor] = []
    fallbacks: list[FactorFallbackWarning] = []
    if ncv is None:
        fn, fb = fs.lookup(c.id, "ncv", year=year)
        fallbacks += fb
        ncv = fn.to_quantity()
        parts.append(fn)
    fc, fb1 = fs.lookup(c.id, "carbon_content", year=year)
    fo, fb2 = fs.lookup(c.id, "oxidation_rate", year=year)
    fallbacks += [*fb1, *fb2]
    parts += [fc, fo]
    of = float(fo.to_quantity().to("dimensionless").magnitude)
    value = float((one * ncv * fc.to_quantity()).to("tC").magnitude) * of * CO2_PER_CARBON
    ids = "+".join(p.id for p in parts)
    if len(parts) == 2:
        ids = "measured-ncv+" + ids
    return value, ids, _worst([p.confidence for p in parts]), fallbacks


def _key_value(v: Any) -> Any:
    """A blank cell of a key table (None, NaN, NA, "") as None."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        if v != v:  # NaN, NA
            return None
    except TypeError:
        return None
    return v


def resolve_table(fs: FactorSet, keys: pd.DataFrame, *, co2: bool = True) -> pd.DataFrame:
    """`FactorSet.resolve`: each row of ``keys`` resolved (through the set's cache)."""
    import pandas as pd

    from .errors import UnknownNameError

    missing = [c for c in ("carrier", "unit") if c not in keys.columns]
    if missing:
        raise ValueError(f"a key table needs the columns {missing}; it has {list(keys.columns)}")
    n = len(keys)
    cols = {c: (keys[c].tolist() if c in keys.columns else [None] * n) for c in KEY_COLUMNS}
    rows: list[dict[str, Any]] = []
    for carrier, unit, year, region, basis, variant in zip(*(cols[c] for c in KEY_COLUMNS)):
        y = _key_value(year)
        b = normalize_basis(_key_value(basis) or "calorific")
        row: dict[str, Any] = {"carrier": carrier, "unit": unit, "year": None if y is None else int(y),
                               "region": _key_value(region), "basis": b, "variant": _key_value(variant) or ""}
        try:
            k = fs.resolve_key(str(carrier), str(_key_value(unit) or ""), year=row["year"], region=row["region"],
                               basis=b, variant=row["variant"], co2=co2)
        except UnknownNameError as exc:
            what = "carrier" if exc.kind == "carrier" else "region"
            rows.append({**row, "reason": f"{what}_unknown", "message": str(exc),
                         "suggestion": ", ".join(exc.suggestions)})
            continue
        rows.append({**row, "carrier": k.carrier, "region": k.region, "tce_per_unit": k.tce,
                     "co2_per_unit": k.co2, "tce_factor": k.tce_factor, "co2_factor": k.co2_factor,
                     "scope": k.scope, "confidence": k.confidence, "fallbacks": k.fallbacks,
                     "fallback": "; ".join(dict.fromkeys(str(w) for w in k.fallbacks)),
                     "reason": k.reason, "message": k.message, "suggestion": k.suggestion})
    out = pd.DataFrame(rows, index=keys.index, columns=[*KEY_COLUMNS, *RESOLVED_COLUMNS, "fallbacks"])
    out["year"] = out["year"].astype("Int64")
    out["scope"] = out["scope"].astype("Int64")
    for c in ("region", "tce_factor", "co2_factor", "confidence", "fallback", "reason", "message", "suggestion"):
        out[c] = out[c].fillna("")
    out["fallbacks"] = [() if not isinstance(f, tuple) else f for f in out["fallbacks"]]
    return out
