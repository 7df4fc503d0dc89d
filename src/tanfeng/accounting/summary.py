"""`summarize`: totals of an account() result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

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
    """
    if "tce" not in result.columns:
        raise ValueError("summarize() takes the result of tanfeng.account()")
    keys = [by] if isinstance(by, str) else list(by or [])
    df = result.assign(_rows=1, _problem=result["tce"].isna().astype(int),
                       _unverified=(result["confidence"].astype(str) != "verified").astype(int))
    vals = [c for c in ("tce", "tce_excl_feedstock", "tce_calorific", "tce_substitution", "co2_t") if c in df]
    agg = {c: "sum" for c in [*vals, "_rows", "_problem", "_unverified"]}
    g = df.groupby(keys, observed=True, sort=True).agg(agg) if keys else df.agg(agg).to_frame().T
    g["co2_per_tce"] = g["co2_t"] / g["tce"] if "co2_t" in g else np.nan
    g["share_not_verified"] = g["_unverified"] / g["_rows"]
    g = g.rename(columns={"_rows": "rows", "_problem": "rows_with_problems"}).drop(columns="_unverified")
    g.attrs = {"tanfeng": result.attrs.get("tanfeng", {})}
    return g
