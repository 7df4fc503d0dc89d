"""The vocabulary of a 亩均 evaluation: raw fields, their headers and units, indicators, reason codes.

Everything else in :mod:`tanfeng.per_mu` reads a table and a scheme in these terms.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from ..cells import REASONS as _REASONS

Group = Literal["above_scale", "below_scale"]
GROUP_ZH = {"above_scale": "规上", "below_scale": "规下"}

#: Raw fields and the headers understood for them (Chinese as on county 亩均 platforms,
#: policy.md §7, and English). A header may carry its unit in brackets: 实缴税金(元).
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "企业名称", "企业", "单位名称", "enterprise"),
    "credit_code": ("credit_code", "统一社会信用代码", "社会信用代码", "信用代码", "uscc"),
    "town": ("town", "所属乡镇", "镇乡街道", "乡镇街道", "镇乡", "乡镇", "所属镇街", "镇街"),
    "scale": ("scale", "企业规模", "规模", "规上规下"),
    "tax": ("tax", "实缴税金", "评价税收", "实缴税收", "税收", "税金", "入库税金"),
    "land_area": ("land_area", "用地面积", "实际用地面积", "占地面积", "土地使用权面积", "land"),
    "value_added": ("value_added", "工业增加值", "增加值"),
    "energy_tce": ("energy_tce", "综合能耗", "总用能量", "综合能源消费量", "工业企业能源消费量", "能耗"),
    "energy_tce_substitution": ("energy_tce_substitution", "综合能耗等价值", "总用能量等价值",
                                "综合能源消费量等价值"),
    "energy_tce_calorific": ("energy_tce_calorific", "综合能耗当量值", "总用能量当量值",
                             "综合能源消费量当量值"),
    "emission_t": ("emission_t", "emission", "排放量", "主要污染物排放量", "污染物排放量"),
    "employees": ("employees", "年平均职工人数", "从业人员平均人数", "全部从业人员平均人数", "职工人数"),
    "rd_expense": ("rd_expense", "R&D经费支出", "研究与试验发展(R&D)经费支出", "R&D经费", "研发经费",
                   "研发经费支出"),
    "revenue": ("revenue", "主营业务收入", "营业收入"),
    "electricity": ("electricity", "用电量", "用电"),
    "start": ("start", "投产日期", "投产时间", "投产年份", "投产年月"),
    "firm_type": ("firm_type", "企业类型", "类型"),
    "participate": ("participate", "参评", "是否参评"),
    "exclude_reason": ("exclude_reason", "不参评原因"),
}
#: Unit each numeric field is read in unless the header or ``units=`` says otherwise
#: (the units of the county platforms' import sheets, policy.md §7).
FIELD_UNITS: dict[str, str] = {
    "tax": "万元", "land_area": "亩", "value_added": "万元", "energy_tce": "tce", "emission_t": "t",
    "employees": "人", "rd_expense": "万元", "revenue": "万元", "electricity": "万kWh",
}
FIELD_ZH = {
    "tax": "实缴税金", "land_area": "用地面积", "value_added": "工业增加值", "energy_tce": "综合能耗",
    "emission_t": "主要污染物排放量", "employees": "年平均职工人数", "rd_expense": "R&D经费支出",
    "revenue": "主营业务收入", "electricity": "用电量",
}
#: Fields that may be negative: kept and flagged (tax refunds, losses), never zeroed.
MAY_BE_NEGATIVE = ("tax", "value_added")


class IndicatorDef(NamedTuple):
    name: str
    numerator: str
    denominator: str
    unit: str


#: Built-in indicators (浙政发〔2018〕5号's six for 规上; 规下 单位电耗税收; 亩均营业收入).
INDICATORS: dict[str, IndicatorDef] = {
    "tax_per_mu": IndicatorDef("亩均税收", "tax", "land_area", "万元/亩"),
    "value_added_per_mu": IndicatorDef("亩均增加值", "value_added", "land_area", "万元/亩"),
    "value_added_per_tce": IndicatorDef("单位能耗增加值", "value_added", "energy_tce", "万元/tce"),
    "value_added_per_emission": IndicatorDef("单位排放增加值", "value_added", "emission_t", "万元/t"),
    "labour_productivity": IndicatorDef("全员劳动生产率", "value_added", "employees", "万元/人"),
    "rd_share": IndicatorDef("R&D经费支出占主营业务收入比", "rd_expense", "revenue", "1"),
    "tax_per_electricity": IndicatorDef("单位电耗税收", "tax", "electricity", "万元/万kWh"),
    "revenue_per_mu": IndicatorDef("亩均营业收入", "revenue", "land_area", "万元/亩"),
}

#: Reason codes of a 亩均 evaluation (``tax_missing``, ``land_area_zero``, ``group_conflict`` …):
#: the kernel's registry (`tanfeng.cells.REASONS`, ``factors/rules/reasons.csv``), each code with
#: its Chinese and English message and suggestion.
REASONS = _REASONS


def message(code: str) -> str:
    """The message of a reason code in the user's language (`tanfeng.cells.set_language`)."""
    return REASONS[code].message()


def _pint_unit(text: str) -> str:
    """People are not a pint unit: 万元/人 (or 人·年) -> 万元/1."""
    return re.sub(r"人\s*[·*]?\s*年|人", "1", text) or "1"


def _factor(src: str, dst: str) -> float:
    from ..units import unit_factor

    return unit_factor(_pint_unit(src), _pint_unit(dst))
