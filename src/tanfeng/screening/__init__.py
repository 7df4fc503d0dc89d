"""两高 project screening and the 两高一低 watch list, with a reason on every row.

* :func:`screen_two_high` — the 诸暨 plan's project review (二(二)2): a project is a “两高”
  project when its industry is in a sector preset and its annual 综合能耗 reaches the threshold
  of its build period (``zhuji-2021``: built 2018 or later ≥ 1 000 tce/yr, before 2018
  ≥ 5 000 tce/yr; “以上” includes the number). Undecidable rows are NA, never False.
* :func:`screen_low_efficiency` — the 两高一低 monitoring list (二(二)1): high energy, high
  emission (CO2) and low benefit (亩均税收).
* :class:`TwoHighRules`, :class:`SectorPreset`, :class:`LowEfficiencyRules` — the rules, loaded
  with ``load(id_or_path)`` from ``factors/rules/two_high.toml`` or from your own TOML file or
  dict, each number with its source (``RuleSet`` is the former name of `TwoHighRules`).

Modules: :mod:`.rules` (models and loading), :mod:`.two_high`, :mod:`.low_efficiency`, and
``_input`` (reading the input table, formatting numbers in the reason text).

Examples
--------
>>> import pandas as pd, tanfeng
>>> p = pd.DataFrame({"industry_code": ["C2614", "3484"], "built_year": [2019, 2019],
...                   "energy_tce": [1000.0, 20000.0]})
>>> r = tanfeng.screen_two_high(p)
>>> r["two_high"].tolist()
[True, False]
>>> r.loc[0, "reason"]
'2019年建成，年综合能耗1 000.0吨标准煤，达到1 000吨标准煤门槛（化工，2614）'

Change a rule in one line:

>>> from tanfeng.screening import TwoHighRules
>>> mine = TwoHighRules.load("zhuji-2021").replace(cutoff_year=2019, sectors="mee-2021")
>>> (mine.cutoff_year, mine.sectors.id)
(2019, 'mee-2021')
"""

from __future__ import annotations

from ..cells import REASONS as _REASONS
from ._input import COLUMN_ALIASES
from .low_efficiency import screen_low_efficiency
from .rules import (
    DEFAULT_RULES,
    YEAR_RANGE,
    LowEfficiencyRules,
    RuleSet,
    SectorCode,
    SectorPreset,
    Source,
    TwoHighRules,
)
from .summary import ScreeningSummary, summarize_screening
from .two_high import screen_two_high

__all__ = [
    "COLUMN_ALIASES",
    "DEFAULT_RULES",
    "REASONS",
    "YEAR_RANGE",
    "LowEfficiencyRules",
    "RuleSet",
    "ScreeningSummary",
    "SectorCode",
    "SectorPreset",
    "Source",
    "TwoHighRules",
    "screen_low_efficiency",
    "screen_two_high",
    "summarize_screening",
]

#: Reason codes of the ``reason_code`` column and of `InputError` failures: the kernel's registry.
REASONS = _REASONS
