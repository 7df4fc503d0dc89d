"""Plan targets and progress toward them (腾笼换鸟: 淘汰落后, 整治提升, 腾出用能, 减少碳排放).

* :class:`Plan` and :class:`Indicator` — a plan's 指标体系 as data (pydantic, loaded from TOML;
  the 诸暨 2021–2023 plan ships as ``tanfeng.plans.ZHUJI_2023``). :meth:`Plan.assess` compares
  actual values with every target, direction aware.
* :class:`Tracker` — 淘汰落后 / 整治提升 actions, one row each, against the plan:
  :meth:`~Tracker.progress` (achieved, share, remaining, rate needed per month),
  :meth:`~Tracker.by_town`, :meth:`~Tracker.timeline`, :meth:`~Tracker.forecast`.
* :func:`intensity_decline` — 单位工业增加值能耗 at comparable prices, cumulative and annualised.
* :func:`whatif` — which candidate 淘汰 / 整治 actions meet what remains at the least cost (or
  disruption), with town minimums and caps, a budget and the deadline (情景测算, HiGHS); a
  :class:`WhatIf` result with the proven gap and the greedy answer beside it.

Months are counted on a month-end calendar: day *d* of a month of *L* days is *d/L* of that
month, so month end to month end is a whole number (2022-06-30 → 2023-12-31 is 18 months). A
plan starting 2021-01-01 starts at the end of 2020-12-31.

The package is split by concept: `.plan` (Plan, Indicator, TOML, assess), `.actions` (reading
and checking the actions table), `.tracker` (Tracker), `.intensity` (intensity_decline), `.candidates`, `.selection`,
`.scenario` and `.outcome` (whatif: input, the MILP in arrays, the function, its result) and
`._common` (measures, reason codes, the month-end calendar). Import from ``tanfeng.targets``.
"""

from __future__ import annotations

# ``X as X``: importable from tanfeng.targets as before, though not in __all__ (the type
# aliases, the ranking default, the month-end calendar helpers the tests use).
from ._common import MEASURES, REASONS
from ._common import _add_months as _add_months
from ._common import _months_between as _months_between
from .actions import ACTION_COLUMNS, ACTIONS, DEFAULT_BASIS, DEFAULT_REGION
from .candidates import CANDIDATE_COLUMNS
from .intensity import intensity_decline
from .outcome import WhatIf
from .plan import Direction as Direction
from .plan import Indicator, NamedValue, Plan
from .plan import Period as Period
from .scenario import OBJECTIVES as WHATIF_OBJECTIVES
from .scenario import whatif
from .tracker import DEFAULT_N_LOWEST as DEFAULT_N_LOWEST
from .tracker import Tracker

__all__ = [
    "ACTIONS",
    "ACTION_COLUMNS",
    "CANDIDATE_COLUMNS",
    "DEFAULT_BASIS",
    "DEFAULT_REGION",
    "MEASURES",
    "REASONS",
    "WHATIF_OBJECTIVES",
    "Indicator",
    "NamedValue",
    "Plan",
    "Tracker",
    "WhatIf",
    "intensity_decline",
    "whatif",
]

