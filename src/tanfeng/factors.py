"""The cited, versioned factor database: :class:`FactorSet`.

Every factor is a row of ``factors/tce.csv``, ``combustion.csv`` or ``grid.csv`` (schema in
``docs/factor-schema.md``) and names its source document, table and a confidence mark
(``verified`` / ``secondary`` / ``unverified``). Published coefficients are stored as published,
never recomputed (GB/T 2589's 原煤 coefficient is 0.7143, not 20 908 / 29 307.6).

Examples
--------
>>> from tanfeng import FactorSet
>>> fs = FactorSet.default()
>>> f = fs.select("原煤", "tce_coefficient")
>>> f.value, f.unit
(0.7143, 'kgce/kg')
"""

from __future__ import annotations

import functools
import hashlib
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from pydantic import BaseModel, ConfigDict
from typing_extensions import Unpack

from ._resources import build_once, data_dir, file_version, package_version
from ._rules import CONFIDENCE
from .carriers import CarrierVocabulary
from .cells import REASONS, Text, read_quantities
from .defaults import CO2_PER_TCE_BAND, FACTOR_BANDS
from .errors import FactorFallbackWarning, FactorNotFoundError, FactorTableError
from .regions import Regions

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pint

    from .resolver import KeyOptions, ResolvedKey

__all__ = [
    "BASES",
    "CONFIDENCE",
    "FACTOR_COLUMNS",
    "QUANTITY_DIMENSIONS",
    "Factor",
    "FactorRequest",
    "FactorSet",
    "check_factor_table",
    "normalize_basis",
    "read_request",
]

FACTOR_FILES = ("tce.csv", "combustion.csv", "grid.csv")
FACTOR_COLUMNS = [
    "id", "carrier", "quantity", "value", "unit", "low", "high", "basis", "region", "data_year",
    "valid_from", "valid_to", "variant", "source", "table", "confidence", "note",
]
BASES = ("calorific", "substitution", "both")

#: Accepted spellings of the two bases (GLOSSARY: 当量值 = calorific, 等价值 = substitution).
_BASIS_NAMES = {
    "calorific": "calorific", "当量值": "calorific", "当量": "calorific", "equivalent": "calorific",
    "substitution": "substitution", "等价值": "substitution", "等价": "substitution",
    "both": "both", "两者": "both",
}

#: Dimension each quantity must have; ``{activity}`` is the carrier's measure.
QUANTITY_DIMENSIONS = {
    "tce_coefficient": "[energy] / {activity}",
    "reference_ncv": "[energy] / {activity}",
    "ncv": "[energy] / {activity}",
    "carbon_content": "[carbon] / [energy]",
    "oxidation_rate": "[]",
    "emission_factor": "[carbon_dioxide] / {activity}",
    "grid_co2": "[carbon_dioxide] / [energy]",
    "heat_co2": "[carbon_dioxide] / [energy]",
}

#: Plausibility bands and the CO2-per-tce band: `tanfeng.defaults` (kept here by their old names).
PLAUSIBLE = FACTOR_BANDS
#: Molar-mass ratio CO2 : C used by GB/T 32150 / GB/T 32151 (E = AD × NCV × CC × OF × 44/12).
CO2_PER_CARBON = 44.0 / 12.0


def normalize_basis(basis: str) -> str:
    """``"当量值"`` -> ``"calorific"``, ``"等价值"`` -> ``"substitution"``; errors name the choices."""
    key = str(basis).strip().lower()
    if key not in _BASIS_NAMES:
        raise ValueError(
            f"unknown basis {basis!r}: use '当量值' (calorific), '等价值' (substitution) or 'both'"
        )
    return _BASIS_NAMES[key]


class FactorRequest(TypedDict, total=False):
    """What picks a factor beside its carrier and quantity: the keywords of `FactorSet.lookup`
    and `FactorSet.select` (each optional; the defaults are lookup's).

    Keys: ``region`` (region name or id; default national), ``year`` (data year; default the
    latest), ``basis`` (当量值 / 等价值 / both; default both) and ``variant`` (a kept alternative
    such as ``oilfield`` or ``supply-basis``; default the unnamed one). `tanfeng.resolver.KeyOptions` adds what a
    key needs beyond them.

    Examples
    --------
    >>> request: FactorRequest = {"region": "浙江", "year": 2022}
    >>> FactorSet.default().select("电力", "grid_co2", **request).value
    0.5153
    """

    region: str | None
    year: int | None
    basis: str
    variant: str


_REQUEST_KEYS = frozenset(FactorRequest.__annotations__)


def read_request(request: Mapping[str, Any], *, basis: str) -> tuple[str | None, int | None, str, str]:
    """``(region, year, basis, variant)`` of a `FactorRequest`, with the defaults filled in.

    ``basis`` is the caller's default basis (`FactorSet.lookup`: ``"both"``; a key: 当量值); the
    basis is normalised (``"等价值"`` -> ``"substitution"``) and a blank variant is the unnamed
    one. A keyword that is not a `FactorRequest` key raises `TypeError` naming the keys.

    Examples
    --------
    >>> read_request({"year": 2022, "basis": "等价值"}, basis="both")
    (None, 2022, 'substitution', '')
    """
    if not _REQUEST_KEYS.issuperset(request):
        unknown = sorted(set(request) - _REQUEST_KEYS)
        raise TypeError(f"unexpected keyword {', '.join(unknown)}: a factor request takes "
                        f"{', '.join(FactorRequest.__annotations__)}")
    return (request.get("region"), request.get("year"), normalize_basis(request.get("basis", basis)),
            request.get("variant") or "")


class Factor(BaseModel):
    """One factor row with its provenance.

    Examples
    --------
    >>> f = FactorSet.default().select("电力", "tce_coefficient", basis="当量值")
    >>> f.to_quantity(), f.confidence
    (<Quantity(0.1229, 'kgce / kilowatt_hour')>, 'secondary')
    """

    model_config = ConfigDict(frozen=True)

    def _repr_html_(self) -> str:
        from ._html import fields

        return fields(f"Factor {self.id}", self.model_dump())

    id: str
    carrier: str
    quantity: str
    value: float
    unit: str
    low: float | None = None
    high: float | None = None
    basis: str = "both"
    region: str = ""
    data_year: int | None = None
    variant: str = ""
    source: str = ""
    table: str = ""
    confidence: str = "unverified"
    note: str = ""
    source_title: str = ""
    source_number: str = ""

    def to_quantity(self) -> pint.Quantity:
        """The value as a pint Quantity in tanfeng's registry."""
        from .units import Q_

        return Q_(self.value, self.unit)

    @property
    def citation(self) -> str:
        """``"GB/T 2589-2008 《综合能耗计算通则》 表A.1"`` — what to write under a table."""
        parts = [p for p in (self.source_number, f"《{self.source_title}》" if self.source_title else "", self.table) if p]
        return " ".join(parts) or self.source


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _read_factor_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in FACTOR_COLUMNS:
        if col not in df.columns:
            df[col] = ""
    df["file"] = path.name
    return df


def _coerce(rows: pd.DataFrame) -> pd.DataFrame:
    """Typed copy: value/low/high float, data_year nullable int, text columns stripped."""
    import pandas as pd

    df = rows.copy()
    for col in FACTOR_COLUMNS:
        if col not in df.columns:
            df[col] = ""
    for col in ("value", "low", "high"):
        df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype(float)
    df["data_year"] = pd.to_numeric(df["data_year"].replace("", None), errors="coerce").astype("Int64")
    for col in ("id", "carrier", "quantity", "unit", "basis", "region", "variant", "source",
                "table", "confidence", "note", "valid_from", "valid_to"):
        df[col] = df[col].fillna("").astype(str).str.strip()
    df.loc[df["basis"] == "", "basis"] = "both"  # an unstated basis: the value holds on both
    return df.reset_index(drop=True)


class FactorSet:
    """A validated, versioned collection of factors with their sources.

    Use :meth:`default` for the shipped data, :meth:`from_dir` for a folder of the same shape,
    and :meth:`override` to replace or add rows (e.g. a provincial 等价值 for electricity).

    Examples
    --------
    >>> fs = FactorSet.default()
    >>> fs.select("天然气", "tce_coefficient").value        # GB/T 2589 气田天然气
    1.2143
    >>> fs.validate() is fs
    True
    """

    def __init__(
        self,
        rows: pd.DataFrame,
        sources: pd.DataFrame,
        carriers: CarrierVocabulary,
        regions: Regions,
        *,
        label: str = "custom",
        files: Sequence[str | Path] = (),
    ) -> None:
        self.rows = _coerce(rows)
        #: The files the factor set was read from (their hash is in the `version`).
        self.files = tuple(Path(f) for f in files)
        # hashed now, while the files are at hand (a copy sent to another machine has no files)
        self._files_hash = file_version(*self.files) if self.files else None
        self.sources = sources.fillna("").astype(str)
        self.carriers = carriers
        self.regions = regions
        self.label = label
        self._by_key = self.rows.groupby(["carrier", "quantity"], sort=False).indices
        # plain records per (carrier, quantity): selection is pure Python over a handful of rows
        recs = self.rows.to_dict("records")
        for r in recs:
            r["data_year"] = None if _is_na(r["data_year"]) else int(r["data_year"])
        self._records: dict[tuple[str, str], list[dict[str, Any]]] = {
            k: [recs[i] for i in idx] for k, idx in self._by_key.items()
        }
        self._memo: dict[tuple[Any, ...], tuple[Factor, tuple[FactorFallbackWarning, ...]]] = {}
        self._resolved: dict[tuple[Any, ...], ResolvedKey] = {}
        self._source_index = self.sources.set_index("id") if "id" in self.sources else None

    # ----------------------------------------------------------------- loading
    @classmethod
    def default(cls) -> FactorSet:
        """The factor set shipped with tanfeng (built once, thread-safe; treat it as read-only)."""
        return _default_factor_set()

    @classmethod
    def from_dir(cls, path: str | Path, *, label: str | None = None) -> FactorSet:
        """Load ``sources.csv``, ``carriers.csv``, ``regions.csv`` and the factor files of a folder.

        Files missing from ``path`` are taken from the shipped data, so a folder holding only
        ``grid.csv`` replaces just the grid factors.
        """
        import pandas as pd

        path = Path(path)
        shipped = data_dir()

        def pick(name: str) -> Path:
            p = path / name
            return p if p.exists() else shipped / name

        frames = [_read_factor_csv(pick(n)) for n in FACTOR_FILES]
        rows = pd.concat(frames, ignore_index=True)
        sources = pd.read_csv(pick("sources.csv"), dtype=str, keep_default_na=False)
        return cls(
            rows,
            sources,
            CarrierVocabulary.from_csv(pick("carriers.csv")),
            Regions.from_csv(pick("regions.csv")),
            label=label or str(path),
            files=[pick(n) for n in (*FACTOR_FILES, "sources.csv", "carriers.csv", "regions.csv")],
        )

    def override(
        self,
        rows: pd.DataFrame | Iterable[Mapping[str, Any]],
        *,
        sources: pd.DataFrame | Iterable[Mapping[str, Any]] | None = None,
    ) -> FactorSet:
        """A new FactorSet with ``rows`` replacing rows of the same key (or added).

        Each row needs at least ``carrier``, ``quantity``, ``value``, ``unit`` and ``source``;
        a source that is not yet known must come in ``sources`` (columns of ``sources.csv``).
        Carrier names are resolved (``"电力"`` -> ``electricity``); the basis may be given as
        当量值 / 等价值. The value is read as every cell is (``"1,200"``, ``"12万"``), and the
        rows are checked as `validate` checks the shipped table: a missing, non-numeric or
        negative value, a duplicate key or id raises `FactorTableError` listing each row. A row
        without a ``confidence`` is ``unverified`` (visible in every result that uses it).

        Examples
        --------
        >>> fs = FactorSet.default().override(
        ...     [{"carrier": "电力", "quantity": "tce_coefficient", "value": 0.300,
        ...       "unit": "kgce/kWh", "basis": "等价值", "data_year": 2022,
        ...       "variant": "", "source": "bureau-2022", "confidence": "verified"}],
        ...     sources=[{"id": "bureau-2022", "title": "某县发改局 2022 等价值通知"}])
        >>> fs.select("electricity", "tce_coefficient", basis="等价值", year=2022).value
        0.3
        """
        import pandas as pd

        new = pd.DataFrame(list(rows) if not isinstance(rows, pd.DataFrame) else rows).copy()
        for col in FACTOR_COLUMNS:
            if col not in new.columns:
                new[col] = ""
        new = new.astype({c: object for c in new.columns})
        for col in ("basis", "region", "id", "variant"):
            new[col] = ["" if _blank(v) else str(v).strip() for v in new[col]]
        new["carrier"] = [self.carriers.resolve(str(c)) for c in new["carrier"]]
        new["basis"] = [normalize_basis(b) if b else "both" for b in new["basis"]]
        new["region"] = [self.regions.resolve(r) if r else "" for r in new["region"]]
        new["id"] = [
            i or f"override-{r['carrier']}-{r['quantity']}-{r['basis']}-{r['region']}-{r['data_year']}"
            for i, r in zip(new["id"], new.to_dict("records"))
        ]
        new["file"] = "override"
        values, why = read_quantities(new["value"], negative_ok=True)  # the kernel's cell reader
        unread = [(i, "value_numeric", f"value {v!r}: {REASONS[w].message('en')}")
                  for i, v, w in zip(new["id"], new["value"], why) if w]
        new = _coerce(new)
        new["value"] = values
        new.loc[new["confidence"] == "", "confidence"] = "unverified"  # unstated: shown as not verified
        key = ["carrier", "quantity", "basis", "region", "data_year", "variant"]
        old = self.rows
        merged = old.merge(new[key], on=key, how="left", indicator=True)
        kept = old[(merged["_merge"] == "left_only").to_numpy()]
        all_rows = pd.concat([kept, new], ignore_index=True)
        src = self.sources
        if sources is not None:
            extra = pd.DataFrame(list(sources) if not isinstance(sources, pd.DataFrame) else sources)
            src = pd.concat([src[~src["id"].isin(extra["id"])], extra], ignore_index=True)
        # what is added is checked as validate() checks the shipped table: every problem listed
        problems = check_factor_table(all_rows, sources=src, carriers=self.carriers, regions=self.regions)
        problems = problems[problems["id"].isin(set(new["id"]))]
        if unread or len(problems):
            raise FactorTableError(pd.concat([pd.DataFrame(unread, columns=["id", "check", "message"]), problems],
                                             ignore_index=True))
        return FactorSet(all_rows, src, self.carriers, self.regions, label=f"{self.label}+override")

    # ------------------------------------------------------------- provenance
    @functools.cached_property
    def content_hash(self) -> str:
        """SHA-256 (first 12 hex digits) of the files the factor set was read from, as shipped
        (`tanfeng._resources.file_version`: in ``factors/``, ``sha256sum carriers.csv combustion.csv
        grid.csv regions.csv sources.csv tce.csv | sha256sum``); for a factor set built in code
        (`override`, the constructor), of its factor rows and sources."""
        if self._files_hash is not None:
            return self._files_hash
        h = hashlib.sha256()
        h.update(self.rows[FACTOR_COLUMNS].to_csv(index=False).encode())
        h.update(self.sources.to_csv(index=False).encode())
        return h.hexdigest()[:12]

    @property
    def version(self) -> str:
        """``"<package version>+<content hash>"`` (`content_hash`), recorded in every result."""
        return f"{package_version()}+{self.content_hash}"

    def __repr__(self) -> str:
        return f"<FactorSet {self.label!r} {len(self.rows)} factors, version {self.version}>"

    def _repr_html_(self) -> str:
        from ._html import fields, table

        cols = [c for c in ("id", "carrier", "quantity", "value", "unit", "basis", "region", "data_year",
                            "confidence") if c in self.table().columns]
        return (fields("FactorSet", {"label": self.label, "factors": len(self.rows), "version": self.version})
                + table(self.table()[cols]))

    def source(self, source_id: str) -> dict[str, str]:
        """The ``sources.csv`` row of a source id."""
        if self._source_index is None or source_id not in self._source_index.index:
            raise KeyError(f"unknown source {source_id!r}")
        return {"id": source_id, **self._source_index.loc[source_id].to_dict()}

    # -------------------------------------------------------------- selection
    def _factor(self, rec: Mapping[str, Any]) -> Factor:
        src = self._source_index.loc[rec["source"]] if (
            self._source_index is not None and rec["source"] in self._source_index.index
        ) else None
        data = {k: rec[k] for k in Factor.model_fields if k in rec and k not in ("source_title", "source_number")}
        for k in ("low", "high"):
            data[k] = None if _blank(data.get(k)) else float(data[k])
        dy = rec.get("data_year")
        data["data_year"] = None if dy is None or _is_na(dy) else int(dy)
        if src is not None:
            data["source_title"] = str(src.get("title", ""))
            data["source_number"] = str(src.get("number", ""))
        return Factor(**data)

    def candidates(self, carrier: str, quantity: str) -> pd.DataFrame:
        """All rows for a carrier (any name) and quantity."""
        cid = self.carriers.resolve(carrier)
        idx = self._by_key.get((cid, quantity))
        if idx is None:
            return self.rows.iloc[0:0]
        return self.rows.iloc[idx]

    def select(self, carrier: str, quantity: str, *, warn: bool = True,
               **request: Unpack[FactorRequest]) -> Factor:
        """The one factor for a request, by the documented rule.

        ``region``, ``year``, ``basis`` and ``variant`` are the `FactorRequest` keywords of
        `lookup` (defaults: national, latest year, ``"both"``, the unnamed variant). With
        ``warn=False`` the fallbacks taken are not warned (`lookup` returns them).

        1. Rows of the carrier, quantity and variant (default: the unnamed variant).
        2. Basis: exact basis, else a ``both`` row.
        3. Region and year: the nearest data year among the region, rows that apply everywhere
           and its parents (浙江 -> 华东 -> national); ties go to the most specific region, then
           to the earlier year. Any other region or year than the one asked raises a
           `FactorFallbackWarning` naming what was used. ``year=None`` takes the latest row of
           the most specific region that has any.
        4. Else `FactorNotFoundError`, which lists what exists.

        Examples
        --------
        >>> fs = FactorSet.default()
        >>> f = fs.select("electricity", "grid_co2", region="浙江", year=2022)
        >>> f.value, f.unit, f.source_number
        (0.5153, 'tCO2/MWh', '公告2024年第33号')
        """
        f, fallbacks = self.lookup(carrier, quantity, **request)
        if warn:
            for w in fallbacks:
                warnings.warn(w, stacklevel=2)
        return f

    def lookup(self, carrier: str, quantity: str,
               **request: Unpack[FactorRequest]) -> tuple[Factor, tuple[FactorFallbackWarning, ...]]:
        """`select` without warning: the factor and the fallbacks taken, as warning objects.

        The keywords are a `FactorRequest`: ``region`` (default national), ``year`` (default the
        latest), ``basis`` (default ``"both"``: a 当量值 or both-bases row) and ``variant``
        (default the unnamed one). Each `FactorFallbackWarning` names what was asked (carrier,
        quantity, region, year) and what was used instead (``used``, ``used_region``,
        ``used_year``); warn them, show them or branch on them.

        Examples
        --------
        >>> f, fb = FactorSet.default().lookup("electricity", "grid_co2", region="浙江", year=2099)
        >>> fb[-1].used_year == f.data_year, fb[-1].year
        (True, 2099)
        """
        cid = self.carriers.resolve(carrier)
        region, year, b, variant = read_request(request, basis="both")
        memo_key = (cid, quantity, region, year, b, variant)
        hit = self._memo.get(memo_key)
        if hit is None:
            hit = self._memo[memo_key] = self._select_uncached(cid, quantity, region, year, b, variant)
        return hit

    def resolve_key(self, carrier: str, unit: str, **options: Unpack[KeyOptions]) -> ResolvedKey:
        """One key resolved (cached on this factor set): tce and tCO2 per one ``unit``.

        The keywords are the `~tanfeng.resolver.KeyOptions` of `tanfeng.resolver.resolve_key`
        (``year``, ``region``, ``basis`` — default 当量值 —, ``variant``, ``co2``, and
        ``pressure`` (MPa, absolute) and ``temperature`` (℃) of steam and hot water or a gas
        volume's metering temperature); all are part of the key.

        See `tanfeng.resolver` for the rules and `resolve` for a table of keys.

        Examples
        --------
        >>> k = FactorSet.default().resolve_key("天然气", "万m3")
        >>> round(k.tce, 4), k.tce_factor
        (12.143, 'gbt2589-2008-a1-natural-gas')
        """
        from .resolver import resolve_key

        key: KeyOptions = {**options}  # names to ids, so that every spelling of a key shares one entry
        if "basis" in options:
            key["basis"] = normalize_basis(options["basis"])
        if region := options.get("region"):
            key["region"] = self.regions.resolve(region)
        cid = self.carriers.resolve(carrier)
        ck = (cid, unit, *sorted(key.items()))
        hit = self._resolved.get(ck)
        if hit is None:
            hit = self._resolved[ck] = resolve_key(self, cid, unit, **key)
        return hit

    def resolve(self, keys: pd.DataFrame, *, co2: bool = True) -> pd.DataFrame:
        """Resolve a table of distinct keys to multipliers per unit, with the factors used.

        Parameters
        ----------
        keys : DataFrame
            Columns ``carrier`` (id or any name) and ``unit`` (as written), optional ``year``,
            ``region`` (blank: national), ``basis`` (当量值 / 等价值; default 当量值) and
            ``variant``. One row per key; duplicates are resolved once.
        co2 : bool
            Resolve CO2 factors too (default).

        Returns
        -------
        DataFrame
            The keys (same index; carrier as its id, region and basis normalised) plus
            ``tce_per_unit``, ``co2_per_unit``, ``tce_factor``, ``co2_factor`` (factor ids),
            ``scope``, ``confidence`` (worst of the factors used), ``fallback`` (what was used
            instead of what was asked, "" if nothing), ``fallbacks`` (the same as
            `FactorFallbackWarning` objects), and ``reason``, ``message``, ``suggestion`` for a
            key that cannot be resolved (unknown carrier or region, unit of the wrong dimension,
            missing factor).

        Examples
        --------
        >>> import pandas as pd
        >>> keys = pd.DataFrame({"carrier": ["原煤", "电力", "电力"], "unit": ["t", "万kWh", "万kWh"],
        ...                      "region": ["", "浙江", "浙江"], "year": [2022, 2022, 2022],
        ...                      "basis": ["当量值", "当量值", "等价值"]})
        >>> r = FactorSet.default().resolve(keys)
        >>> r["tce_per_unit"].round(4).tolist()      # 等价值 2022: the 2021 rate asked, 2020 供电 0.3055 used
        [0.7143, 1.229, 3.055]
        >>> r["scope"].tolist()
        [1, 2, 2]
        """
        from .resolver import resolve_table

        return resolve_table(self, keys, co2=co2)

    def _select_uncached(self, cid: str, quantity: str, region: str | None, year: int | None, b: str,
                         variant: str) -> tuple[Factor, tuple[FactorFallbackWarning, ...]]:
        rows = [r for r in self._records.get((cid, quantity), []) if r["variant"] == variant]
        request = {"carrier": cid, "quantity": quantity, "region": region, "year": year,
                   "basis": b, "variant": variant}
        if b != "both":
            exact = [r for r in rows if r["basis"] == b]
            rows = exact or [r for r in rows if r["basis"] == "both"]
        else:
            rows = [r for r in rows if r["basis"] in ("both", "calorific")] or rows
        if not rows:
            msg, have = self._missing_message(cid, quantity, b, variant)
            raise FactorNotFoundError(msg, request, available=have)
        chain = self.regions.chain(region) if region else ["national"]
        levels = [(chain[0], [r for r in rows if r["region"] == chain[0]]), ("", [r for r in rows if r["region"] == ""]),
                  *[(reg, [r for r in rows if r["region"] == reg]) for reg in chain[1:]]]
        found = _pick_level(levels, year)
        if found is not None:
            reg, level, r = found
            return self._factor(r), _fallbacks(request, chain[0], reg, level, r, levels[0][1],
                                                 self.regions.note.get(chain[0], ""))
        tried = [f"{reg or 'everywhere'}: years {sorted(r['data_year'] for r in lv if r['data_year'] is not None)}"
                 for reg, lv in levels if lv]
        have = sorted({r["region"] for r in rows})
        raise FactorNotFoundError(
            f"no {quantity} factor for {cid} in region {chain[0]!r} or its parents {chain[1:]}"
            + (f" for data year {year} or earlier" if year is not None else "")
            + f"; available: {tried or have}. Supply one with FactorSet.override(...) or pass factor=",
            request, available=tried or have,
        )

    def _missing_message(self, cid: str, quantity: str, basis: str, variant: str) -> tuple[str, list[str]]:
        rows = self.rows[self.rows["carrier"] == cid]
        have = sorted({f"{q}/{b}/{v or 'default'}" for q, b, v in zip(rows["quantity"], rows["basis"], rows["variant"])})
        msg = f"no {quantity} factor for carrier {cid!r} (basis {basis}, variant {variant or 'default'!r})."
        if basis == "substitution" and quantity == "tce_coefficient":
            msg += (" 等价值 needs a year-stamped factor: pass factor=Q_(0.300, 'kgce/kWh') or add one "
                    "with FactorSet.override(...).")
        return msg + f" Available for {cid}: {have or 'nothing'}", have

    # ------------------------------------------------------------- validation
    def check(self) -> pd.DataFrame:
        """Problems found by :func:`check_factor_table`, plus every fuel whose default tCO2/tce
        leaves its family's band (:meth:`co2_per_tce`); an empty frame when all is well."""
        import pandas as pd

        problems = check_factor_table(self.rows, sources=self.sources, carriers=self.carriers, regions=self.regions)
        if len(problems):
            return problems  # the ratios need sound rows
        ratios = self.co2_per_tce()
        out = ratios[ratios["in_band"].eq(False)]
        band = [(r.co2_factor.split("+")[0], "co2_per_tce_band",
                 f"{r.carrier}: {r.tco2_per_tce:.3f} tCO2/tce ({r.co2_factor} over {r.tce_factor}) lies outside the "
                 f"{r.family} band [{r.low}, {r.high}] of rules/co2_per_tce_bands.csv — do the tce and CO2 defaults "
                 "rest on the same 低位发热量?") for r in out.itertuples()]
        return pd.DataFrame(band, columns=["id", "check", "message"])

    def co2_per_tce(self) -> pd.DataFrame:
        """tCO2 per tce of every fuel's default factors, beside its family's band.

        The ratio is CO2 per unit (NCV × CC × OF × 44/12, or a stated emission factor) over tce per
        unit (the GB/T 2589 coefficient, or NCV / 29.3076 GJ for fuels without one), both of the
        unnamed variant. Bands and their rationale: ``factors/rules/co2_per_tce_bands.csv``.

        Examples
        --------
        >>> r = FactorSet.default().co2_per_tce().set_index("carrier")
        >>> float(round(r.loc["raw_coal", "tco2_per_tce"], 3))   # 20.908 × 26.1e-3 × 0.93 × 44/12 / 0.7143
        2.605
        """
        import pandas as pd

        from .units import MEASURES, get_registry

        reg = get_registry()
        bands = co2_per_tce_bands()
        recs = []
        for c in self.carriers:
            if c.category not in ("coal", "oil", "gas") or c.measure not in ("mass", "volume"):
                continue
            one = reg.Quantity(1.0, "t" if c.measure == "mass" else "万m3")
            assert one.dimensionality == reg.get_dimensionality(MEASURES[c.measure])
            fam = _family(bands, c.id, c.category)
            rec: dict[str, Any] = {"carrier": c.id, "name_zh": c.name_zh, "family": fam.get("family", ""),
                                   "unit": str(one.units), "tce_per_unit": math.nan, "co2_per_unit": math.nan,
                                   "tce_factor": "", "co2_factor": "", "low": fam.get("low"), "high": fam.get("high")}
            try:
                f, _ = self.lookup(c.id, "tce_coefficient", basis="calorific")
                rec["tce_per_unit"], rec["tce_factor"] = float((one * f.to_quantity()).to("tce").m), f.id
            except FactorNotFoundError:
                try:
                    f, _ = self.lookup(c.id, "ncv")
                    rec["tce_per_unit"], rec["tce_factor"] = float((one * f.to_quantity()).to("tce").m), f.id
                except FactorNotFoundError:
                    pass
            try:
                if len(self.candidates(c.id, "emission_factor")):
                    e, _ = self.lookup(c.id, "emission_factor")
                    rec["co2_per_unit"], rec["co2_factor"] = float((one * e.to_quantity()).to("tCO2").m), e.id
                else:
                    n, _ = self.lookup(c.id, "ncv")
                    cc, _ = self.lookup(c.id, "carbon_content")
                    of, _ = self.lookup(c.id, "oxidation_rate")
                    carbon = float((one * n.to_quantity() * cc.to_quantity()).to("tC").m)
                    rec["co2_per_unit"] = carbon * float(of.to_quantity().to("dimensionless").m) * CO2_PER_CARBON
                    rec["co2_factor"] = f"{n.id}+{cc.id}+{of.id}"
            except FactorNotFoundError:
                pass
            recs.append(rec)
        df = pd.DataFrame(recs)
        df["tco2_per_tce"] = df["co2_per_unit"] / df["tce_per_unit"]
        known = df["tco2_per_tce"].notna() & df["low"].notna()
        df["in_band"] = pd.array([None] * len(df), dtype="boolean")
        df.loc[known, "in_band"] = (df.loc[known, "tco2_per_tce"] >= df.loc[known, "low"].astype(float)) & (
            df.loc[known, "tco2_per_tce"] <= df.loc[known, "high"].astype(float))
        return df

    def validate(self) -> FactorSet:
        """Run every schema and consistency check; raise `FactorTableError` listing all problems."""
        problems = self.check()
        if len(problems):
            raise FactorTableError(problems)
        return self

    def table(self, carrier: str | None = None, quantity: str | None = None) -> pd.DataFrame:
        """The factor rows (optionally of one carrier / quantity) with source titles joined in."""
        df = self.rows
        if carrier is not None:
            df = df[df["carrier"] == self.carriers.resolve(carrier)]
        if quantity is not None:
            df = df[df["quantity"] == quantity]
        src = self.sources[["id", "number", "title"]].rename(
            columns={"id": "source", "number": "source_number", "title": "source_title"}
        )
        return df[FACTOR_COLUMNS].merge(src, on="source", how="left")


def _pick_level(levels: list[tuple[str, list[dict[str, Any]]]],
                year: int | None) -> tuple[str, int, dict[str, Any]] | None:
    """(region, level, row) chosen among ``levels`` (own region, everywhere, parents…).

    No year asked: the most specific level that has rows, its timeless row else its latest.
    A year asked: the nearest data year; ties go to the most specific level, then the earlier year.
    """
    if year is None:
        for level, (reg, lv) in enumerate(levels):
            timeless = [r for r in lv if r["data_year"] is None]
            dated = [r for r in lv if r["data_year"] is not None]
            if timeless or dated:
                return reg, level, timeless[0] if timeless else max(dated, key=lambda r: r["data_year"])
        return None
    best_key, best = None, None
    for level, (reg, lv) in enumerate(levels):
        for r in lv:
            dy = r["data_year"]
            key = (0 if dy is None else abs(dy - year), level, 0 if dy is None or dy <= year else 1)
            if best_key is None or key < best_key:
                best_key, best = key, (reg, level, r)
    return best


def _fallbacks(request: Mapping[str, Any], asked_region: str, reg: str, level: int,
               row: Mapping[str, Any], own: list[dict[str, Any]] | None = None,
               note: str = "") -> tuple[FactorFallbackWarning, ...]:
    """What differs between the request and the chosen row, as structured warnings.

    A parent-region fallback names both values: the one used and the asked region's own nearest
    (or that it has none, with the region's note — 西藏 has no published factor)."""
    cid, quantity, year = request["carrier"], request["quantity"], request["year"]
    fields = {"carrier": cid, "quantity": quantity, "region": request["region"], "year": year,
              "used": row["id"], "used_region": reg, "used_year": row["data_year"]}
    name, used_region = _carrier_name(cid), _region_name(reg)
    kind = Text(f"factor_kind_{quantity}") if f"factor_kind_{quantity}" in REASONS else quantity
    out = []
    if level >= 2:
        own = own or []
        out.append(FactorFallbackWarning(Text(
            "factor_parent_region", region=_region_name(asked_region), carrier=name, quantity=kind,
            for_year=Text("factor_for_year", year=year) if year is not None else "", used_region=used_region,
            used=_describe(row), own=_own_nearest(own, asked_region, year, quantity),
            note=Text("factor_region_note", note=note) if not own and note else ""), **fields))
    dy = row["data_year"]
    if year is not None and dy is not None and dy != year:
        how = Text("factor_year_later" if dy > year else "factor_year_earlier")
        out.append(FactorFallbackWarning(Text(
            "factor_other_year", carrier=name, quantity=kind, used_region=used_region, year=year, used_year=dy,
            how=how), **fields))
    return tuple(out)


def _carrier_name(cid: str) -> dict[str, str]:
    """A carrier as a reader names it: 电力 in Chinese, electricity in English."""
    from .carriers import default_vocabulary

    try:
        c = default_vocabulary().get(cid)
    except KeyError:
        return {"zh": cid, "en": cid}
    return {"zh": c.name_zh, "en": c.name_en or c.id}


def _region_name(region: str | None) -> Any:
    """A factor's region as a reader names it (全国 / China (national)); ``""`` is every region."""
    from .regions import default_regions

    if not region:
        return Text("factor_all_regions")
    try:
        return {"zh": default_regions().label(region, "zh"), "en": default_regions().label(region, "en")}
    except KeyError:
        return region


@functools.cache
def co2_per_tce_bands() -> tuple[dict[str, Any], ...]:
    """The tCO2/tce band of each fuel family (``factors/rules/co2_per_tce_bands.csv``: family,
    carriers, category, low, high, source, rationale)."""
    import csv

    with open(data_dir() / "rules" / "co2_per_tce_bands.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return tuple({**r, "low": float(r["low"]), "high": float(r["high"]),
                  "carriers": tuple(x for x in r["carriers"].split("|") if x)} for r in rows)


def _family(bands: tuple[dict[str, Any], ...], carrier_id: str, category: str) -> dict[str, Any]:
    """The band naming the carrier, else the band of its category, else none."""
    for b in bands:
        if carrier_id in b["carriers"]:
            return b
    return next((b for b in bands if b["category"] == category), {})


def _describe(rec: Mapping[str, Any]) -> str:
    """``"2022 = 0.5617 tCO2/MWh (mee-2022-huadong)"`` — a row as a fallback message names it."""
    year = "" if rec.get("data_year") is None else f"{rec['data_year']} = "
    return f"{year}{rec['value']:g} {rec['unit']} ({rec['id']})"


def _own_nearest(own: list[dict[str, Any]], region: str, year: int | None, quantity: str) -> Text:
    """What the region itself has: its nearest-year row, or that it has none."""
    name = _region_name(region)
    if not own:
        kind = Text(f"factor_kind_{quantity}") if f"factor_kind_{quantity}" in REASONS else quantity
        return Text("factor_own_none", region=name, quantity=kind)
    dated = [r for r in own if r["data_year"] is not None]
    if year is None or not dated:
        return Text("factor_own", region=name, row=_describe(own[0]))
    best = min(dated, key=lambda r: (abs(r["data_year"] - year), r["data_year"]))
    return Text("factor_own_nearest", region=name, row=_describe(best))


def _is_na(v: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def check_factor_table(
    rows: pd.DataFrame,
    *,
    sources: pd.DataFrame | None = None,
    carriers: CarrierVocabulary | None = None,
    regions: Regions | None = None,
) -> pd.DataFrame:
    """Every problem of a factor table, one row each: ``id``, ``check``, ``message``.

    Checks: required columns; unique ids; unique keys; sources exist; carriers and regions
    exist; allowed basis / confidence / quantity; the unit parses and has the dimension the
    quantity needs for the carrier's measure; values finite, positive and inside low/high;
    plausibility bands; for every fuel NCV × CC × OF × 44/12 agrees with a stated emission
    factor; GB/T 2589 coefficients equal round(kcal / 7000, 4); CO2 per tce of heat inside
    a physical band.
    """
    import pandas as pd

    from .carriers import default_vocabulary
    from .regions import default_regions
    from .units import get_registry, parse_unit

    carriers = carriers or default_vocabulary()
    regions = regions or default_regions()
    problems: list[tuple[str, str, str]] = []

    def bad(fid: Any, check: str, msg: str) -> None:
        problems.append((str(fid), check, msg))

    missing = [c for c in ("id", "carrier", "quantity", "value", "unit", "source", "confidence") if c not in rows.columns]
    if missing:
        bad("<table>", "columns", f"missing required column(s) {missing}")
        return pd.DataFrame(problems, columns=["id", "check", "message"])
    df = _coerce(rows)
    reg = get_registry()

    dup = df["id"][df["id"].duplicated(keep=False)]
    for fid in sorted(set(dup)):
        bad(fid, "unique_id", "id appears more than once")
    key = ["carrier", "quantity", "basis", "region", "data_year", "variant"]
    kd = df[df.duplicated(key, keep=False)]
    for fid in kd["id"]:
        bad(fid, "unique_key", "another row has the same (carrier, quantity, basis, region, data_year, variant)")
    known_sources = set(sources["id"]) if sources is not None and "id" in sources else None

    unit_dim: dict[str, Any] = {}
    for rec in df.to_dict("records"):
        fid = rec["id"] or "<no id>"
        if not rec["id"]:
            bad(fid, "id", "row has no id")
        if not rec["source"]:
            bad(fid, "source", "row names no source document")
        elif known_sources is not None and rec["source"] not in known_sources:
            bad(fid, "source", f"source {rec['source']!r} is not in sources.csv")
        if rec["confidence"] not in CONFIDENCE:
            bad(fid, "confidence", f"confidence {rec['confidence']!r} is not one of {CONFIDENCE}")
        if rec["basis"] not in BASES:
            bad(fid, "basis", f"basis {rec['basis']!r} is not one of {BASES}")
        if rec["region"]:
            try:
                regions.resolve(rec["region"])
            except KeyError:
                bad(fid, "region", f"region {rec['region']!r} is not in regions.csv")
        q = rec["quantity"]
        if q not in QUANTITY_DIMENSIONS:
            bad(fid, "quantity", f"quantity {q!r} is not one of {sorted(QUANTITY_DIMENSIONS)}")
            continue
        try:
            carrier = carriers.get(rec["carrier"])
        except KeyError:
            bad(fid, "carrier", f"carrier {rec['carrier']!r} is not in carriers.csv")
            continue
        v = rec["value"]
        if v is None or not math.isfinite(v):
            bad(fid, "value", "value is missing or not a finite number")
            continue
        if v <= 0:
            bad(fid, "value", f"value {v} is not positive")
        lo, hi = rec["low"], rec["high"]
        if (not _is_na(lo) and v < lo) or (not _is_na(hi) and v > hi):
            bad(fid, "range", f"value {v} lies outside low/high [{lo}, {hi}]")
        try:
            unit = parse_unit(rec["unit"])
        except Exception as exc:
            bad(fid, "unit", f"unit {rec['unit']!r} does not parse: {exc}")
            continue
        from .units import MEASURES

        activity = MEASURES.get(carrier.measure, "[mass]")
        want = QUANTITY_DIMENSIONS[q].format(activity=f"({activity})")
        dkey = want
        if dkey not in unit_dim:
            unit_dim[dkey] = reg.get_dimensionality(want)
        if unit.dimensionality != unit_dim[dkey]:
            bad(fid, "dimension", f"unit {rec['unit']!r} does not fit {q} of a {carrier.measure} carrier (needs {want})")
            continue
        band = FACTOR_BANDS.get((q, carrier.category)) or FACTOR_BANDS.get((q, "*"))
        if band is not None and (carrier.measure == "mass" or q not in ("ncv",)):
            lo_b, hi_b, bu = band
            try:
                x = float(reg.Quantity(v, unit).to(parse_unit(bu)).magnitude)
            except Exception:
                x = None
            if x is not None and not (lo_b <= x <= hi_b):
                bad(fid, "plausible", f"{q} = {x:.6g} {bu} lies outside the plausible band [{lo_b}, {hi_b}] {bu} — a unit slip?")

    _check_combustion(df, reg, bad)
    _check_kcal_7000(df, reg, bad)
    return pd.DataFrame(problems, columns=["id", "check", "message"])


def _activity_unit(unit: str) -> str:
    """Denominator of a ``x/y`` unit string (``'kgce/kg'`` -> ``'kg'``)."""
    return unit.split("/", 1)[1] if "/" in unit else "1"


def _check_combustion(df: pd.DataFrame, reg: Any, bad: Callable[[Any, str, str], None]) -> None:
    """Per fuel: NCV × CC × OF × 44/12 agrees with a stated emission factor; CO2 per tce in its band."""
    from .units import parse_unit

    comb = df[df["quantity"].isin(["ncv", "carbon_content", "oxidation_rate", "emission_factor"])]
    for (cid, variant, region, year), g in comb.groupby(["carrier", "variant", "region", "data_year"], dropna=False):
        got = {r["quantity"]: r for r in g.to_dict("records")}
        if not {"ncv", "carbon_content", "oxidation_rate"} <= set(got):
            continue
        try:
            ncv = reg.Quantity(got["ncv"]["value"], parse_unit(got["ncv"]["unit"]))
            cc = reg.Quantity(got["carbon_content"]["value"], parse_unit(got["carbon_content"]["unit"]))
            of = float(reg.Quantity(got["oxidation_rate"]["value"], parse_unit(got["oxidation_rate"]["unit"])).to("dimensionless").magnitude)
            per_energy = (cc * of * CO2_PER_CARBON).to("tC/TJ").magnitude  # tCO2 per TJ, numerically
            co2_per_tce = per_energy * reg.Quantity(1, "tce").to("TJ").magnitude
        except Exception:
            continue
        if not (CO2_PER_TCE_BAND[0] <= co2_per_tce <= CO2_PER_TCE_BAND[1]):
            bad(got["carbon_content"]["id"], "co2_per_tce",
                f"{cid}: {co2_per_tce:.3f} tCO2 per tce of heat lies outside {CO2_PER_TCE_BAND}")
        if "emission_factor" in got:
            ef = got["emission_factor"]
            try:
                calc = (ncv * cc * of).to(f"tC/({_activity_unit(ef['unit'])})").magnitude * CO2_PER_CARBON
                stated = reg.Quantity(ef["value"], parse_unit(ef["unit"])).to(
                    f"tCO2/({_activity_unit(ef['unit'])})"
                ).magnitude
            except Exception as exc:
                bad(ef["id"], "combustion", f"cannot compare with NCV × CC × OF: {exc}")
                continue
            if not math.isclose(calc, stated, rel_tol=2e-3):
                bad(ef["id"], "combustion",
                    f"{cid}: stated {stated:.5g} but NCV × CC × OF × 44/12 = {calc:.5g} (rtol 0.2 %)")


def _check_kcal_7000(df: pd.DataFrame, reg: Any, bad: Callable[[Any, str, str], None]) -> None:
    """GB/T 2589: a coefficient equals round(kcal / 7000, 4) of its reference NCV."""
    from .units import parse_unit

    tce = df[df["quantity"].isin(["tce_coefficient", "reference_ncv"])]
    for (cid, variant, basis), g in tce.groupby(["carrier", "variant", "basis"]):
        coef = g[g["quantity"] == "tce_coefficient"]
        ref = g[g["quantity"] == "reference_ncv"]
        if coef.empty or ref.empty:
            continue
        c, r = coef.iloc[0], ref.iloc[0]
        if "cal" not in r["unit"]:
            continue
        try:
            act = _activity_unit(c["unit"])
            for col in ("value", "low", "high"):
                if _is_na(c[col]) or _is_na(r[col]):
                    continue
                kcal = reg.Quantity(r[col], parse_unit(r["unit"])).to(f"kcal/({act})").magnitude
                coef_v = reg.Quantity(c[col], parse_unit(c["unit"])).to(f"kgce/({act})").magnitude
                if abs(round(kcal / 7000.0, 4) - coef_v) > 5e-5 + 1e-9:
                    bad(c["id"], "kcal_7000",
                        f"{cid}: coefficient {coef_v:.4f} ({col}) but {kcal:g} kcal / 7000 = {kcal / 7000:.4f}")
        except Exception as exc:
            bad(c["id"], "kcal_7000", f"cannot compare with reference_ncv: {exc}")


@build_once
def _default_factor_set() -> FactorSet:
    return FactorSet.from_dir(data_dir(), label="default")
