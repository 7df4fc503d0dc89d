"""亩均论英雄: per-mu indicators, weighted scores and A–D classes, with county schemes as data.

Zhejiang evaluates every industrial enterprise by its output per 亩 of land (浙政发〔2018〕5号).
The province names the indicators; each county sets the weights, the benchmarks and the class
rule. tanfeng therefore takes a county's **scheme** as data (``factors/rules/per_mu/*.toml``,
validated by :class:`Scheme`) and applies it to a table of enterprises:

* indicator = numerator / denominator from raw fields, e.g. 亩均税收 = 实缴税金 / 用地面积,
  单位能耗增加值 = 工业增加值 / 综合能耗 (on the scheme's basis, 黄岩: 等价值);
* indicator score = weight × value / benchmark (optionally clipped); total = Σ scores;
* 规上 / 规下 are scored separately (a firm's group: a 企业规模 column, else 主营业务收入 ≥
  2 000 万元); rank within the group; class by score thresholds or by shares;
* missing data as the scheme says (黄岩 2022: no emission data → the group's average score);
  exclusions (不参评) and manual 调档 are written into the ``reason`` column, never silent.

Shipped schemes: ``huangyan-2022`` (verified, the worked example), ``huangyan-2021``,
``template`` (copy it for your county); class rule ``tiantai-2022-classes``.

Examples
--------
>>> import pandas as pd
>>> va = 2 * 136.16       # a 规上 firm on 2 亩 exactly at every 黄岩 2022 benchmark
>>> firms = pd.DataFrame({
...     "企业名称": ["甲", "乙"], "实缴税金": [2 * 24.097, 11.5932], "用地面积": [2.0, 1.0],
...     "工业增加值": [va, None], "综合能耗(等价值)": [va / 2.694, None],
...     "排放量": [va / 4929.81, None], "年平均职工人数": [va / 18.14, None],
...     "R&D经费支出": [151.0, None], "主营业务收入": [5000.0, 800.0], "用电量": [None, 11.5932 / 0.2352]})
>>> r = evaluate(firms, "huangyan-2022")
>>> r[["group", "tax_per_mu", "score", "rank"]].round(3).values.tolist()
[['above_scale', 24.097, 100.0, 1.0], ['below_scale', 11.593, 100.0, 1.0]]
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ._resources import data_dir, normalize_name
from .errors import InputError, RuleError, TanfengWarning
from .factors import normalize_basis

__all__ = [
    "FIELDS", "FIELD_UNITS", "INDICATORS", "LOW_TAX_THRESHOLD", "REASONS", "ClassLevel",
    "ClassRule", "Scheme", "evaluate", "list_schemes", "load_class_rule", "load_scheme",
    "low_tax_per_mu",
]

#: 诸暨 plan 三(一)1: "重点排查亩均税收5万元以下 … 的企业用地" (万元/亩). "以下" includes the
#: number (民法典 第1259条), so the default listing is ``tax_per_mu <= 5``.
LOW_TAX_THRESHOLD = 5.0

Confidence = Literal["verified", "secondary", "unverified"]
Group = Literal["above_scale", "below_scale"]
GROUP_ZH = {"above_scale": "规上", "below_scale": "规下"}

#: Raw fields and the headers understood for them (Chinese as on county 亩均 platforms,
#: policy.md §7, and English). A header may carry its unit in brackets: 实缴税金(元).
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "企业名称", "企业", "单位名称", "enterprise"),
    "credit_code": ("credit_code", "统一社会信用代码", "社会信用代码", "信用代码", "uscc"),
    "town": ("town", "所属乡镇", "镇乡街道", "乡镇街道", "镇乡", "乡镇", "所属镇街", "镇街"),
    "scale": ("scale", "企业规模", "规模", "规上规下"),
    "tax": ("tax", "实缴税金", "评价税收", "实缴税收", "税收", "税金", "入库税金"),
    "land_area": ("land_area", "用地面积", "实际用地面积", "占地面积", "土地使用权面积", "land"),
    "value_added": ("value_added", "工业增加值", "增加值"),
    "energy_tce": ("energy_tce", "综合能耗", "总用能量", "综合能源消费量", "工业企业能源消费量", "能耗"),
    "energy_tce_substitution": ("energy_tce_substitution", "综合能耗等价值", "总用能量等价值",
                                "综合能源消费量等价值"),
    "energy_tce_calorific": ("energy_tce_calorific", "综合能耗当量值", "总用能量当量值",
                             "综合能源消费量当量值"),
    "emission_t": ("emission_t", "emission", "排放量", "主要污染物排放量", "污染物排放量"),
    "employees": ("employees", "年平均职工人数", "从业人员平均人数", "全部从业人员平均人数", "职工人数"),
    "rd_expense": ("rd_expense", "R&D经费支出", "研究与试验发展(R&D)经费支出", "R&D经费", "研发经费",
                   "研发经费支出"),
    "revenue": ("revenue", "主营业务收入", "营业收入"),
    "electricity": ("electricity", "用电量", "用电"),
    "start": ("start", "投产日期", "投产时间", "投产年份", "投产年月"),
    "firm_type": ("firm_type", "企业类型", "类型"),
    "participate": ("participate", "参评", "是否参评"),
    "exclude_reason": ("exclude_reason", "不参评原因"),
}
#: Unit each numeric field is read in unless the header or ``units=`` says otherwise
#: (the units of the county platforms' import sheets, policy.md §7).
FIELD_UNITS: dict[str, str] = {
    "tax": "万元", "land_area": "亩", "value_added": "万元", "energy_tce": "tce", "emission_t": "t",
    "employees": "人", "rd_expense": "万元", "revenue": "万元", "electricity": "万kWh",
}
FIELD_ZH = {
    "tax": "实缴税金", "land_area": "用地面积", "value_added": "工业增加值", "energy_tce": "综合能耗",
    "emission_t": "主要污染物排放量", "employees": "年平均职工人数", "rd_expense": "R&D经费支出",
    "revenue": "主营业务收入", "electricity": "用电量",
}
#: Fields that may be negative: kept and flagged (tax refunds, losses), never zeroed.
MAY_BE_NEGATIVE = ("tax", "value_added")


class IndicatorDef(NamedTuple):
    name: str
    numerator: str
    denominator: str
    unit: str


#: Built-in indicators (浙政发〔2018〕5号's six for 规上; 规下 单位电耗税收; 亩均营业收入).
INDICATORS: dict[str, IndicatorDef] = {
    "tax_per_mu": IndicatorDef("亩均税收", "tax", "land_area", "万元/亩"),
    "value_added_per_mu": IndicatorDef("亩均增加值", "value_added", "land_area", "万元/亩"),
    "value_added_per_tce": IndicatorDef("单位能耗增加值", "value_added", "energy_tce", "万元/tce"),
    "value_added_per_emission": IndicatorDef("单位排放增加值", "value_added", "emission_t", "万元/t"),
    "labour_productivity": IndicatorDef("全员劳动生产率", "value_added", "employees", "万元/人"),
    "rd_share": IndicatorDef("R&D经费支出占主营业务收入比", "rd_expense", "revenue", "1"),
    "tax_per_electricity": IndicatorDef("单位电耗税收", "tax", "electricity", "万元/万kWh"),
    "revenue_per_mu": IndicatorDef("亩均营业收入", "revenue", "land_area", "万元/亩"),
}

#: Reason codes (``{field}`` stands for a field of `FIELD_UNITS`).
REASONS: dict[str, str] = {
    "{field}_missing": "缺少数据", "{field}_not_numeric": "不是数字", "{field}_negative": "为负数",
    "{field}_zero": "为0，无法作分母", "tax_negative": "实缴税金为负（退税）：保留并计分",
    "value_added_negative": "工业增加值为负：保留并计分", "scale_unknown": "企业规模不是 规上/规下",
    "group_both": "同时标为规上和规下", "group_conflict": "企业规模与主营业务收入划分不一致",
    "group_undetermined": "无企业规模也无主营业务收入，无法分组",
    "group_not_in_scheme": "方案不评价该组企业", "energy_records_bad": "能源消费记录有错误行",
    "missing_group_mean": "缺数据，按组平均分计", "missing_zero": "缺数据，按0分计",
    "group_mean_undefined": "组内无企业有该数据，无法取平均分", "not_participating": "不参评",
    "adjusted": "手动调档",
}

_SCALE = {"规上": "above_scale", "规模以上": "above_scale", "规上工业": "above_scale",
          "abovescale": "above_scale", "above_scale": "above_scale", "规下": "below_scale",
          "规模以下": "below_scale", "规下工业": "below_scale", "belowscale": "below_scale",
          "below_scale": "below_scale"}
_NO = {"否", "不参评", "no", "false", "0", "n", "×"}


# ---------------------------------------------------------------------------------------------
# the scheme, as data


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """The document a scheme or class rule comes from."""

    title: str
    number: str = ""
    issuer: str = ""
    date: str = ""
    url: str = ""
    confidence: Confidence = "unverified"
    note: str = ""


def _pint_unit(text: str) -> str:
    """People are not a pint unit: 万元/人 (or 人·年) -> 万元/1."""
    return re.sub(r"人\s*[·*]?\s*年|人", "1", text) or "1"


def _factor(src: str, dst: str) -> float:
    from .units import unit_factor

    return unit_factor(_pint_unit(src), _pint_unit(dst))


class Indicator(_Model):
    """One scored indicator: points = weight × clip(value / benchmark, min_ratio, max_ratio)."""

    id: str
    weight: float = Field(gt=0)
    benchmark: float | Literal["aggregate"]
    label: str = ""
    name: str = ""
    numerator: str = ""
    denominator: str = ""
    unit: str = ""
    min_ratio: float | None = None
    max_ratio: float | None = None
    missing: Literal["error", "group_mean", "zero"] = "error"
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("id") in INDICATORS:
            d = INDICATORS[data["id"]]
            data = {"name": d.name, "numerator": d.numerator, "denominator": d.denominator,
                    "unit": d.unit, **data}
        return data

    @model_validator(mode="after")
    def _check(self) -> Indicator:
        for f in (self.numerator, self.denominator):
            if f not in FIELD_UNITS:
                raise ValueError(f"indicator {self.id!r}: field {f!r} is not one of {sorted(FIELD_UNITS)}")
        if isinstance(self.benchmark, float) and not self.benchmark > 0:
            raise ValueError(f"indicator {self.id!r}: benchmark must be > 0")
        if self.min_ratio is not None and self.max_ratio is not None and self.min_ratio >= self.max_ratio:
            raise ValueError(f"indicator {self.id!r}: min_ratio must be below max_ratio")
        _factor(f"({FIELD_UNITS[self.numerator]})/({FIELD_UNITS[self.denominator]})", self.unit or "1")
        return self


class GroupRule(_Model):
    """The indicators of one group (规上 or 规下); weights must add up to ``full_score``."""

    id: Group
    name: str = ""
    full_score: float = 100.0
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> GroupRule:
        ids = [i.id for i in self.indicators]
        if len(set(ids)) != len(ids):
            raise ValueError(f"group {self.id}: an indicator is listed twice: {ids}")
        total = sum(i.weight for i in self.indicators)
        if abs(total - self.full_score) > 1e-9:
            raise ValueError(f"group {self.id}: weights add up to {total:g}, full_score is {self.full_score:g}")
        return self


class Assignment(_Model):
    """How a firm is put in 规上 or 规下: a 企业规模 column, else 主营业务收入 ≥ threshold."""

    threshold: float = 2000.0
    unit: str = "万元"
    inclusive: bool = True
    conflict: Literal["error", "column", "revenue"] = "error"
    source: str = "规上工业企业 = 年主营业务收入2000万元及以上 (国家统计局, since 2011); GLOSSARY 规上"


class Exclusion(_Model):
    """Firms not evaluated (不参评): by age since 投产 or by 企业类型."""

    code: str
    reason: str
    field: Literal["start", "firm_type"]
    younger_than_years: float | None = None
    values: list[str] = []
    assign_class: str | None = None
    source: str = ""

    @model_validator(mode="after")
    def _check(self) -> Exclusion:
        if self.field == "start" and self.younger_than_years is None:
            raise ValueError(f"exclusion {self.code!r}: field 'start' needs younger_than_years")
        if self.field == "firm_type" and not self.values:
            raise ValueError(f"exclusion {self.code!r}: field 'firm_type' needs values")
        return self


class ClassLevel(_Model):
    """One class (A, B …), best first: a share (or count of ``total``) or a minimum score."""

    id: str
    name: str = ""
    share: float | None = Field(default=None, ge=0, le=1)
    count: int | None = Field(default=None, ge=0)
    min_score: float | None = None


class ClassRule(_Model):
    """A–D classes by score thresholds or by shares, per group or over all firms together."""

    kind: Literal["classes"] = "classes"
    id: str = ""
    name: str = ""
    method: Literal["shares", "thresholds"]
    within: Literal["group", "all"] = "group"
    total: int | None = None
    inclusive: bool = True
    levels: list[ClassLevel] = Field(min_length=2)
    source: Source | None = None
    note: str = ""

    @model_validator(mode="after")
    def _check(self) -> ClassRule:
        if len({lv.id for lv in self.levels}) != len(self.levels):
            raise ValueError("class ids must be distinct")
        if self.method == "shares":
            if any(lv.share is None and lv.count is None for lv in self.levels):
                raise ValueError("method 'shares': give every level a share or a count")
            if any(lv.count is not None for lv in self.levels) and self.total is None:
                raise ValueError("method 'shares' with counts needs total")
            if abs(sum(self.shares) - 1.0) > 1e-6:
                raise ValueError(f"class shares add up to {sum(self.shares):.6g}, not 1")
        else:
            mins = [lv.min_score for lv in self.levels]
            if any(m is None for m in mins[:-1]) or mins[-1] is not None:
                raise ValueError("method 'thresholds': every level but the last needs min_score")
            if any(a <= b for a, b in itertools.pairwise(mins[:-1])):  # type: ignore[operator]
                raise ValueError("min_score must fall from the first level to the last")
        return self

    @property
    def shares(self) -> list[float]:
        """Share of each level (a count is divided by ``total``)."""
        return [lv.share if lv.share is not None else lv.count / self.total  # type: ignore[operator]
                for lv in self.levels]

    @property
    def labels(self) -> dict[str, str]:
        """``{"A": "优先发展类", …}``."""
        return {lv.id: lv.name for lv in self.levels}


class Scheme(_Model):
    """A county's 亩均效益综合评价 scheme. Load with :func:`load_scheme`."""

    kind: Literal["scheme"] = "scheme"
    id: str
    name: str
    region: str = ""
    data_year: int
    energy_basis: str = "当量值"
    source: Source
    assignment: Assignment = Assignment()
    groups: list[GroupRule] = Field(min_length=1)
    classes: ClassRule | None = None
    exclusions: list[Exclusion] = []
    note: str = ""

    @model_validator(mode="after")
    def _check(self) -> Scheme:
        if normalize_basis(self.energy_basis) == "both":
            raise ValueError("energy_basis must be 当量值 or 等价值")
        if len({g.id for g in self.groups}) != len(self.groups):
            raise ValueError("a group is listed twice")
        return self

    @property
    def basis(self) -> str:
        """``"calorific"`` (当量值) or ``"substitution"`` (等价值)."""
        return normalize_basis(self.energy_basis)

    def group(self, gid: str) -> GroupRule | None:
        return next((g for g in self.groups if g.id == gid), None)


def _rules_dir() -> Path:
    return data_dir() / "rules" / "per_mu"


@functools.lru_cache(maxsize=64)
def _read_toml(path: str, mtime: float) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _load(obj: Any, model: type[BaseModel], what: str) -> Any:
    if isinstance(obj, model):
        return obj
    if isinstance(obj, Mapping):
        data, where = dict(obj), "the mapping given"
    else:
        p = Path(obj)
        if not p.is_file():
            p = _rules_dir() / (p.name if p.suffix == ".toml" else f"{p.name}.toml")
        if not p.is_file():
            raise RuleError(f"no {what} {str(obj)!r}: give a TOML path or one of {list_schemes()}")
        data, where = _read_toml(str(p), p.stat().st_mtime), str(p)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RuleError(f"{what} in {where} is not valid:\n{exc}") from exc


def load_scheme(scheme: str | Path | Scheme | Mapping[str, Any]) -> Scheme:
    """A shipped scheme by name (``"huangyan-2022"``), a TOML path, a mapping or a Scheme.

    Examples
    --------
    >>> s = load_scheme("huangyan-2022")
    >>> [(i.id, i.weight, i.benchmark) for i in s.group("below_scale").indicators]
    [('tax_per_mu', 50.0, 11.5932), ('tax_per_electricity', 50.0, 0.2352)]
    """
    result: Scheme = _load(scheme, Scheme, "亩均 scheme")
    return result


def load_class_rule(rule: str | Path | ClassRule | Mapping[str, Any]) -> ClassRule:
    """A class rule by name (``"tiantai-2022-classes"``), TOML path, mapping or ClassRule."""
    result: ClassRule = _load(rule, ClassRule, "class rule")
    return result


def list_schemes() -> list[str]:
    """Names of the shipped schemes and class rules (``factors/rules/per_mu``)."""
    return sorted(p.stem for p in _rules_dir().glob("*.toml"))


# ---------------------------------------------------------------------------------------------
# reading the table


class _Fails:
    """Failures collected by position; ``fatal`` marks rows that cannot be scored."""

    def __init__(self, n: int) -> None:
        self.parts: list[pd.DataFrame] = []
        self.fatal = np.zeros(n, dtype=bool)

    def add(self, mask: np.ndarray, column: str, values: Any, reason: str, message: str,
            suggestion: str = "", fatal: bool = True) -> None:
        pos = np.flatnonzero(mask)
        if not len(pos):
            return
        if isinstance(values, pd.Series):
            vals = values.iloc[pos].to_numpy(dtype=object)
        elif np.ndim(values):
            vals = np.asarray(values, dtype=object)[pos]
        else:
            vals = np.full(len(pos), values, dtype=object)
        self.parts.append(pd.DataFrame({"pos": pos, "column": column, "value": vals, "reason": reason,
                                        "message": message, "suggestion": suggestion}))
        if fatal:
            self.fatal[pos] = True

    def problems(self, n: int) -> np.ndarray:
        """'reason: message; …' per row ('' where fine), for errors='report'."""
        text = np.full(n, "", dtype=object)
        if self.parts:
            f = pd.concat(self.parts, ignore_index=True).drop_duplicates(["pos", "column", "reason"])
            joined = (f["reason"] + ": " + f["message"].astype(str)).groupby(f["pos"]).agg("; ".join)
            text[joined.index.to_numpy()] = joined.to_numpy()
        return text

    def frame(self, index: pd.Index) -> pd.DataFrame:
        cols = ["row", "column", "value", "reason", "message", "suggestion"]
        if not self.parts:
            return pd.DataFrame(columns=cols)
        f = pd.concat(self.parts, ignore_index=True)
        f = f.drop_duplicates(["pos", "column", "reason"]).sort_values(["pos", "column"], kind="stable")
        f.insert(0, "row", index.to_numpy()[f["pos"].to_numpy()])
        return f[cols].reset_index(drop=True)


_ALIAS = {normalize_name(a): f for f, names in FIELDS.items() for a in names}
_BRACKET = re.compile(r"^(.*?)\s*[(（\[【]([^()（）]*)[)）\]】]\s*$")


def _map_columns(df: pd.DataFrame, columns: Mapping[str, str] | None) -> dict[str, tuple[str, str | None]]:
    """field -> (header, unit written in the header or None)."""
    from .units import parse_unit

    found: dict[str, tuple[str, str | None]] = {}
    for header in df.columns:
        h = unicodedata.normalize("NFKC", str(header)).strip()
        field, unit = _ALIAS.get(normalize_name(h)), None
        m = _BRACKET.match(h)
        if field is None and m:
            field = _ALIAS.get(normalize_name(m.group(1)))
            if field in FIELD_UNITS:
                try:
                    parse_unit(_pint_unit(m.group(2)))
                    unit = m.group(2)
                except Exception:
                    unit = None  # e.g. (吨 / 当量吨): not a unit; the default unit is used
        if field is not None and field not in found:
            found[field] = (str(header), unit)
    for field, header in (columns or {}).items():
        if header not in df.columns:
            raise KeyError(f"columns={{{field!r}: {header!r}}}: no such column in the table")
        found[field] = (header, None)
    return found


def _numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Float values and a mask of cells that hold text that is not a number."""
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        v = col.to_numpy(dtype=float, na_value=np.nan)
        return v, np.isinf(v)
    s = col.astype("string").str.normalize("NFKC").str.replace(r"[,，\s]", "", regex=True)
    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = (np.isnan(v) & s.notna().to_numpy() & (s != "").fillna(False).to_numpy()) | np.isinf(v)
    return v, bad


def _energy_from_records(records: pd.DataFrame, firms: pd.DataFrame, cols: dict[str, tuple[str, str | None]],
                         on: str | None, basis: str, year: int, factors: Any, errors: str,
                         fails: _Fails) -> np.ndarray:
    """综合能耗 per firm (tce, scheme's basis) summed from energy records through `account`."""
    from .accounting import account
    from .credit_code import normalize

    rcols = _map_columns(records, None)
    if on is not None:
        key_f, key_r = firms[on] if on in firms else None, records[on] if on in records else None
        if key_f is None or key_r is None:
            raise KeyError(f"on={on!r}: the column must exist in both tables")
    else:
        field = next((f for f in ("credit_code", "name") if f in cols and f in rcols), None)
        if field is None:
            raise KeyError("energy_records: no shared 统一社会信用代码 or 企业名称 column; pass on=")
        key_f, key_r = firms[cols[field][0]], records[rcols[field][0]]
    res = account(records, basis=basis, year=year, factors=factors, errors=errors, co2=False)
    kr = normalize(key_r).fillna("").to_numpy()
    kf = pd.Index(normalize(key_f).fillna("").to_numpy())
    orphan = (kr == "") | ~pd.Index(kr).isin(kf[kf != ""])
    if orphan.any():  # records that belong to no firm would vanish from every total: say so
        bad_rec = pd.DataFrame({"row": records.index[orphan], "column": key_r.name, "value": key_r[orphan].to_numpy(),
                                "reason": "energy_record_unmatched", "message": "能源记录找不到对应企业",
                                "suggestion": "核对企业代码/名称，或传 on="})
        if errors == "raise":
            raise InputError(bad_rec, "能源消费记录 energy_records")
        warnings.warn(f"{int(orphan.sum())} energy record(s) match no firm and are not counted "
                      f"(first rows: {bad_rec['row'].head(5).tolist()})", TanfengWarning, stacklevel=3)
    tce = res["tce"].to_numpy(dtype=float)
    g = pd.DataFrame({"k": kr, "tce": tce, "bad": np.isnan(tce)}).groupby("k", sort=False)
    total, bad = g["tce"].sum(), g["bad"].any()
    out = np.where(kf == "", np.nan, total.reindex(kf).to_numpy(dtype=float))
    isbad = bad.reindex(kf).fillna(False).to_numpy(dtype=bool)
    fails.add(isbad, "energy_records", key_f, "energy_records_bad",
              REASONS["energy_records_bad"], "see account(records, errors='report')")
    return np.where(isbad, np.nan, out)


def _energy(df: pd.DataFrame, cols: dict[str, tuple[str, str | None]], scheme: Scheme,
            energy_basis: str | None) -> str | None:
    """Which column holds 综合能耗 on the scheme's basis (None: no energy column)."""
    want = scheme.basis
    named = {"calorific": "energy_tce_calorific", "substitution": "energy_tce_substitution"}
    if named[want] in cols:
        return named[want]
    zh = "等价值" if want == "substitution" else "当量值"
    if "energy_tce" in cols:
        if energy_basis is None:
            warnings.warn(
                f"the column {cols['energy_tce'][0]!r} does not say its basis; taken as {zh}, as "
                f"scheme {scheme.id!r} requires. Pass energy_basis= to state it.", TanfengWarning, stacklevel=3)
            return "energy_tce"
        if normalize_basis(energy_basis) == want:
            return "energy_tce"
    other = named["calorific" if want == "substitution" else "substitution"]
    if other in cols or "energy_tce" in cols:
        raise RuleError(f"scheme {scheme.id!r} scores 单位能耗增加值 on 综合能耗({zh}); the table's energy is "
                        f"on the other basis. Give a 综合能耗({zh}) column or energy_records= to compute it.")
    return None


# ---------------------------------------------------------------------------------------------
# evaluate


class _Notes:
    """Reason texts per row, in the order they were added."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.items: list[tuple[np.ndarray, Any]] = []

    def add(self, mask: np.ndarray, text: Any) -> None:
        if mask.any():
            self.items.append((mask, text))

    def text(self) -> np.ndarray:
        out = np.full(self.n, "", dtype=object)
        for mask, text in self.items:
            t = np.broadcast_to(np.asarray(text, dtype=object), (self.n,))
            sel = np.flatnonzero(mask)
            out[sel] = [f"{r}; {x}" if r else x for r, x in zip(out[sel], t[sel])]
        return out


def _read_fields(df: pd.DataFrame, cols: dict[str, tuple[str, str | None]], energy_col: str | None,
                 units: Mapping[str, str] | None, fails: _Fails, notes: _Notes) -> dict[str, np.ndarray]:
    """Numeric fields in `FIELD_UNITS`; text, infinite and (where not allowed) negative values reported."""
    vals: dict[str, np.ndarray] = {}
    for field in [f for f in FIELD_UNITS if f != "energy_tce"] + ([energy_col] if energy_col else []):
        if field not in cols:
            continue
        header, hunit = cols[field]
        base = "energy_tce" if field.startswith("energy_tce") else field
        v, bad = _numbers(df[header])
        v = np.where(bad, np.nan, v * _factor((units or {}).get(base) or hunit or FIELD_UNITS[base], FIELD_UNITS[base]))
        raw = df[header]
        fails.add(bad, header, raw, f"{base}_not_numeric", FIELD_ZH[base] + REASONS["{field}_not_numeric"])
        neg = v < 0
        if base in MAY_BE_NEGATIVE:
            notes.add(neg, f"[{base}_negative] {REASONS[f'{base}_negative']}")
        else:
            fails.add(neg, header, raw, f"{base}_negative", FIELD_ZH[base] + REASONS["{field}_negative"],
                      "核对数据")
            v = np.where(neg, np.nan, v)
        vals[base] = v
    return vals


def _groups(vals: dict[str, np.ndarray], df: pd.DataFrame, cols: dict[str, tuple[str, str | None]],
            rule: Assignment, fails: _Fails, notes: _Notes) -> np.ndarray:
    """'above_scale' / 'below_scale' per row ('' where it cannot be decided)."""
    n = len(df)
    rev = vals.get("revenue", np.full(n, np.nan)) * _factor(FIELD_UNITS["revenue"], rule.unit)
    above = rev >= rule.threshold if rule.inclusive else rev > rule.threshold
    by_rev = np.where(np.isnan(rev), "", np.where(above, "above_scale", "below_scale")).astype(object)
    group = by_rev
    if "scale" in cols:
        header = cols["scale"][0]
        raw = df[header]
        codes, uniq = pd.factorize(raw.astype("string").str.normalize("NFKC").str.replace(r"\s", "", regex=True))
        mapped = np.array([_SCALE.get(str(u).lower(), "both" if "规上" in u and "规下" in u else "?")
                           for u in uniq] + [""], dtype=object)
        by_col = mapped[np.where(codes < 0, len(uniq), codes)]
        values = raw
        fails.add(by_col == "both", header, values, "group_both", REASONS["group_both"], "只填 规上 或 规下")
        fails.add(by_col == "?", header, values, "scale_unknown", REASONS["scale_unknown"], "填 规上 或 规下")
        clash = np.isin(by_col, ["above_scale", "below_scale"]) & (by_rev != "") & (by_col != by_rev)
        msg = (f"{REASONS['group_conflict']}（主营业务收入{'≥' if rule.inclusive else '>'}"
               f"{rule.threshold:g}{rule.unit}为规上）")
        if rule.conflict == "error":
            fails.add(clash, header, values, "group_conflict", msg, "核对企业规模或主营业务收入")
        else:
            notes.add(clash, f"[group_conflict] {msg}，按{'企业规模' if rule.conflict == 'column' else '主营业务收入'}分组")
        group = np.where(by_col == "", by_rev, by_col)
        if rule.conflict != "column":  # "error": unresolved, not scored in either group
            group = np.where(clash, by_rev if rule.conflict == "revenue" else "", group)
        group = np.where(np.isin(group, ["both", "?"]), "", group)
        fails.add((group == "") & (by_col == ""), cols.get("revenue", ("revenue", None))[0], np.full(n, None),
                  "group_undetermined", REASONS["group_undetermined"], "给出 企业规模 列或 主营业务收入")
    else:
        fails.add(group == "", cols.get("revenue", ("revenue", None))[0], np.full(n, None),
                  "group_undetermined", REASONS["group_undetermined"], "给出 企业规模 列或 主营业务收入")
    return np.asarray(group, dtype=object)


def _excluded(df: pd.DataFrame, cols: dict[str, tuple[str, str | None]], scheme: Scheme,
              notes: _Notes) -> tuple[np.ndarray, np.ndarray]:
    """(excluded 不参评 mask, class to assign or ''); the reason goes into ``notes``."""
    n = len(df)
    out = np.zeros(n, dtype=bool)
    cls = np.full(n, "", dtype=object)
    if "participate" in cols:
        p = df[cols["participate"][0]].astype("string").str.strip().str.lower().fillna("")
        no = p.isin(_NO).to_numpy()
        why = (df[cols["exclude_reason"][0]].astype("string").fillna("").to_numpy(dtype=object)
               if "exclude_reason" in cols else np.full(n, "", dtype=object))
        notes.add(no, np.array(["[not_participating] 不参评" + (f"：{w}" if w else "") for w in why], dtype=object))
        out |= no
    for ex in scheme.exclusions:
        if ex.field not in cols:
            continue
        raw = df[cols[ex.field][0]]
        if ex.field == "start":
            num, _ = _numbers(raw)
            dates = pd.to_datetime(raw.where(np.isnan(num)), errors="coerce")
            days = (pd.Timestamp(scheme.data_year, 12, 31) - dates).dt.days.to_numpy(dtype=float)
            age = np.where(np.isnan(num), days / 365.2425, scheme.data_year - num)
            hit = age < float(ex.younger_than_years or 0)
        else:
            hit = raw.astype("string").str.normalize("NFKC").str.strip().isin(ex.values).fillna(False).to_numpy(dtype=bool)
        hit &= ~out
        notes.add(hit, f"[{ex.code}] 不参评：{ex.reason}")
        cls[hit] = ex.assign_class or ""
        out |= hit
    return out, cls


def _score(sch: Scheme, vals: dict[str, np.ndarray], df: pd.DataFrame, cols: dict[str, tuple[str, str | None]],
           group: np.ndarray, rows_in: np.ndarray, fails: _Fails, notes: _Notes
           ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Indicator values and points per row; benchmarks used; fill-in scores for missing data."""
    n = len(df)
    nan = np.full(n, np.nan)
    value: dict[str, np.ndarray] = {}
    points: dict[str, np.ndarray] = {}
    plan = []
    for g in sch.groups:
        rows = rows_in & (group == g.id)
        for ind in g.indicators:
            num, den = vals.get(ind.numerator, nan), vals.get(ind.denominator, nan)
            k = _factor(f"({FIELD_UNITS[ind.numerator]})/({FIELD_UNITS[ind.denominator]})", ind.unit or "1")
            missing = rows & (np.isnan(num) | np.isnan(den))
            zero = rows & (den == 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                value[ind.id] = np.where(rows & ~zero, num / den * k, value.get(ind.id, nan))
            for fld, arr in ((ind.numerator, num), (ind.denominator, den)):
                header = cols.get(fld, (fld, None))[0]
                raw = df[header] if header in df else None
                if ind.missing == "error":
                    fails.add(missing & np.isnan(arr), header, raw, f"{fld}_missing",
                              f"{FIELD_ZH[fld]}{REASONS['{field}_missing']}（{GROUP_ZH[g.id]}{ind.name}需要）",
                              f"填写{FIELD_ZH[fld]}（{FIELD_UNITS[fld]}）")
            header = cols.get(ind.denominator, (ind.denominator, None))[0]
            fails.add(zero, header, df[header] if header in df else 0,
                      f"{ind.denominator}_zero", f"{FIELD_ZH[ind.denominator]}{REASONS['{field}_zero']}（{ind.name}）",
                      "核对数据；没有数据时留空")
            plan.append((g, ind, rows, missing, k))
    benchmarks: dict[str, dict[str, float]] = {}
    means: dict[str, dict[str, float]] = {}
    for g, ind, rows, missing, k in plan:
        clean = rows & ~missing & ~fails.fatal
        if ind.benchmark == "aggregate":  # Σ numerator / Σ denominator over the group's clean firms
            bm = float(vals[ind.numerator][clean].sum() / vals[ind.denominator][clean].sum() * k) if clean.any() else np.nan
            if bm <= 0:
                raise RuleError(f"{GROUP_ZH[g.id]} {ind.name}: benchmark 'aggregate' is {bm:g}, not positive")
        else:
            bm = float(ind.benchmark)
        benchmarks.setdefault(g.id, {})[ind.id] = bm
        ratio = value[ind.id] / bm
        if ind.min_ratio is not None or ind.max_ratio is not None:
            ratio = np.clip(ratio, ind.min_ratio, ind.max_ratio)
        pts = np.where(rows & ~missing, ind.weight * ratio, points.get(ind.id, nan))
        if ind.missing != "error" and missing.any():
            fill = 0.0 if ind.missing == "zero" else (float(pts[clean].mean()) if clean.any() else np.nan)
            means.setdefault(g.id, {})[ind.id] = fill
            pts = np.where(missing, fill, pts)
            if np.isnan(fill):
                fails.add(missing, ind.id, None, "group_mean_undefined", f"{ind.name}：{REASONS['group_mean_undefined']}")
            elif ind.missing == "group_mean":
                notes.add(missing, f"[missing_group_mean] {ind.name}缺数据，按{GROUP_ZH[g.id]}组平均分 {fill:.4g} 计")
            else:
                notes.add(missing, f"[missing_zero] {ind.name}缺数据，按0分计")
        points[ind.id] = pts
    return value, points, benchmarks, means


def _largest_remainder(n: int, shares: list[float]) -> np.ndarray:
    """Whole counts from shares that add up to n (Hamilton's method)."""
    raw = np.asarray(shares, dtype=float) * n
    counts = np.floor(raw + 1e-9).astype(np.int64)
    rest = int(n - counts.sum())
    if rest > 0:
        counts[np.argsort(-(raw - counts), kind="stable")[:rest]] += 1
    return counts


def _classify(score: np.ndarray, scope: np.ndarray, ok: np.ndarray, rule: ClassRule) -> np.ndarray:
    """Class id per row ('' where not classified). Shares: a tie at a boundary takes the better class."""
    ids = np.array([lv.id for lv in rule.levels] + [""], dtype=object)
    idx = np.full(len(score), len(rule.levels), dtype=np.int64)
    for s in pd.unique(scope[ok]):
        m = ok & (scope == s)
        if rule.method == "shares":
            bounds = np.cumsum(_largest_remainder(int(m.sum()), rule.shares))
            r = pd.Series(score[m]).rank(ascending=False, method="min").to_numpy() - 1
            idx[m] = np.searchsorted(bounds, r, side="right")
        else:
            t = np.array([lv.min_score for lv in rule.levels[:-1]], dtype=float)
            below = score[m][:, None] < t if rule.inclusive else score[m][:, None] <= t
            idx[m] = below.sum(axis=1)
    return ids[idx]


def _adjust(adjustments: Any, df: pd.DataFrame, cols: dict[str, tuple[str, str | None]],
            known: set[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions, new classes and reasons of manual 调档; bad entries raise one InputError."""
    if isinstance(adjustments, Mapping):
        items = [(k, *(v if isinstance(v, tuple | list) else (v.get("class"), v.get("reason"))))
                 for k, v in adjustments.items()]
        adj = pd.DataFrame(items, columns=["key", "class", "reason"]).set_index("key")
    else:
        adj = pd.DataFrame(adjustments).rename(
            columns={"调档后等级": "class", "调档原因": "reason", "统一社会信用代码": "credit_code"})
    if "credit_code" in adj.columns and "credit_code" in cols:
        from .credit_code import normalize

        look = pd.Series(np.arange(len(df)), index=normalize(df[cols["credit_code"][0]]).fillna("").to_numpy())
        look = look[~look.index.duplicated()]
        keys = normalize(adj["credit_code"]).fillna("").to_numpy()
        pos = look.reindex(keys).fillna(-1).to_numpy(dtype=np.int64)
    else:
        keys = adj.index.to_numpy(dtype=object)
        pos = df.index.get_indexer(adj.index) if df.index.is_unique else np.full(len(adj), -1)
    new = adj["class"].astype("string").fillna("").to_numpy(dtype=object) if "class" in adj else np.full(len(adj), "")
    why = (adj["reason"].astype("string").fillna("").str.strip().to_numpy(dtype=object)
           if "reason" in adj else np.full(len(adj), "", dtype=object))
    f = _Fails(len(adj))
    f.add(pos < 0, "row", keys, "adjustment_row_unknown", "调档对象不在企业表中", "用企业表的行标签或统一社会信用代码")
    f.add(~np.isin(new, sorted(known)), "class", new, "adjustment_class_unknown",
          f"调档后等级应为 {sorted(known)} 之一")
    f.add(why == "", "reason", why, "adjustment_reason_missing", "调档必须写明原因", "填写 reason（调档原因）")
    if f.parts:
        raise InputError(f.frame(adj.index), "调档 adjustments")
    return pos, new, why


def evaluate(
    enterprises: pd.DataFrame,
    scheme: str | Path | Scheme | Mapping[str, Any] = "huangyan-2022",
    *,
    classes: str | Path | ClassRule | Mapping[str, Any] | None = None,
    energy_records: pd.DataFrame | None = None,
    on: str | None = None,
    energy_basis: str | None = None,
    year: int | None = None,
    factors: Any = None,
    units: Mapping[str, str] | None = None,
    columns: Mapping[str, str] | None = None,
    adjustments: Any = None,
    errors: Literal["raise", "report"] = "raise",
) -> pd.DataFrame:
    """Score and class enterprises by a county's 亩均 scheme; the same rows, in the same order.

    Parameters
    ----------
    enterprises : DataFrame
        One row per firm. Headers in Chinese or English (see `FIELDS`): 实缴税金, 用地面积,
        工业增加值, 综合能耗 (or 综合能耗(等价值)), 排放量, 年平均职工人数, R&D经费支出,
        主营业务收入, 用电量; optional 企业规模 (规上/规下), 统一社会信用代码, 所属乡镇, 投产日期,
        企业类型, 参评 / 不参评原因. Units default to `FIELD_UNITS` (万元, 亩, tce, t, 人, 万kWh);
        a header may state its own (``实缴税金(元)``), or pass ``units={"tax": "元"}``.
    scheme : str, path, Scheme or mapping
        ``"huangyan-2022"`` (default), another shipped name (`list_schemes`), or your own TOML.
    classes : optional
        A class rule replacing the scheme's (e.g. ``"tiantai-2022-classes"``). Without any, no
        class is given (the ``class`` column stays empty): 黄岩's text states none.
    energy_records : DataFrame, optional
        Energy records (能源品种, 消费量, 计量单位 + a firm key), accounted with
        `tanfeng.accounting.account` on the scheme's basis for ``year`` and summed per firm.
    on : str, optional
        Key column in both tables (default: 统一社会信用代码, else 企业名称).
    energy_basis : {"当量值", "等价值"}, optional
        Basis of a 综合能耗 column whose header does not say it. Without it the scheme's basis
        is assumed, with a `TanfengWarning`; a different basis raises `RuleError`.
    year : int, optional
        Data year for energy factors; default the scheme's ``data_year``.
    factors : FactorSet, optional
        Passed to `account` (e.g. a provincial 等价值 factor added with ``override``).
    units, columns : mapping, optional
        ``{"tax": "元"}``: unit of a field; ``{"tax": "我的税收列"}``: its header.
    adjustments : mapping or DataFrame, optional
        Manual 调档: ``{row label: ("B", "reason")}`` or a frame with ``class`` and ``reason``
        (调档后等级, 调档原因) indexed by row label or with a ``credit_code`` column. The reason
        is required and written into ``reason``; ``class_initial`` keeps the computed class.
    errors : {"raise", "report"}
        ``"raise"``: one `InputError` listing every bad row. ``"report"``: rows are kept with a
        ``problem`` text; a row that cannot be scored gets no score, rank or class.

    Returns
    -------
    DataFrame
        The input plus ``group`` (above_scale / below_scale), ``evaluated`` (参评), each
        indicator's value and ``<indicator>_score``, ``score``, ``rank`` (1 = best, within the
        group), ``class_initial`` (初评等级), ``class`` (after 调档), ``class_name`` and
        ``reason``. Input columns of these names are replaced. ``attrs["tanfeng"]`` records the
        scheme, the benchmarks used and the fill-in scores for missing data.

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"实缴税金": [11.5932, 23.1864], "用地面积": [1.0, 1.0],
    ...                       "用电量": [49.29, 98.58], "企业规模": ["规下", "规下"]})
    >>> # 11.5932/1/11.5932×50 + (11.5932/49.29)/0.2352×50 = 50 + 50.0 (49.29 万kWh ≈ at C2)
    >>> evaluate(firms)["score"].round(2).tolist()   # at both benchmarks; twice the 亩均税收
    [100.0, 150.0]
    """
    if errors not in ("raise", "report"):
        raise ValueError("errors must be 'raise' or 'report'")
    sch = load_scheme(scheme)
    rule = load_class_rule(classes) if classes is not None else sch.classes
    df = enterprises
    n = len(df)
    fails, notes = _Fails(n), _Notes(n)
    cols = _map_columns(df, columns)

    needed = {f for g in sch.groups for i in g.indicators for f in (i.numerator, i.denominator)}
    if energy_records is not None and any(f.startswith("energy_tce") for f in cols):
        raise ValueError("give 综合能耗 either as a column or as energy_records=, not both")
    energy_col = _energy(df, cols, sch, energy_basis) if "energy_tce" in needed and energy_records is None else None
    vals = _read_fields(df, cols, energy_col, units, fails, notes)
    if energy_records is not None:
        vals["energy_tce"] = _energy_from_records(energy_records, df, cols, on, sch.basis,
                                                  year or sch.data_year, factors, errors, fails)
        cols["energy_tce"] = ("energy_records", None)
    if "credit_code" in cols:
        from .credit_code import failures as code_failures

        f = code_failures(df[cols["credit_code"][0]].set_axis(pd.RangeIndex(n)), cols["credit_code"][0])
        if len(f):
            fails.parts.append(f.rename(columns={"row": "pos"}))  # not fatal: the row can be scored

    group = _groups(vals, df, cols, sch.assignment, fails, notes)
    excluded, ex_class = _excluded(df, cols, sch, notes)
    in_scheme = np.isin(group, [g.id for g in sch.groups])
    notes.add((group != "") & ~in_scheme, "[group_not_in_scheme] " + REASONS["group_not_in_scheme"])
    evaluated = ~excluded & ((group == "") | in_scheme)
    value, points, benchmarks, means = _score(sch, vals, df, cols, group, evaluated & in_scheme, fails, notes)

    failures = fails.frame(df.index)
    if len(failures) and errors == "raise":
        raise InputError(failures, "亩均评价企业表")
    scored = evaluated & in_scheme & ~fails.fatal
    total = np.full(n, np.nan)
    for g in sch.groups:
        m = scored & (group == g.id)
        total[m] = np.sum([points[i.id][m] for i in g.indicators], axis=0)
    rank = pd.Series(total).groupby(group).rank(ascending=False, method="min").to_numpy()
    labels = rule.labels if rule is not None else {}
    initial = np.full(n, "", dtype=object)
    if rule is not None:
        scope = group if rule.within == "group" else np.zeros(n, dtype=object)
        initial = _classify(total, scope, scored, rule)
    initial = np.where(ex_class != "", ex_class, initial)
    final = initial.copy()
    if adjustments is not None:
        pos, new, why = _adjust(adjustments, df, cols, set(labels) | set(ex_class[ex_class != ""]))
        adj, text = np.zeros(n, dtype=bool), np.full(n, "", dtype=object)
        adj[pos] = True
        text[pos] = [f"[adjusted] 调档 {initial[p] or '—'}→{c}：{w}" for p, c, w in zip(pos, new, why)]
        final[pos] = new
        notes.add(adj, text)

    out = df.copy()
    out["group"] = pd.Categorical(group, categories=["above_scale", "below_scale"])
    out["evaluated"] = evaluated
    for i in value:
        out[i] = value[i]
        out[f"{i}_score"] = np.where(scored, points[i], np.nan)
    out["score"] = total
    out["rank"] = rank
    order = pd.Index(list(dict.fromkeys([*labels, *ex_class[ex_class != ""]])), dtype=object)
    out["class_initial"] = pd.Categorical.from_codes(order.get_indexer(initial), categories=order, ordered=True)
    out["class"] = pd.Categorical.from_codes(order.get_indexer(final), categories=order, ordered=True)
    out["class_name"] = pd.Categorical.from_codes(
        order.get_indexer(final), categories=pd.Index([labels.get(c) or c for c in order], dtype=object))
    out["reason"] = notes.text()
    if errors == "report":
        out["problem"] = fails.problems(n)
    out.attrs = dict(df.attrs)
    out.attrs["tanfeng"] = {
        "scheme": sch.id, "scheme_source": sch.source.url or sch.source.title,
        "class_rule": (rule.id or f"{sch.id} classes") if rule is not None else None,
        "energy_basis": sch.energy_basis,
        "energy_column": cols["energy_tce"][0] if energy_records is not None else (cols[energy_col][0] if energy_col else None),
        "benchmarks": benchmarks, "missing_fill": means, "columns": {f: c for f, (c, _) in cols.items()},
        "errors": errors, "rows_with_problems": int((evaluated & in_scheme & fails.fatal).sum()),
    }
    return out


def low_tax_per_mu(
    enterprises: pd.DataFrame,
    threshold: float = LOW_TAX_THRESHOLD,
    *,
    inclusive: bool = True,
    units: Mapping[str, str] | None = None,
    columns: Mapping[str, str] | None = None,
    errors: Literal["raise", "report"] = "raise",
) -> pd.DataFrame:
    """Firms whose 亩均税收 is at or under ``threshold`` 万元/亩 (诸暨 plan 三(一)1, land census).

    Returns the matching rows in input order with ``tax_per_mu``; negative tax (退税) is kept
    and listed. ``inclusive=True`` follows "亩均税收5万元以下" (以下 includes the number, 民法典
    第1259条); ``inclusive=False`` lists only firms strictly below. Rows with missing, text or
    zero 用地面积 / 实缴税金 raise one `InputError`; with ``errors="report"`` they are listed
    too, with a ``problem`` text, because the census has to look at them.

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"企业名称": ["甲", "乙", "丙"], "实缴税金": [60, 20, -3],
    ...                       "用地面积": [10, 4, 2]})
    >>> low_tax_per_mu(firms)[["企业名称", "tax_per_mu"]].values.tolist()
    [['乙', 5.0], ['丙', -1.5]]
    """
    if errors not in ("raise", "report"):
        raise ValueError("errors must be 'raise' or 'report'")
    cols = _map_columns(enterprises, columns)
    n = len(enterprises)
    fails = _Fails(n)
    missing_cols = [f for f in ("tax", "land_area") if f not in cols]
    if missing_cols:
        raise InputError(pd.DataFrame(
            [("<table>", f, None, "column_missing", f"表中没有{FIELD_ZH[f]}列", f"columns={{{f!r}: '<表头>'}}")
             for f in missing_cols], columns=["row", "column", "value", "reason", "message", "suggestion"]),
            "亩均税收企业表")
    vals = _read_fields(enterprises, {f: cols[f] for f in ("tax", "land_area")}, None, units, fails, _Notes(n))
    for f in ("tax", "land_area"):
        col = enterprises[cols[f][0]]
        blank = (col.isna() | (col.astype("string").str.strip() == "")).fillna(True).to_numpy(dtype=bool)
        fails.add(blank, cols[f][0], col, f"{f}_missing", FIELD_ZH[f] + REASONS["{field}_missing"])
    fails.add(vals["land_area"] == 0, cols["land_area"][0], enterprises[cols["land_area"][0]],
              "land_area_zero", "用地面积" + REASONS["{field}_zero"], "核对用地面积")
    failures = fails.frame(enterprises.index)
    if len(failures) and errors == "raise":
        raise InputError(failures, "亩均税收企业表")
    with np.errstate(divide="ignore", invalid="ignore"):
        tpm = np.where(fails.fatal, np.nan, vals["tax"] / vals["land_area"])
    keep = (tpm <= threshold if inclusive else tpm < threshold) | fails.fatal
    out = enterprises.iloc[np.flatnonzero(keep)].copy()
    out["tax_per_mu"] = tpm[keep]
    if errors == "report":
        out["problem"] = fails.problems(n)[keep]
    return out
