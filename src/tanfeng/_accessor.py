"""``df.tanfeng`` — a thin Jupyter convenience over the functions (xarray-style accessor).

The accessor holds only a reference to the DataFrame; the functions stay the primary API.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


@pd.api.extensions.register_dataframe_accessor("tanfeng")
class TanfengAccessor:
    """``df.tanfeng.account(...)``, ``df.tanfeng.summarize(by=...)``, ``df.tanfeng.provenance``."""

    def __init__(self, obj: pd.DataFrame) -> None:
        self._obj = obj

    def account(self, **kwargs: Any) -> pd.DataFrame:
        """`tanfeng.account` on this DataFrame."""
        from .accounting import account

        return account(self._obj, **kwargs)

    def summarize(self, by: Any = None) -> pd.DataFrame:
        """`tanfeng.summarize` on this (already accounted) DataFrame."""
        from .accounting import summarize

        return summarize(self._obj, by=by)

    def screen_two_high(self, **kwargs: Any) -> pd.DataFrame:
        """`tanfeng.screen_two_high` on this DataFrame."""
        from .screening import screen_two_high

        return screen_two_high(self._obj, **kwargs)

    @property
    def provenance(self) -> pd.DataFrame:
        """Which factors produced the numbers: rows and tce/CO2 per factor, with sources."""
        df = self._obj
        if "tce_factor" not in df.columns:
            raise AttributeError("provenance is available on the result of account()")
        g = df.groupby(["tce_factor", "co2_factor", "confidence"], observed=True, dropna=False).agg(
            rows=("tce", "size"), tce=("tce", "sum"), co2_t=("co2_t", "sum"))
        g.attrs = {"factor_set": df.attrs.get("tanfeng", {}).get("factor_set")}
        return g
