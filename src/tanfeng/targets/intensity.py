"""单位工业增加值能耗 at comparable prices: :func:`intensity_decline`, cumulative and annualised."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..cells import Failures, read_quantities

__all__ = ["intensity_decline"]


def _by_year(x: Any, name: str) -> pd.Series:
    s = pd.Series(x, dtype=object) if isinstance(x, Mapping) else pd.Series(x).astype(object)
    try:
        s.index = s.index.astype(int)
    except (TypeError, ValueError) as exc:
        fails = Failures(0, what="intensity inputs")
        fails.add_at(["<index>"], name, [list(s.index)], "year_invalid", suggestion="{2020: …, 2023: …}")
        raise fails.error() from exc
    return s.sort_index()


def _numeric(s: pd.Series, name: str, positive: bool, fails: Failures) -> pd.Series:
    """The series as numbers; unreadable cells and values of the wrong sign go into ``fails``."""
    vals, why = read_quantities(s, negative_ok=True)  # the kernel's cell reader
    v = pd.Series(vals, index=s.index)
    for y, w in zip(s.index, why):
        if w:
            fails.add_at([y], name, [s[y]], w)
    bad = (v <= 0) if positive else (v < 0)
    for y in s.index[bad.fillna(False)]:
        fails.add_at([y], name, [s[y]], "value_not_positive" if positive else "quantity_negative")
    return v


def _comparable_value_added(vv: pd.Series, years: list[Any], base_year: int,
                            deflator: Mapping[int, float] | pd.Series | None,
                            growth: Mapping[int, float] | pd.Series | None, fails: Failures) -> pd.Series:
    """Value added per year at ``base_year`` prices (deflated, chained by growth, or as given).

    Missing years and bad deflator or growth values go into ``fails``; while there are any, the
    result stays NaN.
    """
    comp = pd.Series(np.nan, index=pd.Index(years, name="year"))
    if deflator is not None:
        p = _numeric(_by_year(deflator, "deflator"), "deflator", True, fails)
        for y in years:
            if y not in p.index:
                fails.add_at([y], "deflator", None, "year_missing")
        if not len(fails):
            comp = vv.reindex(years) * p[base_year] / p.reindex(years)
    elif growth is not None:
        graw = _by_year(growth, "growth")
        g = pd.Series(read_quantities(graw, negative_ok=True)[0], index=graw.index)
        for y in g.index[(g.abs() >= 1).fillna(False)]:
            fails.add_at([y], "growth", [graw[y]], "growth_percent", suggestion=f"{g[y]:g} → {g[y] / 100:g}")
        for y in g.index[g.isna()]:
            fails.add_at([y], "growth", [graw[y]], "quantity_not_numeric")
        lo, hi = min(years), max(years)
        for y in range(min(lo, base_year) + 1, max(hi, base_year) + 1):
            if y not in g.index:
                fails.add_at([y], "growth", None, "year_missing")
        if not len(fails):
            idx = np.cumprod(1 + g.reindex(range(min(lo, base_year) + 1, max(hi, base_year) + 1)))
            level = pd.concat([pd.Series([1.0], index=[min(lo, base_year)]), idx])
            comp = vv[base_year] * level.reindex(years) / level[base_year]
    elif not len(fails):
        comp = vv.reindex(years)
    return comp


def intensity_decline(
    energy_tce: Mapping[int, float] | pd.Series,
    value_added: Mapping[int, float] | pd.Series,
    *,
    base_year: int,
    deflator: Mapping[int, float] | pd.Series | None = None,
    growth: Mapping[int, float] | pd.Series | None = None,
    feedstock_tce: Mapping[int, float] | pd.Series | None = None,
) -> pd.DataFrame:
    """单位工业增加值能耗 at comparable prices and its decline against a base year.

    I_t = E_t / VA_t (tce per 万元, VA at ``base_year`` prices); decline = 1 − I_t / I_0,
    equal to 1 − (1 + g_E) / (1 + g_VA) (policy.md §6); annualised = 1 − (I_t / I_0)^(1/(t − t0)).

    Parameters
    ----------
    energy_tce : mapping or Series
        Year -> 综合能源消费量 (tce).
    value_added : mapping or Series
        Year -> 工业增加值 (万元). Nominal if ``deflator`` is given; with ``growth`` only the base
        year's value is used; with neither, already at comparable prices.
    base_year : int
        The year the decline is measured from (the 诸暨 plan: most likely 2020, policy.md §6 U).
    deflator : mapping or Series, optional
        Year -> price index of industrial value added (any base): VA_t × P_base / P_t.
    growth : mapping or Series, optional
        Year -> official comparable-price growth of value added as a fraction (0.08, not 8).
        Chained from the base year: VA_t = VA_base × Π(1 + g).
    feedstock_tce : mapping or Series, optional
        Year -> 原料用能, deducted from energy in every year, base year included
        (发改环资〔2022〕803号); value added is not adjusted. Adds ``*_excl_feedstock`` columns.

    Returns
    -------
    DataFrame
        Indexed by year: ``energy_tce, value_added_comparable, energy_intensity, decline_pct``
        (cumulative, %), ``annualised_decline_pct``, ``yoy_decline_pct`` (+ feedstock variants).

    Examples
    --------
    >>> r = intensity_decline({2020: 100, 2023: 99}, {2020: 100, 2023: 115}, base_year=2020)
    >>> r.loc[2023, ["decline_pct", "annualised_decline_pct"]].round(2).tolist()
    [13.91, 4.87]
    """
    fails = Failures(0, what="intensity inputs")
    e = _by_year(energy_tce, "energy_tce")
    va = _by_year(value_added, "value_added")
    if deflator is not None and growth is not None:
        fails.add_at(["<arguments>"], "deflator", None, "options_conflict")
    years = list(e.index)
    if base_year not in years:
        fails.add_at([base_year], "energy_tce", None, "year_missing")

    ev, vv = _numeric(e, "energy_tce", False, fails), _numeric(va, "value_added", True, fails)
    need_va = [base_year] if growth is not None else years
    for y in need_va:
        if y not in vv.index:
            fails.add_at([y], "value_added", None, "year_missing")
    comp = _comparable_value_added(vv, years, base_year, deflator, growth, fails)
    fails.raise_if_any()
    out = pd.DataFrame({"energy_tce": ev.reindex(years).to_numpy(), "value_added_comparable": comp.to_numpy()},
                       index=pd.Index(years, name="year"))
    dyears = np.asarray(years, dtype=float) - base_year

    def add(suffix: str, energy: pd.Series) -> None:
        i = energy / out["value_added_comparable"]
        rel = i / i[base_year]
        with np.errstate(divide="ignore", invalid="ignore"):
            ann = np.where(dyears != 0, 1 - np.power(rel.to_numpy(), 1 / np.where(dyears != 0, dyears, 1)), np.nan)
        out[f"energy_intensity{suffix}"] = i
        out[f"decline{suffix}_pct"] = (1 - rel) * 100
        out[f"annualised_decline{suffix}_pct"] = ann * 100
        out[f"yoy_decline{suffix}_pct"] = (1 - i / i.shift(1)) * 100

    add("", out["energy_tce"])
    if feedstock_tce is not None:
        fs = pd.to_numeric(_by_year(feedstock_tce, "feedstock_tce"), errors="coerce").astype(float)
        missing = [y for y in years if y not in fs.index or math.isnan(fs[y])]
        over = [y for y in years if y in fs.index and fs[y] > out.at[y, "energy_tce"]]
        if missing or over:
            fails.add_at(missing, "feedstock_tce", None, "year_missing")
            fails.add_at(over, "feedstock_tce", [fs[y] for y in over], "feedstock_exceeds_consumption",
                         [f"{fs[y]:g} > {out.at[y, 'energy_tce']:g}" for y in over])
            raise fails.error()
        out["energy_excl_feedstock_tce"] = out["energy_tce"] - fs.reindex(years).to_numpy()
        add("_excl_feedstock", out["energy_excl_feedstock_tce"])
    out.attrs["tanfeng"] = {"base_year": base_year,
                            "prices": "deflator" if deflator is not None else "growth" if growth is not None else "as given"}
    return out
