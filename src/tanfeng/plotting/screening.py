"""The 两高 screening chart: projects by build year and annual 综合能耗, with the step threshold.

* :func:`two_high_scatter` — one point per project (log scale), the threshold line of the rule
  set (higher before the cut-off year, lower from it), flagged projects coloured by sector,
  undecidable ones hollow.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import (
    GREY,
    INK,
    category_colours,
    chart,
    fmt_number,
    labels_for,
    log_axis,
    new_figure,
    save,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..screening import TwoHighRules

__all__ = ["two_high_scatter"]


#: Chart text per language; data values (sector names) are drawn as they are.
_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "not_flagged": "未列入（{n}）",
        "undecidable": "无法判断（{n}）",
        "flagged": "列入：{sector}（{n}）",
        "threshold": "门槛（达到即列入）",
        "before": "{year}年以前建成：{tce} 吨标准煤",
        "since": "{year}年以来建成：{tce} 吨标准煤",
        "xlabel": "建成年份",
        "ylabel": "年综合能耗（吨标准煤，对数坐标）",
        "title": "“两高”项目筛查：列入 {n_true} 个，无法判断 {n_na} 个（共 {n} 个）",
        "hidden": "另有 {n} 个项目建成年份不详或能耗缺失，未绘出",
    },
    "en": {
        "not_flagged": "Not flagged ({n})",
        "undecidable": "Undecidable ({n})",
        "flagged": "Flagged: {sector} ({n})",
        "threshold": "Threshold (flagged at or above)",
        "before": "Built before {year}: {tce} tce",
        "since": "Built {year} or later: {tce} tce",
        "xlabel": "Year built",
        "ylabel": "Annual energy use (tce, log scale)",
        "title": "High-energy, high-emission projects: {n_true} flagged, {n_na} undecidable (of {n})",
        "hidden": "{n} more projects without build year or energy use are not drawn",
    },
}


@chart
def two_high_scatter(
    result: pd.DataFrame,
    rules: TwoHighRules | str | None = None,
    *,
    date_field: str | None = None,
    path: str | Path | None = None,
    title: str | None = None,
    lang: str = "zh",
) -> Figure:
    """Build year against annual tce (log scale) with the rule's step threshold.

    Parameters
    ----------
    result : DataFrame
        The output of `tanfeng.screen_two_high` (``two_high``, ``sector``, ``screened_tce`` and
        the build-year column).
    rules : TwoHighRules or str, optional
        The rule set whose threshold line is drawn; default: the one recorded in
        ``result.attrs`` by `screen_two_high`.
    date_field : str, optional
        The build year/date column (default: the one `screen_two_high` used).
    path : str or Path, optional
        Save a PNG here.
    title : str, optional
        Replaces the default title (counts of flagged and undecidable projects).
    lang : {"zh", "en"}, default "zh"
        Language of the title, axis labels, legend and notes (sector names stay as they are).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd, tanfeng
    >>> from tanfeng.plotting.screening import two_high_scatter
    >>> r = tanfeng.screen_two_high(pd.DataFrame({"industry_code": ["2614", "3011", "3484"],
    ...     "built_year": [2019, 2015, 2020], "energy_tce": [1500, 4000, 20000]}))
    >>> fig = two_high_scatter(r)
    >>> fig.axes[0].get_yscale()
    'log'
    """
    from ..screening import TwoHighRules
    from ..screening._input import read_build_years

    lab = labels_for(_LABELS, lang)
    meta = result.attrs.get("tanfeng", {})
    if rules is not None:
        rs = TwoHighRules.load(rules) if not isinstance(rules, TwoHighRules) else rules
        cutoff, before, since = rs.cutoff_year, rs.threshold_before_cutoff_tce, rs.threshold_from_cutoff_tce
    elif "cutoff_year" in meta:
        cutoff = int(meta["cutoff_year"])
        before, since = (float(x) for x in meta["thresholds_tce"])
    else:
        rs = TwoHighRules.load()
        cutoff, before, since = rs.cutoff_year, rs.threshold_before_cutoff_tce, rs.threshold_from_cutoff_tce
    col = date_field or meta.get("date_field") or "built_year"
    if col not in result.columns or "screened_tce" not in result.columns:
        raise ValueError("two_high_scatter() takes the result of tanfeng.screen_two_high()")

    years = read_build_years(result[col])[0]
    energy = result["screened_tce"].to_numpy(dtype=float, na_value=np.nan)
    flag = result["two_high"].astype("boolean")
    drawable = ~np.isnan(years) & (energy > 0)
    is_true = flag.fillna(False).to_numpy(dtype=bool)
    is_na = flag.isna().to_numpy(dtype=bool)
    is_false = ~is_true & ~is_na

    fig, ax = new_figure((9.0, 5.5))
    m = drawable & is_false
    ax.scatter(years[m], energy[m], s=14, color=GREY, alpha=0.5, lw=0, label=lab["not_flagged"].format(n=int(m.sum())))
    m = drawable & is_na
    if m.any():
        ax.scatter(years[m], energy[m], s=30, facecolors="none", edgecolors="black", lw=0.9,
                   label=lab["undecidable"].format(n=int(m.sum())))
    sectors = result["sector"].astype(object).where(pd.Series(is_true, index=result.index))
    order = sectors[drawable & is_true].value_counts().index.tolist()
    colours = category_colours(order)
    for sec in order:
        m = drawable & is_true & (sectors == sec).to_numpy(dtype=bool)
        ax.scatter(years[m], energy[m], s=36, color=colours[sec],
                   edgecolors="white", lw=0.5, label=lab["flagged"].format(sector=sec, n=int(m.sum())), zorder=3)

    span = years[~np.isnan(years)]
    x0 = float(min(span.min(), cutoff - 1)) - 1 if len(span) else cutoff - 5.0
    x1 = float(max(span.max(), cutoff)) + 1 if len(span) else cutoff + 5.0
    ax.step([x0, cutoff - 0.5, x1], [before, since, since], where="post", color=INK, lw=1.8, zorder=2,
            label=lab["threshold"])
    ax.annotate(lab["before"].format(year=cutoff, tce=fmt_number(before)), (x0 + 0.2, before), xytext=(0, 4),
                textcoords="offset points", fontsize=8, color=INK, va="bottom")
    ax.annotate(lab["since"].format(year=cutoff, tce=fmt_number(since)), (cutoff - 0.4, since), xytext=(0, -4),
                textcoords="offset points", fontsize=8, color=INK, va="top")
    ax.set_yscale("log")
    log_axis(ax.yaxis)
    ax.set_xlim(x0, x1)
    ax.set_xlabel(lab["xlabel"])
    ax.set_ylabel(lab["ylabel"])
    n_true, n_na = int(is_true.sum()), int(is_na.sum())
    ax.set_title(title or lab["title"].format(n_true=n_true, n_na=n_na, n=len(result)))
    hidden = int((~drawable).sum())
    if hidden:
        ax.text(0.01, 0.01, lab["hidden"].format(n=hidden), transform=ax.transAxes,
                fontsize=8, color=INK, va="bottom")
    ax.grid(True, which="major", axis="y", color="#dddddd", lw=0.6)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return save(fig, path)

