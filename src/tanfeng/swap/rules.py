"""Capacity-swap rules as data: ratios, suspensions, key regions and ineligible source kinds.

Three CSV files under ``factors/rules/`` (shipped in the wheel), each row with its source and
the confidence mark of the research note (``V`` read in the operative text, ``S`` / ``S×2`` /
``S×3`` secondary, ``U`` uncertain or inferred):

* ``capacity_swap.csv`` — one :class:`SwapRule` per (sector, product, jurisdiction, region type,
  condition, validity period): ``retire_per_new`` is 退出产能 : 建设产能; ``status`` is
  ``active`` or ``suspended`` (steel from 2024-08-23; 浙江 化工/化纤/印染 from 2022-03-09).
* ``key_regions.csv`` — dated 大气污染防治重点区域 membership (:class:`KeyRegionRow`):
  国发〔2018〕22号 (whole provinces 上海/江苏/浙江/安徽), 国发〔2023〕24号 (浙江: 杭州、宁波、嘉兴、
  湖州、绍兴、舟山 only).
* ``swap_exclusions.csv`` — source kinds that a rule's document does not accept
  (:class:`SwapExclusion`: 已享受奖补, 落后产能, 僵尸企业, 不在合规清单 …).

How a ratio is chosen (:meth:`SwapRules.ratio`) for a line on a date:

1. rows of the sector whose product is the line's (or ``*``), in force on the date, of the
   national jurisdiction or of the project's province;
2. any ``suspended`` row among them (region type and condition ``*`` match everything) raises
   `RuleError` — a suspended rule is never a pass;
3. the *base* row (no condition) for the region type — a provincial row wins over the national
   one, an exact region type over ``*``;
4. condition rows for the conditions that apply (``merger``, ``cross_province`` …): ``relax``
   rows can only lower the ratio (``min``), ``tighten`` rows can only raise it (``max``), and
   tightening wins: ``ratio = max(min(base, relax…), tighten…)``.

Users load their own files with :meth:`SwapRules.from_dir` or :meth:`SwapRules.from_csv`; the same
pydantic models validate them.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .._resources import data_dir, file_version, normalize_name
from .._rules import Source, content_version
from ..errors import RuleError

__all__ = [
    "CONFIDENCE_LEVEL",
    "SECTOR_ALIASES",
    "Exclusion",
    "KeyRegionRow",
    "RatioDecision",
    "RuleSet",
    "SwapExclusion",
    "SwapRule",
    "SwapRules",
]

#: Confidence marks of ``policy.md`` and the factor-table level each corresponds to.
CONFIDENCE_LEVEL: dict[str, str] = {"V": "verified", "S": "secondary", "S×2": "secondary",
                                    "S×3": "secondary", "U": "unverified"}

#: English names accepted for the sectors of the shipped rules.
SECTOR_ALIASES: dict[str, str] = {
    "steel": "钢铁", "iron_and_steel": "钢铁", "cement": "水泥", "flat_glass": "平板玻璃",
    "glass": "平板玻璃", "casting": "铸造", "foundry": "铸造", "chemicals": "化工",
    "chemical_fibre": "化纤", "chemical_fiber": "化纤", "dyeing": "印染", "printing_dyeing": "印染",
}

RegionType = Literal["key_region", "other"]


def _split(v: Any) -> tuple[str, ...]:
    if v is None or isinstance(v, float):
        return ()
    if isinstance(v, str):
        return tuple(s.strip() for s in v.split("|") if s.strip())
    return tuple(str(s).strip() for s in v if str(s).strip())


def _blank_to_none(v: Any) -> Any:
    return None if isinstance(v, str) and not v.strip() else v


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    source: str
    url: str = ""
    confidence: str
    note: str = ""

    @field_validator("confidence")
    @classmethod
    def _mark(cls, v: str) -> str:
        v = v.replace("x", "×").replace("X", "×")
        if v not in CONFIDENCE_LEVEL:
            raise ValueError(f"confidence must be one of {list(CONFIDENCE_LEVEL)}, got {v!r}")
        return v

    @field_validator("source")
    @classmethod
    def _cited(cls, v: str) -> str:
        if not v:
            raise ValueError("every rule needs its source document")
        return v

    @property
    def confidence_level(self) -> str:
        """``verified`` / ``secondary`` / ``unverified`` (the factor tables' words)."""
        return CONFIDENCE_LEVEL[self.confidence]


class SwapRule(_Row):
    """One row of ``capacity_swap.csv``: a replacement ratio (退出 : 建设) or a suspension."""

    id: str
    document: str
    sector: str
    product: str = "*"
    capacity_unit: str = ""
    jurisdiction: str = "national"
    region_type: Literal["key_region", "other", "*"] = "*"
    condition: str = ""
    condition_zh: str = ""
    effect: Literal["", "relax", "tighten"] = ""
    retire_per_new: float | None = None
    split_allowed: Literal["", "yes", "no"] = ""
    except_products: tuple[str, ...] = ()
    valid_from: dt.date
    valid_to: dt.date | None = None
    status: Literal["active", "suspended"]
    warning: str = ""

    _blank = field_validator("retire_per_new", "valid_to", mode="before")(_blank_to_none)
    _list = field_validator("except_products", mode="before")(_split)

    @model_validator(mode="after")
    def _consistent(self) -> SwapRule:
        if self.status == "active":
            if self.retire_per_new is None or self.retire_per_new < 0:
                raise ValueError("an active rule needs retire_per_new >= 0 (退出:建设)")
            if self.condition == "*":
                raise ValueError("condition '*' is only for suspended rows")
            if self.condition and not self.effect:
                raise ValueError("a condition row needs effect 'relax' or 'tighten'")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self

    def in_force(self, on: dt.date) -> bool:
        """True if the row applies on ``on`` (both ends inclusive)."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def covers_product(self, product: str) -> bool:
        p = normalize_name(product)
        if p in {normalize_name(x) for x in self.except_products}:
            return False
        return self.product == "*" or normalize_name(self.product) == p

    def describe(self) -> str:
        """``"1.5:1（工信部原〔2021〕46号…）"``."""
        ratio = "" if self.retire_per_new is None else f"{self.retire_per_new:g}:1"
        return f"{ratio}（{self.source}）" if ratio else self.source


class KeyRegionRow(_Row):
    """One row of ``key_regions.csv``: a province (``city='*'``) or city in a key region."""

    document: str
    title: str = ""
    province: str
    city: str = "*"
    counties: tuple[str, ...] = ()
    member: Literal["yes", "partial"] = "yes"
    valid_from: dt.date
    valid_to: dt.date | None = None

    _blank = field_validator("valid_to", mode="before")(_blank_to_none)
    _list = field_validator("counties", mode="before")(_split)

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class SwapExclusion(_Row):
    """One row of ``swap_exclusions.csv``: a source kind a rule's document does not accept."""

    document: str
    product: str = "*"
    kind: str
    name_zh: str
    aliases: tuple[str, ...] = ()
    status: Literal["in_force", "draft"] = "in_force"

    _list = field_validator("aliases", mode="before")(_split)


@dataclass(frozen=True)
class RatioDecision:
    """The ratio that applies to a line (or a source of it), with the rows that made it."""

    ratio: float
    base: SwapRule
    applied: tuple[SwapRule, ...]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return (self.base.id, *(r.id for r in self.applied))

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(r.warning for r in (self.base, *self.applied) if r.warning)


M = TypeVar("M", bound=BaseModel)


def _read(path: str | Path, model: type[M]) -> list[M]:
    """Rows of a CSV file as ``model`` instances; every bad row is reported in one RuleError."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        raw = list(csv.DictReader(fh))
    out: list[M] = []
    problems: list[str] = []
    for i, row in enumerate(raw, start=2):
        try:
            out.append(model.model_validate({k: v for k, v in row.items() if k is not None}))
        except ValidationError as exc:
            for e in exc.errors():
                where = ".".join(str(x) for x in e["loc"]) or "row"
                problems.append(f"  line {i}, {where}: {e['msg']}")
    if problems:
        raise RuleError(f"{Path(path).name}: {len(problems)} problem(s)\n" + "\n".join(problems))
    return out


def _plain_city(name: str) -> str:
    n = normalize_name(name)
    return n[:-1] if len(n) > 2 and n.endswith("市") else n


def _plain_county(name: str) -> str:
    n = normalize_name(name)
    return n[:-1] if len(n) > 2 and n[-1] in "市县区" else n


class SwapRules:
    """Swap rules, key-region membership and exclusions, with the lookups `check` needs.

    Load with ``SwapRules.load(id_or_path)``: ``"default"`` (the shipped files) or a folder
    holding ``capacity_swap.csv`` (and optionally ``key_regions.csv``, ``swap_exclusions.csv``).
    ``RuleSet`` is the former name, kept as an alias in ``tanfeng.swap``.

    Examples
    --------
    >>> rs = SwapRules.load("default")
    >>> rs.id, SwapRules.available(), len(rs.version), "钢铁" in rs.sectors
    ('default', ['default'], 12, True)
    """

    def __init__(self, rules: Sequence[SwapRule], key_regions: Sequence[KeyRegionRow] = (),
                 exclusions: Sequence[SwapExclusion] = (), *, id: str = "custom",
                 files: Sequence[str | Path] = ()) -> None:
        self.id = id
        #: The files the rules were read from (their hash is the `version`).
        self.files = tuple(Path(f) for f in files)
        # hashed now, while the files are at hand (a copy sent to another machine has no files)
        self._files_hash = file_version(*self.files) if self.files else None
        self.rules = list(rules)
        self.key_regions = list(key_regions)
        self.exclusions = list(exclusions)
        ids = [r.id for r in self.rules]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise RuleError(f"duplicate rule ids in capacity_swap: {dup}")

    # -- loading -------------------------------------------------------------------------------

    @classmethod
    @functools.cache
    def default(cls) -> SwapRules:
        """The rules shipped in ``factors/rules/`` (the same as ``load("default")``)."""
        out = cls.from_dir(data_dir() / "rules")
        out.id = "default"
        return out

    @classmethod
    def load(cls, id_or_path: str | Path = "default") -> SwapRules:
        """The shipped rules (``"default"``) or a folder of your own files."""
        if str(id_or_path) == "default":
            return cls.default()
        p = Path(id_or_path)
        if p.is_dir() and (p / "capacity_swap.csv").is_file():
            return cls.from_dir(p)
        if p.is_file() and p.suffix == ".csv":
            return cls.from_csv(p)
        raise RuleError(f"no swap rules {str(id_or_path)!r}: give one of {cls.available()} or a folder "
                        "holding capacity_swap.csv (and optionally key_regions.csv, swap_exclusions.csv)")

    @classmethod
    def available(cls) -> list[str]:
        """Ids of the shipped swap rule sets."""
        return ["default"]

    @classmethod
    def from_dir(cls, path: str | Path) -> SwapRules:
        """Read ``capacity_swap.csv``, ``key_regions.csv`` and ``swap_exclusions.csv`` from a folder."""
        p = Path(path)
        out = cls.from_csv(p / "capacity_swap.csv",
                           p / "key_regions.csv" if (p / "key_regions.csv").exists() else None,
                           p / "swap_exclusions.csv" if (p / "swap_exclusions.csv").exists() else None)
        out.id = str(p)
        return out

    @classmethod
    def from_csv(cls, capacity_swap: str | Path, key_regions: str | Path | None = None,
                 exclusions: str | Path | None = None) -> SwapRules:
        """Read your own files (same columns as the shipped ones)."""
        return cls(_read(capacity_swap, SwapRule),
                   _read(key_regions, KeyRegionRow) if key_regions else [],
                   _read(exclusions, SwapExclusion) if exclusions else [], id=str(capacity_swap),
                   files=[f for f in (capacity_swap, key_regions, exclusions) if f])

    @functools.cached_property
    def version(self) -> str:
        """Hash (12 hex digits) of the files the rules were read from, as shipped (`file_version`:
        ``sha256sum capacity_swap.csv key_regions.csv swap_exclusions.csv | sha256sum``); rules
        built in code have the hash of their rows (`content_version`)."""
        if self._files_hash is not None:
            return self._files_hash
        return content_version(self.rules, self.key_regions, self.exclusions)

    @functools.cached_property
    def sources(self) -> dict[str, Source]:
        """``{source: Source}`` of every document the rows cite (title = the rule's document)."""
        out: dict[str, Source] = {}
        for r in [*self.rules, *self.key_regions, *self.exclusions]:
            if r.source not in out:
                title = getattr(r, "document", "") or r.source
                out[r.source] = Source(id=r.source, title=title, url=r.url,
                                       confidence=r.confidence_level, note=r.note)  # type: ignore[arg-type]
        return out

    def table(self) -> Any:
        """The rules as a DataFrame (one row per rule)."""
        import pandas as pd

        return pd.DataFrame([r.model_dump() for r in self.rules])

    # -- vocabularies --------------------------------------------------------------------------

    @functools.cached_property
    def sectors(self) -> list[str]:
        return sorted({r.sector for r in self.rules})

    def resolve_sector(self, name: str) -> str:
        """Canonical sector (``"steel"`` or ``"钢铁"`` -> ``"钢铁"``); RuleError if unknown."""
        key = normalize_name(str(name))
        for s in self.sectors:
            if normalize_name(s) == key:
                return s
        alias = SECTOR_ALIASES.get(key.replace(" ", "_"))
        if alias in self.sectors:
            return str(alias)
        close = difflib.get_close_matches(str(name), self.sectors, 3, 0.3)
        raise RuleError(f"no capacity-swap rule for sector {name!r}; rules exist for "
                        f"{self.sectors}" + (f" (closest: {close})" if close else "")
                        + ". Load your own rule file with SwapRules.from_csv.")

    @functools.cached_property
    def conditions(self) -> dict[str, str]:
        """Condition code -> Chinese name (``cross_province`` -> 跨省置换 …)."""
        return {r.condition: r.condition_zh for r in self.rules if r.condition and r.condition != "*"}

    def resolve_condition(self, name: str) -> str | None:
        """Condition code for a code or its Chinese name; None if unknown."""
        key = normalize_name(str(name))
        for code, zh in self.conditions.items():
            if key in {normalize_name(code), normalize_name(zh)}:
                return code
        extra = {"跨省": "cross_province", "兼并重组": "merger", "限制类": "restricted"}
        return extra.get(str(name).strip()) if extra.get(str(name).strip()) in self.conditions else None

    @functools.cached_property
    def kinds(self) -> dict[str, str]:
        """Every name of an excluded kind (code, Chinese name, aliases) -> kind code."""
        out: dict[str, str] = {}
        for e in self.exclusions:
            for n in (e.kind, e.name_zh, *e.aliases):
                out[normalize_name(n)] = e.kind
        return out

    def resolve_kind(self, name: str) -> str | None:
        return self.kinds.get(normalize_name(str(name)))

    # -- lookups -------------------------------------------------------------------------------

    def region_type(self, province: str, city: str | None = None, county: str | None = None, *,
                    on: dt.date, basis: str | None = None) -> tuple[RegionType, KeyRegionRow | None]:
        """``("key_region", row)`` or ``("other", None)`` for a place on a date.

        The key-region document is the latest one in force on ``on`` (or ``basis``, a document id
        such as ``"gf-2018-22"``). Raises `RuleError` when the data cannot tell (no document in
        force, a province the document lists only in part, or a place without a city).
        """
        rows = [r for r in self.key_regions if (r.document == basis if basis else r.in_force(on))]
        if not rows:
            raise RuleError(
                f"no 大气污染防治重点区域 list {'named ' + repr(basis) if basis else 'in force on ' + str(on)}"
                " in key_regions.csv; pass region_type='key_region' or 'other'.")
        doc = max(rows, key=lambda r: r.valid_from).document if not basis else basis
        rows = [r for r in rows if r.document == doc and normalize_name(r.province) == normalize_name(province)]
        if not rows:
            raise RuleError(f"key_regions.csv does not say whether {province} is in the 重点区域 under "
                            f"{doc}; pass region_type='key_region' or 'other'.")
        for r in rows:
            if r.city == "*" and r.member == "yes":
                return "key_region", r
        if any(r.member == "partial" for r in rows):
            raise RuleError(f"{doc} lists only part of {province} and the list is not in "
                            "key_regions.csv; pass region_type='key_region' or 'other'.")
        if not city and not county:
            raise RuleError(f"under {doc} only some cities of {province} are in the 重点区域: "
                            f"give the project's city (or county), or pass region_type.")
        for r in rows:
            if city and _plain_city(city) == _plain_city(r.city):
                return "key_region", r
            if county and _plain_county(county) in {_plain_county(c) for c in r.counties}:
                return "key_region", r
        if not city:
            raise RuleError(f"county {county!r} is not listed in key_regions.csv under {doc}: "
                            "give the project's city, or pass region_type.")
        return "other", None

    def _candidates(self, sector: str, product: str, province: str, on: dt.date) -> list[SwapRule]:
        prov = normalize_name(province)
        return [r for r in self.rules
                if r.sector == sector and r.covers_product(product) and r.in_force(on)
                and (r.jurisdiction == "national" or normalize_name(r.jurisdiction) == prov)]

    def check_suspension(self, sector: str, product: str, province: str, on: dt.date,
                         region_type: str = "*", conditions: Iterable[str] = ()) -> None:
        """Raise `RuleError` if a suspended row covers this case on ``on``."""
        conds = {"", *conditions}
        for r in self._candidates(sector, product, province, on):
            if r.status != "suspended":
                continue
            if r.region_type not in ("*", region_type) or not (r.condition == "*" or r.condition in conds):
                continue
            raise RuleError(
                f"{sector}（{product}）产能置换在 {on} 处于暂停状态：{r.source}"
                f"（规则 {r.id}，自 {r.valid_from} 起）。A suspended rule is not a pass: the swap "
                "cannot be approved on this date.")

    def ratio(self, sector: str, product: str, province: str, region_type: str, on: dt.date,
              conditions: Iterable[str] = ()) -> RatioDecision:
        """The replacement ratio (see the module doc for the rule); `RuleError` if none or suspended."""
        conds = set(conditions)
        self.check_suspension(sector, product, province, on, region_type, conds)
        rows = [r for r in self._candidates(sector, product, province, on)
                if r.status == "active" and r.region_type in ("*", region_type)]

        def pick(cands: list[SwapRule]) -> SwapRule | None:
            if not cands:
                return None
            best = sorted(cands, key=lambda r: (r.jurisdiction == "national", r.region_type == "*"))
            if len(best) > 1 and (best[0].jurisdiction, best[0].region_type) == (best[1].jurisdiction, best[1].region_type):
                raise RuleError(f"rules {best[0].id} and {best[1].id} both apply to {sector}（{product}）"
                                f" on {on}; fix the rule file.")
            return best[0]

        base = pick([r for r in rows if not r.condition])
        if base is None or base.retire_per_new is None:
            raise RuleError(
                f"no capacity-swap rule for {sector}（{product}）in {province} ({region_type}) on {on}. "
                "tanfeng does not guess a ratio: pass retire_per_new=… with its source, or load a "
                "rule file that covers this case.")
        applied = [r for c in sorted(conds) if (r := pick([x for x in rows if x.condition == c]))]
        ratio = float(base.retire_per_new)
        relax = [float(r.retire_per_new) for r in applied if r.effect == "relax" and r.retire_per_new is not None]
        tight = [float(r.retire_per_new) for r in applied if r.effect == "tighten" and r.retire_per_new is not None]
        ratio = max([min([ratio, *relax]), *tight])
        return RatioDecision(ratio, base, tuple(applied))

    def excluded_kinds(self, document: str, product: str, *, draft: bool = False) -> dict[str, SwapExclusion]:
        """Kinds a document does not accept for a product: kind code -> :class:`SwapExclusion`."""
        p = normalize_name(product)
        return {e.kind: e for e in self.exclusions
                if e.document == document and (e.product == "*" or normalize_name(e.product) == p)
                and (draft or e.status == "in_force")}


#: The former name of `SwapRules` (deprecated; the 两高 rules are `tanfeng.screening.TwoHighRules`).
RuleSet = SwapRules
#: The former name of `SwapExclusion` (deprecated).
Exclusion = SwapExclusion
