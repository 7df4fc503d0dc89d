"""Energy records to standard coal (tce) and CO2 — the library's main verb.

* :func:`to_tce` and :func:`to_co2` convert one quantity and return a pint Quantity.
* :func:`account` converts a table of records (one row per entity, period and carrier) and
  returns the same rows, in the same order and with the same index, plus ``tce``,
  ``tce_excl_feedstock``, ``co2_t``, ``scope``, ``tce_factor``, ``co2_factor`` and ``confidence``.
* :func:`summarize` totals a result by any columns.
* :func:`problems` gives the failure table of a result computed with ``errors="report"``.

Each takes a pandas DataFrame or a dask DataFrame (``pip install "tanfeng[dask]"``; see
`tanfeng.accounting.partitioned`).

How it runs, as named stages (`tanfeng.accounting.stages`): find columns -> read cells (the
kernel) -> encode keys -> resolve each distinct (carrier, unit, year, region) key once with
`FactorSet.resolve_key` -> apply (gather × multiply over integer codes) -> assemble. No Quantity
is built per row. :func:`explain` returns the resolved key table (which factor for which key, on
how many rows): the 计算依据 of a run, also in ``result.attrs["tanfeng"]["keys"]``.

Rules applied (GB/T 2589-2020 综合能耗计算通则; GB/T 32150 / 32151 CO2 accounting):

* tce = quantity × 折标准煤系数 (当量值 or 等价值); with a measured 低位发热量 Q,
  tce = m × Q / 29 307.6 kJ/kgce.
* energy delivered outside the boundary (``flow="output"``, 外供) is subtracted.
* 原料用能 (``use="feedstock"``, 发改环资〔2022〕803号) counts in ``tce`` but not in
  ``tce_excl_feedstock``; it is not burned, so no combustion CO2 is counted for it.
* CO2 of fuels = AD × NCV × CC × OF × 44/12; of purchased electricity = kWh × grid factor
  (region, data year); of heat and steam = heat content (GJ) × heat factor.
"""

from ._common import COLUMN_ALIASES, REASONS, YEAR_RANGE
from .options import AccountOptions
from .problem_table import problems
from .scalar import steam_heat, to_co2, to_tce, with_substitution_factor
from .summary import summarize
from .table import account, explain

__all__ = [
    "COLUMN_ALIASES",
    "REASONS",
    "YEAR_RANGE",
    "AccountOptions",
    "account",
    "explain",
    "problems",
    "steam_heat",
    "summarize",
    "to_co2",
    "to_tce",
    "with_substitution_factor",
]
