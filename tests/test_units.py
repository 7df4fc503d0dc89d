"""Units: every spelling the foundation issue lists parses to the right magnitude."""

from __future__ import annotations

import pint
import pytest

import tanfeng
from tanfeng.errors import TanfengError, UnitError
from tanfeng.units import Q_, format_zh, normalize_unit_text, parse_unit, unit_factor

# (spelling, unit it must equal, how many of that unit one of it is)
SPELLINGS = [
    ("吨", "kg", 1000), ("t", "kg", 1000), ("kg", "kg", 1), ("千克", "kg", 1), ("公斤", "kg", 1),
    ("万吨", "kg", 1e7),
    ("kWh", "kWh", 1), ("千瓦时", "kWh", 1), ("度", "kWh", 1), ("万kWh", "kWh", 1e4),
    ("万千瓦时", "kWh", 1e4), ("万 千瓦时", "kWh", 1e4), ("亿千瓦时", "kWh", 1e8),
    ("MWh", "kWh", 1e3), ("GWh", "kWh", 1e6),
    ("m3", "m**3", 1), ("m³", "m**3", 1), ("Nm3", "m**3", 1), ("立方米", "m**3", 1),
    ("标准立方米", "m**3", 1), ("方", "m**3", 1), ("万m3", "m**3", 1e4), ("万立方米", "m**3", 1e4),
    ("万Nm3", "m**3", 1e4), ("亿立方米", "m**3", 1e8), ("10^4m3", "m**3", 1e4),
    ("GJ", "MJ", 1e3), ("吉焦", "MJ", 1e3), ("MJ", "MJ", 1), ("百万千焦", "MJ", 1e3),
    # kcal is the International Table calorie (4.1868 J), as GB/T 2589 uses
    ("kcal", "J", 4186.8), ("千卡", "J", 4186.8), ("大卡", "J", 4186.8),
    # 1 kgce = 29 307.6 kJ (GB/T 2589)
    ("tce", "kJ", 29_307_600), ("吨标准煤", "kJ", 29_307_600), ("吨标煤", "kJ", 29_307_600),
    ("万吨标准煤", "kJ", 29_307_600e4), ("kgce", "kJ", 29_307.6), ("千克标准煤", "kJ", 29_307.6),
    ("tCO2", "kgCO2", 1000), ("吨二氧化碳", "kgCO2", 1000), ("万吨二氧化碳", "kgCO2", 1e7),
    ("万吨CO2", "kgCO2", 1e7), ("tCO₂", "kgCO2", 1000),
    # full-width forms
    ("ｔ", "kg", 1000), ("ｋＷｈ", "kWh", 1),
    ("亩", "m**2", 10000 / 15), ("公顷", "m**2", 10000), ("万元", "yuan", 1e4),
]


@pytest.mark.parametrize(("text", "ref", "amount"), SPELLINGS)
def test_spelling_parses_to_magnitude(text: str, ref: str, amount: float) -> None:
    assert unit_factor(text, ref) == pytest.approx(amount, rel=1e-12)


def test_done_when_example() -> None:
    # 1.229e4 tce × 29.3076 GJ/tce = 360 190.404 GJ
    assert tanfeng.ureg("1.229 万吨标准煤").to("GJ").magnitude == pytest.approx(1.229e4 * 29.3076, rel=1e-12)
    assert tanfeng.ureg("1.229 万吨标准煤").to("GJ").magnitude == pytest.approx(360_190.404, rel=1e-12)


def test_wan_spellings_equal() -> None:
    for s in ("1 万kWh", "1 万 千瓦时", "１万千瓦时", "10000 kWh"):
        assert Q_(s).to("kWh").magnitude == pytest.approx(10_000)
    assert Q_("１２ ｔ").to("kg").magnitude == 12_000


def test_tonnes_and_co2_never_add() -> None:
    with pytest.raises(pint.DimensionalityError):
        tanfeng.ureg("1 t") + tanfeng.ureg("1 tCO2")
    with pytest.raises(pint.DimensionalityError):
        Q_(1, "tce") + Q_(1, "tCO2")


def test_money_is_not_energy() -> None:
    with pytest.raises(pint.DimensionalityError):
        Q_(1, "万元").to("tce")


def test_unknown_unit_suggests() -> None:
    with pytest.raises(UnitError) as info:
        parse_unit("kwhh")
    err = info.value
    assert isinstance(err, TanfengError) and isinstance(err, pint.errors.PintError)
    assert "kwhh" in str(err)
    assert "kWh" in err.suggestions


@pytest.mark.parametrize("bad", ["", "   ", "12", "吨吨吨x"])
def test_bad_unit_raises(bad: str) -> None:
    with pytest.raises(UnitError):
        parse_unit(bad)


def test_format_zh() -> None:
    assert format_zh(Q_(12_290, "tce")) == "1.229 万吨标准煤"
    assert format_zh(Q_(3.5e8, "kWh")) == "3.5 亿千瓦时"
    assert format_zh(Q_(714.3, "tce")) == "714.3 吨标准煤"
    assert format_zh(Q_(16e4, "tCO2")) == "16 万吨二氧化碳"


def test_normalizer_wraps_magnitude_in_denominator() -> None:
    assert normalize_unit_text("GJ/10^4Nm3") == "GJ/(万 * m**3)"
    # 389.31 GJ per 10^4 m3 is 0.038931 GJ per m3
    assert unit_factor("GJ/万m3", "GJ/m3") == pytest.approx(1e-4)


def test_registry_is_private() -> None:
    assert tanfeng.ureg is not pint.get_application_registry()
    assert tanfeng.ureg is tanfeng.units.get_registry()
