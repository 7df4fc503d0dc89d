"""Accounting: hand-computed cases (factors.md §7), table behaviour, properties, bad input.

Every expected value is computed in the test from the standard's table value, with the
arithmetic written out; none is copied from the code's output.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tanfeng
from tanfeng import Q_, FactorSet, account, summarize, to_co2, to_tce
from tanfeng.errors import FactorNotFoundError, InputError, UnitError, UnknownCarrierError

# GB/T 32150/32151 combustion: tCO2 = AD × NCV × CC × OF × 44/12 (CC in tC/TJ = 1e-3 tC/GJ)
C2 = 44 / 12


def co2_fuel(ad: float, ncv_gj: float, cc_tc_per_tj: float, of: float) -> float:
    return ad * ncv_gj * cc_tc_per_tj / 1000 * of * C2


# ------------------------------------------------------------------ scalars
def test_raw_coal_tce() -> None:
    assert to_tce(1000, "t", "原煤").to("tce").m == pytest.approx(1000 * 0.7143)  # 714.3


def test_electricity_calorific() -> None:
    # 100 万kWh × 10^4 × 0.1229 kgce/kWh / 1000 = 122.9 tce
    assert to_tce(100, "万kWh", "电力").m == pytest.approx(100 * 1e4 * 0.1229 / 1000)


def test_natural_gas() -> None:
    # 50 万m³ × 1.2143 kgce/m³ = 607.15 tce
    assert to_tce(50, "万m3", "天然气").m == pytest.approx(500_000 * 1.2143 / 1000)
    # CO2 rests on the same NCV as the tce default (GB/T 2589 气田天然气 35 544 kJ/m3 = 355.44 GJ/万m3):
    # 50 × 355.44 GJ/万m3 × 15.3 tC/TJ × 99 % × 44/12 = 50 × 19.74078 = 987.04 tCO2
    # (the 核算指南 NCV 389.31 GJ/万Nm3 — variant oilfield, with tce 1.3300 — would give 1 081.09)
    assert to_co2(50, "万m3", "天然气").m == pytest.approx(co2_fuel(50, 355.44, 15.3, 0.99))
    assert to_co2(50, "万m3", "天然气").m == pytest.approx(987.04, abs=0.01)


def test_diesel() -> None:
    assert to_tce(200, "t", "柴油").m == pytest.approx(200 * 1.4571)  # 291.42
    # 200 t × 42.652 GJ/t × 20.2 tC/TJ × 98 % × 44/12 = 619.18 tCO2
    assert to_co2(200, "t", "柴油").m == pytest.approx(co2_fuel(200, 42.652, 20.2, 0.98))
    assert to_co2(200, "t", "柴油").m == pytest.approx(619.18, abs=0.01)


def test_purchased_heat() -> None:
    # 5 000 GJ × 0.03412 kgce/MJ × 1000 MJ/GJ / 1000 = 170.6 tce; 5 000 GJ × 0.11 = 550 tCO2
    assert to_tce(5000, "GJ", "外购热力").m == pytest.approx(5000 * 1000 * 0.03412 / 1000)
    assert to_co2(5000, "GJ", "外购热力").m == pytest.approx(5000 * 0.11)


def test_steam_grade_gb30251() -> None:
    # 2 000 t of 1.0 MPa steam: 3 182 MJ/t → 2 000 × 3 182 / 29 307.6 = 217.15 tce; × 0.11 t/GJ = 700.04 t
    assert to_tce(2000, "t", "1.0MPa蒸汽").m == pytest.approx(2000 * 3182 / 29307.6)
    assert to_co2(2000, "t", "1.0MPa蒸汽").m == pytest.approx(2000 * 3.182 * 0.11)


def test_lpg_and_coke() -> None:
    assert to_tce(100, "t", "液化石油气").m == pytest.approx(100 * 1.7143)
    assert to_co2(100, "t", "液化石油气").m == pytest.approx(co2_fuel(100, 50.179, 17.2, 0.98))  # 310.13
    assert to_tce(500, "t", "焦炭").m == pytest.approx(500 * 0.9714)
    assert to_co2(500, "t", "焦炭").m == pytest.approx(co2_fuel(500, 28.435, 29.5, 0.93))  # 1 430.21


def test_measured_ncv() -> None:
    # tce = m × Q / 29 307.6 kJ/kgce = 1 000 t × 22.0 GJ/t / 29.3076 GJ/tce = 750.66 tce (≠ 714.3)
    assert to_tce(1000, "t", "原煤", ncv="22.0 GJ/t").m == pytest.approx(1000 * 22.0 / 29.3076)
    # the same in kcal: 5 000 kcal/kg → exactly 5000/7000 × 1000 t = 714.2857 tce
    assert to_tce(1000, "t", "原煤", ncv="5000 kcal/kg").m == pytest.approx(1000 * 5000 / 7000)


def test_rounding_trap_table_value_not_physics() -> None:
    # 1 000 000 kWh: table 0.1229 → 122.9 tce; physics 3.6/29.3076 would give 122.84
    assert to_tce(1_000_000, "kWh", "电力").m == pytest.approx(122.9)
    assert to_tce(1_000_000, "kWh", "电力").m != pytest.approx(1_000_000 * 3.6 / 29307.6)


def test_substitution_with_explicit_factor() -> None:
    # 等价值 0.300 kgce/kWh: 100 万kWh → 300 tce; ratio to 当量值 = 0.300 / 0.1229
    sub = to_tce(100, "万kWh", "电力", basis="等价值", factor="0.300 kgce/kWh").m
    cal = to_tce(100, "万kWh", "电力").m
    assert sub == pytest.approx(300.0)
    assert sub / cal == pytest.approx(0.300 / 0.1229)


def test_substitution_uses_the_previous_year() -> None:
    # GB 30251-2024 表A.2 "按上年电厂发电标准煤耗计算": data year 2021 asks for the 2020 rate. No 发电
    # rate is shipped, so the 2020 供电 rate 305.5 gce/kWh (NDRC/NEA 2021 plan) stands in, with a
    # warning naming year and value: 100 万kWh × 10^4 × 0.3055 kgce/kWh / 1000 = 305.5 tce
    with pytest.warns(tanfeng.FactorFallbackWarning, match=r"应取 2020 年发电标准煤耗.*2020 = 0\.3055"):
        assert to_tce(100, "万kWh", "电力", basis="等价值", year=2021).m == pytest.approx(1e6 * 0.3055 / 1000)
    # data year 2025 → the 2024 rate, 302.4 gce/kWh (CEC 2025 report): 302.4 tce
    with pytest.warns(tanfeng.FactorFallbackWarning, match=r"2024 = 0\.3024"):
        assert to_tce(100, "万kWh", "电力", basis="等价值", year=2025).m == pytest.approx(1e6 * 0.3024 / 1000)
    # data year 2024 asks for 2023: the only 2023 value (301.9, implied) is unverified — said so
    with pytest.warns(tanfeng.FactorFallbackWarning, match="估计值"):
        assert to_tce(100, "万kWh", "电力", basis="等价值", year=2024).m == pytest.approx(1e6 * 0.3019 / 1000)


def test_substitution_factor_of_a_province() -> None:
    # 上海 DB31/T 783-2026: 0.28078 kgce/kWh → 100 万kWh = 10^6 × 0.28078 / 1000 = 280.78 tce, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert to_tce(100, "万kWh", "电力", basis="等价值", year=2022,
                      substitution_factor="0.28078 kgce/kWh").m == pytest.approx(280.78)
        r = account(mixed_case(), basis="both", year=2022, substitution_factor="2.8078 tce/万kWh")
    # 2 000 万kWh × 0.28078 = 5 615.6 tce
    assert r["tce_substitution"].iloc[0] == pytest.approx(2000 * 1e4 * 0.28078 / 1000)
    (used,) = r.attrs["tanfeng"]["substitution"]
    assert (used["value"], used["basis"], used["substituted"]) == (0.28078, "user", False)


def test_substitution_year_and_value_in_attrs() -> None:
    df = pd.DataFrame({"carrier": ["电力", "电力"], "quantity": [1, 1], "unit": ["万kWh"] * 2, "year": [2021, 2025]})
    with pytest.warns(tanfeng.FactorFallbackWarning):
        r = account(df, basis="等价值")
    used = r.attrs["tanfeng"]["substitution"]
    assert [(u["data_year"], u["coal_rate_year"], u["used_year"], u["value"], u["basis"]) for u in used] == [
        (2021, 2020, 2020, 0.3055, "供电"), (2025, 2024, 2024, 0.3024, "供电")]
    # 1 万kWh × 0.3055 = 3.055 tce; × 0.3024 = 3.024 tce
    assert r["tce"].tolist() == pytest.approx([3.055, 3.024])


def test_grid_factor_region_year() -> None:
    # 100 万kWh × 0.5153 tCO2/MWh (浙江 2022) = 1 000 MWh × 0.5153 = 515.3 t
    assert to_co2(100, "万kWh", "电力", region="浙江", year=2022).m == pytest.approx(515.3)
    assert to_co2(100, "万kWh", "电力", factor="0.5703 tCO2/MWh").m == pytest.approx(570.3)


def test_quantity_argument() -> None:
    assert to_tce(Q_(1000, "t"), "原煤").m == pytest.approx(714.3)
    assert to_tce(Q_("1 万吨"), "原煤").m == pytest.approx(7143.0)


def test_scalar_errors() -> None:
    with pytest.raises(UnknownCarrierError):
        to_tce(1, "t", "煤炭炭")
    with pytest.raises(UnitError):
        to_tce(1, "tonnes of stuff", "原煤")
    with pytest.raises(InputError, match="unit_dimension"):
        to_tce(1, "kWh", "原煤")
    with pytest.raises(InputError, match="quantity_negative"):
        to_tce(-5, "t", "原煤")
    with pytest.raises(FactorNotFoundError):
        to_tce(1, "t", "烟煤", basis="等价值", factors=_without_bituminous_ncv())


def _without_bituminous_ncv() -> FactorSet:
    fs = FactorSet.default()
    keep = ~((fs.rows["carrier"] == "bituminous_coal") & (fs.rows["quantity"] == "ncv"))
    return FactorSet(fs.rows[keep], fs.sources, fs.carriers, fs.regions)


def test_fuel_without_coefficient_converts_by_cited_ncv_with_warning() -> None:
    # GB/T 2589 has no 烟煤 row; 表C.1 gives NCV 19.570 GJ/t: 1 000 t × 19.570 / 29.3076 = 667.74 tce
    with pytest.warns(tanfeng.FactorFallbackWarning, match="低位发热量"):
        assert to_tce(1000, "t", "烟煤").m == pytest.approx(1000 * 19.570 / 29.3076)


def test_no_factor_at_all_is_reported() -> None:
    df = pd.DataFrame({"carrier": ["烟煤", "原煤"], "quantity": [1, 1], "unit": ["t", "t"]})
    with pytest.raises(InputError, match="tce_factor_missing"):
        account(df, factors=_without_bituminous_ncv(), co2=False)


# ------------------------------------------------------------------- tables
def mixed_case() -> pd.DataFrame:
    # factors.md §7 example 7: 电 2 000万 kWh + 天然气 100万 m³ + 柴油 50 t
    return pd.DataFrame({
        "企业": ["甲", "甲", "甲"], "能源品种": ["外购电力", "天然气", "0#柴油"],
        "消费量": [2000, 100, 50], "计量单位": ["万千瓦时", "万立方米", "吨"],
    }, index=[10, 11, 12])


def test_table_mixed_example() -> None:
    r = account(mixed_case(), factors=None, year=2022)
    # 2 000万 × 0.1229 /1000 = 2 458.0; 100万 × 1.2143/1000 = 1 214.3; 50 × 1.4571 = 72.855
    assert r["tce"].tolist() == pytest.approx([2458.0, 1214.3, 72.855])
    assert r["tce"].sum() == pytest.approx(3745.155)
    # national 2022 grid 0.5366: 20 000 MWh × 0.5366 = 10 732
    assert r["co2_t"].iloc[0] == pytest.approx(20_000 * 0.5366)
    # 100 万m3 × 355.44 GJ/万m3 (the NCV behind 1.2143) × 15.3 tC/TJ × 0.99 × 44/12 = 1 974.08
    assert r["co2_t"].iloc[1] == pytest.approx(co2_fuel(100, 355.44, 15.3, 0.99))
    assert r["co2_t"].iloc[2] == pytest.approx(co2_fuel(50, 42.652, 20.2, 0.98))
    assert list(r.index) == [10, 11, 12]
    assert r["scope"].tolist() == [2, 1, 1]
    assert r["carrier_id"].tolist() == ["electricity", "natural_gas", "diesel"]
    assert r["tce_factor"].iloc[0] == "gbt2589-2020-a2-electricity"
    assert r.attrs["tanfeng"]["factor_set"] == FactorSet.default().version


def test_table_both_bases() -> None:
    with pytest.warns(tanfeng.FactorFallbackWarning, match=r"改用 2021 年（其后最近的有数年份）"):
        r = account(mixed_case(), basis="both", year=2020)  # grid factors start in 2021
    # 等价值 of data year 2020 asks for the 2019 rate; the nearest shipped is the 2020 供电 rate
    # 0.3055 kgce/kWh → 2 000万 kWh × 0.3055 = 6 110 tce; fuels identical on both bases
    assert r["tce_substitution"].tolist() == pytest.approx([6110.0, 1214.3, 72.855])
    assert r["tce_calorific"].tolist() == pytest.approx([2458.0, 1214.3, 72.855])
    assert (r["tce"] == r["tce_calorific"]).all()


def test_feedstock_and_output() -> None:
    df = pd.DataFrame({"carrier": ["天然气", "天然气", "电力"], "quantity": [10, 4, 100],
                       "unit": ["万m3", "万m3", "万kWh"], "use": ["原料", "", ""], "flow": ["", "", "外供"]})
    r = account(df, year=2022)
    # feedstock: counted in tce (10万 × 1.2143 = 121.43), excluded from tce_excl_feedstock, no combustion CO2
    assert r["tce"].iloc[0] == pytest.approx(121.43)
    assert r["tce_excl_feedstock"].iloc[0] == 0.0
    assert r["co2_t"].iloc[0] == 0.0
    # output 外供 100万 kWh is subtracted: −122.9 tce, −1 000 MWh × 0.5366
    assert r["tce"].iloc[2] == pytest.approx(-122.9)
    assert r["co2_t"].iloc[2] == pytest.approx(-536.6)


def test_text_quantities_parsed() -> None:
    df = pd.DataFrame({"carrier": ["原煤"] * 4, "quantity": ["1,200", "１２００", "12万", " 3.5 "], "unit": ["t"] * 4})
    r = account(df)
    assert r["tce"].tolist() == pytest.approx([1200 * 0.7143, 1200 * 0.7143, 120_000 * 0.7143, 3.5 * 0.7143])


def test_categorical_input_used_as_is() -> None:
    df = pd.concat([mixed_case()] * 3, ignore_index=True)
    df["能源品种"] = df["能源品种"].astype("category")
    df["计量单位"] = df["计量单位"].astype("category")
    r = account(df, year=2022)
    assert r["tce"].sum() == pytest.approx(3 * 3745.155)


def test_per_row_year_and_region() -> None:
    df = pd.DataFrame({"carrier": ["电力"] * 3, "quantity": [1, 1, 1], "unit": ["MWh"] * 3,
                       "year": [2021, 2022, 2023], "region": ["浙江", "浙江省", "zhejiang"]})
    r = account(df)
    assert r["co2_t"].tolist() == pytest.approx([0.5422, 0.5153, 0.4974])  # MEE/NBS 浙江 2021–2023


def test_a_categorical_year_column_reads_as_its_values() -> None:
    # each category is read once and spread to its rows: the same MEE/NBS 浙江 grid factors
    # (2021 0.5422, 2022 0.5153, 2023 0.4974 tCO2/MWh) as a plain year column gives
    df = pd.DataFrame({"carrier": ["电力"] * 4, "quantity": [1, 1, 1, 1], "unit": ["MWh"] * 4,
                       "year": pd.Categorical([2023, 2021, 2022, 2023]), "region": ["浙江"] * 4})
    assert account(df)["co2_t"].tolist() == pytest.approx([0.4974, 0.5422, 0.5153, 0.4974])
    bad = df.assign(year=pd.Categorical(["2022", "二〇二二", "1850", "2022"]))
    with pytest.raises(tanfeng.InputError) as err:
        account(bad)
    assert err.value.failures[["row", "value", "reason"]].values.tolist() == [
        [1, "二〇二二", "year_invalid"], [2, "1850", "year_out_of_range"]]


def test_measured_ncv_column() -> None:
    df = pd.DataFrame({"carrier": ["原煤", "原煤"], "quantity": [1000, 1000], "unit": ["t", "t"],
                       "ncv": ["22.0 GJ/t", None]})
    r = account(df)
    assert r["tce"].tolist() == pytest.approx([1000 * 22.0 / 29.3076, 714.3])
    assert r["tce_factor"].iloc[0] == "measured-ncv"
    # the CO2 chain names the measured NCV too, beside the default carbon content and oxidation
    # rate; the row without a measurement keeps the default NCV's id
    measured, default = r["co2_factor"].astype(str).tolist()
    assert measured.split("+")[0] == "measured-ncv"
    assert default.split("+")[0].endswith("-ncv") and default.split("+")[1:] == measured.split("+")[1:]
    # 22.0 GJ/t × 26.1 tC/TJ × 0.93 × 44/12 (GB/T 32151.22-2024 表C.1 烟煤 CC and OF for 原煤)
    assert r["co2_t"].iloc[0] == pytest.approx(1000 * 22.0 * 26.1e-3 * 0.93 * 44 / 12)


def test_accessor_and_summary() -> None:
    df = pd.DataFrame({"town": ["陶朱", "陶朱", "店口"], "carrier": ["原煤", "电力", "柴油"],
                       "quantity": [1000, 100, 200], "unit": ["t", "万kWh", "t"]})
    r = df.tanfeng.account(year=2022)
    s = summarize(r, by="town")
    assert s.loc["陶朱", "tce"] == pytest.approx(714.3 + 122.9)
    assert s.loc["店口", "tce"] == pytest.approx(291.42)
    assert s.loc["陶朱", "rows"] == 2
    assert s.loc["店口", "co2_per_tce"] == pytest.approx(co2_fuel(200, 42.652, 20.2, 0.98) / 291.42)
    assert len(r.tanfeng.provenance) >= 3


def test_fallback_year_warns_in_table() -> None:
    df = pd.DataFrame({"carrier": ["电力"], "quantity": [1], "unit": ["MWh"]})
    with pytest.warns(tanfeng.FactorFallbackWarning, match="改用 2023 年"):
        r = account(df, region="浙江", year=2025)
    assert r["co2_t"].iloc[0] == pytest.approx(0.4974)
    assert r.attrs["tanfeng"]["fallbacks"]


# --------------------------------------------------------------- bad input
BAD_ROWS = [
    # (carrier, quantity, unit, extra columns, expected reason)
    ("原煤", 1, "t", {"year": "2022"}, None),  # a good row for contrast
    ("煤炭炭", 1, "t", {}, "carrier_unknown"),
    ("", 1, "t", {}, "carrier_missing"),
    (None, 1, "t", {}, "carrier_missing"),
    ("原煤", 1, "", {}, "unit_missing"),
    ("原煤", 1, None, {}, "unit_missing"),
    ("原煤", 1, "tonnes of stuff", {}, "unit_unknown"),
    ("原煤", 1, "kWh", {}, "unit_dimension"),
    ("电力", 1, "t", {}, "unit_dimension"),
    ("天然气", 1, "t", {}, "unit_dimension"),
    ("原煤", 1, "万元", {}, "unit_money"),
    ("原煤", None, "t", {}, "quantity_missing"),
    ("原煤", "", "t", {}, "quantity_missing"),
    ("原煤", -3, "t", {}, "quantity_negative"),
    ("原煤", float("inf"), "t", {}, "quantity_infinite"),
    ("原煤", "abc", "t", {}, "quantity_not_numeric"),
    ("原煤", "12吨", "t", {}, "quantity_with_unit"),
    ("原煤", True, "t", {}, "quantity_not_numeric"),
    ("原煤", 1, "t", {"year": "二〇二二"}, "year_invalid"),
    ("原煤", 1, "t", {"year": "2022.5"}, "year_invalid"),
    ("原煤", 1, "t", {"year": "1850"}, "year_out_of_range"),
    ("电力", 1, "MWh", {"region": "火星"}, "region_unknown"),
    ("原煤", 1, "t", {"use": "装饰"}, "use_unknown"),
    ("原煤", 1, "t", {"flow": "sideways"}, "flow_unknown"),
    ("电力", 1, "MWh", {"use": "原料"}, "feedstock_not_fuel"),
    ("天然气", 1, "万m3", {"use": "原料", "flow": "外供"}, "output_feedstock"),
    ("原煤", 1, "t", {"ncv": "abc"}, "ncv_unparsable"),
    ("原煤", 1, "t", {"ncv": "22"}, "ncv_unit_missing"),
    ("原煤", 1, "t", {"ncv": "22 GJ/m3"}, "ncv_dimension"),
    ("原煤", 1, "t", {"ncv": "-22 GJ/t"}, "ncv_not_positive"),
    ("电力", 1, "MWh", {"ncv": "22 GJ/t"}, "ncv_not_fuel"),
    ("原煤", 1, "t", {"ncv": "22000 GJ/t"}, "ncv_implausible"),
    ("煤矸石", 1, "t", {}, "co2_factor_missing"),
]


def bad_table() -> pd.DataFrame:
    recs = []
    for c, q, u, extra, _ in BAD_ROWS:
        rec = {"carrier": c, "quantity": q, "unit": u, "year": None, "region": None, "use": None,
               "flow": None, "ncv": None, **extra}
        recs.append(rec)
    return pd.DataFrame(recs, index=[f"r{i}" for i in range(len(recs))])


def test_at_least_25_kinds_of_bad_rows() -> None:
    kinds = {r for *_, r in BAD_ROWS if r}
    assert len(kinds) >= 25


def test_raise_lists_every_bad_row_with_its_reason() -> None:
    df = bad_table()
    with pytest.raises(InputError) as info:
        account(df)
    f = info.value.failures
    for i, (*_, reason) in enumerate(BAD_ROWS):
        got = set(f.loc[f["row"] == f"r{i}", "reason"])
        if reason is None:
            assert not got, f"good row r{i} reported: {got}"
        else:
            assert reason in got, f"row r{i}: expected {reason}, got {got}"
    assert {"row", "column", "value", "reason", "message", "suggestion"} <= set(f.columns)
    unknown = f[f["reason"] == "carrier_unknown"].iloc[0]
    assert "原煤" in unknown["suggestion"] or "raw_coal" in unknown["suggestion"]
    assert "r1" in str(info.value)


def test_report_keeps_every_row() -> None:
    df = bad_table()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = account(df, errors="report")
    assert list(r.index) == list(df.index)
    assert r["tce"].iloc[0] == pytest.approx(0.7143)  # the good row is computed
    assert r["problem"].iloc[0] == ""
    assert r["tce"].iloc[1:].isna().all()             # every bad row is NaN, not zero
    assert (r["problem"].iloc[1:] != "").all()
    assert r.attrs["tanfeng"]["rows_with_problems"] == len(df) - 1


def test_missing_column_is_named() -> None:
    with pytest.raises(InputError, match="quantity"):
        account(pd.DataFrame({"carrier": ["原煤"], "unit": ["t"]}))


# --------------------------------------------------------------- properties
CARRIERS = [("原煤", "t"), ("电力", "万kWh"), ("天然气", "万m3"), ("柴油", "t"), ("热力", "GJ"), ("蒸汽", "t")]


@st.composite
def records(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 40))
    picks = draw(st.lists(st.sampled_from(CARRIERS), min_size=n, max_size=n))
    qty = draw(st.lists(st.floats(0, 1e6, allow_nan=False, allow_subnormal=False), min_size=n, max_size=n))
    groups = draw(st.lists(st.sampled_from("ABC"), min_size=n, max_size=n))
    idx = draw(st.permutations(list(range(100, 100 + n))))
    return pd.DataFrame({"g": groups, "carrier": [p[0] for p in picks], "quantity": qty,
                         "unit": [p[1] for p in picks]}, index=idx)


@settings(max_examples=40, deadline=None)
@given(records())
def test_rows_order_index_kept_and_linear(df: pd.DataFrame) -> None:
    r = account(df, year=2022, basis="both")
    assert list(r.index) == list(df.index)
    assert (r["carrier"] == df["carrier"]).all()
    r2 = account(df.assign(quantity=df["quantity"] * 3), year=2022, basis="both")
    np.testing.assert_allclose(r2["tce"], 3 * r["tce"], rtol=1e-12)
    np.testing.assert_allclose(r2["co2_t"], 3 * r["co2_t"], rtol=1e-12)
    s = summarize(r, by="g")
    assert s["tce"].sum() == pytest.approx(r["tce"].sum(), rel=1e-9)
    # the bases differ only on secondary energy (electricity; heat/steam only where an 等价值 exists)
    diff = ~np.isclose(r["tce_calorific"], r["tce_substitution"])
    assert set(r.loc[diff, "carrier"]) <= {"电力"}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=4), st.floats(allow_nan=True), st.integers(-5, 5)),
                min_size=1, max_size=20))
def test_report_never_raises_never_drops(values: list[object]) -> None:
    df = pd.DataFrame({"carrier": ["原煤"] * len(values), "quantity": values, "unit": ["t"] * len(values)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = account(df, errors="report")
    assert len(r) == len(df)
    bad = r["problem"] != ""
    assert r.loc[bad, "tce"].isna().all()
    assert (r.loc[~bad, "tce"] >= 0).all()


def test_wan_written_twice_is_reported_not_multiplied() -> None:
    """``12万`` in a 万m³ column reads literally as 12亿 m³ — 10⁴ times what the analyst meant.
    tanfeng reports such rows (``quantity_scale_twice``) and keeps them; 万 written once, in
    either place, is read as usual. Natural gas, GB/T 2589-2008 表A.1: 1.2143 kgce/m³, so
    12 万m³ = 120000 m³ × 1.2143 ÷ 1000 = 145.716 tce."""
    df = pd.DataFrame({"carrier": ["天然气", "天然气", "天然气", "天然气"],
                       "unit": ["万m³", "m³", "万m³", "万立方米"],
                       "quantity": ["12万", "12万", "12", "(3万)"]})
    r = account(df, year=2023, errors="report")
    assert list(r.index) == list(df.index)
    assert r["tce"].tolist()[1:3] == [pytest.approx(145.716), pytest.approx(145.716)]
    assert np.isnan(r["tce"].iloc[0]) and np.isnan(r["tce"].iloc[3])
    assert r["problem"].iloc[0].startswith("quantity_scale_twice")
    assert r["problem"].iloc[3].startswith("quantity_scale_twice")
    with pytest.raises(InputError) as info:
        account(df.iloc[:1], year=2023)
    assert info.value.failures["reason"].tolist() == ["quantity_scale_twice"]
    assert "12亿 m³" in info.value.failures["message"].iloc[0]
    with pytest.raises(InputError) as info:
        to_tce("12万", "万m3", "天然气")
    assert info.value.failures["reason"].tolist() == ["quantity_scale_twice"]
    assert to_tce("12万", "m3", "天然气").m == pytest.approx(145.716)
