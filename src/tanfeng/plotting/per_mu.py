"""Charts of a 亩均 evaluation (the result of :func:`tanfeng.per_mu.evaluate`).

* :func:`class_by_town` — how many firms of each class (A–D) each 镇乡（街道） has;
* :func:`tax_vs_energy` — 亩均税收 against 单位能耗增加值, one point per firm, coloured by class,
  with the scheme's benchmarks as dashed lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import PALETTE, chart, labels_for, log_axis, new_figure, save

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["class_by_town", "class_colours", "tax_vs_energy"]

#: Label for firms without a class (not evaluated, no class rule, or a data problem).
UNCLASSIFIED = "未分级"

#: Chart text per language; data values (town names, class names such as "A 优先发展类") stay.
_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "unclassified": UNCLASSIFIED,
        "no_town": "（未填镇乡）",
        "share_axis": "占比（%）",
        "count_axis": "企业数（家）",
        "town_axis": "镇乡（街道）",
        "town_title": "各镇乡（街道）亩均评价分类",
        "class": "类别",
        "class_count": "{label}（{n}家）",
        "benchmark": "基准值",
        "x_axis": "单位能耗增加值（万元/吨标准煤）",
        "y_axis": "亩均税收（万元/亩）",
        "scatter_title": "亩均税收与单位能耗增加值",
        "subset": "图中 {n} 家：{which}（共 {total} 家；其余 {rest} 家缺少单位能耗增加值或亩均税收，未绘出）",
        "all_firms": "全部企业",
        "above_scale": "规上企业",
        "below_scale": "规下企业",
    },
    "en": {
        "unclassified": "unclassified",
        "no_town": "(no town)",
        "share_axis": "Share of firms (%)",
        "count_axis": "Firms",
        "town_axis": "Town",
        "town_title": "Per-mu evaluation classes by town",
        "class": "Class",
        "class_count": "{label} ({n})",
        "benchmark": "Benchmark",
        "x_axis": "Value added per tce (10,000 yuan/tce)",
        "y_axis": "Tax per mu (10,000 yuan/mu)",
        "scatter_title": "Tax per mu against value added per tce",
        "subset": "{n} firms drawn: {which} (of {total}; the other {rest} lack value added per tce or tax per mu)",
        "all_firms": "all firms",
        "above_scale": "above designated size",
        "below_scale": "below designated size",
    },
}


def class_colours(classes: list[str]) -> dict[str, str]:
    """Best class green, then blue, orange, red …; unclassified grey."""
    order = [PALETTE[2], PALETTE[0], PALETTE[3], PALETTE[1], PALETTE[4], PALETTE[5], PALETTE[6]]
    out = {c: order[i % len(order)] for i, c in enumerate(classes)}
    out[UNCLASSIFIED] = PALETTE[7]
    return out


def _classes(result: pd.DataFrame, unclassified: str = UNCLASSIFIED) -> tuple[np.ndarray, list[str], dict[str, str]]:
    """Legend label per row ("A 优先发展类"), labels in class order, colour per label; rows
    without a class get ``unclassified``."""
    if "class" not in result.columns:
        raise ValueError("class_by_town / tax_vs_energy take the result of tanfeng.per_mu.evaluate()")
    col = result["class"]
    ids = ([str(c) for c in col.cat.categories] if isinstance(col.dtype, pd.CategoricalDtype)
           else sorted(col.dropna().astype(str).unique()))
    names: dict[str, str] = {}
    if "class_name" in result.columns:
        pairs = pd.DataFrame({"c": col.astype(object), "n": result["class_name"].astype(object)}).dropna()
        names = pairs.drop_duplicates("c").set_index("c")["n"].astype(str).to_dict()
    label_of = {i: f"{i} {names[i]}" if names.get(i) else i for i in ids}
    labels = col.astype(object).map(label_of).fillna(unclassified).to_numpy(dtype=object)
    present = set(labels)
    order = [label_of[i] for i in ids if label_of[i] in present] + [unclassified] * (unclassified in present)
    by_id = class_colours(ids)
    colours = {label_of[i]: by_id[i] for i in ids} | {unclassified: by_id[UNCLASSIFIED]}
    return labels, order, colours


def _town_column(result: pd.DataFrame, town: str | None) -> str:
    if town is not None:
        return town
    mapped = result.attrs.get("tanfeng", {}).get("columns", {}).get("town")
    if mapped in result.columns:
        return str(mapped)
    from ..per_mu import map_columns

    found = map_columns(result, None).get("town")
    if found is None:
        raise KeyError("no 所属乡镇 (town) column; pass town='<column>'")
    return found[0]


@chart
def class_by_town(
    result: pd.DataFrame,
    *,
    town: str | None = None,
    share: bool = False,
    title: str | None = None,
    path: str | Path | None = None,
    lang: str = "zh",
) -> Figure:
    """Stacked horizontal bars: firms of each class per 镇乡（街道）.

    Parameters
    ----------
    result : DataFrame
        Output of :func:`tanfeng.per_mu.evaluate` (needs ``class`` and a town column).
    town : str, optional
        The town column (default: found from 所属乡镇 / 镇乡 / town).
    share : bool
        Show each town's shares (%) instead of counts.
    title : str, optional
        Replaces the default title (各镇乡（街道）亩均评价分类).
    path : str or Path, optional
        Save a PNG there.
    lang : {"zh", "en"}, default "zh"
        Language of the title, axis labels and legend title (town and class names stay).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"所属乡镇": ["店口镇", "店口镇", "陶朱街道"],
    ...                   "class": pd.Categorical(["A", "D", "B"], categories=list("ABCD"))})
    >>> class_by_town(r).axes[0].get_xlabel()
    '企业数（家）'
    """
    lab = labels_for(_LABELS, lang)
    labels, order, colours = _classes(result, lab["unclassified"])
    tcol = _town_column(result, town)
    towns = result[tcol].astype(object).where(result[tcol].notna(), lab["no_town"]).astype(str)
    table = pd.crosstab(towns, labels).reindex(columns=order, fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(kind="stable").index]
    if share:
        table = table.div(table.sum(axis=1), axis=0) * 100
    fig, ax = new_figure(figsize=(8.0, max(3.0, 0.45 * len(table) + 1.5)))
    left = np.zeros(len(table))
    for c in order:
        ax.barh(table.index, table[c].to_numpy(), left=left, color=colours[c], label=c)
        left += table[c].to_numpy()
    if not share and len(left) and left.max() > 0:  # the usual margin: a zero-width segment at a
        ax.set_xlim(0, float(left.max()) * (1 + ax.margins()[0]))  # bar's end pins the axis there
    ax.set_xlabel(lab["share_axis"] if share else lab["count_axis"])
    ax.set_ylabel(lab["town_axis"])
    ax.set_title(lab["town_title"] if title is None else title)
    ax.legend(title=lab["class"], loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return save(fig, path)


@chart
def tax_vs_energy(
    result: pd.DataFrame,
    *,
    group: str | None = None,
    log: bool = True,
    title: str | None = None,
    path: str | Path | None = None,
    lang: str = "zh",
) -> Figure:
    """Scatter of 亩均税收 (万元/亩) against 单位能耗增加值 (万元/tce), coloured by class.

    Parameters
    ----------
    result : DataFrame
        Output of :func:`tanfeng.per_mu.evaluate` (needs ``tax_per_mu``, ``value_added_per_tce``).
    group : str or None
        ``"above_scale"``, ``"below_scale"`` or None (default) for every firm with both values
        (单位能耗增加值 is a 规上 indicator, so mostly 规上 firms). The chart says how many firms it
        draws of how many, and why the others are left out.
    log : bool
        Logarithmic axes (亩均 values spread over orders of magnitude); the tax axis turns
        symmetric-log when a firm has negative tax (退税).
    title : str, optional
        Replaces the default title (亩均税收与单位能耗增加值).
    path : str or Path, optional
        Save a PNG there.
    lang : {"zh", "en"}, default "zh"
        Language of the title, axis labels and legend (class names stay).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"tax_per_mu": [30.0, 5.0, 12.0], "value_added_per_tce": [4.0, 0.8, 2.5],
    ...                   "group": "above_scale", "class": ["A", "D", None]})
    >>> tax_vs_energy(r).axes[0].get_ylabel()
    '亩均税收（万元/亩）'
    """
    lab = labels_for(_LABELS, lang)
    for c in ("tax_per_mu", "value_added_per_tce", "class"):
        if c not in result.columns:
            raise ValueError(f"tax_vs_energy needs the column {c!r} (the result of evaluate())")
    labels, order, colours = _classes(result, lab["unclassified"])
    x = result["value_added_per_tce"].to_numpy(dtype=float)
    y = result["tax_per_mu"].to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if group is not None and "group" in result.columns:
        ok &= (result["group"].astype(object) == group).to_numpy()
    fig, ax = new_figure((9.0, 5.5))
    for c in order:
        m = ok & (labels == c)
        if m.any():
            ax.scatter(x[m], y[m], s=14, alpha=0.7, color=colours[c],
                       label=lab["class_count"].format(label=c, n=int(m.sum())), edgecolors="none")
    bench: dict[str, Any] = result.attrs.get("tanfeng", {}).get("benchmarks", {}).get(group or "above_scale", {})
    if "value_added_per_tce" in bench:
        ax.axvline(bench["value_added_per_tce"], color=PALETTE[7], ls="--", lw=1)
    if "tax_per_mu" in bench:
        ax.axhline(bench["tax_per_mu"], color=PALETTE[7], ls="--", lw=1, label=lab["benchmark"])
    if log and ok.any():
        if (x[ok] > 0).all():
            ax.set_xscale("log")
        ax.set_yscale("log" if (y[ok] > 0).all() else "symlog")
        log_axis(ax.xaxis)
        log_axis(ax.yaxis)
    ax.set_xlabel(lab["x_axis"])
    ax.set_ylabel(lab["y_axis"])
    ax.set_title(lab["scatter_title"] if title is None else title)
    drawn = int(ok.sum())
    which = lab["all_firms"] if group is None else lab.get(group, str(group))
    if group is None and "group" in result.columns and drawn:
        groups = set(result.loc[ok, "group"].astype(object).dropna())
        which = lab[next(iter(groups))] if len(groups) == 1 and next(iter(groups)) in lab else which
    fig.supxlabel(lab["subset"].format(n=f"{drawn:,}", which=which, total=f"{len(result):,}",
                                      rest=f"{len(result) - drawn:,}"),
                  fontsize=8, color=PALETTE[7], x=0.01, ha="left")
    if ok.any():
        ax.legend(title=lab["class"], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return save(fig, path)
