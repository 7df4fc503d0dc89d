"""Shared pieces of `tanfeng.targets`: the measures a Tracker counts, reason codes, failure
frames and the month-end calendar.

Months are counted on a month-end calendar: day *d* of a month of *L* days is *d/L* of that
month, so month end to month end is a whole number (2022-06-30 → 2023-12-31 is 18 months). A
plan starting 2021-01-01 starts at the end of 2020-12-31.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import Any

import pandas as pd

from ..cells import REASONS as _REASONS

#: Series a Tracker measures: id -> (Chinese label, unit).
MEASURES: dict[str, tuple[str, str]] = {
    "energy_freed_tce": ("腾出用能", "tce"),
    "co2_reduced_t": ("减少碳排放（按企业能源结构）", "tCO2"),
    "co2_reduced_planning_t": ("减少碳排放（按规划系数）", "tCO2"),
    "phase_out": ("淘汰落后产能企业", "家"),
    "upgrade": ("整治提升低效企业", "家"),
    "land_freed_mu": ("腾出用地", "亩"),
}
#: The planning-ratio CO2 is measured against the same indicator as the own-mix CO2.
_TARGET_OF = {"co2_reduced_planning_t": "co2_reduced_t"}

#: Reason codes of `InputError` failures raised by `tanfeng.targets`: the kernel's registry.
REASONS = _REASONS


# ---------------------------------------------------------------------------------------------
# month-end calendar


def to_date(x: Any) -> dt.date:
    """A date from a date, Timestamp or text (``"2023-05-01"``)."""
    return pd.Timestamp(x).date()


def _month_pos(d: dt.date) -> float:
    """Months since year 0 on the month-end calendar (end of month m of year y = 12y + m)."""
    return 12 * d.year + (d.month - 1) + d.day / calendar.monthrange(d.year, d.month)[1]


def _months_between(a: dt.date, b: dt.date) -> float:
    return _month_pos(b) - _month_pos(a)


def add_months(d: dt.date, months: float) -> dt.date:
    """The first date by which ``months`` (month-end calendar) have passed since ``d``."""
    x = _month_pos(d) + months
    k = math.floor(x + 1e-9)
    frac = x - k
    year, month0 = divmod(k, 12)
    if frac <= 1e-9:  # exactly a month end: the last day of the month before
        year, month0 = divmod(k - 1, 12)
        return dt.date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1])
    days = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, max(1, math.ceil(frac * days - 1e-9)))


#: Former private names (used inside ``targets``).
_to_date = to_date
_add_months = add_months
