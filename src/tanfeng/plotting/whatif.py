"""The what-if chart (情景测算): cost against energy freed, the chosen actions against the rest.

* :func:`whatif_chart` — left, every eligible candidate as a point (energy freed, cost), coloured
  by town: chosen actions filled, the rest hollow; right, the energy each town frees with the
  chosen actions, with its minimum marked where one was asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import (
    CATEGORY_COLOURS,
    GREY,
    category_colours,
    chart,
    labels_for,
    log_axis,
    new_figure,
    number_axis,
    number_format,
    save,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["whatif_chart"]

#: Towns drawn in a colour of their own (one per palette colour); the others share grey as "其他".
MAX_TOWNS = len(CATEGORY_COLOURS)

_LABELS: dict[str, dict[str, str]] = {
    "zh": {"x": "腾出用能（tce）", "y": "费用（万元）", "chosen": "选中", "rest": "未选",
           "other": "其他 {n} 个镇街", "town_title": "各镇街选中行动腾出用能", "minimum": "镇街最低要求",
           "title": "情景测算：{n} 项行动，费用 {cost} 万元，腾出 {tce} tce（{status}）",
           "scatter_title": "候选行动：费用与腾出用能（对数坐标）", "none": "无方案：{message}",
           "optimal": "已证明最优", "time_limit": "时限内未证明最优", "infeasible": "无可行方案"},
    "en": {"x": "Energy freed (tce)", "y": "Cost (10k CNY)", "chosen": "chosen", "rest": "not chosen",
           "other": "{n} other towns", "town_title": "Energy freed by the chosen actions, per town",
           "minimum": "town minimum",
           "title": "What-if: {n} actions, cost {cost} (10k CNY), {tce} tce freed ({status})",
           "scatter_title": "Candidate actions: cost against energy freed (log scales)",
           "none": "No plan: {message}", "optimal": "proven optimal", "time_limit": "not proven in time",
           "infeasible": "infeasible"},
}


def _town_colours(towns: pd.Series, chosen: pd.Series) -> dict[str, str]:
    """The towns with the most chosen energy get a colour each; the rest grey."""
    rank = chosen.groupby(towns).sum().sort_values(ascending=False, kind="stable")
    return category_colours(rank.index[:MAX_TOWNS], rest=rank.index[MAX_TOWNS:])


@chart
def whatif_chart(result: Any, *, path: str | Path | None = None, title: str | None = None,
                 lang: str = "zh") -> Figure:
    """Cost against energy freed for every eligible candidate, chosen against the rest, by town.

    Parameters
    ----------
    result : WhatIf
        From :func:`tanfeng.targets.whatif`.
    path : str or Path, optional
        Save a PNG there.
    lang : {"zh", "en"}
        Language of titles and axes; town names stay as given.
    """
    lab = labels_for(_LABELS, lang)
    c = result.candidates
    c = c[c["eligible"].to_numpy(dtype=bool)]
    tce, cost = c["energy_freed_tce"].to_numpy(dtype=float), c["cost"].to_numpy(dtype=float)
    chosen = c["chosen"].to_numpy(dtype=bool)
    towns = c["town"].astype(str)
    colours = _town_colours(towns, pd.Series(np.where(chosen, tce, 0.0), index=c.index))
    fig, _ = new_figure((12.0, 5.4))
    fig.clear()
    left, right = fig.subplots(1, 2, width_ratios=[3, 2])
    col = towns.map(colours).to_numpy()
    left.scatter(tce[~chosen], cost[~chosen], s=14, facecolors="none", edgecolors=col[~chosen], linewidths=0.6,
                 alpha=0.6)
    left.scatter(tce[chosen], cost[chosen], s=18, c=col[chosen], edgecolors="black", linewidths=0.3)
    kinds = [left.scatter([], [], s=18, c="black", label=lab["chosen"]),
             left.scatter([], [], s=14, facecolors="none", edgecolors="black", label=lab["rest"])]
    named = [t for t, v in colours.items() if v != GREY]
    handles = [left.scatter([], [], s=18, c=colours[t], label=t) for t in named]
    n_other = len(colours) - len(named)
    if n_other:
        handles.append(left.scatter([], [], s=18, c=GREY, label=lab["other"].format(n=n_other)))
    left.add_artist(left.legend(handles=kinds, loc="upper left", fontsize=8, frameon=False))
    left.legend(handles=handles, loc="lower right", fontsize=7, frameon=False, ncols=2)
    left.set_xscale("log")
    left.set_yscale("log")
    log_axis(left.xaxis)
    log_axis(left.yaxis)
    left.set_xlabel(lab["x"])
    left.set_ylabel(lab["y"])
    left.set_title(lab["scatter_title"], fontsize=10)
    _town_panel(right, result, c, chosen, colours, lab)
    t = result.totals.loc["chosen"] if result.ok else None
    fmt = number_format([t["cost"], t["energy_freed_tce"]]) if t is not None else str
    fig.suptitle(title or (lab["title"].format(n=int(t["n_actions"]), cost=fmt(t["cost"]),
                                               tce=fmt(t["energy_freed_tce"]), status=lab[result.status])
                           if t is not None else lab["none"].format(message=result.message[:60])))
    return save(fig, path)


def _town_panel(ax: Any, result: Any, c: pd.DataFrame, chosen: np.ndarray, colours: dict[str, str],
                lab: dict[str, str]) -> None:
    """Energy freed per town by the chosen actions, with each town's asked minimum."""
    freed = pd.Series(np.where(chosen, c["energy_freed_tce"].to_numpy(dtype=float), 0.0),
                      index=c.index).groupby(c["town"].astype(str)).sum()
    cons = result.constraints
    mins = cons[(cons["kind"] == ">=") & (cons["measure"] == "energy_freed_tce") & cons["town"].notna()]
    minimum = pd.Series(mins["limit"].to_numpy(), index=mins["town"].astype(str).to_numpy())
    order = freed.sort_values(kind="stable").index
    y = np.arange(len(order))
    ax.barh(y, freed.reindex(order).to_numpy(), color=[colours.get(t, GREY) for t in order])
    if len(minimum):
        m = minimum.reindex(order)
        ax.scatter(m.to_numpy(), y, marker="|", s=160, c="black", label=lab["minimum"], zorder=3)
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_yticks(y, list(order), fontsize=7 if len(order) > 12 else 9)
    number_axis(ax.xaxis)
    ax.set_xlabel(lab["x"])
    ax.set_title(lab["town_title"], fontsize=10)
