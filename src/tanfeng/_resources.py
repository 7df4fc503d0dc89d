"""Where the shipped data lives: inside the wheel (``tanfeng/_data/factors``) or, in a source
checkout / editable install, the repository's top-level ``factors/`` folder."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["data_dir", "find_columns", "normalize_name", "package_version"]


@functools.cache
def package_version() -> str:
    """The installed distribution's version (``pyproject.toml`` is the one place it is written).

    A source tree that is not installed reports ``"0+unknown"``.
    """
    from importlib import metadata

    try:
        return metadata.version("tanfeng")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "0+unknown"


@functools.cache
def data_dir() -> Path:
    """Folder of the default factor database."""
    packaged = Path(str(resources.files("tanfeng"))) / "_data" / "factors"
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parents[2] / "factors"
    if source.is_dir():
        return source
    raise FileNotFoundError(  # pragma: no cover - a broken install
        "tanfeng's factor data was not found; reinstall the package (pip install tanfeng)"
    )


_DROP = str.maketrans("", "", " \t\r\n()（）[]【】{}「」〔〕《》—·:：'\"“”")


@functools.lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Fold a name for matching: NFKC width folding, lower case, no spaces, brackets or dashes."""
    import unicodedata

    return unicodedata.normalize("NFKC", name).lower().translate(_DROP)


_TRAILING_REMARK = re.compile(r"[（(\[【][^）)\]】]*[）)\]】]\s*$")


def find_columns(
    columns_of: Iterable[Any],
    aliases: Mapping[str, Iterable[str]],
    columns: Mapping[str, str] | None = None,
    *,
    strip_remark: bool = False,
) -> dict[str, Any]:
    """Map standard names to a table's own headers.

    ``aliases`` gives, per standard name, the headers that mean it (``"quantity": ("消费量",
    "数量", …)``); matching folds width, case, spaces and brackets (:func:`normalize_name`), and
    with ``strip_remark`` ignores a trailing bracketed remark (``用电量（万千瓦时）`` matches
    ``用电量``). ``columns`` (standard name -> your header) wins and must name a real column.
    """
    headers = list(columns_of)
    lookup: dict[str, Any] = {}
    for c in headers:
        lookup.setdefault(normalize_name(str(c)), c)
        if strip_remark:
            lookup.setdefault(normalize_name(_TRAILING_REMARK.sub("", str(c))), c)
    found: dict[str, Any] = {}
    for std, names in aliases.items():
        if columns and std in columns:
            if columns[std] not in headers:
                raise KeyError(f"columns={{{std!r}: {columns[std]!r}}}: no such column in the table")
            found[std] = columns[std]
            continue
        hit = next((lookup[k] for k in map(normalize_name, names) if k in lookup), None)
        if hit is not None:
            found[std] = hit
    return found
