"""Shared pieces of the policy-rule files under ``factors/rules/``: confidence marks, the cited
source of a rule, reading TOML with errors that name the file, and the one loading interface.

Every kind of rule set — 两高 rules (`tanfeng.screening.TwoHighRules`, also
`~tanfeng.screening.LowEfficiencyRules`), swap rules (`tanfeng.swap.SwapRules`), 亩均 schemes
(`tanfeng.per_mu.Scheme`) and plans (`tanfeng.targets.Plan`) — is loaded the same way:

* ``Kind.load(id_or_path)`` — a shipped id or your own file;
* ``Kind.available()`` — the shipped ids;
* ``.sources`` — ``{source id: Source}`` of the documents the rules rest on;
* ``.version`` — the hash of the rule file's bytes as shipped (`file_version`; for a rule set
  of several files, such as the swap rules' CSV files, a hash over those files sorted by name).
  A rule set that was not read from a file (a mapping, ``from_dict``), or was changed after it
  was read (``replace``, ``model_copy(update=…)``), has the hash of its content instead
  (`content_version`). Results record the version beside the rule set's id and the factor
  set's version, so an edited rule file is visible.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, PrivateAttr

from ._resources import file_version
from .errors import RuleError

__all__ = ["CONFIDENCE", "Confidence", "FileVersioned", "Source", "content_version", "file_version", "find_rule_file", "from_files",
           "read_toml", "same_files"]

#: ``verified`` — read in the original; ``secondary`` — a faithful reprint; ``unverified``.
Confidence = Literal["verified", "secondary", "unverified"]
#: The confidence marks, best first (factor rows, rule sources and resolved keys use these).
CONFIDENCE: tuple[Confidence, ...] = get_args(Confidence)


class Source(BaseModel):
    """A document a rule rests on (standard, notice, local scheme), with its confidence mark."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = ""
    title: str
    number: str = ""
    issuer: str = ""
    date: str = ""
    url: str = ""
    confidence: Confidence = "unverified"
    note: str = ""


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error becomes a `RuleError` naming the file and the line."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: not valid TOML: {exc}") from exc


def content_version(*parts: Any) -> str:
    """SHA-256 (first 12 hex digits) of JSON-able content: the ``.version`` of a rule set.

    Pydantic models are hashed by their JSON dump, so any change of a field (a threshold, a
    weight, a source) changes the version, and a comment or reformatting of the file does not.

    Examples
    --------
    >>> content_version({"a": 1}) == content_version({"a": 1}), len(content_version([1, 2]))
    (True, 12)
    """
    def plain(x: Any) -> Any:
        return x.model_dump(mode="json") if isinstance(x, BaseModel) else x

    text = json.dumps([plain(p) for p in parts], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class FileVersioned(BaseModel):
    """A rule set read from files: its `version` is the files' hash (`file_version`) as long as
    its content is what the files gave, else its content hash (`content_version`)."""

    _file_version: str | None = PrivateAttr(default=None)
    _file_content: str | None = PrivateAttr(default=None)

    @property
    def version(self) -> str:
        """Hash (12 hex digits) of the rule file's bytes as shipped; of the content when the rule
        set was not read from a file or was changed since."""
        content = content_version(self)
        if self._file_version is not None and content == self._file_content:
            return self._file_version
        return content


M = TypeVar("M", bound=FileVersioned)


def from_files(rules: M, *paths: str | Path) -> M:
    """``rules`` marked as read from ``paths``: its version is theirs (`file_version`)."""
    rules._file_version = file_version(*paths)
    rules._file_content = content_version(rules)
    return rules


def same_files(rules: M, original: FileVersioned) -> M:
    """``rules`` (a validated copy of ``original``) keeps the files' version while its content
    is still theirs."""
    rules._file_version, rules._file_content = original._file_version, original._file_content
    return rules


def find_rule_file(id_or_path: str | Path, folder: Path, what: str, available: Sequence[str],
                   suffix: str = ".toml") -> Path:
    """The file of a shipped id (``folder/<id><suffix>``) or a path; `RuleError` naming the choices."""
    p = Path(id_or_path)
    if p.is_file():
        return p
    shipped = folder / (p.name if p.suffix == suffix else f"{p.name}{suffix}")
    if shipped.is_file():
        return shipped
    raise RuleError(f"no {what} {str(id_or_path)!r}: give the path of a {suffix} file or one of {list(available)}")
