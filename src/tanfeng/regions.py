"""Regions for grid factors: national -> 7 grid regions (华东 …) -> provinces (浙江 …).

Ids are the names people write (``national``, ``华东``, ``浙江``); aliases such as 浙江省, 全国 or
``zhejiang`` resolve to them. The parent chain drives the factor fallback rule
(浙江 -> 华东 -> national). Grid membership is data (``regions.csv``'s ``parent`` column, per
the 2021 计算说明 表1): 内蒙古 is split, so its parts 蒙西 (华北) and 蒙东 (东北) name 内蒙古 as their
``province`` — ``chain("包头") == ["蒙西", "内蒙古", "华北", "national"]``.
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
        #: the province of a part of a province (蒙西 -> 内蒙古): its factor applies before the grid's
        self.province: dict[str, str] = {}
        #: what a reader must know about a region (split grid, no published factor …)
        self.note: dict[str, str] = {}
        self._names: dict[str, str] = {}
        #: the name a reader sees: (Chinese, English) of each id
        self._labels: dict[str, tuple[str, str]] = {}
        for r in rows:
            rid = r["id"].strip()
            self.parent[rid] = (r.get("parent") or "").strip()
            if (r.get("province") or "").strip():
                self.province[rid] = str(r["province"]).strip()
            self.note[rid] = (r.get("note") or "").strip()
            first_alias = str(r.get("aliases", "")).split("|")[0].strip()
            zh = rid if any("\u4e00" <= ch <= "\u9fff" for ch in rid) else (first_alias or rid)
            self._labels[rid] = (zh, (r.get("name_en") or "").strip() or rid)
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

    def label(self, region: str | None, lang: str | None = None) -> str:
        """The region as a reader names it: ``national`` is 全国 in Chinese, ``China (national)``
        in English; 浙江 is 浙江 / Zhejiang. ``None`` or ``""`` (a factor of no region) is national.

        Examples
        --------
        >>> r = default_regions()
        >>> r.label("national", "zh"), r.label("national", "en"), r.label("浙江", "zh")
        ('全国', 'China (national)', '浙江')
        """
        from .cells import get_language

        rid = self.resolve(region) if region else "national"
        zh, en = self._labels.get(rid, (rid, rid))
        return en if (lang or get_language()) == "en" else zh

    def chain(self, region: str) -> list[str]:
        """The region and its ancestors: ``chain("浙江") == ["浙江", "华东", "national"]``.

        A part of a province lists its province before its grid:
        ``chain("蒙西") == ["蒙西", "内蒙古", "华北", "national"]``.
        """
        out = [self.resolve(region)]
        if out[0] in self.province:
            out.append(self.province[out[0]])
            out.append(self.parent[out[0]])
        while self.parent.get(out[-1]):
            out.append(self.parent[out[-1]])
            if len(out) > 10:  # pragma: no cover - a cycle in the data
                raise ValueError(f"regions.csv has a parent cycle at {region!r}")
        return out


@functools.cache
def default_regions() -> Regions:
    """The regions shipped in ``factors/regions.csv``."""
    return Regions.from_csv(data_dir() / "regions.csv")
