"""`summarize`: totals of an account() result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..cells import get_language

if TYPE_CHECKING:  # pragma: no cover
    pass


def summarize(result: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Totals of an `account` result: tce (both bases where present), CO2, CO2 per tce, rows,
    rows with problems and the share of rows on non-verified factors.

    Examples
    --------
    >>> import pandas as pd, tanfeng
    >>> r = tanfeng.account(pd.DataFrame({"town": ["陶朱", "陶朱", "店口"], "carrier": ["原煤", "电力", "柴油"],
    ...                                    "quantity": [1000, 100, 200], "unit": ["t", "万kWh", "t"]}))
    >>> summarize(r, by="town")["tce"].round(2).to_dict()
    {'店口': 291.42, '陶朱': 837.2}

    Rows whose key is blank form their own group, labelled `BLANK_KEY` (``（空白）``, in English
    ``(blank)``), so that the group totals always add up to the overall total.
    """
    from .partitioned import (  # imports no dask
        _group_sums,
        check_summary_keys,
        is_dask_frame,
        summarize_partitioned,
        summary_of_groups,
    )

    if is_dask_frame(result):
        return summarize_partitioned(result, by)
    if "tce" not in result.columns:
        raise ValueError("summarize() takes the result of tanfeng.account()")
    keys = [by] if isinstance(by, str) else list(by or [])
    provenance = result.attrs.get("tanfeng", {})
    if not keys:
        df, sums = _prepare(result, keys)
        return _finish(df[sums].sum().to_frame().T, provenance)
    check_summary_keys(result, keys)
    # the group sums of the dask path (codes and numpy.bincount, not a groupby over text keys)
    sums = _prepare(result.iloc[:0], [])[1]
    return summary_of_groups(_group_sums(result, keys, sums), keys, get_language(), provenance)


def _prepare(result: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """The result with blank keys labelled and the per-row counts to sum (rows, rows with
    problems, rows on a factor that is not verified), and the names of every column to sum."""
    df = result.assign(**{k: _label_blank(result[k]) for k in keys if k in result.columns}).assign(
        _rows=1, _problem=result["tce"].isna().astype(int),
        _unverified=(result["confidence"] != "verified").astype(int))  # on codes, NaN counts
    vals = [c for c in ("tce", "tce_excl_feedstock", "tce_calorific", "tce_substitution", "co2_t") if c in df]
    return df, [*vals, "_rows", "_problem", "_unverified"]


def _finish(g: pd.DataFrame, provenance: dict) -> pd.DataFrame:
    """Ratios and names of the summed groups (shared by the pandas and the dask path)."""
    g["co2_per_tce"] = g["co2_t"] / g["tce"] if "co2_t" in g else np.nan
    g["share_not_verified"] = g["_unverified"] / g["_rows"]
    g = g.rename(columns={"_rows": "rows", "_problem": "rows_with_problems"}).drop(columns="_unverified")
    g.attrs = {"tanfeng": provenance}
    return g


#: Label of the group of rows whose key is blank (None, NaN or empty text), per language.
BLANK_KEY = {"zh": "（空白）", "en": "(blank)"}


def _label_blank(key: pd.Series, lang: str | None = None) -> pd.Series:
    blank = key.isna().to_numpy() | (key.astype(str).str.strip() == "").to_numpy() if len(key) else np.zeros(0, bool)
    if not blank.any():
        return key
    return key.astype(object).where(~blank, BLANK_KEY[lang or get_language()])
