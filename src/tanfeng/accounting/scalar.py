"""`to_tce` and `to_co2`: one quantity of one carrier."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..cells import MAX_CELL_CHARS, Failures, is_scaled_unit, read_quantity
from ..defaults import DEFAULT_REGION
from ..errors import (
    FactorFallbackWarning,
    FactorNotFoundError,
    TanfengError,
    UnitError,
)
from ..factors import FactorSet, normalize_basis
from ..resolver import ResolvedKey, co2_per_unit, resolve_key
from ._common import NCV_BAND, _round_float

if TYPE_CHECKING:  # pragma: no cover
    import pint


# ---------------------------------------------------------------------------------------------
# scalars


def _split_args(quantity: Any, unit: Any, carrier: Any) -> tuple[float, str, str]:
    """(value read by the kernel's cell reader, unit text, carrier name)."""
    if hasattr(quantity, "units") and hasattr(quantity, "magnitude"):
        if carrier is None:
            carrier, unit = unit, None
        if unit is not None:
            raise TypeError("give either a Quantity or (quantity, unit), not both")
        quantity, unit = quantity.magnitude, str(quantity.units)
    if unit is None or carrier is None:
        raise TypeError("to_tce/to_co2 need (quantity, unit, carrier) or (Quantity, carrier)")
    if not isinstance(unit, str) or not unit.strip():
        _fail("unit", unit, "unit_missing" if unit is None or not str(unit).strip() else "unit_unknown")
    return read_quantity(quantity, scaled_unit=is_scaled_unit(unit)), unit, carrier


def _fail(column: str, value: Any, reason: str, message: str | None = None) -> None:
    fails = Failures(1, what="arguments")
    fails.add(np.ones(1, dtype=bool), column, [value], reason, message)
    raise fails.error()


def _as_quantity(x: Any, what: str, reason: str) -> Any:
    """A pint Quantity from a Quantity or text (``"0.300 kgce/kWh"``); bad text is an `InputError`."""
    from ..units import Q_

    if x is None:
        return None
    if hasattr(x, "units") and hasattr(x, "magnitude"):
        q = x
    elif isinstance(x, str) and 0 < len(x) <= MAX_CELL_CHARS:
        try:
            q = Q_(x)
        except Exception:
            _fail(what, x, reason)
    elif isinstance(x, int | float) and not isinstance(x, bool):
        q = Q_(float(x))
    else:
        _fail(what, x, reason)
    if what == "ncv" and (not hasattr(q, "units") or q.dimensionless):
        _fail(what, x, "ncv_unit_missing")
    try:
        m = float(q.magnitude)
    except (TypeError, ValueError):
        _fail(what, x, reason)
    if not (math.isfinite(m) and m > 0):
        _fail(what, x, "ncv_not_positive" if what == "ncv" else "factor_not_positive")
    return q


def _check_ncv(nq: Any, text: Any, carrier: Any) -> None:
    """A measured NCV must fit the carrier's measure and lie inside its plausibility band."""
    from ..units import MEASURES, get_registry

    reg = get_registry()
    if carrier.category in ("electricity", "heat"):
        _fail("ncv", str(text), "ncv_not_fuel")
    if nq.dimensionality != reg.get_dimensionality(f"[energy] / ({MEASURES[carrier.measure]})"):
        _fail("ncv", str(text), "ncv_dimension")
    if carrier.measure in NCV_BAND:
        lo, hi, bu = NCV_BAND[carrier.measure]
        x = float(nq.to(bu).magnitude)
        if not lo <= x <= hi:
            _fail("ncv", str(text), "ncv_implausible", f"{text!r} = {x:.4g} {bu}, {lo}–{hi} {bu}")


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
    substitution_factor: Any = None,
    pressure: Any = None,
    temperature: Any = None,
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
        coal burned to generate it: GB 30251-2024 表A.2 "按上年电厂发电标准煤耗计算" — data year
        Y uses the 发电 coal rate of Y − 1. tanfeng ships no 发电 rate, so unless you give
        ``substitution_factor=`` the national 供电 (supply-basis) rate of Y − 1 stands in, with a
        `FactorFallbackWarning` naming the year and value (see :mod:`tanfeng.substitution`).
    year : int, optional
        Data year, for year-stamped factors (等价值 of electricity).
    factors : FactorSet, optional
        Defaults to ``FactorSet.default()``.
    factor : pint.Quantity or str, optional
        Use this coefficient instead of the database (``"0.300 kgce/kWh"``).
    ncv : pint.Quantity or str, optional
        Measured 低位发热量 (``"22.0 GJ/t"``): tce = m × Q / 29 307.6 kJ/kgce (GB/T 2589).
    substitution_factor : pint.Quantity or str, optional
        Your province's official 等价值 of electricity (``"0.28078 kgce/kWh"``, 上海), used for
        any data year instead of the shipped stand-in.
    pressure, temperature : str or float, optional
        Steam's pressure (``"1.0 MPa"`` absolute, ``"0.9 MPa(g)"`` gauge) and temperature
        (``"200 ℃"``, superheated) — its heat by enthalpy (:func:`steam_heat`) × 0.03412 kgce/MJ;
        hot water's temperature; a gas volume's metering temperature (``20`` → × 273.15/293.15).

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
    >>> to_tce(100, "万kWh", "电力", basis="等价值", substitution_factor="0.28078 kgce/kWh").m
    280.78
    """
    from ..units import get_registry

    value, unit_text, name = _split_args(quantity, unit, carrier)
    fs = with_substitution_factor(factors, substitution_factor)
    cid = fs.carriers.resolve(name)
    b = normalize_basis(basis)
    if b == "both":
        raise ValueError("to_tce returns one number: choose basis='当量值' or '等价值' (account() does both)")
    reg = get_registry()
    if ncv is not None:
        nq = _as_quantity(ncv, "ncv", "ncv_unparsable")
        c = fs.carriers.get(cid)
        _check_ncv(nq, ncv, c)
        try:
            return _finite(float((reg.Quantity(value, unit_text) * nq).to("tce").magnitude), "tce", value)
        except TanfengError:
            raise
        except Exception as exc:
            raise UnitError(unit_text, f"does not fit {nq} of {c.name_zh}") from exc
    p_mpa, t_c = _state(pressure, temperature)
    if factor is not None:
        tce_factor = _as_quantity(factor, "factor", "factor_not_positive")
        k = resolve_key(fs, cid, unit_text, year=year, basis=b, co2=False, tce_factor=tce_factor,
                        pressure=p_mpa, temperature=t_c)
    else:
        k = fs.resolve_key(cid, unit_text, year=year, basis=b, co2=False, pressure=p_mpa, temperature=t_c)
    _raise_key_errors(k, name, unit_text)
    _warn(k.fallbacks)
    return _finite(_round_float(value * k.tce), "tce", value)


def to_co2(
    quantity: Any,
    unit: Any = None,
    carrier: str | None = None,
    *,
    year: int | None = None,
    region: str = DEFAULT_REGION,
    factors: FactorSet | None = None,
    factor: Any = None,
    ncv: Any = None,
    pressure: Any = None,
    temperature: Any = None,
) -> pint.Quantity:
    """CO2 from one quantity of an energy carrier, in ``tCO2``.

    Fuels: AD × NCV × CC × OF × 44/12 — CC and OF from GB/T 32151.22-2024 表C.1, the NCV the one
    behind the fuel's GB/T 2589 tce coefficient (so tCO2/tce is the fuel's own), or a measured ``ncv``;
    purchased electricity: the grid factor of ``region`` and ``year`` (MEE/NBS notices); heat, steam
    and hot water: delivered heat × 0.11 tCO2/GJ, steam's heat by enthalpy from ``pressure`` and
    ``temperature`` (:func:`steam_heat`). ``factor`` overrides the database (``"0.5703 tCO2/MWh"``).

    Examples
    --------
    >>> round(to_co2(10, "t", "蒸汽", pressure="1.0 MPa").m, 4)   # 10 × (2777.12 − 83.74)/1000 × 0.11
    2.9627
    >>> round(to_co2(5, "万m3", "天然气").m, 2)   # 5 × 355.44 GJ × 15.3 tC/TJ × 0.99 × 44/12
    98.7
    >>> to_co2(100, "万kWh", "电力", region="浙江", year=2022).m
    515.3
    """

    value, unit_text, name = _split_args(quantity, unit, carrier)
    fs = factors or FactorSet.default()
    cid = fs.carriers.resolve(name)
    carrier_obj = fs.carriers.get(cid)
    fallbacks: Sequence[FactorFallbackWarning]
    if ncv is not None:
        nq = _as_quantity(ncv, "ncv", "ncv_unparsable")
        _check_ncv(nq, ncv, carrier_obj)
        one = _unit_quantity(unit_text)
        try:
            co2, _, _, fallbacks = co2_per_unit(fs, carrier_obj.id, one, year=year, region=region, ncv=nq)
        except TanfengError:
            raise
        except Exception as exc:
            raise UnitError(unit_text, f"does not fit {nq} of {carrier_obj.name_zh}") from exc
    else:
        p_mpa, t_c = _state(pressure, temperature)
        if factor is not None:
            co2_factor = _as_quantity(factor, "factor", "factor_not_positive")
            k = resolve_key(fs, cid, unit_text, year=year, region=region, co2_factor=co2_factor,
                            pressure=p_mpa, temperature=t_c)
        else:
            k = fs.resolve_key(cid, unit_text, year=year, region=region, pressure=p_mpa, temperature=t_c)
        _raise_key_errors(k, name, unit_text)
        co2, fallbacks = k.co2, k.fallbacks
    _warn(fallbacks)
    return _finite(_round_float(value * co2), "tCO2", value)


def steam_heat(
    quantity: Any,
    unit: Any = None,
    *,
    pressure: Any = None,
    temperature: Any = None,
    carrier: str = "蒸汽",
) -> pint.Quantity:
    """Heat delivered by steam or hot water, in GJ, by the industry accounting guidelines' method.

    Steam: mass (t) × (h − 83.74 kJ/kg) × 10⁻³, h the IAPWS-IF97 enthalpy of saturated steam at
    ``pressure`` (absolute; ``"0.9 MPa(g)"`` for gauge) or of superheated steam at ``pressure`` and
    ``temperature``. Hot water (``carrier="热水"``): mass × (T − 20 ℃) × 4.1868 × 10⁻³. Heat
    already given in energy units (GJ, MJ, 万kJ, 百万千焦) is returned as it is. Steam without a
    pressure is taken at `tanfeng.steam.DEFAULT_STEAM_PRESSURE` (1.0 MPa saturated), with a
    `FactorFallbackWarning` naming it.

    Examples
    --------
    >>> round(steam_heat(10, "t", pressure="1.0 MPa").m, 4)         # 10 × (2777.12 − 83.74) / 1000
    26.9338
    >>> round(steam_heat(10, "t", pressure="1.0 MPa", temperature="200 ℃").m, 3)   # h = 2828.27
    27.445
    >>> steam_heat(5, "百万千焦")
    <Quantity(5.0, 'gigajoule')>
    >>> round(steam_heat(10, "t", temperature="80 ℃", carrier="热水").m, 5)   # 10 × 60 × 4.1868e-3
    2.51208
    """
    from ..resolver import ENTHALPY_CARRIERS, heat_by_enthalpy
    from ..units import get_registry

    value, unit_text, name = _split_args(quantity, unit, carrier)
    reg = get_registry()
    q = reg.Quantity(value, _unit_quantity(unit_text).units)
    if q.check("[energy]"):
        return reg.Quantity(_round_float(float(q.to("GJ").magnitude)), "GJ")
    c = FactorSet.default().carriers.get(name)
    if c.id not in ENTHALPY_CARRIERS or not q.check("[mass]"):
        raise UnitError(unit_text, f"steam_heat takes 蒸汽 or 热水 by mass (t) or heat in energy units; got {c.name_zh}")
    p_mpa, t_c = _state(pressure, temperature)
    got = heat_by_enthalpy(c, p_mpa, t_c)
    if isinstance(got, ResolvedKey):
        _raise_key_errors(got, name, unit_text)
        raise AssertionError("unreachable")  # pragma: no cover
    gj, _, notes = got
    _warn(notes)
    return _finite(_round_float(float(q.to("t").magnitude) * gj), "GJ", value)


def _state(pressure: Any, temperature: Any) -> tuple[float | None, float | None]:
    """Parsed ``pressure`` (MPa absolute) and ``temperature`` (℃); an `InputError` names a bad one."""
    from ..steam import SteamInputError, parse_pressure, parse_temperature

    out: dict[str, float | None] = {"pressure": None, "temperature": None}
    for name, raw, parse, reason in (("pressure", pressure, parse_pressure, "pressure_unparsable"),
                                     ("temperature", temperature, parse_temperature, "temperature_unparsable")):
        if raw is None:
            continue
        try:
            out[name] = parse(raw)
        except SteamInputError as exc:
            fails = Failures(1, what="arguments")
            fails.add(np.ones(1, dtype=bool), name, [raw], reason, str(exc), None)
            raise fails.error() from exc
    return out["pressure"], out["temperature"]


def with_substitution_factor(factors: FactorSet | None, value: Any) -> FactorSet:
    """The factor set a run uses: ``factors`` (None: ``FactorSet.default()``) with a user-supplied
    等价值 of electricity for every year, ``value`` (``"0.28078 kgce/kWh"``), as a row of the set so
    its id resolves like any factor (``value`` None: the set as it is).

    Examples
    --------
    >>> from tanfeng.accounting import with_substitution_factor
    >>> from tanfeng.factors import FactorSet
    >>> with_substitution_factor(None, None) is FactorSet.default()
    True
    """
    fs = factors or FactorSet.default()
    if value is None:
        return fs
    from ..substitution import user_substitution_row

    row, source = user_substitution_row(value)
    return fs.override([row], sources=[source])


def _warn(fallbacks: Sequence[FactorFallbackWarning]) -> None:
    """Each distinct fallback once, attributed to the caller of to_tce / to_co2."""
    for w in {str(w): w for w in fallbacks}.values():
        warnings.warn(w, stacklevel=3)


def _raise_key_errors(k: ResolvedKey, carrier: Any, unit: str) -> None:
    if k.ok:
        return
    col, reason, msg, sugg = k.column, k.reason, k.message, k.suggestion
    if reason == "unit_unknown":
        from ..units import parse_unit

        parse_unit(unit)  # raises the UnitError with its suggestions
    if k.error is not None:
        raise k.error
    if reason in ("tce_factor_missing", "co2_factor_missing"):
        raise FactorNotFoundError(msg)
    value = unit if col == "unit" else carrier
    fails = Failures(1, what="arguments")
    fails.add(np.ones(1, dtype=bool), col, [value], reason, msg, sugg or None)
    raise fails.error()


def _unit_quantity(unit_text: str) -> Any:
    """1 of ``unit_text`` (a `UnitError` with suggestions when the unit is not understood)."""
    from ..units import get_registry, parse_unit

    parse_unit(unit_text)
    return get_registry().Quantity(1.0, unit_text)


def _finite(x: float, unit: str, value: float) -> Any:
    """The result as a Quantity; a result that is not finite is ``quantity_overflow``."""
    from ..units import get_registry

    if not math.isfinite(x):
        _fail("quantity", value, "quantity_overflow")
    return get_registry().Quantity(x, unit)
