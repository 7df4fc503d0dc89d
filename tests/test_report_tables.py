"""The demo report's Markdown tables: counts grouped like the other numbers, years and codes not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tanfeng import report


def test_counts_are_thousands_separated_but_years_and_codes_are_not() -> None:
    df = pd.DataFrame({"year": np.array([2020], dtype=np.int64), "industry_code": [2822],
                       "tce": [2351631.4], "rows": np.array([29436], dtype=np.int64)})
    table = report._md_table(df)
    last = table.splitlines()[-1]
    # 29436 records → "29,436"; the year 2020 and industry code 2822 as written; tce to 1 decimal
    assert last == "| 2020 | 2822 | 2,351,631.4 | 29,436 |"


def test_co2_per_tce_keeps_two_decimals_where_the_rest_keep_one() -> None:
    # 8,666,146.5 tCO2 over 2,351,631.4 tce = 3.68517… tCO2/tce: 3.69, where one decimal (3.7)
    # would hide a change of a few hundredths from year to year
    df = pd.DataFrame({"tce": [2351631.4], "co2_t": [8666146.5], "co2_per_tce": [8666146.5 / 2351631.4]})
    assert report._md_table(df).splitlines()[-1] == "| 2,351,631.4 | 8,666,146.5 | 3.69 |"
    assert report.COLUMN_DIGITS == {"co2_per_tce": 2}
    assert report._md_table(df, column_digits={}).splitlines()[-1] == "| 2,351,631.4 | 8,666,146.5 | 3.7 |"
    assert report._md_table(df, digits=3).splitlines()[-1] == "| 2,351,631.400 | 8,666,146.500 | 3.69 |"


def test_the_co2_note_takes_the_plan_ratio_from_the_plan() -> None:
    """A plan with 5万 tce to free and a planning ratio of 3.0 gives 5万 × 3.0 = 15万 t; the firms'
    own mix here is 300 t / 100 tce = 3.00 tCO2/tce."""
    from tanfeng.cells import language

    with language("zh"):
        zh = report._co2_note(300.0, 100.0, 50_000.0, 3.0)
    with language("en"):
        en = report._co2_note(300.0, 100.0, 50_000.0, 3.0)
    assert "15万吨 / 5万吨标准煤 = 3.0 tCO2/tce" in zh and "远高于 3.0" in zh and "（3.00 tCO2/tce）" in zh
    assert "150,000 t / 50,000 tce = 3.0 tCO2/tce" in en and "far more than 3.0 per tce" in en
