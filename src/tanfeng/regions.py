"""Regions for grid factors: national -> 7 grid regions (华东 …) -> provinces (浙江 …).

Ids are the names people write (``national``, ``华东``, ``浙江``); aliases such as 浙江省, 全国 or
``zhejiang`` resolve to them. The parent chain drives the factor fallback rule
(浙江 -> 华东 -> national).
"""

from __future__ import annotations

import difflib
import functools
from pathlib import Path

from ._resources import data_dir, normalize_name
from .errors import UnknownRegionError

__all__ = ["Regions", "default_regions"]


class Regions:
    """Region ids, their aliases and their parents."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.parent: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for r in rows:
            rid = r["id"].strip()
            self.parent[rid] = r.get("parent", "").strip()
            for name in (rid, r.get("name_en", ""), *str(r.get("aliases", "")).split("|")):
                if name.strip():
                    self._names[normalize_name(name)] = rid

    @classmethod
    def from_csv(cls, path: str | Path) -> Regions:
        """Read ``regions.csv``."""
        import csv

        with open(path, encoding="utf-8") as fh:
            return cls(list(csv.DictReader(fh)))

    @property
    def ids(self) -> list[str]:
        """All region ids."""
        return list(self.parent)

    def resolve(self, name: str) -> str:
        """Region id for a name or alias (``"浙江省"`` -> ``"浙江"``)."""
        rid = self._names.get(normalize_name(str(name)))
        if rid is None:
            close = difflib.get_close_matches(normalize_name(str(name)), list(self._names), 3, 0.5)
            raise UnknownRegionError(name, sorted({self._names[c] for c in close}))
        return rid

    def chain(self, region: str) -> list[str]:
        """The region and its ancestors: ``chain("浙江") == ["浙江", "华东", "national"]``."""
        out = [self.resolve(region)]
        while self.parent.get(out[-1]):
            out.append(self.parent[out[-1]])
            if len(out) > 10:  # pragma: no cover - a cycle in the data
                raise ValueError(f"regions.csv has a parent cycle at {region!r}")
        return out


@functools.cache
def default_regions() -> Regions:
    """The regions shipped in ``factors/regions.csv``."""
    return Regions.from_csv(data_dir() / "regions.csv")
