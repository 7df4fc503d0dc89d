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
