"""Energy carriers (能源品种): one canonical id for every name a spreadsheet uses.

``resolve("原煤") == "raw_coal"``; aliases come from ``factors/carriers.csv`` (电, 电力, 外购电力,
网购电量 -> ``electricity``; 蒸汽, 外购蒸汽 -> ``steam`` …). Matching folds full-width characters,
case, spaces and brackets, so ``"天然气（管道）"`` and ``"天然气 (管道)"`` are the same name.
Each carrier knows its *measure* (mass, volume, electricity, heat), so a unit of the wrong
dimension is caught before any factor is applied.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from ._resources import data_dir, normalize_name
from .errors import UnknownCarrierError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")

__all__ = ["Carrier", "CarrierVocabulary", "default_vocabulary", "resolve", "table"]


class Carrier(BaseModel):
    """One energy carrier (能源品种) of ``carriers.csv``.

    Examples
    --------
    >>> c = default_vocabulary().get("外购电力")
    >>> c.id, c.measure, c.scope
    ('electricity', 'electricity', 2)
    """

    model_config = ConfigDict(frozen=True)

    id: str
    name_zh: str
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    category: str
    measure: str
    scope: int
    secondary: bool = False
    note: str = ""


class CarrierVocabulary:
    """The carriers of a factor set and the names that resolve to them."""

    def __init__(self, carriers: Iterable[Carrier]) -> None:
        self._by_id: dict[str, Carrier] = {}
        self._names: dict[str, str] = {}
        for c in carriers:
            if c.id in self._by_id:
                raise ValueError(f"carrier id {c.id!r} appears twice in carriers.csv")
            self._by_id[c.id] = c
        for c in self._by_id.values():
            for name in (c.id, c.name_zh, c.name_en, *c.aliases):
                key = normalize_name(name) if name else ""
                if not key:
                    continue
                other = self._names.get(key)
                if other is not None and other != c.id:
                    raise ValueError(
                        f"carriers.csv: the name {name!r} is given to both {other!r} and {c.id!r}"
                    )
                self._names[key] = c.id

    @classmethod
    def from_csv(cls, path: str | Path) -> CarrierVocabulary:
        """Read ``carriers.csv``."""
        import pandas as pd

        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        return cls.from_frame(df)

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> CarrierVocabulary:
        """Build from a DataFrame with the columns of ``carriers.csv``."""
        out = []
        for rec in df.to_dict("records"):
            out.append(
                Carrier(
                    id=rec["id"],
                    name_zh=rec["name_zh"],
                    name_en=rec.get("name_en", ""),
                    aliases=tuple(a.strip() for a in str(rec.get("aliases", "")).split("|") if a.strip()),
                    category=rec["category"],
                    measure=rec["measure"],
                    scope=int(rec["scope"]),
                    secondary=str(rec.get("secondary", "")).strip().lower() in {"true", "1", "yes"},
                    note=rec.get("note", ""),
                )
            )
        return cls(out)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalize_name(name) in self._names

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def ids(self) -> list[str]:
        """Canonical ids, in file order."""
        return list(self._by_id)

    def get(self, carrier_id: str) -> Carrier:
        """The carrier with this canonical id (or any name that resolves to it)."""
        return self._by_id[self.resolve(carrier_id)]

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Close names, shown as the Chinese name with the id (``'天然气 (natural_gas)'``)."""
        key = normalize_name(str(name))
        keys = difflib.get_close_matches(key, list(self._names), n=n * 3, cutoff=0.5)
        # Also match on contained names: "外购天然气费用" contains "天然气".
        if len(keys) < n:
            keys += sorted(
                (k for k in self._names if len(k) >= 2 and (k in key or key in k)),
                key=len,
                reverse=True,
            )
        out: list[str] = []
        for k in keys:
            c = self._by_id[self._names[k]]
            label = f"{c.name_zh} ({c.id})"
            if label not in out:
                out.append(label)
            if len(out) == n:
                break
        return out

    def resolve(self, name: str) -> str:
        """Canonical id for any known name; `UnknownCarrierError` with close matches otherwise.

        Examples
        --------
        >>> default_vocabulary().resolve("网购电量")
        'electricity'
        """
        if not isinstance(name, str) or not name.strip():
            raise UnknownCarrierError(name, [])
        cid = self._names.get(normalize_name(name))
        if cid is None:
            # "柴油(0#)", "天然气（管道）": a bracketed remark after a known name
            bare = _BRACKETED.sub("", name).strip()
            cid = self._names.get(normalize_name(bare)) if bare and bare != name else None
        if cid is None:
            raise UnknownCarrierError(name, self.suggest(name))
        return cid

    def table(self) -> pd.DataFrame:
        """All carriers as a DataFrame (id, name_zh, name_en, aliases, category, measure, scope)."""
        import pandas as pd

        rows = [c.model_dump() for c in self._by_id.values()]
        df = pd.DataFrame(rows)
        df["aliases"] = df["aliases"].map("、".join)
        return df.set_index("id")


@functools.cache
def default_vocabulary() -> CarrierVocabulary:
    """The carrier vocabulary shipped in ``factors/carriers.csv``."""
    return CarrierVocabulary.from_csv(data_dir() / "carriers.csv")


def resolve(name: str) -> str:
    """Canonical carrier id for a Chinese or English name, alias or id.

    Examples
    --------
    >>> import tanfeng
    >>> tanfeng.resolve_carrier("原煤")
    'raw_coal'
    >>> tanfeng.resolve_carrier("外购电力")
    'electricity'
    """
    return default_vocabulary().resolve(name)


def table() -> pd.DataFrame:
    """The shipped carriers as a DataFrame."""
    return default_vocabulary().table()
