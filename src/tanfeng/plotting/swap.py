"""The swap chart: required against provided retirement, per source, with the ratio line.

* :func:`swap_bars` — one panel per line (capacity) and one for energy: a grey bar of what must
  be retired (新建 × 置换比例), a bar stacked from each counted or chosen source, a dashed line
  at the requirement (the ratio line) and a dotted one at the new capacity itself (1:1).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import (
    GREY,
    INK,
    PALETTE,
    category_colours,
    chart,
    labels_for,
    new_figure,
    number_axis,
    number_format,
    save,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["swap_bars"]

#: Lines drawn at most (one panel each); more lines are an error, not a cramped chart.
MAXINKS = 6

#: Chart text per language; data values (project, product, source names, units) stay as given.
_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "required": "需退出/替代",
        "line_value": "{label}：{value}",
        "tick_required": "需退出",
        "tick_provided": "已落实",
        "line_title": "产能置换：{name}",
        "line_name": "{line}（{product}）",
        "base_capacity": "建设规模",
        "ratio_capacity": "置换比例 {ratio:g}:1 要求",
        "energy_title": "能耗等量减量替代",
        "energy_unit": "吨标准煤（tce）",
        "base_energy": "新增能耗",
        "ratio_energy": "替代比例 {ratio:g}:1 要求",
        "other": "其他 {n} 个来源",
        "ok": "通过",
        "not_ok": "不通过",
        "title": "{project} 产能置换与能耗替代（{on}，{status}）",
        "no_source": "无可计入来源",
    },
    "en": {
        "required": "To retire / offset",
        "line_value": "{label}: {value}",
        "tick_required": "Required",
        "tick_provided": "Secured",
        "line_title": "Capacity swap: {name}",
        "line_name": "{line} ({product})",
        "base_capacity": "New capacity",
        "ratio_capacity": "Required at {ratio:g}:1",
        "energy_title": "Energy use offset",
        "energy_unit": "tce",
        "base_energy": "New energy use",
        "ratio_energy": "Required at {ratio:g}:1",
        "other": "{n} other sources",
        "ok": "passes",
        "not_ok": "fails",
        "title": "{project}: capacity swap and energy offset ({on}, {status})",
        "no_source": "No countable source",
    },
}


def _stack(ax: Axes, x: float, parts: pd.Series, colours: dict[str, str], width: float) -> None:
    bottom = 0.0
    for sid, v in parts.items():
        ax.bar(x, v, width, bottom=bottom, color=colours[str(sid)], edgecolor="white", linewidth=0.6)
        bottom += float(v)


def _panel(ax: Axes, title: str, unit: str, required: float, base: float, base_label: str,
           ratio_label: str, parts: pd.Series, colours: dict[str, str], lab: dict[str, str]) -> None:
    _num = number_format([required, base, float(parts.sum())])
    ax.bar(0, required, 0.6, color=GREY, alpha=0.45, label=lab["required"])
    _stack(ax, 1, parts, colours, 0.6)
    provided = float(parts.sum())
    ax.axhline(required, color=INK, linestyle="--", linewidth=1.2)
    box = {"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.0}
    ax.text(-0.55, required, lab["line_value"].format(label=ratio_label, value=_num(required)), va="bottom", ha="left", fontsize=8,
            bbox=box)
    if base > 0 and abs(base - required) > 1e-9 * max(required, 1.0):
        ax.axhline(base, color=INK, linestyle=":", linewidth=1.0)
        ax.text(-0.55, base, lab["line_value"].format(label=base_label, value=_num(base)), va="bottom", ha="left",
                fontsize=8, bbox=box)
    ax.text(1, provided, _num(provided), va="bottom", ha="center", fontsize=9)
    ax.set_xticks([0, 1], [lab["tick_required"], lab["tick_provided"]])
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(0, max(required, provided, base, 1e-9) * 1.18)
    ax.set_ylabel(unit)
    number_axis(ax.yaxis)
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)


def _grouped(values: pd.Series, keep: list[str], other_label: str) -> pd.Series:
    v = values[values.index.isin(keep)]
    rest = float(values[~values.index.isin(keep)].sum())
    if rest > 0:
        v = pd.concat([v, pd.Series({other_label: rest})])
    return v


@chart
def swap_bars(result: Any, *, path: str | Path | None = None, max_sources: int = 10,
              title: str | None = None, lang: str = "zh", names: Any = None) -> Figure:
    """Required against provided capacity (per line) and energy, stacked by source.

    Parameters
    ----------
    result : SwapCheck or SwapPlan
        From :func:`tanfeng.swap.check` or :func:`tanfeng.swap.plan`.
    path : str or Path, optional
        Save a PNG here.
    max_sources : int, default 10
        Sources drawn one by one (the largest); the others are one segment "其他 N 个".
    title : str, optional
        Replaces the default title.
    lang : {"zh", "en"}, default "zh"
        Language of the titles, labels and legend (project, product and source names stay).
    names : mapping or Series, optional
        Source id → name (e.g. ``sources.set_index("source_id")["enterprise"]``); the legend
        shows "id name" for each source.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from tanfeng.swap import check
    >>> from tanfeng.plotting.swap import swap_bars
    >>> r = check({"id": "P", "sector": "钢铁", "product": "粗钢", "new_capacity": 100,
    ...            "capacity_unit": "万吨/年", "province": "浙江", "city": "绍兴"},
    ...           pd.DataFrame({"source_id": ["甲", "乙"], "product": "粗钢", "capacity": [90, 50],
    ...                         "capacity_unit": "万吨/年", "closed_on": "2023-01-01"}), on="2023-05-01")
    >>> fig = swap_bars(r)
    >>> len(fig.axes)
    1
    """
    lab = labels_for(_LABELS, lang)
    lines = list(result.lines)
    if len(lines) > MAXINKS:
        raise ValueError(f"swap_bars draws at most {MAXINKS} lines; this project has {len(lines)}")
    alloc = result.allocations
    with_energy = result.new_tce is not None
    n = len(lines) + int(with_energy)
    fig, ax0 = new_figure((3.6 * n + 2.2, 4.8))
    ax0.remove()
    axes = fig.subplots(1, n, squeeze=False)[0]

    totals = (alloc.groupby("source_id", sort=False)["capacity_line"].sum()
              if len(alloc) else pd.Series(dtype=float))
    keep = [str(s) for s in totals.sort_values(ascending=False).index[:max_sources]]
    other = lab["other"].format(n=max(len(totals) - len(keep), 0))
    colours = category_colours(keep, rest=[other])

    for ax, ln in zip(axes, lines):
        a = alloc[alloc["line"] == ln.line]
        parts = _grouped(a.groupby("source_id", sort=False)["capacity_line"].sum().rename(index=str), keep, other)
        name = ln.product if ln.line == ln.product else lab["line_name"].format(line=ln.line, product=ln.product)
        _panel(ax, lab["line_title"].format(name=name), ln.capacity_unit, ln.required_capacity, ln.new_capacity,
               lab["base_capacity"], lab["ratio_capacity"].format(ratio=ln.retire_per_new), parts, colours, lab)
    if with_energy:
        parts = _grouped(alloc.groupby("source_id", sort=False)["energy_tce"].sum().rename(index=str), keep, other)
        _panel(axes[-1], lab["energy_title"], lab["energy_unit"], float(result.required_tce or 0.0),
               float(result.new_tce or 0.0), lab["base_energy"],
               lab["ratio_energy"].format(ratio=result.energy_ratio_required), parts, colours, lab)

    import matplotlib.patches as mpatches

    used = [s for s in [*keep, other] if s in colours and (s != other or len(totals) > len(keep))]
    handles = [mpatches.Patch(color=GREY, alpha=0.45, label=lab["required"])]
    name_of = dict(names.items()) if names is not None else {}
    handles += [mpatches.Patch(color=colours[s], label=f"{s} {name_of[s]}" if name_of.get(s) else s) for s in used]
    fig.legend(handles=handles, loc="outside right center", fontsize=8)  # clear of a long title
    status = lab["ok"] if result.ok else lab["not_ok"]
    fig.suptitle(title or lab["title"].format(project=result.project_id, on=result.on, status=status))
    if not len(alloc):
        for ax in axes:
            ax.text(1, 0, lab["no_source"], ha="center", va="bottom", color=PALETTE[1])

    return save(fig, path)
