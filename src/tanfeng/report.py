"""The main job: ``tanfeng demo`` — every capability on the synthetic 诸暨 sample, one report.

:func:`run_demo` accounts the sample's energy records (当量值 and 等价值, CO2 on the 浙江 grid),
screens the 两高 projects and the 两高一低 watch list, tracks the plan's targets by town, ranks
enterprises by 亩均效益, plans a capacity and energy swap, and writes

* ``report.md`` and ``report.html`` (standalone: charts embedded, Chinese text);
* ``charts/*.png``;
* ``results.xlsx`` (formatted sheets, formula-safe text).

The sample is synthetic (合成数据，仅供演示): the numbers show what tanfeng does, not 诸暨's state.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from .cells import Text, get_language, language, say

__all__ = ["DemoReport", "method_table", "run_demo"]

#: Report date of the demo (progress is shown as of the end of the plan's second year).
DEMO_AS_OF = "2022-12-31"

@dataclass
class DemoReport:
    """Where the demo wrote its outputs."""

    out_dir: Path
    markdown: Path
    html: Path
    workbook: Path
    charts: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    summary: dict[str, Any] = field(default_factory=dict)
    #: Things the user should know once (e.g. how to install a CJK font); the CLI prints them.
    notes: list[str] = field(default_factory=list)
    statement: Path | None = None


#: Columns of counts, thousands separated like the other numbers (years and industry codes are not).
COUNT_COLUMNS = frozenset({"rows", "rows_with_problems", "firms", "n"})

#: Decimals of the columns whose numbers need more than their table's ``digits``: CO2 per tce
#: lies between about 2 and 4 (2.6 coal, 3.7 this sample's mix of 当量值 electricity), so one
#: decimal would hide the year-on-year change the column is there to show.
COLUMN_DIGITS: Mapping[str, int] = MappingProxyType({"co2_per_tce": 2})


def _md_table(df: pd.DataFrame, digits: int = 1, max_rows: int = 20,
              column_digits: Mapping[str, int] = COLUMN_DIGITS) -> str:
    """A Markdown table (no extra dependency): headers in the report's language
    (``tce_calorific`` → 综合能耗（当量值，吨标准煤）), booleans 是/否, numbers thousands separated
    with ``digits`` decimals (``column_digits[column]`` for a column named there).
    The language is `tanfeng.cells.get_language` (`run_demo` sets the report's)."""
    from .io import header_label

    lang = get_language()
    d = df.head(max_rows)
    yes, no = say("report_yes"), say("report_no")

    def cell(v: Any, count: bool, places: int) -> str:
        if isinstance(v, bool | np.bool_):
            return yes if v else no
        if isinstance(v, float | np.floating):
            return "" if np.isnan(v) else f"{v:,.{places}f}"
        if count and isinstance(v, int | np.integer):
            return f"{v:,}"
        if v is None or v is pd.NA:
            return ""
        return str(v).replace("|", "\\|").replace("\n", " ")

    cols = [header_label(str(c), lang=lang) for c in d.columns]
    counts = [str(c) in COUNT_COLUMNS for c in d.columns]
    places = [column_digits.get(str(c), digits) for c in d.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(v, n, p) for v, n, p in zip(row, counts, places)) + " |"
              for row in d.itertuples(index=False)]
    if len(df) > max_rows:
        lines.append("\n" + say("report_more_rows", n=len(df), shown=max_rows))
    return "\n".join(lines)


def run_demo(
    out_dir: str | Path = "report",
    *,
    seed: int = 0,
    as_of: str = DEMO_AS_OF,
    lang: str = "zh",
    progress: Callable[[str], None] | None = None,
) -> DemoReport:
    """Run every capability on the synthetic 诸暨 sample and write the report.

    Parameters
    ----------
    out_dir : path
        Folder for ``report.md``, ``report.html``, ``results.xlsx`` and ``charts/``.
    seed : int
        Seed of :func:`tanfeng.datasets.zhuji_sample`.
    as_of : str
        Date of the progress figures (default: end of 2022, the plan's second year).
    lang : {"zh", "en"}
        Language of the report's headings.
    progress : callable, optional
        Called with a short message before each step (the CLI prints them).

    Examples
    --------
    >>> import tempfile, tanfeng.report as r
    >>> rep = r.run_demo(tempfile.mkdtemp())      # doctest: +SKIP
    >>> rep.html.exists()                          # doctest: +SKIP
    True
    """
    from .datasets import zhuji_sample
    from .factors import FactorSet

    t0 = time.perf_counter()
    lang = "en" if lang == "en" else "zh"  # headings and charts in the same language
    tell = progress or (lambda _m: None)
    out = Path(out_dir)
    charts_dir = out / "charts"
    charts_dir.mkdir(parents=True, exist_ok=True)
    charts: list[Path] = []
    md: list[str] = [f"# {say('report_title', lang)}", "", f"> {say('report_synthetic', lang)}", ""]
    fs = FactorSet.default()

    from .plotting import FONT_HINT, cjk_font

    tell(say("report_step_sample", lang))
    s = zhuji_sample(seed)
    no_font = cjk_font() is None
    # the report's texts, tables and warnings in ``lang``; warnings in the report, not on the console
    with warnings.catch_warnings(record=True) as caught, language(lang):
        warnings.simplefilter("always")
        if no_font:  # charts in English labels; the install hint is said once, not per glyph
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        rep = _run(s, out, charts_dir, charts, md, fs, tell, as_of, t0, caught, "en" if no_font else lang)
    if no_font:
        rep.notes.append(FONT_HINT[lang])
    return rep


@dataclass
class _Page:
    """The report being written: its Markdown lines, its charts (with their label keys when the
    charts show ids for Chinese text) and the tables that go to results.xlsx. ``lang`` is the
    charts' language, ``report_lang`` the text's (the charts are in English without a CJK font)."""

    charts_dir: Path
    charts: list[Path]
    md: list[str]
    progress: Callable[[str], None]
    lang: str
    report_lang: str
    keys: dict[str, dict[str, str]] = field(default_factory=dict)  # chart -> id -> text
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # workbook sheet tables

    def chart(self, name: str, draw: Callable[[Path], Any]) -> None:
        """Draw chart ``name`` into the charts folder and keep its label key."""
        self.charts.append(self.charts_dir / name)
        self.keys[name] = _key(draw(self.charts[-1]))


def _run(s: Any, out: Path, charts_dir: Path, charts: list[Path], md: list[str], fs: Any,
         progress: Callable[[str], None], as_of: str, t0: float, caught: list[warnings.WarningMessage],
         lang: str = "zh") -> DemoReport:
    page = _Page(charts_dir, charts, md, progress, lang, get_language())
    acc, statement = _accounting_section(s, page, fs, out, as_of)
    flagged, low_list = _screening_section(s, page)
    prog = _targets_section(s, page, as_of)
    _per_mu_section(s, page)
    _swap_section(s, page)
    _notes_section(page, acc, fs, caught)
    workbook = _write_workbook(page, out, fs)
    secs = time.perf_counter() - t0
    md_path, html_path = _write_report(page, out, fs, secs)
    return DemoReport(out, md_path, html_path, workbook, [c for c in charts if c.exists()], secs,
                      {"two_high": len(flagged), "low_efficiency": len(low_list), "energy_freed_share": float(prog.loc["energy_freed_tce", "share"]),
                       "as_of": as_of, "date": dt.date.today().isoformat()}, statement=statement)


def _accounting_section(s: Any, page: _Page, fs: Any, out: Path, as_of: str) -> tuple[pd.DataFrame, Path]:
    """一、能源消费与碳排放核算: by year, by carrier, the methods used and the 计算书."""
    from .accounting import account, summarize

    md = page.md
    page.progress(say("report_step_account"))
    acc = account(s.energy, basis="both", region="浙江")
    by_year = summarize(acc, by="year")
    by_carrier = summarize(acc[acc["year"] == 2022], by="carrier_id").sort_values("tce", ascending=False)
    names = {c.id: c.name_en or c.id if page.report_lang == "en" else c.name_zh for c in fs.carriers}
    by_carrier.index = [names.get(str(c), str(c)) for c in by_carrier.index]
    by_carrier.index.name = say("report_carrier")
    md += [f"## {say('report_acc')}", "", say("report_acc_note"), "",
           _md_table(by_year[["tce_calorific", "tce_substitution", "co2_t", "co2_per_tce", "rows"]].reset_index()), "",
           say("report_by_carrier"), "",
           _md_table(by_carrier[["tce", "co2_t", "rows"]].reset_index(), max_rows=12), ""]
    methods = method_table(acc)
    md += [say("report_methods"), "", _md_table(methods, digits=4, max_rows=40), ""]
    page.frames.update(by_year=by_year.reset_index(), by_carrier=by_carrier.reset_index(), methods=methods)

    page.progress(say("report_step_statement"))
    statement, who, year = _statement(s.energy, acc, out, as_of)
    md += [say("report_statement", who=who, year=year), ""]
    return acc, statement


def _screening_section(s: Any, page: _Page) -> tuple[pd.DataFrame, pd.DataFrame]:
    """二、“两高”项目筛查 and the 两高一低 watch list: (flagged projects, listed enterprises)."""
    from .plotting import screening as scr_plot
    from .screening import screen_low_efficiency, screen_two_high

    md = page.md
    page.progress(say("report_step_two_high"))
    scr = screen_two_high(s.projects)
    flagged = scr[scr["two_high"].fillna(False).astype(bool)]
    undecided = scr[scr["two_high"].isna()]
    page.chart("two_high.png", lambda p: scr_plot.two_high_scatter(scr, path=p, lang=page.lang))
    md += [f"## {say('report_two_high')}", "",
           say("report_screened", n=len(scr), flagged=len(flagged), undecided=len(undecided)), "",
           _md_table(flagged[["project", "town", "industry_code", "built_year", "energy_tce", "reason"]], max_rows=12), "",
           "![两高筛查](charts/two_high.png)", ""]
    e2022 = s.energy[s.energy["year"] == 2022]
    low = screen_low_efficiency(s.enterprises, records=e2022, on="enterprise", year=2022)
    low_list = low[low["low_efficiency"].fillna(False).astype(bool)]
    md += [f"### {say('report_low')}", "", say("report_low_count", n=len(low_list)), "",
           _md_table(low_list[["enterprise", "town", "industry", "energy_tce", "tax_per_mu", "reason"]], max_rows=10), ""]
    page.frames.update(scr=scr, low_list=low_list)
    return flagged, low_list


def _progress_table(prog: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The progress table as the report shows it: each measure named in the report's language."""
    from .plotting.targets import measure_names

    t = measure_names(prog, lang)[["name_zh", "unit", "target", "achieved", "share", "rate_needed", "on_pace"]]
    return t.rename(columns={"name_zh": "name"} if lang == "en" else {}).reset_index(drop=True)


def _targets_section(s: Any, page: _Page, as_of: str) -> pd.DataFrame:
    """三、行动方案目标进度: the plan's targets, towns ranked, intensity; returns the progress table."""
    from .plans import ZHUJI_2023
    from .plotting import targets as tgt_plot
    from .targets import Tracker, intensity_decline

    md, lang = page.md, page.lang
    page.progress(say("report_step_targets"))
    acted = s.energy[s.energy["enterprise"].isin(s.actions["enterprise"])]  # each firm's own carrier mix
    tracker = Tracker(ZHUJI_2023, s.actions, energy=acted)
    prog = tracker.progress(as_of=as_of)
    towns = tracker.by_town(as_of=as_of).dropna(axis=1, how="all")  # no town targets: no empty columns
    page.chart("progress.png", lambda p: tgt_plot.progress_bars(prog, path=p, lang=lang))
    page.chart("towns.png", lambda p: tgt_plot.town_ranking(towns, path=p, lang=lang))
    page.chart("timeline.png", lambda p: tgt_plot.progress_timeline(tracker, as_of=as_of, path=p, lang=lang))
    econ = s.economy.set_index("year")
    intensity = intensity_decline(econ["energy_tce"], econ["value_added"], base_year=2020, deflator=econ["deflator"])
    co2_mix = prog.loc["co2_reduced_t", "achieved"] if "co2_reduced_t" in prog.index else float("nan")
    freed = prog.loc["energy_freed_tce", "achieved"]
    md += [f"## {say('report_targets')}", "", say("report_as_of", as_of=as_of), "",
           _md_table(_progress_table(prog, page.report_lang), digits=2), "",
           _co2_note(co2_mix, freed, prog.loc["energy_freed_tce", "target"], tracker.plan.planning_co2_per_tce), "",
           "![目标进度](charts/progress.png)", "", f"### {say('report_towns')}", "", "![镇乡排名](charts/towns.png)", "",
           "![累计进度](charts/timeline.png)", "", f"### {say('report_intensity')}", "",
           _md_table(intensity.reset_index(), digits=2), ""]
    page.frames.update(prog=prog.reset_index(), towns=towns, intensity=intensity.reset_index())
    return prog


def _per_mu_section(s: Any, page: _Page) -> None:
    """四、亩均论英雄评价: classes by town, tax against energy, the low-tax count."""
    from .per_mu import LOW_TAX_THRESHOLD, evaluate, low_tax_per_mu
    from .plotting import per_mu as pm_plot
    from .units import unit_factor

    md, lang = page.md, page.lang
    page.progress(say("report_step_per_mu"))
    # 黄岩 scores 单位能耗增加值 on 等价值: energy from the 2022 records, accounted on that basis
    e2022 = s.energy[s.energy["year"] == 2022]
    pm = evaluate(s.enterprises.drop(columns=["energy_tce"]), "huangyan-2022", classes="tiantai-2022-classes",
                  energy_records=e2022, on="enterprise", year=2022, errors="report")
    low_tax = low_tax_per_mu(s.enterprises)
    page.chart("per_mu_towns.png", lambda p: pm_plot.class_by_town(pm, path=p, lang=lang))
    page.chart("per_mu_scatter.png", lambda p: pm_plot.tax_vs_energy(pm, path=p, lang=lang))
    class_counts = pm["class"].value_counts().sort_index()
    md += [f"## {say('report_per_mu')}", "",
           say("report_per_mu_method", n=int(pm["score"].isna().sum())), "",
           _md_table(class_counts.rename(say("report_firms")).reset_index()), "",
           say("report_low_tax", n=int(low_tax["low_tax"].sum()) if "low_tax" in low_tax else len(low_tax),
               threshold=LOW_TAX_THRESHOLD, yuan=LOW_TAX_THRESHOLD * unit_factor("万元", "元")), "",
           "![分类](charts/per_mu_towns.png)", "", "![亩均税收与单位能耗增加值](charts/per_mu_scatter.png)", ""]
    page.frames["pm"] = pm


#: The demo's new 铸造 project asks for this share of the sample's 铸造 candidates' capacity, and
#: for this share of their energy: enough that the swap must choose, not so much that it fails.
DEMO_SWAP_SHARES = {"capacity": 0.5, "energy_tce": 0.4}


def _demo_swap_project(candidates: pd.DataFrame, project_id: str = "新建高端铸件项目（示例）") -> dict[str, Any]:
    """The demo's new project in 诸暨 (浙江 绍兴), sized by `DEMO_SWAP_SHARES` against ``candidates``
    (the sample's 铸造 sources, whose first product and unit it takes)."""
    return {"id": project_id, "sector": "铸造", "product": str(candidates["product"].iloc[0]),
            "new_capacity": round(float(candidates["capacity"].sum()) * DEMO_SWAP_SHARES["capacity"], 3),
            "capacity_unit": str(candidates["capacity_unit"].iloc[0]), "province": "浙江", "city": "绍兴",
            "county": "诸暨", "new_tce": round(float(candidates["energy_tce"].sum()) * DEMO_SWAP_SHARES["energy_tce"], 1)}


def _swap_section(s: Any, page: _Page) -> None:
    """五、产能置换与能耗替代: a new 铸造 project offset by the sample's 铸造 sources."""
    from .plotting import swap as swap_plot
    from .swap import plan as plan_swap

    page.progress(say("report_step_swap"))
    cands = s.swap_candidates[s.swap_candidates["sector"] == "铸造"]
    swap_plan = plan_swap(_demo_swap_project(cands), cands, on="2023-06-30")
    page.chart("swap.png", lambda p: swap_plot.swap_bars(swap_plan, path=p, lang=page.lang,
                                                         names=cands.set_index("source_id")["enterprise"]))
    page.md += [f"## {say('report_swap')}", "", "```", str(swap_plan), "```", "", "![置换](charts/swap.png)", ""]


def _notes_section(page: _Page, acc: pd.DataFrame, fs: Any, caught: list[warnings.WarningMessage]) -> None:
    """The chart label key (no CJK font), the warnings of the run and 六、所用系数及出处."""
    md = page.md
    if any(page.keys.values()):  # no CJK font: the charts carry ids, their texts are here
        md += [f"## {say('report_label_key')}", ""]
        md += [f"- {name}: " + "; ".join(f"{k} {v}" for k, v in key.items()) for name, key in page.keys.items() if key]
        md += [""]
    notes = sorted({str(w.message) for w in caught})
    if notes:
        md += [f"## {say('report_warnings')}", "", *[f"- {m}" for m in notes], ""]
    used = pd.Index(pd.concat([acc["tce_factor"].astype(str).str.split("+").explode(),
                               acc["co2_factor"].astype(str).str.split("+").explode()]).unique())
    ftable = fs.table()
    ftable = ftable[ftable["id"].isin(used)][["id", "value", "unit", "source_number", "table", "confidence"]]
    shown = ftable.assign(value=ftable["value"].map("{:g}".format))  # every significant digit: 0.03412, not 0.0341
    md += [f"## {say('report_factors')}", "", _md_table(shown, max_rows=40), ""]
    page.frames["ftable"] = ftable


#: The workbook's sheets, in order (their names are ``_TEXT[lang]["sheets"]``).
_SHEETS = ("by_year", "by_carrier", "scr", "low_list", "prog", "towns", "intensity", "pm", "ftable", "methods")


def _write_workbook(page: _Page, out: Path, fs: Any) -> Path:
    """results.xlsx: one formatted sheet per table of the report."""
    from . import __version__
    from .io import write_report_xlsx

    page.progress(say("report_step_write"))
    workbook = out / "results.xlsx"
    sheet_names = say("report_sheets").split("|")
    write_report_xlsx(workbook, dict(zip(sheet_names, [page.frames[k] for k in _SHEETS], strict=True)),
                      notes=[say("report_synthetic"), f"tanfeng {__version__}; factor set {fs.version}"], lang=page.report_lang)
    return workbook


def _write_report(page: _Page, out: Path, fs: Any, secs: float) -> tuple[Path, Path]:
    """report.md and the standalone report.html."""
    from . import __version__

    md = page.md
    md += ["---", say("report_made", version=__version__, fs=fs.version, secs=secs)]
    md_path = out / "report.md"
    md_path.write_text("\n".join(md), encoding="utf-8")
    html_path = out / "report.html"
    html_path.write_text(_to_html("\n".join(md), out, say("report_title")), encoding="utf-8")
    return md_path, html_path


def _statement(energy: pd.DataFrame, acc: pd.DataFrame, out: Path, as_of: str) -> tuple[Path, str, int]:
    """The 计算书 of the enterprise with the largest energy use (当量值) in the year of ``as_of``."""
    from .statement import write_statement

    year = int(as_of[:4]) if int(as_of[:4]) in set(acc["year"]) else int(acc["year"].max())
    who = str(acc[acc["year"] == year].groupby("enterprise", observed=True)["tce"].sum().idxmax())
    path = out / "statement.xlsx"
    write_statement(energy[(energy["enterprise"] == who) & (energy["year"] == year)], path, by="enterprise",
                    region="浙江")
    return path, who, year


#: The text (``factors/rules/texts/report.csv``) naming each coal-rate basis of the 等价值.
_BASES = {"供电": "report_method_basis_supply", "发电": "report_method_basis_generation",
          "user": "report_method_basis_user"}


def _says(code: str, message: str) -> bool:
    """Whether a warning's text (in either language) is the message ``code`` of `tanfeng.cells.REASONS`."""
    from .cells import REASONS

    r = REASONS[code]
    return any(message.startswith(t.split("{", 1)[0]) for t in (r.zh, r.en) if t.split("{", 1)[0])


def _co2_note(co2: float, freed: float, tce_plan: float, plan_ratio: float | None) -> str:
    """The CO2 avoided by the firms' own energy mix beside the plan's planning ratio (its 8万 tce
    and the CO2 target that ratio gives), both said, neither forced to the other."""
    from .units import unit_factor

    ratio = float("nan") if plan_ratio is None else plan_ratio
    wan = unit_factor("万tce", "tce")  # the plan writes its targets in 万 tce and 万 t
    return say("report_co2_note", co2=co2, ratio=co2 / freed, plan_ratio=ratio, tce_plan=tce_plan,
               co2_plan=tce_plan * ratio, tce_plan_wan=tce_plan / wan, co2_plan_wan=tce_plan * ratio / wan)


def _factor_text(factor_id: str) -> str:
    """``0.03412 kgce/MJ``: the value and unit of a factor of the default set (else its id)."""
    from .factors import FactorSet

    table = FactorSet.default().table()
    row = table[table["id"] == factor_id]
    return f"{row['value'].iloc[0]:g} {row['unit'].iloc[0]}" if len(row) else factor_id


def method_table(acc: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """How an `account` result was computed, one line per choice a reader must see: the steam and
    hot-water heat method (with each pressure/temperature used), the 等价值 coal rate of each data
    year (which year and value, and whether it was substituted), and every factor fallback.

    ``lang`` (default: `tanfeng.cells.get_language`) is the language of the headers and texts.

    Examples
    --------
    >>> import pandas as pd, warnings, tanfeng
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     r = tanfeng.account(pd.DataFrame({"carrier": ["蒸汽", "电力"], "quantity": [10, 1],
    ...                                       "unit": ["t", "万kWh"], "pressure": ["1.0 MPa", None]}),
    ...                         basis="both", year=2022)
    >>> method_table(r)["项目"].tolist()[:2]
    ['蒸汽/热水热量', '电力等价值 2022']
    >>> method_table(r, "en")["item"].tolist()[:2]
    ['steam / hot-water heat', 'electricity 等价值 2022']
    """
    from .steam import (
        DEFAULT_STEAM_PRESSURE,
        FEEDWATER_ENTHALPY,
        HOT_WATER_REFERENCE_C,
        WATER_SPECIFIC_HEAT,
        steam_heat_per_tonne,
    )

    lang = lang or get_language()
    rows: list[tuple[str, str, str, str]] = []
    heat_ids = sorted({str(x).split("+")[0] for x in acc["tce_factor"].dropna().astype(str)
                       if str(x).startswith(("enthalpy[", "hot-water[", "heat-as-given"))})
    for hid in heat_ids:
        n = int(acc["tce_factor"].astype(str).str.startswith(hid + "+").sum())
        if hid.startswith("enthalpy["):
            used = acc["tce_factor"].astype(str)
            factor_id = used[used.str.startswith(hid + "+")].iloc[0].split("+")[1]
            how = say("report_method_enthalpy", lang, feedwater=FEEDWATER_ENTHALPY, state=hid[9:-1],
                      heat_factor=_factor_text(factor_id))
        elif hid.startswith("hot-water["):
            how = say("report_method_hot_water", lang, ref=HOT_WATER_REFERENCE_C, cp=WATER_SPECIFIC_HEAT, t=hid[10:-1])
        else:
            how = say("report_method_as_given", lang)
        rows.append((say("report_method_heat", lang), how, say("report_method_rows", lang, n=n),
                     "steam-heat.md §1; IAPWS R7-97(2012)"))
    fallbacks = [str(m) for m in acc.attrs.get("tanfeng", {}).get("fallbacks", [])]
    if any(_says("steam_default_pressure", m) for m in fallbacks):
        heat = float(steam_heat_per_tonne(DEFAULT_STEAM_PRESSURE)[0])
        rows.append((say("report_method_heat", lang), say("report_method_default_pressure", lang, p=DEFAULT_STEAM_PRESSURE),
                     f"{heat:.4f} GJ/t", say("report_method_default_source", lang)))
    for u in acc.attrs.get("tanfeng", {}).get("substitution", []):
        used = (Text("report_method_used_year", year=u["used_year"]) if u["used_year"] is not None
                else Text("report_method_no_year"))
        rows.append((say("report_method_substitution", lang, year=u["data_year"]),
                     say("report_method_substitution_how", lang, rule=u["rule"], year=u["data_year"],
                         target=u["coal_rate_year"], used=used, basis=Text(_BASES[u["basis"]]) if u["basis"] in _BASES
                         else u["basis"]),
                     f"{u['value']:g} {u['unit']}", u["factor_id"]))
    rows += [(say("report_method_fallback", lang), m, "", "") for m in fallbacks
             if not (_says("steam_default_pressure", m) or _says("substitution_asked", m))]
    return pd.DataFrame(rows, columns=say("report_method_columns", lang).split("|"))


#: A table cell that is a number (right-aligned in the HTML report): 1,234.5 / -3 / 77.6%.
_NUMBER = re.compile(r"^[-−+]?[0-9][0-9,]*(\.[0-9]+)?%?$")


def _key(fig: Any) -> dict[str, str]:
    """The ids a chart drawn without a CJK font carries (empty with the font)."""
    return dict(getattr(fig, "label_key", {}))


def _to_html(markdown: str, base: Path, title: str) -> str:
    """A small Markdown-to-HTML rendering (headings, tables, images embedded, code, lists)."""
    out: list[str] = []
    in_table = in_code = in_list = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            out.append("</pre>" if in_code else "<pre>")
            in_code = not in_code
            continue
        if in_code:
            out.append(html.escape(line))
            continue
        if in_list and not line.startswith("- "):
            out.append("</ul>")
            in_list = False
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            if set(line) <= {"|", "-"}:
                continue
            if not in_table:
                out.append("<table><thead><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in cells) + "</tr></thead><tbody>")
                in_table = True
            else:
                out.append("<tr>" + "".join(f"<td class='num'>{html.escape(c)}</td>" if _NUMBER.match(c)
                                            else f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            out.append("</tbody></table>")
            in_table = False
        if line.startswith("!["):
            alt, src = line[2:].split("](", 1)
            p = base / src.rstrip(")")
            if p.exists():
                data = base64.b64encode(p.read_bytes()).decode()
                out.append(f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"></figure>')
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{html.escape(line[level:].strip())}</h{level}>")
        elif line.startswith("> "):
            out.append(f"<p class='note'>{html.escape(line[2:])}</p>")
        elif line.startswith("- "):
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{html.escape(line[2:])}</li>")
        elif line.strip() == "---":
            out.append("<hr>")
        elif line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        out.append("</tbody></table>")
    style = ("body{font-family:'Microsoft YaHei','PingFang SC','Noto Sans CJK SC','Noto Sans SC',SimHei,sans-serif;"
             "max-width:1100px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0;"
             "font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}"
             "td.num{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%}.note{background:#fff4d6;padding:.6em}"
             "pre{background:#f6f6f6;padding:1em;white-space:pre-wrap}")
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(out) + "\n</body></html>\n")
