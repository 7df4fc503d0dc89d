"""Charts of progress toward a plan's targets (Chinese labels).

* :func:`progress_bars` — share of each target achieved, with the even pace to the deadline marked.
* :func:`town_ranking` — towns (镇乡（街道）) by score or by one measure, lowest marked.
* :func:`progress_timeline` — cumulative achieved per month, the target, the deadline and a forecast.

Each returns a matplotlib Figure and, given ``path``, saves a PNG.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import PALETTE, new_figure, save, text_kwargs

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..targets import Tracker

__all__ = ["progress_bars", "progress_timeline", "town_ranking"]

_UNIT_ZH = {"tce": "吨标准煤", "tCO2": "吨二氧化碳", "亩": "亩", "家": "家"}
_GOOD, _BAD, _PACE, _GREY = PALETTE[2], PALETTE[1], "#333333", PALETTE[7]


def _fmt(value: float, unit: str) -> str:
    """``40000, "tce"`` -> ``"4 万吨标准煤"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    name = _UNIT_ZH.get(unit, unit)
    if abs(value) >= 1e4:
        return f"{value / 1e4:.4g} 万{name}"
    return f"{value:.4g} {name}" if unit not in ("家",) else f"{value:.0f} {name}"


def progress_bars(progress: pd.DataFrame | Tracker, *, as_of: Any = None, path: str | Path | None = None,
                  title: str | None = None) -> Figure:
    """Headline progress: one bar per target (share achieved), the deadline pace marked.

    Parameters
    ----------
    progress : DataFrame or Tracker
        The result of :meth:`Tracker.progress`, or a Tracker (``progress(as_of)`` is called).
    as_of : date, optional
        Used with a Tracker.
    path : str or Path, optional
        Save a PNG here.

    The black tick on each bar is where an even pace from the plan's start would be on
    ``as_of`` (months elapsed / months to the deadline); green bars are at or ahead of it.
    """
    p = progress if isinstance(progress, pd.DataFrame) else progress.progress(as_of)
    p = p[p["target"].notna()]
    fig, ax = new_figure((8.0, 0.7 * len(p) + 1.8))
    kw = text_kwargs()
    y = np.arange(len(p))[::-1]
    share = (p["share"].fillna(0.0) * 100).to_numpy()
    colors = [_GOOD if ok is True else _BAD for ok in p["on_pace"]]
    ax.barh(y, np.clip(share, 0, None), color=colors, height=0.6)
    for yi, pace in zip(y, p["expected_share"] * 100):
        ax.plot([pace, pace], [yi - 0.4, yi + 0.4], color=_PACE, lw=2.5)
    ax.axvline(100, color=_GREY, ls="--", lw=1)
    right = max(110.0, float(np.nanmax(share)) * 1.3 if len(share) else 110.0)
    for yi, (_, r), s in zip(y, p.iterrows(), share):
        txt = (f"{s:.1f}%  {_fmt(r['achieved'], r['unit'])} / {_fmt(r['target'], r['unit'])}"
               if pd.notna(r["achieved"]) else f"无数据 / {_fmt(r['target'], r['unit'])}")
        ax.text(min(max(s, 0), right) + 1, yi, txt, va="center", fontsize=9, **kw)
    ax.set_yticks(y, list(p["name_zh"]), **kw)
    ax.set_xlim(0, right * 1.45)
    ax.set_xlabel("完成比例（%）", **kw)
    as_of_txt = str(p["as_of"].iloc[0]) if len(p) else ""
    ax.set_title(title or f"目标完成进度（截至 {as_of_txt}）", **kw)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], color=_PACE, lw=2.5, label="按期均衡进度"),
               Patch(color=_GOOD, label="达到或快于进度"), Patch(color=_BAD, label="慢于进度")]
    ax.legend(handles=handles, loc="lower right", prop={"family": kw["fontfamily"], "size": 8})
    return save(fig, path)


def town_ranking(by_town: pd.DataFrame, *, measure: str | None = None, path: str | Path | None = None,
                 title: str | None = None) -> Figure:
    """Towns ranked: by ``score`` when :meth:`Tracker.by_town` had town targets, else by the
    achieved value of ``measure`` (default 腾出用能). Towns marked ``lowest`` are red."""
    kw = text_kwargs()
    if measure is None and "score" in by_town.columns:
        t = by_town.drop_duplicates("town").set_index("town")
        value, label = t["score"] * 100, "综合得分（各目标完成率均值，%）"
        low = t["lowest"]
    else:
        m = measure or "energy_freed_tce"
        t = by_town[by_town["measure"] == m].set_index("town")
        if "share" in t and t["share"].notna().any():
            value, label = t["share"] * 100, f"{t['name_zh'].iloc[0]} 完成率（%）"
        else:
            value, label = t["achieved"], f"{t['name_zh'].iloc[0]}（{_UNIT_ZH.get(t['unit'].iloc[0], t['unit'].iloc[0])}）"
        low = t["lowest"] if "lowest" in t else pd.Series(False, index=t.index)
    order = value.fillna(-np.inf).sort_values(ascending=True, kind="stable").index
    value, low = value.reindex(order), low.reindex(order).fillna(False)
    fig, ax = new_figure((8.0, 0.4 * len(value) + 1.6))
    ax.barh(np.arange(len(value)), value.fillna(0).to_numpy(),
            color=[_BAD if bool(x) else PALETTE[0] for x in low])
    for yi, v in enumerate(value):
        ax.text(0 if math.isnan(v) else v, yi, " —" if math.isnan(v) else f" {v:,.0f}" if abs(v) >= 1000 else f" {v:.4g}", va="center", fontsize=8, **kw)
    ax.set_yticks(np.arange(len(value)), list(value.index), **kw)
    ax.set_xlabel(label, **kw)
    ax.set_title(title or "镇乡（街道）排名（红色：排名靠后）", **kw)
    return save(fig, path)


def progress_timeline(tracker: Tracker, measure: str = "energy_freed_tce", *, as_of: Any = None,
                      method: str = "linear", path: str | Path | None = None, title: str | None = None) -> Figure:
    """Cumulative achieved per month with the target line, the deadline and the forecast."""
    from ..targets import MEASURES

    kw = text_kwargs()
    tl = tracker.timeline("M", as_of)
    fc = tracker.forecast(method, as_of)  # type: ignore[arg-type]
    prog = tracker.progress(as_of)
    name, unit = MEASURES[measure]
    r, pr = fc.loc[measure], prog.loc[measure]
    scale, uname = (1e4, "万" + _UNIT_ZH.get(unit, unit)) if max(r["target"], r["achieved"]) >= 1e4 else (1.0, _UNIT_ZH.get(unit, unit))
    fig, ax = new_figure((9.0, 5.0))
    x0 = pd.Timestamp(tracker.plan.start)
    ax.step([x0, *tl.index], [0.0, *(tl[measure] / scale)], where="post", color=PALETTE[0], lw=2, label="累计完成")
    deadline = pd.Timestamp(pr["deadline"])
    if not math.isnan(r["target"]):
        ax.axhline(r["target"] / scale, color=_BAD, ls="--", lw=1.2, label=f"目标 {_fmt(r['target'], unit)}")
        ax.plot([x0, deadline], [0, r["target"] / scale], color=_GREY, lw=1, ls=":", label="按期均衡进度")
    ax.axvline(deadline, color=_GREY, lw=1)
    ax.text(deadline, ax.get_ylim()[1] * 0.02, " 截止日", **kw, fontsize=8, color=_GREY)
    if not math.isnan(r["projected_at_deadline"]):
        asof = pd.Timestamp(pr["as_of"])
        ax.plot([asof, deadline], [r["achieved"] / scale, r["projected_at_deadline"] / scale], color=PALETTE[3],
                ls="--", lw=1.8, label=f"预测（{ {'linear': '平均进度', 'recent': '近期进度', 'ols': '趋势拟合'}.get(method, method)}）")
        if pd.notna(r["reach_date"]):
            ax.plot([r["reach_date"]], [r["target"] / scale], "o", color=PALETTE[3])
    ax.set_ylabel(f"{name}（{uname}）", **kw)
    ax.set_title(title or f"{name} 累计进度与预测：{r['verdict']}", **kw)
    ax.legend(loc="upper left", prop={"family": kw["fontfamily"], "size": 8})
    fig.autofmt_xdate()
    return save(fig, path)
