"""`to_tce` and `to_co2`: one quantity of one carrier."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import (
    FactorFallbackWarning,
    FactorNotFoundError,
    InputError,
    UnitError,
)
from ..factors import FactorSet, normalize_basis
from ..resolver import ResolvedKey, co2_per_unit, resolve_key
from ._common import REASONS, _failures, _round_float

if TYPE_CHECKING:  # pragma: no cover
    import pint


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
    from ..units import Q_

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
    from ..units import get_registry

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
    if factor is not None:
        k = resolve_key(fs, cid, unit_text, year=year, basis=b, co2=False, tce_factor=_as_quantity(factor))
    else:
        k = fs.resolve_key(cid, unit_text, year=year, basis=b, co2=False)
    _raise_key_errors(k, name, unit_text)
    _warn(k.fallbacks)
    return reg.Quantity(_round_float(value * k.tce), "tce")


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
    from ..units import get_registry

    value, unit_text, name = _split_args(quantity, unit, carrier)
    _check_scalar(value)
    fs = factors or FactorSet.default()
    cid = fs.carriers.resolve(name)
    reg = get_registry()
    carrier_obj = fs.carriers.get(cid)
    fallbacks: Sequence[FactorFallbackWarning]
    if ncv is not None:
        one = reg.Quantity(1.0, unit_text)
        co2, _, _, fallbacks = co2_per_unit(fs, carrier_obj.id, one, year=year, region=region, ncv=_as_quantity(ncv))
    else:
        if factor is not None:
            k = resolve_key(fs, cid, unit_text, year=year, region=region, co2_factor=_as_quantity(factor))
        else:
            k = fs.resolve_key(cid, unit_text, year=year, region=region)
        _raise_key_errors(k, name, unit_text)
        co2, fallbacks = k.co2, k.fallbacks
    _warn(fallbacks)
    return reg.Quantity(_round_float(value * co2), "tCO2")


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
    raise InputError(_failures([(0, col, value, reason, msg, sugg)]), "arguments")
