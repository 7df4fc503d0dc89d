"""Per-key resolution: one (carrier, unit, year, region) key -> tce and CO2 multipliers, or errors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import (
    FactorNotFoundError,
    UnitError,
)
from ..factors import CO2_PER_CARBON, FactorSet
from ._common import _CONF_RANK

if TYPE_CHECKING:  # pragma: no cover
    import pint


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
    from ..units import get_registry

    return get_registry().Quantity(value, unit)


def _activity_error(carrier: Any, unit_text: str, unit: Any) -> tuple[str, str, str, str]:
    from ..units import get_registry, measure_hint

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
    from ..units import MEASURES, get_registry, parse_unit

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
                elif carrier.category not in ("electricity", "heat") and fs.candidates(carrier_id, "ncv").shape[0]:
                    # a fuel GB/T 2589 gives no coefficient for (烟煤, 无烟煤, 石油焦 …): convert by its
                    # cited 低位发热量 as GB/T 2589 converts any fuel of known NCV (m × Q / 29 307.6 kJ)
                    f, msgs = fs._select(carrier_id, "ncv", year=year)
                    msgs = [*msgs, f"no GB/T 2589 折标准煤系数 for {carrier.name_zh} ({carrier_id}); converted by its "
                                   f"低位发热量 {f.value:g} {f.unit} ({f.id}): tce = quantity × NCV / 29.3076 GJ"]
                else:
                    k.errors.append(("carrier", "tce_factor_missing", str(exc),
                                     "pass factor= or ncv=, or add the factor with FactorSet.override"))
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
