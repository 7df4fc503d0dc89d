"""Header vocabulary (``factors/rules/headers.csv``) and what one header means: a standard column, an
energy carrier with its unit (``用电量(万千瓦时)``), or an unknown column kept as it is."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .._resources import data_dir, normalize_name
from ..errors import UnitError
from .base import FileFormatError

_DTYPES = {"text", "code", "number", "integer", "year", "date"}
_UNIT_ZH = {"tce": "吨标准煤", "万tce": "万吨标准煤", "kgce": "千克标准煤", "tCO2": "吨二氧化碳",
            "万tCO2": "万吨二氧化碳", "t": "吨", "万t": "万吨", "kg": "千克", "kWh": "千瓦时",
            "万kWh": "万千瓦时", "亿kWh": "亿千瓦时", "MWh": "兆瓦时", "m3": "立方米", "万m3": "万立方米",
            "GJ": "吉焦", "MJ": "兆焦", "yuan": "元", "mu": "亩", "万元/亩": "万元/亩",
            "tce/万元": "吨标准煤/万元"}
_BRACKET_END = re.compile(r"^(?P<name>.+?)\s*[(\[【〔]\s*(?P<unit>[^()\[\]【】〔〕]+?)\s*[)\]】〕]\s*$")
_UNIT_WORD = re.compile(r"^(?:计量)?单位\s*[:：]?\s*")


@dataclass(frozen=True)
class HeaderSpec:
    """One standard column: its aliases (the first is the Chinese label), type and unit."""

    standard: str
    aliases: tuple[str, ...]
    dtype: str = "text"
    unit: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        """Chinese label used in reports (the first alias)."""
        return self.aliases[0] if self.aliases else self.standard


def load_headers(path: str | Path | None = None) -> dict[str, HeaderSpec]:
    """Standard columns and their aliases from ``headers.csv`` (the shipped one by default).

    A user's own file has the same columns: ``standard, aliases, dtype, unit, note`` (aliases
    separated by ``|``; dtype one of text, code, number, integer, year, date). Rows with a
    ``scope`` (the header words of one kind of table, such as ``名称`` or ``序号`` in a targets
    actions table) are not used here.

    Examples
    --------
    >>> load_headers()["tax"].unit
    '万元'
    >>> load_headers()["town"].label
    '所属乡镇'
    """
    if path is None:
        return dict(_default_headers())
    return _headers_from_csv(Path(path))


@functools.cache
def _default_headers() -> dict[str, HeaderSpec]:
    return _headers_from_csv(data_dir() / "rules" / "headers.csv")


def _headers_from_csv(path: Path) -> dict[str, HeaderSpec]:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    out: dict[str, HeaderSpec] = {}
    for rec in df.to_dict("records"):
        if str(rec.get("scope", "")).strip():
            continue  # words of one kind of table only (a targets actions table, swap sources)
        std = rec["standard"].strip()
        dtype = rec.get("dtype", "text").strip() or "text"
        if dtype not in _DTYPES:
            raise FileFormatError(f"{path}: column {std!r} has dtype {dtype!r}; use one of {sorted(_DTYPES)}")
        aliases = tuple(a.strip() for a in rec["aliases"].split("|") if a.strip())
        out[std] = HeaderSpec(std, aliases, dtype, rec.get("unit", "").strip(), rec.get("note", ""))
    return out


@functools.cache
def _default_alias_index() -> dict[str, str]:
    return _alias_index(_default_headers())


def _alias_index(specs: Mapping[str, HeaderSpec]) -> dict[str, str]:
    index: dict[str, str] = {}
    for spec in specs.values():
        for name in (spec.standard, *spec.aliases):
            index.setdefault(normalize_name(name), spec.standard)
    return index


#: Chinese labels of columns tanfeng writes (results, not inputs, so not reading aliases);
#: they take precedence over the input label of ``headers.csv`` in reports and workbooks.
OUTPUT_LABELS: dict[str, str] = {
    "tce": "综合能耗", "tce_calorific": "综合能耗（当量值）", "tce_substitution": "综合能耗（等价值）",
    "tce_excl_feedstock": "综合能耗（扣除原料用能）", "co2_t": "二氧化碳排放",
    "co2_per_tce": "单位能耗碳排放（吨二氧化碳/吨标准煤）", "rows": "记录数", "rows_with_problems": "有问题记录数",
    "share_not_verified": "未核实系数占比", "measure": "指标", "name_zh": "名称", "target": "目标",
    "achieved": "已完成", "share": "完成比例", "remaining": "尚需完成", "rate_so_far": "月均进度",
    "rate_needed": "月均需完成", "on_pace": "是否达到进度", "expected_share": "按期应完成比例",
    "deadline": "截止日期", "as_of": "统计截至", "months_elapsed": "已过月数", "months_left": "剩余月数",
    "n_missing": "缺数据条数", "share_of_city": "占全市比例", "two_high": "是否两高", "reason": "原因",
    "reason_code": "原因代码", "problem": "问题", "score": "综合得分", "rank": "排名", "class": "类别",
    "class_name": "类别名称", "class_initial": "初始类别", "tax_per_mu": "亩均税收（万元/亩）",
    "value_added_per_mu": "亩均增加值（万元/亩）", "value_added_per_tce": "单位能耗增加值（万元/吨标准煤）",
    "id": "编号", "value": "数值", "source_number": "标准（文件）号", "table": "表号",
    "project": "项目名称", "low_efficiency": "是否两高一低", "energy_intensity": "单位增加值能耗",
    "value_added_comparable": "可比价工业增加值（万元）", "decline_pct": "累计下降（%）",
    "annualised_decline_pct": "年均下降（%）", "yoy_decline_pct": "同比下降（%）", "group": "组别",
    "evaluated": "是否参评", "screened_tce": "判定所用能耗（吨标准煤）", "threshold_tce": "门槛（吨标准煤）",
    "margin_tce": "距门槛（吨标准煤）", "basis": "口径", "source_file": "来源文件",
    "project_id": "项目编号", "sector": "行业板块", "matched_code": "匹配的两高行业代码",
    "energy_measure": "判定能耗口径（total 总量 / increment 增量）", "basis_sensitive": "结论是否取决于电力折算口径",
    "high_energy": "是否高耗能", "high_emission": "是否高排放", "low_benefit": "是否低效益",
    "carrier_id": "能源品种编号",
}


def _indicator_label(column: str) -> str | None:
    """A 亩均 indicator (``rd_share``) or its score (``rd_share_score``) by the indicator's own name
    (`tanfeng.per_mu.INDICATORS`): ``R&D经费支出占主营业务收入比``, ``…得分``."""
    from ..per_mu import INDICATORS

    name, score = (column[:-6], "得分") if column.endswith("_score") else (column, "")
    ind = INDICATORS.get(name)
    return f"{ind.name}{score}" if ind is not None else None


def header_label(column: str, unit: str | None = None, *, lang: str = "zh") -> str:
    """Header text for a report column: the Chinese label and the unit, ``实缴税金（万元）``;
    a label that already ends in a bracket takes the unit inside it (``综合能耗（当量值，吨标准煤）``).

    Examples
    --------
    >>> header_label("tax")
    '实缴税金（万元）'
    >>> header_label("tce_calorific")
    '综合能耗（当量值，吨标准煤）'
    >>> header_label("energy_tce", lang="en")
    'energy_tce (tce)'
    >>> header_label("企业名称")
    '企业名称'
    """
    spec = _default_headers().get(column)
    if unit is None:
        unit = spec.unit if spec else ""
    if lang == "zh":
        label = OUTPUT_LABELS.get(column) or (spec.label if spec else None) or _indicator_label(column) or column
        if not unit or ("（" in label and _UNIT_ZH.get(unit, unit) in label):
            return label
        unit_zh = _UNIT_ZH.get(unit, unit)
        return f"{label[:-1]}，{unit_zh}）" if label.endswith("）") else f"{label}（{unit_zh}）"
    return f"{column} ({unit})" if unit else column


def _splits(header: str) -> list[tuple[str, str]]:
    """Candidate (name, unit) splits of a header: ``用电量(万千瓦时)``, ``原煤/吨``, ``柴油 t``."""
    t = unicodedata.normalize("NFKC", header).strip()
    out: list[tuple[str, str]] = []
    m = _BRACKET_END.match(t)
    if m:
        out.append((m["name"].strip(), _UNIT_WORD.sub("", m["unit"]).strip()))
    for i, ch in enumerate(t):
        if ch == "/" and 0 < i < len(t) - 1:
            out.append((t[:i].strip(), t[i + 1:].strip()))
    parts = t.rsplit(None, 1)
    if len(parts) == 2:
        out.append((parts[0].strip(), parts[1].strip()))
    return [(n, u) for n, u in out if n and u]


def _unit_ok(unit: str) -> bool:
    from ..units import parse_unit

    try:
        parse_unit(unit)
    except UnitError:
        return False
    return True


@dataclass
class _Col:
    """What one column of a file is."""

    index: int                 # position in the grid
    header: str                # as written (after mapping)
    original: str              # as written in the file
    standard: str | None = None
    unit: str = ""             # unit written in the header
    carrier: str | None = None  # canonical carrier id for a wide energy column
    problem: tuple[str, str, str] | None = None  # reason, message, suggestion


def _carrier_column(header: str) -> tuple[str | None, str, tuple[str, str, str] | None]:
    """(carrier id, unit, problem) if the header names an energy carrier, else (None, '', None)."""
    from ..carriers import default_vocabulary
    from ..units import check_dimension, measure_hint, measure_name

    vocab = default_vocabulary()
    for name, unit in _splits(header):
        if name not in vocab:
            continue
        cid = vocab.resolve(name)
        carrier = vocab.get(cid)
        if not _unit_ok(unit):
            return cid, unit, ("header_unit_unknown", f"{header!r}: 单位 {unit!r} 无法识别",
                               f"写成 {carrier.name_zh}({measure_hint(carrier.measure)} 之一)")
        if not check_dimension(unit, carrier.measure):
            return cid, unit, ("header_unit_dimension", f"{header!r}: {carrier.name_zh} 按{measure_name(carrier.measure)}计量，"
                               f"{unit!r} 不是", f"用 {measure_hint(carrier.measure)}")
        return cid, unit, None
    if header.strip() in vocab:
        cid = vocab.resolve(header.strip())
        return cid, "", ("header_unit_missing", f"{header!r} 是能源品种，但表头没有单位",
                         f"在表头写明单位，如 {vocab.get(cid).name_zh}(吨)，或用 mapping= 改名")
    return None, "", None


def _standard_column(header: str, specs: Mapping[str, HeaderSpec], index: Mapping[str, str]
                     ) -> tuple[str | None, str, tuple[str, str, str] | None]:
    """(standard name, unit in header, problem) for a header, or (None, '', None)."""
    key = normalize_name(header)
    if key in index:
        return index[key], "", None
    for name, unit in _splits(header):
        std = index.get(normalize_name(name))
        if std is None:
            continue
        spec = specs[std]
        if not spec.unit:
            return std, unit, None
        if not _unit_ok(unit):
            return std, unit, ("header_unit_unknown", f"{header!r}: 单位 {unit!r} 无法识别",
                               f"{spec.label} 的单位应能换算为 {spec.unit}")
        from ..units import unit_factor

        try:
            unit_factor(unit, spec.unit)
        except UnitError:
            return std, unit, ("header_unit_dimension", f"{header!r}: {unit!r} 不能换算为 {spec.unit}",
                               f"{spec.label} 的单位应能换算为 {spec.unit}")
        return std, unit, None
    return None, "", None


def _apply_mapping(headers: list[str], mapping: Mapping[str, str | None] | None,
                   file: str) -> tuple[list[str], set[int]]:
    """Rename headers per ``mapping`` ({header in file: new name}); None drops a column."""
    if not mapping:
        return headers, set()
    out, dropped = list(headers), set()
    keys = {normalize_name(h): i for i, h in enumerate(headers) if h}
    for k, v in mapping.items():
        i = headers.index(k) if k in headers else keys.get(normalize_name(k), -1)
        if i < 0 and v is not None and (v in headers or normalize_name(v) in keys):
            # the other way round, as account(columns={standard: header}) takes it
            i = headers.index(v) if v in headers else keys[normalize_name(v)]
            v = k
        if i < 0:
            import difflib

            close = difflib.get_close_matches(k, [h for h in headers if h], 3, 0.4)
            raise FileFormatError(f"{Path(file).name}: mapping names a column {k!r} that the file does not have"
                                  + (f"; did you mean {close}?" if close else f"; columns are {headers}"))
        if v is None:
            dropped.add(i)
        else:
            out[i] = v
    return out, dropped


def _header_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"\s+", " ", str(v)).strip()
