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
    with pytest.warns(FactorFallbackWarning, match="used 2023"):
        f = fs.select("electricity", "grid_co2", region="浙江", year=2025)
    assert f.value == 0.4974  # 浙江 2023, 公告2025年第47号


def test_fallback_to_parent_region_warns(fs: FactorSet) -> None:
    # 2012: no 浙江 row; 华东 0.7035 (《2011年和2012年中国区域电网平均二氧化碳排放因子》)
    with pytest.warns(FactorFallbackWarning, match="parent region '华东'"):
        f = fs.select("电力", "grid_co2", region="浙江省", year=2012)
    assert f.value == 0.7035


def test_exact_year_no_warning(fs: FactorSet) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fs.select("electricity", "grid_co2", region="national", year=2021).value == 0.5568


def test_earlier_than_any_year_uses_earliest_later_with_warning(fs: FactorSet) -> None:
    # national grid factors start with data year 2021 (0.5568, MEE/NBS 2021 notice)
    with pytest.warns(FactorFallbackWarning, match=r"used 2021 \(the earliest later year"):
        assert fs.select("electricity", "grid_co2", region="national", year=2020).value == 0.5568


def test_own_region_later_year_beats_old_parent(fs: FactorSet) -> None:
    # 浙江 2020: 浙江's first factor (2021: 0.5422), not 华东's 2012 value 0.7035
    with pytest.warns(FactorFallbackWarning, match="used 2021"):
        assert fs.select("electricity", "grid_co2", region="浙江", year=2020).value == 0.5422


def test_parent_nearest_year_when_province_has_none(fs: FactorSet) -> None:
    # 河南 has no provincial factor; 华中 has 2021/2022, national has 2023 (0.5306): nearest year wins
    with pytest.warns(FactorFallbackWarning, match="parent region 'national'"):
        assert fs.select("electricity", "grid_co2", region="河南", year=2023).value == 0.5306
    # for 2022 the regional value (华中 0.5395) is as near as national and more specific
    with pytest.warns(FactorFallbackWarning, match="parent region '华中'"):
        assert fs.select("electricity", "grid_co2", region="河南", year=2022).value == 0.5395


def test_not_found_names_what_exists(fs: FactorSet) -> None:
    with pytest.raises(FactorNotFoundError, match="Available for electricity"):
        fs.select("electricity", "grid_co2", variant="no-such-variant")


def test_calorific_electricity(fs: FactorSet) -> None:
    assert fs.select("电力", "tce_coefficient", basis="当量值").value == 0.1229


def test_natural_gas_default_and_alternatives(fs: FactorSet) -> None:
    assert fs.select("天然气", "tce_coefficient").value == 1.2143  # 气田天然气 8 500 kcal / 7 000
    assert fs.select("天然气", "tce_coefficient", variant="oilfield").value == 1.3300  # 9 310 / 7 000
    rng = fs.select("天然气", "tce_coefficient", variant="range-2020")
    assert (rng.low, rng.high) == (1.1, 1.33)


def test_combustion_rows_agree_with_reference_ef(fs: FactorSet) -> None:
    # 天然气: 389.31 GJ/万m3 × 15.3 tC/TJ × 0.99 × 44/12 = 21.6219 tCO2/万m3 (factors.md §4)
    n = fs.select("natural_gas", "ncv").to_quantity()
    c = fs.select("natural_gas", "carbon_content").to_quantity()
    o = fs.select("natural_gas", "oxidation_rate").value
    assert_combustion_consistent(n, c, o, "21.6219 tCO2/万m3", rtol=1e-5)
    # 柴油: 42.652 × 20.2 × 0.98 × 44/12 / 1000 = 3.09591 tCO2/t
    assert_combustion_consistent(fs.select("柴油", "ncv").to_quantity(), fs.select("柴油", "carbon_content").to_quantity(),
                                 fs.select("柴油", "oxidation_rate").value, "3.09591 tCO2/t", rtol=1e-5)


def test_override_replaces_and_records_source(fs: FactorSet) -> None:
    new = fs.override(
        [{"carrier": "电力", "quantity": "tce_coefficient", "value": 0.300, "unit": "kgce/kWh",
          "basis": "等价值", "data_year": 2022, "source": "bureau", "confidence": "verified",
          "table": "通知"}],
        sources=[{"id": "bureau", "title": "某县 2022 等价值", "number": "X〔2023〕1号"}],
    )
    f = new.select("electricity", "tce_coefficient", basis="substitution", year=2022)
    assert f.value == 0.3 and f.source_number == "X〔2023〕1号"
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
    broken = fs.override([{"carrier": "原煤", "quantity": "tce_coefficient", "value": 7143, "unit": "kgce/kg",
                           "source": "nowhere", "confidence": "secondary"}])
    with pytest.raises(FactorTableError) as info:
        broken.validate()
    assert {"source", "kcal_7000"} <= set(info.value.problems["check"])


def test_assert_quantity_close() -> None:
    assert_quantity_close("1 万tce", "10000 tce")
    with pytest.raises(AssertionError):
        assert_quantity_close("1 t", "1 tCO2")
    with pytest.raises(AssertionError):
        assert_quantity_close("714.3 tce", "714.4 tce", rtol=1e-6)
