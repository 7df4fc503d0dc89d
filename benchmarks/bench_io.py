"""tanfeng.io and tanfeng.datasets against plain pandas baselines, in one run.

Run: python benchmarks/bench_io.py [--quick]

* ``read_records`` on a wide GBK CSV (one row per enterprise-month, four carrier columns, a few
  numbers written as text) against ``pd.read_csv(encoding="gbk")`` + ``melt`` (no checks, no
  text numbers, no units);
* ``write_report_xlsx`` (formats, widths, injection-safe text) against ``DataFrame.to_excel``
  with openpyxl;
* ``zhuji_sample`` (warm) against building one DataFrame of the same number of random rows.
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _timing import best_of, print_rows


def _wide_csv(path: Path, n: int, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "企业名称": [f"诸暨市企业{i % 2000:04d}有限公司" for i in range(n)],
        "所属乡镇": rng.choice(["店口镇", "大唐街道", "陶朱街道", "山下湖镇"], n),
        "年份": 2022, "月份": rng.integers(1, 13, n),
        "用电量(万千瓦时)": np.round(rng.lognormal(3, 1, n), 4),
        "天然气（万立方米）": np.round(rng.lognormal(0, 1, n), 4),
        "原煤/吨": np.round(rng.lognormal(2, 1, n), 2),
        "柴油 t": np.round(rng.lognormal(0, 1, n), 2),
    })
    text = df["用电量(万千瓦时)"].astype(object)
    text.iloc[:: max(n // 20, 1)] = "1,234.5"
    df["用电量(万千瓦时)"] = text
    df.to_csv(path, index=False, encoding="gbk")
    return path


def main(quick: bool = False) -> list[dict[str, Any]]:
    from tanfeng.datasets import zhuji_sample
    from tanfeng.io import read_records, write_report_xlsx

    warnings.simplefilter("ignore")
    rows: list[dict[str, Any]] = []
    tmp = Path(tempfile.mkdtemp())
    for n in ([2_000] if quick else [2_000, 50_000]):
        path = _wide_csv(tmp / f"wide{n}.csv", n)
        ours = best_of(lambda p=path: read_records(p))  # type: ignore[misc]

        def baseline(p: Path = path) -> pd.DataFrame:
            d = pd.read_csv(p, encoding="gbk")
            return d.melt(id_vars=["企业名称", "所属乡镇", "年份", "月份"], var_name="carrier", value_name="quantity")

        base = best_of(baseline)
        rows.append({"benchmark": "read_records wide GBK csv", "n": n, "seconds": ours, "baseline": base,
                     "ratio": ours / base})
    sample = zhuji_sample(0)
    for n in ([2_000] if quick else [2_000, 20_000]):
        df = sample.energy.head(n)
        ours = best_of(lambda d=df: write_report_xlsx(tmp / "ours.xlsx", {"能源消费": d}))  # type: ignore[misc]
        base = best_of(lambda d=df: d.to_excel(tmp / "pandas.xlsx", engine="openpyxl"))  # type: ignore[misc]
        rows.append({"benchmark": "write_report_xlsx", "n": n, "seconds": ours, "baseline": base, "ratio": ours / base})
    ours = best_of(lambda: zhuji_sample(1), repeat=3)
    m = len(sample.energy)
    rng = np.random.default_rng(0)
    base = best_of(lambda: pd.DataFrame({"a": rng.integers(0, 1500, m), "b": rng.random(m), "c": rng.random(m)}), 3)
    rows.append({"benchmark": "zhuji_sample (warm)", "n": m, "seconds": ours, "baseline": base, "ratio": ours / base})
    print_rows(rows)
    return rows


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
