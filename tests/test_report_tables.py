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
