"""Small HTML pieces for ``_repr_html_`` of result objects in Jupyter (no dependency, escaped).

Tables put text left and numbers right, booleans as 是/否, numbers thousands separated — as
the HTML report does.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

#: Rows a ``_repr_html_`` table shows before "… N more".
MAX_ROWS = 20


def _cell(v: Any) -> tuple[str, bool]:
    """(text, is_number) of one value."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "", False
    if isinstance(v, bool):
        return ("是" if v else "否"), False
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}", True
    if isinstance(v, float):
        return (f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"), True
    return str(v), False


def _td(v: Any, tag: str = "td") -> str:
    text, num = _cell(v)
    style = "text-align:right" if num else "text-align:left"
    return f"<{tag} style='{style}'>{html.escape(text)}</{tag}>"


def fields(title: str, items: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> str:
    """A titled two-column table of names and values.

    >>> fields("Factor", {"id": "x", "value": 0.1229})[:21]
    '<div><p><b>Factor</b>'
    """
    pairs = items.items() if isinstance(items, Mapping) else items
    rows = "".join(f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>{_td(v)}</tr>" for k, v in pairs)
    return f"<div><p><b>{html.escape(title)}</b></p><table>{rows}</table></div>"


def table(df: pd.DataFrame, caption: str = "", max_rows: int = MAX_ROWS) -> str:
    """A table of a DataFrame's first ``max_rows`` rows (index left out).

    >>> table(pd.DataFrame({"a": ["甲"], "b": [True]}))
    "<table><tr><th style='text-align:left'>a</th><th style='text-align:left'>b</th></tr><tr><td style='text-align:left'>甲</td><td style='text-align:left'>是</td></tr></table>"
    """
    head = "".join(f"<th style='text-align:left'>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(_td(v) for v in row) + "</tr>"
                   for row in df.head(max_rows).itertuples(index=False))
    more = f"<p>… {len(df) - max_rows:,} more</p>" if len(df) > max_rows else ""
    cap = f"<p>{html.escape(caption)}</p>" if caption else ""
    return f"{cap}<table><tr>{head}</tr>{body}</table>{more}"
