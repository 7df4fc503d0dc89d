"""The shipped factor database and the checks that guard it.

Expected values are typed from the reference tables (factors.md §1, §4, §5), not from the code.
Each validation check has a deliberately broken table that must fail it.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from tanfeng import FactorSet
from tanfeng.carriers import default_vocabulary, resolve
from tanfeng.errors import (
    FactorFallbackWarning,
    FactorNotFoundError,
    FactorTableError,
    UnknownCarrierError,
)
from tanfeng.factors import check_factor_table
from tanfeng.testing import (
    assert_combustion_consistent,
    assert_factor_table_valid,
    assert_quantity_close,
)


@pytest.fixture(scope="module")
def fs() -> FactorSet:
    return FactorSet.default()


def test_shipped_table_is_valid(fs: FactorSet) -> None:
    assert_factor_table_valid(fs.rows, sources=fs.sources)
    fs.validate()


def test_every_row_has_a_source_that_exists(fs: FactorSet) -> None:
    assert (fs.rows["source"] != "").all()
    assert set(fs.rows["source"]) <= set(fs.sources["id"])


def test_no_factor_claims_verified_without_reading_the_original(fs: FactorSet) -> None:
    # factors.md: no factor value was read in an original standard; only the 2589-2020 foreword.
    assert "verified" not in set(fs.rows["confidence"])


def test_raw_coal_coefficient(fs: FactorSet) -> None:
    f = fs.select("raw_coal", "tce_coefficient")
    assert f.value == 0.7143  # GB/T 2589 表A.1: 5 000 kcal/kg / 7 000 = 0.714286 -> 0.7143
    assert f.source_number.startswith("GB/T 2589")
    assert f.unit == "kgce/kg"


def test_zhejiang_2022_grid_factor(fs: FactorSet) -> None:
    f = fs.select("electricity", "grid_co2", region="浙江", year=2022)
    assert (f.value, f.unit) == (0.5153, "tCO2/MWh")
    assert f.source_number == "公告2024年第33号"


def test_fallback_to_latest_year_warns_with_year_used(fs: FactorSet) -> None:
    with pytest.warns(FactorFallbackWarning, match="改用 2023 年"):
        f = fs.select("electricity", "grid_co2", region="浙江", year=2025)
    assert f.value == 0.4974  # 浙江 2023, 公告2025年第47号


def test_fallback_to_parent_region_warns(fs: FactorSet) -> None:
    # 2012: no 浙江 row; 华东 0.7035 (《2011年和2012年中国区域电网平均二氧化碳排放因子》)
    with pytest.warns(FactorFallbackWarning, match="改用上级地区华东的"):
        f = fs.select("电力", "grid_co2", region="浙江省", year=2012)
    assert f.value == 0.7035


def test_exact_year_no_warning(fs: FactorSet) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fs.select("electricity", "grid_co2", region="national", year=2021).value == 0.5568


def test_earlier_than_any_year_uses_earliest_later_with_warning(fs: FactorSet) -> None:
    # national grid factors start with data year 2021 (0.5568, MEE/NBS 2021 notice)
    with pytest.warns(FactorFallbackWarning, match=r"改用 2021 年（其后最近的有数年份）"):
        assert fs.select("electricity", "grid_co2", region="national", year=2020).value == 0.5568


def test_own_region_later_year_beats_old_parent(fs: FactorSet) -> None:
    # 浙江 2020: 浙江's first factor (2021: 0.5422), not 华东's 2012 value 0.7035
    with pytest.warns(FactorFallbackWarning, match="改用 2021 年"):
        assert fs.select("electricity", "grid_co2", region="浙江", year=2020).value == 0.5422


def test_fallback_names_both_values(fs: FactorSet) -> None:
    # 浙江 2012: the grid's 2012 value (华东 0.7035) is used; the warning also names 浙江's own
    # nearest factor (2021: 0.5422, 公告2024年第12号) so the reader sees what the choice costs
    with pytest.warns(FactorFallbackWarning, match=r"华东.*0\.7035.*浙江本身最近年份的：2021 = 0\.5422"):
        fs.select("electricity", "grid_co2", region="浙江", year=2012)


def test_every_province_has_its_own_factor_2021_to_2023(fs: FactorSet) -> None:
    # grid-factors-provinces.md §4: 30 provinces published for each of 2021, 2022, 2023 (no 西藏)
    rows = fs.table("electricity", "grid_co2")
    own = rows[(rows["variant"] == "") & rows["data_year"].isin([2021, 2022, 2023])]
    provinces = own[~own["region"].isin(["national", "华北", "东北", "华东", "华中", "西北", "南方", "西南"])]
    assert provinces.groupby("data_year")["region"].nunique().tolist() == [30, 30, 30]
    assert "西藏" not in set(provinces["region"])
    assert own.groupby("data_year")["region"].nunique().tolist() == [38, 38, 38]  # + 7 grids + national


@pytest.mark.parametrize(("region", "year", "value"), [
    # values as printed in grid-factors-provinces.md §2-4 (tCO2/MWh = kgCO2/kWh)
    ("河南", 2023, 0.5897), ("河南", 2021, 0.6369), ("山东", 2022, 0.6410), ("江西", 2023, 0.5836),
    ("内蒙古", 2021, 0.7025), ("四川", 2023, 0.1564), ("云南", 2022, 0.1073), ("新疆", 2021, 0.6577),
    ("华东", 2023, 0.5500), ("华中", 2023, 0.5271), ("西南", 2021, 0.2113), ("national", 2023, 0.5306),
])
def test_provincial_and_regional_values(fs: FactorSet, region: str, year: int, value: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a published value: no fallback
        assert fs.select("electricity", "grid_co2", region=region, year=year).value == value


def test_national_variants(fs: FactorSet) -> None:
    # §2: ex-market 0.5942 / 0.5856 / 0.6096; fossil-only 0.8426 / 0.8325 / 0.8273
    for year, ex, fossil in [(2021, 0.5942, 0.8426), (2022, 0.5856, 0.8325), (2023, 0.6096, 0.8273)]:
        assert fs.select("electricity", "grid_co2", year=year, variant="excl-market-nonfossil").value == ex
        assert fs.select("electricity", "grid_co2", year=year, variant="fossil-only").value == fossil
    # corporate reporting factors stay named variants (0.5703 = 2022 national, for 2023-2025 reporting)
    assert fs.select("electricity", "grid_co2", year=2022, variant="mee-reporting").value == 0.5703


def test_inner_mongolia_is_split_between_two_grids(fs: FactorSet) -> None:
    assert fs.regions.chain("包头") == ["蒙西", "内蒙古", "华北", "national"]
    assert fs.regions.chain("赤峰市") == ["蒙东", "内蒙古", "东北", "national"]
    # a part of 内蒙古 takes the provincial value first (2022: 0.6849) …
    with pytest.warns(FactorFallbackWarning, match="内蒙古"):
        assert fs.select("electricity", "grid_co2", region="包头", year=2022).value == 0.6849
    # … and its own grid's for a year only the grids have (2012: 华北 0.8843, 东北 0.7769)
    with pytest.warns(FactorFallbackWarning, match="华北"):
        assert fs.select("electricity", "grid_co2", region="包头", year=2012).value == 0.8843
    with pytest.warns(FactorFallbackWarning, match="东北"):
        assert fs.select("electricity", "grid_co2", region="通辽", year=2012).value == 0.7769


def test_tibet_has_no_published_factor_and_says_so(fs: FactorSet) -> None:
    # no MEE/NBS factor for 西藏: the national average (2022: 0.5366), never 西南's 0.2268 as a proxy
    with pytest.warns(FactorFallbackWarning, match="publish no factor for 西藏") as rec:
        assert fs.select("electricity", "grid_co2", region="西藏", year=2022).value == 0.5366
    assert "0.5366" in str(rec[0].message)


def test_not_found_names_what_exists(fs: FactorSet) -> None:
    with pytest.raises(FactorNotFoundError, match="Available for electricity"):
        fs.select("electricity", "grid_co2", variant="no-such-variant")


def test_calorific_electricity(fs: FactorSet) -> None:
    assert fs.select("电力", "tce_coefficient", basis="当量值").value == 0.1229


def test_fuel_ratios_within_family_bands(fs: FactorSet) -> None:
    r = fs.co2_per_tce().set_index("carrier")
    # 原煤: 20.908 GJ/t × 26.1e-3 tC/GJ × 0.93 × 44/12 = 1.860825 tCO2/t; ÷ 0.7143 tce/t = 2.6051
    assert r.loc["raw_coal", "tco2_per_tce"] == pytest.approx(20.908 * 26.1e-3 * 0.93 * 44 / 12 / 0.7143, rel=1e-9)
    assert r.loc["raw_coal", "tco2_per_tce"] == pytest.approx(2.6051, abs=1e-4)
    # 天然气: 19.74078 tCO2 / 12.143 tce per 万m3 = 1.62569, the energy-basis ratio of 15.3 tC/TJ × 0.99
    assert r.loc["natural_gas", "tco2_per_tce"] == pytest.approx(19.74078 / 12.143, rel=1e-5)
    assert r["in_band"].dropna().all()
    assert fs.check().empty


def test_validate_flags_a_ratio_outside_its_band(fs: FactorSet) -> None:
    # the old pairing for 天然气 — tce 1.2143 kgce/m3 with the CO2 NCV 389.31 GJ/万m3 — gives
    # 21.6219 / 12.143 = 1.781 tCO2/tce, above the natural-gas band's 1.72
    bad = fs.override([{"carrier": "天然气", "quantity": "ncv", "value": 389.31, "unit": "GJ/万m3",
                        "source": "gbt32151.22-2024", "confidence": "secondary"}])
    problems = bad.check()
    assert list(problems["check"]) == ["co2_per_tce_band"]
    assert "1.781" in problems["message"].iloc[0]
    with pytest.raises(FactorTableError):
        bad.validate()


def test_raw_coal_co2_rests_on_its_tce_basis(fs: FactorSet) -> None:
    assert fs.select("原煤", "ncv").value == 20.908  # GB/T 2589 原煤 20 908 kJ/kg, behind 0.7143
    assert fs.select("原煤", "ncv", variant="bituminous-proxy").value == 19.570  # 表C.1 烟煤 (old default)


def test_natural_gas_default_and_alternatives(fs: FactorSet) -> None:
    assert fs.select("天然气", "tce_coefficient").value == 1.2143  # 气田天然气 8 500 kcal / 7 000
    assert fs.select("天然气", "tce_coefficient", variant="oilfield").value == 1.3300  # 9 310 / 7 000
    rng = fs.select("天然气", "tce_coefficient", variant="range-2020")
    assert (rng.low, rng.high) == (1.1, 1.33)


def test_combustion_rows_agree_with_reference_ef(fs: FactorSet) -> None:
    # 天然气, variant oilfield (表C.1 / 核算指南 NCV): 389.31 GJ/万m3 × 15.3 tC/TJ × 0.99 × 44/12
    # = 21.6219 tCO2/万m3 (factors.md §4)
    n = fs.select("natural_gas", "ncv", variant="oilfield").to_quantity()
    c = fs.select("natural_gas", "carbon_content", variant="oilfield").to_quantity()
    o = fs.select("natural_gas", "oxidation_rate", variant="oilfield").value
    assert_combustion_consistent(n, c, o, "21.6219 tCO2/万m3", rtol=1e-5)
    # 天然气 default: the NCV behind 1.2143 kgce/m3 (GB/T 2589 气田天然气 35 544 kJ/m3 = 355.44 GJ/万m3)
    # 355.44 × 15.3e-3 = 5.438232 tC; × 0.99 = 5.38384968; × 44/12 = 19.74078 tCO2/万m3
    assert_combustion_consistent(fs.select("natural_gas", "ncv").to_quantity(), c, o, "19.74078 tCO2/万m3", rtol=1e-6)
    # 柴油: 42.652 × 20.2 × 0.98 × 44/12 / 1000 = 3.09591 tCO2/t
    assert_combustion_consistent(fs.select("柴油", "ncv").to_quantity(), fs.select("柴油", "carbon_content").to_quantity(),
                                 fs.select("柴油", "oxidation_rate").value, "3.09591 tCO2/t", rtol=1e-5)


def test_override_replaces_and_records_source(fs: FactorSet) -> None:
    new = fs.override(
        [{"carrier": "电力", "quantity": "tce_coefficient", "value": 0.300, "unit": "kgce/kWh",
          "basis": "等价值", "data_year": 2024, "variant": "supply-basis", "source": "bureau",
          "confidence": "verified", "table": "通知"}],
        sources=[{"id": "bureau", "title": "某县 2024 供电煤耗", "number": "X〔2025〕1号"}],
    )
    f = new.select("electricity", "tce_coefficient", basis="substitution", year=2024, variant="supply-basis")
    assert f.value == 0.3 and f.source_number == "X〔2025〕1号"
    assert new.version != fs.version
    assert len(new.rows) == len(fs.rows)  # replaced, not added
    new.validate()


def test_version_is_package_plus_hash(fs: FactorSet) -> None:
    from tanfeng import __version__

    assert fs.version.startswith(__version__ + "+") and len(fs.version.split("+")[1]) == 12


# --------------------------------------------------------------------- carriers
@pytest.mark.parametrize(("name", "cid"), [
    ("原煤", "raw_coal"), ("电", "electricity"), ("电力", "electricity"), ("外购电力", "electricity"),
    ("网购电量", "electricity"), ("天然气", "natural_gas"), ("管道天然气", "natural_gas"),
    ("天然气（管道）", "natural_gas"), ("柴油(0#)", "diesel"), ("柴油", "diesel"), ("0#柴油", "diesel"), ("蒸汽", "steam"),
    ("外购蒸汽", "steam"), ("Ｌｎｇ", "lng"), ("  液化 石油气 ", "lpg"), ("natural_gas", "natural_gas"),
])
def test_resolve(name: str, cid: str) -> None:
    assert resolve(name) == cid


def test_unknown_carrier_suggests() -> None:
    with pytest.raises(UnknownCarrierError) as info:
        resolve("天燃气")
    assert isinstance(info.value, KeyError)
    assert any("natural_gas" in s for s in info.value.suggestions)


def test_every_carrier_has_a_measure_and_scope() -> None:
    for c in default_vocabulary():
        assert c.measure in {"mass", "volume", "electricity", "heat"}
        assert c.scope in {1, 2}


# ------------------------------------------------- each check can fail (broken tables)
def _good_rows() -> pd.DataFrame:
    return pd.DataFrame([
        # 原煤 GB/T 2589: 0.7143 kgce/kg from 5 000 kcal/kg
        dict(id="a", carrier="raw_coal", quantity="tce_coefficient", value="0.7143", unit="kgce/kg", basis="both", source="gbt2589-2008", confidence="secondary"),
        dict(id="b", carrier="raw_coal", quantity="reference_ncv", value="5000", unit="kcal/kg", basis="both", source="gbt2589-2008", confidence="secondary"),
        # 柴油 表C.1 + a stated EF 3.0959 tCO2/t
        dict(id="c", carrier="diesel", quantity="ncv", value="42.652", unit="GJ/t", basis="both", source="gbt2589-2008", confidence="secondary"),
        dict(id="d", carrier="diesel", quantity="carbon_content", value="20.2", unit="tC/TJ", basis="both", source="gbt2589-2008", confidence="secondary"),
        dict(id="e", carrier="diesel", quantity="oxidation_rate", value="0.98", unit="dimensionless", basis="both", source="gbt2589-2008", confidence="secondary"),
        dict(id="f", carrier="diesel", quantity="emission_factor", value="3.0959", unit="tCO2/t", basis="both", source="gbt2589-2008", confidence="secondary"),
        dict(id="g", carrier="electricity", quantity="grid_co2", value="0.5153", unit="tCO2/MWh", basis="both", region="浙江", data_year="2022", source="gbt2589-2008", confidence="secondary"),
    ])


def _checks(rows: pd.DataFrame) -> set[str]:
    fs = FactorSet.default()
    return set(check_factor_table(rows, sources=fs.sources)["check"])


def test_good_rows_pass() -> None:
    assert _checks(_good_rows()) == set()


@pytest.mark.parametrize(("row", "column", "value", "check"), [
    (0, "id", "b", "unique_id"),
    (0, "source", "no-such-document", "source"),
    (0, "source", "", "source"),
    (0, "carrier", "unobtainium", "carrier"),
    (0, "confidence", "sure", "confidence"),
    (0, "basis", "当量", "basis"),
    (6, "region", "火星", "region"),
    (0, "quantity", "magic", "quantity"),
    (0, "unit", "kgce/xyzzy", "unit"),
    (0, "unit", "kgce/m3", "dimension"),          # 原煤 is measured by mass
    (6, "unit", "tCO2/t", "dimension"),           # grid factor per energy, not per tonne
    (0, "value", "-0.7143", "value"),
    (0, "value", "nan", "value"),
    (0, "value", "0.7413", "kcal_7000"),          # transposed digits: 5 000/7 000 = 0.7143
    (2, "value", "42652", "plausible"),           # kJ/kg typed as GJ/t
    (4, "value", "98", "plausible"),              # % typed as a fraction
    (6, "value", "515.3", "plausible"),           # kg/MWh typed as t/MWh
    (5, "value", "3.5", "combustion"),            # 42.652 × 20.2 × 0.98 × 44/12 = 3.0959, not 3.5
    (3, "value", "5.0", "co2_per_tce"),           # 5 tC/TJ: 0.53 tCO2/tce, not a fuel
])
def test_each_check_fails_on_broken_row(row: int, column: str, value: str, check: str) -> None:
    rows = _good_rows()
    rows[column] = rows[column].astype(object)
    rows.loc[row, column] = value
    assert check in _checks(rows)


def test_duplicate_key_fails() -> None:
    rows = pd.concat([_good_rows(), _good_rows().iloc[[0]].assign(id="a2")], ignore_index=True)
    assert "unique_key" in _checks(rows)


def test_range_check_fails() -> None:
    rows = _good_rows()
    rows["low"], rows["high"] = "", ""
    rows.loc[0, ["low", "high"]] = ["0.8", "0.9"]
    assert "range" in _checks(rows)


def test_validate_raises_with_every_problem() -> None:
    fs = FactorSet.default()
    # override() now runs validate()'s checks on what it adds, so the broken row never gets in
    with pytest.raises(FactorTableError) as info:
        fs.override([{"carrier": "原煤", "quantity": "tce_coefficient", "value": 7143, "unit": "kgce/kg",
                      "source": "nowhere", "confidence": "secondary"}])
    assert {"source", "kcal_7000"} <= set(info.value.problems["check"])


def test_assert_quantity_close() -> None:
    assert_quantity_close("1 万tce", "10000 tce")
    with pytest.raises(AssertionError):
        assert_quantity_close("1 t", "1 tCO2")
    with pytest.raises(AssertionError):
        assert_quantity_close("714.3 tce", "714.4 tce", rtol=1e-6)
