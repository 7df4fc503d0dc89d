"""Steam by enthalpy in account(): per distinct (pressure, temperature), never per row.

Run: python benchmarks/bench_steam.py [--quick]

Rows: purchased steam with a pressure column (30 distinct readings, absolute and gauge) and a
temperature column (saturated or one of 5 superheat temperatures), one year, one region.
Reported in one run, as ratios:

* ``account()`` on those rows;
* the same rows without the pressure/temperature columns (default steam: the cost of the state);
* pandas baseline: ``quantity * state.map(gj_per_t) * 0.11`` with the 150 heat values precomputed
  (the arithmetic alone, no parsing, no checks);
* per-row IAPWS-IF97: one ``iapws.IAPWS97`` call per row on 2 000 rows, extrapolated.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

import numpy as np
import pandas as pd
from _timing import best_of

PRESSURES = [f"{p:.1f} MPa" for p in np.arange(0.4, 1.9, 0.1)] + [f"{p:.1f} MPa(g)" for p in np.arange(0.3, 1.8, 0.1)]
TEMPERATURES: list[str | None] = [None, "250 ℃", "260 ℃", "280 ℃", "300 ℃", "320 ℃"]


def make_records(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "enterprise": rng.integers(0, 2000, n),
        "carrier": np.where(rng.random(n) < 0.5, "蒸汽", "外购蒸汽"),
        "quantity": np.round(rng.gamma(2.0, 50.0, n), 2),
        "unit": np.where(rng.random(n) < 0.5, "t", "吨"),
        "pressure": np.array(PRESSURES, dtype=object)[rng.integers(0, len(PRESSURES), n)],
        "temperature": np.array(TEMPERATURES, dtype=object)[rng.integers(0, len(TEMPERATURES), n)],
    })


def main(quick: bool = False) -> list[dict[str, Any]]:
    out = [_one(n) for n in ([100_000] if quick else [1_000_000])]
    for row in out:
        print(row)
    return out


def _one(n: int) -> dict[str, Any]:
    import iapws

    import tanfeng
    from tanfeng.steam import (
        FEEDWATER_ENTHALPY,
        parse_pressure,
        parse_temperature,
        steam_heat_per_tonne,
    )

    df = make_records(n)
    bare = df.drop(columns=["pressure", "temperature"])
    fresh = tanfeng.FactorSet.default().override  # a new set per call: nothing cached
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_acc = best_of(lambda: tanfeng.account(df, factors=fresh([]), year=2022), 3)
        t_bare = best_of(lambda: tanfeng.account(bare, factors=fresh([]), year=2022), 3)
    # baseline: heat per state precomputed, then a map and two multiplications
    state = df["pressure"].astype(object).fillna("-") + "|" + df["temperature"].astype(object).fillna("-")
    pairs = {s: (parse_pressure(s.split("|")[0]),
                 float("nan") if s.split("|")[1] == "-" else parse_temperature(s.split("|")[1]))
             for s in state.unique()}
    gj = {s: float(steam_heat_per_tonne(p, t)[0]) for s, (p, t) in pairs.items()}
    t_base = best_of(lambda: df["quantity"] * state.map(gj) * 0.11, 3)
    # per row: one IAPWS97 evaluation per row, 2 000 rows, extrapolated
    sample = list(pairs.values())[:1] * 2000

    def per_row() -> None:
        for p, t in sample:
            s = iapws.IAPWS97(P=p, x=1) if np.isnan(t) else iapws.IAPWS97(P=p, T=t + 273.15)
            _ = (s.h - FEEDWATER_ENTHALPY) * 1e-3

    t_row = best_of(per_row, 2) * n / len(sample)
    return {"rows": n, "states": len(pairs), "account_s": round(t_acc, 3), "account_no_state_s": round(t_bare, 3),
            "pandas_baseline_s": round(t_base, 3), "per_row_iapws_s": round(t_row, 1),
            "account_vs_baseline": round(t_acc / t_base, 2), "state_cost": round(t_acc / t_bare, 2),
            "per_row_vs_account": round(t_row / t_acc, 1)}


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
