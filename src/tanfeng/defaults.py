"""Every default threshold, band, range and region of tanfeng, in one place, each with its reason.

Functions take these as the defaults of named parameters (``region=``, ``threshold=`` …); pass
your own value to override one call. Rule sets (两高, swap, 亩均, plans) carry their own numbers
in their data files under ``factors/rules/``; what is here is what no rule set decides.

Examples
--------
>>> from tanfeng import defaults
>>> defaults.DEFAULT_REGION, defaults.LOW_TAX_PER_MU
('national', 5.0)
"""

from __future__ import annotations

__all__ = [
    "BUILD_YEAR_RANGE",
    "CO2_PER_TCE_BAND",
    "DATA_YEAR_RANGE",
    "DEFAULT_REGION",
    "FACTOR_BANDS",
    "LOW_TAX_PER_MU",
    "MEASURED_NCV_BANDS",
]

#: Grid region for electricity CO2 when neither the call nor the data names one: the national
#: grid factor. The API and the CLI use this same default and record it (``attrs["tanfeng"]
#: ["region"]``); a county's analyst passes ``region="浙江"`` (or a ``region`` column). Rule sets
#: and plans bound to a place carry their own region (e.g. the 诸暨 两高一低 rules: 浙江).
DEFAULT_REGION = "national"

#: 亩均税收 line of the land census, 万元/亩: 诸暨 plan 三(一)1 "重点排查亩均税收5万元以下 … 的
#: 企业用地". "以下" includes the number (民法典 第1259条), so the default lists ``tax_per_mu <= 5``.
LOW_TAX_PER_MU = 5.0

#: Plausible data years of energy records and factors; a year outside is reported
#: (``year_out_of_range``), never used. Chinese energy statistics start in the 1980s.
DATA_YEAR_RANGE = (1980, 2100)

#: Plausible build years of projects (两高 screening); older plants exist, so the range is wider.
BUILD_YEAR_RANGE = (1900, 2100)

#: Plausibility bands of factor-table values (value converted to the given unit), by
#: (quantity, carrier category; ``*`` any). They catch unit slips (kJ for MJ, % for fraction),
#: not scientific disagreement. Bands follow the spread of IPCC 2006 Vol. 2 Table 1.2/1.3
#: defaults and the Chinese tables of ``factors.md`` §1, §4, §5 with margin.
FACTOR_BANDS: dict[tuple[str, str], tuple[float, float, str]] = {
    ("ncv", "coal"): (5.0, 35.0, "GJ/t"),
    ("ncv", "oil"): (30.0, 55.0, "GJ/t"),
    ("carbon_content", "*"): (10.0, 80.0, "tC/TJ"),
    ("oxidation_rate", "*"): (0.8, 1.0, "dimensionless"),
    ("grid_co2", "*"): (0.05, 1.3, "tCO2/MWh"),
    ("heat_co2", "*"): (0.03, 0.2, "tCO2/GJ"),
}

#: CO2 per tce of heat content for any fuel (tCO2/tce): natural gas ≈ 1.6, coal ≈ 2.6,
#: blast-furnace gas ≈ 7.5 (factors.md §4 column "tCO2/tce").
CO2_PER_TCE_BAND = (1.0, 8.0)

#: Plausible measured 低位发热量 of a record, by carrier measure — wider than `FACTOR_BANDS`,
#: catching kJ-for-MJ slips: solid and liquid fuels 3–60 GJ/t (煤泥 ≈ 8, LPG ≈ 50), gases
#: 20–600 GJ/万m3.
MEASURED_NCV_BANDS: dict[str, tuple[float, float, str]] = {
    "mass": (3.0, 60.0, "GJ/t"),
    "volume": (20.0, 600.0, "GJ/万m3"),
}
