"""`write_statement`: records in, a 计算书 out (``.xlsx``, ``.html`` or ``.md``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from typing_extensions import Unpack

from ..accounting import AccountOptions
from .model import Statement, build_statement, check_lines

#: File suffixes and what each writes.
FORMATS = {".xlsx": "Excel, live formulas", ".html": "HTML, formulas in words", ".md": "Markdown, formulas in words"}


def write_statement(
    records: pd.DataFrame,
    path: str | Path,
    by: str | Sequence[str] = "企业",
    *,
    only: Any = None,
    lang: str | None = None,
    **options: Unpack[AccountOptions],
) -> Statement:
    """Write a 计算书 (calculation statement) of energy use and CO2, one part per entity.

    Parameters
    ----------
    records : DataFrame
        Energy records as :func:`tanfeng.account` takes them (能源品种 / 消费量 / 计量单位 …).
    path : str or Path
        ``.xlsx`` (one sheet per entity, every result a live Excel formula over the quantity and
        coefficient cells, and a 依据 sheet, "Basis" in English), ``.html`` or ``.md`` (the same lines with the
        formulas written out: 数量 × 单位换算 × 折标系数 = 标准煤).
    by : str or list of str
        The entity column(s): one sheet per value (``"企业"`` also finds ``enterprise``). An
        entity whose records span several years gets one sheet per year.
    only : optional
        One entity (or a list) to write, e.g. ``only="甲"``.
    lang : {"zh", "en"}, optional
        The language of the statement's sheet names, headings, labels, steps and notes (and of
        account()'s problems and notes in it); default: `tanfeng.cells.get_language` (Chinese
        unless set, e.g. by ``with tanfeng.cells.language("en"):`` or ``--lang en``).
    **options
        The options of :func:`tanfeng.account` (`tanfeng.accounting.AccountOptions`): ``region``,
        ``year``, ``factors``, ``errors``, ``co2``, ``columns``, ``substitution_factor``, with its
        defaults. ``basis`` is accepted for symmetry and checked; the statement always shows both
        bases. With ``errors="report"`` a bad row is shown with its problem and left out of the
        totals.

    Returns
    -------
    Statement
        The model written (entities, lines, factors used, the factor set's version).

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd, tanfeng
    >>> df = pd.DataFrame({"企业": ["甲", "甲"], "能源品种": ["原煤", "电力"],
    ...                    "消费量": [1000, 100], "计量单位": ["吨", "万千瓦时"]})
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "甲.xlsx"
    >>> st = tanfeng.write_statement(df, p, region="浙江", year=2022)
    >>> round(st.entities[0].totals["tce_calorific"], 4)      # 1000 × 0.7143 + 100 × 1.229
    837.2
    >>> from openpyxl import load_workbook
    >>> load_workbook(p).sheetnames
    ['甲', '依据']
    >>> _ = tanfeng.write_statement(df, p, region="浙江", year=2022, lang="en")
    >>> load_workbook(p).sheetnames
    ['甲', 'Basis']
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path.name}: write a statement as {', '.join(FORMATS)} ({'; '.join(FORMATS.values())})")
    st = build_statement(records, by=by, only=only, lang=lang, **options)
    check_lines(st)
    if suffix == ".xlsx":
        from .xlsx import write_xlsx

        write_xlsx(st, path)
    else:
        from .text import to_html, to_markdown

        path.parent.mkdir(parents=True, exist_ok=True)
        text = to_html(st) if suffix == ".html" else to_markdown(st)
        path.write_text(text, encoding="utf-8")
    return st
