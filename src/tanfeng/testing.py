"""Assertions for factor tables and quantities — used by tanfeng's own tests and offered to users
who keep their own factors (test-first: write the expected value from the standard's table, then
load the data).

Examples
--------
>>> from tanfeng.testing import assert_combustion_consistent
>>> # 天然气, GB/T 32151.22-2024 表C.1: 389.31 GJ/万m3 × 15.3 tC/TJ × 99 % × 44/12 = 21.62 tCO2/万m3
>>> assert_combustion_consistent("389.31 GJ/万m3", "15.3 tC/TJ", 0.99, "21.62 tCO2/万m3", rtol=1e-3)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pint

__all__ = [
    "assert_combustion_consistent",
    "assert_factor_table_valid",
    "assert_quantity_close",
]


def _q(x: Any) -> pint.Quantity:
    from .units import Q_

    if isinstance(x, str):
        return Q_(x)
    if hasattr(x, "units"):
        return Q_(x.magnitude, str(x.units))
    return Q_(x)


def assert_quantity_close(actual: Any, expected: Any, *, rtol: float = 1e-9, atol: float = 0.0) -> None:
    """Assert two quantities (Quantity or ``"714.3 tce"`` strings) agree after unit conversion.

    Raises ``AssertionError`` if the dimensions differ or the values are not close.

    Examples
    --------
    >>> assert_quantity_close("1 万tce", "10000 tce")
    """
    a, e = _q(actual), _q(expected)
    if a.dimensionality != e.dimensionality:
        raise AssertionError(f"dimensions differ: {a} ({a.dimensionality}) vs {e} ({e.dimensionality})")
    av = float(a.to(e.units).magnitude)
    ev = float(e.magnitude)
    if not abs(av - ev) <= atol + rtol * abs(ev):
        raise AssertionError(f"{a} = {av!r} {e.units} is not close to {e} (rtol={rtol}, atol={atol})")


def assert_combustion_consistent(ncv: Any, carbon_content: Any, oxidation_rate: Any, emission_factor: Any,
                                 *, rtol: float = 1e-3) -> None:
    """Assert EF = NCV × CC × OF × 44/12 (GB/T 32150 / GB/T 32151 combustion formula).

    Arguments are Quantities or strings with units (``"389.31 GJ/万m3"``, ``"15.3 tC/TJ"``);
    ``oxidation_rate`` may be a plain fraction. The emission factor's unit fixes the activity unit.
    """
    from .factors import CO2_PER_CARBON

    n, c, e = _q(ncv), _q(carbon_content), _q(emission_factor)
    of = float(_q(oxidation_rate).to("dimensionless").magnitude)
    co2 = n * c * of * _q(f"{CO2_PER_CARBON!r} tCO2/tC")
    try:
        calc = float(co2.to(e.units).magnitude)
    except Exception as exc:  # dimension mismatch
        raise AssertionError(f"NCV × CC × OF × 44/12 ({co2.units}) cannot be compared with {e.units}: {exc}") from exc
    ev = float(e.magnitude)
    if not abs(calc - ev) <= rtol * abs(ev):
        raise AssertionError(
            f"NCV × CC × OF × 44/12 = {calc:.6g} {e.units} but the stated factor is {ev:.6g} (rtol={rtol})"
        )


def assert_factor_table_valid(rows: pd.DataFrame, *, sources: pd.DataFrame | None = None) -> None:
    """Assert a factor table (columns of ``factors/*.csv``) passes every check of
    :func:`tanfeng.factors.check_factor_table`; the message lists each problem.

    Examples
    --------
    >>> from tanfeng import FactorSet
    >>> fs = FactorSet.default()
    >>> assert_factor_table_valid(fs.rows, sources=fs.sources)
    """
    from .factors import check_factor_table

    problems = check_factor_table(rows, sources=sources)
    if len(problems):
        lines = [f"  [{r.check}] {r.id}: {r.message}" for r in problems.itertuples(index=False)]
        raise AssertionError(f"{len(problems)} factor-table problem(s):\n" + "\n".join(lines))
