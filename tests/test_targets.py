"""Plan targets and progress tracking: the 诸暨 plan's 15 indicators, Tracker, intensity_decline.

Every expected value below is worked out by hand from the plan text or the inputs; the arithmetic
is in the comment beside it.
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tanfeng.errors import InputError, RuleError, TanfengWarning
from tanfeng.plans import ZHUJI_2023, available, load_plan
from tanfeng.targets import Plan, Tracker, _add_months, _months_between, intensity_decline

# ---------------------------------------------------------------------------------------------
# the shipped plan, row by row against the 指标体系 table of zhuji-plan-2021.txt
# (序号, 指标类别, 指标内容, unit as printed in the table, 2023年目标)

TABLE = [
    (1, "园区治理", "腾出低效工业用地", "万亩", 1),
    (2, "园区治理", "规上工业亩均税收", "万元", 30),
    (3, "园区治理", "规上工业亩均增加值", "万元", 130),
    (4, "淘汰落后", "淘汰落后产能企业", "家", 100),
    (5, "淘汰落后", "整治提升低效企业", "家", 180),
    (6, "淘汰落后", "腾出用能", "万吨标准煤", 8),
    (7, "淘汰落后", "减少碳排放", "万吨", 16),
    (8, "淘汰落后", "单位工业增加值能耗下降", "%", 10),
    (9, "创新强工", "规上制造业研究与试验发展经费占主营业务收入比重", "%", 3),
    (10, "创新强工", "国家专精特新“小巨人”企业数量", "家", 7),
    (11, "招大引强", "新增招引落地10亿元以上重大制造业项目数", "个", 15),
    (12, "招大引强", "制造业投资年均增长率", "%", 12),
    (13, "质量提升", "新增“浙江制造”标准数量", "项", 24),
    (14, "质量提升", "培育“品字标”品牌企业数", "家", 15),
    (15, "质量提升", "每年新增首台（套）", "项", 8),
]


def test_plan_has_the_15_table_rows_in_order() -> None:
    assert [i.seq for i in ZHUJI_2023.indicators] == list(range(1, 16))
    assert len(ZHUJI_2023.indicators) == 15


@pytest.mark.parametrize(("seq", "category", "name", "unit", "target"), TABLE)
def test_each_table_row(seq: int, category: str, name: str, unit: str, target: float) -> None:
    ind = ZHUJI_2023.indicators[seq - 1]
    assert ind.seq == seq
    assert ind.category == category
    assert ind.name_zh == name
    assert (ind.unit_in_table or ind.unit) == unit
    assert ind.target == target
    assert ind.deadline == dt.date(2023, 12, 31)
    # 下降 is the only decline row; every other row is "达到/以上"
    assert ind.direction == ("decline_by" if seq == 8 else "at_least")


def test_plan_metadata_and_text_figures() -> None:
    p = ZHUJI_2023
    assert p.end == dt.date(2023, 12, 31)  # 有效期至2023年12月31日
    assert p.start == dt.date(2021, 1, 1)
    assert p.status == "征求意见稿"
    assert p.planning_co2_per_tce == 16 / 8  # 16 万 t ÷ 8 万 tce = 2.0
    assert p.indicator("labour_productivity").target == 33  # 全员劳动生产率 33 万元/人
    assert p.indicator("labour_productivity").unit == "万元/人"
    # 首台（套）: the table's 8 per year is kept, the text's 10 is recorded
    fs = p.indicator("first_sets")
    assert (fs.target, fs.period) == (8, "per_year")
    assert "10" in fs.note
    assert p.indicator("first_sets_text").target == 10
    assert "左右" in p.indicator("land_freed").note


def test_targets_convert_with_pint() -> None:
    assert ZHUJI_2023.indicator("energy_freed").target_in("tce") == 80_000  # 8 × 10⁴
    assert ZHUJI_2023.indicator("co2_reduced").target_in("tCO2") == 160_000  # 16 × 10⁴
    assert ZHUJI_2023.indicator("land_freed").target_in("亩") == pytest.approx(10_000)  # 1 万亩


def test_load_plan_by_id_path_and_user_toml(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert "zhuji-2021-2023" in available()
    assert load_plan("zhuji-2021-2023") is ZHUJI_2023
    f = tmp_path / "other.toml"
    f.write_text(
        '[plan]\nid = "x"\ntitle = "某县方案"\nstart = 2022-01-01\nend = 2024-12-31\n'
        '[[indicators]]\nseq = 1\nid = "e"\ncategory = "淘汰落后"\nname_zh = "腾出用能"\n'
        'unit = "万吨标准煤"\ntarget = 2\ndirection = "at_least"\nmeasure = "energy_freed_tce"\n',
        encoding="utf-8")
    p = load_plan(f)
    assert p.indicators[0].deadline == dt.date(2024, 12, 31)  # defaults to the plan's end
    assert p.indicator("腾出用能").target_in("tce") == 20_000
    f.write_text(f.read_text(encoding="utf-8").replace('"at_least"', '"more"'), encoding="utf-8")
    with pytest.raises(RuleError, match="direction"):
        load_plan(f)
    with pytest.raises(FileNotFoundError, match="zhuji-2021-2023"):
        load_plan("no-such-plan")


# ---------------------------------------------------------------------------------------------
# Plan.assess


def test_assess_direction_aware() -> None:
    r = ZHUJI_2023.assess({"energy_intensity_decline": 12, "energy_freed": 4, "腾出低效工业用地": 1.2})
    assert r.loc["energy_intensity_decline", "share"] == pytest.approx(1.2)  # 12 / 10
    assert r.loc["energy_intensity_decline", "status"] == "达标"
    assert r.loc["energy_freed", "share"] == pytest.approx(0.5)  # 4 / 8
    assert r.loc["energy_freed", "gap"] == pytest.approx(4)  # 8 − 4 still to go
    assert r.loc["energy_freed", "status"] == "未达标"
    assert r.loc["land_freed", "status"] == "达标"  # 1.2 ≥ 1
    assert r.loc["rd_share", "status"] == "无数据"
    assert len(r) == 15


def test_assess_at_most_and_quantities() -> None:
    from tanfeng.units import Q_

    p = Plan.model_validate({"id": "t", "title": "t", "start": "2021-01-01", "end": "2023-12-31",
                             "indicators": [{"seq": 1, "id": "cap", "category": "c", "name_zh": "能耗上限",
                                             "unit": "万吨标准煤", "target": 10, "direction": "at_most"}]})
    r = p.assess({"cap": Q_(80_000, "tce")})  # 8 万 tce ≤ 10 万
    assert r.loc["cap", "actual"] == pytest.approx(8)
    assert r.loc["cap", "share"] == pytest.approx(10 / 8)
    assert r.loc["cap", "status"] == "达标"
    assert p.assess({"cap": 12})["status"]["cap"] == "未达标"


def test_assess_bad_input_collected() -> None:
    with pytest.raises(InputError) as e:
        ZHUJI_2023.assess({"energy_fred": 1, "rd_share": "高"})
    assert sorted(e.value.failures["reason"]) == ["indicator_unknown", "quantity_not_numeric"]


# ---------------------------------------------------------------------------------------------
# Tracker: the hand-computed case


def _three() -> pd.DataFrame:
    return pd.DataFrame({
        "enterprise": ["甲", "乙", "丙", "丁"],
        "town": ["陶朱街道", "店口镇", "店口镇", "大唐街道"],
        "action": ["淘汰落后", "整治提升", "淘汰", "淘汰"],
        "date": ["2021-09-30", "2022-03-31", "2022-06-30", "2022-07-15"],
        "energy_before_tce": [20_000, 30_000, 5_000, 1_000],
        "energy_after_tce": [0, 15_000, None, 0],
        "land_freed_mu": [300, 0, 100, 50],
    }, index=["a", "b", "c", "d"])


def test_progress_hand_case() -> None:
    p = Tracker(ZHUJI_2023, _three()).progress(as_of="2022-06-30")
    e = p.loc["energy_freed_tce"]
    # 20 000 + (30 000 − 15 000) + 5 000 (empty after on a 淘汰 = closed) = 40 000; 丁 is after as_of
    assert e["achieved"] == 40_000
    assert e["target"] == 80_000
    assert e["share"] == pytest.approx(0.5)  # 40 000 / 80 000
    assert e["months_left"] == 18  # 2022-06-30 → 2023-12-31
    assert e["rate_needed"] == pytest.approx(40_000 / 18)  # 2 222.2 tce per month
    assert round(e["rate_needed"], 1) == 2222.2
    assert e["rate_so_far"] == pytest.approx(40_000 / 18)  # 2020-12-31 → 2022-06-30 is 18 months
    assert e["expected_share"] == pytest.approx(0.5)  # 18 of 36 months
    assert bool(e["on_pace"])
    assert p.loc["phase_out", "achieved"] == 2  # 甲, 丙
    assert p.loc["upgrade", "achieved"] == 1  # 乙
    assert p.loc["land_freed_mu", "achieved"] == 400  # 300 + 0 + 100
    assert p.loc["land_freed_mu", "target"] == pytest.approx(10_000)  # 1 万亩
    # planning ratio: 40 000 × 2.0; own-mix CO2 unknown (no energy records) and said so
    assert p.loc["co2_reduced_planning_t", "achieved"] == 80_000
    assert np.isnan(p.loc["co2_reduced_t", "achieved"])
    assert p.loc["co2_reduced_t", "n_missing"] == 3


def test_actions_keep_rows_order_index_and_chinese_headers() -> None:
    df = _three().rename(columns={"enterprise": "企业名称", "town": "镇乡（街道）", "action": "类型",
                                  "date": "完成日期", "energy_before_tce": "整治前能耗",
                                  "energy_after_tce": "整治后能耗", "land_freed_mu": "腾出用地（亩）"})
    t = Tracker(ZHUJI_2023, df.iloc[::-1])
    assert list(t.actions.index) == ["d", "c", "b", "a"]
    assert list(t.actions["action"]) == ["phase_out", "phase_out", "upgrade", "phase_out"]
    assert list(t.actions["energy_freed_tce"]) == [1_000, 5_000, 15_000, 20_000]


def test_timeline_cumulative() -> None:
    tl = Tracker(ZHUJI_2023, _three()).timeline(as_of="2022-07-31")
    assert tl.index[0] == pd.Timestamp("2021-01-31")
    assert tl.loc["2021-08-31", "energy_freed_tce"] == 0
    assert tl.loc["2021-09-30", "energy_freed_tce"] == 20_000
    assert tl.loc["2022-03-31", "energy_freed_tce"] == 35_000  # + 15 000
    assert tl.loc["2022-06-30", "energy_freed_tce"] == 40_000  # + 5 000
    assert tl.loc["2022-07-31", "energy_freed_tce"] == 41_000  # + 1 000 (丁)
    assert len(tl) == 19  # 2021-01 … 2022-07


def test_forecast_linear_and_recent() -> None:
    t = Tracker(ZHUJI_2023, _three())
    f = t.forecast("linear", as_of="2022-06-30")
    e = f.loc["energy_freed_tce"]
    assert e["projected_at_deadline"] == pytest.approx(80_000)  # 40 000 + 2 222.2 × 18
    assert e["reach_date"] == pd.Timestamp("2023-12-31")  # exactly on pace
    assert bool(e["on_track"])
    po = f.loc["phase_out"]
    assert po["projected_at_deadline"] == pytest.approx(4)  # 2 + (2/18) × 18
    assert pd.isna(po["reach_date"])
    assert "无法" in po["verdict"]
    r = t.forecast("recent", as_of="2022-06-30", window=6).loc["energy_freed_tce"]
    # 2021-12-31: 20 000 done; 2022-06-30: 40 000 → 20 000 / 6 per month
    assert r["rate"] == pytest.approx(20_000 / 6)
    assert r["projected_at_deadline"] == pytest.approx(40_000 + 20_000 / 6 * 18)  # 100 000


def test_forecast_ols_on_an_exact_line() -> None:
    ends = pd.date_range("2021-01-31", "2021-12-31", freq="ME")
    acts = pd.DataFrame({"enterprise": [f"企业{i}" for i in range(12)], "town": "陶朱街道",
                         "action": "整治提升", "date": ends, "energy_freed_tce": 1_000.0})
    f = Tracker(ZHUJI_2023, acts).forecast("ols", as_of="2021-12-31").loc["energy_freed_tce"]
    assert f["rate"] == pytest.approx(1_000)  # cumulative 0, 1 000, …, 12 000: slope 1 000
    assert f["projected_at_deadline"] == pytest.approx(12_000 + 1_000 * 24)  # 24 months left
    assert pd.isna(f["reach_date"])  # 36 000 < 80 000


def test_target_already_reached_gives_crossing_date() -> None:
    acts = pd.DataFrame({"enterprise": ["甲", "乙"], "town": "陶朱街道", "action": "淘汰",
                         "date": ["2021-03-15", "2021-05-20"], "energy_freed_tce": [50_000, 40_000]})
    f = Tracker(ZHUJI_2023, acts).forecast(as_of="2021-12-31").loc["energy_freed_tce"]
    assert f["reach_date"] == pd.Timestamp("2021-05-20")  # 50 000 + 40 000 ≥ 80 000 on that day


# ---------------------------------------------------------------------------------------------
# CO2 from each enterprise's own mix, beside the planning ratio


def _grid_half() -> object:
    from tanfeng.factors import FactorSet

    return FactorSet.default().override(
        [{"carrier": "电力", "quantity": "grid_co2", "value": 0.5, "unit": "tCO2/MWh", "region": "浙江",
          "data_year": 2022, "source": "test-grid", "basis": "both", "variant": ""}],
        sources=[{"id": "test-grid", "title": "test factor"}])


def test_co2_from_own_mix_beside_planning_ratio() -> None:
    acts = pd.DataFrame({"enterprise": ["乙"], "town": "店口镇", "action": "淘汰", "date": "2022-05-31"})
    energy = pd.DataFrame({"enterprise": ["乙"], "carrier": ["电力"], "quantity": [100], "unit": ["万kWh"],
                           "year": [2022]})
    t = Tracker(ZHUJI_2023, acts, energy=energy, factors=_grid_half())
    row = t.actions.iloc[0]
    assert row["energy_freed_tce"] == pytest.approx(122.9)  # 10⁶ kWh × 0.1229 kgce/kWh (当量值)
    assert row["co2_reduced_t"] == pytest.approx(500)  # 10⁶ kWh × 0.5 kgCO2/kWh
    assert row["co2_source"] == "mix"
    assert row["co2_reduced_planning_t"] == pytest.approx(245.8)  # 122.9 × 2.0 — shown, not forced
    p = t.progress("2022-06-30")
    assert p.loc["co2_reduced_t", "achieved"] == pytest.approx(500)
    assert p.loc["co2_reduced_planning_t", "achieved"] == pytest.approx(245.8)
    # the plan's version beside the factor set that accounted the energy: the one passed, not the default
    assert p.attrs["tanfeng"]["factor_set"] == _grid_half().version
    from tanfeng.factors import FactorSet

    assert p.attrs["tanfeng"]["factor_set"] != FactorSet.default().version


def test_co2_mix_scales_with_the_share_freed() -> None:
    # baseline from records, after given as tce: half the energy freed → half the baseline CO2
    acts = pd.DataFrame({"enterprise": ["乙"], "town": "店口镇", "action": "整治提升", "date": "2022-05-31",
                         "energy_after_tce": [122.9 / 2]})
    energy = pd.DataFrame({"enterprise": ["乙"], "stage": ["整治前"], "carrier": ["电力"], "quantity": [100],
                           "unit": ["万kWh"], "year": [2022]})
    row = Tracker(ZHUJI_2023, acts, energy=energy, factors=_grid_half()).actions.iloc[0]
    assert row["energy_freed_tce"] == pytest.approx(61.45)  # 122.9 − 61.45
    assert row["co2_reduced_t"] == pytest.approx(250)  # 500 × 61.45 / 122.9


def test_planning_ratio_is_a_parameter() -> None:
    t = Tracker(ZHUJI_2023, _three(), planning_co2_per_tce=2.5)
    assert t.progress("2022-06-30").loc["co2_reduced_planning_t", "achieved"] == 100_000  # 40 000 × 2.5


# ---------------------------------------------------------------------------------------------
# bad input


def test_enterprise_counted_twice_names_both_rows() -> None:
    df = _three()
    df.loc["d", ["enterprise", "town"]] = ["甲", "陶朱街道"]
    with pytest.raises(InputError) as e:
        Tracker(ZHUJI_2023, df)
    f = e.value.failures
    rep = f[f["reason"] == "enterprise_repeated"]
    assert sorted(rep["row"]) == ["a", "d"]
    assert "'d'" in rep.set_index("row").loc["a", "message"]
    t = Tracker(ZHUJI_2023, df, allow_repeat=True)
    assert t.progress("2022-07-31").loc["phase_out", "achieved"] == 3  # 甲 twice + 丙


def test_upgrade_then_phase_out_chained_is_not_a_repeat() -> None:
    acts = pd.DataFrame({"enterprise": ["甲", "甲"], "town": "陶朱街道", "action": ["整治提升", "淘汰"],
                         "date": ["2021-06-30", "2022-06-30"], "energy_before_tce": [1_000, 800],
                         "energy_after_tce": [800, 0]})
    p = Tracker(ZHUJI_2023, acts).progress("2022-06-30")
    assert p.loc["energy_freed_tce", "achieved"] == 1_000  # 200 + 800, not double counted
    acts.loc[1, "energy_before_tce"] = 1_000  # the same baseline twice: 200 + 1 000 would double count
    with pytest.raises(InputError, match="enterprise_repeated"):
        Tracker(ZHUJI_2023, acts)


def test_dates_outside_plan_and_phase_out_increase_are_errors() -> None:
    df = _three()
    df.loc["a", "date"] = "2020-12-31"
    df.loc["c", "energy_after_tce"] = 6_000  # 淘汰 with more energy after
    with pytest.raises(InputError) as e:
        Tracker(ZHUJI_2023, df)
    f = e.value.failures.set_index("row")
    assert f.loc["a", "reason"] == "date_outside_plan"
    assert f.loc["c", "reason"] == "energy_increased"


def test_upgrade_increase_is_kept_and_flagged() -> None:
    df = _three()
    df.loc["b", "energy_after_tce"] = 31_000
    with pytest.warns(TanfengWarning, match="用能反而增加"):
        t = Tracker(ZHUJI_2023, df)
    assert t.actions.loc["b", "flag"] == "energy_increased"
    assert t.actions.loc["b", "energy_freed_tce"] == -1_000
    assert t.progress("2022-06-30").loc["energy_freed_tce", "achieved"] == 24_000  # 20 000 − 1 000 + 5 000


def test_report_mode_keeps_bad_rows_and_counts_them_nowhere() -> None:
    df = _three()
    df["energy_before_tce"] = df["energy_before_tce"].astype(object)
    df.loc["b", "action"] = "拆除重建"
    df.loc["c", "energy_before_tce"] = "很多"
    t = Tracker(ZHUJI_2023, df, errors="report")
    assert list(t.actions.index) == ["a", "b", "c", "d"]
    assert t.actions.loc["b", "problem"].startswith("action_unknown")
    assert "quantity_not_numeric" in t.actions.loc["c", "problem"]
    assert list(t.actions["valid"]) == [True, False, False, True]
    assert t.progress("2022-06-30").loc["energy_freed_tce", "achieved"] == 20_000  # only 甲
    assert set(t.failures["reason"]) == {"action_unknown", "quantity_not_numeric"}


def test_missing_energy_is_an_error_not_zero() -> None:
    df = _three()
    df.loc["b", "energy_before_tce"] = None  # 整治提升 with no baseline
    with pytest.raises(InputError, match="energy_missing"):
        Tracker(ZHUJI_2023, df)


def test_missing_columns_listed() -> None:
    with pytest.raises(InputError) as e:
        Tracker(ZHUJI_2023, pd.DataFrame({"enterprise": ["甲"]}))
    assert set(e.value.failures["column"]) == {"town", "action", "date", "energy_before_tce"}


# ---------------------------------------------------------------------------------------------
# towns


def test_by_town_ranking_with_allocated_targets() -> None:
    t = Tracker(ZHUJI_2023, _three())
    targets = pd.DataFrame({"镇乡（街道）": ["陶朱街道", "店口镇", "大唐街道"], "腾出用能": [10_000, 30_000, 5_000]})
    r = t.by_town(targets, as_of="2022-06-30", n_lowest=1)
    e = r[r["measure"] == "energy_freed_tce"].set_index("town")
    assert e.loc["陶朱街道", "share"] == pytest.approx(2.0)  # 20 000 / 10 000
    assert e.loc["店口镇", "share"] == pytest.approx(20_000 / 30_000)  # 15 000 + 5 000
    assert e.loc["大唐街道", "share"] == 0  # 丁 is after as_of
    # score = min(share, 1): 1, 0.667, 0 → ranks 1, 2, 3; the last one is the lowest
    assert e["rank"].to_dict() == {"陶朱街道": 1, "店口镇": 2, "大唐街道": 3}
    assert e["lowest"].to_dict() == {"陶朱街道": False, "店口镇": False, "大唐街道": True}
    assert e.loc["店口镇", "share_of_city"] == pytest.approx(20_000 / 80_000)
    assert e.loc["店口镇", "rate_needed"] == pytest.approx(10_000 / 18)


def test_by_town_without_targets_and_bad_targets() -> None:
    t = Tracker(ZHUJI_2023, _three())
    r = t.by_town(as_of="2022-06-30")
    assert "rank" not in r.columns
    assert r[(r["town"] == "店口镇") & (r["measure"] == "upgrade")]["achieved"].item() == 1
    bad = pd.DataFrame({"town": ["陶朱街道", "陶朱街道"], "energy_freed_tce": [1, -1]})
    with pytest.raises(InputError) as e:
        t.by_town(bad)
    assert set(e.value.failures["reason"]) == {"town_repeated", "quantity_negative"}


# ---------------------------------------------------------------------------------------------
# intensity_decline


def test_intensity_decline_hand_case_and_share_of_target() -> None:
    r = intensity_decline({2020: 100, 2023: 99}, {2020: 100, 2023: 115}, base_year=2020)
    # 1 − (99/115)/(100/100) = 1 − 0.860870 = 13.913 %
    assert r.loc[2023, "decline_pct"] == pytest.approx(13.9130, abs=1e-4)
    assert round(r.loc[2023, "decline_pct"], 1) == 13.9
    # annualised over 3 years: 1 − 0.860870^(1/3) = 1 − 0.951289 = 4.871 %
    assert r.loc[2023, "annualised_decline_pct"] == pytest.approx(4.8711, abs=1e-4)
    a = ZHUJI_2023.assess({"energy_intensity_decline": r.loc[2023, "decline_pct"]})
    assert a.loc["energy_intensity_decline", "share"] == pytest.approx(1.3913, abs=1e-4)  # 139 % of 10 %
    assert a.loc["energy_intensity_decline", "status"] == "达标"


def test_intensity_with_deflator_growth_and_feedstock() -> None:
    # nominal 126.5 at a price index 110 (base 100) is 115 at 2020 prices
    r = intensity_decline({2020: 100, 2023: 99}, {2020: 100, 2023: 126.5}, base_year=2020,
                          deflator={2020: 100, 2023: 110})
    assert r.loc[2023, "value_added_comparable"] == pytest.approx(115)
    assert r.loc[2023, "decline_pct"] == pytest.approx((1 - 99 / 115) * 100)
    # comparable growth 5 %, 5 %, 4 %: VA 2023 = 100 × 1.05 × 1.05 × 1.04 = 114.66
    g = intensity_decline({2020: 100, 2021: 100, 2022: 100, 2023: 99}, {2020: 100}, base_year=2020,
                          growth={2021: 0.05, 2022: 0.05, 2023: 0.04})
    assert g.loc[2023, "value_added_comparable"] == pytest.approx(114.66)
    assert g.loc[2023, "decline_pct"] == pytest.approx((1 - 99 / 114.66) * 100)  # 13.658 %
    assert g.loc[2021, "yoy_decline_pct"] == pytest.approx((1 - 1 / 1.05) * 100)  # energy flat, VA +5 %
    # 原料用能 10 → 12 deducted in both years: (87/115)/(90/100) = 0.840580 → 15.942 %
    f = intensity_decline({2020: 100, 2023: 99}, {2020: 100, 2023: 115}, base_year=2020,
                          feedstock_tce={2020: 10, 2023: 12})
    assert f.loc[2023, "decline_excl_feedstock_pct"] == pytest.approx((1 - (87 / 115) / 0.9) * 100)
    assert f.loc[2023, "decline_pct"] == pytest.approx((1 - 99 / 115) * 100)  # both shown


def test_intensity_bad_input() -> None:
    with pytest.raises(InputError) as e:
        intensity_decline({2020: 100, 2023: 99}, {2020: 100}, base_year=2020, growth={2021: 8, 2022: 7})
    assert set(e.value.failures["reason"]) == {"growth_percent", "year_missing"}
    with pytest.raises(InputError, match="options_conflict"):
        intensity_decline({2020: 1}, {2020: 1}, base_year=2020, deflator={2020: 1}, growth={})
    with pytest.raises(InputError) as e:
        intensity_decline({2021: 100}, {2021: 0}, base_year=2020)
    assert set(e.value.failures["reason"]) == {"year_missing", "value_not_positive"}


@settings(max_examples=60, deadline=None)
@given(e0=st.floats(1, 1e6), va0=st.floats(1, 1e6), ge=st.floats(-0.5, 0.5), gva=st.floats(-0.5, 0.5))
def test_decline_equals_growth_formula(e0: float, va0: float, ge: float, gva: float) -> None:
    # policy.md §6: 降低率 = 1 − (1 + g_E) / (1 + g_VA)
    r = intensity_decline({2020: e0, 2021: e0 * (1 + ge)}, {2020: va0, 2021: va0 * (1 + gva)}, base_year=2020)
    assert r.loc[2021, "decline_pct"] == pytest.approx((1 - (1 + ge) / (1 + gva)) * 100, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# month-end calendar


def test_months_between_month_ends() -> None:
    assert _months_between(dt.date(2022, 6, 30), dt.date(2023, 12, 31)) == 18
    assert _months_between(dt.date(2020, 12, 31), dt.date(2021, 2, 28)) == 2
    assert _add_months(dt.date(2022, 6, 30), 18) == dt.date(2023, 12, 31)
    assert _add_months(dt.date(2022, 6, 30), 0.5) == dt.date(2022, 7, 16)  # ⌈0.5 × 31⌉


@settings(max_examples=100, deadline=None)
@given(a=st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)), b=st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)))
def test_add_months_inverts_months_between(a: dt.date, b: dt.date) -> None:
    assert _add_months(a, _months_between(a, b)) == b


@settings(max_examples=25, deadline=None)
@given(x=st.lists(st.floats(0, 1e5), min_size=1, max_size=8))
def test_energy_achieved_is_the_sum_and_share_monotone(x: list[float]) -> None:
    acts = pd.DataFrame({"enterprise": [f"企业{i}" for i in range(len(x))], "town": "陶朱街道",
                         "action": "淘汰", "date": "2022-01-15", "energy_freed_tce": x})
    p = Tracker(ZHUJI_2023, acts).progress("2022-06-30").loc["energy_freed_tce"]
    assert p["achieved"] == pytest.approx(sum(x))
    assert p["share"] == pytest.approx(sum(x) / 80_000)


# ---------------------------------------------------------------------------------------------
# charts


def test_charts_render_chinese_without_missing_glyphs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tanfeng.plotting.targets import progress_bars, progress_timeline, town_ranking

    t = Tracker(ZHUJI_2023, _three())
    targets = pd.DataFrame({"town": ["陶朱街道", "店口镇", "大唐街道"], "energy_freed_tce": [10_000, 30_000, 5_000]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        figs = [progress_bars(t, as_of="2022-06-30", path=tmp_path / "bars.png"),
                town_ranking(t.by_town(targets, as_of="2022-06-30"), path=tmp_path / "rank.png"),
                progress_timeline(t, "land_freed_mu", method="ols", as_of="2022-06-30", path=tmp_path / "tl.png")]
    for name in ("bars", "rank", "tl"):
        assert (tmp_path / f"{name}.png").stat().st_size > 5_000
    assert "目标完成进度" in figs[0].axes[0].get_title()
    assert figs[2].axes[0].get_title().startswith("腾出用地")
