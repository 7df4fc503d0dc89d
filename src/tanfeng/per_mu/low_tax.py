"""Firms under a 亩均税收 threshold (诸暨 plan 三(一)1, the land census)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from ..cells import Failures
from ..defaults import LOW_TAX_PER_MU
from .collect import _Notes
from .fields import FIELD_ZH, message
from .inputs import _map_columns, _read_fields

#: 诸暨 plan 三(一)1 line, 万元/亩: `tanfeng.defaults.LOW_TAX_PER_MU` (5, "以下" inclusive).
LOW_TAX_THRESHOLD = LOW_TAX_PER_MU


def low_tax_per_mu(
    enterprises: pd.DataFrame,
    threshold: float = LOW_TAX_THRESHOLD,
    *,
    inclusive: bool = True,
    units: Mapping[str, str] | None = None,
    columns: Mapping[str, str] | None = None,
    errors: Literal["raise", "report"] = "raise",
) -> pd.DataFrame:
    """Firms whose 亩均税收 is at or under ``threshold`` 万元/亩 (诸暨 plan 三(一)1, land census).

    Returns the matching rows in input order with ``tax_per_mu``; negative tax (退税) is kept
    and listed. ``inclusive=True`` follows "亩均税收5万元以下" (以下 includes the number, 民法典
    第1259条); ``inclusive=False`` lists only firms strictly below. Rows with missing, text or
    zero 用地面积 / 实缴税金 raise one `InputError`; with ``errors="report"`` they are listed
    too, with a ``problem`` text, because the census has to look at them.

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"企业名称": ["甲", "乙", "丙"], "实缴税金": [60, 20, -3],
    ...                       "用地面积": [10, 4, 2]})
    >>> low_tax_per_mu(firms)[["企业名称", "tax_per_mu"]].values.tolist()
    [['乙', 5.0], ['丙', -1.5]]
    """
    if errors not in ("raise", "report"):
        raise ValueError("errors must be 'raise' or 'report'")
    cols = _map_columns(enterprises, columns)
    n = len(enterprises)
    fails = Failures(enterprises.index, what="亩均税收企业表")
    missing_cols = [f for f in ("tax", "land_area") if f not in cols]
    if missing_cols:
        for f in missing_cols:
            fails.add_table(f, "column_missing", message=f"{message('column_missing')}: {FIELD_ZH[f]}",
                            suggestion=f"columns={{{f!r}: '<表头>'}}")
        raise fails.error()
    vals = _read_fields(enterprises, {f: cols[f] for f in ("tax", "land_area")}, None, units, fails, _Notes(n))
    for f in ("tax", "land_area"):
        col = enterprises[cols[f][0]]
        blank = (col.isna() | (col.astype("string").str.strip() == "")).fillna(True).to_numpy(dtype=bool)
        fails.add(blank, cols[f][0], col, f"{f}_missing")
    fails.add(vals["land_area"] == 0, cols["land_area"][0], enterprises[cols["land_area"][0]], "land_area_zero")
    fails.raise_if_any(errors)
    with np.errstate(divide="ignore", invalid="ignore"):
        tpm = np.where(fails.bad, np.nan, vals["tax"] / vals["land_area"])
    keep = (tpm <= threshold if inclusive else tpm < threshold) | fails.bad
    out = enterprises.iloc[np.flatnonzero(keep)].copy()
    out["tax_per_mu"] = tpm[keep]
    if errors == "report":
        out["problem"] = fails.problem_text().to_numpy()[keep]
    return out
