"""Rules of the 两高 screen and the 两高一低 list, as data: pydantic models and their loading.

The shipped rules live in ``factors/rules/two_high.toml``; your own file uses the same tables and
may ``extends`` a shipped one (see the comments at the top of that file).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .. import industries
from .._resources import data_dir, normalize_name
from .._rules import Confidence, FileVersioned, Source, from_files, read_toml, same_files
from ..defaults import BUILD_YEAR_RANGE
from ..errors import RuleError

__all__ = ["DEFAULT_RULES", "YEAR_RANGE", "Confidence", "LowEfficiencyRules", "RuleSet", "SectorCode", "SectorPreset",
           "Source", "TwoHighRules"]

#: Plausible build years (`tanfeng.defaults.BUILD_YEAR_RANGE`).
YEAR_RANGE = BUILD_YEAR_RANGE


class SectorCode(BaseModel):
    """One GB/T 4754-2017 code (division, group or class) in a preset, with its sector label."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    sector: str
    source: str
    confidence: Confidence = "unverified"
    note: str = ""

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v: Any) -> str:
        p = industries.parse(v)
        if not p.ok or p.code is None:
            raise ValueError(f"{v!r}: {p.message}" + (f" (closest: {', '.join(p.suggestions)})" if p.suggestions else ""))
        return p.code

    @model_validator(mode="after")
    def _name_matches(self) -> SectorCode:
        official = industries.lookup(self.code).name_zh
        if official is not None and normalize_name(official) != normalize_name(self.name):
            raise ValueError(f"code {self.code} is {official!r} in GB/T 4754-2017, not {self.name!r}")
        return self


class SectorPreset(BaseModel):
    """A 两高 industry scope: codes in scope (longest prefix wins) and narrower ``exclude`` codes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    source: str
    confidence: Confidence = "unverified"
    note: str = ""
    codes: tuple[SectorCode, ...]
    exclude: tuple[str, ...] = ()

    @field_validator("exclude", mode="before")
    @classmethod
    def _exclude(cls, v: Any) -> tuple[str, ...]:
        out = []
        for c in v or ():
            p = industries.parse(c)
            if not p.ok or p.code is None:
                raise ValueError(f"exclude {c!r}: {p.message}")
            out.append(p.code)
        return tuple(out)

    @model_validator(mode="after")
    def _consistent(self) -> SectorPreset:
        codes = [c.code for c in self.codes]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"codes listed twice: {dup}")
        for x in self.exclude:
            if not any(x.startswith(c) and x != c for c in codes):
                raise ValueError(f"exclude {x!r} is not narrower than any code in the preset")
        return self

    def classify(self, codes: Sequence[str | None]) -> pd.DataFrame:
        """For each normalised code: ``status`` (``in`` / ``out`` / ``coarse`` / ``""`` for
        None), ``sector``, ``matched_code`` and, for ``coarse``, the in-scope codes under it."""
        inc = {c.code: c for c in self.codes}
        rows: list[tuple[str, str | None, str | None, str]] = []
        for code in codes:
            if code is None:
                rows.append(("", None, None, ""))
                continue
            hit_in = max((c for c in inc if code.startswith(c)), key=len, default=None)
            hit_ex = max((c for c in self.exclude if code.startswith(c)), key=len, default=None)
            inside = hit_in is not None and (hit_ex is None or len(hit_in) > len(hit_ex))
            below_in = [c for c in inc if c.startswith(code) and c != code]
            below_ex = [c for c in self.exclude if c.startswith(code) and c != code]
            if (inside and below_ex) or (not inside and below_in):
                rows.append(("coarse", None, None, "、".join(below_in) if not inside else "、".join(below_ex)))
            elif inside and hit_in is not None:
                rows.append(("in", inc[hit_in].sector, hit_in, ""))
            else:
                rows.append(("out", None, None, ""))
        return pd.DataFrame(rows, columns=["status", "sector", "matched_code", "detail"], dtype=object)


class TwoHighRules(FileVersioned):
    """A 两高 rule set: a sector preset, a cut-off year, two thresholds and the conventions.

    Load with ``TwoHighRules.load(id_or_path)`` (``available()`` lists the shipped ids). Copy and
    change: ``TwoHighRules.load("zhuji-2021").replace(cutoff_year=2019)`` (validated), or
    ``model_copy(update=...)`` (validated again when screening). ``sectors`` may be given as a
    preset id shipped in ``two_high.toml`` (``"mee-2021"``, ``"ndrc-high-energy"``,
    ``"zhejiang-practice"``); ``load("mee-2021")`` is that preset on the default rule set.
    (``RuleSet`` is the former name, kept as an alias.)

    Examples
    --------
    >>> rs = TwoHighRules.load("mee-2021")
    >>> rs.id, rs.sectors.id, rs.thresholds, len(rs.version)
    ('zhuji-2021+mee-2021', 'mee-2021', (1000.0, 5000.0), 12)
    >>> "zhuji-2021" in TwoHighRules.available()
    True
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str = ""
    sectors: SectorPreset
    source: str
    cutoff_year: int = Field(ge=YEAR_RANGE[0], le=YEAR_RANGE[1])
    threshold_from_cutoff_tce: float = Field(gt=0)
    threshold_before_cutoff_tce: float = Field(gt=0)
    inclusive: bool = True
    inclusive_source: str = ""
    precision: int = Field(default=1, ge=0, le=6)
    electricity_basis: Literal["calorific", "substitution"] = "calorific"
    basis_source: str = ""
    expansion: Literal["increment", "total"] = "increment"
    expansion_source: str = ""
    confidence: Confidence = "unverified"
    note: str = ""
    sources: dict[str, Source] = Field(default_factory=dict)

    @field_validator("sectors", mode="before")
    @classmethod
    def _preset_by_name(cls, v: Any) -> Any:
        return _shipped_preset(v) if isinstance(v, str) else v

    @field_validator("electricity_basis", mode="before")
    @classmethod
    def _basis(cls, v: Any) -> Any:
        from ..factors import normalize_basis

        return normalize_basis(v) if isinstance(v, str) else v

    @model_validator(mode="after")
    def _sources_known(self) -> TwoHighRules:
        need = {self.source, self.inclusive_source, self.basis_source, self.expansion_source,
                self.sectors.source, *(c.source for c in self.sectors.codes)} - {""}
        if self.sources:
            missing = sorted(need - set(self.sources))
            if missing:
                raise ValueError(f"sources not defined in [sources]: {missing}")
        return self

    @property
    def thresholds(self) -> tuple[float, float]:
        """(lower, higher) of the two thresholds."""
        a, b = self.threshold_from_cutoff_tce, self.threshold_before_cutoff_tce
        return (min(a, b), max(a, b))

    @property
    def basis_zh(self) -> str:
        return "当量值" if self.electricity_basis == "calorific" else "等价值"

    def replace(self, **changes: Any) -> TwoHighRules:
        """A validated copy with some fields changed (``sectors`` may be a preset id)."""
        data = {k: getattr(self, k) for k in type(self).model_fields}
        data.update(changes)
        if isinstance(data["sectors"], str):
            data["sectors"] = _shipped_preset(data["sectors"])
        data["sources"] = {**_shipped_sources(), **dict(data["sources"])} if data["sources"] else {}
        try:
            out = type(self).model_validate(data)
        except ValidationError as exc:
            raise RuleError(f"rule set {self.id!r}: {exc}") from exc
        out = out.model_copy(update={"sources": _referenced(out, out.sources)}) if out.sources else out
        return same_files(out, self)  # the file's version while the content is the file's

    @classmethod
    def load(cls, id_or_path: str | Path = "zhuji-2021") -> TwoHighRules:
        """A shipped rule set (``"zhuji-2021"``), a sector preset on the default rule set
        (``"mee-2021"`` -> ``zhuji-2021`` with that preset) or your own TOML file.

        Shipped rule sets are cached (they are frozen).
        """
        text = str(id_or_path)
        if isinstance(id_or_path, Path) or text.endswith(".toml"):
            return cls.from_toml(Path(text))
        tables = _shipped_tables()
        if text in tables.get("rulesets", {}):
            return _shipped_ruleset(text)
        if text in tables.get("presets", {}):
            preset = _shipped_ruleset(DEFAULT_RULES).replace(id=f"{DEFAULT_RULES}+{text}", sectors=text)
            return from_files(preset, _shipped_file())  # the id names the preset, the file the rest
        raise RuleError(
            f"no 两高 rule set or sector preset {text!r}. Rule sets: {cls.available()}; sector presets: "
            f"{sorted(tables.get('presets', {}))} — a preset is used on a rule set: rules='mee-2021' "
            f"(on {DEFAULT_RULES!r}), or TwoHighRules.load('zhuji-2021').replace(sectors='mee-2021'); "
            "or give the path of your own TOML file")

    @classmethod
    def available(cls) -> list[str]:
        """Ids of the shipped rule sets (``[rulesets.*]`` of ``two_high.toml``)."""
        return sorted(_shipped_tables().get("rulesets", {}))

    @classmethod
    def presets(cls) -> list[str]:
        """Ids of the shipped sector presets (``[presets.*]``), each loadable as a rule set."""
        return sorted(_shipped_tables().get("presets", {}))

    @classmethod
    def from_toml(cls, path: str | Path, name: str | None = None) -> TwoHighRules:
        """A rule set from your own TOML file (same tables; may ``extends`` shipped ones)."""
        built = _build_ruleset(_merge(_shipped_tables(), _read_toml(Path(path))), name, Path(path))
        return from_files(built, _shipped_file(), path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], name: str | None = None) -> TwoHighRules:
        """From a dict: either the tables of a rules file (``{"rulesets": {...}, ...}``) or the
        fields of one rule set (``{"extends": "zhuji-2021", "cutoff_year": 2019}``)."""
        d = dict(data)
        if not ({"rulesets", "presets", "sources"} & set(d)):
            rid = str(d.pop("id", name or "custom"))
            d = {"rulesets": {rid: d}}
            name = rid
        return _build_ruleset(_merge(_shipped_tables(), d), name)


#: The former name of `TwoHighRules` (deprecated; the swap rules are `tanfeng.swap.SwapRules`).
RuleSet = TwoHighRules
#: The 两高 rule set used when none is named.
DEFAULT_RULES = "zhuji-2021"


class LowEfficiencyRules(FileVersioned):
    """Thresholds of the 两高一低 list, each with its source id and confidence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str = ""
    energy_threshold_tce: float = Field(gt=0)
    energy_source: str
    energy_confidence: Confidence = "unverified"
    co2_threshold_t: float = Field(gt=0)
    co2_source: str
    co2_confidence: Confidence = "unverified"
    tax_per_mu_threshold: float
    tax_per_mu_source: str
    tax_per_mu_confidence: Confidence = "unverified"
    inclusive: bool = True
    combine: Literal["all", "any_high"] = "any_high"
    precision: int = Field(default=1, ge=0, le=6)
    tax_per_mu_precision: int = Field(default=2, ge=0, le=6)
    region: str = ""
    note: str = ""
    sources: dict[str, Source] = Field(default_factory=dict)

    @classmethod
    def available(cls) -> list[str]:
        """Ids of the shipped ``[low_efficiency.*]`` tables."""
        return sorted(_shipped_tables().get("low_efficiency", {}))

    @classmethod
    def load(cls, name: str | Path = "zhuji-2021", path: str | Path | None = None) -> LowEfficiencyRules:
        """A shipped id, your own TOML file (with one ``[low_efficiency.<name>]``), or
        ``[low_efficiency.<name>]`` of the shipped file or of ``path`` (may ``extends``).

        Examples
        --------
        >>> lr = LowEfficiencyRules.load()
        >>> lr.id, lr.tax_per_mu_threshold
        ('zhuji-2021', 5.0)
        """
        text = str(name)
        if path is None and (isinstance(name, Path) or text.endswith(".toml")):
            own = list(_read_toml(Path(text)).get("low_efficiency", {}))
            if len(own) != 1:
                raise RuleError(f"{text}: expected one [low_efficiency.<name>] table, found {own}")
            return cls.load(own[0], Path(text))
        tables = _shipped_tables() if path is None else _merge(_shipped_tables(), _read_toml(Path(path)))
        raw = _resolve_extends(tables.get("low_efficiency", {}), text, "low_efficiency")
        srcs = _sources(tables)
        try:
            out = cls.model_validate({**raw, "id": text, "sources": {}})
        except ValidationError as exc:
            raise RuleError(f"[low_efficiency.{text}]: {exc}") from exc
        need = {out.energy_source, out.co2_source, out.tax_per_mu_source}
        missing = sorted(need - set(srcs))
        if missing:
            raise RuleError(f"[low_efficiency.{text}]: sources not defined in [sources]: {missing}")
        out = out.model_copy(update={"sources": {k: srcs[k] for k in sorted(need)}})
        return from_files(out, _shipped_file(), *([] if path is None else [path]))


# --- loading ----------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(path)


_SHIPPED: dict[str, Any] = {}


def _shipped_file() -> Path:
    """``factors/rules/two_high.toml``: the shipped rule sets, presets, 两高一低 thresholds and sources."""
    return data_dir() / "rules" / "two_high.toml"


def _shipped_tables() -> dict[str, Any]:
    if not _SHIPPED:
        _SHIPPED.update(_read_toml(_shipped_file()))
    return _SHIPPED


def _merge(base: Mapping[str, Any], user: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, Mapping) else v for k, v in base.items()}
    for table, entries in user.items():
        if isinstance(entries, Mapping) and isinstance(out.get(table), dict):
            out[table] = {**out[table], **entries}
        else:
            out[table] = entries
    return out


def _resolve_extends(table: Mapping[str, Any], name: str, kind: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    if name not in table:
        raise RuleError(f"no [{kind}.{name}]; known: {sorted(table)}")
    if name in seen:
        raise RuleError(f"[{kind}.{name}]: 'extends' loops through {' -> '.join((*seen, name))}")
    raw = dict(table[name])
    if kind == "presets":  # a code without its own source/confidence takes its preset's
        src, conf = raw.get("source", ""), raw.get("confidence", "unverified")
        raw["codes"] = [{"source": src, "confidence": conf, **c} for c in raw.get("codes", [])]
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    base = _resolve_extends(table, str(parent), kind, (*seen, name))
    if kind == "presets":  # codes accumulate; a child's code replaces the parent's same code
        child_codes = list(raw.pop("codes", []))
        keep = {str(c.get("code")) for c in child_codes}
        codes = [c for c in base.get("codes", []) if str(c.get("code")) not in keep] + child_codes
        excl = list(dict.fromkeys([*base.get("exclude", []), *raw.pop("exclude", [])]))
        removed = {industries.parse(c).code for c in raw.pop("remove", [])}
        codes = [c for c in codes if industries.parse(c.get("code")).code not in removed]
        return {**base, **raw, "codes": codes, "exclude": excl}
    return {**base, **raw}


def _sources(tables: Mapping[str, Any]) -> dict[str, Source]:
    try:
        return {k: Source.model_validate({**v, "id": k}) for k, v in tables.get("sources", {}).items()}
    except ValidationError as exc:
        raise RuleError(f"[sources]: {exc}") from exc


def _build_preset(tables: Mapping[str, Any], name: str) -> SectorPreset:
    raw = _resolve_extends(tables.get("presets", {}), name, "presets")
    raw.pop("remove", None)
    try:
        return SectorPreset.model_validate({**raw, "id": name})
    except ValidationError as exc:
        raise RuleError(f"[presets.{name}]: {exc}") from exc


def _referenced(rs: TwoHighRules, srcs: Mapping[str, Source]) -> dict[str, Source]:
    need = {rs.source, rs.inclusive_source, rs.basis_source, rs.expansion_source, rs.sectors.source,
            *(c.source for c in rs.sectors.codes)} - {""}
    return {k: srcs[k] for k in sorted(need) if k in srcs}


def _build_ruleset(tables: Mapping[str, Any], name: str | None, where: Path | None = None) -> TwoHighRules:
    table = tables.get("rulesets", {})
    if name is None:
        own = list(_read_toml(where).get("rulesets", {})) if where else list(table)
        if len(own) != 1:
            raise RuleError(f"{where or 'rules'}: give the rule set's name; the file defines {own}")
        name = own[0]
    raw = _resolve_extends(table, name, "rulesets")
    preset = raw.pop("preset", None)
    if "sectors" not in raw:
        if preset is None:
            raise RuleError(f"[rulesets.{name}]: no 'preset'")
        raw["sectors"] = _build_preset(tables, str(preset))
    elif isinstance(raw["sectors"], str):
        raw["sectors"] = _build_preset(tables, raw["sectors"])
    srcs = _sources(tables)
    try:
        rs = TwoHighRules.model_validate({**raw, "id": name, "sources": srcs})
    except ValidationError as exc:
        raise RuleError(f"[rulesets.{name}]: {exc}") from exc
    return rs.model_copy(update={"sources": _referenced(rs, srcs)})


@functools.lru_cache(maxsize=32)
def _shipped_ruleset(name: str) -> TwoHighRules:
    return from_files(_build_ruleset(_shipped_tables(), name), _shipped_file())


@functools.lru_cache(maxsize=32)
def _shipped_preset(name: str) -> SectorPreset:
    return _build_preset(_shipped_tables(), name)


def _shipped_sources() -> dict[str, Source]:
    return _sources(_shipped_tables())


def _as_ruleset(rules: TwoHighRules | str | Path | Mapping[str, Any]) -> TwoHighRules:
    if isinstance(rules, TwoHighRules):  # re-validate: model_copy(update=...) skips validation
        shipped = rules.id in _shipped_tables().get("rulesets", {}) and rules is _shipped_ruleset(rules.id)
        return rules if shipped else rules.replace()
    if isinstance(rules, Mapping):
        return TwoHighRules.from_dict(rules)
    return TwoHighRules.load(rules)


def _as_low_rules(rules: LowEfficiencyRules | str | Path) -> LowEfficiencyRules:
    return rules if isinstance(rules, LowEfficiencyRules) else LowEfficiencyRules.load(rules)
