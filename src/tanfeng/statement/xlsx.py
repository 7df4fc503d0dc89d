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

from ..cells import say
from ..regions import default_regions
from . import model
from .basis import rules
from .chains import CO2_ROLES, TCE_ROLES, Term, by_role, quantity_label, source_text, words
from .labels import numbered, paren
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

    def __init__(self, wb: Any, title: str, widths: list[float], lang: str) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.lang = lang  # the language of the sheet's texts
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


def _inputs(sh: _Sheet, e: EntityStatement, lang: str) -> dict[int, tuple[str, str]]:
    """Part 一: the quantities as given. Returns line position -> (quantity cell, direction cell)."""
    ids = list(dict.fromkeys(k for ln in e.lines for k in ln.ids))
    heads = [say(c, lang) for c in ("statement_col_no", "statement_col_carrier_given", "statement_col_carrier")] + [model.label(k, lang) for k in ids]
    heads += [say(c, lang) for c in ("statement_col_category", "statement_col_direction", "statement_col_quantity", "statement_col_unit", "statement_col_problem")]
    sh.heading(numbered("1", "statement_inputs", lang))
    sh.header(heads)
    qcol, dcol = col(3 + len(ids) + 2), col(3 + len(ids) + 1)
    cells: dict[int, tuple[str, str]] = {}
    for i, ln in enumerate(e.lines, 1):
        r = sh.row + 1
        row = [sh.cell(i), sh.cell(ln.carrier, text=True), sh.cell(ln.carrier_name, text=True)]
        row += [sh.cell(_plain(ln.ids.get(k)), text=isinstance(ln.ids.get(k), str)) for k in ids]
        row += [sh.cell(model.category(ln.category, lang), text=True), sh.cell(ln.sign, "0"), sh.cell(_num(ln.quantity), FMT_INPUT),
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
#: Columns before the coefficients in parts 二–四 (their texts); 实物量 is column 4, 计入方向 column 6 (0-based).
FIXED = ["statement_col_no", "statement_col_carrier", "statement_col_category", "statement_col_scope", "statement_col_quantity", "statement_col_unit", "statement_col_direction"]


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
    co2, lang = which == "co2", sh.lang
    roles = CO2_ROLES if co2 else TCE_ROLES
    num, name, formula_words, unit = model.part(which, lang)
    title = say("statement_numbered", lang, num=num, text=say("statement_field", lang, label=name, value=formula_words))
    result_unit = say("statement_result_co2" if co2 else "statement_result_tce", lang, unit=unit)
    n_extra = max((len(x) for _, x in placed), default=0)
    heads = [say(c, lang) for c in FIXED]
    names = [*[say(c, lang) for c in roles.values()], *[say("statement_col_other", lang, n=k + 1) for k in range(n_extra)]]
    for k in range(n_slots):
        heads += [names[k], say("statement_col_term_unit", lang, name=names[k])] if k < len(names) else ["", ""]
    heads += [result_unit, say("statement_col_formula", lang), say("statement_col_sources", lang)]
    sh.heading(title)
    sh.header(heads)
    first = sh.row + 1
    base = len(FIXED)  # first coefficient column
    ccol, scol, rcol = col(2), col(3), col(base + 2 * n_slots)
    for i, (ln, (slots, extra)) in enumerate(zip(e.lines, placed), 1):
        r = sh.row + 1
        q, d = inputs[ln.position]
        row = [sh.cell(i), sh.cell(ln.carrier_name, text=True), sh.cell(model.category(ln.category, lang), text=True),
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
            why = model.not_shown(ln, which, lang)
            value = "=0" if co2 and ln.category == "feedstock" else None
            row += [sh.cell(value, FMT_RESULT), sh.cell(why, text=True), None]
        else:
            formula = f"={col(base - 1)}{r}*{col(base - 3)}{r}" + "".join(refs)
            row += [sh.cell(formula, FMT_RESULT), sh.cell(words(ln.quantity, ln.unit, ln.sign, chain, result_unit), text=True),
                    sh.cell(source_text(chain, lang), text=True)]
        sh.append(row)
    return rcol, first, sh.row, ccol, scol


def _totals(sh: _Sheet, refs: dict[str, tuple[str, int, int, str, str]], co2: bool) -> dict[str, str]:
    """Part 五: totals as formulas over the tables. Returns total name -> cell."""
    lang = sh.lang
    sh.heading(numbered("5", "statement_totals", lang))
    sh.header([say(c, lang) for c in ("statement_col_item", "statement_col_value", "statement_col_short_unit", "statement_col_how")])
    out: dict[str, str] = {}

    def put(key: str, label: str, formula: str, unit: str, how: str) -> None:
        r = sh.append([sh.cell(label, text=True, bold=True), sh.cell(formula, FMT_TOTAL, fill=sh.total_fill),
                       sh.cell(unit, text=True), sh.cell(how, text=True)])
        out[key] = f"B{r}"

    for b in model.BASES:
        name, num = model.basis_label(b, lang), model.part(b, lang)[0]
        rc, r0, r1, cc, _ = refs[b]
        rng, crng = f"{rc}{r0}:{rc}{r1}", f"{cc}{r0}:{cc}{r1}"
        put(f"tce_{b}", say("statement_total_tce", lang, basis=name), f"=SUM({rng})", "tce", say("statement_total_tce_how", lang, num=num))
        put(f"feedstock_{b}", "  " + say("statement_total_feedstock", lang, basis=name),
            f'=SUMIF({crng},"{model.category("feedstock", lang)}",{rng})', "tce", say("statement_total_feedstock_how", lang))
        put(f"output_{b}", "  " + say("statement_total_output", lang, basis=name),
            f'=SUMIF({crng},"{model.category("output", lang)}",{rng})', "tce", say("statement_total_output_how", lang))
        put(f"tce_{b}_excl_feedstock", say("statement_total_excl", lang, basis=name),
            f"={out[f'tce_{b}']}-{out[f'feedstock_{b}']}", "tce", say("statement_total_excl_how", lang))
    if co2:
        rc, r0, r1, _, sc = refs["co2"]
        rng, srng = f"{rc}{r0}:{rc}{r1}", f"{sc}{r0}:{sc}{r1}"
        for s in model.SCOPES:
            put(f"co2_scope{s}", say("statement_total_co2_scope", lang, scope=model.scope_label(s, lang)), f"=SUMIF({srng},{s},{rng})",
                "tCO2", say("statement_total_co2_scope_how", lang, scope=s))
        put("co2_t", say("statement_total_co2", lang), f"={out['co2_scope1']}+{out['co2_scope2']}", "tCO2", say("statement_total_co2_how", lang))
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
    sh = _Sheet(wb, title, [6.0, 14, 12, 6, 12, 10, 8] + [11, 10] * n_slots + [14, 60, 60], st.lang)
    sh.append([sh.cell(say("statement_title_of", st.lang, entity=e.title), text=True, font=sh.title_font)])
    sh.append([sh.cell(model.subject(e, st), text=True)])
    sh.append([sh.cell(say("statement_sheet_note", st.lang, region=st.region_label, version=st.factor_set), text=True)])
    inputs = _inputs(sh, e, st.lang)
    refs = {}
    for which in parts:
        refs[which] = _chain_table(sh, e, inputs, which, placed[which], n_slots)
    cells = _totals(sh, refs, st.co2)
    return {k: f"'{title}'!{v}" for k, v in cells.items()}


#: The columns of the 所用系数 table on 依据 (their texts).
FACTOR_COLUMNS = ("statement_col_factor_id", "statement_col_carrier", "statement_col_factor_kind", "statement_col_value", "statement_col_short_unit", "statement_col_basis",
                  "statement_col_region", "statement_col_data_year", "statement_col_doc_number", "statement_col_doc_title", "statement_col_table", "statement_col_confidence",
                  "statement_col_note")
#: The columns of the 所引文件 table on 依据 (their texts) and the source fields they show.
DOCUMENT_COLUMNS = {"statement_col_doc_number": "number", "statement_col_doc_title": "title", "statement_col_issuer": "issuer", "statement_col_date": "date",
                    "statement_col_url": "url"}


def _basis_sheet(wb: Any, st: Statement, title: str) -> None:
    from .. import __version__

    lang = st.lang
    sh = _Sheet(wb, title, [36.0, 14, 16, 10, 12, 8, 8, 8, 22, 40, 20, 10, 60], lang)
    sh.append([sh.cell(say("statement_basis_title", lang), text=True, font=sh.title_font)])
    sh.append([sh.cell(say("statement_basis_run", lang, tanfeng=__version__, version=st.factor_set, region=st.region_label,
                          year=st.arguments["year"] or say("statement_as_recorded", lang)), text=True)])
    sh.heading(numbered("1", "statement_factors_used", lang))
    sh.header([say(c, lang) for c in FACTOR_COLUMNS])
    for f in st.factors:
        basis = model.basis_label(f.basis if f.basis in model.BASES else "any", lang)
        sh.append([sh.cell(x, text=isinstance(x, str)) for x in (
            f.id, st.carrier_names.get(f.carrier, f.carrier), quantity_label(f.quantity, lang), f.value, f.unit, basis,
            default_regions().label(f.region, lang), f.data_year, f.source_number, f.source_title, f.table, f.confidence, f.note)])
    sh.heading(numbered("2", "statement_documents", lang))
    sh.header([say(c, lang) for c in DOCUMENT_COLUMNS])
    for s in st.sources:
        sh.append([sh.cell(s.get(k, ""), text=True) for k in DOCUMENT_COLUMNS.values()])
    if st.substitution:
        sh.heading(numbered("2a", "statement_substitution_choice", lang))
        sh.header(model.substitution_heads(lang))
        for rec in st.substitution:
            sh.append([sh.cell(_plain(v), text=isinstance(v, str)) for v in model.substitution_row(rec, lang)])
    if st.keys is not None and len(st.keys):
        sh.heading(say("statement_numbered", lang, num=say("statement_num_2b", lang), text=paren(say("statement_keys", lang), "tanfeng.explain", lang)))
        sh.header([str(c) for c in st.keys.columns])
        for rec in st.keys.itertuples(index=False):
            sh.append([None if model.is_blank(v) else sh.cell(_plain(v), text=isinstance(v, str)) for v in rec])
    sh.heading(numbered("3", "statement_rules", lang))
    sh.header([say("statement_col_rule", lang), say("statement_col_source", lang)])
    for rule, where in rules(lang):
        sh.append([sh.cell(rule, text=True), sh.cell(where, text=True)])
    if st.fallbacks:
        sh.heading(numbered("4", "statement_fallbacks", lang))
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
    basis = sheet_title(say("statement_basis_sheet", st.lang), used)
    _basis_sheet(wb, st, basis)
    return save_workbook(wb, path), where

