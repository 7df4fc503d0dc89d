"""`problems`: the failure table of an ``account(..., errors="report")`` result, pandas or dask."""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

from ..cells import FAILURE_COLUMNS
from ..errors import FactorFallbackWarning, InputError
from ..factors import FactorSet
from .table import account

#: Columns that `account` adds; they are dropped before a result's rows are read again.
_ADDED = ("tce", "tce_excl_feedstock", "tce_calorific", "tce_substitution", "co2_t", "scope", "carrier_id",
          "tce_factor", "co2_factor", "confidence", "problem")


def problems(result: Any, *, factors: FactorSet | None = None) -> pd.DataFrame:
    """The failure table of a result of ``account(..., errors="report")``, as `InputError` carries it.

    One row per (row, column) problem: the row label, the spreadsheet row, the column, the
    value, the reason code, the message and the suggestion — the table that ``errors="raise"`` would have raised. Only
    the rows whose ``problem`` is filled are read again, with the arguments recorded in the
    result, so this is cheap on a large table (on a dask result, only those rows are
    brought to the client).

    Parameters
    ----------
    result : DataFrame
        A pandas or dask result of ``tanfeng.account(..., errors="report")``.
    factors : FactorSet, optional
        The factor set the result was computed with, if it was not the default one.

    Returns
    -------
    DataFrame
        Empty (with the same columns) when no row has a problem.

    Examples
    --------
    >>> import pandas as pd, tanfeng
    >>> r = tanfeng.account(pd.DataFrame({"carrier": ["原煤", "原煤"], "quantity": [1000, -5],
    ...                                    "unit": ["t", "t"]}), errors="report")
    >>> tanfeng.problems(r)[["row", "column", "reason"]].to_dict("records")
    [{'row': 1, 'column': 'quantity', 'reason': 'quantity_negative'}]
    """
    if "problem" not in result.columns:
        raise ValueError("problems() takes a result of tanfeng.account(..., errors='report')")
    from .partitioned import is_dask_frame

    provenance = dict((result._meta if is_dask_frame(result) else result).attrs.get("tanfeng", {}))
    fs = factors or FactorSet.default()
    if provenance.get("factor_set", fs.version) != fs.version:
        raise ValueError(f"this result was computed with factor set {provenance['factor_set']}; "
                         f"pass it as problems(result, factors=...)")
    bad = result[result["problem"].astype(str) != ""]
    bad = bad.compute() if is_dask_frame(bad) else bad
    records = bad.drop(columns=[c for c in _ADDED if c in bad.columns])
    args = {k: provenance[k] for k in ("basis", "region", "year", "co2", "columns") if k in provenance}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FactorFallbackWarning)
            account(records, factors=fs, errors="raise", **args)
    except InputError as exc:
        return exc.failures
    return pd.DataFrame(columns=FAILURE_COLUMNS)
