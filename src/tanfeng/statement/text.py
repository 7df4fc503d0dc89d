"""The statement as Markdown or HTML: the same lines, each formula written out in words.

``1000 吨 × 1000 kg/吨 × 0.7143 kgce/kg × 0.001 tce/kgce = 714.3 tce`` — what a reviewer reads
aloud when checking a line. Both renderings come from one list of blocks (heading, paragraph,
table), so they never differ in content.
"""

from __future__ import annotations

import html
from typing import Any

from ..regions import default_regions
from . import model
from .basis import RULES
from .chains import QUANTITY_LABELS, number_text, source_text, words
from .model import EntityStatement, Statement

Block = tuple[str, Any]  # ("h1" | "h2" | "h3" | "p", text) or ("table", (headers, rows))


def _fmt(x: float, digits: int = 4) -> str:
    return "" if x != x else f"{x:,.{digits}f}"


def _entity_blocks(e: EntityStatement, st: Statement) -> list[Block]:
    out: list[Block] = [("h2", f"{e.title}"),
                        ("p", model.subject(e, st) + f"。电网区域：{st.region_label}；系数库版本：{st.factor_set}。")]
    ids = list(dict.fromkeys(k for ln in e.lines for k in ln.ids))
    rows = [[str(i), ln.carrier, ln.carrier_name, *[str(ln.ids.get(k, "")) for k in ids], model.CATEGORY[ln.category],
             number_text(ln.quantity), ln.unit, ln.problem] for i, ln in enumerate(e.lines, 1)]
    out += [("h3", "一、能源消费实物量（原始数据）"),
            ("table", (["序号", "能源品种（原文）", "能源品种", *[model.label(k) for k in ids], "类别", "实物量", "计量单位", "问题"], rows))]
    for which in [*model.BASES, *(["co2"] if st.co2 else [])]:
        num, name, formula_words, unit = model.PARTS[which]
        rows = []
        for i, ln in enumerate(e.lines, 1):
            chain = ln.chain(which)
            value = ln.co2_value if which == "co2" else ln.tce_value[which]
            if chain is None:
                why = ln.problem or ("原料用能：不作燃料燃烧，不计燃烧排放" if which == "co2" and ln.category == "feedstock" else "未计算")
                rows.append([str(i), ln.carrier_name, model.CATEGORY[ln.category], why, _fmt(value), ""])
                continue
            text = words(ln.quantity, ln.unit, ln.sign, chain, unit).replace(f" → {unit}", f" = {_fmt(value)} {unit}")
            rows.append([str(i), ln.carrier_name, model.CATEGORY[ln.category], text, _fmt(value), source_text(chain)])
        out += [("h3", f"{num}、{name}"), ("p", formula_words),
                ("table", (["序号", "能源品种", "类别", "计算式", unit, "系数出处"], rows))]
    out += [("h3", "五、汇总"), ("table", (["项目", "计算", "数值", "单位"], _total_rows(e, st)))]
    return out


def _total_rows(e: EntityStatement, st: Statement) -> list[list[str]]:
    t, n = e.totals, len(e.lines)
    rows = []
    for b, zh in model.BASES.items():
        num = model.PARTS[b][0]
        feed = sum(ln.tce_value[b] for ln in e.lines if ln.category == "feedstock")
        rows += [[f"综合能源消费量（{zh}）", f"表{num} {n} 行标准煤之和（外供为负，已扣减）", _fmt(t[f"tce_{b}"], 2), "tce"],
                 [f"其中：原料用能（{zh}）", "类别为原料用能的行之和", _fmt(feed, 2), "tce"],
                 [f"扣除原料用能后的综合能源消费量（{zh}）", f"{_fmt(t[f'tce_{b}'], 2)} − {_fmt(feed, 2)}",
                  _fmt(t[f"tce_{b}_excl_feedstock"], 2), "tce"]]
    if st.co2:
        for s, label in model.SCOPES.items():
            rows.append([f"二氧化碳排放 {label}", f"表四范围为 {s} 的行之和", _fmt(t[f"co2_scope{s}"], 2), "tCO2"])
        rows.append(["二氧化碳排放合计", f"{_fmt(t['co2_scope1'], 2)} + {_fmt(t['co2_scope2'], 2)}", _fmt(t["co2_t"], 2), "tCO2"])
    return rows


def _basis_blocks(st: Statement) -> list[Block]:
    from .. import __version__

    factors = [[f.id, st.carrier_names.get(f.carrier, f.carrier), QUANTITY_LABELS.get(f.quantity, f.quantity), number_text(f.value), f.unit, default_regions().label(f.region, "zh"),
                "" if f.data_year is None else str(f.data_year), f.citation, f.confidence] for f in st.factors]
    docs = [[s.get("number", ""), s.get("title", ""), s.get("issuer", ""), s.get("date", "")] for s in st.sources]
    out: list[Block] = [
        ("h2", "依据"),
        ("p", f"tanfeng {__version__}；系数库版本 {st.factor_set}；电网区域 {st.region_label}；"
              f"数据年份 {st.arguments['year'] or '按记录'}。"),
        ("h3", "所用系数"), ("table", (["系数编号", "能源品种", "量", "数值", "单位", "地区", "数据年份", "出处", "可信度"], factors)),
        ("h3", "所引文件"), ("table", (["文件编号", "文件名称", "发布机关", "发布日期"], docs)),
        *([("h3", "电力等价值的选用（按数据年份）"),
           ("table", (model.SUBSTITUTION_HEADS, [["" if v is None else str(v) for v in model.substitution_row(r)]
                                           for r in st.substitution]))] if st.substitution else []),
        *([("h3", "计算依据：每个（能源品种、单位、年份、地区）所用系数"),
           ("table", ([str(c) for c in st.keys.columns],
                      [["" if model.is_blank(v) else (number_text(v) if isinstance(v, float) else str(v)) for v in r]
                       for r in st.keys.itertuples(index=False)]))] if st.keys is not None and len(st.keys) else []),
        ("h3", "计算规则"), ("table", (["规则", "出处"], [list(r) for r in RULES])),
    ]
    if st.fallbacks:
        out += [("h3", "系数选用说明（回退）"), ("table", (["说明"], [[m] for m in st.fallbacks]))]
    return out


def blocks(st: Statement) -> list[Block]:
    """The statement as a list of blocks."""
    out: list[Block] = [("h1", "能源消费与二氧化碳排放计算书")]
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
    parts = ["<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
             f"<title>{e('能源消费与二氧化碳排放计算书')}</title><style>{_CSS}</style></head><body>"]
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

