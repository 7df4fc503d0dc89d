"""Constants and small helpers shared by the accounting modules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    pass


#: Chinese (and other) headers understood as the standard columns. Override with ``columns=``.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "carrier": ("carrier", "能源品种", "能源名称", "能源种类", "品种", "燃料品种", "能源"),
    "quantity": ("quantity", "消费量", "数量", "实物量", "用量", "消耗量", "能源消费量", "实物消费量"),
    "unit": ("unit", "计量单位", "单位"),
    "year": ("year", "年份", "年度", "统计年份"),
    "region": ("region", "地区", "区域", "省份"),
    "use": ("use", "用途", "用能类型"),
    "flow": ("flow", "流向", "方向"),
    "ncv": ("ncv", "低位发热量", "实测低位发热量"),
}

#: Plausible data years; a year outside is reported as ``year_out_of_range``.
YEAR_RANGE = (1980, 2100)

#: Reason codes of `InputError` failures and the ``problem`` column.
REASONS: dict[str, str] = {
    "carrier_missing": "no energy carrier given",
    "carrier_unknown": "energy carrier not known",
    "unit_missing": "no unit given",
    "unit_unknown": "unit not understood",
    "unit_dimension": "unit does not measure this carrier",
    "unit_money": "a money unit was given for an energy quantity",
    "quantity_missing": "quantity is empty",
    "quantity_negative": "quantity is negative",
    "quantity_infinite": "quantity is infinite",
    "quantity_not_numeric": "quantity is not a number",
    "quantity_with_unit": "quantity text carries a unit",
    "year_invalid": "year is not a whole number",
    "year_out_of_range": "year outside the plausible range",
    "region_unknown": "region not known",
    "use_unknown": "use is neither energy nor feedstock",
    "flow_unknown": "flow is neither input nor output",
    "feedstock_not_fuel": "electricity, heat or steam cannot be 原料用能",
    "output_feedstock": "a row cannot be both 外供 (output) and 原料用能 (feedstock)",
    "ncv_unparsable": "measured NCV is not a number with a unit",
    "ncv_unit_missing": "measured NCV has no unit",
    "ncv_dimension": "measured NCV unit does not fit the carrier",
    "ncv_not_positive": "measured NCV is zero or negative",
    "ncv_not_fuel": "a measured NCV only applies to fuels",
    "ncv_implausible": "measured NCV is outside the plausible band",
    "tce_factor_missing": "no standard-coal factor for this carrier, basis and year",
    "co2_factor_missing": "no CO2 factor for this carrier, region and year",
}

_USE = {"": "energy", "energy": "energy", "能源": "energy", "燃料": "energy", "动力": "energy",
        "燃料动力": "energy", "feedstock": "feedstock", "原料": "feedstock", "原料用能": "feedstock",
        "原材料": "feedstock"}
_FLOW = {"": 1.0, "input": 1.0, "in": 1.0, "消费": 1.0, "投入": 1.0, "购入": 1.0, "输入": 1.0,
         "output": -1.0, "out": -1.0, "外供": -1.0, "输出": -1.0, "转供": -1.0, "外销": -1.0}
#: Plausible measured NCV (GJ per t or per 万m3) — wider than the factor-table bands, catching
#: kJ-for-MJ slips: solid and liquid fuels 3–60 GJ/t (煤泥 ≈ 8, LPG ≈ 50), gases 20–600 GJ/万m3.
NCV_BAND = {"mass": (3.0, 60.0, "GJ/t"), "volume": (20.0, 600.0, "GJ/万m3")}



def _failures(rows: Sequence[tuple[Any, str, Any, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["row", "column", "value", "reason", "message", "suggestion"])



def _round_float(x: float) -> float:
    """Trim binary noise (714.3000000000001 -> 714.3) without changing any significant digit."""
    return float(f"{x:.12g}")
