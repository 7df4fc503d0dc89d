"""Tracker on many actions against a plain pandas baseline, in the same run.

Baseline: what an analyst would write by hand — parse dates, before − after, then a groupby
sum of energy freed and a count per town. Tracker additionally validates every row (names,
actions, dates in the plan window, repeats, increases) and computes all measures.

Run: python benchmarks/bench_targets.py [--quick]
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pandas as pd
from _timing import best_of, print_rows


def _actions(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    towns = np.array([f"镇{i:02d}" for i in range(27)])  # 诸暨 has 27 镇乡（街道）
    before = rng.uniform(100, 5_000, n).round(1)
    action = rng.choice(np.array(["淘汰落后", "整治提升"]), n)
    after = np.where(action == "淘汰落后", 0.0, (before * rng.uniform(0.5, 0.95, n)).round(1))
    days = rng.integers(0, 1095, n)
    return pd.DataFrame({
        "enterprise": [f"企业{i:06d}" for i in range(n)],
        "town": towns[rng.integers(0, len(towns), n)],
        "action": action,
        "date": (pd.Timestamp("2021-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d"),
        "energy_before_tce": before,
        "energy_after_tce": after,
        "land_freed_mu": rng.uniform(0, 50, n).round(1),
    })




def main(quick: bool = False) -> list[dict[str, Any]]:
    from tanfeng.plans import ZHUJI_2023
    from tanfeng.targets import Tracker

    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    repeat = 2 if quick else 3
    rows = []
    for n in sizes:
        df = _actions(n)

        def baseline(df: pd.DataFrame = df) -> pd.DataFrame:
            d = pd.to_datetime(df["date"])
            ok = d <= pd.Timestamp("2022-06-30")
            freed = df["energy_before_tce"] - df["energy_after_tce"]
            return pd.DataFrame({"freed": freed[ok], "town": df["town"][ok]}).groupby("town")["freed"].agg(["sum", "count"])

        def ours(df: pd.DataFrame = df) -> pd.DataFrame:
            t = Tracker(ZHUJI_2023, df)
            t.progress("2022-06-30")
            return t.by_town(as_of="2022-06-30")

        b, o = best_of(baseline, repeat), best_of(ours, repeat)
        rows.append({"benchmark": "Tracker + progress + by_town", "n": n, "seconds": o, "baseline": b,
                     "ratio": o / b})
    print_rows(rows, width=32, digits=4)
    return rows


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
