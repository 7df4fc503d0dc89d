"""Every demo chart: no text overlaps another, legends stay off the data, one number format."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from tanfeng.plotting import per_mu as pm_plot
from tanfeng.plotting import screening as scr_plot
from tanfeng.plotting import swap as swap_plot
from tanfeng.plotting import targets as tgt_plot


@pytest.fixture(scope="module")
def charts() -> dict[str, Any]:
    """The demo's seven charts, built the way `tanfeng demo` builds them, in both languages."""
    from tanfeng.datasets import zhuji_sample
    from tanfeng.per_mu import evaluate
    from tanfeng.plans import ZHUJI_2023
    from tanfeng.screening import screen_two_high
    from tanfeng.swap import plan
    from tanfeng.targets import Tracker

    s = zhuji_sample(0)
    scr = screen_two_high(s.projects)
    tracker = Tracker(ZHUJI_2023, s.actions, energy=s.energy[s.energy["enterprise"].isin(s.actions["enterprise"])])
    prog, towns = tracker.progress(as_of="2022-12-31"), tracker.by_town(as_of="2022-12-31")
    e2022 = s.energy[s.energy["year"] == 2022]
    pm = evaluate(s.enterprises.drop(columns=["energy_tce"]), "huangyan-2022", classes="tiantai-2022-classes",
                  energy_records=e2022, on="enterprise", year=2022, errors="report")
    cands = s.swap_candidates[s.swap_candidates["sector"] == "铸造"]
    project = {"id": "新建高端铸件项目（示例）", "sector": "铸造", "product": "铸件",
               "new_capacity": round(float(cands["capacity"].sum()) * 0.5, 3), "capacity_unit": "万吨/年",
               "province": "浙江", "city": "绍兴", "county": "诸暨",
               "new_tce": round(float(cands["energy_tce"].sum()) * 0.4, 1)}
    sp = plan(project, cands, on="2023-06-30")
    out = {}
    for lang in ("zh", "en"):
        out |= {
            f"two_high-{lang}": scr_plot.two_high_scatter(scr, lang=lang),
            f"progress-{lang}": tgt_plot.progress_bars(prog, lang=lang),
            f"towns-{lang}": tgt_plot.town_ranking(towns, lang=lang),
            f"timeline-{lang}": tgt_plot.progress_timeline(tracker, as_of="2022-12-31", lang=lang),
            f"per_mu_towns-{lang}": pm_plot.class_by_town(pm, lang=lang),
            f"per_mu_scatter-{lang}": pm_plot.tax_vs_energy(pm, lang=lang),
            f"swap-{lang}": swap_plot.swap_bars(sp, lang=lang, names=cands.set_index("source_id")["enterprise"]),
        }
    out["_pm"], out["_towns"] = pm, towns
    return out


NAMES = [f"{c}-{lang}" for lang in ("zh", "en") for c in
         ("two_high", "progress", "towns", "timeline", "per_mu_towns", "per_mu_scatter", "swap")]


def _texts(fig: Any) -> tuple[Any, list[tuple[str, Bbox]]]:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    r = canvas.get_renderer()
    boxes = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip():
            continue
        if any(not a.get_visible() for a in _ancestors(t)):
            continue
        boxes.append((t.get_text(), t.get_window_extent(r)))
    return r, boxes


def _ancestors(t: Any) -> list[Any]:
    out, a = [], getattr(t, "axes", None)
    if a is not None:
        out.append(a)
    return out


def _overlap(a: Bbox, b: Bbox, tol: float = 1.0) -> bool:
    """Boxes overlap by more than ``tol`` pixels in both directions."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > tol and min(a.y1, b.y1) - max(a.y0, b.y0) > tol


@pytest.mark.parametrize("name", NAMES)
def test_no_text_overlaps_another(charts: dict[str, Any], name: str) -> None:
    _, boxes = _texts(charts[name])
    clashes = [(ta, tb) for (ta, a), (tb, b) in itertools.combinations(boxes, 2) if _overlap(a, b)]
    assert not clashes, clashes[:5]


@pytest.mark.parametrize("name", NAMES)
def test_legends_do_not_cover_data(charts: dict[str, Any], name: str) -> None:
    fig = charts[name]
    r, _ = _texts(fig)
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)]
    assert all(isinstance(lg, Legend) for lg in legends)
    for lg in legends:
        box = lg.get_window_extent(r)
        for ax in fig.axes:
            assert not _overlap(box, ax.get_window_extent(r)), (name, "legend over the plotting area")
        own = {id(t) for t in lg.findobj(Text)}
        covered = [t.get_text() for t in fig.findobj(Text) if id(t) not in own and t.get_visible()
                   and t.get_text().strip() and _overlap(box, t.get_window_extent(r), tol=-2.0)]
        assert not covered, (name, "legend over a title or label", covered)  # within 2 px counts: it looks touched


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_progress_marker_clears_its_label(charts: dict[str, Any], lang: str) -> None:
    """The even-pace tick on each bar ends left of the bar's label."""
    fig = charts[f"progress-{lang}"]
    r, _ = _texts(fig)
    ax = fig.axes[0]
    ticks = [ln.get_window_extent(r) for ln in ax.get_lines() if len(ln.get_xdata()) == 2
             and ln.get_xdata()[0] == ln.get_xdata()[1] and ln.get_linestyle() == "-"]
    labels = [t.get_window_extent(r) for t in ax.texts]
    assert ticks and labels
    assert not any(_overlap(t, lb) for t in ticks for lb in labels)


def test_towns_ranking_marks_the_laggards_red(charts: dict[str, Any]) -> None:
    """Ranking by one measure: the DEFAULT_N_LOWEST (3) lowest of the 20 towns are red."""
    from matplotlib.colors import to_hex

    from tanfeng.plotting.targets import _BAD

    ax = charts["towns-zh"].axes[0]
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours.count(_BAD) == 3 and colours[:3] == [_BAD] * 3  # sorted ascending: the bottom three


def test_scatter_says_which_firms_it_draws(charts: dict[str, Any]) -> None:
    """766 of the 1,500 sample firms have both values (规上: 单位能耗增加值 needs 增加值)."""
    pm = charts["_pm"]
    both = pm["tax_per_mu"].notna() & pm["value_added_per_tce"].notna()
    fig = charts["per_mu_scatter-zh"]
    note = fig.get_supxlabel()
    assert f"图中 {int(both.sum()):,} 家" in note and f"共 {len(pm):,} 家" in note
    counts = [int(t.get_text().split("（")[1].rstrip("家）")) for t in fig.axes[0].get_legend().get_texts()
              if "（" in t.get_text()]
    assert sum(counts) == int((both & pm["class"].notna()).sum())


def test_one_number_format_in_the_towns_labels(charts: dict[str, Any]) -> None:
    """15,755 / 738 / 81: thousands separated, the same decimals (none) for every label."""
    labels = [t.get_text().strip() for t in charts["towns-zh"].axes[0].texts]
    assert "15,755" in labels
    assert all("." not in lb for lb in labels)


def test_the_overlap_check_sees_an_overlap() -> None:
    from tanfeng.plotting import new_figure

    fig, ax = new_figure((3.0, 2.0))
    ax.text(0.5, 0.5, "标签一 label")
    ax.text(0.52, 0.5, "标签二 label")
    _, boxes = _texts(fig)
    assert any(_overlap(a, b) for (_, a), (_, b) in itertools.combinations(boxes, 2))
