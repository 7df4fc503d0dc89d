"""account() against a hand-written pandas baseline, the numpy limit and per-row pint.

Run: python benchmarks/bench_accounting.py [--quick]

Rows: ~20 carriers with several spellings each, several unit spellings, two years, two regions.
Reported in one run, as ratios:

* ``account()`` on string columns and on categorical columns;
* pandas baseline: ``quantity * carrier.map(coef) * unit.map(scale)`` (tce only, no checks);
* numpy limit: gather + multiply over precomputed integer codes;
* per-row pint: one Quantity per row on a 10 000-row sample, extrapolated;
* peak memory of ``account()`` (fresh process, ru_maxrss) against the input frame's size.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import numpy as np
import pandas as pd
from _timing import best_of, best_of_each

SPELLINGS: list[tuple[str, list[str], list[str]]] = [
    # carrier spellings, unit spellings
    ("raw_coal", ["原煤", "煤", "煤炭"], ["t", "吨", "万吨"]),
    ("cleaned_coal", ["洗精煤"], ["t", "吨"]),
    ("coke", ["焦炭"], ["t", "吨"]),
    ("crude_oil", ["原油"], ["t"]),
    ("fuel_oil", ["燃料油", "重油"], ["t", "吨"]),
    ("gasoline", ["汽油", "92#汽油"], ["t", "吨"]),
    ("kerosene", ["煤油"], ["t"]),
    ("diesel", ["柴油", "0#柴油", "轻柴油"], ["t", "吨", "千克"]),
    ("lpg", ["液化石油气", "LPG"], ["t", "吨"]),
    ("lng", ["液化天然气", "LNG"], ["t", "吨"]),
    ("refinery_gas", ["炼厂干气"], ["t"]),
    ("natural_gas", ["天然气", "管道天然气", "燃气"], ["万m3", "m3", "万立方米", "Nm3", "立方米"]),
    ("coke_oven_gas", ["焦炉煤气"], ["万m3", "m3"]),
    ("blast_furnace_gas", ["高炉煤气"], ["万m3"]),
    ("converter_gas", ["转炉煤气"], ["万m3"]),
    ("electricity", ["电力", "电", "外购电力", "网购电量"], ["万kWh", "kWh", "千瓦时", "度", "万千瓦时", "MWh"]),
    ("heat", ["热力", "外购热力"], ["GJ", "百万千焦", "吉焦"]),
    ("steam", ["蒸汽", "外购蒸汽"], ["t", "吨"]),
    ("steam_1_0mpa", ["1.0MPa蒸汽"], ["t"]),
    ("coal_tar", ["煤焦油"], ["t"]),
]


#: Extra rounds for the fast pairs timed in turn (the numpy limit and categorical account()).
INTERLEAVED_EXTRA = 3


def make_records(n: int, seed: int = 0) -> pd.DataFrame:
    """n mixed rows; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    pairs = [(c, u) for _, cs, us in SPELLINGS for c in cs for u in us]
    carriers = np.array([p[0] for p in pairs], dtype=object)
    units = np.array([p[1] for p in pairs], dtype=object)
    pick = rng.integers(0, len(pairs), n)
    return pd.DataFrame({
        "enterprise": rng.integers(0, 5000, n),
        "carrier": carriers[pick],
        "quantity": rng.gamma(2.0, 50.0, n),
        "unit": units[pick],
        "year": rng.choice([2022, 2023], n),
        "region": rng.choice(np.array(["浙江", "江苏"], dtype=object), n),
    })




CANONICAL = {"mass": "t", "volume": "m3", "electricity": "kWh", "heat": "kWh"}  # energy units all scale to kWh


def _pandas_baseline_maps(df: pd.DataFrame) -> tuple[dict[str, float], dict[str, float]]:
    """tce per canonical unit for each carrier spelling, and each unit spelling's scale to the
    canonical unit of its dimension — resolved beforehand, as a hand-written script would."""
    import tanfeng
    from tanfeng.units import unit_factor

    fs = tanfeng.FactorSet.default()
    coef = {}
    for cname in df["carrier"].unique():
        c = fs.carriers.get(cname)
        unit = "t" if c.measure == "mass" else CANONICAL[c.measure]
        # the public resolver: steam by mass is counted by its heat (IAPWS-IF97), as account() does
        coef[cname] = fs.resolve_key(c.id, unit, basis="calorific", co2=False).tce
    scale = {}
    for u in df["unit"].unique():
        for base in ("t", "m3", "kWh"):
            try:
                scale[u] = unit_factor(u, base)
                break
            except Exception:
                continue
    return coef, scale


def _memory_child(n: int) -> None:
    import tracemalloc
    import warnings

    import tanfeng

    df = make_records(n)
    tanfeng.account(df.head(1000))
    size = df.memory_usage(deep=True).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracemalloc.start()  # numpy and pandas buffers are traced
        out = tanfeng.account(df)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    del out
    print(json.dumps({"input_bytes": int(size), "peak_extra_bytes": int(peak)}))


def run(n: int, repeat: int = 3) -> list[dict[str, Any]]:
    import warnings

    import tanfeng

    warnings.simplefilter("ignore")
    df = make_records(n)
    cat = df.assign(carrier=df["carrier"].astype("category"), unit=df["unit"].astype("category"),
                    region=df["region"].astype("category"))
    tanfeng.account(df.head(1000))  # warm the factor and unit caches
    rows: list[dict[str, Any]] = []

    coef, scale = _pandas_baseline_maps(df)
    t_pandas = best_of(lambda: df["quantity"] * df["carrier"].map(coef) * df["unit"].map(scale), repeat)

    # numpy limit: precomputed codes and a factor matrix, gather + multiply
    c_codes = cat["carrier"].cat.codes.to_numpy()
    u_codes = cat["unit"].cat.codes.to_numpy()
    mat = np.array([[coef[c] * scale.get(u, np.nan) for u in cat["unit"].cat.categories]
                    for c in cat["carrier"].cat.categories])
    q = df["quantity"].to_numpy()
    # the limit and account() on categoricals take well under a second each: timed in turn,
    # several times over, so that both see the same load
    t_numpy, t_cat = best_of_each([lambda: q * mat[c_codes, u_codes], lambda: tanfeng.account(cat)],
                                  repeat + INTERLEAVED_EXTRA)

    t_str = best_of(lambda: tanfeng.account(df), repeat)
    r_str = tanfeng.account(df)
    r_cat = tanfeng.account(cat)
    same = np.allclose(r_str["tce"].to_numpy(), r_cat["tce"].to_numpy())
    base = (df["quantity"] * df["carrier"].map(coef) * df["unit"].map(scale)).to_numpy(dtype=float)
    agree = np.allclose(r_str["tce"].to_numpy(), base)

    # per-row pint on a 10 000-row sample, extrapolated
    sample = df.head(10_000)
    Q = tanfeng.Q_
    fs = tanfeng.FactorSet.default()
    facts = {}
    for c in sample["carrier"].unique():
        cid = fs.carriers.resolve(c)
        unit = "t" if fs.carriers.get(cid).measure == "mass" else CANONICAL[fs.carriers.get(cid).measure]
        facts[c] = Q(fs.resolve_key(cid, unit, basis="calorific", co2=False).tce, f"tce/{unit}")

    def per_row() -> None:
        for c, qq, u in zip(sample["carrier"], sample["quantity"], sample["unit"], strict=True):
            (Q(qq, u) * facts[c]).to("tce")

    t_pint = best_of(per_row, 1) * n / len(sample)

    def row(name: str, secs: float, base: float, base_name: str) -> dict[str, Any]:
        return {"benchmark": name, "n": n, "seconds": secs, "baseline": base_name, "ratio": secs / base}

    rows.append(row("numpy limit (gather × multiply)", t_numpy, t_numpy, "numpy"))
    rows.append(row("pandas baseline (map × map)", t_pandas, t_numpy, "numpy"))
    rows.append(row("account() string columns", t_str, t_pandas, "pandas baseline"))
    rows.append(row("account() categorical columns", t_cat, t_pandas, "pandas baseline"))
    rows.append(row("account() categorical vs numpy limit", t_cat, t_numpy, "numpy"))
    rows.append(row("per-row pint (extrapolated)", t_pint, t_str, "account() strings"))
    rows.append(row("per-row pint vs account() categorical", t_pint, t_cat, "account() categorical"))
    rows[-1]["note"] = f"results agree with baseline: {agree}; string == categorical: {same}"
    return rows


def memory(n: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--memory-child", str(n)], capture_output=True, text=True, check=True)
    m = json.loads(out.stdout.strip().splitlines()[-1])
    return {"benchmark": "account() peak extra memory / input frame", "n": n,
            "seconds": float("nan"), "baseline": "input frame bytes",
            "ratio": m["peak_extra_bytes"] / m["input_bytes"], "note": f"input {m['input_bytes'] / 1e6:.0f} MB"}


def main(quick: bool = False) -> list[dict[str, Any]]:
    sizes = [100_000] if quick else [1_000_000, 10_000_000]
    rows: list[dict[str, Any]] = []
    for n in sizes:
        rows += run(n, repeat=2 if n > 2_000_000 else 3)
        rows.append(memory(n))
    print(f"{'benchmark':42s} {'rows':>10s} {'seconds':>9s}  ratio  (vs)")
    for r in rows:
        print(f"{r['benchmark']:42s} {r['n']:>10,d} {r['seconds']:9.3f} {r['ratio']:7.2f}x ({r['baseline']}) {r.get('note', '')}")
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--memory-child":
        _memory_child(int(sys.argv[2]))
    else:
        main(quick="--quick" in sys.argv)
