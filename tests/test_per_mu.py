"""亩均论英雄: indicators, scores and classes, checked against hand computations.

The 黄岩 2022 benchmarks are typed here from policy.md §5.2 (not read from the shipped TOML),
so a typo in the data file fails these tests.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tanfeng.errors import InputError, RuleError, TanfengWarning
from tanfeng.per_mu import (
    _largest_remainder,
    evaluate,
    list_schemes,
    load_class_rule,
    load_scheme,
    low_tax_per_mu,
)

# 黄岩区 2022年度 benchmarks (policy.md §5.2)
B1, B2, B3, B4, B5, B6 = 24.097, 136.16, 2.694, 4929.81, 18.14, 0.0302
C1, C2 = 11.5932, 0.2352
REAL_CODE = "91330100799655058B"  # check digit verified by hand in test_credit_code.py


def above(land: float = 10.0, **over: Any) -> dict[str, Any]:
    """A 规上 firm exactly at every 2022 benchmark (Chinese headers, platform units)."""
    va = B2 * land                                   # 亩均增加值 = B2
    row = {"实缴税金": B1 * land, "用地面积": land, "工业增加值": va,
           "综合能耗(等价值)": va / B3, "排放量": va / B4, "年平均职工人数": va / B5,
           "主营业务收入": 5000.0, "R&D经费支出": B6 * 5000.0, "用电量": np.nan}
    row.update(over)
    return row


def below(land: float = 4.0, **over: Any) -> dict[str, Any]:
    """A 规下 firm at both benchmarks: 亩均税收 = C1, 税收/用电量 = C2."""
    tax = C1 * land
    row = {"实缴税金": tax, "用地面积": land, "用电量": tax / C2, "主营业务收入": 800.0}
    row.update(over)
    return row


# ---------------------------------------------------------------------------------------------
# the Done-when cases


def test_above_scale_firm_at_every_benchmark_scores_100() -> None:
    r = evaluate(pd.DataFrame([above()]))
    # 30 + 20 + 20 + 10 + 10 + 10 = 100
    assert r["score"].iloc[0] == pytest.approx(100.0, abs=1e-9)
    assert r["group"].iloc[0] == "above_scale"
    expected = {"tax_per_mu": 30, "value_added_per_mu": 20, "value_added_per_tce": 20,
                "value_added_per_emission": 10, "labour_productivity": 10, "rd_share": 10}
    for ind, pts in expected.items():
        assert r[f"{ind}_score"].iloc[0] == pytest.approx(pts, abs=1e-9), ind
    assert r["tax_per_mu"].iloc[0] == pytest.approx(B1)


def test_doubling_only_tax_per_mu_scores_130() -> None:
    r = evaluate(pd.DataFrame([above(实缴税金=2 * B1 * 10.0)]))
    # 30 × 2 + 20 + 20 + 10 + 10 + 10 = 130 (no cap in 黄岩 2022)
    assert r["score"].iloc[0] == pytest.approx(130.0, abs=1e-9)


def test_below_scale_firm_at_both_benchmarks_scores_100() -> None:
    r = evaluate(pd.DataFrame([below()]))
    # 50 × 1 + 50 × 1 = 100
    assert r["group"].iloc[0] == "below_scale"
    assert r["score"].iloc[0] == pytest.approx(100.0, abs=1e-9)
    assert r["tax_per_electricity"].iloc[0] == pytest.approx(C2)


def test_missing_emission_gets_group_average() -> None:
    firms = pd.DataFrame([above(),                                   # emission points 10
                          above(排放量=B2 * 10.0 / (2 * B4)),          # VA/emission = 2 × B4 -> 20
                          above(排放量=np.nan)])                       # no data
    r = evaluate(firms)
    # group average of the firms with data: (10 + 20) / 2 = 15 -> total 90 + 15 = 105
    assert r["value_added_per_emission_score"].tolist() == pytest.approx([10, 20, 15])
    assert r["score"].iloc[2] == pytest.approx(105.0)
    assert "missing_group_mean" in r["reason"].iloc[2] and r["reason"].iloc[0] == ""
    assert np.isnan(r["value_added_per_emission"].iloc[2])  # the value is not invented
    assert r.attrs["tanfeng"]["missing_fill"]["above_scale"]["value_added_per_emission"] == pytest.approx(15)


def test_tiantai_shares_on_1248_firms() -> None:
    rng = np.random.default_rng(7)
    n = 1248
    land = rng.uniform(1, 50, n)
    tax = land * rng.lognormal(2.0, 0.8, n)
    firms = pd.DataFrame({"实缴税金": tax, "用地面积": land, "用电量": tax / rng.lognormal(-1.5, 0.5, n),
                          "企业规模": "规下"})
    r = evaluate(firms, classes="tiantai-2022-classes")
    # 天政办函〔2023〕23号: A 134, B 439, C 575, D 100 of 1 248
    assert r["class"].value_counts().reindex(list("ABCD")).tolist() == [134, 439, 575, 100]
    # classes follow the score: every A above every B, …
    s = r.groupby("class", observed=True)["score"]
    assert (s.min().iloc[:-1].to_numpy() > s.max().iloc[1:].to_numpy()).all()
    assert r.loc[r["class"] == "D", "class_name"].unique().tolist() == ["倒逼整治类"]


def test_wrong_credit_code_reported_with_row() -> None:
    firms = pd.DataFrame([below(), below()], index=["甲", "乙"])
    firms["统一社会信用代码"] = [REAL_CODE, REAL_CODE[:-1] + "C"]
    with pytest.raises(InputError) as exc:
        evaluate(firms)
    f = exc.value.failures
    assert f[["row", "column", "reason"]].values.tolist() == [["乙", "统一社会信用代码", "credit_code_check_digit"]]


# ---------------------------------------------------------------------------------------------
# bad input


def test_zero_and_missing_land_collected_in_one_error() -> None:
    firms = pd.DataFrame([below(), below(用地面积=0.0), below(用地面积=np.nan)], index=[5, 6, 7])
    with pytest.raises(InputError) as exc:
        evaluate(firms)
    f = exc.value.failures
    got = set(map(tuple, f[["row", "reason"]].values.tolist()))
    assert {(6, "land_area_zero"), (7, "land_area_missing")} <= got
    assert 5 not in f["row"].tolist()


def test_report_mode_keeps_rows_order_and_index() -> None:
    firms = pd.DataFrame([below(), below(用地面积=0.0), below(land=2.0)], index=["c", "a", "b"])
    r = evaluate(firms, errors="report")
    assert r.index.tolist() == ["c", "a", "b"]
    assert r["score"].iloc[[0, 2]].tolist() == pytest.approx([100.0, 100.0])
    assert np.isnan(r["score"].iloc[1]) and pd.isna(r["rank"].iloc[1])
    assert "land_area_zero" in r["problem"].iloc[1] and r["problem"].iloc[0] == ""
    # ties share the better rank
    assert r["rank"].iloc[[0, 2]].tolist() == [1.0, 1.0]


def test_negative_tax_kept_and_flagged() -> None:
    r = evaluate(pd.DataFrame([above(实缴税金=-B1 * 10.0)]))
    # -30 + 20 + 20 + 10 + 10 + 10 = 40: the refund counts, it is not zeroed
    assert r["score"].iloc[0] == pytest.approx(40.0)
    assert "tax_negative" in r["reason"].iloc[0]


def test_firm_in_both_groups() -> None:
    firms = pd.DataFrame([below(企业规模="规下"), above(企业规模="规下"), below(企业规模="规上/规下")])
    with pytest.raises(InputError) as exc:
        evaluate(firms)
    f = exc.value.failures
    # row 1: 规下 by its 企业规模 but 主营业务收入 5000 ≥ 2000 万元; row 2: marked as both
    assert set(map(tuple, f[["row", "reason"]].values.tolist())) == {(1, "group_conflict"), (2, "group_both")}


def test_duplicate_credit_codes_named() -> None:
    firms = pd.DataFrame([below(), below(), below()])
    firms["统一社会信用代码"] = [REAL_CODE, "000000000000000000", REAL_CODE]
    with pytest.raises(InputError) as exc:
        evaluate(firms)
    f = exc.value.failures
    assert f.loc[f["reason"] == "credit_code_duplicate", "row"].tolist() == [0, 2]
    r = evaluate(firms, errors="report")  # report: scored, but flagged
    assert r["score"].notna().all() and "credit_code_duplicate" in r["problem"].iloc[2]


def test_text_and_negative_values() -> None:
    firms = pd.DataFrame([below(), below()])
    firms["用电量"] = firms["用电量"].astype(object)
    firms.loc[0, "用电量"] = "约50"
    firms.loc[1, "用地面积"] = -3.0
    with pytest.raises(InputError) as exc:
        evaluate(firms)
    reasons = set(map(tuple, exc.value.failures[["row", "reason"]].values.tolist()))
    assert {(0, "quantity_not_numeric"), (1, "quantity_negative")} <= reasons


# ---------------------------------------------------------------------------------------------
# units, energy, schemes


def test_header_units_and_units_argument() -> None:
    # 240.97 万元 = 2 409 700 元 on 10 亩 -> 24.097 万元/亩; 10 亩 = 6 666.67 m2
    row = above()
    firms = pd.DataFrame([row]).rename(columns={"实缴税金": "实缴税金(元)"})
    firms["实缴税金(元)"] *= 1e4
    r = evaluate(firms)
    assert r["tax_per_mu"].iloc[0] == pytest.approx(B1)
    firms2 = pd.DataFrame([row])
    firms2["用地面积"] = 10 * 10000 / 15
    r2 = evaluate(firms2, units={"land_area": "m**2"})
    assert r2["score"].iloc[0] == pytest.approx(100.0)


def test_energy_records_on_the_schemes_basis() -> None:
    # 等价值 of data year 2022 (GB 30251-2024 "按上年电厂发电标准煤耗计算") asks for the 2021 rate; the
    # nearest shipped is the 2020 供电 rate 305.5 gce/kWh (NDRC/NEA 2021 plan) → 0.3055 kgce/kWh
    coef = 0.3055
    # 1000 t 原煤 × 0.7143 kgce/kg (GB/T 2589) = 714.3 tce; 100 万kWh × coef kgce/kWh = 1e6·coef/1000 tce
    energy = 714.3 + 1e6 * coef / 1000
    row = above()
    del row["综合能耗(等价值)"]
    row["工业增加值"] = energy * B3          # 单位能耗增加值 exactly B3 -> 20 points
    row["统一社会信用代码"] = REAL_CODE
    firms = pd.DataFrame([row])
    records = pd.DataFrame({"统一社会信用代码": [REAL_CODE, REAL_CODE], "能源品种": ["原煤", "电力"],
                            "消费量": [1000, 100], "计量单位": ["t", "万kWh"]})
    r = evaluate(firms, energy_records=records)
    assert r["value_added_per_tce"].iloc[0] == pytest.approx(B3)
    assert r["value_added_per_tce_score"].iloc[0] == pytest.approx(20.0)
    from tanfeng import FactorSet

    assert r.attrs["tanfeng"]["factor_set"] == FactorSet.default().version  # beside scheme_version
    # a firm with no records has no energy: reported, not zeroed
    two = pd.DataFrame([row, row | {"统一社会信用代码": "000000000000000000"}])
    with pytest.raises(InputError) as exc:
        evaluate(two, energy_records=records)
    assert exc.value.failures[["row", "reason"]].values.tolist() == [[1, "energy_tce_missing"]]
    # records of no listed firm would vanish from every total: reported
    with pytest.raises(InputError, match="energy_record_unmatched"):
        evaluate(two.iloc[[1]], energy_records=records)


def test_energy_basis_must_match_the_scheme() -> None:
    firms = pd.DataFrame([above()]).rename(columns={"综合能耗(等价值)": "综合能耗"})
    with pytest.warns(TanfengWarning, match="等价值"):
        assert evaluate(firms)["score"].iloc[0] == pytest.approx(100.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evaluate(firms, energy_basis="等价值")
    with pytest.raises(RuleError):
        evaluate(firms, energy_basis="当量值")
    with pytest.raises(RuleError):
        evaluate(pd.DataFrame([above()]).rename(columns={"综合能耗(等价值)": "综合能耗(当量值)"}))


def _one_indicator_scheme(**extra: Any) -> dict[str, Any]:
    ind = {"id": "tax_per_mu", "weight": 100, "benchmark": 10.0, **extra.pop("indicator", {})}
    return {"id": "t", "name": "测试", "data_year": 2022, "source": {"title": "test"},
            "groups": [{"id": "below_scale", "indicators": [ind]},
                       {"id": "above_scale", "indicators": [ind]}], **extra}


def test_cap_and_thresholds_and_exclusions() -> None:
    scheme = _one_indicator_scheme(
        indicator={"max_ratio": 1.5},
        classes={"method": "thresholds", "levels": [{"id": "A", "name": "优", "min_score": 120},
                                                    {"id": "B", "min_score": 90}, {"id": "C"}]},
        exclusions=[{"code": "new_firm", "reason": "新建投产未满2年", "field": "start",
                     "younger_than_years": 2, "assign_class": "T"}])
    firms = pd.DataFrame({"实缴税金": [30.0, 9.0, 8.99, 12.0, 12.0], "用地面积": 1.0,
                          "主营业务收入": 100.0, "投产日期": ["2015-01-01", "2019-05-01", "2010", "2021-06-30", 2020],
                          "参评": ["是", "是", "是", "是", "否"]})
    r = evaluate(firms, scheme)
    # 30/10 = 3 capped at 1.5 -> 150; 9/10 -> 90 (≥ 90 is B); 8.99/10 -> 89.9 (C)
    assert r["score"].iloc[:3].tolist() == pytest.approx([150.0, 90.0, 89.9])
    assert r["class"].astype(object).tolist()[:3] == ["A", "B", "C"]
    # 2021-06-30 to 2022-12-31 is 1.5 years < 2: excluded, class T; row 4 excluded by 参评=否
    assert r["evaluated"].tolist() == [True, True, True, False, False]
    assert r["class"].astype(object).iloc[3] == "T" and "new_firm" in r["reason"].iloc[3]
    assert "not_participating" in r["reason"].iloc[4] and np.isnan(r["score"].iloc[4])


def test_adjustments_are_recorded() -> None:
    firms = pd.DataFrame([below(), below(实缴税金=C1 * 8.0, 用电量=C1 * 8.0 / C2)], index=["甲", "乙"])
    rule = {"method": "shares", "levels": [{"id": "A", "share": 0.5}, {"id": "B", "share": 0.5}]}
    r = evaluate(firms, classes=rule, adjustments={"乙": ("B", "环保处罚，降档")})
    # 乙: 亩均税收 2 × C1 -> 100 + 50 = 150, first -> A, adjusted to B
    assert r["class_initial"].astype(object).tolist() == ["B", "A"]
    assert r["class"].astype(object).tolist() == ["B", "B"]
    assert "调档 A→B：环保处罚，降档" in r["reason"].iloc[1]
    with pytest.raises(InputError, match="adjustment_reason_missing"):
        evaluate(firms, classes=rule, adjustments={"乙": ("B", "")})
    with pytest.raises(InputError, match="adjustment_row_unknown"):
        evaluate(firms, classes=rule, adjustments={"丙": ("B", "x")})


def test_scheme_files_and_validation() -> None:
    assert {"huangyan-2021", "huangyan-2022", "template", "tiantai-2022-classes"} <= set(list_schemes())
    s21 = load_scheme("huangyan-2021")
    assert [i.benchmark for i in s21.group("above_scale").indicators] == [26.01, 132.27, 2.54, 4861.08, 17.45, 0.0305]
    s22 = load_scheme("huangyan-2022")
    assert s22.basis == "substitution" and s22.source.confidence == "verified"
    assert "news430850" in s22.source.url
    assert load_class_rule("tiantai-2022-classes").total == 1248
    bad = _one_indicator_scheme(indicator={"weight": 90})
    with pytest.raises(RuleError, match="add up to 90"):
        load_scheme(bad)
    with pytest.raises(RuleError):
        load_scheme(_one_indicator_scheme(indicator={"id": "water_per_va"}))
    with pytest.raises(RuleError):
        load_class_rule({"method": "shares", "levels": [{"id": "A", "share": 0.5}, {"id": "B", "share": 0.4}]})
    with pytest.raises(RuleError, match="no 亩均 scheme"):
        load_scheme("nowhere-1999")


def test_template_runs_with_aggregate_benchmarks() -> None:
    firms = pd.DataFrame([below(), below(实缴税金=C1 * 8.0, 用电量=C1 * 8.0 / C2)])
    r = evaluate(firms, "template")
    # aggregate benchmark 亩均税收 = (4·C1 + 8·C1) / (4 + 4) = 1.5·C1; firm 1: C1/(1.5 C1)·50 = 33.33
    # 电耗税收: both firms at C2 -> benchmark C2 -> 50 each
    assert r["score"].tolist() == pytest.approx([50 / 1.5 + 50, 100 / 1.5 + 50])


# ---------------------------------------------------------------------------------------------
# the land census list


def test_low_tax_per_mu_inclusive_threshold() -> None:
    firms = pd.DataFrame({"企业名称": list("甲乙丙丁"), "实缴税金": [50.0, 50.1, -2.0, 300.0],
                          "用地面积": [10.0, 10.0, 4.0, 20.0]})
    # 50/10 = 5.0 (以下 includes 5), 5.01, -0.5 (refund, listed), 15
    assert low_tax_per_mu(firms)["企业名称"].tolist() == ["甲", "丙"]
    assert low_tax_per_mu(firms, inclusive=False)["企业名称"].tolist() == ["丙"]
    assert low_tax_per_mu(firms, threshold=16)["tax_per_mu"].tolist() == pytest.approx([5.0, 5.01, -0.5, 15.0])
    bad = firms.assign(用地面积=[10.0, 0.0, np.nan, 20.0])
    with pytest.raises(InputError) as exc:
        low_tax_per_mu(bad)
    assert exc.value.failures[["row", "reason"]].values.tolist() == [[1, "land_area_zero"], [2, "land_area_missing"]]
    rep = low_tax_per_mu(bad, errors="report")
    assert rep.index.tolist() == [0, 1, 2]
    assert [p.split(":")[0] for p in rep["problem"]] == ["", "land_area_zero", "land_area_missing"]


# ---------------------------------------------------------------------------------------------
# properties


@settings(max_examples=30, deadline=None)
@given(st.floats(0.1, 1e4), st.floats(0.1, 10))
def test_below_scale_score_scales_with_tax(tax: float, k: float) -> None:
    # both 规下 indicators have tax as numerator: score(k·tax) = k·score(tax)
    firms = pd.DataFrame({"实缴税金": [tax, k * tax], "用地面积": 3.0, "用电量": 20.0, "企业规模": "规下"})
    s = evaluate(firms)["score"].to_numpy()
    assert s[1] == pytest.approx(k * s[0], rel=1e-9)
    # and by hand: 50·(tax/3)/C1 + 50·(tax/20)/C2
    assert s[0] == pytest.approx(50 * tax / 3 / C1 + 50 * tax / 20 / C2, rel=1e-9)


@given(st.integers(0, 5000), st.lists(st.floats(0.01, 1), min_size=2, max_size=6))
def test_largest_remainder_counts(n: int, weights: list[float]) -> None:
    shares = np.asarray(weights) / sum(weights)
    counts = _largest_remainder(n, shares.tolist())
    assert counts.sum() == n
    assert (np.abs(counts - shares * n) < 1 + 1e-9).all()


# ---------------------------------------------------------------------------------------------
# charts


def test_charts_render_without_missing_glyphs(tmp_path: Any) -> None:
    from tanfeng.plotting.per_mu import class_by_town, tax_vs_energy

    firms = pd.DataFrame([above(), above(实缴税金=2 * B1 * 10), above(排放量=np.nan), below(), below(land=1.0)])
    firms["所属乡镇"] = ["陶朱街道", "店口镇", "店口镇", "枫桥镇", "陶朱街道"]
    rule = {"method": "shares", "levels": [{"id": "A", "name": "优先发展类", "share": 0.4},
                                           {"id": "B", "name": "提升发展类", "share": 0.6}]}
    r = evaluate(firms, classes=rule)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        f1 = class_by_town(r, path=tmp_path / "town.png")
        f2 = tax_vs_energy(r, path=tmp_path / "scatter.png")
    assert (tmp_path / "town.png").stat().st_size > 1000 and (tmp_path / "scatter.png").stat().st_size > 1000
    assert [t.get_text() for t in f1.axes[0].get_yticklabels()] == ["枫桥镇", "店口镇", "陶朱街道"]
    assert f2.axes[0].get_xlabel() == "单位能耗增加值（万元/吨标准煤）"
