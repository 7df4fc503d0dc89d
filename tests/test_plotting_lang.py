"""Chart language: every chart takes ``lang="zh"|"en"``; English text, data values unchanged."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tanfeng.plotting import per_mu as pm_plot
from tanfeng.plotting import save
from tanfeng.plotting import screening as scr_plot
from tanfeng.plotting import swap as swap_plot
from tanfeng.plotting import targets as tgt_plot

AS_OF = "2022-12-31"
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]")


@pytest.fixture(scope="module")
def inputs() -> SimpleNamespace:
    """The demo's chart inputs (as in `tanfeng.report._run`), built once from the sample."""
    from tanfeng.datasets import zhuji_sample
    from tanfeng.per_mu import evaluate
    from tanfeng.plans import ZHUJI_2023
    from tanfeng.report import _demo_swap_project
    from tanfeng.screening import screen_two_high
    from tanfeng.swap import plan as plan_swap
    from tanfeng.targets import Tracker

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the sample's factor fallbacks; not what is tested here
        s = zhuji_sample(0)
        scr = screen_two_high(s.projects)
        tracker = Tracker(ZHUJI_2023, s.actions, energy=s.energy[s.energy["enterprise"].isin(s.actions["enterprise"])])
        pm = evaluate(s.enterprises, "huangyan-2022", classes="tiantai-2022-classes", errors="report")
        cands = s.swap_candidates[s.swap_candidates["sector"] == "铸造"]
        project = _demo_swap_project(cands, "新建铸件项目")
        swap_plan = plan_swap(project, cands, on="2023-06-30")
        prog = tracker.progress(as_of=AS_OF)
        towns = tracker.by_town(as_of=AS_OF)
    # Chinese data values that stay Chinese in an English chart
    data = {*s.projects["town"].astype(str), *scr["sector"].dropna().astype(str), *towns["town"].astype(str),
            *pm["class_name"].dropna().astype(str), *pm["所属乡镇" if "所属乡镇" in pm else "town"].dropna().astype(str),
            project["id"], project["product"], project["capacity_unit"]}
    return SimpleNamespace(scr=scr, tracker=tracker, prog=prog, towns=towns, pm=pm, swap=swap_plan, data=data)


# chart name -> (draw(inputs, **kw), English title expected: a regex on the axes title or suptitle)
CHARTS: dict[str, tuple[Callable[..., Any], str]] = {
    "two_high_scatter": (lambda i, **kw: scr_plot.two_high_scatter(i.scr, **kw),
                         r"High-energy, high-emission projects: \d+ flagged, \d+ undecidable \(of \d+\)"),
    "progress_bars": (lambda i, **kw: tgt_plot.progress_bars(i.prog, **kw),
                      r"Progress toward the targets \(as of 2022-12-31\)"),
    "town_ranking": (lambda i, **kw: tgt_plot.town_ranking(i.towns, **kw), r"Towns ranked \(red: lowest\)"),
    "progress_timeline": (lambda i, **kw: tgt_plot.progress_timeline(i.tracker, as_of=AS_OF, **kw),
                          r"Energy use freed: cumulative progress and forecast, .*(reached|pace).*"),
    "swap_bars": (lambda i, **kw: swap_plot.swap_bars(i.swap, **kw),
                  r"新建铸件项目: capacity swap and energy offset \(2023-06-30, (passes|fails)\)"),
    "class_by_town": (lambda i, **kw: pm_plot.class_by_town(i.pm, **kw), r"Per-mu evaluation classes by town"),
    "tax_vs_energy": (lambda i, **kw: pm_plot.tax_vs_energy(i.pm, **kw), r"Tax per mu against value added per tce"),
}


def _title(fig: Any) -> str:
    sup = fig._suptitle
    return str(sup.get_text()) if sup is not None else str(fig.axes[0].get_title())


def _texts(fig: Any) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "set_fontfamily"))
            if t.get_text()]


@pytest.mark.parametrize("name", list(CHARTS))
def test_english_chart_has_english_text_and_renders(name: str, inputs: SimpleNamespace, tmp_path: Path) -> None:
    draw, title = CHARTS[name]
    fig = draw(inputs, lang="en")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a warning
        save(fig, tmp_path / f"{name}.png", dpi=60)  # low dpi: the same glyph lookups, faster
    assert (tmp_path / f"{name}.png").stat().st_size > 2000
    assert re.fullmatch(title, _title(fig)), _title(fig)
    # no Chinese left once the Chinese data values (towns, sectors, classes, project) are taken out
    longest_first = sorted(inputs.data, key=len, reverse=True)
    for text in _texts(fig):
        rest = text
        for value in longest_first:
            rest = rest.replace(value, "")
        assert not _CJK.search(rest), f"{name}: Chinese label left in English chart: {text!r}"


@pytest.mark.parametrize("name", list(CHARTS))
def test_default_is_chinese_and_equal_to_zh(name: str, inputs: SimpleNamespace) -> None:
    draw, _ = CHARTS[name]
    default, zh = draw(inputs), draw(inputs, lang="zh")
    assert _texts(default) == _texts(zh)
    assert _CJK.search(_title(default))  # the default title is Chinese


@pytest.mark.parametrize("name", list(CHARTS))
@pytest.mark.parametrize("bad", ["fr", "EN", ""])
def test_unknown_lang_names_the_choices(name: str, bad: str, inputs: SimpleNamespace) -> None:
    draw, _ = CHARTS[name]
    with pytest.raises(ValueError, match=r"\['en', 'zh'\]"):
        draw(inputs, lang=bad)


def test_data_values_stay_chinese_in_english(inputs: SimpleNamespace) -> None:
    fig = pm_plot.class_by_town(inputs.pm, lang="en")
    legend = fig.axes[0].get_legend()
    assert legend is not None
    assert "A 优先发展类" in [t.get_text() for t in legend.get_texts()]  # class names are data: unchanged
    ticks = {t.get_text() for t in fig.axes[0].get_yticklabels()}
    assert "店口镇" in ticks
    sector = str(inputs.scr.loc[inputs.scr["two_high"].fillna(False).astype(bool), "sector"].value_counts().index[0])
    scatter_legend = scr_plot.two_high_scatter(inputs.scr, lang="en").axes[0].get_legend()
    assert scatter_legend is not None
    labels = [t.get_text() for t in scatter_legend.get_texts()]
    assert any(lbl.startswith(f"Flagged: {sector} (") for lbl in labels)


def test_english_numbers_and_units() -> None:
    # 62 044 tce: no 万 in English, thousands separated -> "62,044 tce"; 8 万 tce -> "80,000 tce"
    assert tgt_plot._fmt(62044.0, "tce", "en") == "62,044 tce"
    assert tgt_plot._fmt(8e4, "tce", "en") == "80,000 tce"
    assert tgt_plot._fmt(8e4, "tce") == "8 万吨标准煤"  # zh as before
    assert tgt_plot._fmt(73.0, "家", "en") == "73 firms"
    assert tgt_plot._fmt(3039.0, "亩", "en") == "3,039 mu"  # one number format: thousands separated


def test_english_verdict_cases() -> None:
    row = {"target": 10.0, "achieved": 3.0, "rate": 1.0, "reach_date": pd.NaT}
    # 7 left at 1 a month from the end of 2022-12 -> end of 2023-07
    assert (tgt_plot._verdict_en(pd.Series(row), dt.date(2022, 12, 31))
            == "not reached by the deadline at this pace (expected 2023-07-31)")
    reached = pd.Series(row | {"achieved": 12.0, "reach_date": pd.Timestamp("2022-05-10")})
    assert tgt_plot._verdict_en(reached, "2022-12-31") == "reached on 2022-05-10"
    assert tgt_plot._verdict_en(pd.Series(row | {"target": np.nan}), "2022-12-31") == "no target"
    assert tgt_plot._verdict_en(pd.Series(row | {"rate": 0.0}), "2022-12-31") == "not reached at this pace (no progress)"
