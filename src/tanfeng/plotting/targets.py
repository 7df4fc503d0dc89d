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

from ..targets import DEFAULT_N_LOWEST
from . import (
    GREY,
    INK,
    PALETTE,
    chart,
    fmt_number,
    labels_for,
    new_figure,
    number_axis,
    number_format,
    save,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from ..targets import Tracker

__all__ = ["measure_names", "progress_bars", "progress_timeline", "town_ranking"]

_UNIT_ZH = {"tce": "吨标准煤", "tCO2": "吨二氧化碳", "亩": "亩", "家": "家"}
_UNIT_EN = {"tce": "tce", "tCO2": "t CO2", "亩": "mu", "家": "firms"}
_GOOD, _BAD = PALETTE[2], PALETTE[1]

#: Chart text per language; data values (town names) are drawn as they are.
_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "no_data": "无数据",
        "share_axis": "完成比例（%）",
        "bars_title": "目标完成进度（截至 {as_of}）",
        "pace": "按期均衡进度",
        "ahead": "达到或快于进度",
        "behind": "慢于进度",
        "score_axis": "综合得分（各目标完成率均值，%）",
        "measure_share_axis": "{name} 完成率（%）",
        "measure_axis": "{name}（{unit}）",
        "ranking_title": "镇乡（街道）排名（红色：排名靠后）",
        "cumulative": "累计完成",
        "target": "目标 {value}",
        "deadline": "截止日 ",
        "forecast": "预测（{method}）",
        "method_linear": "平均进度",
        "method_recent": "近期进度",
        "method_ols": "趋势拟合",
        "timeline_title": "{name} 累计进度与预测：{verdict}",
    },
    "en": {
        "no_data": "no data",
        "share_axis": "Share of target achieved (%)",
        "bars_title": "Progress toward the targets (as of {as_of})",
        "pace": "Even pace to the deadline",
        "ahead": "At or ahead of pace",
        "behind": "Behind pace",
        "score_axis": "Score (mean share of targets achieved, %)",
        "measure_share_axis": "{name}: share of target achieved (%)",
        "measure_axis": "{name} ({unit})",
        "ranking_title": "Towns ranked (red: lowest)",
        "cumulative": "Cumulative achieved",
        "target": "Target {value}",
        "deadline": "deadline ",
        "forecast": "Forecast ({method})",
        "method_linear": "average pace",
        "method_recent": "recent pace",
        "method_ols": "trend fit",
        "timeline_title": "{name}: cumulative progress and forecast, {verdict}",
    },
}

#: English names of the measures a Tracker counts (`tanfeng.targets.MEASURES` holds the Chinese).
_MEASURE_EN = {
    "energy_freed_tce": "Energy use freed",
    "co2_reduced_t": "CO2 avoided (firms' own energy mix)",
    "co2_reduced_planning_t": "CO2 avoided (planning ratio)",
    "phase_out": "Backward-capacity firms closed",
    "upgrade": "Low-efficiency firms upgraded",
    "land_freed_mu": "Land freed",
}


def _unit(unit: str, lang: str) -> str:
    return (_UNIT_EN if lang == "en" else _UNIT_ZH).get(unit, unit)


def _measure(measure: Any, name_zh: Any, lang: str) -> str:
    """The measure's label: the Chinese name as given, or its English name (else as given)."""
    return _MEASURE_EN.get(str(measure), str(name_zh)) if lang == "en" else str(name_zh)


def measure_names(progress: Any, lang: str = "zh") -> Any:
    """A `Tracker.progress` table with ``name_zh`` and ``unit`` in ``lang`` (the words the charts
    use: 腾出用能 / Energy use freed, 家 / firms), for a report's table.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"name_zh": ["腾出用地"], "unit": ["亩"]}, index=pd.Index(["land_freed_mu"], name="measure"))
    >>> measure_names(t, "en").values.tolist()
    [['Land freed', 'mu']]
    """
    out = progress.copy()
    out["name_zh"] = [_measure(m, n, lang) for m, n in zip(progress.index, progress["name_zh"])]
    out["unit"] = [_unit(str(u), lang) if lang == "en" else u for u in progress["unit"]]
    return out


def _fmt_pair(achieved: float, target: float, unit: str, lang: str = "zh") -> str:
    """``62040, 80000, "tce"`` -> ``"6.204 / 8.000 万吨标准煤"``: both in one scale and format
    (万 from 10 000 of the target; ``"62,040 / 80,000 tce"`` in English)."""
    name = _unit(unit, lang)
    ref = target if not math.isnan(target) else achieved
    scale = 1e4 if lang != "en" and unit != "家" and abs(ref) >= 1e4 else 1.0
    name = f"万{name}" if scale > 1 else name
    vals = [v / scale for v in (achieved, target)]
    fmt = (number_format([vals[1] if not math.isnan(vals[1]) else vals[0]]) if unit != "家"
           else lambda v: "—" if math.isnan(v) else f"{v:,.0f}")  # firms are counted whole
    return f"{fmt(vals[0])} / {fmt(vals[1])} {name}"


def _fmt(value: float, unit: str, lang: str = "zh") -> str:
    """``40000, "tce"`` -> ``"4.000 万吨标准煤"`` (``"40,000 tce"`` in English)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    name = _unit(unit, lang)
    if lang != "en" and unit != "家" and abs(value) >= 1e4:
        return f"{fmt_number(value / 1e4)} 万{name}"
    return f"{fmt_number(value)} {name}"


def _verdict_en(r: pd.Series, as_of: Any) -> str:
    """English of the forecast's ``verdict`` (the same cases as `Tracker.forecast`)."""
    from ..targets._common import add_months, to_date

    if math.isnan(r["target"]) or math.isnan(r["achieved"]):
        return "no target" if math.isnan(r["target"]) else "no data"
    if r["achieved"] >= r["target"]:
        return f"reached on {to_date(r['reach_date'])}" if pd.notna(r["reach_date"]) else "reached"
    if r["rate"] > 0:
        if pd.notna(r["reach_date"]):
            return f"reached by {to_date(r['reach_date'])} at this pace"
        when = add_months(to_date(as_of), (r["target"] - r["achieved"]) / r["rate"])
        return f"not reached by the deadline at this pace (expected {when})"
    return "not reached at this pace (no progress)"


@chart
def progress_bars(progress: pd.DataFrame | Tracker, *, as_of: Any = None, path: str | Path | None = None,
                  title: str | None = None, lang: str = "zh") -> Figure:
    """Headline progress: one bar per target (share achieved), the deadline pace marked.

    Parameters
    ----------
    progress : DataFrame or Tracker
        The result of :meth:`Tracker.progress`, or a Tracker (``progress(as_of)`` is called).
    as_of : date, optional
        Used with a Tracker.
    path : str or Path, optional
        Save a PNG here.
    lang : {"zh", "en"}, default "zh"
        Language of the title, labels and legend.

    The black tick on each bar is where an even pace from the plan's start would be on
    ``as_of`` (months elapsed / months to the deadline); green bars are at or ahead of it.
    """
    lab = labels_for(_LABELS, lang)
    p = progress if isinstance(progress, pd.DataFrame) else progress.progress(as_of)
    p = p[p["target"].notna()]
    fig, ax = new_figure((8.0, 0.7 * len(p) + 1.8))
    y = np.arange(len(p))[::-1]
    share = (p["share"].fillna(0.0) * 100).to_numpy()
    colors = [_GOOD if ok is True else _BAD for ok in p["on_pace"]]
    ax.barh(y, np.clip(share, 0, None), color=colors, height=0.6)
    for yi, pace in zip(y, p["expected_share"] * 100):
        ax.plot([pace, pace], [yi - 0.4, yi + 0.4], color=INK, lw=2.5)
    ax.axvline(100, color=GREY, ls="--", lw=1)
    pace = (p["expected_share"] * 100).to_numpy(dtype=float)
    right = max(110.0, float(np.nanmax(share)) * 1.3 if len(share) else 110.0)
    pct = number_format(share)
    for yi, (_, r), s, e in zip(y, p.iterrows(), share, pace):
        txt = (f"{pct(s)}%  {_fmt_pair(r['achieved'], r['target'], r['unit'], lang)}"
               if pd.notna(r["achieved"]) else f"{lab['no_data']} / {_fmt(r['target'], r['unit'], lang)}")
        # right of the bar and of its pace tick, so the tick never runs through the label
        x = min(max(s, 0.0, e if math.isfinite(e) else 0.0), right) + 1.5
        ax.text(x, yi, txt, va="center", fontsize=9, zorder=4,  # over the 100 % line, not crossed by it
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.0})
    ax.set_yticks(y, [_measure(m, n, lang) for m, n in zip(p.index, p["name_zh"])])
    ax.set_xlim(0, right * 1.45)
    ax.set_xlabel(lab["share_axis"])
    as_of_txt = str(p["as_of"].iloc[0]) if len(p) else ""
    ax.set_title(title or lab["bars_title"].format(as_of=as_of_txt))
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], color=INK, lw=2.5, label=lab["pace"]),
               Patch(color=_GOOD, label=lab["ahead"]), Patch(color=_BAD, label=lab["behind"])]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    number_axis(ax.xaxis)
    return save(fig, path)


def _bottom(value: pd.Series, n: int) -> pd.Series:
    """The ``n`` lowest towns with a value (at most half of them), as `Tracker.by_town` marks
    ``lowest`` when it ranks by score."""
    ranked = value.dropna()
    n_low = min(n, len(ranked) // 2)
    low = ranked.rank(method="first", ascending=True) <= n_low
    return low.reindex(value.index, fill_value=False)


@chart
def town_ranking(by_town: pd.DataFrame, *, measure: str | None = None, path: str | Path | None = None,
                 title: str | None = None, lang: str = "zh", n_lowest: int = DEFAULT_N_LOWEST) -> Figure:
    """Towns ranked: by ``score`` when :meth:`Tracker.by_town` had town targets, else by the
    achieved value of ``measure`` (default 腾出用能). Towns marked ``lowest`` are red; ranking by
    a measure, the ``n_lowest`` lowest towns (`tanfeng.targets.DEFAULT_N_LOWEST`, at most half).
    ``lang`` ("zh" or "en") sets the language of the title and axis label; town names stay."""
    lab = labels_for(_LABELS, lang)
    if measure is None and "score" in by_town.columns:
        t = by_town.drop_duplicates("town").set_index("town")
        value, label = t["score"] * 100, lab["score_axis"]
        low = t["lowest"]
    else:
        m = measure or "energy_freed_tce"
        t = by_town[by_town["measure"] == m].set_index("town")
        name = _measure(m, t["name_zh"].iloc[0], lang)
        if "share" in t and t["share"].notna().any():
            value, label = t["share"] * 100, lab["measure_share_axis"].format(name=name)
        else:
            value, label = t["achieved"], lab["measure_axis"].format(name=name, unit=_unit(t["unit"].iloc[0], lang))
        low = t["lowest"] if "lowest" in t else _bottom(value, n_lowest)
    order = value.fillna(-np.inf).sort_values(ascending=True, kind="stable").index
    value, low = value.reindex(order), low.reindex(order).fillna(False)
    fig, ax = new_figure((8.0, 0.4 * len(value) + 1.6))
    ax.barh(np.arange(len(value)), value.fillna(0).to_numpy(),
            color=[_BAD if bool(x) else PALETTE[0] for x in low])
    fmt = number_format(value.to_numpy(dtype=float))
    for yi, (v, is_low) in enumerate(zip(value, low)):  # laggards' labels red too (a zero bar is invisible)
        ax.text(0 if math.isnan(v) else v, yi, f" {fmt(v)}", va="center", fontsize=8,
                color=_BAD if bool(is_low) else "black")
    ax.set_xlim(0, max(float(np.nanmax(value.to_numpy(dtype=float), initial=0.0)), 1e-9) * 1.12)
    number_axis(ax.xaxis)
    ax.set_yticks(np.arange(len(value)), list(value.index))
    ax.set_xlabel(label)
    ax.set_title(title or lab["ranking_title"])
    return save(fig, path)


@chart
def progress_timeline(tracker: Tracker, measure: str = "energy_freed_tce", *, as_of: Any = None,
                      method: str = "linear", path: str | Path | None = None, title: str | None = None,
                      lang: str = "zh") -> Figure:
    """Cumulative achieved per month with the target line, the deadline and the forecast.
    ``lang`` ("zh" or "en") sets the language of the title, labels and legend."""
    from ..targets import MEASURES

    lab = labels_for(_LABELS, lang)
    tl = tracker.timeline("M", as_of)
    fc = tracker.forecast(method, as_of)  # type: ignore[arg-type]
    prog = tracker.progress(as_of)
    name_zh, unit = MEASURES[measure]
    name = _measure(measure, name_zh, lang)
    r, pr = fc.loc[measure], prog.loc[measure]
    big = ("10,000 " if lang == "en" else "万") + _unit(unit, lang)
    scale, uname = (1e4, big) if max(r["target"], r["achieved"]) >= 1e4 else (1.0, _unit(unit, lang))
    fig, ax = new_figure((9.0, 5.0))
    x0 = pd.Timestamp(tracker.plan.start)
    ax.step([x0, *tl.index], [0.0, *(tl[measure] / scale)], where="post", color=PALETTE[0], lw=2, label=lab["cumulative"])
    deadline = pd.Timestamp(pr["deadline"])
    if not math.isnan(r["target"]):
        ax.axhline(r["target"] / scale, color=_BAD, ls="--", lw=1.2, label=lab["target"].format(value=_fmt(r["target"], unit, lang)))
        ax.plot([x0, deadline], [0, r["target"] / scale], color=GREY, lw=1, ls=":", label=lab["pace"])
    ax.axvline(deadline, color=GREY, lw=1)
    ax.text(deadline, ax.get_ylim()[1] * 0.02, lab["deadline"], fontsize=8, color=GREY, ha="right")
    if not math.isnan(r["projected_at_deadline"]):
        asof = pd.Timestamp(pr["as_of"])
        ax.plot([asof, deadline], [r["achieved"] / scale, r["projected_at_deadline"] / scale], color=PALETTE[3],
                ls="--", lw=1.8, label=lab["forecast"].format(method=lab.get(f"method_{method}", method)))
        if pd.notna(r["reach_date"]):
            ax.plot([r["reach_date"]], [r["target"] / scale], "o", color=PALETTE[3])
    ax.set_ylabel(lab["measure_axis"].format(name=name, unit=uname))
    verdict = _verdict_en(r, pr["as_of"]) if lang == "en" else r["verdict"]
    ax.set_title(title or lab["timeline_title"].format(name=name, verdict=verdict))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    number_axis(ax.yaxis)
    fig.autofmt_xdate()
    return save(fig, path)
