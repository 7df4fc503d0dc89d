"""`ScreeningSummary`: what a screening result says at a glance (shown as a table in Jupyter).

``summarize_screening(screen_two_high(projects))`` (or of `screen_low_efficiency`) counts the rows
screened, listed, not listed and undecided, and how many rows each reason code decided, with the
reason's text in the language of `tanfeng.cells.get_language`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..cells import REASONS, get_language

__all__ = ["ScreeningSummary", "summarize_screening"]

#: The verdict column of each screening, and its name in the summary.
_VERDICTS = {"two_high": "两高", "low_efficiency": "两高一低"}

_WORDS: dict[str, dict[str, Any]] = {
    "zh": {"title": "{what}筛查：共 {screened:,} 个，列入 {listed:,} 个，不列入 {not_listed:,} 个，无法判断 {undecided:,} 个",
           "rules": "规则", "sensitive": "结论取决于电力折算口径", "problems": "输入有问题的行",
           "columns": ("原因代码", "原因", "行数", "列入")},
    "en": {"title": "{what} screening: {screened:,} screened, {listed:,} listed, {not_listed:,} not listed, "
                    "{undecided:,} undecided",
           "rules": "rules", "sensitive": "result depends on the electricity basis", "problems": "rows with input problems",
           "columns": ("reason_code", "reason", "rows", "listed")},
}


@dataclass(frozen=True)
class ScreeningSummary:
    """Counts of a screening result (see `summarize_screening`).

    Attributes
    ----------
    what : str
        ``"两高"`` or ``"两高一低"``.
    screened, listed, not_listed, undecided : int
        Rows of the result; ``undecided`` rows have no verdict (missing or bad input).
    basis_sensitive : int
        Rows whose verdict changes with the electricity basis (两高 only).
    problems : int
        Rows with an input problem (``errors="report"``).
    rules : str
        Id of the rule set applied.
    by_reason : DataFrame
        One row per reason code: ``reason_code``, ``reason`` (its text), ``rows``, ``listed``.
    """

    what: str
    screened: int
    listed: int
    not_listed: int
    undecided: int
    basis_sensitive: int = 0
    problems: int = 0
    rules: str = ""
    by_reason: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def __str__(self) -> str:
        w = _WORDS["en" if get_language() == "en" else "zh"]
        return w["title"].format(what=self.what, screened=self.screened, listed=self.listed,
                                 not_listed=self.not_listed, undecided=self.undecided)

    def _repr_html_(self) -> str:
        from .._html import fields, table

        w = _WORDS["en" if get_language() == "en" else "zh"]
        items: list[tuple[str, Any]] = [(w["rules"], self.rules)]
        if self.basis_sensitive:
            items.append((w["sensitive"], self.basis_sensitive))
        if self.problems:
            items.append((w["problems"], self.problems))
        reasons = self.by_reason.set_axis(list(w["columns"]), axis=1)
        return f"<div>{fields(str(self), items)}{table(reasons)}</div>"


def summarize_screening(result: pd.DataFrame) -> ScreeningSummary:
    """Count a result of `screen_two_high` or `screen_low_efficiency`.

    Parameters
    ----------
    result : DataFrame
        The screening result (its ``two_high`` or ``low_efficiency`` column and ``reason_code``).

    Examples
    --------
    >>> import pandas as pd
    >>> from tanfeng.screening import screen_two_high
    >>> r = screen_two_high(pd.DataFrame({"industry_code": ["2614", "2614", "3484"], "built_year": [2019, 2019, 2019],
    ...                                   "energy_tce": [1000.0, 999.0, 20000.0]}))
    >>> s = summarize_screening(r)
    >>> s.screened, s.listed, s.not_listed, s.undecided
    (3, 1, 2, 0)
    >>> s.by_reason[["reason_code", "rows", "listed"]].values.tolist()
    [['meets_threshold', 1, 1], ['below_threshold', 1, 0], ['sector_not_two_high', 1, 0]]
    """
    col = next((c for c in _VERDICTS if c in result.columns), None)
    if col is None or "reason_code" not in result.columns:
        raise ValueError("summarize_screening needs a result of screen_two_high or screen_low_efficiency "
                         "(a 'two_high' or 'low_efficiency' column and 'reason_code')")
    verdict = result[col].astype("boolean")
    listed = verdict.fillna(False).astype(bool)
    codes = result["reason_code"].fillna("").astype(str)
    g = pd.DataFrame({"reason_code": codes, "listed": listed}).groupby("reason_code", sort=False)["listed"]
    by = pd.DataFrame({"rows": g.size(), "listed": g.sum()}).reset_index()
    by.insert(1, "reason", [REASONS[c].message() if c in REASONS else c for c in by["reason_code"]])
    by = by.astype({"rows": int, "listed": int})
    attrs: dict[str, Any] = result.attrs.get("tanfeng", {})
    sensitive = result["basis_sensitive"].astype("boolean").fillna(False).astype(bool) \
        if "basis_sensitive" in result.columns else pd.Series(False, index=result.index)
    problems = int((result["problem"].fillna("") != "").sum()) if "problem" in result.columns else 0
    return ScreeningSummary(_VERDICTS[col], len(result), int(listed.sum()), int((verdict == False).sum()),  # noqa: E712
                            int(verdict.isna().sum()), int(sensitive.sum()), problems, str(attrs.get("rules", "")), by)
