"""zhuji_sample: deterministic, labelled synthetic, valid codes, and every record accounts."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tanfeng.accounting import account, to_tce
from tanfeng.datasets import (
    INDUSTRIES,
    PLAN_FREED_TCE,
    SPELLINGS,
    SYNTHETIC_NOTE,
    TOWNS,
    _tce_per,
    zhuji_sample,
)
from tanfeng.io import parse_number
from tanfeng.units import unit_factor

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"   # GB 32100-2015 表1 (no I O S V Z)
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]  # 3^(i-1) mod 31


def check_char(first17: str) -> str:
    s = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - s % 31) % 31]


def org_check(body8: str) -> str:
    """GB 11714-1997: weights 3 7 9 10 5 8 4 2; C9 = 11 − Σ mod 11 (10 → X, 11 → 0)."""
    vals = [int(c) if c.isdigit() else ord(c) - 55 for c in body8]
    c = 11 - sum(v * w for v, w in zip(vals, [3, 7, 9, 10, 5, 8, 4, 2])) % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


@pytest.fixture(scope="module")
def sample():  # type: ignore[no-untyped-def]
    return zhuji_sample(0)


@pytest.fixture(scope="module")
def accounted(sample):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # grid-factor fallbacks for 2020 are expected
        return account(sample.energy, region="浙江")


def test_check_character_by_hand() -> None:
    # 91330100799655058B (a published code): Σ value×weight =
    # 9·1 + 1·3 + 3·9 + 3·27 + 0·19 + 1·26 + 0·16 + 0·17 + 7·20 + 9·29 + 9·25 + 6·13 + 5·8
    # + 5·24 + 0·10 + 5·30 + 8·28 = 1384; 1384 mod 31 = 20; 31 − 20 = 11 -> "B"
    assert check_char("91330100799655058") == "B"
    # its organisation code 79965505-8: 7·3+9·7+9·9+6·10+5·5+5·8+0·4+5·2 = 300; 300 mod 11 = 3; 11−3 = 8
    assert org_check("79965505") == "8"


def test_every_credit_code_is_valid(sample) -> None:  # type: ignore[no-untyped-def]
    codes = sample.enterprises["credit_code"]
    assert codes.is_unique
    for code in codes:
        assert len(code) == 18 and set(code) <= set(CHARSET), code
        assert code[:8] == "91330681"  # 9 工商, 1 企业, 330681 诸暨市
        assert code[17] == check_char(code[:17]), code
        assert code[16] == org_check(code[8:16]), code
    assert codes.str.slice(8, 10).eq("MA").any() and (~codes.str.slice(8, 10).eq("MA")).any()


def test_deterministic_for_a_seed_and_different_across_seeds() -> None:
    a, b, c = zhuji_sample(7), zhuji_sample(7), zhuji_sample(8)
    for name, frame in a.tables("en").items():
        pd.testing.assert_frame_equal(frame, b.tables("en")[name])
    assert a.enterprises["enterprise"].tolist() != c.enterprises["enterprise"].tolist()
    assert a.enterprises["energy_tce"].sum() != c.enterprises["energy_tce"].sum()


def test_clearly_labelled_synthetic(sample) -> None:  # type: ignore[no-untyped-def]
    assert "合成数据，仅供演示" in SYNTHETIC_NOTE
    assert "合成数据，仅供演示" in (zhuji_sample.__doc__ or "")
    for frame in sample.tables().values():
        assert frame.attrs["note"] == SYNTHETIC_NOTE and frame.attrs["synthetic"] is True
    assert "合成数据" in repr(sample)


def test_towns_and_industries_are_zhuji_shaped(sample) -> None:  # type: ignore[no-untyped-def]
    ent = sample.enterprises
    assert len(ent) == 1500 and ent["enterprise"].is_unique
    assert set(ent["town"]) <= set(TOWNS) and len(TOWNS) == 23  # 5 街道 + 18 镇乡
    top = ent.groupby("sector")["town"].agg(lambda s: s.value_counts().index[0])
    assert top["袜业"] == "大唐街道" and top["珍珠"] == "山下湖镇" and top["铜加工"] == "店口镇"
    industries = pytest.importorskip("tanfeng.industries")
    for spec in INDUSTRIES:
        assert industries.name(spec.code) == spec.name  # GB/T 4754-2017 name
    # 规上 = 主营业务收入 ≥ 2 000 万元; 规下 have no value added
    assert ((ent["revenue"] >= 2000) == (ent["scale"] == "规上")).all()
    assert ent.loc[ent["scale"] == "规下", "value_added"].isna().all()


def test_every_record_accounts_and_matches_the_census(sample, accounted) -> None:  # type: ignore[no-untyped-def]
    r = accounted
    assert len(r) == len(sample.energy)
    assert np.isfinite(r["tce"]).all() and (r["tce"] > 0).all() and np.isfinite(r["co2_t"]).all()
    by_firm = r[r["year"] == 2020].groupby("enterprise", observed=True)["tce"].sum()
    census = sample.enterprises.set_index("enterprise")["energy_tce"]
    # energy_tce is written with 2 decimals
    assert np.abs(by_firm.reindex(census.index) - census).max() <= 0.0051
    # totals plausible: CO2 per tce between natural gas (2.16/1.2143 = 1.78 t/tce) and
    # Zhejiang grid electricity (2022: 0.5153 t/MWh × 10 MWh / 1.229 tce = 4.19 t/tce)
    ratio = r["co2_t"].sum() / r["tce"].sum()
    assert 1.78 < ratio < 4.9
    total_2020 = by_firm.sum()
    assert 5e5 < total_2020 < 5e6  # a county's industry: 0.5–5 million tce a year


def test_electricity_column_is_the_2020_electricity(sample) -> None:  # type: ignore[no-untyped-def]
    e = sample.energy
    elec = e[e["carrier"].isin(["电", "电力", "外购电力", "网购电量"]) & (e["year"] == 2020)]
    q = elec["quantity"].map(parse_number) * elec["unit"].astype(str).map(lambda u: unit_factor(u, "万kWh"))
    got = q.groupby(elec["enterprise"], observed=True).sum()
    want = sample.enterprises.set_index("enterprise")["electricity"]
    assert np.abs(got.reindex(want.index).fillna(0) - want).max() <= 0.0001


def test_spellings_units_and_text_numbers(sample) -> None:  # type: ignore[no-untyped-def]
    e = sample.energy
    assert {"电", "电力", "外购电力"} <= set(e["carrier"].astype(str))
    assert {"万kWh", "千瓦时", "度", "万m3", "Nm3", "吨", "t", "GJ"} <= set(e["unit"].astype(str))
    texts = e["quantity"][e["quantity"].map(lambda x: isinstance(x, str))]
    assert len(texts) >= 3
    assert any("," in t for t in texts) and any(t.endswith("万") for t in texts)
    assert any(any("０" <= ch <= "９" for ch in t) for t in texts)  # full-width digits
    assert (texts.map(parse_number) > 0).all()
    assert sorted(e["year"].unique()) == [2020, 2021, 2022, 2023] and set(e["month"]) == set(range(1, 13))


def test_factor_shortcut_equals_to_tce() -> None:
    for options in SPELLINGS.values():
        for name, unit, _ in options:
            assert _tce_per(unit, name) == pytest.approx(to_tce(1, unit, name).magnitude, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_actions_reach_the_plan_at_a_plausible_pace(seed: int) -> None:
    s = zhuji_sample(seed)
    a = s.actions
    counts = a["action"].value_counts()
    assert 90 <= counts["phase_out"] <= 110 and 165 <= counts["upgrade"] <= 195  # plan: 100 / 180
    assert a["date"].between("2021-01-01", "2023-12-31").all()
    by_2022 = a.loc[a["date"] <= "2022-12-31", "energy_freed_tce"].sum() / PLAN_FREED_TCE
    assert 0.6 <= by_2022 <= 0.9
    assert 0.9 <= a["energy_freed_tce"].sum() / PLAN_FREED_TCE <= 1.15
    census = s.enterprises.set_index("enterprise")["energy_tce"]
    assert np.allclose(a["energy_before_tce"], census.loc[a["enterprise"]].to_numpy())
    assert (a.loc[a["action"] == "phase_out", "energy_after_tce"] == 0).all()
    np.testing.assert_allclose(a["energy_freed_tce"], a["energy_before_tce"] - a["energy_after_tce"], atol=0.011)
    # 2021 is the 陶朱街道 pilot year
    assert a[a["date"].dt.year == 2021]["town"].value_counts().index[0] == "陶朱街道"


def test_closed_enterprises_stop_reporting(sample) -> None:  # type: ignore[no-untyped-def]
    a = sample.actions[sample.actions["action"] == "phase_out"]
    e = sample.energy
    period = e["year"] * 12 + e["month"]
    for row in a.head(20).itertuples():
        last = period[e["enterprise"] == row.enterprise].max()
        assert last == row.date.year * 12 + row.date.month


def test_projects_hold_the_screening_edge_cases(sample) -> None:  # type: ignore[no-untyped-def]
    p = sample.projects
    assert p["project_id"].is_unique
    exact = p[(p["energy_tce"] == 1000.0) & (p["built_year"] == 2019)]
    assert (exact["industry_code"] == "2614").any()
    assert ((p["energy_tce"] == 5000.0) & (p["built_year"] == 2015)).any()
    assert ((p["energy_tce"] == 999.9) & (p["built_year"] >= 2018)).any()
    assert p["built_year"].isna().sum() == 2
    exp = p[p["project_type"] == "改扩建"]
    assert exp["energy_increment_tce"].notna().all() and (exp["energy_increment_tce"] <= exp["energy_tce"]).all()


def test_swap_candidates(sample) -> None:  # type: ignore[no-untyped-def]
    s = sample.swap_candidates
    assert len(s) >= 40 and s["source_id"].is_unique
    assert (s["capacity"] > 0).all() and (s["energy_tce"] > 0).all()
    assert s["closed_date"].max() <= pd.Timestamp("2023-12-31")
    assert {"关停退出", "兼并重组"} <= set(s["exit_mode"])
    assert {"落后产能", ""} <= set(s["kinds"])
    assert (s["product"] == "铸件").any()


def test_economy_ties_to_the_census(sample) -> None:  # type: ignore[no-untyped-def]
    eco = sample.economy.set_index("year")
    ent = sample.enterprises
    above = ent[ent["scale"] == "规上"]
    assert eco.loc[2020, "value_added"] == pytest.approx(above["value_added"].sum(), abs=0.1)
    assert eco.loc[2020, "energy_tce"] == pytest.approx(above["energy_tce"].sum(), abs=1.0)
    # comparable growth compounds: VA_2021 (2020 prices) = VA_2020 × (1 + g_2021)
    g = eco.loc[2021, "growth_comparable_pct"] / 100
    assert eco.loc[2021, "value_added_2020_prices"] == pytest.approx(eco.loc[2020, "value_added"] * (1 + g), rel=1e-4)
