"""Where the shipped data lives: inside the wheel (``tanfeng/_data/factors``) or, in a source
checkout / editable install, the repository's top-level ``factors/`` folder."""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TypeVar

__all__ = ["build_once", "data_dir", "file_version", "normalize_name", "package_version"]

T = TypeVar("T")


def build_once(build: Callable[[], T]) -> Callable[[], T]:
    """Cache what ``build()`` returns, built once under a lock even when threads call it together.

    A build that raises is not cached: the next call tries again. ``.cache_clear()`` forgets it.
    """
    lock = threading.Lock()
    box: list[T] = []

    @functools.wraps(build)
    def get() -> T:
        if box:
            return box[0]
        with lock:
            if not box:
                box.append(build())
        return box[0]

    def cache_clear() -> None:
        with lock:
            box.clear()

    get.cache_clear = cache_clear  # type: ignore[attr-defined]
    return get


def file_version(*paths: str | Path) -> str:
    r"""SHA-256 (first 12 hex digits) of data files' bytes as shipped: the ``.version`` of a rule
    set or factor set read from files.

    One file: the hash of its bytes, as ``sha256sum FILE | cut -c1-12`` prints it. Several files
    (a folder's rule set, a factor set): the hash of the lines ``<sha256 of the file>  <name>\n``
    of the files sorted by name, as ``sha256sum * | sha256sum | cut -c1-12`` prints it in the
    folder. A comment or a reformatting of a file changes its version: the version names the
    file, not only what was read from it.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "rules.toml"
    >>> _ = f.write_bytes(b"a = 1\n")
    >>> file_version(f) == hashlib.sha256(b"a = 1\n").hexdigest()[:12]
    True
    """
    digests = sorted((Path(p).name, hashlib.sha256(Path(p).read_bytes()).hexdigest()) for p in paths)
    if len(digests) == 1:
        return digests[0][1][:12]
    lines = "".join(f"{digest}  {name}\n" for name, digest in digests)
    return hashlib.sha256(lines.encode()).hexdigest()[:12]


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
