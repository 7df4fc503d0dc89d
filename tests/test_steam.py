"""Steam and hot water by enthalpy, gas volumes at their reference temperature.

Expected values are worked by hand from printed steam tables (IAPWS-IF97 values as tabulated in
standard textbook tables, e.g. saturated water–steam by pressure and superheated steam by
pressure and temperature) and the formulas of shared/reference/steam-heat.md; none is computed
by the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tanfeng
from tanfeng import FactorSet, account, steam_heat, to_co2, to_tce
from tanfeng.errors import FactorFallbackWarning, InputError
from tanfeng.steam import SteamInputError, parse_pressure, parse_temperature

# Steam-table values (IAPWS-IF97), kJ/kg:
H_SAT_1_0MPA = 2777.1     # saturated vapour at 1.0 MPa (T_sat 179.88 ℃)
H_SAT_0_5MPA = 2748.1     # saturated vapour at 0.5 MPa (T_sat 151.83 ℃)
H_1_0MPA_200C = 2828.3    # superheated, 1.0 MPa and 200 ℃
H_3_0MPA_400C = 3231.7    # superheated, 3.0 MPa and 400 ℃
FEEDWATER = 83.74         # 20 ℃ × 4.1868 kJ/(kg·K), steam-heat.md §1
HEAT_CO2 = 0.11           # tCO2/GJ, GB/T 32150-2025 §7.5.6
HEAT_TCE = 0.03412        # kgce/MJ = tce/GJ, GB/T 2589 热力(当量值)
# the tables' last digit (±0.05 kJ/kg) and the ≤ 0.15 kJ/kg by which textbook tables (IAPWS-95)
# and IAPWS-IF97 differ, over ~2 700 kJ/kg of heat
REL = 6e-5


def test_saturated_steam_from_pressure() -> None:
    # 10 t × (2 777.1 − 83.74) kJ/kg × 10⁻³ = 10 × 2.69336 = 26.9336 GJ
    assert steam_heat(10, "t", pressure="1.0 MPa").m == pytest.approx(10 * (H_SAT_1_0MPA - FEEDWATER) / 1000, rel=REL)
    # 0.5 MPa: 10 × (2 748.1 − 83.74) / 1000 = 26.6436 GJ
    assert steam_heat(10, "t", pressure="500 kPa").m == pytest.approx(10 * (H_SAT_0_5MPA - FEEDWATER) / 1000, rel=REL)


def test_superheated_steam_from_pressure_and_temperature() -> None:
    # 10 t at 1.0 MPa, 200 ℃: 10 × (2 828.3 − 83.74) / 1000 = 27.4456 GJ
    assert steam_heat(10, "t", pressure="1.0 MPa", temperature="200 ℃").m == pytest.approx(
        10 * (H_1_0MPA_200C - FEEDWATER) / 1000, rel=REL)
    # 2 t at 3.0 MPa, 400 ℃: 2 × (3 231.7 − 83.74) / 1000 = 6.29592 GJ
    assert steam_heat(2, "t", pressure=3.0, temperature=400).m == pytest.approx(
        2 * (H_3_0MPA_400C - FEEDWATER) / 1000, rel=REL)


def test_iapws_if97_verification_values() -> None:
    # IAPWS R7-97(2012), Table 15 (region 2 check values): h at T = 700 K (426.85 ℃)
    # p = 0.0035 MPa: 3 335.68375 kJ/kg → (3 335.68375 − 83.74) / 1000 = 3.25194375 GJ/t
    # p = 30 MPa:     2 631.49474 kJ/kg → (2 631.49474 − 83.74) / 1000 = 2.54775474 GJ/t
    assert steam_heat(1, "t", pressure="3.5 kPa", temperature="426.85 ℃").m == pytest.approx(3.25194375, rel=1e-8)
    assert steam_heat(1, "t", pressure="30 MPa", temperature="426.85 ℃").m == pytest.approx(2.54775474, rel=1e-8)


def test_hot_water() -> None:
    # 10 t of 80 ℃ water: 10 × (80 − 20) × 4.1868 × 10⁻³ = 2.51208 GJ
    assert steam_heat(10, "t", temperature="80 ℃", carrier="热水").m == pytest.approx(2.51208, rel=1e-12)
    # CO2 = 2.51208 × 0.11 = 0.2763288 t; tce = 2.51208 × 0.03412 = 0.08571217
    assert to_co2(10, "t", "热水", temperature=80).m == pytest.approx(2.51208 * HEAT_CO2, rel=1e-9)
    assert to_tce(10, "t", "热水", temperature=80).m == pytest.approx(2.51208 * HEAT_TCE, rel=1e-9)
    with pytest.raises(InputError, match="steam_state_invalid"):
        to_tce(10, "t", "热水")  # hot water needs its temperature


def test_heat_in_energy_units_is_used_as_it_is() -> None:
    assert steam_heat(5, "GJ").m == 5.0
    assert steam_heat(5000, "MJ").m == pytest.approx(5.0)
    assert steam_heat(3, "百万千焦").m == pytest.approx(3.0)
    assert steam_heat(1, "万kJ").m == pytest.approx(0.01)
    # 蒸汽 given in GJ: 5 GJ × 0.11 = 0.55 tCO2, 5 × 0.03412 = 0.1706 tce
    assert to_co2(5, "GJ", "蒸汽").m == pytest.approx(0.55)
    assert to_tce(5, "GJ", "蒸汽").m == pytest.approx(0.1706)


def test_steam_co2_and_tce_by_enthalpy() -> None:
    # issue 13: 1 t of 1.0 MPa saturated steam is (2 777.1 − 83.74) / 1000 = 2.69336 GJ,
    # × 0.11 = 0.29627 tCO2 — not 3.763 GJ × 0.11 = 0.41393 (GB/T 2589's row includes boiler losses)
    heat = 10 * (H_SAT_1_0MPA - FEEDWATER) / 1000
    assert to_co2(10, "t", "蒸汽", pressure="1.0 MPa").m == pytest.approx(heat * HEAT_CO2, rel=REL)
    assert to_tce(10, "t", "蒸汽", pressure="1.0 MPa").m == pytest.approx(heat * HEAT_TCE, rel=REL)
    assert to_co2(10, "t", "蒸汽", pressure="1.0 MPa").m < 0.75 * 10 * 3.763 * HEAT_CO2


def test_gauge_pressure() -> None:
    # 0.9 MPa(g) = 0.9 + 0.101325 = 1.001325 MPa absolute, as are 表压 and MPag
    assert parse_pressure("0.9 MPa(g)") == pytest.approx(1.001325)
    assert parse_pressure("表压0.9MPa") == pytest.approx(1.001325)
    assert parse_pressure("0.9MPag") == pytest.approx(1.001325)
    assert parse_pressure("1.0 MPa") == 1.0 and parse_pressure("10 bar") == pytest.approx(1.0)
    # saturated heat hardly moves between 1.0 and 1.0013 MPa (< 0.01 %)
    assert steam_heat(1, "t", pressure="0.9 MPa(g)").m == pytest.approx((H_SAT_1_0MPA - FEEDWATER) / 1000, rel=2e-4)
    assert parse_temperature("200℃") == 200.0 and parse_temperature("200 °C") == 200.0


@pytest.mark.parametrize("bad", ["abc", "1.0 psi", "-1 MPa", "1 2 MPa", "0.9 MPa(g) 绝压"])
def test_bad_pressure(bad: str) -> None:
    with pytest.raises(SteamInputError):
        parse_pressure(bad)


def test_below_saturation_is_water_not_steam() -> None:
    # 1.0 MPa saturates at 179.88 ℃: 150 ℃ steam at 1.0 MPa does not exist
    with pytest.raises(InputError, match=r"below the saturation temperature 179\.8"):
        steam_heat(1, "t", pressure="1.0 MPa", temperature="150 ℃")


def test_steam_without_pressure_uses_the_named_default_and_says_so() -> None:
    # DEFAULT_STEAM_PRESSURE: 1.0 MPa(a) saturated (steam-heat.md §1 worked example)
    assert tanfeng.steam.DEFAULT_STEAM_PRESSURE == 1.0
    with pytest.warns(FactorFallbackWarning, match="DEFAULT_STEAM_PRESSURE = 1 MPa"):
        co2 = to_co2(10, "t", "蒸汽").m
    assert co2 == pytest.approx(10 * (H_SAT_1_0MPA - FEEDWATER) / 1000 * HEAT_CO2, rel=REL)


def test_steam_tce_variants_name_their_basis() -> None:
    fs = FactorSet.default()
    old = fs.select("蒸汽", "tce_coefficient", variant="gbt2589-2008")
    assert old.value == 0.1286 and "INCLUDES BOILER LOSSES" in old.note
    nbs = fs.select("蒸汽", "tce_coefficient", variant="nbs-statistics")
    assert nbs.value == 0.0929 and "no boiler losses" in nbs.note
    # the variant converts tce by its row (1 t × 0.1286 kgce/kg = 0.1286 tce); CO2 stays by enthalpy
    k = fs.resolve_key("蒸汽", "t", variant="gbt2589-2008", pressure=1.0)
    assert k.tce == pytest.approx(0.1286)
    assert k.co2 == pytest.approx((H_SAT_1_0MPA - FEEDWATER) / 1000 * HEAT_CO2, rel=REL)
    # GB 30251 grades stay on their own carriers: 1.0 MPa级 3 182 MJ/t → 3 182 / 29 307.6 tce/t
    assert to_tce(1, "t", "1.0MPa级蒸汽").m == pytest.approx(3182 / 29307.6)


def test_account_reads_pressure_and_temperature_columns() -> None:
    df = pd.DataFrame({"能源品种": ["蒸汽", "蒸汽", "外购蒸汽", "热水"], "消费量": [10, 10, 2, 10],
                       "计量单位": ["t", "吨", "t", "t"],
                       "蒸汽压力": ["1.0 MPa", "0.5MPa", "3.0 MPa", None], "温度": [None, None, "400 ℃", "80"]})
    r = account(df)
    expect_gj = [10 * (H_SAT_1_0MPA - FEEDWATER) / 1000, 10 * (H_SAT_0_5MPA - FEEDWATER) / 1000,
                 2 * (H_3_0MPA_400C - FEEDWATER) / 1000, 10 * 60 * 4.1868e-3]
    np.testing.assert_allclose(r["co2_t"], np.array(expect_gj) * HEAT_CO2, rtol=REL)
    np.testing.assert_allclose(r["tce"], np.array(expect_gj) * HEAT_TCE, rtol=REL)
    assert r["tce_factor"].iloc[2].startswith("enthalpy[3MPa,400℃]+")


def test_account_steam_rows_with_bad_state_are_reported() -> None:
    df = pd.DataFrame({"carrier": ["蒸汽", "蒸汽", "原煤"], "quantity": [1, 1, 1], "unit": ["t", "t", "t"],
                       "pressure": ["abc", "1.0 MPa", None], "temperature": [None, "150", None]})
    with pytest.raises(InputError) as exc:
        account(df)
    f = exc.value.failures
    assert f[["row", "column", "reason"]].values.tolist() == [
        [0, "pressure", "pressure_unparsable"], [1, "pressure", "steam_state_invalid"]]
    r = account(df, errors="report")
    assert r["co2_t"].isna().tolist() == [True, True, False] and len(r) == 3


def test_enthalpy_is_computed_once_per_distinct_state(monkeypatch: pytest.MonkeyPatch) -> None:
    import iapws

    calls = {"n": 0}
    real = iapws.IAPWS97

    def counting(**kw: float) -> object:
        calls["n"] += 1
        return real(**kw)

    monkeypatch.setattr(iapws, "IAPWS97", counting)
    n = 20_000
    df = pd.DataFrame({"carrier": ["蒸汽"] * n, "quantity": np.arange(n, dtype=float), "unit": ["t"] * n,
                       "pressure": np.where(np.arange(n) % 2 == 0, "0.8 MPa", "1.2 MPa(g)"),
                       "temperature": [None] * n})
    r = account(df, factors=FactorSet.default().override([]))  # a fresh set: nothing cached yet
    # two distinct saturated states: one IAPWS-IF97 saturation call each, never one per row
    assert calls["n"] <= 4
    assert r["co2_t"].notna().all()


# ------------------------------------------------------------------ gas reference conditions
def test_gas_volume_at_20c_is_converted_to_standard() -> None:
    # 10 万m³ metered at 20 ℃ = 10 × 273.15 / 293.15 = 9.31776 万Nm³
    v0 = 10 * 273.15 / 293.15
    # tce: 9.31776 × 12.143 tce/万m³ = 113.1455; CO2: 9.31776 × 355.44 × 15.3e-3 × 0.99 × 44/12
    co2_per_wan = 355.44 * 15.3e-3 * 0.99 * 44 / 12
    assert to_tce(10, "万m³(20℃)", "天然气").m == pytest.approx(v0 * 12.143, rel=1e-9)
    assert to_co2(10, "万m3（20℃）", "天然气").m == pytest.approx(v0 * co2_per_wan, rel=1e-9)
    # the same through a temperature column
    df = pd.DataFrame({"carrier": ["天然气", "天然气", "天然气"], "quantity": [10, 10, 10],
                       "unit": ["万m3", "万Nm3", "万标方"], "temperature": [20, None, None]})
    r = account(df)
    assert r["tce"].tolist() == pytest.approx([v0 * 12.143, 10 * 12.143, 10 * 12.143])
    assert r["tce_factor"].iloc[0].startswith("volume[20℃→0℃]+")
    # a bare m³ is a standard volume: not converted (statistical practice; factors per 10⁴ Nm³)
    assert to_tce(10, "万m3", "天然气").m == pytest.approx(10 * 12.143)
    # the overstatement the conversion removes: 293.15 / 273.15 − 1 = 7.32 %
    assert 10 * 12.143 / (v0 * 12.143) - 1 == pytest.approx(0.0732, abs=1e-4)


def test_temperature_in_a_unit_only_for_gas() -> None:
    k = FactorSet.default().resolve_key("原煤", "t(20℃)")
    assert k.reason == "unit_dimension" and "only applies to gas" in k.message


def test_factors_list_shows_tco2_per_tce(capsys: pytest.CaptureFixture[str]) -> None:
    from tanfeng.cli import main

    assert main(["factors", "list"]) == 0
    out = capsys.readouterr().out
    assert "tco2_per_tce" in out
    # 原煤: 20.908 × 26.1e-3 × 0.93 × 44/12 / 0.7143 = 2.605; 天然气: 19.74078 / 12.143 = 1.626
    line = next(ln for ln in out.splitlines() if ln.split()[:2] == ["raw_coal", "原煤"])
    assert "2.605" in line and "coal" in line
    line = next(ln for ln in out.splitlines() if ln.split()[:2] == ["natural_gas", "天然气"])
    assert "1.626" in line
