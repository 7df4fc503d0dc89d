"""The vocabulary of a 亩均 evaluation: raw fields, their headers and units, indicators, reason codes.

Everything else in :mod:`tanfeng.per_mu` reads a table and a scheme in these terms.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from ..cells import REASONS as _REASONS
from ..cells import aliases

Group = Literal["above_scale", "below_scale"]
GROUP_ZH = {"above_scale": "规上", "below_scale": "规下"}

#: headers.csv's standard name of each raw field whose name differs here.
_STANDARD = {"name": "enterprise"}
#: Raw fields and the headers understood for them: ``factors/rules/headers.csv`` (Chinese as on
#: county 亩均 platforms, policy.md §7, and English) with its rows of scope ``per_mu``. A header
#: may carry its unit in brackets: 实缴税金(元).
FIELDS: dict[str, tuple[str, ...]] = {
    f: tuple(dict.fromkeys([f, *aliases([_STANDARD.get(f, f)], scope="per_mu")[_STANDARD.get(f, f)]]))
    for f in ("name", "credit_code", "town", "scale", "tax", "land_area", "value_added", "energy_tce",
              "energy_tce_substitution", "energy_tce_calorific", "emission_t", "employees", "rd_expense",
              "revenue", "electricity", "start", "firm_type", "participate", "exclude_reason")
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
