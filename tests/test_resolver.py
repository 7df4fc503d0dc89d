"""FactorSet.resolve: a table of distinct keys to multipliers per unit, with the factors used."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from tanfeng import FactorSet
from tanfeng.errors import (
    FactorFallbackWarning,
    FactorNotFoundError,
    UnknownCarrierError,
    UnknownNameError,
    UnknownRegionError,
)
from tanfeng.industries import UnknownIndustryError


@pytest.fixture(scope="module")
def fs() -> FactorSet:
    return FactorSet.default()


def test_resolve_gives_multipliers_per_unit_of_the_key(fs: FactorSet) -> None:
    keys = pd.DataFrame({"carrier": ["原煤", "电力"], "unit": ["t", "万kWh"], "year": [2022, 2022],
                         "region": ["", "浙江"]})
    r = fs.resolve(keys)
    # GB/T 2589 原煤 0.7143 kgce/kg: 1 t = 1000 kg -> 714.3 kgce = 0.7143 tce
    assert r.loc[0, "tce_per_unit"] == pytest.approx(0.7143)
    # 电力 当量值 0.1229 kgce/kWh: 1 万kWh = 10 000 kWh -> 1229 kgce = 1.229 tce
    assert r.loc[1, "tce_per_unit"] == pytest.approx(1.229)
    # 浙江 2022 grid 0.5153 tCO2/MWh: 1 万kWh = 10 MWh -> 5.153 tCO2
    assert r.loc[1, "co2_per_unit"] == pytest.approx(5.153)
    assert r["carrier"].tolist() == ["raw_coal", "electricity"]
    assert r["scope"].tolist() == [1, 2]
    assert (r["reason"] == "").all()
    assert r.index.equals(keys.index)


def test_resolve_reports_a_bad_key_instead_of_raising(fs: FactorSet) -> None:
    keys = pd.DataFrame({"carrier": ["原煤", "不存在的燃料", "天然气"], "unit": ["t", "t", "kg"]})
    r = fs.resolve(keys)
    assert r["reason"].tolist() == ["", "carrier_unknown", "unit_dimension"]
    assert r.loc[2, "message"] and r.loc[2, "suggestion"]


def test_resolve_names_the_fallback_taken(fs: FactorSet) -> None:
    r = fs.resolve(pd.DataFrame({"carrier": ["电力"], "unit": ["MWh"], "region": ["浙江"], "year": [2099]}))
    (w, *_) = r.loc[0, "fallbacks"]
    assert isinstance(w, FactorFallbackWarning)
    assert (w.carrier, w.quantity, w.region, w.year) == ("electricity", "grid_co2", "浙江", 2099)
    assert w.used == r.loc[0, "co2_factor"] and w.used_year is not None and w.used_year < 2099
    assert str(w) in r.loc[0, "fallback"]


def test_the_factor_set_owns_its_cache(fs: FactorSet) -> None:
    a = fs.resolve_key("电力", "万kWh", region="浙江", year=2022)
    assert fs.resolve_key("electricity", "万kWh", region="浙江省", year=2022) is a
    assert not hasattr(fs, "_tanfeng_key_cache")


def test_a_misspelt_keyword_is_refused_not_ignored(fs: FactorSet) -> None:
    # select, lookup and resolve_key share one list of request keywords (FactorRequest)
    for call in (lambda: fs.select("原煤", "tce_coefficient", bassis="等价值"),
                 lambda: fs.lookup("原煤", "tce_coefficient", yaer=2022),
                 lambda: fs.resolve_key("原煤", "t", regoin="浙江")):
        with pytest.raises(TypeError, match="region, year, basis, variant"):
            call()


def test_factor_not_found_carries_the_request(fs: FactorSet) -> None:
    with pytest.raises(FactorNotFoundError) as info:
        fs.select("原煤", "grid_co2")
    e = info.value
    assert (e.carrier, e.quantity, e.region, e.year) == ("raw_coal", "grid_co2", None, None)
    assert any("tce_coefficient" in a for a in e.available)


def test_to_tce_raises_the_structured_factor_error() -> None:
    from tanfeng import to_tce

    with pytest.raises(FactorNotFoundError) as info:
        to_tce(1, "MWh", "电力", basis="等价值", year=2022, factors=_no_substitution())
    assert info.value.carrier == "electricity" and info.value.basis == "substitution"


def _no_substitution() -> FactorSet:
    fs = FactorSet.default()
    rows = fs.rows[~((fs.rows["carrier"] == "electricity") & (fs.rows["basis"] == "substitution"))]
    return FactorSet(rows, fs.sources, fs.carriers, fs.regions)


def test_select_warns_structured_fallbacks(fs: FactorSet) -> None:
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        fs.select("electricity", "grid_co2", region="浙江", year=2099)
    assert got and all(isinstance(w.message, FactorFallbackWarning) for w in got)
    assert got[-1].message.year == 2099  # type: ignore[union-attr]


def test_unknown_names_share_one_error() -> None:
    from tanfeng.carriers import resolve
    from tanfeng.industries import lookup
    from tanfeng.regions import default_regions

    for call, cls, kind in [(lambda: resolve("原煤煤煤x"), UnknownCarrierError, "carrier"),
                            (lambda: default_regions().resolve("火星"), UnknownRegionError, "region"),
                            (lambda: lookup("9999"), UnknownIndustryError, "industry")]:
        with pytest.raises(UnknownNameError) as info:
            call()
        assert isinstance(info.value, cls) and isinstance(info.value, KeyError)
        assert info.value.kind == kind
        assert isinstance(info.value.suggestions, list)
