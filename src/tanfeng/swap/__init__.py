"""Capacity and energy swap (产能置换 / 能耗等量减量替代): check, plan, ledger.

New projects in high-energy sectors must retire capacity elsewhere (产能置换: 退出产能 : 建设产能
≥ the rule's ratio) and offset their new energy use (能耗等量减量替代: ``substitute_tce /
new_tce >= energy_ratio``, at least 1:1 under the 诸暨 plan (二)3).

* :func:`check` — does a project's swap add up? Ratio from the rules in force on the date
  (a suspended rule raises `RuleError`), every source checked (product, closed by the date,
  not used by another project in the :class:`Ledger`, not an ineligible kind, units), the
  capacity and energy shortfalls, and Chinese findings with stable codes.
* :func:`plan` — the best set of sources from a list of candidates (``scipy.optimize.milp``,
  HiGHS), with its proven gap and solver status; when the candidates cannot cover the project,
  how much capacity and energy is missing.
* :class:`Ledger` — allocations of sources to projects, saved atomically to CSV.
* :class:`SwapRules` — the rules as data (``factors/rules/capacity_swap.csv``,
  ``key_regions.csv``, ``swap_exclusions.csv``), each row with its source; loaded with
  ``SwapRules.load(id_or_path)`` like every rule set (``RuleSet`` is its former name).

Examples
--------
>>> import pandas as pd
>>> from tanfeng.swap import check
>>> project = {"id": "新项目", "sector": "钢铁", "product": "粗钢", "new_capacity": 100,
...            "capacity_unit": "万吨/年", "province": "浙江", "county": "诸暨", "city": "绍兴"}
>>> sources = pd.DataFrame({"source_id": ["甲", "乙"], "product": "粗钢", "capacity": [100, 60],
...                         "capacity_unit": "万吨/年", "closed_on": "2023-01-31"})
>>> check(project, sources, on="2023-05-01").ok
True
"""

from __future__ import annotations

from .checking import DEFAULT_ENERGY_RATIO, check
from .ledger import Ledger, LedgerError
from .models import Finding, Line, LineResult, Project, SwapCheck, SwapPlan
from .planning import DEFAULT_MIP_REL_GAP, DEFAULT_TIME_LIMIT, OBJECTIVES, plan
from .rules import RuleSet, SwapExclusion, SwapRule, SwapRules
from .sources import REASONS, SOURCE_COLUMNS

__all__ = [
    "DEFAULT_ENERGY_RATIO",
    "DEFAULT_MIP_REL_GAP",
    "DEFAULT_TIME_LIMIT",
    "OBJECTIVES",
    "REASONS",
    "SOURCE_COLUMNS",
    "Finding",
    "Ledger",
    "LedgerError",
    "Line",
    "LineResult",
    "Project",
    "RuleSet",
    "SwapCheck",
    "SwapExclusion",
    "SwapPlan",
    "SwapRule",
    "SwapRules",
    "check",
    "plan",
]
