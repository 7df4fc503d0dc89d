"""`account`: a table of energy records to tce and CO2, row by row; `explain`: its 计算依据.

Both run the stages of `tanfeng.accounting.stages`; this module only puts them in order and
records what was used (``attrs["tanfeng"]``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..cells import Failures
from ..defaults import DEFAULT_REGION
from ..factors import FactorSet, normalize_basis
from .scalar import with_substitution_factor
from .stages import (
    KEY_COLUMNS,
    Applied,
    KeyCodes,
    RecordCells,
    apply_keys,
    assemble,
    encode_keys,
    find_record_columns,
    read_cells,
    resolve_keys,
)


def account(
    records: pd.DataFrame,
    *,
    basis: str = "当量值",
    region: str | None = DEFAULT_REGION,
    year: int | None = None,
    factors: FactorSet | None = None,
    errors: str = "raise",
    co2: bool = True,
    columns: Mapping[str, str] | None = None,
    substitution_factor: Any = None,
) -> pd.DataFrame:
    """Convert a table of energy records to tce and CO2, row by row, keeping every row.

    Parameters
    ----------
    records : DataFrame
        A pandas DataFrame, or a dask DataFrame (then a dask DataFrame is returned, computed per
        partition by the same stages, keys resolved once; see `tanfeng.accounting.partitioned`). Long format: one row per (entity, period, carrier) with columns ``carrier``,
        ``quantity``, ``unit`` (Chinese headers such as 能源品种, 消费量, 计量单位 are recognised,
        see `COLUMN_ALIASES`), plus any id columns, kept as they are. Optional columns:
        ``year``, ``region``, ``use`` (``energy`` | ``feedstock`` 原料用能), ``flow``
        (``input`` | ``output`` 外供), ``ncv`` (measured 低位发热量 with unit, ``"22.0 GJ/t"``),
        ``pressure`` (压力/蒸汽压力: ``"1.0 MPa"`` absolute, ``"0.9 MPa(g)"`` or ``"表压0.9MPa"``
        gauge; a bare number is MPa absolute) and ``temperature`` (温度: ``"200 ℃"``). Steam (蒸汽)
        given by mass is counted by its heat, t × (h − 83.74 kJ/kg) × 10⁻³ with h from IAPWS-IF97
        (saturated from pressure alone, superheated from pressure and temperature; no pressure:
        1.0 MPa saturated, with a warning); hot water (热水) by t × (T − 20 ℃) × 4.1868 × 10⁻³;
        steam in GJ/MJ/百万千焦 as it is. On a gas row ``temperature`` is the temperature its volume
        was metered at (converted to 0 ℃ by 273.15 / (273.15 + T)), as is ``万m³(20℃)`` in the
        unit; a bare ``m³`` is a standard (0 ℃) volume (`tanfeng.gas`). Each distinct (pressure,
        temperature) pair is resolved once.
    basis : {"当量值", "等价值", "both"}
        Electricity/heat basis for ``tce``. ``"both"`` adds ``tce_calorific`` and
        ``tce_substitution`` (``tce`` is then the 当量值, the statistical convention).
    region : str, optional
        Grid region for electricity CO2 (``"浙江"``, ``"华东"``, ``"national"``); a ``region``
        column overrides it per row. Default: `tanfeng.defaults.DEFAULT_REGION` (national).
    year : int, optional
        Data year for year-stamped factors; a ``year`` column overrides it per row.
    factors : FactorSet, optional
        Defaults to ``FactorSet.default()``.
    errors : {"raise", "report"}
        ``"raise"``: one `InputError` listing every bad row (row, column, value, reason code,
        suggestion). ``"report"``: bad rows get NaN results and a ``problem`` text.
    co2 : bool
        Compute CO2 (default). ``False`` skips it (no CO2 factor is needed then).
    columns : mapping, optional
        Standard name -> your header, e.g. ``{"quantity": "2022年消费量"}``.
    substitution_factor : pint.Quantity or str, optional
        Your province's official 等价值 of electricity (``"0.28078 kgce/kWh"``), for every data
        year. Without it 等价值 follows GB 30251-2024 ("按上年电厂发电标准煤耗计算"): data year Y
        uses the coal rate of Y − 1, and as tanfeng ships no 发电 rate the national 供电 rate
        stands in with a warning. ``attrs["tanfeng"]["substitution"]`` lists the year and value
        used for each data year.

    Returns
    -------
    DataFrame
        The input rows (same order and index) plus ``tce``, ``tce_excl_feedstock``, ``co2_t``,
        ``scope``, ``carrier_id`` (canonical carrier), ``tce_factor``, ``co2_factor``, ``confidence`` (and ``problem`` when
        ``errors="report"``). ``.attrs["tanfeng"]`` records the factor-set version, the
        arguments and any fallback used.

    Examples
    --------
    >>> import pandas as pd, tanfeng
    >>> df = pd.DataFrame({"企业": ["甲", "甲"], "能源品种": ["原煤", "电力"],
    ...                    "消费量": [1000, 100], "计量单位": ["吨", "万千瓦时"]})
    >>> tanfeng.account(df)["tce"].round(2).tolist()
    [714.3, 122.9]
    """
    from .partitioned import account_partitioned, is_dask_frame  # imports no dask

    if errors not in ("raise", "report"):
        raise ValueError("errors must be 'raise' or 'report'")
    fs = with_substitution_factor(factors, substitution_factor)
    if is_dask_frame(records):  # the same engine per partition (tanfeng[dask])
        return account_partitioned(records, fs, basis=basis, region=region, year=year, errors=errors, co2=co2,
                                   columns=columns)
    run = _run(records, basis=basis, region=region, year=year, fs=fs, co2=co2, columns=columns)
    bad_row = run.cells.bad_row | run.fails.bad
    run.fails.raise_if_any(errors)
    out = assemble(records, run.cells, run.applied, run.resolved, basis=run.basis, co2=co2, bad_row=bad_row)
    if errors == "report":
        out["problem"] = run.fails.problem_text()
    used = key_provenance(run.resolved, run.codes.rows)
    warn_fallbacks(run.resolved, stacklevel=2)
    out.attrs = dict(records.attrs)
    out.attrs["tanfeng"] = {
        "factor_set": fs.version, "basis": run.basis, "region": run.cells.region, "year": year,
        "errors": errors, "co2": co2, "rows_with_problems": int(np.count_nonzero(bad_row)), "fallbacks": used["fallbacks"],
        "columns": run.cols, "substitution": used["substitution"], "keys": used["keys"],
    }
    return out


def key_provenance(resolved: pd.DataFrame, rows: np.ndarray | None) -> dict[str, Any]:
    """What a result records of its resolved key table: the distinct fallbacks (text), the
    等价值 used per data year, and the 计算依据 as records (``rows`` per key; None: not counted)."""
    fallbacks = list({str(w): w for f in resolved["fallbacks"] for w in f})
    subs = [d for ds in resolved["substitution"] for d in ds]
    subs = [d for i, d in enumerate(subs) if d not in subs[:i]]
    keys = _key_records(resolved, np.zeros(len(resolved), dtype=np.int64) if rows is None else rows)
    if rows is None:
        keys = [{**k, "rows": None} for k in keys]
    return {"fallbacks": fallbacks, "keys": keys,
            "substitution": sorted(subs, key=lambda d: (d["data_year"] is None, d["data_year"] or 0))}


def warn_fallbacks(resolved: pd.DataFrame, stacklevel: int = 2) -> None:
    """Say each distinct fallback of a resolved key table once (`FactorFallbackWarning`);
    ``stacklevel`` as in `warnings.warn`, counted from the caller of this function."""
    for w in {str(w): w for f in resolved["fallbacks"] for w in f}.values():
        warnings.warn(w, stacklevel=stacklevel + 1)


@dataclass
class _Run:
    cols: dict[str, str]
    basis: str
    fails: Failures
    cells: RecordCells
    codes: KeyCodes
    resolved: pd.DataFrame
    applied: Applied


def _run(records: Any, *, basis: str, region: str | None, year: int | None, fs: FactorSet, co2: bool,
         columns: Mapping[str, str] | None) -> _Run:
    """Stages 1–5 of `account` on a pandas DataFrame (see `tanfeng.accounting.stages`)."""
    if not isinstance(records, pd.DataFrame):
        raise TypeError(f"account() takes a pandas (or dask) DataFrame, got {type(records).__name__}")
    b = normalize_basis(basis)
    cols = find_record_columns(records, columns)
    fails = Failures(records.index, what="records table")
    cells = read_cells(records, cols, fs, fails, year=year, region=region)
    codes = encode_keys(cells)
    resolved = resolve_keys(codes.keys, fs, basis=b, co2=co2)
    applied = apply_keys(resolved, codes, cells, records, cols, fs, fails, co2=co2)
    return _Run(cols, b, fails, cells, codes, resolved, applied)


def explain(
    records: pd.DataFrame,
    *,
    basis: str = "当量值",
    region: str | None = DEFAULT_REGION,
    year: int | None = None,
    factors: FactorSet | None = None,
    co2: bool = True,
    columns: Mapping[str, str] | None = None,
    substitution_factor: Any = None,
    errors: str = "report",
) -> pd.DataFrame:
    """The 计算依据 of `account` on the same arguments: which factor for which key, on how many rows.

    One row per distinct (carrier, unit, year, region) key of the records: ``rows``, tce per
    unit on each basis and the factor ids, tCO2 per unit and its factor, scope, confidence,
    the fallback taken (another data year, a parent region …) and, for a key that cannot be
    resolved, ``reason`` and ``message``. Rows with other problems (a missing quantity) are still
    counted on their key; ``errors`` is accepted for symmetry with `account` and not used.
    ``records`` may be a dask DataFrame: the keys are then resolved once on the client, the
    rows per key counted on the workers, and the table returned in pandas.

    Examples
    --------
    >>> import pandas as pd, tanfeng
    >>> df = pd.DataFrame({"能源品种": ["原煤", "原煤", "电力"], "消费量": [1000, 500, 100],
    ...                    "计量单位": ["吨", "吨", "万千瓦时"]})
    >>> e = tanfeng.explain(df, region="浙江", year=2022)
    >>> e[["carrier", "unit", "rows", "tce_factor", "co2_factor"]].values.tolist()
    [['raw_coal', '吨', 2, 'gbt2589-2008-a1-raw-coal', 'gbt2589-2008-a1-raw-coal-co2-ncv+gbt32151.22-2024-c1-raw-coal-cc+gbt32151.22-2024-c1-raw-coal-of'], ['electricity', '万千瓦时', 1, 'gbt2589-2020-a2-electricity', 'mee-2022-zhejiang']]
    >>> e["tce_per_unit"].round(4).tolist()   # GB/T 2589: 0.7143 kgce/kg × 1000; 0.1229 kgce/kWh × 10⁴ / 1000
    [0.7143, 1.229]
    """
    from .partitioned import explain_partitioned, is_dask_frame  # imports no dask

    fs = with_substitution_factor(factors, substitution_factor)
    if is_dask_frame(records):  # counted on the workers, keys resolved once here (tanfeng[dask])
        return explain_partitioned(records, fs, basis=basis, region=region, year=year, co2=co2, columns=columns)
    run = _run(records, basis=basis, region=region, year=year, fs=fs, co2=co2, columns=columns)
    return explain_table(run.resolved, run.codes.rows)


def explain_table(resolved: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The resolved key table (`resolve_keys`) for a reader: a ``rows`` count per key, one tce
    column per basis, no objects — what `explain` returns.

    One row per key value: two spellings of one carrier in one unit (电力 and 外购电力 in 万kWh)
    resolve to equal keys, shown once with the rows of both (on pandas and on dask alike).
    """
    drop = ["fallbacks", "substitution", "column", "category"]
    drop += [c for c in ("pressure", "temperature") if resolved[c].isna().all()]  # no steam state given
    out = resolved.drop(columns=drop).copy()
    keys = resolved[list(KEY_COLUMNS)].astype(object)
    value = keys.groupby(list(KEY_COLUMNS), dropna=False, sort=False).ngroup().to_numpy()
    per_value = np.bincount(value, weights=rows[: len(resolved)]).astype(np.int64)
    out.insert(out.columns.get_loc("scope"), "rows", per_value[value])
    out = out[~keys.duplicated().to_numpy()].reset_index(drop=True)
    bases = resolved.attrs["bases"]
    if len(bases) == 1:
        out = out.rename(columns={f"tce_per_unit_{bases[0]}": "tce_per_unit", f"tce_factor_{bases[0]}": "tce_factor"})
    out.attrs = {}
    return out


def _key_records(resolved: pd.DataFrame, rows: np.ndarray) -> list[dict[str, Any]]:
    """The explain table as plain records (what ``attrs["tanfeng"]["keys"]`` holds)."""
    table = explain_table(resolved, rows)
    recs = table.astype(object).where(table.notna(), None).to_dict("records")
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in recs]
