"""两高 screening and the 两高一低 list: the issue's hand-made cases, rules as data, edge cases."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tanfeng
from tanfeng import industries
from tanfeng.errors import InputError, RuleError, TanfengWarning
from tanfeng.screening import (
    REASONS,
    LowEfficiencyRules,
    RuleSet,
    screen_low_efficiency,
    screen_two_high,
)


def one(code: object, year: object, tce: object, rules: object = "zhuji-2021", **extra: object) -> pd.Series:
    """Screen a single project and return its output row."""
    df = pd.DataFrame({"industry_code": [code], "built_year": [year], "energy_tce": [tce], **{k: [v] for k, v in extra.items()}})
    return screen_two_high(df, rules).iloc[0]  # type: ignore[arg-type]


# =============================================================================================
# Done when: the issue's hand-made cases (zhuji-2021: built >= 2018: >= 1 000 tce; before: >= 5 000)

def test_2019_chemical_at_exactly_1000_is_flagged_with_the_issue_sentence() -> None:
    r = one("2614", 2019, 1000.0)
    assert r["two_high"] is True or r["two_high"] == True  # noqa: E712
    assert r["reason"] == "2019年建成，年综合能耗1 000.0吨标准煤，达到1 000吨标准煤门槛（化工，2614）"
    # 1000.0 - 1000 = 0 margin; “以上” includes the number (民法典 第1259条)
    assert (r["threshold_tce"], r["margin_tce"], r["sector"], r["basis"]) == (1000.0, 0.0, "化工", "当量值")


def test_999_9_is_not_flagged() -> None:
    r = one("2614", 2019, 999.9)
    assert r["two_high"] == False and r["reason_code"] == "below_threshold"  # noqa: E712
    assert r["margin_tce"] == pytest.approx(-0.1)  # 999.9 - 1000


def test_2018_is_since_2018() -> None:
    r = one("2614", 2018, 1500)
    assert r["two_high"] == True and r["threshold_tce"] == 1000.0  # noqa: E712


def test_2017_at_1500_is_not_flagged() -> None:
    r = one("2614", 2017, 1500)
    # before 2018 the threshold is 5 000: 1 500 - 5 000 = -3 500
    assert r["two_high"] == False and r["threshold_tce"] == 5000.0 and r["margin_tce"] == -3500.0  # noqa: E712
    assert "2017年建成（2018年以前）" in r["reason"] and "低于5 000吨标准煤门槛" in r["reason"]


def test_2015_cement_at_5000_is_flagged() -> None:
    r = one("3011", 2015, 5000)
    assert r["two_high"] == True and r["sector"] == "建材" and r["matched_code"] == "30"  # noqa: E712


def test_non_two_high_sector_at_20000_is_not_flagged_and_says_why() -> None:
    r = one("3484", 2019, 20000)
    assert r["two_high"] == False and r["reason_code"] == "sector_not_two_high"  # noqa: E712
    assert r["reason"].startswith("行业3484（机械零部件加工）不在“两高”行业范围")
    assert "无论能耗多少均不列入" in r["reason"]
    assert math.isnan(r["threshold_tce"])


def test_dyeing_1713_depends_on_the_preset() -> None:
    zj = one("1713", 2020, 2000)
    mee = one("1713", 2020, 2000, RuleSet.load("zhuji-2021").replace(sectors="mee-2021"))
    assert zj["two_high"] == True and zj["sector"] == "印染"  # noqa: E712
    assert mee["two_high"] == False and mee["reason_code"] == "sector_not_two_high"  # noqa: E712


def test_unknown_year_decides_only_outside_the_two_thresholds() -> None:
    hi, mid, lo = (one("2614", None, e) for e in (6000, 3000, 800))
    assert hi["two_high"] == True and hi["reason_code"] == "meets_upper_threshold_year_unknown"  # noqa: E712
    assert mid["two_high"] is pd.NA and mid["reason_code"] == "built_year_missing"
    assert "需补充建成年份" in mid["reason"]
    assert lo["two_high"] == False and lo["reason_code"] == "below_lower_threshold_year_unknown"  # noqa: E712


def test_every_row_has_a_reason_and_no_row_is_dropped() -> None:
    idx = pd.Index(["p7", "p3", "p9", "p1", "p5", "p2", "p8", "p4"], name="项目")
    df = pd.DataFrame({
        "industry_code": ["2614", "3484", None, "17", "1713", "C3011", "2614", "22"],
        "built_year": [2019, None, 2019, 2019, 2020, 2015, None, 2016],
        "energy_tce": [1000.0, 20000, 3000, 3000, None, 5000, 3000, 100],
    }, index=idx)
    r = screen_two_high(df)
    assert list(r.index) == list(idx) and len(r) == len(df)
    assert r["industry_code"].tolist() == df["industry_code"].tolist()  # input columns untouched
    assert (r["reason"].str.len() > 0).all()
    assert r["two_high"].tolist() == [True, False, pd.NA, pd.NA, pd.NA, True, pd.NA, False]
    assert set(r["reason_code"]) <= set(REASONS)


# =============================================================================================
# comparison conventions

def test_rounding_to_the_stated_precision_keeps_unit_noise_in_scope() -> None:
    assert one("2614", 2019, 999.99999)["two_high"] == True  # rounds to 1000.0  # noqa: E712
    assert one("2614", 2019, 999.95)["two_high"] == True     # half up: 999.95 -> 1000.0  # noqa: E712
    assert one("2614", 2019, 999.94)["two_high"] == False    # 999.94 -> 999.9  # noqa: E712


def test_exclusive_rules_exclude_the_number() -> None:
    strict = RuleSet.load().replace(inclusive=False)
    assert one("2614", 2019, 1000.0, strict)["two_high"] == False  # noqa: E712
    assert one("2614", 2019, 1000.1, strict)["two_high"] == True  # noqa: E712


@pytest.mark.parametrize("code", [2614, "C2614", "２６１４", "2614 有机化学原料制造", "26", "有机化学原料制造"])
def test_code_spellings_screen_alike(code: object) -> None:
    assert one(code, 2019, 1200)["two_high"] == True  # noqa: E712


@pytest.mark.parametrize("year", [2019, 2019.0, "2019", "2019年", "2019年5月", "2019-05-01", pd.Timestamp("2019-05-01")])
def test_year_or_date_spellings(year: object) -> None:
    assert one("2614", year, 1200)["threshold_tce"] == 1000.0


def test_date_field_names_the_column_and_dates_work() -> None:
    df = pd.DataFrame({"industry_code": ["2614", "2614"], "投产日期": pd.to_datetime(["2017-12-31", "2018-01-01"]),
                       "energy_tce": [1500, 1500]})
    r = screen_two_high(df, date_field="投产日期")
    assert r["two_high"].tolist() == [False, True]  # 2017 -> 5 000 threshold; 2018 -> 1 000


def test_chinese_headers() -> None:
    df = pd.DataFrame({"行业代码": ["C2614"], "建成年份": [2019], "年综合能耗": ["1,000"]})
    assert screen_two_high(df)["two_high"].tolist() == [True]


# =============================================================================================
# undecidable is not False

def test_missing_energy_is_na_with_reason() -> None:
    r = one("2614", 2019, None)
    assert r["two_high"] is pd.NA and r["reason_code"] == "energy_missing" and "年综合能耗缺失" in r["reason"]


def test_missing_code_decides_only_below_any_threshold() -> None:
    low, high = one(None, 2019, 500), one(None, 2019, 3000)
    assert low["two_high"] == False and low["reason_code"] == "below_threshold_any_sector"  # noqa: E712
    assert "行业代码缺失" in low["reason"]
    assert high["two_high"] is pd.NA and high["reason_code"] == "industry_code_missing"


def test_a_division_with_mixed_classes_is_too_coarse() -> None:
    r = one("17", 2019, 3000)  # 纺织业: 1713 … in scope, 1711 … not
    assert r["two_high"] is pd.NA and r["reason_code"] == "industry_code_too_coarse"
    assert "1713、1723、1733、1743、1752、1762" in r["reason"]
    assert one("17", 2019, 800)["two_high"] == False  # below 1 000 whatever the class  # noqa: E712


# =============================================================================================
# bad input

def test_unknown_codes_raise_one_error_listing_every_row() -> None:
    df = pd.DataFrame({"industry_code": ["2699", "2614", "D2614"], "built_year": [2019, "20x9", 2019],
                       "energy_tce": [1000, "abc", -5]})
    with pytest.raises(InputError) as exc:
        screen_two_high(df)
    f = exc.value.failures
    assert f["row"].tolist() == [0, 1, 1, 2, 2]
    assert set(f["reason"]) == {"industry_code_unknown", "built_year_invalid", "quantity_not_numeric",
                                "industry_section_mismatch", "quantity_negative"}
    assert f.loc[0, "suggestion"].startswith("2689 其他日用化学产品制造")


def test_report_mode_keeps_bad_rows_as_na() -> None:
    df = pd.DataFrame({"industry_code": ["2699", "2614"], "built_year": [2019, 2019], "energy_tce": [1000, 1000]})
    r = screen_two_high(df, errors="report")
    assert r["two_high"].tolist() == [pd.NA, True]
    assert r.loc[0, "reason_code"] == "industry_code_unknown"
    assert r.loc[0, "reason"].startswith("行业代码“2699”不是GB/T 4754-2017代码") and "2689" in r.loc[0, "reason"]
    assert r.loc[0, "problem"].startswith("industry_code_unknown") and r.loc[1, "problem"] == ""


def test_missing_columns_are_named() -> None:
    with pytest.raises(InputError) as exc:
        screen_two_high(pd.DataFrame({"x": [1]}))
    assert set(exc.value.failures["column"]) == {"industry_code", "energy_tce", "built_year"}


# =============================================================================================
# basis sensitivity, expansions, records

def test_basis_sensitivity_from_an_electricity_column() -> None:
    df = pd.DataFrame({"industry_code": ["2614", "2614"], "built_year": [2019, 2019], "energy_tce": [900.0, 900.0],
                       "electricity_kwh": [5e6, 5e5]})
    with pytest.warns(TanfengWarning, match="1 个项目"):
        r = screen_two_high(df, substitution_factor=0.300)
    # 900 + 5e6 kWh x (0.300 - 0.1229) kgce/kWh / 1000 = 900 + 885.5 = 1 785.5 >= 1 000 -> flips
    # 900 + 5e5 kWh x 0.1771 / 1000 = 988.55 -> 988.6 < 1 000 -> no flip
    assert r["two_high"].tolist() == [False, False]
    assert r["basis_sensitive"].tolist() == [True, False]
    assert "电力按等价值折算则为1 785.5吨标准煤，结论将变为列入" in r.loc[0, "reason"]


def test_basis_sensitivity_from_a_substitution_column_and_unknown_elsewhere() -> None:
    df = pd.DataFrame({"industry_code": ["2614", "2614", "3484"], "built_year": [2019] * 3,
                       "energy_tce": [1100.0, 1100.0, 1100.0], "energy_tce_substitution": [1500.0, None, 900.0]})
    r = screen_two_high(df)
    assert r["basis_sensitive"].tolist() == [False, pd.NA, False]  # 3484 is out of scope on any basis


def test_expansion_screens_the_increment_and_says_so() -> None:
    df = pd.DataFrame({"industry_code": ["2614", "2614"], "built_year": [2020, 2020], "energy_tce": [8000, 8000],
                       "energy_increment_tce": [800, None]})
    r = screen_two_high(df)
    assert r["two_high"].tolist() == [False, True]  # increment 800 < 1 000; no increment: total 8 000
    assert r["energy_measure"].tolist() == ["increment", "total"]
    assert "改扩建新增年综合能耗800.0吨标准煤" in r.loc[0, "reason"]
    assert "国家发展改革委令2016年第44号" in r.loc[0, "reason"]
    total = screen_two_high(df, RuleSet.load().replace(expansion="total"))
    assert total["two_high"].tolist() == [True, True]
    assert "未采用增量800.0吨标准煤" in total.loc[0, "reason"]


def test_energy_records_are_accounted_and_summed() -> None:
    projects = pd.DataFrame({"id": ["a", "b", "c"], "industry_code": ["2614", "3011", "2614"],
                             "built_year": [2019, 2019, 2019]})
    records = pd.DataFrame({"id": ["a", "a", "b"], "carrier": ["原煤", "电力", "天然气"],
                            "quantity": [1000, 300, 50], "unit": ["t", "万kWh", "万m3"]})
    r = screen_two_high(projects, records=records, on="id", year=2022)
    # a: 1000 t x 0.7143 + 3e6 kWh x 0.1229 kgce/kWh = 714.3 + 368.7 = 1 083.0 tce
    # b: 50 万m3 x 12.143 tce/万m3 = 607.15 -> 607.2 (half up)
    assert r["energy_tce"].tolist()[:2] == pytest.approx([1083.0, 607.15])
    assert r["screened_tce"].tolist()[:2] == [1083.0, 607.2]
    assert r["two_high"].tolist() == [True, False, pd.NA]  # c has no records
    assert r.loc[2, "reason_code"] == "energy_missing"
    assert r["basis_sensitive"].tolist()[:2] == [False, False]


# =============================================================================================
# rules as data

def test_shipped_presets() -> None:
    zj = RuleSet.load("zhuji-2021")
    assert (zj.cutoff_year, zj.threshold_from_cutoff_tce, zj.threshold_before_cutoff_tce) == (2018, 1000.0, 5000.0)
    assert zj.inclusive and zj.electricity_basis == "calorific" and zj.expansion == "increment"
    assert zj.sources["civil-code-1259"].confidence == "verified"
    codes = {c.code for c in zj.sectors.codes}
    assert codes == {"25", "26", "30", "31", "32", "44", "28", "22", "1713", "1723", "1733", "1743", "1752", "1762"}
    ndrc = RuleSet.load().replace(sectors="ndrc-high-energy").sectors
    assert {c.code for c in ndrc.codes} == {"25", "26", "30", "31", "32", "44"}
    for c in zj.sectors.codes:  # every code carries the name of GB/T 4754-2017 and a defined source
        assert industries.name(c.code) == c.name and c.source in zj.sources


def test_copper_rolling_is_in_ndrc_but_not_in_mee() -> None:
    base = RuleSet.load()
    assert one("3251", 2019, 2000, base.replace(sectors="ndrc-high-energy"))["two_high"] == True  # noqa: E712
    assert one("3251", 2019, 2000, base.replace(sectors="mee-2021"))["two_high"] == False  # noqa: E712
    assert one("3211", 2019, 2000, base.replace(sectors="mee-2021"))["sector"] == "有色金属冶炼"


def test_user_toml_extends_the_shipped_rules(tmp_path: Path) -> None:
    p = tmp_path / "county.toml"
    p.write_text('''
[sources.county-2022]
title = "某县发改局通知"

[presets.county]
extends = "zhejiang-practice"
title = "本县口径"
exclude = ["223"]
codes = [ { code = "3391", name = "黑色金属铸造", sector = "铸造", source = "county-2022" } ]

[rulesets.county]
extends = "zhuji-2021"
preset = "county"
cutoff_year = 2019
''', encoding="utf-8")
    rs = RuleSet.from_toml(p)
    assert (rs.id, rs.cutoff_year, rs.sectors.exclude) == ("county", 2019, ("223",))
    df = pd.DataFrame({"industry_code": ["2231", "2221", "3391", "2614"], "built_year": [2019, 2019, 2019, 2018],
                       "energy_tce": [2000] * 4})
    r = screen_two_high(df, p)
    # 2231 纸制品 excluded; 2221 造纸 in; 3391 added; 2018 is now before the cut-off: 2 000 < 5 000
    assert r["two_high"].tolist() == [False, True, True, False]


def test_copies_change_one_field() -> None:
    base = RuleSet.load()
    assert RuleSet.from_dict({"extends": "zhuji-2021", "threshold_from_cutoff_tce": 500}).threshold_from_cutoff_tce == 500
    copied = base.model_copy(update={"cutoff_year": 2019})
    assert one("2614", 2018, 1500, copied)["threshold_tce"] == 5000.0  # 2018 < 2019: the higher threshold
    with pytest.raises(RuleError):  # model_copy skips validation; screening validates again
        one("2614", 2018, 1500, base.model_copy(update={"cutoff_year": 99999}))
    with pytest.raises(RuleError):
        base.replace(threshold_from_cutoff_tce=-1)


@pytest.mark.parametrize("preset, message", [
    ('codes = [ { code = "2614", name = "无机盐制造", sector = "化工" } ]', "有机化学原料制造"),
    ('codes = [ { code = "2699", name = "x", sector = "化工" } ]', "2689"),
    ('codes = [ { code = "2614", name = "有机化学原料制造", sector = "化工", source = "nowhere" } ]', "nowhere"),
])
def test_bad_rule_files_say_what_is_wrong(tmp_path: Path, preset: str, message: str) -> None:
    p = tmp_path / "bad.toml"
    p.write_text(f'''
[presets.bad]
title = "x"
source = "zhuji-plan-2021"
{preset}

[rulesets.bad]
extends = "zhuji-2021"
preset = "bad"
''', encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        RuleSet.from_toml(p)


def test_screening_is_vectorised_per_distinct_code(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = industries.parse
    monkeypatch.setattr(industries, "parse", lambda raw: calls.append(raw) or real(raw))
    spellings = ["2614", "3011", "3484", "1713", "C2614"]
    screen_two_high(pd.DataFrame({"industry_code": spellings, "built_year": 2019, "energy_tce": 1.0}))
    small = len(calls)
    calls.clear()
    n = 20_000
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"industry_code": rng.choice(spellings, n),
                       "built_year": rng.integers(2010, 2023, n), "energy_tce": rng.lognormal(7, 1, n)})
    r = screen_two_high(df)
    assert len(calls) == small  # codes are parsed once per distinct spelling (and rule code), not per row
    # the flag is exactly the numpy rule: in-scope code and rounded energy >= threshold of its year
    in_scope = df["industry_code"].isin(["2614", "3011", "1713", "C2614"]).to_numpy()
    thr = np.where(df["built_year"] >= 2018, 1000.0, 5000.0)
    e = np.floor(np.round(df["energy_tce"].to_numpy() * 10, 6) + 0.5) / 10
    assert (r["two_high"].to_numpy(dtype=bool) == (in_scope & (e >= thr))).all()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["2614", "3011", "1713", "3484", "1830"]),
                          st.integers(1995, 2030), st.floats(0, 50_000, allow_nan=False)), min_size=1, max_size=30))
def test_flag_matches_the_rule_for_any_project(rows: list[tuple[str, int, float]]) -> None:
    df = pd.DataFrame(rows, columns=["industry_code", "built_year", "energy_tce"])
    r = screen_two_high(df)
    for (code, year, e), got, reason in zip(rows, r["two_high"], r["reason"]):
        rounded = math.floor(round(e * 10, 6) + 0.5) / 10
        expected = code in ("2614", "3011", "1713") and rounded >= (1000 if year >= 2018 else 5000)
        assert bool(got) is expected and reason


# =============================================================================================
# 两高一低

def _firms() -> pd.DataFrame:
    return pd.DataFrame({"企业": list("甲乙丙丁"), "energy_tce": [1500, 800, 1500, None], "co2_t": [3900, 2000, 3900, 1000],
                         "实缴税金": [50, 20, 51, 10], "用地面积": [10, 10, 10, 10]})


def test_low_efficiency_hand_cases() -> None:
    r = screen_low_efficiency(_firms())
    # tax per mu: 50/10 = 5.0 (<= 5: low, “以下” includes 5); 20/10 = 2.0; 51/10 = 5.1 (not low); 10/10 = 1.0
    assert r["tax_per_mu"].tolist() == [5.0, 2.0, 5.1, 1.0]
    assert r["high_energy"].tolist() == [True, False, True, pd.NA]    # 1 500 >= 1 000; 800 < 1 000
    assert r["high_emission"].tolist() == [False, False, False, False]  # all < 26 000 t
    assert r["low_benefit"].tolist() == [True, True, False, True]
    # any_high: (energy or CO2 high) and low benefit; 丁: energy unknown, CO2 not high -> NA
    assert r["low_efficiency"].tolist() == [True, False, False, pd.NA]
    assert r["reason_code"].tolist() == ["two_high_one_low", "energy_emission_not_high", "benefit_not_low", "data_missing"]
    assert set(r["reason_code"]) <= set(REASONS)
    assert r.loc[0, "reason"] == ("年综合能耗1 500.0吨标准煤（≥1 000，高耗能）；二氧化碳排放3 900.0吨（<26 000，非高排放）；"
                                  "亩均税收5.00万元/亩（≤5，低效益）。列入“两高一低”监测库（高耗能或高排放，且低效益）")
    assert (r["reason"].str.len() > 0).all() and list(r.index) == [0, 1, 2, 3]


def test_low_efficiency_thresholds_are_parameters() -> None:
    r = screen_low_efficiency(_firms(), combine="all", co2_threshold_t=3000, tax_per_mu_threshold=6)
    # CO2 >= 3 000: 甲, 丙; 亩均税收 <= 6: all; all three: 甲 and 丙; 丁: CO2 1 000 < 3 000 -> False
    assert r["low_efficiency"].tolist() == [True, False, True, False]
    strict = screen_low_efficiency(_firms(), LowEfficiencyRules.load().model_copy(update={"inclusive": False}))
    assert strict["low_benefit"].tolist()[0] == False  # 5.0 is not below 5  # noqa: E712
    rules = LowEfficiencyRules.load()
    assert rules.tax_per_mu_threshold == 5.0 and rules.tax_per_mu_source == "zhuji-plan-2021"
    assert set(rules.sources) == {"zhuji-plan-2021", "mee-order-2020-19"}


def test_low_efficiency_bad_land_area() -> None:
    f = _firms().assign(用地面积=[10, 0, 10, 10])
    with pytest.raises(InputError, match="land_area_not_positive"):
        screen_low_efficiency(f)
    r = screen_low_efficiency(f, errors="report")
    assert r["low_efficiency"].tolist()[1] is pd.NA and "用地面积为0" in r.loc[1, "reason"]


def test_low_efficiency_from_records() -> None:
    firms = pd.DataFrame({"id": [1, 2], "tax_per_mu": [3.0, 3.0]})
    records = pd.DataFrame({"id": [1, 1, 2], "carrier": ["原煤", "电力", "柴油"], "quantity": [2000, 100, 10],
                            "unit": ["t", "万kWh", "t"]})
    r = screen_low_efficiency(firms, records=records, on="id", region="浙江", year=2022)
    # 1: 2000 t x 0.7143 + 1e6 kWh x 0.1229/1000 = 1 428.6 + 122.9 = 1 551.5 tce (high); 2: diesel 10 t, small
    assert r["energy_tce"].tolist()[0] == pytest.approx(1551.5)
    co2 = tanfeng.to_co2(2000, "t", "原煤").m + tanfeng.to_co2(100, "万kWh", "电力", region="浙江", year=2022).m
    assert r["co2_t"].tolist()[0] == pytest.approx(co2, rel=1e-9)
    assert r["low_efficiency"].tolist() == [True, False]
    meta = r.attrs["tanfeng"]  # the rule set's version beside the factor set that accounted the records
    assert (meta["rules"], meta["factor_set"]) == ("zhuji-2021", tanfeng.FactorSet.default().version)
    assert meta["rules_version"] == LowEfficiencyRules.load("zhuji-2021").version


# =============================================================================================
# chart

def test_chart_renders_with_chinese_and_the_step_threshold(tmp_path: Path) -> None:
    from tanfeng.plotting.screening import two_high_scatter

    df = pd.DataFrame({"industry_code": ["2614", "3011", "3484", "1713", "2614", "17"],
                       "built_year": [2019, 2015, 2020, 2021, None, 2019], "energy_tce": [1500, 6000, 20000, 1200, 3000, 3000]})
    r = screen_two_high(df)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph is a warning
        fig = two_high_scatter(r, path=tmp_path / "two_high.png")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "建成年份"
    step = next(ln for ln in ax.get_lines() if ln.get_label().startswith("门槛"))
    assert sorted(set(step.get_ydata())) == [1000.0, 5000.0]
    assert (tmp_path / "two_high.png").stat().st_size > 5000
    assert "列入 3 个" in ax.get_title()  # 2614/2019, 3011/2015, 1713/2021


def test_accessor_calls_screening() -> None:
    df = pd.DataFrame({"industry_code": ["2614"], "built_year": [2019], "energy_tce": [1000.0]})
    assert df.tanfeng.screen_two_high()["two_high"].tolist() == [True]
    assert tanfeng.screen_two_high is screen_two_high
