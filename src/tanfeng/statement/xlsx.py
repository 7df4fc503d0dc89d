"""The statement as an Excel workbook: one sheet per entity with live formulas, and a 依据 sheet.

Each entity sheet has five parts: 一 the quantities as given (the only typed numbers besides
the coefficients), 二/三 折标准煤 on the 当量值 and 等价值 bases, 四 CO2, 五 the totals. Every
result cell is a formula over the quantity, direction and coefficient cells of the sheet
(``=H7*F7*I18*K18*M18``), so a reviewer who changes a coefficient sees every total follow.
Text from the records goes through :func:`tanfeng.io.text_cell` and never becomes a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..regions import default_regions
from . import model
from .basis import RULES
from .chains import CO2_ROLES, QUANTITY_LABELS, TCE_ROLES, Term, by_role, source_text, words
from .model import EntityStatement, Statement

#: Number formats: quantities and coefficients as typed; results to 4 decimals, totals to 2.
FMT_INPUT = "General"
FMT_RESULT = "#,##0.0000"
FMT_TOTAL = "#,##0.00"


def col(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (openpyxl's column letters, counted from 0)."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(i + 1))


class _Sheet:
    """A write-only sheet written row by row, tracking the row number."""

    def __init__(self, wb: Any, title: str, widths: list[float]) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = wb.create_sheet(title)
        for i, w in enumerate(widths):  # a write-only sheet takes its widths before the first row
            self.ws.column_dimensions[col(i)].width = w
        self.row = 0
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=14)
        self.fill = PatternFill("solid", fgColor="DDEBF7")
        self.total_fill = PatternFill("solid", fgColor="FFF2CC")
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def cell(self, value: Any, fmt: str | None = None, *, bold: bool = False, fill: Any = None,
             text: bool = False, font: Any = None) -> Any:
        from openpyxl.cell import WriteOnlyCell

        from ..io import text_cell

        if isinstance(value, str) and (text or not value.startswith("=")):
            c = text_cell(self.ws, value)
            if isinstance(c, str):
                c = WriteOnlyCell(self.ws, value=c)
        else:
            c = WriteOnlyCell(self.ws, value=value)
        if fmt:
            c.number_format = fmt
        if bold:
            c.font = self.bold
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        return c

    def append(self, cells: list[Any]) -> int:
        self.ws.append(cells)
        self.row += 1
        return self.row

    def header(self, names: list[str]) -> int:
        return self.append([self.cell(n, bold=True, fill=self.fill, text=True) for n in names])

    def heading(self, text: str) -> int:
        self.append([])
        return self.append([self.cell(text, bold=True, text=True)])


def _num(x: float) -> float | None:
    return None if x != x else float(x)  # NaN -> empty


def _inputs(sh: _Sheet, e: EntityStatement) -> dict[int, tuple[str, str]]:
    """Part 一: the quantities as given. Returns line position -> (quantity cell, direction cell)."""
    ids = list(dict.fromkeys(k for ln in e.lines for k in ln.ids))
    heads = ["序号", "能源品种（原文）", "能源品种", *[model.label(k) for k in ids], "类别", "计入方向", "实物量", "计量单位", "问题"]
    sh.heading("一、能源消费实物量（原始数据）")
    sh.header(heads)
    qcol, dcol = col(3 + len(ids) + 2), col(3 + len(ids) + 1)
    cells: dict[int, tuple[str, str]] = {}
    for i, ln in enumerate(e.lines, 1):
        r = sh.row + 1
        row = [sh.cell(i), sh.cell(ln.carrier, text=True), sh.cell(ln.carrier_name, text=True)]
        row += [sh.cell(_plain(ln.ids.get(k)), text=isinstance(ln.ids.get(k), str)) for k in ids]
        row += [sh.cell(model.CATEGORY[ln.category], text=True), sh.cell(ln.sign, "0"), sh.cell(_num(ln.quantity), FMT_INPUT),
                sh.cell(ln.unit, text=True), sh.cell(ln.problem, text=True)]
        sh.append(row)
        cells[ln.position] = (f"{qcol}{r}", f"{dcol}{r}")
    return cells


def _plain(v: Any) -> Any:
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, str):
        try:
            return v.item()
        except (AttributeError, ValueError):
            return str(v)
    return v if isinstance(v, int | float | str) else str(v)


Placed = list[tuple[dict[str, Term], list[Term]]]
#: Columns before the coefficients in parts 二–四; 实物量 is column 4, 计入方向 column 6 (0-based).
FIXED = ["序号", "能源品种", "类别", "范围", "实物量", "计量单位", "计入方向"]


def _placed(e: EntityStatement, which: str) -> Placed:
    """Each line's terms by column (role), and those that fit no column."""
    co2 = which == "co2"
    return [by_role(c, co2) if (c := ln.chain(which)) is not None else ({}, []) for ln in e.lines]


def _slots(which: str, placed: Placed) -> int:
    roles = CO2_ROLES if which == "co2" else TCE_ROLES
    return len(roles) + max((len(x) for _, x in placed), default=0)


def _chain_table(sh: _Sheet, e: EntityStatement, inputs: dict[int, tuple[str, str]],
                 which: str, placed: Placed, n_slots: int) -> tuple[str, int, int, str, str]:
    """Parts 二–四: one row per line, a formula per result; every part has ``n_slots`` coefficient
    columns so the results of all parts stand in one column. Returns (result column, first row,
    last row, category column, scope column)."""
    co2 = which == "co2"
    roles = CO2_ROLES if co2 else TCE_ROLES
    num, name, formula_words, unit = model.PARTS[which]
    title = f"{num}、{name}：{formula_words}"
    result_unit = f"{'排放量' if co2 else '标准煤'}（{unit}）"
    n_extra = max((len(x) for _, x in placed), default=0)
    heads = list(FIXED)
    names = [*roles.values(), *[f"其他项{k + 1}" for k in range(n_extra)]]
    for k in range(n_slots):
        heads += [names[k], f"{names[k]} 单位"] if k < len(names) else ["", ""]
    heads += [result_unit, "计算式", "系数出处"]
    sh.heading(title)
    sh.header(heads)
    first = sh.row + 1
    base = len(FIXED)  # first coefficient column
    ccol, scol, rcol = col(2), col(3), col(base + 2 * n_slots)
    for i, (ln, (slots, extra)) in enumerate(zip(e.lines, placed), 1):
        r = sh.row + 1
        q, d = inputs[ln.position]
        row = [sh.cell(i), sh.cell(ln.carrier_name, text=True), sh.cell(model.CATEGORY[ln.category], text=True),
               sh.cell(ln.scope, "0") if ln.scope else None]
        row += [sh.cell(f"={q}", FMT_INPUT), sh.cell(ln.unit, text=True), sh.cell(f"={d}", "0")]
        refs = []
        terms = [*[slots.get(k) for k in roles], *extra]
        terms += [None] * (n_slots - len(terms))
        for j, t in enumerate(terms):
            vcol = col(base + 2 * j)
            if t is None:
                row += [None, None]
                continue
            row += [sh.cell(t.formula or t.value, FMT_INPUT), sh.cell(t.unit, text=True)]
            refs.append(("/" if t.divide else "*") + f"{vcol}{r}")
        chain = ln.chain(which)
        if chain is None:
            why = ln.problem or ("原料用能：不作燃料燃烧，不计燃烧排放" if co2 and ln.category == "feedstock" else "未计算")
            value = "=0" if co2 and ln.category == "feedstock" else None
            row += [sh.cell(value, FMT_RESULT), sh.cell(why, text=True), None]
        else:
            formula = f"={col(base - 1)}{r}*{col(base - 3)}{r}" + "".join(refs)
            row += [sh.cell(formula, FMT_RESULT), sh.cell(words(ln.quantity, ln.unit, ln.sign, chain, result_unit), text=True),
                    sh.cell(source_text(chain), text=True)]
        sh.append(row)
    return rcol, first, sh.row, ccol, scol


def _totals(sh: _Sheet, refs: dict[str, tuple[str, int, int, str, str]], co2: bool) -> dict[str, str]:
    """Part 五: totals as formulas over the tables. Returns total name -> cell."""
    sh.heading("五、汇总")
    sh.header(["项目", "数值", "单位", "计算"])
    out: dict[str, str] = {}

    def put(key: str, label: str, formula: str, unit: str, how: str) -> None:
        r = sh.append([sh.cell(label, text=True, bold=True), sh.cell(formula, FMT_TOTAL, fill=sh.total_fill),
                       sh.cell(unit, text=True), sh.cell(how, text=True)])
        out[key] = f"B{r}"

    for b, zh in model.BASES.items():
        rc, r0, r1, cc, _ = refs[b]
        rng, crng = f"{rc}{r0}:{rc}{r1}", f"{cc}{r0}:{cc}{r1}"
        put(f"tce_{b}", f"综合能源消费量（{zh}）", f"=SUM({rng})", "tce", f"表{'二' if b == 'calorific' else '三'}标准煤之和（外供为负，已扣减）")
        put(f"feedstock_{b}", f"  其中：原料用能（{zh}）", f'=SUMIF({crng},"{model.CATEGORY["feedstock"]}",{rng})', "tce", "类别为原料用能的行之和")
        put(f"output_{b}", f"  其中：外供扣减（{zh}）", f'=SUMIF({crng},"{model.CATEGORY["output"]}",{rng})', "tce", "类别为外供的行之和（负数）")
        put(f"tce_{b}_excl_feedstock", f"扣除原料用能后的综合能源消费量（{zh}）",
            f"={out[f'tce_{b}']}-{out[f'feedstock_{b}']}", "tce", "综合能源消费量 − 原料用能")
    if co2:
        rc, r0, r1, _, sc = refs["co2"]
        rng, srng = f"{rc}{r0}:{rc}{r1}", f"{sc}{r0}:{sc}{r1}"
        for s, label in model.SCOPES.items():
            put(f"co2_scope{s}", f"二氧化碳排放 {label}", f"=SUMIF({srng},{s},{rng})", "tCO2", f"表四范围为 {s} 的行之和")
        put("co2_t", "二氧化碳排放合计", f"={out['co2_scope1']}+{out['co2_scope2']}", "tCO2", "范围一 + 范围二")
    return out


#: The name of each total cell in a written workbook, as `account` names the figure.
TOTAL_KEYS = {"tce_calorific": "tce_calorific", "tce_substitution": "tce_substitution",
              "tce_calorific_excl_feedstock": "tce_calorific_excl_feedstock",
              "tce_substitution_excl_feedstock": "tce_substitution_excl_feedstock",
              "co2_scope1": "co2_scope1", "co2_scope2": "co2_scope2", "co2_t": "co2_t"}


def _entity_sheet(wb: Any, e: EntityStatement, st: Statement, title: str) -> dict[str, str]:
    parts = [*model.BASES, *(["co2"] if st.co2 else [])]
    placed = {w: _placed(e, w) for w in parts}
    n_slots = max(_slots(w, placed[w]) for w in parts)
    sh = _Sheet(wb, title, [6.0, 14, 12, 6, 12, 10, 8] + [11, 10] * n_slots + [14, 60, 60])
    sh.append([sh.cell(f"能源消费与二氧化碳排放计算书：{e.title}", text=True, font=sh.title_font)])
    sh.append([sh.cell(model.subject(e, st), text=True)])
    sh.append([sh.cell(f"电网区域：{st.region_label}；系数库版本：{st.factor_set}；系数出处见“依据”表。"
                       "除实物量与系数外，数值均为公式：修改实物量或系数后自动重算。", text=True)])
    inputs = _inputs(sh, e)
    refs = {}
    for which in parts:
        refs[which] = _chain_table(sh, e, inputs, which, placed[which], n_slots)
    cells = _totals(sh, refs, st.co2)
    return {k: f"'{title}'!{v}" for k, v in cells.items()}


def _basis_sheet(wb: Any, st: Statement) -> None:
    from .. import __version__

    sh = _Sheet(wb, "依据", [36.0, 14, 16, 10, 12, 8, 8, 8, 22, 40, 20, 10, 60])
    sh.append([sh.cell("计算依据", text=True, font=sh.title_font)])
    sh.append([sh.cell(f"tanfeng {__version__}；系数库版本 {st.factor_set}；电网区域 {st.region_label}；"
                       f"数据年份 {st.arguments['year'] or '按记录'}", text=True)])
    sh.heading("一、所用系数")
    sh.header(["系数编号", "能源品种", "量", "数值", "单位", "口径", "地区", "数据年份", "文件编号", "文件名称", "表", "可信度", "说明"])
    for f in st.factors:
        sh.append([sh.cell(x, text=isinstance(x, str)) for x in (
            f.id, st.carrier_names.get(f.carrier, f.carrier), QUANTITY_LABELS.get(f.quantity, f.quantity), f.value, f.unit, {"calorific": "当量值", "substitution": "等价值"}.get(f.basis, "通用"),
            default_regions().label(f.region, "zh"), f.data_year, f.source_number, f.source_title, f.table, f.confidence, f.note)])
    sh.heading("二、所引文件")
    sh.header(["文件编号", "文件名称", "发布机关", "发布日期", "网址"])
    for s in st.sources:
        sh.append([sh.cell(s.get(k, ""), text=True) for k in ("number", "title", "issuer", "date", "url")])
    if st.substitution:
        sh.heading("二之一、电力等价值的选用（按数据年份）")
        sh.header(model.SUBSTITUTION_HEADS)
        for rec in st.substitution:
            sh.append([sh.cell(_plain(v), text=isinstance(v, str)) for v in model.substitution_row(rec)])
    if st.keys is not None and len(st.keys):
        sh.heading("二之二、计算依据：每个（能源品种、单位、年份、地区）所用系数（tanfeng.explain）")
        sh.header([str(c) for c in st.keys.columns])
        for rec in st.keys.itertuples(index=False):
            sh.append([None if model.is_blank(v) else sh.cell(_plain(v), text=isinstance(v, str)) for v in rec])
    sh.heading("三、计算规则")
    sh.header(["规则", "出处"])
    for rule, where in RULES:
        sh.append([sh.cell(rule, text=True), sh.cell(where, text=True)])
    if st.fallbacks:
        sh.heading("四、系数选用说明（回退）")
        for m in st.fallbacks:
            sh.append([sh.cell(m, text=True)])


def write_xlsx(st: Statement, path: str | Path) -> tuple[Path, dict[str, dict[str, str]]]:
    """Write the workbook. Returns the path and, per entity title, total name -> ``sheet!cell``."""
    from openpyxl import Workbook

    from ..io import save_workbook, sheet_title

    wb = Workbook(write_only=True)
    used: set[str] = set()
    where: dict[str, dict[str, str]] = {}
    for e in st.entities:
        title = sheet_title(e.title, used)
        where[e.title] = _entity_sheet(wb, e, st, title)
    used.add("依据")
    _basis_sheet(wb, st)
    return save_workbook(wb, path), where

