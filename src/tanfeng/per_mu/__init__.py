"""亩均论英雄: per-mu indicators, weighted scores and A–D classes, with county schemes as data.

Zhejiang evaluates every industrial enterprise by its output per 亩 of land (浙政发〔2018〕5号).
The province names the indicators; each county sets the weights, the benchmarks and the class
rule. tanfeng therefore takes a county's **scheme** as data (``factors/rules/per_mu/*.toml``,
validated by :class:`Scheme`) and applies it to a table of enterprises:

* indicator = numerator / denominator from raw fields, e.g. 亩均税收 = 实缴税金 / 用地面积,
  单位能耗增加值 = 工业增加值 / 综合能耗 (on the scheme's basis, 黄岩: 等价值);
* indicator score = weight × value / benchmark (optionally clipped); total = Σ scores;
* 规上 / 规下 are scored separately (a firm's group: a 企业规模 column, else 主营业务收入 ≥
  2 000 万元); rank within the group; class by score thresholds or by shares;
* missing data as the scheme says (黄岩 2022: no emission data → the group's average score);
  exclusions (不参评) and manual 调档 are written into the ``reason`` column, never silent.

Shipped schemes: ``huangyan-2022`` (verified, the worked example), ``huangyan-2021``,
``template`` (copy it for your county); class rule ``tiantai-2022-classes``.

Examples
--------
>>> import pandas as pd
>>> va = 2 * 136.16       # a 规上 firm on 2 亩 exactly at every 黄岩 2022 benchmark
>>> firms = pd.DataFrame({
...     "企业名称": ["甲", "乙"], "实缴税金": [2 * 24.097, 11.5932], "用地面积": [2.0, 1.0],
...     "工业增加值": [va, None], "综合能耗(等价值)": [va / 2.694, None],
...     "排放量": [va / 4929.81, None], "年平均职工人数": [va / 18.14, None],
...     "R&D经费支出": [151.0, None], "主营业务收入": [5000.0, 800.0], "用电量": [None, 11.5932 / 0.2352]})
>>> r = evaluate(firms, "huangyan-2022")
>>> r[["group", "tax_per_mu", "score", "rank"]].round(3).values.tolist()
[['above_scale', 24.097, 100.0, 1.0], ['below_scale', 11.593, 100.0, 1.0]]
"""

from __future__ import annotations

from .._rules import Confidence as Confidence

# Names outside ``__all__`` were public (or imported by tests and plotting) before the module
# became a package; the ``X as X`` form keeps them importable from here.
from .classes import _largest_remainder as _largest_remainder
from .fields import FIELD_UNITS, FIELDS, INDICATORS, REASONS
from .fields import FIELD_ZH as FIELD_ZH
from .fields import GROUP_ZH as GROUP_ZH
from .fields import MAY_BE_NEGATIVE as MAY_BE_NEGATIVE
from .fields import Group as Group
from .fields import IndicatorDef as IndicatorDef
from .inputs import _map_columns as _map_columns
from .inputs import map_columns as map_columns
from .low_tax import LOW_TAX_THRESHOLD, low_tax_per_mu
from .scheme import Assignment as Assignment
from .scheme import ClassLevel, ClassRule, Scheme, list_schemes, load_class_rule, load_scheme
from .scheme import Exclusion as Exclusion
from .scheme import GroupRule as GroupRule
from .scheme import Indicator as Indicator
from .scheme import PerMuExclusion as PerMuExclusion
from .scheme import PerMuIndicator as PerMuIndicator
from .scheme import Source as Source
from .scoring import evaluate

__all__ = [
    "FIELDS", "FIELD_UNITS", "INDICATORS", "LOW_TAX_THRESHOLD", "REASONS", "ClassLevel",
    "ClassRule", "Scheme", "evaluate", "list_schemes", "load_class_rule", "load_scheme",
    "low_tax_per_mu",
]
