"""Rows with a measured 低位发热量 (GB/T 2589: tce = m × Q / 29 307.6 kJ/kgce), and results that overflow."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..carriers import Carrier
from ..cells import Failures
from ..errors import FactorNotFoundError
from ..factors import FactorSet
from ..resolver import co2_per_unit
from ._common import NCV_BAND
from .reading import RecordCells

__all__ = ["flag_overflow", "measured_ncv"]


def measured_ncv(col: pd.Series, colname: str, cells: RecordCells, fs: FactorSet, qv: np.ndarray, fails: Failures,
                 want_co2: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """tce (= m × Q / 29 307.6 kJ/kgce) and CO2 (= m × Q × CC × OF × 44/12) of rows with a measured NCV.

    Returns the rows that use their NCV, their tce and CO2, and the rows whose NCV was reported.
    """
    from ..units import get_registry

    reg = get_registry()
    n = len(col)
    has = ~pd.isna(col).to_numpy() & (col.astype(str).str.strip() != "").to_numpy()
    tce, co2v, bad = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    raw = col.to_numpy(dtype=object)
    if not has.any():
        return has, tce, co2v, bad
    pos = np.flatnonzero(has)
    frame = pd.DataFrame({"ncv": [str(raw[p]).strip() for p in pos], "c": cells.ccodes[pos], "u": cells.ucodes[pos],
                          "y": cells.ycodes[pos], "r": cells.rcodes[pos]})
    for (text, c, u, y, r), g in frame.groupby(["ncv", "c", "u", "y", "r"], sort=False):
        rows = pos[g.index.to_numpy()]
        if c < 0 or u < 0 or cells.cids[c] is None:
            continue
        mask = np.zeros(n, dtype=bool)
        mask[rows] = True
        carrier = fs.carriers.get(cells.cids[c])
        nq, problem = _read_ncv(text, carrier, reg)
        if problem:
            fails.add(mask, colname, raw, *problem)
            bad |= mask
            continue
        one = reg.Quantity(1.0, cells.utexts[u])
        try:
            per_unit_tce = float((one * nq).to("tce").magnitude)
        except Exception:
            continue  # the unit error is reported by the key check
        tce[rows] = qv[rows] * per_unit_tce
        if want_co2:
            yv = int(cells.yuniq[y]) if int(cells.yuniq[y]) >= 0 else None
            try:
                per_unit_co2, _, _, _ = co2_per_unit(fs, carrier.id, one, year=yv, region=cells.rid_of_code[r], ncv=nq)
                co2v[rows] = qv[rows] * per_unit_co2
            except FactorNotFoundError:
                pass
    return has & ~bad, tce, co2v, bad


def _read_ncv(text: str, carrier: Carrier, reg: Any) -> tuple[Any, tuple[str, ...]]:
    """The NCV as a Quantity, or the reason code (and detail) why it cannot be used."""
    from ..units import MEASURES

    measure, category = carrier.measure, carrier.category
    if category in ("electricity", "heat"):
        return None, ("ncv_not_fuel",)
    try:
        nq = reg.Quantity(text)
        if not hasattr(nq, "units"):
            raise ValueError
    except Exception:
        return None, ("ncv_unparsable",)
    if nq.dimensionless:
        return None, ("ncv_unit_missing",)
    if nq.dimensionality != reg.get_dimensionality(f"[energy] / ({MEASURES[measure]})"):
        return None, ("ncv_dimension", f"{text!r}: {carrier.name_zh} ({measure})")
    if nq.magnitude <= 0:
        return None, ("ncv_not_positive",)
    lo, hi, bu = NCV_BAND[measure] if measure in NCV_BAND else (0, math.inf, str(nq.units))
    x = float(nq.to(bu).magnitude)
    if not lo <= x <= hi:
        return None, ("ncv_implausible", f"{text!r} = {x:.4g} {bu}, {lo}–{hi} {bu}")
    return nq, ()


def flag_overflow(fails: Failures, bad_row: np.ndarray, column: str, raw: pd.Series, results: list[np.ndarray]) -> None:
    """Flag ``quantity_overflow`` on rows whose result is infinite (never an inf in a total)."""
    for x in results:
        if len(x) and (np.isinf(np.fmax.reduce(x)) or np.isinf(np.fmin.reduce(x))):
            fails.add(np.isinf(x) & ~bad_row, column, raw, "quantity_overflow")
