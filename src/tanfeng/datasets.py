"""Synthetic sample data shaped like 诸暨 (合成数据，仅供演示).

:func:`zhuji_sample` generates, from a seed, the tables an analyst at a county 发改局 works with:
enterprises with 亩均 fields, monthly energy records 2020–2023 in the mixed spellings and units
of real exports, projects for 两高 screening, 淘汰落后 / 整治提升 actions, closed capacity that
could be swapped, and the county's industrial value added by year.

It is **not** data about any real enterprise. What is real: the 23 镇乡（街道） of 诸暨 (诸暨市人民政府
网, 2023: 5 个街道、18 个镇乡), the GB/T 4754-2017 codes and names, where the industries sit (袜业 in
大唐, 珍珠 in 山下湖, 铜加工 and 五金 in 店口, 印染 and 化工 moved into parks …), the plan's targets
the actions are shaped against (诸暨 plan, ``zhuji-plan-2021.txt``: 腾出用能 8 万吨标准煤, 淘汰 100 家,
整治 180 家, 腾出用地 1 万亩; 2021 陶朱街道 as the pilot), and the 当量值 factors used to express
energy in physical units (``tanfeng.to_tce``, so ``enterprises.energy_tce`` equals what
``tanfeng.account`` computes from ``energy``). Everything else — sizes, shares, growth, prices —
is a generator parameter below, chosen so that the analyses have something to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from .cells import is_scaled_unit

__all__ = ["INDUSTRIES", "SYNTHETIC_NOTE", "TOWNS", "ZhujiSample", "whatif_candidates", "zhuji_sample"]

#: Label carried by every table of the sample (attrs["note"], and the 说明 sheet of a report).
SYNTHETIC_NOTE = ("合成数据，仅供演示：由 tanfeng.datasets.zhuji_sample 按诸暨的镇乡（街道）和产业分布随机生成，"
                  "不是任何真实企业的数据。Synthetic data for demonstration only.")

#: 诸暨's 镇乡（街道） and a weight for how much industry each holds (the weights are synthetic).
#: Names: 诸暨市人民政府网 概况 (2023) — 5 个街道、18 个镇乡.
TOWNS: dict[str, float] = {
    "暨阳街道": 0.03, "浣东街道": 0.06, "陶朱街道": 0.10, "暨南街道": 0.08, "大唐街道": 0.08,
    "应店街镇": 0.04, "次坞镇": 0.05, "店口镇": 0.10, "姚江镇": 0.06, "山下湖镇": 0.04, "枫桥镇": 0.07,
    "赵家镇": 0.02, "马剑镇": 0.01, "五泄镇": 0.02, "牌头镇": 0.05, "同山镇": 0.02, "安华镇": 0.03,
    "璜山镇": 0.03, "陈宅镇": 0.01, "浬浦镇": 0.02, "岭北镇": 0.01, "东白湖镇": 0.01, "东和乡": 0.01,
}
#: 诸暨市 administrative division code (GB/T 2260), characters 3–8 of a credit code.
ZHUJI_DIVISION = "330681"
#: The plan's figures the actions are shaped against (zhuji-plan-2021.txt, 指标体系 4, 5, 6, 1).
PLAN_PHASE_OUT, PLAN_UPGRADE, PLAN_FREED_TCE, PLAN_LAND_MU = 100, 180, 80_000.0, 10_000.0
#: The 亩均 census covers 规下 firms with at least 3 亩 (诸暨 plan 三(二)1: 实际用地3亩以上).
MIN_LAND_MU = 3.0
#: 规上 = 主营业务收入 ≥ 2 000 万元 (国家统计局; GLOSSARY 规上).
ABOVE_SCALE_REVENUE = 2_000.0
YEARS = (2020, 2021, 2022, 2023)


@dataclass(frozen=True)
class SampleIndustry:
    """One industry of the sample: a GB/T 4754-2017 class and its generator parameters."""

    code: str
    name: str             # GB/T 4754-2017 name
    sector: str           # short label used in reports (袜业, 印染 …)
    word: str             # word in generated enterprise names
    weight: float         # share of enterprises
    towns: dict[str, float]
    energy_tce: float     # median annual energy use (tce)
    revenue: float        # median revenue (万元)
    revenue_per_mu: float  # median revenue per mu of land (万元/亩)
    tax_rate: float       # tax / revenue
    va_ratio: float       # value added / revenue
    emission_per_tce: float  # pollutant emission (t) per tce
    mix: dict[str, tuple[float, float]] = field(default_factory=dict)  # carrier: (P(used), share)


_E = {"electricity": (1.0, 0.9)}
#: The industries of the sample (codes and names: GB/T 4754-2017; parameters synthetic).
INDUSTRIES: tuple[SampleIndustry, ...] = (
    SampleIndustry("1830", "服饰制造", "袜业", "袜业", 0.20, {"大唐街道": 0.6, "暨南街道": 0.12, "浣东街道": 0.08, "姚江镇": 0.08},
             120, 900, 550, 0.0525, 0.20, 0.002, {**_E, "natural_gas": (0.3, 0.08), "diesel": (0.4, 0.02)}),
    SampleIndustry("1762", "针织或钩针编织物印染精加工", "印染", "印染", 0.03, {"大唐街道": 0.7, "暨南街道": 0.2},
             2500, 4000, 490, 0.0375, 0.18, 0.02,
             {"electricity": (1.0, 0.3), "steam": (0.9, 0.55), "natural_gas": (0.6, 0.15)}),
    SampleIndustry("2438", "珠宝首饰及有关物品制造", "珍珠", "珍珠", 0.08, {"山下湖镇": 0.85},
             60, 800, 680, 0.075, 0.25, 0.001, {**_E, "diesel": (0.3, 0.1)}),
    SampleIndustry("3251", "铜压延加工", "铜加工", "铜业", 0.07, {"店口镇": 0.7, "姚江镇": 0.15},
             1800, 15000, 1950, 0.0225, 0.10, 0.003, {"electricity": (1.0, 0.6), "natural_gas": (0.8, 0.4)}),
    SampleIndustry("3352", "建筑装饰及水暖管道零件制造", "五金", "管业", 0.08, {"店口镇": 0.75},
             250, 1800, 780, 0.045, 0.20, 0.002, {"electricity": (1.0, 0.85), "natural_gas": (0.5, 0.15)}),
    SampleIndustry("3443", "阀门和旋塞制造", "五金", "阀门", 0.05, {"店口镇": 0.6, "次坞镇": 0.2},
             200, 1500, 720, 0.0525, 0.22, 0.002, {"electricity": (1.0, 0.9), "natural_gas": (0.4, 0.1)}),
    SampleIndustry("3464", "制冷、空调设备制造", "五金", "制冷配件", 0.04, {"店口镇": 0.7},
             300, 3000, 910, 0.0525, 0.20, 0.002, {"electricity": (1.0, 0.85), "natural_gas": (0.5, 0.15)}),
    SampleIndustry("1713", "棉印染精加工", "印染", "印染", 0.025, {"陶朱街道": 0.35, "暨南街道": 0.35, "枫桥镇": 0.2},
             4000, 6000, 520, 0.0375, 0.18, 0.02,
             {"electricity": (1.0, 0.25), "steam": (0.95, 0.6), "natural_gas": (0.6, 0.15)}),
    SampleIndustry("1752", "化纤织物染整精加工", "印染", "染整", 0.025, {"陶朱街道": 0.35, "暨南街道": 0.35, "枫桥镇": 0.2},
             4500, 6500, 520, 0.0375, 0.18, 0.02,
             {"electricity": (1.0, 0.25), "steam": (0.95, 0.6), "natural_gas": (0.6, 0.15)}),
    SampleIndustry("2614", "有机化学原料制造", "化工", "化工", 0.015, {"牌头镇": 0.3, "安华镇": 0.3, "次坞镇": 0.2},
             3000, 9000, 1170, 0.045, 0.22, 0.015,
             {"electricity": (1.0, 0.35), "steam": (0.7, 0.35), "natural_gas": (0.6, 0.2), "raw_coal": (0.15, 0.1)}),
    SampleIndustry("2641", "涂料制造", "化工", "涂料", 0.015, {"安华镇": 0.4, "牌头镇": 0.3},
             600, 3000, 1040, 0.0525, 0.22, 0.01, {"electricity": (1.0, 0.7), "natural_gas": (0.6, 0.3)}),
    SampleIndustry("2669", "其他专用化学产品制造", "化工", "化学", 0.02, {"牌头镇": 0.3, "安华镇": 0.3},
             900, 3500, 1040, 0.0525, 0.22, 0.012,
             {"electricity": (1.0, 0.5), "steam": (0.5, 0.3), "natural_gas": (0.6, 0.2)}),
    SampleIndustry("2822", "涤纶纤维制造", "化纤", "化纤", 0.02, {"陶朱街道": 0.4, "姚江镇": 0.3},
             6000, 25000, 1560, 0.0225, 0.12, 0.005,
             {"electricity": (1.0, 0.55), "steam": (0.6, 0.3), "natural_gas": (0.6, 0.15)}),
    SampleIndustry("1751", "化纤织造加工", "纺织", "纺织", 0.06, {"大唐街道": 0.25, "暨南街道": 0.25, "次坞镇": 0.15},
             400, 1800, 580, 0.0375, 0.18, 0.003, {"electricity": (1.0, 0.95), "natural_gas": (0.2, 0.05)}),
    SampleIndustry("3391", "黑色金属铸造", "铸造", "铸造", 0.025, {"牌头镇": 0.3, "枫桥镇": 0.3},
             1500, 2500, 460, 0.0375, 0.2, 0.01,
             {"electricity": (1.0, 0.65), "coke": (0.5, 0.25), "natural_gas": (0.5, 0.1)}),
    SampleIndustry("3392", "有色金属铸造", "铸造", "压铸", 0.025, {"店口镇": 0.6},
             1000, 3000, 650, 0.0375, 0.2, 0.008, {"electricity": (1.0, 0.7), "natural_gas": (0.7, 0.3)}),
    SampleIndustry("3484", "机械零部件加工", "机械", "机械", 0.09, {},
             150, 1200, 720, 0.06, 0.25, 0.001, {**_E, "natural_gas": (0.2, 0.1), "diesel": (0.3, 0.03)}),
    SampleIndustry("3670", "汽车零部件及配件制造", "汽配", "汽车部件", 0.06, {"陶朱街道": 0.3, "浣东街道": 0.2},
             400, 3500, 1040, 0.06, 0.22, 0.002, {**_E, "natural_gas": (0.4, 0.12)}),
    SampleIndustry("3591", "环境保护专用设备制造", "环保装备", "环保设备", 0.04, {"枫桥镇": 0.5},
             150, 2500, 1170, 0.075, 0.28, 0.001, {**_E, "diesel": (0.3, 0.03)}),
    SampleIndustry("2929", "塑料零件及其他塑料制品制造", "塑料", "塑业", 0.05, {},
             200, 1200, 580, 0.045, 0.2, 0.003, {**_E, "natural_gas": (0.2, 0.08)}),
)

#: How each carrier is written in the sample: (name as typed, unit as typed, weight).
SPELLINGS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "electricity": (("电力", "万kWh", 0.2), ("电力", "千瓦时", 0.12), ("电", "度", 0.1), ("电", "万千瓦时", 0.05),
                    ("外购电力", "万千瓦时", 0.15), ("外购电力", "kWh", 0.08), ("网购电量", "万kWh", 0.1),
                    ("电力", "万千瓦时", 0.2)),
    "natural_gas": (("天然气", "万m3", 0.3), ("天然气", "m3", 0.15), ("管道天然气", "万立方米", 0.15),
                    ("天然气（管道）", "Nm3", 0.1), ("天然气", "万立方米", 0.2), ("天然气", "立方米", 0.1)),
    "steam": (("蒸汽", "t", 0.35), ("外购蒸汽", "吨", 0.3), ("蒸汽", "吨", 0.15), ("热力", "GJ", 0.12),
              ("外购热力", "百万千焦", 0.08)),
    "raw_coal": (("原煤", "t", 0.5), ("煤炭", "吨", 0.3), ("原煤", "吨", 0.2)),
    "diesel": (("柴油", "t", 0.4), ("0#柴油", "吨", 0.4), ("柴油", "kg", 0.2)),
    "coke": (("焦炭", "t", 0.6), ("焦炭", "吨", 0.4)),
}
#: Decimals a unit is written with in the records.
_DECIMALS = {"万kWh": 4, "万千瓦时": 4, "万m3": 4, "万立方米": 4, "t": 2, "吨": 2, "GJ": 1, "百万千焦": 1}
#: Monthly profile (Jan … Dec; mean 1): electricity peaks in summer; fuels and steam in winter;
#: February is the Spring Festival (synthetic shape).
_SEASON = {
    "electricity": np.array([0.95, 0.70, 1.00, 1.00, 1.02, 1.05, 1.12, 1.12, 1.05, 1.00, 1.00, 0.99]),
    "other": np.array([1.05, 0.70, 1.00, 1.00, 1.00, 0.98, 0.95, 0.95, 1.00, 1.05, 1.10, 1.22]),
}
_NAME_CHARS = "华宏盛达鑫泰永恒金新海天佳越暨浣东丰利通顺兴隆昌荣嘉信诚和瑞祥宇创远大明光辉腾飞龙凤翔安康正中国际环"
#: Per sector: product, capacity unit and synthetic energy intensity (tce per capacity unit).
_PRODUCTS: dict[str, tuple[str, str, float]] = {
    "铸造": ("铸件", "万吨/年", 3500.0), "印染": ("印染布", "万米/年", 3.5), "化纤": ("涤纶长丝", "万吨/年", 1000.0),
    "化工": ("有机化学品", "万吨/年", 5000.0), "铜加工": ("铜管材", "万吨/年", 900.0), "纺织": ("化纤面料", "万米/年", 0.8),
    "袜业": ("袜子", "亿双/年", 800.0), "五金": ("水暖管件", "万套/年", 2.0), "机械": ("机械零部件", "万件/年", 0.5),
    "汽配": ("汽车零部件", "万套/年", 1.5), "环保装备": ("环保设备", "台套/年", 1.0), "珍珠": ("珍珠饰品", "万件/年", 0.2),
    "塑料": ("塑料制品", "万吨/年", 3000.0),
}
#: Kinds of closed capacity; the last three are ineligible for swaps (issue 6 list, synthetic shares).
_SOURCE_KINDS = (("关停退出", 0.6), ("兼并重组", 0.15), ("落后产能", 0.1), ("已享受奖补", 0.08), ("僵尸企业", 0.07))
_EXIT_MODES = ("关停退出", "兼并重组")


@dataclass
class ZhujiSample:
    """The sample's tables (合成数据，仅供演示). See :func:`zhuji_sample`."""

    enterprises: pd.DataFrame
    energy: pd.DataFrame
    projects: pd.DataFrame
    actions: pd.DataFrame
    swap_candidates: pd.DataFrame
    economy: pd.DataFrame
    seed: int
    note: str = SYNTHETIC_NOTE

    def tables(self, lang: str = "zh") -> dict[str, pd.DataFrame]:
        """The tables by sheet name, ready for :func:`tanfeng.io.write_report_xlsx`."""
        names = (("企业", "enterprises"), ("能源消费", "energy"), ("项目", "projects"), ("淘汰整治", "actions"),
                 ("置换来源", "swap_candidates"), ("工业增加值", "economy"))
        return {(zh if lang == "zh" else en): getattr(self, en) for zh, en in names}

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables("en").items())
        return f"ZhujiSample(seed={self.seed}, {sizes}) — {self.note}"


def _credit_codes(rng: np.random.Generator, n: int, new_style: np.ndarray) -> np.ndarray:
    """Valid 统一社会信用代码 (GB 32100-2015) for 诸暨 enterprises (9 1 330681 …).

    Characters 9–17 are an organisation code (GB 11714-1997: 8 characters and a check character,
    weights 3 7 9 10 5 8 4 2, check = 11 − Σ mod 11, 10 → X, 11 → 0); new-style ones begin MA.
    The 18th character: weights 3^(i−1) mod 31, check = (31 − Σ mod 31) mod 31 (GB 32100-2015 附录A).
    """
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = rng.integers(0, 10, size=(n, 8))
    letters = rng.integers(0, len(charset), size=(n, 5))
    org_vals = np.where(new_style[:, None], 0, body)  # GB 11714 values (A=10 … Z=35 alphabetically)
    cs_idx = np.where(new_style[:, None], 0, body)    # GB 32100 character-set indices
    # new style: M A 2 + five characters of the 31-character set
    alpha = {c: (ord(c) - 55 if c.isalpha() else int(c)) for c in charset}
    org_of_cs = np.array([alpha[c] for c in charset])
    org_vals[new_style, 0], cs_idx[new_style, 0] = alpha["M"], charset.index("M")
    org_vals[new_style, 1], cs_idx[new_style, 1] = alpha["A"], charset.index("A")
    org_vals[new_style, 2], cs_idx[new_style, 2] = 2, 2
    org_vals[new_style, 3:] = org_of_cs[letters[new_style]]
    cs_idx[new_style, 3:] = letters[new_style]
    c9 = 11 - (org_vals @ np.array([3, 7, 9, 10, 5, 8, 4, 2])) % 11
    c9_idx = np.where(c9 == 10, charset.index("X"), np.where(c9 == 11, 0, c9))
    head = [9, 1, *map(int, ZHUJI_DIVISION)]  # 9 = 市场监管(工商) registration, 1 = 企业
    idx17 = np.column_stack([np.tile(head, (n, 1)), cs_idx, c9_idx])
    weights = np.array([pow(3, i, 31) for i in range(17)])
    check = (31 - (idx17 @ weights) % 31) % 31
    chars = np.array(list(charset))
    return np.array(["".join(r) for r in chars[np.column_stack([idx17, check])]], dtype=object)


def _names(rng: np.random.Generator, words: np.ndarray, revenue: np.ndarray) -> np.ndarray:
    """Unique enterprise names such as 诸暨市华盛袜业有限公司."""
    n = len(words)
    chars = np.array(list(_NAME_CHARS))
    k = len(chars)
    size = 2 if n <= k * k else 3
    picks = rng.permutation(k**size)[:n]
    marks = ["".join(chars[(p // k**i) % k] for i in range(size)) for p in picks]
    prefix = np.where(revenue >= 50_000, "浙江", "诸暨市")
    suffix = np.where(revenue >= 30_000, "股份有限公司", "有限公司")
    return np.array([f"{a}{b}{c}{d}" for a, b, c, d in zip(prefix, marks, words, suffix)], dtype=object)


def _choice_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category per row of a (n, k) probability matrix."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((cum < u).sum(axis=1), probs.shape[1] - 1)


def _categorical(values: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """``values[codes]`` as a Categorical, without factorising every row."""
    uniq, inverse = np.unique(values.astype(str), return_inverse=True)
    return pd.Categorical.from_codes(inverse[codes], categories=pd.Index(uniq, dtype=object))


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in s)


def _attrs(df: pd.DataFrame, seed: int, units: dict[str, str], what: str) -> pd.DataFrame:
    df.attrs = {"note": SYNTHETIC_NOTE, "synthetic": True, "dataset": f"zhuji_sample:{what}", "seed": seed,
                "units": units}
    return df


def zhuji_sample(seed: int = 0, *, n_enterprises: int = 1500) -> ZhujiSample:
    """A synthetic, 诸暨-shaped sample of everything tanfeng analyses (合成数据，仅供演示).

    Parameters
    ----------
    seed : int
        Random seed: the same seed gives the same tables; another seed, other tables.
    n_enterprises : int
        Number of enterprises (default 1 500).

    Returns
    -------
    ZhujiSample
        A container of DataFrames (each with ``attrs["note"]`` = `SYNTHETIC_NOTE` and
        ``attrs["units"]``):

        * ``enterprises`` — one row per enterprise, the 2020 census (基期): ``enterprise``,
          ``credit_code`` (valid GB 32100-2015 check character), ``town`` (诸暨's 镇乡（街道）),
          ``industry_code`` (GB/T 4754-2017), ``industry``, ``sector``, ``scale`` (规上 / 规下 by
          主营业务收入 ≥ 2 000 万元), ``start`` (投产日期), ``land_area`` (亩, at least 3), ``tax``,
          ``revenue``, ``value_added``, ``rd_expense`` (万元), ``employees``, ``emission_t``
          (主要污染物排放量, t), ``energy_tce`` (2020 综合能耗, 当量值, = ``account(energy)``),
          ``electricity`` (2020 用电量, 万kWh). 规下 have no value added, R&D or emission data;
          a few 规上 lack emission data; a few have a tax refund (negative tax).
        * ``energy`` — monthly long records 2020–2023 (``enterprise``, ``credit_code``, ``town``,
          ``year``, ``month``, ``carrier``, ``quantity``, ``unit``) with mixed spellings (电 /
          电力 / 外购电力, 万kWh / 千瓦时 / 度, 万m3 / Nm3, t / 吨, GJ) and a few numbers written as
          text (``"1,234.56"``, full-width digits, ``"12.5万"``). Closed enterprises stop
          reporting after their closure month; upgraded ones use less energy afterwards.
        * ``projects`` — investment projects for 两高 screening: ``industry_code``,
          ``built_year``, ``project_type`` (新建 / 改扩建), ``energy_tce``,
          ``energy_increment_tce`` (改扩建), ``electricity``; includes the edge cases (exactly
          1 000 and 5 000 tce, 999.9, built 2017 / 2018, no build year).
        * ``actions`` — 淘汰落后 (``phase_out``, ~100) and 整治提升 (``upgrade``, ~180) events
          2021–2023 (2021 mostly in the pilot 陶朱街道): ``date``, ``energy_before_tce`` (the
          enterprise's 2020 ``energy_tce``), ``energy_after_tce``, ``energy_freed_tce``,
          ``land_freed_mu``. Freed energy is shaped to reach about the plan's 8 万吨标准煤 by the
          end of 2023 (roughly 60–90 % by the end of 2022). Freed land comes from the
          enterprises' own land (the sample holds ~2 万亩 in all) and stays well short of the
          plan's 1 万亩 — a gap the progress charts show.
        * ``swap_candidates`` — closed capacity that could offset new projects: ``product``,
          ``capacity``, ``capacity_unit``, ``energy_tce``, ``closed_date``, ``exit_mode``
          (关停退出 / 兼并重组), ``kinds`` (不得置换情形: 落后产能 / 已享受奖补 / 僵尸企业, else
          empty), ``conditions`` (兼并重组 for merged capacity), ``price`` (万元) — the columns
          :func:`tanfeng.swap.check` and :func:`tanfeng.swap.plan` read.
        * ``economy`` — 规上 industrial value added by year (current and 2020 prices), its
          comparable growth, the deflator and 规上 energy use (tce, 当量值).

    Examples
    --------
    >>> s = zhuji_sample(seed=1)
    >>> len(s.enterprises), s.enterprises.attrs["synthetic"]
    (1500, True)
    >>> sorted(s.actions["action"].unique())
    ['phase_out', 'upgrade']
    """
    if n_enterprises < 50:
        raise ValueError("n_enterprises must be at least 50 (the sample needs firms for ~280 actions "
                         "in proportion)")
    rng = np.random.default_rng(seed)
    n = int(n_enterprises)
    towns = np.array(list(TOWNS), dtype=object)
    (ind, town, revenue, land, tax, above, va, employees, rd, start, energy_plan, names,
     codes) = _census(rng, n, towns)
    tax_per_mu = tax / land

    # --- actions (decided before the records, which reflect them)
    actions, closed_at, after_ratio = _actions(rng, n, towns[town], energy_plan, tax_per_mu, land, ind)

    # --- energy records
    energy, tce_2020, elec_2020, tce_by_year = _energy(rng, n, ind, energy_plan, closed_at, after_ratio)
    em = energy_plan * np.array([i.emission_per_tce for i in INDUSTRIES])[ind] * np.exp(0.3 * rng.standard_normal(n))
    em_missing = rng.random(n) < 0.08

    ent = pd.DataFrame({
        "enterprise": names, "credit_code": codes, "town": towns[town],
        "industry_code": np.array([i.code for i in INDUSTRIES], dtype=object)[ind],
        "industry": np.array([i.name for i in INDUSTRIES], dtype=object)[ind],
        "sector": np.array([i.sector for i in INDUSTRIES], dtype=object)[ind],
        "scale": np.where(above, "规上", "规下").astype(object),
        "start": start,
        "land_area": land, "tax": np.round(tax, 2), "revenue": np.round(revenue, 1),
        "value_added": np.where(above, np.round(va, 1), np.nan),
        "rd_expense": np.where(above, np.round(rd, 2), np.nan),
        "employees": employees,
        "emission_t": np.where(above & ~em_missing, np.round(em, 3), np.nan),
        "energy_tce": np.round(tce_2020, 2), "electricity": np.round(elec_2020, 4),
    })
    ent = _attrs(ent, seed, {"land_area": "亩", "tax": "万元", "revenue": "万元", "value_added": "万元",
                             "rd_expense": "万元", "employees": "人", "emission_t": "t", "energy_tce": "tce",
                             "electricity": "万kWh"}, "enterprises")
    fcode = energy.pop("firm").to_numpy()
    energy.insert(0, "enterprise", pd.Categorical.from_codes(fcode, categories=pd.Index(names)))
    energy.insert(1, "credit_code", _categorical(codes, fcode))
    energy.insert(2, "town", pd.Categorical.from_codes(town[fcode], categories=pd.Index(towns)))
    energy = _attrs(energy, seed, {}, "energy")

    act = _action_table(actions, ent, tce_2020, seed)

    projects = _projects(rng, ent)
    swaps = _swap_candidates(rng, ent, act)
    economy = _economy(rng, ent, tce_by_year, above)
    return ZhujiSample(ent, energy, _attrs(projects, seed, {"energy_tce": "tce", "energy_increment_tce": "tce",
                                                            "electricity": "万kWh"}, "projects"),
                       act, _attrs(swaps, seed, {"energy_tce": "tce", "price": "万元"}, "swap_candidates"),
                       _attrs(economy, seed, {"value_added": "万元", "value_added_2020_prices": "万元",
                                              "energy_tce": "tce"}, "economy"), seed)


class _Census(NamedTuple):
    """The drawn 2020 census of the sample's enterprises, one array entry per enterprise."""

    ind: np.ndarray  # position in INDUSTRIES
    town: np.ndarray  # position in TOWNS
    revenue: np.ndarray
    land: np.ndarray
    tax: np.ndarray
    above: np.ndarray  # 规上
    va: np.ndarray
    employees: np.ndarray
    rd: np.ndarray
    start: pd.DatetimeIndex
    energy_plan: np.ndarray  # 2020 tce, before noise
    names: np.ndarray
    codes: np.ndarray


def _census(rng: np.random.Generator, n: int, towns: np.ndarray) -> _Census:
    """Draw the enterprises' industry, town, size, land, tax, start date, name and credit code."""
    base = np.array(list(TOWNS.values()))
    base = base / base.sum()

    weights = np.array([i.weight for i in INDUSTRIES])
    ind = rng.choice(len(INDUSTRIES), size=n, p=weights / weights.sum())
    town_p = np.empty((len(INDUSTRIES), len(towns)))
    for k, spec in enumerate(INDUSTRIES):
        specific = np.array([spec.towns.get(t, 0.0) for t in towns])
        town_p[k] = base if specific.sum() == 0 else 0.25 * base + 0.75 * specific / specific.sum()
    town = _choice_rows(rng, town_p[ind])
    z = rng.standard_normal(n)
    eps = rng.standard_normal((6, n))
    p_energy = np.array([i.energy_tce for i in INDUSTRIES])[ind]
    revenue = np.array([i.revenue for i in INDUSTRIES])[ind] * np.exp(1.0 * z + 0.35 * eps[0])
    inefficient = rng.random(n) < 0.15  # land-hungry firms: the 亩均 tail
    rev_per_mu = np.array([i.revenue_per_mu for i in INDUSTRIES])[ind] * np.exp(0.45 * eps[1])
    rev_per_mu = np.where(inefficient, rev_per_mu * 0.15, rev_per_mu)
    land = np.maximum(np.round(revenue / rev_per_mu, 1), MIN_LAND_MU)
    tax = revenue * np.array([i.tax_rate for i in INDUSTRIES])[ind] * np.exp(0.4 * eps[2])
    tax = np.where(inefficient, tax * 0.6, tax)
    refund = rng.choice(n, size=max(1, n // 500), replace=False)
    tax[refund] = -tax[refund] * 0.1
    above = np.round(revenue, 1) >= ABOVE_SCALE_REVENUE  # as the revenue column is written
    va = revenue * np.array([i.va_ratio for i in INDUSTRIES])[ind] * np.exp(0.2 * eps[3])
    employees = np.maximum(5, np.round(revenue / (160 * np.exp(0.3 * eps[4])))).astype(np.int64)
    rd = revenue * 0.022 * np.exp(0.6 * eps[5]) * (rng.random(n) > 0.1)
    start_days = rng.integers(dt.date(1995, 1, 1).toordinal(), dt.date(2020, 6, 30).toordinal(), n)
    start = pd.to_datetime([dt.date.fromordinal(int(d)) for d in start_days])
    energy_plan = p_energy * np.exp(1.0 * z + 0.35 * rng.standard_normal(n))  # 2020 tce, before noise
    names = _names(rng, np.array([i.word for i in INDUSTRIES], dtype=object)[ind], revenue)
    codes = _credit_codes(rng, n, start_days >= dt.date(2015, 10, 1).toordinal())
    return _Census(ind, town, revenue, land, tax, above, va, employees, rd, start, energy_plan, names, codes)


def _action_table(actions: pd.DataFrame, ent: pd.DataFrame, tce_2020: np.ndarray, seed: int) -> pd.DataFrame:
    """The ``actions`` table: the drawn events with each enterprise's name, code and energy saved."""
    firm = actions["firm"]
    act = actions.assign(enterprise=ent["enterprise"].to_numpy()[firm], credit_code=ent["credit_code"].to_numpy()[firm],
                         industry_code=ent["industry_code"].to_numpy()[firm],
                         energy_before_tce=np.round(tce_2020[firm], 2))
    act["energy_after_tce"] = np.round(act["energy_before_tce"] * act["after_ratio"], 2)
    act["energy_freed_tce"] = np.round(act["energy_before_tce"] - act["energy_after_tce"], 2)
    act = act.sort_values(["date", "firm"], kind="stable").reset_index(drop=True)
    act.insert(0, "action_id", [f"A{d.year}-{i + 1:03d}" for i, d in enumerate(act["date"])])
    act = _attrs(act[["action_id", "enterprise", "credit_code", "town", "industry_code", "action", "action_zh",
                      "date", "energy_before_tce", "energy_after_tce", "energy_freed_tce", "land_freed_mu"]],
                 seed, {"energy_before_tce": "tce", "energy_after_tce": "tce", "energy_freed_tce": "tce",
                        "land_freed_mu": "亩"}, "actions")
    return act


def _actions(rng: np.random.Generator, n: int, town: np.ndarray, energy: np.ndarray, tax_per_mu: np.ndarray,
             land: np.ndarray, ind: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """淘汰 / 整治 events; per firm the closure month index (or 48) and the after/before ratio."""
    scale = n / 1500
    n_out = max(1, round(PLAN_PHASE_OUT * scale * rng.uniform(0.94, 1.08)))
    n_up = max(1, round(PLAN_UPGRADE * scale * rng.uniform(0.94, 1.08)))
    low = tax_per_mu <= np.quantile(tax_per_mu, 0.35)
    heavy = np.isin(np.array([i.sector for i in INDUSTRIES])[ind], ["印染", "化工", "铸造", "袜业", "纺织", "塑料"])
    w_out = (low & (energy >= 20) & (energy <= 1500)) * np.where(heavy, 3.0, 1.0) * (land / np.median(land)) + 1e-9
    out = rng.choice(n, size=min(n_out, n // 4), replace=False, p=w_out / w_out.sum())
    w_up = (tax_per_mu <= np.quantile(tax_per_mu, 0.5)) * (energy >= 200) * (energy <= 10_000) + 1e-9
    w_up[out] = 0
    up = rng.choice(n, size=min(n_up, n // 3), replace=False, p=w_up / w_up.sum())
    firms = np.concatenate([out, up])
    is_out = np.arange(len(firms)) < len(out)
    # dates: 2021 is the 陶朱街道 pilot; 2022 city-wide; 2023 wrap-up (诸暨 plan 三(一)2)
    pilot = town[firms] == "陶朱街道"
    p_year = np.where(pilot[:, None], [0.75, 0.2, 0.05], [0.12, 0.55, 0.33])
    year = 2021 + _choice_rows(rng, p_year)
    day = rng.integers(0, 365, len(firms))
    dates = pd.to_datetime(year.astype(str), format="%Y") + pd.to_timedelta(day, unit="D")
    # energy freed: phase-outs free all; upgrades a share scaled to reach about the plan's total
    before = energy[firms]
    target = PLAN_FREED_TCE * (n / 1500) * rng.uniform(0.95, 1.10)
    base_r = rng.uniform(0.08, 0.35, len(firms))
    need = max(target - before[is_out].sum(), 0.05 * target)
    k = need / max((base_r * before)[~is_out].sum(), 1e-9)
    r = np.where(is_out, 1.0, np.clip(base_r * k, 0.03, 0.6))
    land_freed = np.where(is_out, land[firms],
                          np.round(land[firms] * rng.uniform(0.3, 0.7, len(firms)) * (rng.random(len(firms)) < 0.6), 1))
    frame = pd.DataFrame({"firm": firms, "town": town[firms], "action": np.where(is_out, "phase_out", "upgrade"),
                          "action_zh": np.where(is_out, "淘汰落后", "整治提升"), "date": dates,
                          "after_ratio": 1.0 - r, "land_freed_mu": land_freed})
    month_idx = (dates.year.to_numpy() - YEARS[0]) * 12 + dates.month.to_numpy() - 1
    closed_at = np.full(n, 12 * len(YEARS), dtype=np.int64)   # first month without energy
    change_at = np.full(n, 12 * len(YEARS), dtype=np.int64)   # first month at the after level
    closed_at[firms[is_out]] = month_idx[is_out] + 1
    change_at[firms[~is_out]] = month_idx[~is_out] + 1
    ratio = np.ones(n)
    ratio[firms[~is_out]] = 1.0 - r[~is_out]
    return frame, np.stack([closed_at, change_at]), ratio


def _energy(rng: np.random.Generator, n: int, ind: np.ndarray, energy_plan: np.ndarray, when: np.ndarray,
            ratio: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, dict[int, np.ndarray]]:
    """Monthly long records and, per firm, 2020 tce, 2020 electricity (万kWh) and tce by year."""
    from .units import unit_factor

    carriers = list(SPELLINGS)
    nc = len(carriers)
    used = np.zeros((n, nc), dtype=bool)
    share = np.zeros((n, nc))
    for k, spec in enumerate(INDUSTRIES):
        rows = np.flatnonzero(ind == k)
        for j, c in enumerate(carriers):
            p, s = spec.mix.get(c, (0.0, 0.0))
            used[rows, j] = rng.random(len(rows)) < p
            share[rows, j] = s * np.exp(0.3 * rng.standard_normal(len(rows)))
    used[:, carriers.index("electricity")] = True
    share = np.where(used, share, 0.0)
    share /= share.sum(axis=1, keepdims=True)
    firm, cj = np.nonzero(used)
    # spelling and unit per (firm, carrier)
    opts = [(c, name, unit, w) for c in carriers for name, unit, w in SPELLINGS[c]]
    opt_tce = np.array([_tce_per(unit, name) for _, name, unit, _ in opts])
    opt_elec = np.array([unit_factor(unit, "万kWh") if c == "electricity" else 0.0 for c, _, unit, _ in opts])
    opt_dec = np.array([_DECIMALS.get(unit, 0) for _, _, unit, _ in opts])
    pick = np.empty(len(firm), dtype=np.int64)
    start = 0
    for j, c in enumerate(carriers):
        k = len(SPELLINGS[c])
        sel = cj == j
        w = np.array([x[2] for x in SPELLINGS[c]])
        pick[sel] = start + rng.choice(k, size=int(sel.sum()), p=w / w.sum())
        start += k
    # months
    months = 12 * len(YEARS)
    t = np.arange(months)
    growth = rng.normal(0.03, 0.04, n)
    pair = np.repeat(np.arange(len(firm)), months)
    m = np.tile(t, len(firm))
    f = firm[pair]
    keep = m < when[0][f]
    pair, m, f = pair[keep], m[keep], f[keep]
    season = np.where(carriers.index("electricity") == cj[pair], _SEASON["electricity"][m % 12],
                      _SEASON["other"][m % 12])
    tce = (energy_plan[f] * share[f, cj[pair]] / 12 * season * (1 + growth[f]) ** (m / 12)
           * np.exp(0.08 * rng.standard_normal(len(m))) * np.where(m >= when[1][f], ratio[f], 1.0))
    o = pick[pair]
    dec = opt_dec[o]
    qty = np.round(tce / opt_tce[o] * 10.0**dec) / 10.0**dec
    qty = np.maximum(qty, 10.0**-dec)
    tce_rows = qty * opt_tce[o]
    year = YEARS[0] + m // 12
    tce_2020 = np.bincount(f[year == YEARS[0]], weights=tce_rows[year == YEARS[0]], minlength=n)
    elec_2020 = np.bincount(f[year == YEARS[0]], weights=(qty * opt_elec[o])[year == YEARS[0]], minlength=n)
    by_year = {int(y): np.bincount(f[year == y], weights=tce_rows[year == y], minlength=n) for y in YEARS}
    # a few numbers written as text, as exported sheets have them: 1,234.56 / 全角 / 12.5万
    quantity = qty.astype(object)
    n_text = max(1, len(qty) // 12000)
    plain_unit = ~np.array([is_scaled_unit(str(x[2])) for x in opts])[o]  # 12万 never under 万m³
    forms = (("grouped", qty >= 1000), ("fullwidth", qty > 0), ("wan", (qty >= 10_000) & (dec == 0) & plain_unit))
    for form, eligible in forms:
        pool = np.flatnonzero(eligible)
        for r in rng.choice(pool, size=min(n_text, len(pool)), replace=False):
            v, d = float(qty[r]), int(dec[r])
            if form == "grouped":
                quantity[r] = f"{v:,.{d}f}"
            elif form == "fullwidth":
                quantity[r] = _fullwidth(f"{v:.{d}f}")
            else:
                quantity[r] = f"{v / 1e4:.4f}".rstrip("0").rstrip(".") + "万"
    names = np.array([x[1] for x in opts], dtype=object)
    units = np.array([x[2] for x in opts], dtype=object)
    frame = pd.DataFrame({
        "firm": f, "year": year.astype(np.int64), "month": (m % 12 + 1).astype(np.int64),
        "carrier": _categorical(names, o), "quantity": quantity, "unit": _categorical(units, o),
    })
    return frame, tce_2020, elec_2020, by_year


def _projects(rng: np.random.Generator, ent: pd.DataFrame) -> pd.DataFrame:
    """Investment projects, with the 两高 edge cases of the 诸暨 rule (1 000 / 5 000 tce, 2018)."""
    sectors = {"化工": 3000.0, "化纤": 8000.0, "印染": 4000.0, "铜加工": 2000.0, "铸造": 1500.0, "纺织": 600.0,
               "袜业": 400.0, "五金": 500.0, "机械": 400.0, "汽配": 800.0, "塑料": 500.0}
    elec_share = {"化工": 0.35, "化纤": 0.55, "印染": 0.25, "铜加工": 0.6, "铸造": 0.65}
    pool = ent[ent["sector"].isin(list(sectors))]
    n_random = 140
    firm = rng.choice(len(pool), size=n_random)
    rows = pool.iloc[firm]
    med = rows["sector"].map(sectors).to_numpy(dtype=float)
    energy = np.round(med * np.exp(0.9 * rng.standard_normal(n_random)), 1)
    built = rng.choice(np.arange(2010, 2024), size=n_random, p=np.r_[np.full(8, 0.05), np.full(6, 0.6 / 6)])
    expansion = rng.random(n_random) < 0.3
    increment = np.where(expansion, np.round(energy * rng.uniform(0.2, 0.6, n_random), 1), np.nan)
    frame = pd.DataFrame({"enterprise": rows["enterprise"].to_numpy(), "credit_code": rows["credit_code"].to_numpy(),
                          "town": rows["town"].to_numpy(), "industry_code": rows["industry_code"].to_numpy(),
                          "industry": rows["industry"].to_numpy(), "sector": rows["sector"].to_numpy(),
                          "built_year": built, "project_type": np.where(expansion, "改扩建", "新建"),
                          "energy_tce": energy, "energy_increment_tce": increment})
    # (built year, industry code, energy, increment): the screening rule's edge cases
    edge = [(2019, "2614", 1000.0, None), (2020, "2669", 999.9, None), (2018, "2822", 1500.0, None),
            (2017, "2822", 1500.0, None), (2015, "1713", 5000.0, None), (2016, "1752", 4999.9, None),
            (None, "2614", 6000.0, None), (None, "2641", 3000.0, None), (2021, "3484", 20000.0, None),
            (2022, "1713", 1000.0, None), (2019, "3251", 1200.0, None), (2021, "2822", 6000.0, 1000.0)]
    by_code = {c: g for c, g in ent.groupby("industry_code")}
    extra = []
    for by, code, e, inc in edge:
        g = by_code[code]
        r = g.iloc[int(rng.integers(len(g)))]
        extra.append({"enterprise": r["enterprise"], "credit_code": r["credit_code"], "town": r["town"],
                      "industry_code": code, "industry": r["industry"], "sector": r["sector"], "built_year": by,
                      "project_type": "改扩建" if inc else "新建", "energy_tce": e,
                      "energy_increment_tce": np.nan if inc is None else inc})
    frame = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    frame["built_year"] = frame["built_year"].astype("Int64")
    per_10k_kwh = _tce_per("万kWh", "电力")
    share = frame["sector"].map(elec_share).fillna(0.85).to_numpy(dtype=float)
    frame["electricity"] = np.round(frame["energy_tce"].to_numpy() * share / per_10k_kwh, 2)
    product = frame["sector"].map(lambda s: _PRODUCTS[s][0])
    short = frame["enterprise"].str.replace(r"^(诸暨市|浙江)|(股份)?有限公司$", "", regex=True)
    frame.insert(0, "project", [f"{e}{'扩建' if t == '改扩建' else '新建'}{p}项目"
                                for e, t, p in zip(short, frame["project_type"], product)])
    frame.insert(0, "project_id", [f"P{i + 1:03d}" for i in range(len(frame))])
    return frame


#: carrier id -> (unit, tce per unit) of the first unit looked up, per process.
_REFERENCE: dict[str, tuple[str, float]] = {}


def _tce_per(unit: str, carrier: str) -> float:
    """tce in one ``unit`` of ``carrier`` at 当量值, as `tanfeng.to_tce` gives it: one factor
    look-up per carrier, other units of the same carrier by unit conversion."""
    from .carriers import resolve
    from .units import unit_factor

    cid = resolve(carrier)
    if cid not in _REFERENCE:
        import warnings

        from .accounting import to_tce
        from .errors import FactorFallbackWarning

        with warnings.catch_warnings():  # the sample's steam is at the default pressure on purpose: no note
            warnings.simplefilter("ignore", FactorFallbackWarning)
            _REFERENCE[cid] = (unit, float(to_tce(1, unit, carrier).magnitude))
    ref_unit, ref_value = _REFERENCE[cid]
    return ref_value * unit_factor(unit, ref_unit)


def _swap_candidates(rng: np.random.Generator, ent: pd.DataFrame, act: pd.DataFrame) -> pd.DataFrame:
    """Closed capacity: the sample's own 淘汰 in swap sectors, plus closures from before 2021."""
    info = ent.set_index("enterprise")
    closed = act[(act["action"] == "phase_out")]
    closed = closed[info.loc[closed["enterprise"], "sector"].isin(["铸造", "印染", "化纤", "化工"]).to_numpy()]
    rows = [{"enterprise": r.enterprise, "credit_code": r.credit_code, "town": r.town,
             "industry_code": r.industry_code, "sector": info.at[r.enterprise, "sector"],
             "energy_tce": r.energy_before_tce, "closed_date": r.date} for r in closed.itertuples()]
    pool = ent[ent["sector"].isin(["铸造", "印染", "化纤", "化工"])]
    n_old = max(20, 60 - len(rows))
    old = pool.iloc[rng.choice(len(pool), size=min(n_old, len(pool)), replace=False)]
    n_old = len(old)
    days = rng.integers(dt.date(2018, 1, 1).toordinal(), dt.date(2020, 12, 31).toordinal(), n_old)
    for r, d, e in zip(old.itertuples(), days, np.exp(rng.normal(np.log(800), 0.8, n_old))):
        rows.append({"enterprise": r.enterprise, "credit_code": r.credit_code, "town": r.town,
                     "industry_code": r.industry_code, "sector": r.sector, "energy_tce": round(float(e), 2),
                     "closed_date": pd.Timestamp(dt.date.fromordinal(int(d)))})
    frame = pd.DataFrame(rows)
    prod = frame["sector"].map(_PRODUCTS)
    intensity = prod.map(lambda p: p[2]).to_numpy(dtype=float) * np.exp(0.2 * rng.standard_normal(len(frame)))
    frame["product"] = prod.map(lambda p: p[0])
    frame["capacity"] = np.round(frame["energy_tce"].to_numpy(dtype=float) / intensity, 3)
    frame["capacity_unit"] = prod.map(lambda p: p[1])
    tonnes = rng.random(len(frame)) < 0.05
    tonnes &= frame["capacity_unit"].eq("万吨/年").to_numpy()
    frame.loc[tonnes, "capacity"] = np.round(frame.loc[tonnes, "capacity"] * 10_000, 0)
    frame.loc[tonnes, "capacity_unit"] = "吨/年"
    kinds = np.array([k for k, _ in _SOURCE_KINDS], dtype=object)
    p = np.array([w for _, w in _SOURCE_KINDS])
    kind = kinds[rng.choice(len(kinds), size=len(frame), p=p / p.sum())]
    # how the capacity left (关停退出 / 兼并重组) and, apart, why it may not count (不得置换情形)
    frame["exit_mode"] = np.where(np.isin(kind, list(_EXIT_MODES)), kind, "关停退出")
    frame["kinds"] = np.where(np.isin(kind, list(_EXIT_MODES)), "", kind)
    frame["conditions"] = np.where(kind == "兼并重组", "兼并重组", "")
    frame["price"] = np.round(frame["energy_tce"].to_numpy(dtype=float) * rng.uniform(0.2, 0.5, len(frame)), 1)
    frame = frame.sort_values("closed_date", kind="stable").reset_index(drop=True)
    frame.insert(0, "source_id", [f"S{i + 1:03d}" for i in range(len(frame))])
    return frame[["source_id", "enterprise", "credit_code", "town", "industry_code", "sector", "product", "capacity",
                  "capacity_unit", "energy_tce", "closed_date", "exit_mode", "kinds", "conditions", "price"]]


def _economy(rng: np.random.Generator, ent: pd.DataFrame, tce_by_year: dict[int, np.ndarray],
             above: np.ndarray) -> pd.DataFrame:
    """规上 industrial value added by year and 规上 energy use (synthetic growth and prices)."""
    va0 = float(np.nansum(ent["value_added"].to_numpy(dtype=float)))
    growth = np.r_[0.0, rng.uniform(0.05, 0.09, len(YEARS) - 1)]
    prices = np.r_[1.0, np.cumprod(1 + rng.uniform(-0.01, 0.03, len(YEARS) - 1))]
    real = va0 * np.cumprod(1 + growth)
    return pd.DataFrame({
        "year": np.array(YEARS, dtype=np.int64),
        "value_added": np.round(real * prices, 1),
        "value_added_2020_prices": np.round(real, 1),
        "growth_comparable_pct": np.round(growth * 100, 2),
        "deflator": np.round(prices, 4),
        "energy_tce": np.round([float(tce_by_year[y][above].sum()) for y in YEARS], 2),
    })



#: Generator parameters of `whatif_candidates` (all synthetic): the energy range of a candidate
#: enterprise (tce, small firms), the share of the lowest 亩均税收
#: enterprises that are candidates, the share of them that may also be upgraded, CO2 per tce of
#: their own mix (uniform range), closure cost per tce and per 亩 (万元), upgrade investment per
#: tce freed (万元), and the share of energy an upgrade frees.
WHATIF_PARAMS: dict[str, tuple[float, float]] = {
    "energy_tce": (50.0, 3000.0), "candidate_share": (0.30, 0.30), "upgrade_option": (0.60, 0.60), "co2_per_tce": (1.6, 2.6),
    "close_per_tce": (0.03, 0.10), "close_per_mu": (3.0, 8.0), "upgrade_per_tce": (0.15, 0.45),
    "upgrade_frees": (0.10, 0.40),
}


def whatif_candidates(sample: ZhujiSample | None = None, *, as_of: str = "2022-12-31",
                      seed: int = 0) -> pd.DataFrame:
    """Synthetic candidate actions for :func:`tanfeng.targets.whatif` (合成数据，仅供演示).

    From a :func:`zhuji_sample`: the enterprises with the lowest 亩均税收 and no action finished by
    ``as_of``, each with a 淘汰 row (all its 2020 energy freed; cost from its energy and land;
    all its employees affected) and, for some, an 整治提升 row (part of its energy; investment
    per tce freed; a few people affected), an earliest month in 2023–2024, and CO2 from a
    synthetic own-mix ratio (`WHATIF_PARAMS`). Chinese headers, as a county sheet would have.

    Examples
    --------
    >>> c = whatif_candidates(zhuji_sample(seed=0, n_enterprises=300))
    >>> c.columns.tolist()[:5], c.attrs["synthetic"]
    (['企业名称', '镇乡（街道）', '类型', '腾出用能', '减少碳排放'], True)
    """
    s = sample if sample is not None else zhuji_sample(seed)
    rng = np.random.default_rng(seed + 17)
    ent = s.enterprises
    done = set(s.actions.loc[s.actions["date"] <= pd.Timestamp(as_of), "enterprise"])
    per_mu = ent["tax"].to_numpy(dtype=float) / ent["land_area"].to_numpy(dtype=float)
    tce_all = ent["energy_tce"].to_numpy(dtype=float)
    pool = ent[~ent["enterprise"].isin(done) & (tce_all >= WHATIF_PARAMS["energy_tce"][0])
               & (tce_all <= WHATIF_PARAMS["energy_tce"][1])
               & (per_mu <= np.quantile(per_mu, WHATIF_PARAMS["candidate_share"][0]))]
    n = len(pool)
    p = {k: rng.uniform(lo, hi, n) for k, (lo, hi) in WHATIF_PARAMS.items() if k != "energy_tce"}
    tce = pool["energy_tce"].to_numpy(dtype=float)
    ratio = p["co2_per_tce"]
    close = pd.DataFrame({"企业名称": pool["enterprise"].to_numpy(), "镇乡（街道）": pool["town"].to_numpy(),
                          "类型": "淘汰落后", "腾出用能": np.round(tce, 1), "减少碳排放": np.round(tce * ratio, 1),
                          "费用": np.round(tce * p["close_per_tce"] + pool["land_area"].to_numpy() * p["close_per_mu"], 1),
                          "涉及人数": pool["employees"].to_numpy()})
    up = rng.random(n) < p["upgrade_option"]
    freed = tce * p["upgrade_frees"]
    upgrade = pd.DataFrame({"企业名称": close["企业名称"], "镇乡（街道）": close["镇乡（街道）"], "类型": "整治提升",
                            "腾出用能": np.round(freed, 1), "减少碳排放": np.round(freed * ratio, 1),
                            "费用": np.round(freed * p["upgrade_per_tce"], 1),
                            "涉及人数": np.round(pool["employees"].to_numpy() * rng.uniform(0, 0.1, n))})[up]
    out = pd.concat([close, upgrade]).sort_index(kind="stable").reset_index(drop=True)
    months = pd.period_range("2023-01", "2024-06", freq="M").astype(str).to_numpy()
    out["最早完成月份"] = rng.choice(months, len(out), p=np.linspace(2, 1, len(months)) / np.linspace(2, 1, len(months)).sum())
    out.attrs = {"note": SYNTHETIC_NOTE, "synthetic": True, "dataset": "whatif_candidates", "seed": seed,
                 "units": {"腾出用能": "tce", "减少碳排放": "tCO2", "费用": "万元", "涉及人数": "人"}}
    return out
