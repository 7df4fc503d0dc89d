"""The 亩均 scheme as data: groups, indicators, class rules, exclusions; loading the TOML files.

A county's scheme lives in ``factors/rules/per_mu/*.toml`` and is validated by :class:`Scheme`;
a class rule (A–D) by :class:`ClassRule`. Users load their own files with the same models.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .._resources import data_dir
from .._rules import FileVersioned, Source, find_rule_file, from_files, read_toml
from ..errors import RuleError
from ..factors import normalize_basis
from .fields import FIELD_UNITS, INDICATORS, Group, _factor


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PerMuIndicator(_Model):
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
    def _check(self) -> PerMuIndicator:
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
    indicators: list[PerMuIndicator] = Field(min_length=1)

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


class PerMuExclusion(_Model):
    """Firms not evaluated (不参评): by age since 投产 or by 企业类型."""

    code: str
    reason: str
    field: Literal["start", "firm_type"]
    younger_than_years: float | None = None
    values: list[str] = []
    assign_class: str | None = None
    source: str = ""

    @model_validator(mode="after")
    def _check(self) -> PerMuExclusion:
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


class ClassRule(_Model, FileVersioned):
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
    def sources(self) -> dict[str, Source]:
        """``{source id: Source}`` of the class rule's document (empty when it names none)."""
        return {} if self.source is None else {self.source.id or self.id or "classes": self.source}

    @classmethod
    def load(cls, id_or_path: str | Path | Mapping[str, Any]) -> ClassRule:
        """A shipped class rule by id (``"tiantai-2022-classes"``), a TOML path or a mapping."""
        return load_class_rule(id_or_path)

    @classmethod
    def available(cls) -> list[str]:
        """Ids of the shipped class rules (``kind = "classes"``)."""
        return _shipped_of_kind("classes")

    @property
    def shares(self) -> list[float]:
        """Share of each level (a count is divided by ``total``)."""
        return [lv.share if lv.share is not None else lv.count / self.total  # type: ignore[operator]
                for lv in self.levels]

    @property
    def labels(self) -> dict[str, str]:
        """``{"A": "优先发展类", …}``."""
        return {lv.id: lv.name for lv in self.levels}


class Scheme(_Model, FileVersioned):
    """A county's 亩均效益综合评价 scheme. Load with ``Scheme.load(id_or_path)`` (or
    :func:`load_scheme`); ``Scheme.available()`` lists the shipped ones.

    Examples
    --------
    >>> s = Scheme.load("huangyan-2022")
    >>> s.id in Scheme.available(), list(s.sources) == [s.source.id or s.id], len(s.version)
    (True, True, 12)
    """

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
    exclusions: list[PerMuExclusion] = []
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

    @property
    def sources(self) -> dict[str, Source]:
        """``{source id: Source}`` of the scheme's document (and of its class rule)."""
        out = {self.source.id or self.id: self.source}
        if self.classes is not None:
            out.update(self.classes.sources)
        return out

    @classmethod
    def load(cls, id_or_path: str | Path | Mapping[str, Any]) -> Scheme:
        """A shipped scheme by id (``"huangyan-2022"``), a TOML path or a mapping."""
        return load_scheme(id_or_path)

    @classmethod
    def available(cls) -> list[str]:
        """Ids of the shipped schemes (``factors/rules/per_mu``, ``kind = "scheme"``)."""
        return _shipped_of_kind("scheme")


def _rules_dir() -> Path:
    return data_dir() / "rules" / "per_mu"


@functools.lru_cache(maxsize=64)
def _read_toml(path: str, mtime: float) -> dict[str, Any]:
    return read_toml(path)


def _load(obj: Any, model: type[FileVersioned], what: str) -> Any:
    if isinstance(obj, model):
        return obj
    p = None
    if isinstance(obj, Mapping):
        data, where = dict(obj), "the mapping given"
    else:
        p = find_rule_file(obj, _rules_dir(), what, list_schemes())
        data, where = _read_toml(str(p), p.stat().st_mtime), str(p)
    try:
        out = model.model_validate(data)
    except ValidationError as exc:
        raise RuleError(f"{what} in {where} is not valid:\n{exc}") from exc
    return out if p is None else from_files(out, p)


def _shipped_of_kind(kind: str) -> list[str]:
    out = []
    for p in sorted(_rules_dir().glob("*.toml")):
        if _read_toml(str(p), p.stat().st_mtime).get("kind", "scheme") == kind:
            out.append(p.stem)
    return out


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


#: Former names (deprecated): the plan's indicator is `tanfeng.targets.Indicator`.
Indicator = PerMuIndicator
Exclusion = PerMuExclusion
