"""Result objects users look at in Jupyter show as HTML tables."""

from __future__ import annotations

import pandas as pd

from tanfeng.factors import FactorSet


def test_factor_and_factorset_html() -> None:
    fs = FactorSet.default()
    f = fs.select("电力", "tce_coefficient", basis="当量值")
    h = f._repr_html_()
    assert "<table>" in h and "0.1229" in h and f.id in h
    hs = fs._repr_html_()
    assert "FactorSet" in hs and fs.version in hs and f"… {len(fs.rows) - 20:,} more" in hs


def test_swap_result_html() -> None:
    from tanfeng.swap import check

    r = check({"id": "P", "sector": "钢铁", "product": "粗钢", "new_capacity": 100, "capacity_unit": "万吨/年",
               "province": "浙江", "city": "绍兴"},
              pd.DataFrame({"source_id": ["甲", "乙"], "product": "粗钢", "capacity": [90, 50],
                            "capacity_unit": "万吨/年", "closed_on": "2023-01-01"}), on="2023-05-01")
    h = r._repr_html_()
    assert "SwapCheck" in h and "计入的来源" in h and "<td style='text-align:left'>甲</td>" in h


def test_tracker_html() -> None:
    from tanfeng.datasets import zhuji_sample
    from tanfeng.plans import ZHUJI_2023
    from tanfeng.targets import Tracker

    s = zhuji_sample(0)
    t = Tracker(ZHUJI_2023, s.actions)
    h = t._repr_html_()
    assert "Tracker" in h and "腾出用能" in h and "text-align:right" in h


def test_screening_summary_counts_and_html() -> None:
    """Four projects by hand (zhuji-2021: 1 000 tce from 2018, 5 000 before; 化工 2614 in scope,
    3484 out): 1 000 built 2019 meets 1 000 (listed); 999 is below 1 000; 3484 is out of scope
    whatever its energy; no energy at all cannot be decided."""
    from tanfeng.cells import language
    from tanfeng.screening import (
        ScreeningSummary,
        screen_low_efficiency,
        screen_two_high,
        summarize_screening,
    )

    r = screen_two_high(pd.DataFrame({"industry_code": ["2614", "2614", "3484", "2614"],
                                      "built_year": [2019, 2019, 2019, 2019],
                                      "energy_tce": [1000.0, 999.0, 20000.0, None]}))
    s = summarize_screening(r)
    assert isinstance(s, ScreeningSummary)
    assert (s.what, s.screened, s.listed, s.not_listed, s.undecided) == ("两高", 4, 1, 2, 1)
    assert s.by_reason[["reason_code", "rows", "listed"]].values.tolist() == [
        ["meets_threshold", 1, 1], ["below_threshold", 1, 0], ["sector_not_two_high", 1, 0], ["energy_missing", 1, 0]]
    h = s._repr_html_()
    assert "两高筛查：共 4 个，列入 1 个，不列入 2 个，无法判断 1 个" in h and "zhuji-2021" in h
    assert "<th style='text-align:left'>原因</th>" in h and "<td style='text-align:right'>1</td>" in h
    with language("en"):
        assert "两高 screening: 4 screened, 1 listed, 2 not listed, 1 undecided" in s._repr_html_()
        assert "<th style='text-align:left'>reason</th>" in s._repr_html_()
    # 两高一低 (诸暨: ≥ 1 000 tce is high energy use, ≤ 5 万元/亩 low benefit): 甲 pays 40 / 10 = 4 万元/亩
    # (listed), 乙 120 / 10 = 12 (benefit not low)
    low = summarize_screening(screen_low_efficiency(pd.DataFrame(
        {"企业": ["甲", "乙"], "energy_tce": [1500, 1500], "co2_t": [3900, 3900], "实缴税金": [40, 120], "用地面积": [10, 10]})))
    assert (low.what, low.screened, low.listed, low.not_listed, low.undecided) == ("两高一低", 2, 1, 1, 0)
    assert low.by_reason["reason_code"].tolist() == ["two_high_one_low", "benefit_not_low"]
