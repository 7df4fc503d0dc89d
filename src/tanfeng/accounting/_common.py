"""Constants and small helpers shared by the accounting modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..cells import REASONS as _REASONS
from ..cells import aliases
from ..defaults import DATA_YEAR_RANGE, MEASURED_NCV_BANDS

if TYPE_CHECKING:  # pragma: no cover
    pass


#: Standard columns of a records table; their headers are those of ``factors/rules/headers.csv``
#: (`tanfeng.cells.find_columns`). Override with ``columns=``.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = aliases(
    ["carrier", "quantity", "unit", "year", "region", "use", "flow", "ncv", "pressure", "temperature"])
#: Columns `account` adds; an input column of one of these names is an error (``column_reserved``),
#: never silently replaced.
OUTPUT_COLUMNS = ("tce", "tce_excl_feedstock", "tce_calorific", "tce_substitution", "co2_t", "scope",
                  "carrier_id", "tce_factor", "co2_factor", "confidence", "problem")

#: Plausible data years (`tanfeng.defaults.DATA_YEAR_RANGE`); outside: ``year_out_of_range``.
YEAR_RANGE = DATA_YEAR_RANGE

#: Reason codes of `InputError` failures and the ``problem`` column: the kernel's registry.
REASONS = _REASONS

_USE = {"": "energy", "energy": "energy", "能源": "energy", "燃料": "energy", "动力": "energy",
        "燃料动力": "energy", "feedstock": "feedstock", "原料": "feedstock", "原料用能": "feedstock",
        "原材料": "feedstock"}
_FLOW = {"": 1.0, "input": 1.0, "in": 1.0, "消费": 1.0, "投入": 1.0, "购入": 1.0, "输入": 1.0,
         "output": -1.0, "out": -1.0, "外供": -1.0, "输出": -1.0, "转供": -1.0, "外销": -1.0}
#: Plausible measured NCV: `tanfeng.defaults.MEASURED_NCV_BANDS`.
NCV_BAND = MEASURED_NCV_BANDS



def _round_float(x: float) -> float:
    """Trim binary noise (714.3000000000001 -> 714.3) without changing any significant digit."""
    return float(f"{x:.12g}")
