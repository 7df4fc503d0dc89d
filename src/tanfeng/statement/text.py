"""The statement as Markdown or HTML: the same lines, each formula written out in words.

``1000 吨 × 1000 kg/吨 × 0.7143 kgce/kg × 0.001 tce/kgce = 714.3 tce`` — what a reviewer reads
aloud when checking a line. Both renderings come from one list of blocks (heading, paragraph,
table), so they never differ in content.
"""

from __future__ import annotations

import html
from typing import Any

from ..cells import say
from ..regions import default_regions
from . import model
from .basis import rules
from .chains import number_text, quantity_label, source_text, words
from .labels import numbered
from .model import EntityStatement, Statement

Block = tuple[str, Any]  # ("h1" | "h2" | "h3" | "p", text) or ("table", (headers, rows))


def _fmt(x: float, digits: int = 4) -> str:
    return "" if x != x else f"{x:,.{digits}f}"


def _heads(codes: tuple[str, ...], lang: str) -> list[str]:
    return [say(c, lang) for c in codes]


def _entity_blocks(e: EntityStatement, st: Statement) -> list[Block]:
    lang = st.lang
    out: list[Block] = [("h2", f"{e.title}"),
                        ("p", model.subject(e, st) + say("statement_text_note", lang, region=st.region_label, version=st.factor_set))]
    ids = list(dict.fromkeys(k for ln in e.lines for k in ln.ids))
    rows = [[str(i), ln.carrier, ln.carrier_name, *[str(ln.ids.get(k, "")) for k in ids], model.category(ln.category, lang),
             number_text(ln.quantity), ln.unit, ln.problem] for i, ln in enumerate(e.lines, 1)]
    heads = [*_heads(("statement_col_no", "statement_col_carrier_given", "statement_col_carrier"), lang), *[model.label(k, lang) for k in ids],
             *_heads(("statement_col_category", "statement_col_quantity", "statement_col_unit", "statement_col_problem"), lang)]
    out += [("h3", numbered("1", "statement_inputs", lang)), ("table", (heads, rows))]
    for which in [*model.BASES, *(["co2"] if st.co2 else [])]:
        num, name, formula_words, unit = model.part(which, lang)
        rows = []
        for i, ln in enumerate(e.lines, 1):
            chain = ln.chain(which)
            value = ln.co2_value if which == "co2" else ln.tce_value[which]
            category = model.category(ln.category, lang)
            if chain is None:
                rows.append([str(i), ln.carrier_name, category, model.not_shown(ln, which, lang), _fmt(value), ""])
                continue
            text = words(ln.quantity, ln.unit, ln.sign, chain, unit).replace(f" → {unit}", f" = {_fmt(value)} {unit}")
            rows.append([str(i), ln.carrier_name, category, text, _fmt(value), source_text(chain, lang)])
        heads = [*_heads(("statement_col_no", "statement_col_carrier", "statement_col_category", "statement_col_formula"), lang), unit, say("statement_col_sources", lang)]
        out += [("h3", say("statement_numbered", lang, num=num, text=name)), ("p", formula_words), ("table", (heads, rows))]
    heads = _heads(("statement_col_item", "statement_col_how", "statement_col_value", "statement_col_short_unit"), lang)
    out += [("h3", numbered("5", "statement_totals", lang)), ("table", (heads, _total_rows(e, st)))]
    return out


def _total_rows(e: EntityStatement, st: Statement) -> list[list[str]]:
    t, n, lang = e.totals, len(e.lines), st.lang
    rows = []
    for b in model.BASES:
        num, name = model.part(b, lang)[0], model.basis_label(b, lang)
        feed = sum(ln.tce_value[b] for ln in e.lines if ln.category == "feedstock")
        rows += [[say("statement_total_tce", lang, basis=name), say("statement_total_tce_rows", lang, num=num, n=n), _fmt(t[f"tce_{b}"], 2), "tce"],
                 [say("statement_total_feedstock", lang, basis=name), say("statement_total_feedstock_how", lang), _fmt(feed, 2), "tce"],
                 [say("statement_total_excl", lang, basis=name), f"{_fmt(t[f'tce_{b}'], 2)} − {_fmt(feed, 2)}",
                  _fmt(t[f"tce_{b}_excl_feedstock"], 2), "tce"]]
    if st.co2:
        for s in model.SCOPES:
            rows.append([say("statement_total_co2_scope", lang, scope=model.scope_label(s, lang)), say("statement_total_co2_scope_how", lang, scope=s),
                         _fmt(t[f"co2_scope{s}"], 2), "tCO2"])
        rows.append([say("statement_total_co2", lang), f"{_fmt(t['co2_scope1'], 2)} + {_fmt(t['co2_scope2'], 2)}", _fmt(t["co2_t"], 2), "tCO2"])
    return rows


#: The columns of the 所用系数 table (their texts).
FACTOR_COLUMNS = ("statement_col_factor_id", "statement_col_carrier", "statement_col_factor_kind", "statement_col_value", "statement_col_short_unit", "statement_col_region",
                  "statement_col_data_year", "statement_col_source", "statement_col_confidence")


def _basis_blocks(st: Statement) -> list[Block]:
    from .. import __version__

    lang = st.lang
    factors = [[f.id, st.carrier_names.get(f.carrier, f.carrier), quantity_label(f.quantity, lang), number_text(f.value), f.unit,
                default_regions().label(f.region, lang), "" if f.data_year is None else str(f.data_year), f.citation,
                f.confidence] for f in st.factors]
    docs = [[s.get("number", ""), s.get("title", ""), s.get("issuer", ""), s.get("date", "")] for s in st.sources]
    run = say("statement_basis_run", lang, tanfeng=__version__, version=st.factor_set, region=st.region_label,
             year=st.arguments["year"] or say("statement_as_recorded", lang))
    out: list[Block] = [
        ("h2", say("statement_basis_sheet", lang)), ("p", run + say("statement_full_stop", lang)),
        ("h3", say("statement_factors_used", lang)), ("table", (_heads(FACTOR_COLUMNS, lang), factors)),
        ("h3", say("statement_documents", lang)), ("table", (_heads(("statement_col_doc_number", "statement_col_doc_title", "statement_col_issuer", "statement_col_date"), lang), docs)),
        *([("h3", say("statement_substitution_choice", lang)),
           ("table", (model.substitution_heads(lang), [["" if v is None else str(v) for v in model.substitution_row(r, lang)]
                                                 for r in st.substitution]))] if st.substitution else []),
        *([("h3", say("statement_keys", lang)),
           ("table", ([str(c) for c in st.keys.columns],
                      [["" if model.is_blank(v) else (number_text(v) if isinstance(v, float) else str(v)) for v in r]
                       for r in st.keys.itertuples(index=False)]))] if st.keys is not None and len(st.keys) else []),
        ("h3", say("statement_rules", lang)), ("table", (_heads(("statement_col_rule", "statement_col_source"), lang), [list(r) for r in rules(lang)])),
    ]
    if st.fallbacks:
        out += [("h3", say("statement_fallbacks", lang)), ("table", ([say("statement_col_note", lang)], [[m] for m in st.fallbacks]))]
    return out


def blocks(st: Statement) -> list[Block]:
    """The statement as a list of blocks."""
    out: list[Block] = [("h1", say("statement_title", st.lang))]
    for e in st.entities:
        out += _entity_blocks(e, st)
    return out + _basis_blocks(st)


def to_markdown(st: Statement) -> str:
    """The statement as Markdown (tables; ``|`` in text escaped)."""
    def cell(x: str) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    lines: list[str] = []
    for kind, body in blocks(st):
        if kind in ("h1", "h2", "h3"):
            lines += ["#" * int(kind[1]) + " " + cell(body), ""]
        elif kind == "p":
            lines += [cell(body), ""]
        else:
            heads, rows = body
            lines += ["| " + " | ".join(map(cell, heads)) + " |", "|" + "---|" * len(heads)]
            lines += ["| " + " | ".join(map(cell, r)) + " |" for r in rows]
            lines.append("")
    return "\n".join(lines)


_CSS = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:13px}
th,td{border:1px solid #bbb;padding:3px 6px;vertical-align:top}th{background:#ddebf7}
td.n{text-align:right;white-space:nowrap}td:nth-child(-n+3),th{white-space:nowrap}
td.f{min-width:26em}h2{border-bottom:2px solid #4472c4;margin-top:2em}"""


def to_html(st: Statement) -> str:
    """The statement as a standalone HTML page (all text escaped)."""
    e = html.escape
    lang = "zh-CN" if st.lang == "zh" else st.lang
    parts = [f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
             f"<title>{e(say('statement_title', st.lang))}</title><style>{_CSS}</style></head><body>"]
    for kind, body in blocks(st):
        if kind in ("h1", "h2", "h3", "p"):
            parts.append(f"<{kind}>{e(str(body))}</{kind}>")
        else:
            heads, rows = body
            parts.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in heads) + "</tr></thead><tbody>")
            for r in rows:
                parts.append("<tr>" + "".join(
                    f"<td class='n'>{e(x)}</td>" if _numeric(x) else
                    (f"<td class='f'>{e(x)}</td>" if " × " in x else f"<td>{e(x)}</td>") for x in r) + "</tr>")
            parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _numeric(x: str) -> bool:
    return bool(x) and x.replace(",", "").replace(".", "", 1).lstrip("-−").isdigit()

