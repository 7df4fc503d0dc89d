"""Integer codes of the text columns of a records table (carriers, units, regions …)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _codes(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1 = missing) and the distinct values, reusing a Categorical's codes."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), pd.Index(col.cat.categories)  # int8/int16: no copy
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques)
